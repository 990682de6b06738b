//! `/api/v1/inquiries`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use uuid::Uuid;

use app::domain::ErrorBody;
use app::inquiries::{AcceptAnswer, AnswerInput, Inquiry, NewInquiry, ReturnAnswer};

use crate::accounts::Authorized;
use crate::http::{ApiJson, ApiPath, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inquiries", get(list_inquiries).post(create_inquiry))
        .route("/inquiries/{id}", get(get_inquiry).delete(delete_inquiry))
        .route("/inquiries/{id}/export.xlsx", get(export_answers))
        .route("/inquiries/{id}/send", post(send_inquiry))
        .route("/inquiries/{id}/withdraw", post(withdraw_inquiry))
        .route("/inquiries/{id}/remind", post(remind_addressees))
        .route(
            "/inquiries/{id}/answers/{organisation_id}",
            put(answer_inquiry),
        )
        .route(
            "/inquiries/{id}/answers/{organisation_id}/return",
            post(return_answer),
        )
        .route(
            "/inquiries/{id}/answers/{organisation_id}/accept",
            post(accept_answer),
        )
}

/// The inquiries the caller may see, newest first: those their platforms sent (with
/// every answer) and those asking their organisation (with its own answer).
#[utoipa::path(get, path = "/api/v1/inquiries", tag = "inquiries",
    responses((status = 200, body = Vec<Inquiry>)))]
pub async fn list_inquiries(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<Vec<Inquiry>>> {
    Ok(Json(super::list(&state, &actor).await?))
}

/// Draft an inquiry (a platform's secretariat): its addressees see it once it is sent.
#[utoipa::path(post, path = "/api/v1/inquiries", tag = "inquiries", request_body = NewInquiry,
    responses((status = 201, body = Inquiry), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_inquiry(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewInquiry>,
) -> ApiResult<impl IntoResponse> {
    let inquiry = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(inquiry)))
}

/// One inquiry. The first read by an addressee organisation marks its answer opened.
#[utoipa::path(get, path = "/api/v1/inquiries/{id}", tag = "inquiries",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Inquiry), (status = 404, body = ErrorBody)))]
pub async fn get_inquiry(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Inquiry>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Delete a draft (409 `inquiry_sent` for a sent one: withdraw it).
#[utoipa::path(delete, path = "/api/v1/inquiries/{id}", tag = "inquiries",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn delete_inquiry(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    super::delete(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a draft to its addressees (its deadline must not have passed in Japan).
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/send", tag = "inquiries",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Inquiry), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn send_inquiry(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Inquiry>> {
    Ok(Json(super::send(&state, &actor, id).await?))
}

/// Withdraw a sent inquiry: its addressees see it withdrawn and answer no more.
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/withdraw", tag = "inquiries",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Inquiry), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw_inquiry(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Inquiry>> {
    Ok(Json(super::withdraw(&state, &actor, id).await?))
}

/// Remind every addressee that still owes an answer.
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/remind", tag = "inquiries",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Inquiry), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remind_addressees(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Inquiry>> {
    Ok(Json(super::remind(&state, &actor, id).await?))
}

/// Save (`submit: false`) or submit the caller's organisation's answer, at `version`.
#[utoipa::path(put, path = "/api/v1/inquiries/{id}/answers/{organisation_id}", tag = "inquiries",
    params(("id" = Uuid, Path), ("organisation_id" = Uuid, Path)), request_body = AnswerInput,
    responses((status = 200, body = Inquiry), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn answer_inquiry(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, organisation_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> ApiResult<Json<Inquiry>> {
    Ok(Json(
        super::answer(&state, &actor, id, organisation_id, input).await?,
    ))
}

/// Return a submitted answer for correction, with a comment (the sender).
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/answers/{organisation_id}/return",
    tag = "inquiries", params(("id" = Uuid, Path), ("organisation_id" = Uuid, Path)),
    request_body = ReturnAnswer,
    responses((status = 200, body = Inquiry), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn return_answer(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, organisation_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<ReturnAnswer>,
) -> ApiResult<Json<Inquiry>> {
    Ok(Json(
        super::return_answer(&state, &actor, id, organisation_id, input).await?,
    ))
}

/// Accept a submitted answer (the sender).
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/answers/{organisation_id}/accept",
    tag = "inquiries", params(("id" = Uuid, Path), ("organisation_id" = Uuid, Path)),
    request_body = AcceptAnswer,
    responses((status = 200, body = Inquiry), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn accept_answer(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, organisation_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<AcceptAnswer>,
) -> ApiResult<Json<Inquiry>> {
    Ok(Json(
        super::accept(&state, &actor, id, organisation_id, input).await?,
    ))
}

/// Every organisation's answer as an Excel workbook (the sender; audited): rows in the
/// order of the 全国地方公共団体コード, Japanese headers, 和暦 dates.
#[utoipa::path(get, path = "/api/v1/inquiries/{id}/export.xlsx", tag = "inquiries",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "the workbook"), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn export_answers(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let (title, bytes) = super::export::xlsx(&state, &actor, id).await?;
    Ok(crate::http::xlsx_download("inquiry.xlsx", &title, bytes))
}
