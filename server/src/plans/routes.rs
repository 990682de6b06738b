//! `/api/v1/plans`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use uuid::Uuid;

use app::domain::ErrorBody;
use app::plans::{
    ImplementationPlan, NewPlan, PlanComparison, PlanItemWrite, PlanProgressInput, PlanUpdate,
    PublishPlan,
};

use crate::accounts::Authorized;
use crate::http::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list_plans).post(create_plan))
        .route(
            "/plans/{id}",
            get(get_plan).put(update_plan).delete(delete_plan),
        )
        .route("/plans/{id}/items", post(add_item))
        .route(
            "/plans/{id}/items/{item_id}",
            put(update_item).delete(remove_item),
        )
        .route("/plans/{id}/items/{item_id}/progress", put(report_progress))
        .route("/plans/{id}/publish", post(publish_plan))
        .route("/plans/{id}/revisions/{revision}", get(get_revision))
        .route("/plans/{id}/compare", get(compare_revisions))
        .route("/plans/{id}/report.xlsx", get(annual_report))
}

/// The plans the caller may see: their secretariat's working copies, their networks'
/// published plans (the latest revision).
#[utoipa::path(get, path = "/api/v1/plans", tag = "plans",
    responses((status = 200, body = Vec<ImplementationPlan>)))]
pub async fn list_plans(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<Vec<ImplementationPlan>>> {
    Ok(Json(super::list(&state, &actor).await?))
}

/// Draft a plan for a plan period (the secretariat of a prefectural platform). One plan
/// per period: an overlapping one is 409 `plan_period_overlap`.
#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", request_body = NewPlan,
    responses((status = 201, body = ImplementationPlan), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_plan(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewPlan>,
) -> ApiResult<impl IntoResponse> {
    let plan = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

/// One plan: the working copy for its secretariat, the latest revision for the network.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = ImplementationPlan), (status = 404, body = ErrorBody)))]
pub async fn get_plan(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Save the working copy's title, period and sections at `version` (409 `edit_conflict`
/// otherwise; 409 `plan_items_outside_period` when items are scheduled in dropped years).
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = Uuid, Path)),
    request_body = PlanUpdate,
    responses((status = 200, body = ImplementationPlan), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_plan(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PlanUpdate>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(super::update(&state, &actor, id, input).await?))
}

/// Delete a plan never published (409 `plan_published` otherwise).
#[utoipa::path(delete, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn delete_plan(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    super::delete(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an item (実施事業) to the working copy at the plan's `version`.
#[utoipa::path(post, path = "/api/v1/plans/{id}/items", tag = "plans",
    params(("id" = Uuid, Path)), request_body = PlanItemWrite,
    responses((status = 200, body = ImplementationPlan), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn add_item(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PlanItemWrite>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(super::add_item(&state, &actor, id, input).await?))
}

/// Change an item of the working copy at the plan's `version`.
#[utoipa::path(put, path = "/api/v1/plans/{id}/items/{item_id}", tag = "plans",
    params(("id" = Uuid, Path), ("item_id" = Uuid, Path)), request_body = PlanItemWrite,
    responses((status = 200, body = ImplementationPlan), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_item(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, item_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<PlanItemWrite>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(
        super::update_item(&state, &actor, id, item_id, input).await?,
    ))
}

/// The plan's version as read, for a removal.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The working copy's version as read (409 `edit_conflict` when it changed).
    #[param(minimum = 0, maximum = 2147483647)]
    version: u32,
}

/// Remove an item from the working copy (published revisions keep it).
#[utoipa::path(delete, path = "/api/v1/plans/{id}/items/{item_id}", tag = "plans",
    params(("id" = Uuid, Path), ("item_id" = Uuid, Path), VersionQuery),
    responses((status = 200, body = ImplementationPlan), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn remove_item(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, item_id)): ApiPath<(Uuid, Uuid)>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(
        super::remove_item(&state, &actor, id, item_id, query.version).await?,
    ))
}

/// Report an item's status and note (the secretariat, or an organisation responsible for
/// a published item), at the progress `version` read.
#[utoipa::path(put, path = "/api/v1/plans/{id}/items/{item_id}/progress", tag = "plans",
    params(("id" = Uuid, Path), ("item_id" = Uuid, Path)), request_body = PlanProgressInput,
    responses((status = 200, body = ImplementationPlan), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn report_progress(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, item_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<PlanProgressInput>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(
        super::report_progress(&state, &actor, id, item_id, input).await?,
    ))
}

/// Publish the working copy as the next revision (a note is required from the second;
/// 409 `plan_unchanged` when nothing changed).
#[utoipa::path(post, path = "/api/v1/plans/{id}/publish", tag = "plans",
    params(("id" = Uuid, Path)), request_body = PublishPlan,
    responses((status = 200, body = ImplementationPlan), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn publish_plan(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PublishPlan>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(super::publish(&state, &actor, id, input).await?))
}

/// One published revision as it was published (with the items' progress now).
#[utoipa::path(get, path = "/api/v1/plans/{id}/revisions/{revision}", tag = "plans",
    params(("id" = Uuid, Path), ("revision" = u32, Path)),
    responses((status = 200, body = ImplementationPlan), (status = 404, body = ErrorBody)))]
pub async fn get_revision(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, revision)): ApiPath<(Uuid, u32)>,
) -> ApiResult<Json<ImplementationPlan>> {
    Ok(Json(
        super::get_revision(&state, &actor, id, revision).await?,
    ))
}

/// Two revisions to compare.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The earlier revision (0: the working copy, the secretariat only; past the latest,
    /// 404).
    #[param(minimum = 0, maximum = 10000)]
    from: u32,
    /// The later revision (0: the working copy, the secretariat only; past the latest,
    /// 404).
    #[param(minimum = 0, maximum = 10000)]
    to: u32,
}

/// Two revisions side by side, section by section, then the items.
#[utoipa::path(get, path = "/api/v1/plans/{id}/compare", tag = "plans",
    params(("id" = Uuid, Path), CompareQuery),
    responses((status = 200, body = PlanComparison), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn compare_revisions(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> ApiResult<Json<PlanComparison>> {
    Ok(Json(
        super::compare::compare(&state, &actor, id, query.from, query.to).await?,
    ))
}

/// The 年度 of an annual report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// A 年度 of the plan period, by the year it starts in (2025 = 令和7年度).
    #[param(minimum = 2000, maximum = 2100)]
    fiscal_year: i32,
}

/// The annual 実績報告 as an Excel workbook (any reader of the plan; audited): a sheet per
/// target group with the items, their progress and their KPIs' target, actual and
/// achievement for the year, and a sheet of the KPIs by 年度. Japanese headers, 和暦.
#[utoipa::path(get, path = "/api/v1/plans/{id}/report.xlsx", tag = "plans",
    params(("id" = Uuid, Path), ReportQuery),
    responses((status = 200, description = "the workbook"), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn annual_report(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let (title, bytes) = super::report::xlsx(&state, &actor, id, query.fiscal_year).await?;
    Ok(crate::http::xlsx_download("report.xlsx", &title, bytes))
}
