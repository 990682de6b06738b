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
/// Any fixed number: the advisory lock that orders appends to the change log.
const APPEND_LOCK: i64 = 0x6b616b65;

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
