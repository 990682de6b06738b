//! Administration: adding platforms, organisations, memberships and users. Used by the
//! `kakehashi` admin commands and by the demo seed, inside the caller's transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{
    ChangeKind, ChangeOp, MemberCategory, PlatformKind, Role, SecretariatRole, Standing,
};

use crate::accounts::invitations::valid_email;
use crate::accounts::normalise_email;
use crate::entities::{membership, organisation, platform, user, user_role};
use crate::sync::{self, Audience};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    /// Refused because of the state of the data (e.g. `last_coordinator`).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

pub type AdminResult<T> = Result<T, AdminError>;

/// A name people read and click (a platform's, an organisation's, a person's): the same
/// rule as the HTTP boundary's ([`crate::http::boundary::name`]): one line, 1 to 200
/// characters, no control or invisible format character.
fn checked_name(what: &str, name: &str) -> AdminResult<String> {
    crate::http::boundary::name(what, name, 200, true)
        .map_err(|e| AdminError::Invalid(format!("{what} {name:?}: {e}")))
}

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
}

pub async fn add_platform(
    db: &(impl ConnectionTrait + TransactionTrait),
    slug: &str,
    name: &str,
    kind: PlatformKind,
    parent_slug: Option<&str>,
) -> AdminResult<platform::Model> {
    if !valid_slug(slug) {
        return Err(AdminError::Invalid(format!(
            "slug {slug:?}: use lower-case letters, digits and hyphens"
        )));
    }
    let name = checked_name("name", name)?;
    let parent = match parent_slug {
        Some(parent) => Some(platform_by_slug(db, parent).await?),
        None => None,
    };
    match (kind, &parent) {
        (PlatformKind::Municipal, None) => {
            return Err(AdminError::Invalid(
                "a municipal platform belongs to a prefectural one: give --parent".into(),
            ))
        }
        (PlatformKind::Prefectural, Some(_)) => {
            return Err(AdminError::Invalid(
                "a prefectural platform has no parent".into(),
            ))
        }
        (_, Some(p)) if p.kind != PlatformKind::Prefectural.as_str() => {
            return Err(AdminError::Invalid(format!(
                "the parent {:?} is not a prefectural platform",
                p.slug
            )))
        }
        _ => {}
    }
    // The record and its change-log entry commit together (a savepoint inside a caller's
    // transaction).
    let txn = db.begin().await?;
    let row = platform::ActiveModel {
        id: Set(Uuid::new_v4()),
        slug: Set(slug.to_string()),
        name: Set(name),
        kind: Set(kind.as_str().to_string()),
        parent_id: Set(parent.map(|p| p.id)),
        created_at: Set(Utc::now()),
        programme_name: Set(None),
        target_age_min: Set(None),
        target_age_max: Set(None),
    }
    .insert(&txn)
    .await?;
    let root = row.parent_id.unwrap_or(row.id);
    sync::append(
        &txn,
        ChangeKind::Platform,
        row.id,
        ChangeOp::Upsert,
        &Audience::network(root),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn platform_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AdminResult<platform::Model> {
    platform::Entity::find()
        .filter(platform::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AdminError::Invalid(format!("no platform with slug {slug:?}")))
}

pub async fn organisation_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> AdminResult<organisation::Model> {
    organisation::Entity::find()
        .filter(organisation::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| AdminError::Invalid(format!("no organisation named {name:?}")))
}

pub async fn add_organisation(
    db: &impl ConnectionTrait,
    name: &str,
    category: MemberCategory,
    parent: Option<Uuid>,
) -> AdminResult<organisation::Model> {
    if name.trim().is_empty() {
        return Err(AdminError::Invalid("an organisation needs a name".into()));
    }
    let name = checked_name("name", name)?;
    Ok(organisation::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name),
        category: Set(category.as_str().to_string()),
        parent_id: Set(parent),
        created_at: Set(Utc::now()),
        local_government_code: Set(None),
    }
    .insert(db)
    .await?)
}

/// Whether `code` is a 全国地方公共団体コード: five digits (prefecture, municipality) and
/// the check digit of JIS X 0401/0402 (the digits weighted 6, 5, 4, 3, 2, summed; the
/// check digit is 11 minus the sum modulo 11, its last digit).
pub fn is_local_government_code(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if code.len() != 6 || digits.len() != 6 {
        return false;
    }
    let sum: u32 = digits[..5]
        .iter()
        .zip([6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum();
    (11 - sum % 11) % 10 == digits[5]
}

/// Records the 全国地方公共団体コード of an organisation (a local government or one of its
/// departments), by which exports order their rows.
pub async fn set_local_government_code(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
    code: &str,
) -> AdminResult<()> {
    if !is_local_government_code(code) {
        return Err(AdminError::Invalid(format!(
            "{code:?} is not a local government code (six digits with its check digit)"
        )));
    }
    organisation::Entity::update_many()
        .col_expr(
            organisation::Column::LocalGovernmentCode,
            sea_orm::sea_query::Expr::value(code),
        )
        .filter(organisation::Column::Id.eq(organisation_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn add_membership(
    db: &(impl ConnectionTrait + TransactionTrait),
    platform_id: Uuid,
    organisation_id: Uuid,
    standing: Standing,
    secretariat: Option<SecretariatRole>,
    position: i32,
) -> AdminResult<membership::Model> {
    let txn = db.begin().await?;
    let row = membership::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform_id),
        organisation_id: Set(organisation_id),
        standing: Set(standing.as_str().to_string()),
        secretariat_role: Set(secretariat.map(|s| s.as_str().to_string())),
        position: Set(position),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    if let Some(root) = sync::network_root(&txn, platform_id).await? {
        sync::append(
            &txn,
            ChangeKind::Membership,
            row.id,
            ChangeOp::Upsert,
            &Audience::network(root),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// Adds a user with an already-hashed password (hash outside the transaction).
pub async fn add_user(
    db: &impl ConnectionTrait,
    email: &str,
    display_name: &str,
    organisation_id: Uuid,
    password_hash: &str,
) -> AdminResult<user::Model> {
    let email = crate::accounts::checked_email("email", email)
        .map_err(|e| AdminError::Invalid(format!("{email:?}: {e}")))?;
    if !valid_email(&email) {
        return Err(AdminError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    }
    let display_name = checked_name("display name", display_name)?;
    Ok(user::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(organisation_id),
        email: Set(email),
        display_name: Set(display_name),
        password_hash: Set(password_hash.to_string()),
        pledge_accepted_at: Set(None),
        disabled_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Gives a user a role on a platform; if that opens a network to them, the sync feed sends
/// them its records.
pub async fn grant_role(
    db: &(impl ConnectionTrait + TransactionTrait),
    user_id: Uuid,
    platform_id: Uuid,
    role: Role,
) -> AdminResult<()> {
    // Read before the transaction: on SQLite a transaction that reads first cannot take
    // the write lock once another writer has committed (it fails at once, "database is
    // locked"); write transactions start with their write.
    let before = sync::roots_of_user(db, user_id).await?;
    let txn = db.begin().await?;
    let db = &txn;
    user_role::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        platform_id: Set(platform_id),
        role: Set(role.as_str().to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    if let Some(root) = sync::network_root(db, platform_id).await? {
        if !before.contains(&root) {
            sync::network_records_for_user(db, root, user_id, ChangeOp::Upsert).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// A user no longer the secretariat of `platform_id` (a revoked coordinator or
/// administrator role) may still read some of its records through another role there, so
/// nothing counts as lost by platform; yet their device holds what only the secretariat
/// sees: draft KPIs and unpublished shares, plan working copies, proposals and the
/// secretariat's notes on them. Each such record of the platform is sent to that user
/// again, as they may see it now (a tombstone, or the members' view). Call it in the
/// revoking transaction.
async fn secretariat_lost(
    txn: &impl ConnectionTrait,
    user: Uuid,
    platform_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    use crate::entities::{implementation_plan as plan, kpi, policy_proposal as proposal};
    let kpis: Vec<Uuid> = kpi::Entity::find()
        .filter(kpi::Column::PlatformId.eq(platform_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|k| k.id)
        .collect();
    sync::resend_to_user(txn, user, ChangeKind::Kpi, &kpis).await?;
    let plans: Vec<Uuid> = plan::Entity::find()
        .filter(plan::Column::PlatformId.eq(platform_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    sync::resend_to_user(txn, user, ChangeKind::Plan, &plans).await?;
    let proposals: Vec<Uuid> = proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    sync::resend_to_user(txn, user, ChangeKind::Proposal, &proposals).await?;
    // The notifications of submissions the user may no longer see (their subject is the
    // proposal's title) go too.
    let notifications: Vec<Uuid> = crate::entities::notification::Entity::find()
        .filter(crate::entities::notification::Column::UserId.eq(user))
        .filter(crate::entities::notification::Column::ProposalId.is_in(proposals))
        .all(txn)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    sync::resend_to_user(txn, user, ChangeKind::Notification, &notifications).await
}

/// Takes a role away, in one transaction: the role row goes; a platform never loses its
/// last coordinator (`last_coordinator`); every session of the user ends (their next
/// request is 401 `session_ended`, their event streams close); and each record that left
/// their sight is queued for their device as a tombstone
/// ([`sync::lost_records_for_user`]). Returns false (and changes nothing) when the user
/// did not hold the role: revoking twice is revoking once. The caller audits and, after
/// commit, calls [`crate::sync::hub::ChangeHub::account_changed`] for this process's
/// streams (other instances hear the NOTIFY sent here).
pub async fn revoke_role(
    db: &(impl ConnectionTrait + TransactionTrait),
    user_id: Uuid,
    platform_id: Uuid,
    role: Role,
) -> AdminResult<bool> {
    let txn = db.begin().await?;
    let db = &txn;
    // The write first: on SQLite a transaction that reads first cannot take the write
    // lock once another writer has committed. What was held before is what is left plus
    // what was removed.
    let removed = user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .filter(user_role::Column::PlatformId.eq(platform_id))
        .filter(user_role::Column::Role.eq(role.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    if removed == 0 {
        return Ok(false);
    }
    // Locked after the delete and before the count: a concurrent revocation on the same
    // platform counts only once this one has committed.
    lock_platforms(db, &[platform_id]).await?;
    if role == Role::Coordinator && active_coordinators(db, platform_id).await? == 0 {
        return Err(last_coordinator());
    }
    let after = roles_of(db, user_id).await?;
    let mut before = after.clone();
    before.push((platform_id, role));
    let (lost_platforms, lost_networks) = lost_between(db, &before, &after).await?;
    if let Some(root) = sync::network_root(db, platform_id).await? {
        if lost_networks.contains(&root) {
            sync::network_records_for_user(db, root, user_id, ChangeOp::Delete).await?;
        }
    }
    crate::accounts::session_store::end_sessions_of(
        db,
        user_id,
        crate::accounts::ENDED_ROLE_REVOKED,
    )
    .await?;
    sync::notify_account(db, user_id).await?;
    sync::lost_records_for_user(db, user_id, &lost_platforms, &lost_networks).await?;
    if matches!(role, Role::Coordinator | Role::Admin) {
        secretariat_lost(db, user_id, platform_id).await?;
    }
    // Their organisation's proposals to a network they left were addressed to the
    // organisation, not to the network: send each again (a tombstone now).
    if !lost_networks.is_empty() {
        use crate::entities::policy_proposal as proposal;
        let proposals: Vec<Uuid> = proposal::Entity::find()
            .filter(proposal::Column::PlatformId.is_in(lost_networks.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        sync::resend_to_user(db, user_id, ChangeKind::Proposal, &proposals).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Disables (or enables again) an account, in one transaction. Disabling ends every
/// session of the user at once (their next request is 401 `session_ended` with
/// `Clear-Site-Data`, their event streams close) and their sign-ins are refused (403
/// `account_disabled`); their roles stay, so enabling gives back exactly what they had.
/// A platform never loses its last active coordinator (`last_coordinator`). Returns
/// false when the account already was in that state (nothing changes). The caller
/// audits and signals this process's streams after commit.
pub async fn set_disabled(
    db: &(impl ConnectionTrait + TransactionTrait),
    user_id: Uuid,
    disabled: bool,
) -> AdminResult<bool> {
    let txn = db.begin().await?;
    let db = &txn;
    let changed = user::Entity::update_many()
        .col_expr(
            user::Column::DisabledAt,
            sea_orm::sea_query::Expr::value(disabled.then(Utc::now)),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(if disabled {
            user::Column::DisabledAt.is_null()
        } else {
            user::Column::DisabledAt.is_not_null()
        })
        .exec(db)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    if disabled {
        // As in `revoke_role`: the write, then the lock, then the count.
        let coordinating: Vec<Uuid> = roles_of(db, user_id)
            .await?
            .into_iter()
            .filter(|(_, role)| *role == Role::Coordinator)
            .map(|(p, _)| p)
            .collect();
        lock_platforms(db, &coordinating).await?;
        for platform_id in coordinating {
            if active_coordinators(db, platform_id).await? == 0 {
                return Err(last_coordinator());
            }
        }
        crate::accounts::session_store::end_sessions_of(
            db,
            user_id,
            crate::accounts::ENDED_ACCOUNT_DISABLED,
        )
        .await?;
        // A change addressed to the person alone makes each of their open event streams,
        // in every process, re-check its session before it sends anything more: SQLite
        // has no NOTIFY between the admin command and the server. (The feed evaluates it
        // against their rights when they next pull, as any change.)
        for root in sync::roots_of_user(db, user_id).await? {
            sync::append(
                db,
                ChangeKind::Platform,
                root,
                ChangeOp::Upsert,
                &sync::Audience::user(user_id),
            )
            .await?;
        }
    }
    sync::notify_account(db, user_id).await?;
    txn.commit().await?;
    Ok(true)
}

fn last_coordinator() -> AdminError {
    AdminError::Conflict {
        code: "last_coordinator",
        message:
            "A platform keeps at least one active coordinator: give the role to someone else first."
                .into(),
    }
}

/// On PostgreSQL, serialises role changes per platform until commit, so two coordinators
/// removing each other at once cannot leave a platform with none (SQLite has one writer).
async fn lock_platforms(db: &impl ConnectionTrait, platforms: &[Uuid]) -> AdminResult<()> {
    use sea_orm::{DbBackend, QueryOrder, QuerySelect};
    if platforms.is_empty() || db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    // In id order, so two transactions locking overlapping sets cannot deadlock.
    platform::Entity::find()
        .filter(platform::Column::Id.is_in(platforms.to_vec()))
        .order_by_asc(platform::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?;
    Ok(())
}

/// Coordinators of a platform whose accounts are not disabled.
async fn active_coordinators(db: &impl ConnectionTrait, platform_id: Uuid) -> AdminResult<u64> {
    use sea_orm::sea_query::Query;
    use sea_orm::PaginatorTrait;
    let active = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::DisabledAt.is_null())
        .to_owned();
    Ok(user_role::Entity::find()
        .filter(user_role::Column::PlatformId.eq(platform_id))
        .filter(user_role::Column::Role.eq(Role::Coordinator.as_str()))
        .filter(user_role::Column::UserId.in_subquery(active))
        .count(db)
        .await?)
}

/// The (platform, role) pairs a user holds.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: Uuid) -> AdminResult<Vec<(Uuid, Role)>> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| Role::parse(&r.role).map(|role| (r.platform_id, role)))
        .collect())
}

/// The working platforms and network roots in `before` but not in `after`: the same
/// rules as `Actor::working_platforms` and `Actor::network_roots`.
async fn lost_between(
    db: &impl ConnectionTrait,
    before: &[(Uuid, Role)],
    after: &[(Uuid, Role)],
) -> AdminResult<(Vec<Uuid>, Vec<Uuid>)> {
    let working = |roles: &[(Uuid, Role)]| -> std::collections::BTreeSet<Uuid> {
        roles
            .iter()
            .filter(|(_, r)| *r != Role::Responder)
            .map(|(p, _)| *p)
            .collect()
    };
    let lost_platforms = working(before)
        .difference(&working(after))
        .copied()
        .collect();
    let (roots_before, _) = crate::policy::network_of(db, before.iter().map(|(p, _)| *p)).await?;
    let (roots_after, _) = crate::policy::network_of(db, after.iter().map(|(p, _)| *p)).await?;
    let lost_networks = roots_before.difference(&roots_after).copied().collect();
    Ok((lost_platforms, lost_networks))
}

pub async fn user_by_email(db: &impl ConnectionTrait, email: &str) -> AdminResult<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(normalise_email(email)))
        .one(db)
        .await?
        .ok_or_else(|| AdminError::Invalid(format!("no user with email {email:?}")))
}
