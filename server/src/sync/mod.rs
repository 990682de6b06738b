//! The sync engine. Every committed create, update or delete of a tenant record appends
//! to the change log in the same transaction, with its audience; the feed
//! (`GET /api/v1/sync`) gives each caller the changes it may see, with the record's
//! current state; the event stream (`GET /api/v1/events`) pokes open screens.
//!
//! Ordering: a plain sequence can commit out of order under concurrent writers, so a
//! reader could see cursor N+1 before N commits and then skip N for ever. Appends are
//! therefore serialised: on PostgreSQL by a transaction-scoped advisory lock taken just
//! before the insert and held to commit; SQLite has a single writer anyway. Cursors thus
//! become visible in order, and "everything below the highest visible cursor" holds.

pub mod feed;
pub mod hub;
pub mod idempotency;
pub mod routes;
pub mod views;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, DbErr, EntityTrait, NotSet,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp};

use crate::entities::{change_audience, change_log};

/// Who a change is for. A user matches when one of these is theirs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    /// Prefectural networks, by their root platform (shared records such as member lists).
    pub networks: Vec<Uuid>,
    /// Users working on these platforms: any role but `responder` (an economic
    /// organisation's responder sees a platform's records only through their organisation).
    pub platforms: Vec<Uuid>,
    /// Users of these organisations.
    pub organisations: Vec<Uuid>,
    /// These users only (e.g. the tombstones of someone who lost access).
    pub users: Vec<Uuid>,
}

impl Audience {
    pub fn network(root: Uuid) -> Self {
        Audience {
            networks: vec![root],
            ..Default::default()
        }
    }

    pub fn user(user: Uuid) -> Self {
        Audience {
            users: vec![user],
            ..Default::default()
        }
    }
}

/// Only PostgreSQL needs telling: NOTIFY inside the transaction is delivered at commit,
/// once per transaction however many rows it appended (a data-less poke).
pub const NOTIFY_CHANNEL: &str = "kakehashi_changes";
/// Account signals between instances: the payload is the user id whose sessions or
/// entitlements changed (see [`hub::AccountSignal`]).
pub const ACCOUNTS_CHANNEL: &str = "kakehashi_accounts";

/// Tells every instance (PostgreSQL; delivered at commit when `conn` is a transaction)
/// that `user`'s sessions or entitlements changed, so their event streams re-check. The
/// writing process also calls [`hub::ChangeHub::account_changed`] after commit; SQLite
/// has one serving process, and its streams also re-check on a timer for changes made
/// by the admin command from another process.
pub async fn notify_account(conn: &impl ConnectionTrait, user: Uuid) -> Result<(), DbErr> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [ACCOUNTS_CHANNEL.into(), user.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

/// Any fixed number: the advisory lock that orders appends to the change log.
const APPEND_LOCK: i64 = 0x6b616b65;

/// Tells one user about these records again, so that the feed sends each as they may see
/// it now (a tombstone where they lost it): after a role that let them see more is gone.
pub async fn resend_to_user(
    txn: &impl ConnectionTrait,
    user: Uuid,
    kind: ChangeKind,
    ids: &[Uuid],
) -> Result<(), DbErr> {
    for id in ids {
        append(txn, kind, *id, ChangeOp::Upsert, &Audience::user(user)).await?;
    }
    Ok(())
}

/// Appends one change inside the caller's transaction. Call it last in the transaction,
/// just before commit, to hold the ordering lock briefly.
pub async fn append(
    txn: &impl ConnectionTrait,
    kind: ChangeKind,
    record_id: Uuid,
    op: ChangeOp,
    audience: &Audience,
) -> Result<i64, DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))
            .await?;
        txn.execute_unprepared(&format!("NOTIFY {NOTIFY_CHANNEL}"))
            .await?;
    }
    let row = change_log::ActiveModel {
        cursor: NotSet,
        kind: Set(kind.as_str().to_string()),
        record_id: Set(record_id),
        op: Set(op.as_str().to_string()),
        at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    let parties = audience
        .networks
        .iter()
        .map(|id| (Some(*id), None, None, None))
        .chain(
            audience
                .platforms
                .iter()
                .map(|id| (None, Some(*id), None, None)),
        )
        .chain(
            audience
                .organisations
                .iter()
                .map(|id| (None, None, Some(*id), None)),
        )
        .chain(
            audience
                .users
                .iter()
                .map(|id| (None, None, None, Some(*id))),
        )
        .map(
            |(network, platform, organisation, user)| change_audience::ActiveModel {
                id: NotSet,
                cursor: Set(row.cursor),
                network_id: Set(network),
                platform_id: Set(platform),
                organisation_id: Set(organisation),
                user_id: Set(user),
            },
        )
        .collect::<Vec<_>>();
    if !parties.is_empty() {
        change_audience::Entity::insert_many(parties)
            .exec(txn)
            .await?;
    }
    Ok(row.cursor)
}

/// The prefectural network a platform belongs to (its root platform).
pub async fn network_root(
    txn: &impl ConnectionTrait,
    platform_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    use crate::entities::platform;
    Ok(platform::Entity::find_by_id(platform_id)
        .one(txn)
        .await?
        .map(|p| p.parent_id.unwrap_or(p.id)))
}

/// Every shared record of a network (its platforms and their memberships), as changes for
/// one user who has just gained or lost access to it: the feed then sends them the
/// records, or their tombstones, even though the records themselves did not change.
pub async fn network_records_for_user(
    txn: &impl ConnectionTrait,
    root: Uuid,
    user: Uuid,
    op: ChangeOp,
) -> Result<(), DbErr> {
    use sea_orm::{ColumnTrait, Condition, QueryFilter};

    use crate::entities::{membership, platform};
    let platforms = platform::Entity::find()
        .filter(
            Condition::any()
                .add(platform::Column::Id.eq(root))
                .add(platform::Column::ParentId.eq(root)),
        )
        .all(txn)
        .await?;
    let audience = Audience::user(user);
    for p in &platforms {
        append(txn, ChangeKind::Platform, p.id, op, &audience).await?;
    }
    let memberships = membership::Entity::find()
        .filter(membership::Column::PlatformId.is_in(platforms.iter().map(|p| p.id)))
        .all(txn)
        .await?;
    for m in memberships {
        append(txn, ChangeKind::Membership, m.id, op, &audience).await?;
    }
    Ok(())
}

/// The network roots a user reaches through their roles.
pub async fn roots_of_user(
    txn: &impl ConnectionTrait,
    user: Uuid,
) -> Result<std::collections::BTreeSet<Uuid>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};

    use crate::entities::user_role;
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user))
        .all(txn)
        .await?;
    Ok(
        crate::policy::network_of(txn, roles.into_iter().map(|r| r.platform_id))
            .await?
            .0,
    )
}

/// When a user loses access (a revoked role), every record that left their visibility
/// must reach their device as a tombstone: the feed only sends changes whose audience
/// names the user as they are *now*, so the changes addressed to what they lost (their
/// former working platforms and networks) would never be sent again. This appends, for
/// each record ever addressed to `lost_platforms` or `lost_networks` (and for each of the
/// user's own notifications about a thread or request), one change for that user alone;
/// the feed then evaluates it against their current rights and sends a delete (or, if
/// they still see the record another way, its current state). Returns how many changes
/// were appended. Call it last in the revoking transaction.
pub async fn lost_records_for_user(
    txn: &impl ConnectionTrait,
    user: Uuid,
    lost_platforms: &[Uuid],
    lost_networks: &[Uuid],
) -> Result<usize, DbErr> {
    use sea_orm::sea_query::Query;
    use sea_orm::{ColumnTrait, Condition, QueryFilter, QuerySelect};

    use crate::entities::notification;
    let mut records: std::collections::BTreeSet<(String, Uuid)> = Default::default();
    if !lost_platforms.is_empty() || !lost_networks.is_empty() {
        let addressed = Query::select()
            .column(change_audience::Column::Cursor)
            .from(change_audience::Entity)
            .cond_where(
                Condition::any()
                    .add(change_audience::Column::PlatformId.is_in(lost_platforms.to_vec()))
                    .add(change_audience::Column::NetworkId.is_in(lost_networks.to_vec())),
            )
            .to_owned();
        let rows: Vec<(String, Uuid)> = change_log::Entity::find()
            .select_only()
            .column(change_log::Column::Kind)
            .column(change_log::Column::RecordId)
            .distinct()
            .filter(change_log::Column::Cursor.in_subquery(addressed))
            .into_tuple()
            .all(txn)
            .await?;
        records.extend(rows);
    }
    let notifications: Vec<Uuid> = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(notification::Column::UserId.eq(user))
        .filter(
            Condition::any()
                .add(notification::Column::ThreadId.is_not_null())
                .add(notification::Column::OutreachRequestId.is_not_null())
                .add(notification::Column::InquiryId.is_not_null())
                .add(notification::Column::ProposalId.is_not_null())
                .add(notification::Column::MeetingId.is_not_null()),
        )
        .into_tuple()
        .all(txn)
        .await?;
    records.extend(
        notifications
            .into_iter()
            .map(|id| (ChangeKind::Notification.as_str().to_string(), id)),
    );
    let audience = Audience::user(user);
    for (kind, id) in &records {
        // Kinds this build does not know are skipped by the feed anyway.
        if let Some(kind) = ChangeKind::parse(kind) {
            append(txn, kind, *id, ChangeOp::Delete, &audience).await?;
        }
    }
    Ok(records.len())
}
