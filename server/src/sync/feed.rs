//! `GET /api/v1/sync`: the changes a caller may see after a cursor, each with the
//! record's current state as the policy layer shows it to them now, or a tombstone.
//! Permissions are evaluated on every pull, so a change of role takes effect at once.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use app::domain::{Change, ChangeKind, ChangeOp, SyncPage};
use uuid::Uuid;

use super::views::{self, ReaderClass};
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
    let mut latest: HashMap<(String, Uuid), i64> = HashMap::new();
    for row in &rows {
        latest.insert((row.kind.clone(), row.record_id), row.cursor);
    }
    // A message is visible through its thread: its payload also depends on the thread's
    // content, so the thread's newest content change is part of its key.
    let messages: Vec<Uuid> = latest
        .keys()
        .filter(|(kind, _)| kind == ChangeKind::Message.as_str())
        .map(|(_, id)| *id)
        .collect();
    let thread_of = crate::threads::threads_of_messages(&state.db, &messages).await?;
    let content_at = newest_content_changes(
        state,
        latest
            .keys()
            .map(|(_, id)| *id)
            .chain(thread_of.values().copied()),
    )
    .await?;
    let threads: Vec<Uuid> = latest
        .keys()
        .filter(|(kind, _)| kind == ChangeKind::Thread.as_str())
        .map(|(_, id)| *id)
        .collect();
    let unread = crate::threads::unread_counts(&state.db, actor.user.id, &threads).await?;
    let class = ReaderClass::of(actor);
    let holder = actor.as_reader_class();

    // Each change to send, with the key of its shared payload.
    let content = |kind: ChangeKind, id: Uuid, own: i64| {
        content_at
            .get(&(kind.as_str().to_string(), id))
            .copied()
            .unwrap_or(own)
    };
    let mut to_send = Vec::with_capacity(latest.len());
    for row in rows {
        if latest.get(&(row.kind.clone(), row.record_id)) != Some(&row.cursor) {
            continue;
        }
        let Some(kind) = ChangeKind::parse(&row.kind) else {
            continue;
        };
        let context = match (kind, thread_of.get(&row.record_id)) {
            (ChangeKind::Message, Some(thread)) => content(ChangeKind::Thread, *thread, 0),
            _ => 0,
        };
        let key = (content(kind, row.record_id, row.cursor), context);
        to_send.push((row.cursor, kind, row.record_id, key));
    }

    // Messages this class has no payload for yet are built together, a few queries per
    // thread (a new device catching up a long feed is mostly messages).
    let missing: Vec<(Uuid, (i64, i64))> = to_send
        .iter()
        .filter(|(_, kind, id, key)| {
            *kind == ChangeKind::Message && state.views.get(*kind, *id, *key, &class).is_none()
        })
        .map(|(_, _, id, key)| (*id, *key))
        .collect();
    if missing.len() > 1 {
        let ids: Vec<Uuid> = missing.iter().map(|(id, _)| *id).collect();
        let mut built = crate::threads::messages_for_feed(state, &holder, &ids).await?;
        for (id, key) in missing {
            let view = built.remove(&id).flatten();
            let payload = view
                .map(serde_json::to_value)
                .transpose()
                .map_err(|e| ApiError::Internal(format!("serialising a change: {e}")))?;
            state
                .views
                .insert(ChangeKind::Message, id, key, &class, payload);
        }
    }

    let mut changes = Vec::with_capacity(to_send.len());
    for (cursor, kind, id, key) in to_send {
        let mut data = if views::shared(kind) {
            let payload = state
                .views
                .get_or_build(kind, id, key, &class, record_for(state, &holder, kind, id))
                .await?;
            payload.data.clone()
        } else {
            // The current state as this actor may see it; not visible (any more) is a delete.
            record_for(state, actor, kind, id).await?
        };
        if let Some(data) = data.as_mut() {
            views::personalise(kind, data, actor.user.id, &unread);
        }
        changes.push(Change {
            cursor,
            kind,
            id,
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

/// For each of these records, its newest *content* change in the whole log: a change
/// addressed to more than single users (a record's own audience). The changes addressed
/// to single users only (a read marker moved, the tombstones of someone who lost a role)
/// leave the record as everyone else sees it unchanged, so they do not make its shared
/// payloads be built again.
async fn newest_content_changes(
    state: &AppState,
    records: impl Iterator<Item = Uuid>,
) -> ApiResult<HashMap<(String, Uuid), i64>> {
    let records: Vec<Uuid> = records
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut newest = HashMap::new();
    // A page has at most 500 changes; the chunks keep any database's variable limit far off.
    for chunk in records.chunks(500) {
        let addressed_beyond_users = Query::select()
            .expr(Expr::value(1))
            .from(change_audience::Entity)
            .and_where(
                Expr::col((change_audience::Entity, change_audience::Column::Cursor))
                    .equals((change_log::Entity, change_log::Column::Cursor)),
            )
            .and_where(change_audience::Column::UserId.is_null())
            .to_owned();
        let rows: Vec<(String, Uuid, i64)> = change_log::Entity::find()
            .select_only()
            .column(change_log::Column::Kind)
            .column(change_log::Column::RecordId)
            .column_as(change_log::Column::Cursor.max(), "newest")
            .filter(change_log::Column::RecordId.is_in(chunk.iter().copied()))
            .filter(Expr::exists(addressed_beyond_users))
            .group_by(change_log::Column::Kind)
            .group_by(change_log::Column::RecordId)
            .into_tuple()
            .all(&state.db)
            .await?;
        for (kind, id, cursor) in rows {
            newest.insert((kind, id), cursor);
        }
    }
    Ok(newest)
}

/// A record as `actor` may see it now: `None` when they may not (a tombstone).
async fn record_for(
    state: &AppState,
    actor: &Actor,
    kind: ChangeKind,
    id: Uuid,
) -> ApiResult<Option<serde_json::Value>> {
    let scope = actor.scope(&state.db);
    match kind {
        ChangeKind::Platform => visible(scope.platform(id).await),
        ChangeKind::Membership => visible(scope.membership(id).await),
        ChangeKind::Thread => visible(crate::threads::for_feed(state, actor, id).await),
        ChangeKind::Message => visible(crate::threads::message_for_feed(state, actor, id).await),
        ChangeKind::GoodPractice => visible(crate::practices::for_feed(state, actor, id).await),
        ChangeKind::OutreachRequest => visible(crate::outreach::for_feed(state, actor, id).await),
        ChangeKind::Notification => visible(crate::notifications::for_feed(state, actor, id).await),
    }
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
