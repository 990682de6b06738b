//! `GET /api/v1/sync` and `GET /api/v1/events`.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use futures_util::stream::{self, Stream, StreamExt};
use sea_orm::DbBackend;
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tower_sessions::Session;
use uuid::Uuid;

use app::domain::{ChangeEvent, ErrorBody, SyncPage};

use super::feed;
use super::hub::{AccountSignal, Poke, Viewer};
use super::views::ReaderClass;
use crate::accounts::{self, Authorized};
use crate::http::{ApiError, ApiQuery, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sync", get(sync))
        .route("/events", get(events))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// The `cursor` of the previous answer; 0 (the default) for everything.
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    since: Option<i64>,
    /// At most this many changes: 1 to 500 (default 200).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 500)]
    limit: Option<app::bounded::SyncLimit>,
}

/// The changes the caller may see after `since`, in order, each with the record's current
/// state (or a tombstone when the caller may no longer see it).
#[utoipa::path(get, path = "/api/v1/sync", tag = "sync", params(SyncQuery),
    responses((status = 200, body = SyncPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn sync(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiQuery(query): ApiQuery<SyncQuery>,
) -> ApiResult<Json<SyncPage>> {
    let page = feed::pull(
        &state,
        &actor,
        query.since.unwrap_or(0),
        query.limit.unwrap_or_default(),
    )
    .await?;
    Ok(Json(page))
}

/// An `event: change` with this data; its id is the event's cursor, if it has one.
fn change_event(data: &ChangeEvent) -> Event {
    let event = Event::default().event("change");
    let event = match data.cursor {
        Some(cursor) => event.id(cursor.to_string()),
        None => event,
    };
    // A `ChangeEvent` is plain data; failing to serialise it would be a bug.
    event.data(serde_json::to_string(data).unwrap_or_else(|_| "{}".into()))
}

/// An event that makes the client pull up to `cursor` (or to the end, without one).
fn pull_event(cursor: Option<i64>) -> Event {
    change_event(&ChangeEvent {
        cursor,
        ..Default::default()
    })
}

/// Server-Sent Events: `event: ready` at once (a client that does not hear it within a few
/// seconds is behind a buffering proxy and polls instead), then `event: change` whenever
/// something the caller may see changes, carrying the changes themselves (see
/// [`ChangeEvent`]: the same records a pull would send, so an online client needs no
/// pull); heartbeats as comments; `Last-Event-ID` honoured (an event at once says to
/// pull what was missed). The stream ends when its session does (sign-out,
/// expiry, a revoked role, a disabled account), and after any change of the caller's
/// roles it pokes only for what they may see now.
#[utoipa::path(get, path = "/api/v1/events", tag = "sync",
    responses((status = 200, content_type = "text/event-stream", description = "`event: change`, data a `ChangeEvent`"),
              (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    session: Session,
    Authorized(actor): Authorized,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Subscribed before the entitlement is read, so no signal falls between the two.
    let accounts = state.changes.subscribe_accounts();
    let receiver = state.changes.subscribe();
    let session_id = session
        .id()
        .map(|id| id.to_string())
        .ok_or(ApiError::Unauthenticated)?;
    let Some((_, deadline)) =
        accounts::stream_entitlement(&state, &session_id, actor.user.id).await?
    else {
        return Err(ApiError::Unauthenticated);
    };
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    // Missed while disconnected: say so at once, so the client pulls.
    let catch_up = match last_seen {
        Some(since) => feed::newest_visible(&state, &actor, since).await?,
        None => None,
    };
    let live = LiveStream {
        recheck_every: if state.db.get_database_backend() == DbBackend::Postgres {
            POSTGRES_RECHECK
        } else {
            SQLITE_RECHECK
        },
        state,
        session_id,
        user: actor.user.id,
        viewer: Viewer::of(&actor),
        class: ReaderClass::of(&actor),
        actor,
        pending_from: None,
        deadline,
        pokes: BroadcastStream::new(receiver),
        accounts,
    }
    .into_stream();
    let ready = Event::default().event("ready").data("{}");
    let stream = stream::iter(
        std::iter::once(ready)
            .chain(catch_up.map(|cursor| pull_event(Some(cursor))))
            .map(Ok),
    )
    .chain(live);
    Ok(Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(15))
            .text("heartbeat"),
    ))
}

/// How often a stream re-reads its session without being told to: the safety net for
/// changes made where no signal reaches it (the admin command writing to SQLite from
/// another process; a NOTIFY lost while PostgreSQL's LISTEN connection was re-opened is
/// covered by the `All` signal sent on reconnecting).
const SQLITE_RECHECK: Duration = Duration::from_secs(5);
const POSTGRES_RECHECK: Duration = Duration::from_secs(60);

/// The live part of one event stream: pokes filtered for its viewer, until its session or
/// its account's entitlement ends.
struct LiveStream {
    state: AppState,
    session_id: String,
    user: Uuid,
    viewer: Viewer,
    /// Who the changes are built for (re-resolved on every re-check), and their class.
    actor: Actor,
    class: ReaderClass,
    /// Where the range of the next event starts: the `from` of the first round since the
    /// last event (rounds the viewer saw nothing of are part of the next event's range).
    pending_from: Option<i64>,
    /// When the session expires at the latest (idle or absolute): re-checked then.
    deadline: DateTime<Utc>,
    recheck_every: Duration,
    pokes: BroadcastStream<Poke>,
    accounts: broadcast::Receiver<AccountSignal>,
}

impl LiveStream {
    fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> {
        stream::unfold(self, |mut live| async move {
            let event = live.next_event().await?;
            Some((Ok(event), live))
        })
    }

    /// The next event to send, or `None` when the stream must end. An idle stream is
    /// parked in here, so what it holds is this future's size: the rare, deep futures
    /// (re-checking the session, building an event's records) are boxed, so they take
    /// memory only while they run (issue: sync at scale, memory per idle stream).
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            let until_deadline = (self.deadline - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            let check_in = until_deadline.min(self.recheck_every);
            tokio::select! {
                // Account signals first: a poke for someone who has just lost access
                // must not go out ahead of the signal that ends their stream.
                biased;
                signal = self.accounts.recv() => match signal {
                    Ok(signal) if !signal.concerns(self.user) => {}
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        if !Box::pin(self.recheck()).await {
                            return None;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = tokio::time::sleep(check_in) => {
                    if !Box::pin(self.recheck()).await {
                        return None;
                    }
                }
                poke = self.pokes.next() => match poke {
                    Some(Ok(poke)) => {
                        // Something of the reader's own changed (perhaps their roles, by
                        // another process): check the session before sending anything.
                        if poke.addresses_alone(self.user) && !Box::pin(self.recheck()).await {
                            return None;
                        }
                        let from = *self.pending_from.get_or_insert(poke.from);
                        let seen = poke.visible_to(&self.viewer);
                        if seen.is_empty() {
                            continue;
                        }
                        self.pending_from = None;
                        return Some(Box::pin(self.pushed(&poke, from, &seen)).await);
                    }
                    // Too slow to keep up: rounds were missed, so the client pulls.
                    Some(Err(BroadcastStreamRecvError::Lagged(_))) => {
                        self.pending_from = None;
                        return Some(pull_event(None));
                    }
                    None => return None,
                },
            }
        }
    }

    /// The event for a round's changes this viewer may see: their records, built as a
    /// pull builds them (shared payloads of the viewer's class, then their own fields).
    /// Written as text straight from the class's shared JSON, so a change without fields
    /// of the reader's own costs a stream a copy, not a build or a serialisation.
    async fn pushed(&self, poke: &Poke, from: i64, seen: &[feed::Outgoing]) -> Event {
        let prepared = match feed::prepare(&self.state, &self.actor, &self.class, seen).await {
            Ok(prepared) => prepared,
            Err(e) => {
                // The client pulls instead, which builds them again (or answers the error).
                tracing::warn!(error = %e, "cannot build the changes of a live event");
                return pull_event(Some(poke.to));
            }
        };
        let unread = poke.unread_of(self.user);
        let mut data = format!(r#"{{"cursor":{},"from":{from},"changes":["#, poke.to);
        for (i, (&(cursor, kind, id, _), record)) in seen.iter().zip(&prepared).enumerate() {
            if i > 0 {
                data.push(',');
            }
            // The fields of `app::domain::Change`.
            data.push_str(&format!(
                r#"{{"cursor":{cursor},"kind":"{}","id":"{id}","op":"{}","data":"#,
                kind.as_str(),
                record.op().as_str()
            ));
            data.push_str(&record.json_for(kind, self.user, &unread));
            data.push('}');
        }
        data.push_str("]}");
        Event::default()
            .event("change")
            .id(poke.to.to_string())
            .data(data)
    }

    /// Re-reads the session and re-resolves the actor; false when the stream must end.
    async fn recheck(&mut self) -> bool {
        match accounts::stream_entitlement(&self.state, &self.session_id, self.user).await {
            Ok(Some((actor, deadline))) => {
                self.viewer = Viewer::of(&actor);
                self.class = ReaderClass::of(&actor);
                self.actor = actor;
                self.deadline = deadline;
                true
            }
            Ok(None) => false,
            Err(e) => {
                // Fail closed: the client reconnects and is checked afresh.
                tracing::warn!(error = %e, "event stream cannot re-check its session");
                false
            }
        }
    }
}
