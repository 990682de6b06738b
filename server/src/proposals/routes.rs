//! `/api/v1/proposals`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use uuid::Uuid;

use app::domain::ErrorBody;
use app::proposals::{NewProposal, PolicyProposal, ProposalNoteInput, ProposalStep};

use crate::accounts::Authorized;
use crate::http::{ApiJson, ApiPath, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals", get(list_proposals).post(submit_proposal))
        .route("/proposals/{id}", get(get_proposal))
        .route("/proposals/{id}/steps", post(take_step))
        .route("/proposals/{id}/note", put(write_note))
}

/// The proposals the caller may see, newest first: those to the secretariat they are,
/// their organisation's own, and those of their networks whose answer was published.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals",
    responses((status = 200, body = Vec<PolicyProposal>)))]
pub async fn list_proposals(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<Vec<PolicyProposal>>> {
    Ok(Json(super::list(&state, &actor).await?))
}

/// Submit a proposal to the secretariat of a prefectural platform of the caller's networks
/// (any role but observer; 403 otherwise), for their organisation or a municipal platform
/// they coordinate (422 `invalid_platform` otherwise).
#[utoipa::path(post, path = "/api/v1/proposals", tag = "proposals", request_body = NewProposal,
    responses((status = 201, body = PolicyProposal), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn submit_proposal(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewProposal>,
) -> ApiResult<impl IntoResponse> {
    let proposal = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(proposal)))
}

/// One proposal as the caller may see it (the secretariat's note for the secretariat).
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PolicyProposal), (status = 404, body = ErrorBody)))]
pub async fn get_proposal(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PolicyProposal>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Take a step at the proposal's `version`: review, answer, close, publish or unpublish
/// the answer (the secretariat), withdraw (the proposing organisation). 403 for a step the
/// caller may not take, 409 `invalid_transition` or `edit_conflict`.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/steps", tag = "proposals",
    params(("id" = Uuid, Path)), request_body = ProposalStep,
    responses((status = 200, body = PolicyProposal), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn take_step(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ProposalStep>,
) -> ApiResult<Json<PolicyProposal>> {
    Ok(Json(super::step(&state, &actor, id, input).await?))
}

/// Save the secretariat's own note at `note_version` (the secretariat only; no one else
/// ever reads it).
#[utoipa::path(put, path = "/api/v1/proposals/{id}/note", tag = "proposals",
    params(("id" = Uuid, Path)), request_body = ProposalNoteInput,
    responses((status = 200, body = PolicyProposal), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn write_note(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ProposalNoteInput>,
) -> ApiResult<Json<PolicyProposal>> {
    Ok(Json(super::write_note(&state, &actor, id, input).await?))
}
