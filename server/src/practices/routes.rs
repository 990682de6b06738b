//! `/api/v1/practices`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use app::domain::ErrorBody;
use app::outreach::TargetGroup;
use app::practices::{GoodPractice, GoodPracticePatch, NewAdoption, NewGoodPractice};

use super::ListFilter;
use crate::accounts::Authorized;
use crate::http::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/practices", get(list_practices).post(create_practice))
        .route(
            "/practices/{id}",
            get(get_practice)
                .patch(patch_practice)
                .delete(delete_practice),
        )
        .route(
            "/practices/{id}/feature",
            post(feature_practice).delete(unfeature_practice),
        )
        .route("/practices/{id}/adoptions", post(adopt_practice))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PracticeQuery {
    /// Words to find in title, summary, body and tags (folded as the thread search).
    q: Option<String>,
    /// unstable_employment | long_term_unemployed | social_participation
    target_group: Option<String>,
    tag: Option<String>,
    platform: Option<Uuid>,
    /// Only practices featured (周知) across the network.
    featured: Option<bool>,
}

/// `GET /api/v1/practices`: the practices the caller may read and how many match.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PracticeList {
    pub items: Vec<GoodPractice>,
    pub total: u64,
}

/// The practices the caller may read: featured first, then the most recently changed.
#[utoipa::path(get, path = "/api/v1/practices", tag = "practices", params(PracticeQuery),
    responses((status = 200, body = PracticeList), (status = 422, body = ErrorBody)))]
pub async fn list_practices(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    query: Result<Query<PracticeQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<PracticeList>> {
    let Query(query) = query.map_err(|e| ApiError::invalid("invalid_query", e.body_text()))?;
    let target_group = match query.target_group.as_deref() {
        None | Some("") => None,
        Some(g) => Some(TargetGroup::parse(g).ok_or_else(|| {
            ApiError::invalid("invalid_query", "`target_group`: not one of the groups.")
        })?),
    };
    let filter = ListFilter {
        q: query.q,
        target_group,
        tag: query.tag,
        platform: query.platform,
        featured: query.featured.unwrap_or(false),
    };
    let (items, total) = super::list(&state, &actor, filter).await?;
    Ok(Json(PracticeList { items, total }))
}

/// Write a practice (draft or published, with its visibility).
#[utoipa::path(post, path = "/api/v1/practices", tag = "practices", request_body = NewGoodPractice,
    responses((status = 201, body = GoodPractice), (status = 422, body = ErrorBody)))]
pub async fn create_practice(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewGoodPractice>,
) -> ApiResult<impl IntoResponse> {
    let practice = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(practice)))
}

#[utoipa::path(get, path = "/api/v1/practices/{id}", tag = "practices", params(("id" = Uuid, Path)),
    responses((status = 200, body = GoodPractice), (status = 404, body = ErrorBody)))]
pub async fn get_practice(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<GoodPractice>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Change a practice (its author platform's staff).
#[utoipa::path(patch, path = "/api/v1/practices/{id}", tag = "practices", params(("id" = Uuid, Path)),
    request_body = GoodPracticePatch,
    responses((status = 200, body = GoodPractice), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_practice(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<GoodPracticePatch>,
) -> ApiResult<Json<GoodPractice>> {
    Ok(Json(super::patch(&state, &actor, id, input).await?))
}

#[utoipa::path(delete, path = "/api/v1/practices/{id}", tag = "practices", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_practice(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    super::delete(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 周知: feature across the network (the prefectural secretariat only).
#[utoipa::path(post, path = "/api/v1/practices/{id}/feature", tag = "practices", params(("id" = Uuid, Path)),
    responses((status = 200, body = GoodPractice), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn feature_practice(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<GoodPractice>> {
    Ok(Json(super::feature(&state, &actor, id, true).await?))
}

#[utoipa::path(delete, path = "/api/v1/practices/{id}/feature", tag = "practices", params(("id" = Uuid, Path)),
    responses((status = 200, body = GoodPractice), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn unfeature_practice(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<GoodPractice>> {
    Ok(Json(super::feature(&state, &actor, id, false).await?))
}

/// 参考にした: one of the caller's platforms is trying it (once per platform).
#[utoipa::path(post, path = "/api/v1/practices/{id}/adoptions", tag = "practices", params(("id" = Uuid, Path)),
    request_body = NewAdoption,
    responses((status = 201, body = GoodPractice), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn adopt_practice(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<NewAdoption>,
) -> ApiResult<impl IntoResponse> {
    let practice = super::adopt(&state, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(practice)))
}
