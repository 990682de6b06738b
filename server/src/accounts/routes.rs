//! `/api/v1/session`, `/api/v1/me`, `/api/v1/me/pledge` and the invitation endpoints.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_sessions::Session;
use uuid::Uuid;

use app::domain::{
    AcceptInvitation, AcceptPledge, ErrorBody, Invitation, InvitationCreated, InvitationPreview,
    Me, NewInvitation, PlatformUser, Pledge, Role, SessionCreated, SignIn,
};

use super::{invitations, revocation, Authorized, SignedIn};
use crate::http::{ApiJson, ApiPath, ApiResult, ClientAddr};
use crate::state::AppState;
use crate::sync::idempotency::SecretJson;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", post(create_session).delete(delete_session))
        .route("/me", get(get_me))
        .route("/me/pledge", post(accept_pledge))
        .route(
            "/platforms/{id}/invitations",
            get(list_invitations).post(create_invitation),
        )
        .route("/platforms/{id}/users", get(list_platform_users))
        .route(
            "/platforms/{id}/users/{user_id}/roles/{role}",
            axum::routing::delete(revoke_role),
        )
        .route("/users/{id}/disable", post(disable_user))
        .route("/users/{id}/enable", post(enable_user))
        .route("/invitations/{token}", get(preview_invitation))
        .route("/invitations/{token}/accept", post(accept_invitation))
}

/// Sign in. Sets the session cookie and returns the CSRF token for unsafe calls.
#[utoipa::path(post, path = "/api/v1/session", tag = "accounts", request_body = SignIn,
    responses((status = 200, body = SessionCreated),
              (status = 401, body = ErrorBody, description = "wrong or unknown credentials"),
              (status = 429, body = ErrorBody, description = "too many failed attempts; see Retry-After")))]
pub async fn create_session(
    State(state): State<AppState>,
    session: Session,
    addr: ClientAddr,
    ApiJson(input): ApiJson<SignIn>,
) -> ApiResult<SecretJson<SessionCreated>> {
    // The CSRF token is a secret: never stored with an `Idempotency-Key`.
    Ok(SecretJson(
        super::sign_in(&state, &session, addr, &input.email, &input.password).await?,
    ))
}

/// Sign out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts",
    responses((status = 204, description = "Signed out; `Clear-Site-Data` drops the local store"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn delete_session(
    State(state): State<AppState>,
    session: Session,
    SignedIn(actor): SignedIn,
) -> ApiResult<impl axum::response::IntoResponse> {
    super::sign_out(&state, &session, Some(&actor)).await?;
    Ok(([super::CLEAR_SITE_DATA], StatusCode::NO_CONTENT))
}

/// The signed-in user, their organisation, platforms and roles, CSRF token and pledge.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn get_me(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
) -> ApiResult<Json<Me>> {
    Ok(Json(super::me(&state, &actor).await?))
}

/// Accept the confidentiality pledge (guidelines §6).
#[utoipa::path(post, path = "/api/v1/me/pledge", tag = "accounts", request_body = AcceptPledge,
    responses((status = 200, body = Pledge), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn accept_pledge(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiJson(body): ApiJson<AcceptPledge>,
) -> ApiResult<Json<Pledge>> {
    Ok(Json(
        super::accept_pledge(&state, &actor, body.pledges).await?,
    ))
}

/// Invitations of a platform (coordinators).
#[utoipa::path(get, path = "/api/v1/platforms/{id}/invitations", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = [Invitation]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_invitations(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Invitation>>> {
    Ok(Json(invitations::list(&state, &actor, id).await?))
}

/// Invite a person into a platform (coordinators). The answer carries the link, once.
#[utoipa::path(post, path = "/api/v1/platforms/{id}/invitations", tag = "accounts",
    params(("id" = Uuid, Path)), request_body = NewInvitation,
    responses((status = 201, body = InvitationCreated), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_invitation(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<NewInvitation>,
) -> ApiResult<impl IntoResponse> {
    let created = invitations::create(&state, &actor, id, input).await?;
    // The link holds the invitation's token: never stored with an `Idempotency-Key`.
    Ok((StatusCode::CREATED, SecretJson(created)))
}

/// What an invitation link offers, for the invitee (no sign-in).
#[utoipa::path(get, path = "/api/v1/invitations/{token}", tag = "accounts",
    params(("token" = String, Path)),
    responses((status = 200, body = InvitationPreview), (status = 404, body = ErrorBody)))]
pub async fn preview_invitation(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Json<InvitationPreview>> {
    Ok(Json(invitations::preview(&state, &token).await?))
}

/// Accept an invitation and set a password (no sign-in). Works once.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/accept", tag = "accounts",
    params(("token" = String, Path)), request_body = AcceptInvitation,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(input): ApiJson<AcceptInvitation>,
) -> ApiResult<StatusCode> {
    invitations::accept(&state, &token, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The people holding a role on a platform, with their roles (coordinators).
#[utoipa::path(get, path = "/api/v1/platforms/{id}/users", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = [PlatformUser]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_platform_users(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<PlatformUser>>> {
    Ok(Json(revocation::list(&state, &actor, id).await?))
}

/// Revoke one role of a person on a platform (its coordinators). Their sessions end at
/// once, their event streams close, and their next sync brings tombstones for every
/// record they may no longer see. Revoking a role no longer held answers the same.
#[utoipa::path(delete, path = "/api/v1/platforms/{id}/users/{user_id}/roles/{role}", tag = "accounts",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path), ("role" = String, Path, description = "coordinator, staff, responder, observer or admin")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "`last_coordinator`: a platform keeps one"),
              (status = 422, body = ErrorBody)))]
pub async fn revoke_role(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, user_id, role)): ApiPath<(Uuid, Uuid, String)>,
) -> ApiResult<StatusCode> {
    let role = Role::parse(&role).ok_or_else(|| {
        crate::http::ApiError::invalid(
            "invalid_role",
            "`role`: coordinator, staff, responder, observer or admin.",
        )
    })?;
    revocation::revoke(&state, &actor, id, user_id, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable an account (see the rules in the security notes): its sessions end at once and
/// it cannot sign in (403 `account_disabled`) until enabled again; its roles are kept.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "`cannot_disable_self` or `last_coordinator`")))]
pub async fn disable_user(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    revocation::set_disabled(&state, &actor, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a disabled account again (the same people who may disable it).
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enable_user(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    revocation::set_disabled(&state, &actor, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
