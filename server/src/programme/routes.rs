//! `/api/v1/platforms/{id}/programme` and `/api/v1/platforms/{id}/pledges`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

use app::domain::{ErrorBody, PledgeText};
use app::programme::{NetworkProgramme, NewPledge, ProgrammeInput, ProgrammePage};

use crate::accounts::Authorized;
use crate::http::{ApiJson, ApiPath, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/platforms/{id}/programme",
            get(get_programme).put(update_programme),
        )
        .route("/platforms/{id}/pledges", post(create_pledge))
}

/// The programme and every pledge version of the network this platform belongs to (any
/// member of the network; 404 for another network).
#[utoipa::path(get, path = "/api/v1/platforms/{id}/programme", tag = "programme",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ProgrammePage), (status = 404, body = ErrorBody)))]
pub async fn get_programme(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ProgrammePage>> {
    Ok(Json(super::page(&state, &actor, id).await?))
}

/// Rename the network's programme or change its target age band (its secretariat).
#[utoipa::path(put, path = "/api/v1/platforms/{id}/programme", tag = "programme",
    params(("id" = Uuid, Path)), request_body = ProgrammeInput,
    responses((status = 200, body = NetworkProgramme), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_programme(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> ApiResult<Json<NetworkProgramme>> {
    Ok(Json(super::update(&state, &actor, id, input).await?))
}

/// A new version of the network's pledge (its secretariat): everyone of the network,
/// the caller included, is asked to accept it before their next request.
#[utoipa::path(post, path = "/api/v1/platforms/{id}/pledges", tag = "programme",
    params(("id" = Uuid, Path)), request_body = NewPledge,
    responses((status = 201, body = PledgeText), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_pledge(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<NewPledge>,
) -> ApiResult<impl IntoResponse> {
    let pledge = super::new_pledge(&state, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(pledge)))
}
