//! `/api/v1/outreach-requests`.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use uuid::Uuid;

use app::domain::ErrorBody;
use app::outreach::{
    NewOutreachRequest, NewResponse, OutreachKind, OutreachList, OutreachPatch, OutreachRequest,
    OutreachResponse, OutreachState, Transition,
};

use super::ListFilter;
use crate::accounts::Authorized;
use crate::http::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/outreach-requests",
            get(list_requests).post(create_request),
        )
        .route(
            "/outreach-requests/{id}",
            get(get_request).patch(patch_request),
        )
        .route("/outreach-requests/export.xlsx", get(export_xlsx))
        .route("/outreach-requests/export.csv", get(export_csv))
        .route("/outreach-requests/{id}/transitions", post(transition))
        .route("/outreach-requests/{id}/responses", post(respond))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// draft | submitted | routed | returned | answered | declined | closed | withdrawn
    /// (anything else is 422 `invalid_query`).
    #[param(max_length = 20)]
    state: Option<String>,
    /// placement_development | accommodation | connection | recruitment_event (anything
    /// else is 422 `invalid_query`).
    #[param(max_length = 30)]
    kind: Option<String>,
    /// Only requests from this platform.
    platform: Option<Uuid>,
    /// Only requests routed to this organisation.
    organisation: Option<Uuid>,
    /// Only open requests past their deadline (Japan time).
    overdue: Option<bool>,
    /// From 0 to 100,000.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 100000)]
    page: Option<app::bounded::Page>,
    /// 1 to 200 (default 50).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 200)]
    per_page: Option<app::bounded::PerPage>,
}

impl ListQuery {
    pub fn filter(self) -> ApiResult<ListFilter> {
        fn parsed<T>(
            value: Option<String>,
            parse: impl Fn(&str) -> Option<T>,
            what: &str,
        ) -> ApiResult<Option<T>> {
            match value.as_deref() {
                None | Some("") => Ok(None),
                Some(v) => parse(v).map(Some).ok_or_else(|| {
                    ApiError::invalid("invalid_query", format!("`{what}`: not one of the values."))
                }),
            }
        }
        Ok(ListFilter {
            state: parsed(self.state, OutreachState::parse, "state")?,
            kind: parsed(self.kind, OutreachKind::parse, "kind")?,
            platform: self.platform,
            organisation: self.organisation,
            overdue: self.overdue.unwrap_or(false),
            page: self.page.unwrap_or_default(),
            per_page: self.per_page.unwrap_or_default(),
        })
    }
}

/// The requests the caller may see: open ones first, soonest deadline first.
#[utoipa::path(get, path = "/api/v1/outreach-requests", tag = "outreach", params(ListQuery),
    responses((status = 200, body = OutreachList), (status = 422, body = ErrorBody)))]
pub async fn list_requests(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<OutreachList>> {
    Ok(Json(super::list(&state, &actor, query.filter()?).await?))
}

/// Draft a request (state `draft`); personal data in any field is refused.
#[utoipa::path(post, path = "/api/v1/outreach-requests", tag = "outreach",
    request_body = NewOutreachRequest,
    responses((status = 201, body = OutreachRequest), (status = 422, body = ErrorBody)))]
pub async fn create_request(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewOutreachRequest>,
) -> ApiResult<impl IntoResponse> {
    let request = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// A request with its organisations' statuses, answers and timeline.
#[utoipa::path(get, path = "/api/v1/outreach-requests/{id}", tag = "outreach",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = OutreachRequest), (status = 404, body = ErrorBody)))]
pub async fn get_request(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<OutreachRequest>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Edit a request while it is a draft or returned (the requester).
#[utoipa::path(patch, path = "/api/v1/outreach-requests/{id}", tag = "outreach",
    params(("id" = Uuid, Path)), request_body = OutreachPatch,
    responses((status = 200, body = OutreachRequest), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn patch_request(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<OutreachPatch>,
) -> ApiResult<Json<OutreachRequest>> {
    Ok(Json(super::patch(&state, &actor, id, input).await?))
}

/// Take a step: submit, route (`organisation_ids`), return (`comment`), acknowledge,
/// decline (`comment`), close (`outcome`) or withdraw.
#[utoipa::path(post, path = "/api/v1/outreach-requests/{id}/transitions", tag = "outreach",
    params(("id" = Uuid, Path)), request_body = Transition,
    responses((status = 200, body = OutreachRequest), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn transition(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<Transition>,
) -> ApiResult<Json<OutreachRequest>> {
    Ok(Json(super::transition(&state, &actor, id, input).await?))
}

/// An addressed organisation's answer (it may answer several times).
#[utoipa::path(post, path = "/api/v1/outreach-requests/{id}/responses", tag = "outreach",
    params(("id" = Uuid, Path)), request_body = NewResponse,
    responses((status = 201, body = OutreachResponse), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn respond(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<NewResponse>,
) -> ApiResult<impl IntoResponse> {
    let response = super::respond(&state, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(response)))
}

/// The filtered list as a file to download; an audited read of everything in it.
async fn export(
    state: &AppState,
    actor: &crate::policy::Actor,
    query: ListQuery,
    extension: &str,
    content_type: &'static str,
    render: impl FnOnce(&[OutreachRequest]) -> ApiResult<Vec<u8>>,
) -> ApiResult<Response> {
    let requests = super::all(state, actor, query.filter()?).await?;
    crate::audit::record(
        &state.db,
        crate::audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "outreach_export",
            record_kind: Some("outreach_request"),
            ..Default::default()
        },
    )
    .await?;
    let mut response = render(&requests)?.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let name = crate::http::extract::percent_encode(&format!("依頼一覧.{extension}"));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"outreach.{extension}\"; filename*=UTF-8''{name}"
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The filtered list as an Excel workbook (Japanese headers, 和暦 dates).
#[utoipa::path(get, path = "/api/v1/outreach-requests/export.xlsx", tag = "outreach", params(ListQuery),
    responses((status = 200, description = "the workbook"), (status = 422, body = ErrorBody)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    export(
        &state,
        &actor,
        query,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        super::export::xlsx,
    )
    .await
}

/// The filtered list as CSV for Excel on Japanese Windows (UTF-8 with BOM, CRLF).
#[utoipa::path(get, path = "/api/v1/outreach-requests/export.csv", tag = "outreach", params(ListQuery),
    responses((status = 200, description = "the CSV"), (status = 422, body = ErrorBody)))]
pub async fn export_csv(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    export(
        &state,
        &actor,
        query,
        "csv",
        "text/csv; charset=utf-8",
        |r| Ok(super::export::csv(r)),
    )
    .await
}
