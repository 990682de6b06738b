//! `GET /api/v1/sync` and `GET /api/v1/events`.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;

use app::domain::{ErrorBody, SyncPage};

use super::feed;
use super::hub::Viewer;
use crate::accounts::Authorized;
use crate::http::{ApiError, ApiQuery, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sync", get(sync))
        .route("/events", get(events))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SyncQuery {
    /// The `cursor` of the previous answer; 0 (the default) for everything.
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
/// comments; `Last-Event-ID` honoured.
#[utoipa::path(get, path = "/api/v1/events", tag = "sync",
    responses((status = 200, content_type = "text/event-stream", description = "`event: change` with the newest cursor"),
              (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let receiver = state.changes.subscribe();
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    // Missed while disconnected: say so at once, so the client pulls.
    let catch_up = match last_seen {
        Some(since) => feed::newest_visible(&state, &actor, since).await?,
        None => None,
    };
    let viewer = Viewer::of(&actor);
    let live = BroadcastStream::new(receiver).filter_map(move |poke| {
        let event = match poke {
            Ok(poke) => poke.newest_for(&viewer).map(change_event),
            // Too slow to keep up: a poke without a cursor makes the client pull anyway.
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                Some(Event::default().event("change").data("{}"))
            }
        };
        std::future::ready(event.map(Ok))
    });
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
