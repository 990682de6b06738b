//! Taking access away without touching the database: a platform's coordinators revoke
//! roles on their platform and disable (or enable again) accounts.
//!
//! Who may:
//! - revoke a role on platform P (and list P's people): coordinators (and admins) of P, or
//!   of P's prefectural platform (the secretariat runs its network, and a municipal
//!   platform may have no coordinator of its own). The person must be one of P's (a role
//!   on P, or an organisation that is a member of P), else 404.
//! - disable or enable an account: whoever coordinates *every* platform the person holds
//!   a role on, directly or as coordinator of that platform's prefectural platform. So a
//!   prefectural secretariat may disable anyone who works only within its network, and a
//!   municipal coordinator anyone who works only on their municipal platform. A person
//!   without any role in the caller's networks is 404; one who also works elsewhere is 403.
//! - never oneself (409 `cannot_disable_self`), and a platform never loses its last
//!   active coordinator (409 `last_coordinator`), whoever asks.
//!
//! Each write is one transaction with its audit row; repeating it changes nothing and
//! answers the same. What follows (sessions ended, streams closed, tombstones queued) is
//! in [`crate::admin::revoke_role`] and [`crate::admin::set_disabled`].

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use app::domain::{PlatformUser, Role};

use crate::admin::{self, AdminError};
use crate::audit;
use crate::entities::{membership, organisation, platform, user, user_role};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Invalid(message) => ApiError::invalid("invalid_field", message),
            AdminError::Conflict { code, message } => ApiError::Conflict { code, message },
            AdminError::Db(e) => ApiError::Db(e),
        }
    }
}

/// A platform whose people the actor manages: 404 outside their networks, 403 when they
/// coordinate neither it nor its prefectural platform.
async fn platform_to_manage(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
) -> ApiResult<app::domain::Platform> {
    let platform = actor.scope(&state.db).platform(platform_id).await?;
    if actor.can_invite_on(platform.id)
        || platform
            .parent_id
            .is_some_and(|root| actor.can_invite_on(root))
    {
        Ok(platform)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The people holding a role on a platform, with those roles (coordinators).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
) -> ApiResult<Vec<PlatformUser>> {
    let platform = platform_to_manage(state, actor, platform_id).await?;
    let roles = user_role::Entity::find()
        .filter(user_role::Column::PlatformId.eq(platform.id))
        .all(&state.db)
        .await?;
    let mut by_user: BTreeMap<Uuid, Vec<Role>> = BTreeMap::new();
    for r in roles {
        if let Some(role) = Role::parse(&r.role) {
            by_user.entry(r.user_id).or_default().push(role);
        }
    }
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(by_user.keys().copied()))
        .all(&state.db)
        .await?;
    let organisations: BTreeMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(users.iter().map(|u| u.organisation_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut out = Vec::with_capacity(users.len());
    for u in users {
        let mut roles = by_user.remove(&u.id).unwrap_or_default();
        roles.sort();
        roles.dedup();
        let may_disable = may_disable(state, actor, u.id).await?.is_ok();
        out.push(PlatformUser {
            id: u.id,
            organisation_name: organisations
                .get(&u.organisation_id)
                .cloned()
                .unwrap_or_default(),
            email: u.email,
            display_name: u.display_name,
            roles,
            disabled: u.disabled_at.is_some(),
            may_disable,
        });
    }
    out.sort_by(|a, b| (&a.display_name, &a.email).cmp(&(&b.display_name, &b.email)));
    Ok(out)
}

/// Revokes `role` of `user_id` on `platform_id`. `Ok(true)` when it was revoked now,
/// `Ok(false)` when the person no longer held it.
pub async fn revoke(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> ApiResult<bool> {
    let platform = platform_to_manage(state, actor, platform_id).await?;
    let target = user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let holds_role = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .filter(user_role::Column::PlatformId.eq(platform.id))
        .one(&state.db)
        .await?
        .is_some();
    let organisation_is_member = membership::Entity::find()
        .filter(membership::Column::PlatformId.eq(platform.id))
        .filter(membership::Column::OrganisationId.eq(target.organisation_id))
        .one(&state.db)
        .await?
        .is_some();
    if !holds_role && !organisation_is_member {
        return Err(ApiError::NotFound);
    }
    let txn = state.db.begin().await?;
    let revoked = admin::revoke_role(&txn, user_id, platform.id, role).await?;
    if revoked {
        audit::record(
            &txn,
            audit::Entry {
                actor_user_id: Some(actor.user.id),
                action: "role_revoked",
                record_kind: Some("user"),
                record_id: Some(user_id),
                platform_id: Some(platform.id),
                detail: Some(serde_json::json!({ "role": role.as_str() })),
                ..Default::default()
            },
        )
        .await?;
    }
    txn.commit().await?;
    if revoked {
        state.changes.account_changed(user_id);
    }
    Ok(revoked)
}

/// Why the actor may not disable this account, if they may not: 404 when the person
/// works nowhere in the actor's networks, 403 when also elsewhere, 409 for oneself.
async fn may_disable(
    state: &AppState,
    actor: &Actor,
    user_id: Uuid,
) -> ApiResult<Result<(), ApiError>> {
    let roles = admin::roles_of(&state.db, user_id).await?;
    let platforms: BTreeSet<Uuid> = roles.iter().map(|(p, _)| *p).collect();
    if !platforms.iter().any(|p| actor.network.contains(p)) {
        return Ok(Err(ApiError::NotFound));
    }
    if user_id == actor.user.id {
        return Ok(Err(ApiError::Conflict {
            code: "cannot_disable_self",
            message: "You cannot disable your own account; ask another coordinator.".into(),
        }));
    }
    let parents: BTreeMap<Uuid, Option<Uuid>> = platform::Entity::find()
        .filter(platform::Column::Id.is_in(platforms.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.parent_id))
        .collect();
    let manages = |p: &Uuid| {
        actor.can_invite_on(*p)
            || parents
                .get(p)
                .copied()
                .flatten()
                .is_some_and(|root| actor.can_invite_on(root))
    };
    if platforms.iter().all(manages) {
        Ok(Ok(()))
    } else {
        Ok(Err(ApiError::Forbidden))
    }
}

/// Disables (`disabled: true`) or enables an account. `Ok(true)` when it changed now.
pub async fn set_disabled(
    state: &AppState,
    actor: &Actor,
    user_id: Uuid,
    disabled: bool,
) -> ApiResult<bool> {
    may_disable(state, actor, user_id).await??;
    let txn = state.db.begin().await?;
    let changed = admin::set_disabled(&txn, user_id, disabled).await?;
    if changed {
        audit::record(
            &txn,
            audit::Entry {
                actor_user_id: Some(actor.user.id),
                action: if disabled {
                    "account_disabled"
                } else {
                    "account_enabled"
                },
                record_kind: Some("user"),
                record_id: Some(user_id),
                ..Default::default()
            },
        )
        .await?;
    }
    txn.commit().await?;
    if changed {
        state.changes.account_changed(user_id);
    }
    Ok(changed)
}
