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
    }
    .insert(db)
    .await?)
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
    let email = normalise_email(email);
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

/// Takes a role away; if that closes a network to the user, the sync feed sends them
/// tombstones for its records at their next pull.
pub async fn revoke_role(
    db: &(impl ConnectionTrait + TransactionTrait),
    user_id: Uuid,
    platform_id: Uuid,
    role: Role,
) -> AdminResult<bool> {
    let txn = db.begin().await?;
    let db = &txn;
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
    let after = sync::roots_of_user(db, user_id).await?;
    if let Some(root) = sync::network_root(db, platform_id).await? {
        if !after.contains(&root) {
            sync::network_records_for_user(db, root, user_id, ChangeOp::Delete).await?;
        }
    }
    txn.commit().await?;
    Ok(true)
}

pub async fn user_by_email(db: &impl ConnectionTrait, email: &str) -> AdminResult<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(normalise_email(email)))
        .one(db)
        .await?
        .ok_or_else(|| AdminError::Invalid(format!("no user with email {email:?}")))
}
