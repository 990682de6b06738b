//! `/api/v1/outreach-requests`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
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
use crate::http::{ApiError, ApiJson, ApiPath, ApiResult};
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
        .route("/outreach-requests/{id}/transitions", post(transition))
        .route("/outreach-requests/{id}/responses", post(respond))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// draft | submitted | routed | returned | answered | declined | closed | withdrawn
    state: Option<String>,
    /// placement_development | accommodation | connection | recruitment_event
    kind: Option<String>,
    /// Only requests from this platform.
    platform: Option<Uuid>,
    /// Only requests routed to this organisation.
    organisation: Option<Uuid>,
    /// Only open requests past their deadline (Japan time).
    overdue: Option<bool>,
    /// From 0.
    page: Option<u64>,
    /// 1 to 200 (default 50).
    per_page: Option<u64>,
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
            page: self.page.unwrap_or(0),
            per_page: self.per_page.unwrap_or(super::DEFAULT_PER_PAGE),
        })
    }
}

/// The requests the caller may see: open ones first, soonest deadline first.
#[utoipa::path(get, path = "/api/v1/outreach-requests", tag = "outreach", params(ListQuery),
    responses((status = 200, body = OutreachList), (status = 422, body = ErrorBody)))]
pub async fn list_requests(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<OutreachList>> {
    let Query(query) = query.map_err(|e| ApiError::invalid("invalid_query", e.body_text()))?;
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
