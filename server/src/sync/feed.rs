//! `GET /api/v1/sync`: the changes a caller may see after a cursor, each with the
//! record's current state as the policy layer shows it to them now, or a tombstone.
//! Permissions are evaluated on every pull, so a change of role takes effect at once.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

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
    // Everything up to the log's head is committed (appends are serialised, see
    // `super`): a page that reaches it can say so, and the reader's next cursor is the
    // head even when the newest changes are not theirs. Live events carry the range they
    // cover (`from`), and a reader whose cursor lags behind changes it may not see would
    // otherwise pull for nothing at every event.
    let head = log_head(&state.db).await?;
    let mine = Query::select()
        .column(change_audience::Column::Cursor)
        .from(change_audience::Entity)
        .cond_where(
            Condition::all()
                .add(change_audience::Column::Cursor.gt(since))
                .add(change_audience::Column::Cursor.lte(head))
                .add(audience_condition(actor)),
        )
        .to_owned();
    let mut rows = change_log::Entity::find()
        .filter(change_log::Column::Cursor.gt(since))
        .filter(change_log::Column::Cursor.lte(head))
        .filter(change_log::Column::Cursor.in_subquery(mine))
        .order_by_asc(change_log::Column::Cursor)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let cursor = if has_more {
        rows.last().map(|r| r.cursor).unwrap_or(since)
    } else {
        Ord::max(head, since)
    };

    // A record changed several times in one page is sent once, at its latest cursor.
    let mut latest: HashMap<(String, Uuid), i64> = HashMap::new();
    for row in &rows {
        latest.insert((row.kind.clone(), row.record_id), row.cursor);
    }
    let mut to_send = Vec::with_capacity(latest.len());
    for row in rows {
        if latest.get(&(row.kind.clone(), row.record_id)) != Some(&row.cursor) {
            continue;
        }
        if let Some(kind) = ChangeKind::parse(&row.kind) {
            to_send.push((row.cursor, kind, row.record_id));
        }
    }
    let keys = payload_keys(&state.db, &to_send).await?;
    let to_send: Vec<(i64, ChangeKind, Uuid, (i64, i64))> = to_send
        .into_iter()
        .zip(keys)
        .map(|((cursor, kind, id), key)| (cursor, kind, id, key))
        .collect();
    let threads: Vec<Uuid> = to_send
        .iter()
        .filter(|(_, kind, _, _)| *kind == ChangeKind::Thread)
        .map(|(_, _, id, _)| *id)
        .collect();
    let unread = crate::threads::unread_counts(&state.db, actor.user.id, &threads).await?;
    let changes = changes_for(state, actor, &to_send, &unread).await?;
    Ok(SyncPage {
        changes,
        cursor,
        has_more,
    })
}

/// What a change is sent as: its cursor, kind, record and payload key (see
/// [`payload_keys`]).
pub type Outgoing = (i64, ChangeKind, Uuid, (i64, i64));

/// A change's record for one reader before their own fields are set: a payload their
/// class shares, or (notifications) one built for them alone; `None` inside: a tombstone.
pub enum Prepared {
    Shared(views::Payload),
    Own(Option<serde_json::Value>),
}

impl Prepared {
    fn data(&self) -> Option<&serde_json::Value> {
        match self {
            Prepared::Shared(payload) => payload.data.as_ref(),
            Prepared::Own(data) => data.as_ref(),
        }
    }

    /// The op this record is sent with.
    pub fn op(&self) -> ChangeOp {
        if self.data().is_some() {
            ChangeOp::Upsert
        } else {
            ChangeOp::Delete
        }
    }

    /// The record as `reader` is sent it, as JSON text (`null` for a tombstone): a shared
    /// payload without fields of the reader's own is the text built once for the class.
    pub fn json_for(&self, kind: ChangeKind, reader: Uuid, unread: &HashMap<Uuid, u64>) -> String {
        if let Prepared::Shared(payload) = self {
            if !views::personal(kind) {
                return payload.json().to_string();
            }
            if let Some(text) = payload.thread_json(reader, unread) {
                return text;
            }
        }
        let data = self.personalised(kind, reader, unread);
        // A JSON value always serialises.
        serde_json::to_string(&data).unwrap_or_else(|_| "null".into())
    }

    /// The record with `reader`'s own fields set.
    pub fn personalised(
        &self,
        kind: ChangeKind,
        reader: Uuid,
        unread: &HashMap<Uuid, u64>,
    ) -> Option<serde_json::Value> {
        let mut data = self.data().cloned();
        if let Some(data) = data.as_mut() {
            views::personalise(kind, data, reader, unread);
        }
        data
    }
}

/// These changes' records for `actor` (of `class`), by the pull and the live stream
/// alike: each shared payload from the cache of the class (built there by the first
/// reader of the class to need it); a record they may not see now is a tombstone.
pub async fn prepare(
    state: &AppState,
    actor: &Actor,
    class: &ReaderClass,
    to_send: &[Outgoing],
) -> ApiResult<Vec<Prepared>> {
    // Whom a shared payload is built for: only needed when one is missing.
    let mut holder: Option<Actor> = None;

    // Messages this class has no payload for yet are built together, a few queries per
    // thread (a new device catching up a long feed is mostly messages).
    let missing: Vec<(Uuid, (i64, i64))> = to_send
        .iter()
        .filter(|(_, kind, id, key)| {
            *kind == ChangeKind::Message && state.views.get(*kind, *id, *key, class).is_none()
        })
        .map(|(_, _, id, key)| (*id, *key))
        .collect();
    if missing.len() > 1 {
        let ids: Vec<Uuid> = missing.iter().map(|(id, _)| *id).collect();
        let holder = holder.get_or_insert_with(|| actor.as_reader_class());
        let mut built = crate::threads::messages_for_feed(state, holder, &ids).await?;
        for (id, key) in missing {
            let view = built.remove(&id).flatten();
            let payload = view
                .map(serde_json::to_value)
                .transpose()
                .map_err(|e| ApiError::Internal(format!("serialising a change: {e}")))?;
            state
                .views
                .insert(ChangeKind::Message, id, key, class, payload);
        }
    }

    let mut prepared = Vec::with_capacity(to_send.len());
    for &(_, kind, id, key) in to_send {
        prepared.push(if !views::shared(kind) {
            // The current state as this actor may see it; not visible (any more) is a delete.
            Prepared::Own(record_for(state, actor, kind, id).await?)
        } else if let Some(payload) = state.views.get(kind, id, key, class) {
            Prepared::Shared(payload)
        } else {
            let holder = holder.get_or_insert_with(|| actor.as_reader_class());
            Prepared::Shared(
                state
                    .views
                    .get_or_build(kind, id, key, class, record_for(state, holder, kind, id))
                    .await?,
            )
        });
    }
    Ok(prepared)
}

/// These changes as `actor` is sent them (see [`prepare`]), with their own fields set
/// (`unread`: their unread count per thread).
pub async fn changes_for(
    state: &AppState,
    actor: &Actor,
    to_send: &[Outgoing],
    unread: &HashMap<Uuid, u64>,
) -> ApiResult<Vec<Change>> {
    let prepared = prepare(state, actor, &ReaderClass::of(actor), to_send).await?;
    Ok(to_send
        .iter()
        .zip(prepared)
        .map(|(&(cursor, kind, id, _), record)| Change {
            cursor,
            kind,
            id,
            op: record.op(),
            data: record.personalised(kind, actor.user.id, unread),
        })
        .collect())
}

/// The log's newest cursor (0 when empty).
pub async fn log_head(db: &DatabaseConnection) -> ApiResult<i64> {
    let head: Option<Option<i64>> = change_log::Entity::find()
        .select_only()
        .column_as(change_log::Column::Cursor.max(), "head")
        .into_tuple()
        .one(db)
        .await?;
    Ok(head.flatten().unwrap_or(0))
}

/// The key of each change's shared payload (see [`views`]): the record's newest content
/// change (its own cursor when it has none, e.g. a change this build does not address
/// beyond one user), and for a message its thread's, which its visibility derives from.
/// A few queries for the whole batch, whatever its size: the pull and the live stream's
/// tailer both key their payloads here, so they share them.
pub async fn payload_keys(
    db: &DatabaseConnection,
    changes: &[(i64, ChangeKind, Uuid)],
) -> ApiResult<Vec<(i64, i64)>> {
    let messages: Vec<Uuid> = changes
        .iter()
        .filter(|(_, kind, _)| *kind == ChangeKind::Message)
        .map(|(_, _, id)| *id)
        .collect();
    let thread_of = crate::threads::threads_of_messages(db, &messages).await?;
    let content_at = newest_content_changes(
        db,
        changes
            .iter()
            .map(|(_, _, id)| *id)
            .chain(thread_of.values().copied()),
    )
    .await?;
    let content = |kind: ChangeKind, id: Uuid, own: i64| {
        content_at
            .get(&(kind.as_str().to_string(), id))
            .copied()
            .unwrap_or(own)
    };
    Ok(changes
        .iter()
        .map(|(cursor, kind, id)| {
            let context = match (kind, thread_of.get(id)) {
                (ChangeKind::Message, Some(thread)) => content(ChangeKind::Thread, *thread, 0),
                _ => 0,
            };
            (content(*kind, *id, *cursor), context)
        })
        .collect())
}

/// For each of these records, its newest *content* change in the whole log: a change
/// addressed to more than single users (a record's own audience). The changes addressed
/// to single users only (a read marker moved, the tombstones of someone who lost a role)
/// leave the record as everyone else sees it unchanged, so they do not make its shared
/// payloads be built again.
async fn newest_content_changes(
    db: &DatabaseConnection,
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
            .all(db)
            .await?;
        for (kind, id, cursor) in rows {
            newest.insert((kind, id), cursor);
        }
    }
    Ok(newest)
}

/// A record as `actor` may see it now: `None` when they may not (a tombstone).
pub(super) async fn record_for(
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
        ChangeKind::Kpi => visible(crate::kpis::for_feed(state, actor, id).await),
        ChangeKind::Inquiry => visible(crate::inquiries::for_feed(state, actor, id).await),
        ChangeKind::Plan => visible(crate::plans::for_feed(state, actor, id).await),
        ChangeKind::Proposal => visible(crate::proposals::for_feed(state, actor, id).await),
        ChangeKind::Meeting => visible(crate::meetings::for_feed(state, actor, id).await),
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
