//! `GET /api/v1/sync`: the changes a caller may see after a cursor, each with the
//! record's current state as the policy layer shows it to them now, or a tombstone.
//! Permissions are evaluated on every pull, so a change of role takes effect at once.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use app::domain::{Change, ChangeKind, ChangeOp, SyncPage};

use crate::entities::{change_audience, change_log};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

/// The audience rows that name this actor: their networks, platforms, organisation, or them.
pub fn audience_condition(actor: &Actor) -> Condition {
    Condition::any()
        .add(change_audience::Column::NetworkId.is_in(actor.network_roots.iter().copied()))
        .add(change_audience::Column::PlatformId.is_in(actor.working_platforms()))
        .add(change_audience::Column::OrganisationId.eq(actor.organisation.id))
        .add(change_audience::Column::UserId.eq(actor.user.id))
}

/// The newest cursor after `since` that this actor is in the audience of.
pub async fn newest_visible(state: &AppState, actor: &Actor, since: i64) -> ApiResult<Option<i64>> {
    let row = change_audience::Entity::find()
        .filter(change_audience::Column::Cursor.gt(since))
        .filter(audience_condition(actor))
        .order_by_desc(change_audience::Column::Cursor)
        .one(&state.db)
        .await?;
    Ok(row.map(|r| r.cursor))
}

pub async fn pull(
    state: &AppState,
    actor: &Actor,
    since: i64,
    limit: app::bounded::SyncLimit,
) -> ApiResult<SyncPage> {
    if since < 0 {
        return Err(ApiError::invalid(
            "invalid_cursor",
            "`since` is a cursor from an earlier answer, 0 or more.",
        ));
    }
    let limit = limit.get();
    let mine = Query::select()
        .column(change_audience::Column::Cursor)
        .from(change_audience::Entity)
        .cond_where(
            Condition::all()
                .add(change_audience::Column::Cursor.gt(since))
                .add(audience_condition(actor)),
        )
        .to_owned();
    let mut rows = change_log::Entity::find()
        .filter(change_log::Column::Cursor.gt(since))
        .filter(change_log::Column::Cursor.in_subquery(mine))
        .order_by_asc(change_log::Column::Cursor)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let cursor = rows.last().map(|r| r.cursor).unwrap_or(since);

    // A record changed several times in one page is sent once, at its latest cursor.
    let mut latest: HashMap<(String, uuid::Uuid), i64> = HashMap::new();
    for row in &rows {
        latest.insert((row.kind.clone(), row.record_id), row.cursor);
    }
    let scope = actor.scope(&state.db);
    let mut changes = Vec::new();
    for row in rows {
        if latest.get(&(row.kind.clone(), row.record_id)) != Some(&row.cursor) {
            continue;
        }
        let Some(kind) = ChangeKind::parse(&row.kind) else {
            continue;
        };
        // The current state as this actor may see it; not visible (any more) is a delete.
        let data = match kind {
            ChangeKind::Platform => visible(scope.platform(row.record_id).await)?,
            ChangeKind::Membership => visible(scope.membership(row.record_id).await)?,
            ChangeKind::Thread => {
                visible(crate::threads::for_feed(state, actor, row.record_id).await)?
            }
            ChangeKind::Message => {
                visible(crate::threads::message_for_feed(state, actor, row.record_id).await)?
            }
            ChangeKind::GoodPractice => {
                visible(crate::practices::for_feed(state, actor, row.record_id).await)?
            }
            ChangeKind::OutreachRequest => {
                visible(crate::outreach::for_feed(state, actor, row.record_id).await)?
            }
            ChangeKind::Notification => {
                visible(crate::notifications::for_feed(state, actor, row.record_id).await)?
            }
        };
        changes.push(Change {
            cursor: row.cursor,
            kind,
            id: row.record_id,
            op: if data.is_some() {
                ChangeOp::Upsert
            } else {
                ChangeOp::Delete
            },
            data,
        });
    }
    Ok(SyncPage {
        changes,
        cursor,
        has_more,
    })
}

fn visible<T: serde::Serialize>(found: ApiResult<T>) -> ApiResult<Option<serde_json::Value>> {
    match found {
        Ok(record) => serde_json::to_value(record)
            .map(Some)
            .map_err(|e| ApiError::Internal(format!("serialising a change: {e}"))),
        Err(ApiError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
