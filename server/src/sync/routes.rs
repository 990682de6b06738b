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

use app::domain::{ErrorBody, SyncPage};

use super::feed;
use super::hub::{AccountSignal, Poke, Viewer};
use crate::accounts::{self, Authorized};
use crate::http::{ApiError, ApiQuery, ApiResult};
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

fn change_event(cursor: i64) -> Event {
    Event::default()
        .event("change")
        .id(cursor.to_string())
        .data(format!("{{\"cursor\":{cursor}}}"))
}

/// Server-Sent Events: `event: ready` at once (a client that does not hear it within a few
/// seconds is behind a buffering proxy and polls instead), then `event: change` (id and
/// data: the newest cursor) whenever something the caller may see changes; heartbeats as
/// comments; `Last-Event-ID` honoured. The stream ends when its session does (sign-out,
/// expiry, a revoked role, a disabled account), and after any change of the caller's
/// roles it pokes only for what they may see now.
#[utoipa::path(get, path = "/api/v1/events", tag = "sync",
    responses((status = 200, content_type = "text/event-stream", description = "`event: change` with the newest cursor"),
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
        deadline,
        pokes: BroadcastStream::new(receiver),
        accounts,
    }
    .into_stream();
    let ready = Event::default().event("ready").data("{}");
    let stream = stream::iter(
        std::iter::once(ready)
            .chain(catch_up.map(change_event))
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

    /// The next event to send, or `None` when the stream must end.
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
                        if !self.recheck().await {
                            return None;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = tokio::time::sleep(check_in) => {
                    if !self.recheck().await {
                        return None;
                    }
                }
                poke = self.pokes.next() => match poke {
                    Some(Ok(poke)) => {
                        if let Some(cursor) = poke.newest_for(&self.viewer) {
                            return Some(change_event(cursor));
                        }
                    }
                    // Too slow to keep up: a poke without a cursor makes the client pull.
                    Some(Err(BroadcastStreamRecvError::Lagged(_))) => {
                        return Some(Event::default().event("change").data("{}"));
                    }
                    None => return None,
                },
            }
        }
    }

    /// Re-reads the session and re-resolves the actor; false when the stream must end.
    async fn recheck(&mut self) -> bool {
        match accounts::stream_entitlement(&self.state, &self.session_id, self.user).await {
            Ok(Some((actor, deadline))) => {
                self.viewer = Viewer::of(&actor);
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
