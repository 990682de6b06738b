//! `/api/v1/kpis`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use uuid::Uuid;

use app::domain::ErrorBody;
use app::kpis::{Kpi, KpiActualInput, KpiUpdate, NewKpi, PublishActuals};

use crate::accounts::Authorized;
use crate::http::{ApiJson, ApiPath, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kpis", get(list_kpis).post(create_kpi))
        .route(
            "/kpis/{id}",
            get(get_kpi).put(update_kpi).delete(delete_kpi),
        )
        .route("/kpis/{id}/publish", post(publish_kpi))
        .route("/kpis/{id}/actuals", put(enter_actual))
        .route("/kpis/{id}/actuals/publish", post(publish_actuals))
}

/// The KPIs the caller may see (their secretariat's drafts, their networks' published
/// KPIs), each with the shares the caller may see and the progress they give.
#[utoipa::path(get, path = "/api/v1/kpis", tag = "kpis",
    responses((status = 200, body = Vec<Kpi>)))]
pub async fn list_kpis(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<Vec<Kpi>>> {
    Ok(Json(super::list(&state, &actor).await?))
}

/// Define a KPI (a draft; the secretariat of a prefectural platform).
#[utoipa::path(post, path = "/api/v1/kpis", tag = "kpis", request_body = NewKpi,
    responses((status = 201, body = Kpi), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_kpi(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewKpi>,
) -> ApiResult<impl IntoResponse> {
    let kpi = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(kpi)))
}

/// One KPI. A read that shows unpublished figures is audited.
#[utoipa::path(get, path = "/api/v1/kpis/{id}", tag = "kpis", params(("id" = Uuid, Path)),
    responses((status = 200, body = Kpi), (status = 404, body = ErrorBody)))]
pub async fn get_kpi(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Kpi>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Save the definition as a whole, if the KPI is still at `version` (409 `edit_conflict`
/// otherwise).
#[utoipa::path(put, path = "/api/v1/kpis/{id}", tag = "kpis", params(("id" = Uuid, Path)),
    request_body = KpiUpdate,
    responses((status = 200, body = Kpi), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_kpi(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<KpiUpdate>,
) -> ApiResult<Json<Kpi>> {
    Ok(Json(super::update(&state, &actor, id, input).await?))
}

#[utoipa::path(delete, path = "/api/v1/kpis/{id}", tag = "kpis", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_kpi(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    super::delete(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publish a draft KPI to every member of its network.
#[utoipa::path(post, path = "/api/v1/kpis/{id}/publish", tag = "kpis", params(("id" = Uuid, Path)),
    responses((status = 200, body = Kpi), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish_kpi(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Kpi>> {
    Ok(Json(super::publish(&state, &actor, id).await?))
}

/// Enter, correct (with the `version` read) or clear (`value: null`) one organisation's
/// share for a 年度 or quarter. A changed share is unpublished until its year is
/// published again.
#[utoipa::path(put, path = "/api/v1/kpis/{id}/actuals", tag = "kpis", params(("id" = Uuid, Path)),
    request_body = KpiActualInput,
    responses((status = 200, body = Kpi), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn enter_actual(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<KpiActualInput>,
) -> ApiResult<Json<Kpi>> {
    Ok(Json(super::enter_actual(&state, &actor, id, input).await?))
}

/// Publish every unpublished share of one 年度 (the secretariat).
#[utoipa::path(post, path = "/api/v1/kpis/{id}/actuals/publish", tag = "kpis",
    params(("id" = Uuid, Path)), request_body = PublishActuals,
    responses((status = 200, body = Kpi), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish_actuals(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PublishActuals>,
) -> ApiResult<Json<Kpi>> {
    Ok(Json(
        super::publish_actuals(&state, &actor, id, input).await?,
    ))
}
