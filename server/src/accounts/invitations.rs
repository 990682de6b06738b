//! Invitations: a coordinator invites a person into their platform by email address and
//! role; the link works once, for 7 days; the invitee sets a password (or, if they
//! already have an account, gains the role). Only a hash of the token is stored.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use app::domain::{
    AcceptInvitation, Invitation, InvitationCreated, InvitationPreview, InvitationStatus,
    NewInvitation, Role, MIN_PASSWORD_CHARS,
};

use super::{new_token, password};
use crate::audit;
use crate::entities::{invitation, membership, organisation, platform, user, user_role};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

pub const VALID_FOR_DAYS: i64 = 7;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A plausible address, strictly: printable ASCII only (no internationalised addresses,
/// so no look-alike letters from other scripts), at most 254 characters, one `@` with
/// something before it, and a domain of at least two dot-separated labels of letters,
/// digits and hyphens. Characters that are not even text (spaces, invisible format
/// characters) are refused before this, by [`super::checked_email`].
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    !local.is_empty()
        && email.len() <= 254
        && local.chars().all(|c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '"' | '\\' | '<' | '>' | '(' | ')' | ',' | ';' | ':' | '[' | ']'
                )
        })
        && domain.contains('.')
        && domain.split('.').all(label_ok)
}

fn status_of(row: &invitation::Model) -> InvitationStatus {
    if row.accepted_at.is_some() {
        InvitationStatus::Accepted
    } else if row.expires_at <= Utc::now() || row.revoked_at.is_some() {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

fn view(row: invitation::Model, organisation_name: String) -> Invitation {
    Invitation {
        status: status_of(&row),
        id: row.id,
        platform_id: row.platform_id,
        organisation_id: row.organisation_id,
        organisation_name,
        email: row.email,
        role: Role::parse(&row.role).unwrap_or(Role::Staff),
        expires_at: row.expires_at,
        created_at: row.created_at,
    }
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
    input: NewInvitation,
) -> ApiResult<InvitationCreated> {
    let platform = actor
        .scope(&state.db)
        .platform_to_manage(platform_id)
        .await?;
    let email = super::checked_email("email", &input.email)?;
    if !valid_email(&email) {
        return Err(ApiError::invalid(
            "invalid_email",
            format!("`email`: {:?} is not an email address.", input.email),
        ));
    }
    if input.role == Role::Admin {
        return Err(ApiError::invalid(
            "invalid_role",
            "`role`: administrators are added with the `kakehashi` admin command, not invited.",
        ));
    }
    let organisation = membership::Entity::find()
        .filter(membership::Column::PlatformId.eq(platform.id))
        .filter(membership::Column::OrganisationId.eq(input.organisation_id))
        .find_also_related(organisation::Entity)
        .one(&state.db)
        .await?
        .and_then(|(_, org)| org)
        .ok_or_else(|| {
            ApiError::invalid(
                "invalid_organisation",
                "`organisation_id`: the organisation is not a member of this platform.",
            )
        })?;

    let token = new_token();
    let now = Utc::now();
    let row = invitation::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform.id),
        organisation_id: Set(organisation.id),
        email: Set(email),
        role: Set(input.role.as_str().to_string()),
        token_hash: Set(token_hash(&token)),
        invited_by: Set(actor.user.id),
        expires_at: Set(now + Duration::days(VALID_FOR_DAYS)),
        accepted_at: Set(None),
        accepted_user_id: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    };
    let txn = state.db.begin().await?;
    let row = row.insert(&txn).await?;
    audit::record(
        &txn,
        audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "invitation_created",
            record_kind: Some("invitation"),
            record_id: Some(row.id),
            platform_id: Some(platform.id),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(InvitationCreated {
        invitation: view(row, organisation.name),
        accept_path: format!("/invitations/{token}"),
    })
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
) -> ApiResult<Vec<Invitation>> {
    let platform = actor
        .scope(&state.db)
        .platform_to_manage(platform_id)
        .await?;
    let rows = invitation::Entity::find()
        .filter(invitation::Column::PlatformId.eq(platform.id))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let orgs: std::collections::HashMap<Uuid, String> =
        crate::db::find_in::<organisation::Entity, _, _>(
            &state.db,
            organisation::Column::Id,
            rows.iter().map(|r| r.organisation_id),
        )
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = orgs.get(&r.organisation_id).cloned().unwrap_or_default();
            view(r, name)
        })
        .collect())
}

/// The pending invitation behind a token; anything else is "not found".
async fn pending(db: &impl sea_orm::ConnectionTrait, token: &str) -> ApiResult<invitation::Model> {
    let row = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if status_of(&row) != InvitationStatus::Pending {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

pub async fn preview(state: &AppState, token: &str) -> ApiResult<InvitationPreview> {
    let row = pending(&state.db, token).await?;
    let platform = platform::Entity::find_by_id(row.platform_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let organisation = organisation::Entity::find_by_id(row.organisation_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let existing_user = user::Entity::find()
        .filter(user::Column::Email.eq(row.email.as_str()))
        .one(&state.db)
        .await?
        .is_some();
    Ok(InvitationPreview {
        email: row.email,
        platform_name: platform.name,
        organisation_name: organisation.name,
        role: Role::parse(&row.role).unwrap_or(Role::Staff),
        existing_user,
    })
}

/// Accepts an invitation: exactly once, all or nothing.
pub async fn accept(state: &AppState, token: &str, input: AcceptInvitation) -> ApiResult<()> {
    let row = pending(&state.db, token).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(row.email.as_str()))
        .one(&state.db)
        .await?;
    // Hash before the transaction: argon2 is slow, and SQLite has one writer.
    let new_user = match &existing {
        Some(_) => None,
        None => {
            // A person's name is shown and clicked: one line, no invisible characters.
            let display_name = crate::http::boundary::name(
                "display_name",
                &input.display_name,
                usize::MAX,
                false,
            )?;
            if display_name.is_empty() || display_name.chars().count() > 100 {
                return Err(ApiError::invalid(
                    "display_name_missing",
                    "`display_name`: give a name of 1 to 100 characters.",
                ));
            }
            let chars = input.password.chars().count();
            if !(MIN_PASSWORD_CHARS..=1024).contains(&chars) {
                return Err(ApiError::invalid(
                    "password_too_short",
                    format!("`password`: use at least {MIN_PASSWORD_CHARS} characters."),
                ));
            }
            let password = input.password.clone();
            let hash = tokio::task::spawn_blocking(move || password::hash(&password))
                .await
                .map_err(|e| ApiError::Internal(format!("password task: {e}")))?
                .map_err(ApiError::Internal)?;
            Some((display_name, hash))
        }
    };

    let txn = state.db.begin().await?;
    let now = Utc::now();
    // Claim the invitation first: a second, concurrent acceptance finds nothing to claim.
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(row.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ApiError::NotFound);
    }
    let user_id = match (existing, new_user) {
        (Some(user), _) => user.id,
        (None, Some((display_name, password_hash))) => {
            user::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(row.organisation_id),
                email: Set(row.email.clone()),
                display_name: Set(display_name),
                password_hash: Set(password_hash),
                pledge_accepted_at: Set(None),
                disabled_at: Set(None),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?
            .id
        }
        (None, None) => return Err(ApiError::Internal("no user to create".into())),
    };
    let has_role = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .filter(user_role::Column::PlatformId.eq(row.platform_id))
        .filter(user_role::Column::Role.eq(row.role.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if !has_role {
        let role = Role::parse(&row.role).unwrap_or(Role::Staff);
        crate::admin::grant_role(&txn, user_id, row.platform_id, role)
            .await
            .map_err(|e| match e {
                crate::admin::AdminError::Db(e) => ApiError::from(e),
                other => ApiError::Internal(other.to_string()),
            })?;
    }
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedUserId, Expr::value(user_id))
        .filter(invitation::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor_user_id: Some(user_id),
            action: "invitation_accepted",
            record_kind: Some("invitation"),
            record_id: Some(row.id),
            platform_id: Some(row.platform_id),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn emails() {
        assert!(valid_email("staff@city.aomori.example"));
        assert!(!valid_email("staff"));
        assert!(!valid_email("staff@localhost"));
        assert!(!valid_email("a b@example.jp"));
        assert!(!valid_email("@example.jp"));
        assert!(!valid_email("stаff@aomori.example"), "a Cyrillic а");
        assert!(!valid_email("staff@aomori..example"));
        assert!(!valid_email("staff@-aomori.example"));
        assert!(!valid_email("a\"b@aomori.example"));
        assert!(valid_email("first.last+tag@city.aomori.example"));
    }
}
