//! `/api/v1/meetings`.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use uuid::Uuid;

use app::domain::ErrorBody;
use app::meetings::{
    AttendanceInput, Meeting, MeetingStep, MeetingUpdate, MeetingsPage, NewMeeting,
};

use crate::accounts::Authorized;
use crate::http::{ApiJson, ApiPath, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list_meetings).post(create_meeting))
        .route("/meetings/{id}", get(get_meeting).put(update_meeting))
        .route("/meetings/{id}/steps", post(take_step))
        .route("/meetings/{id}/attendance", put(answer_attendance))
        .route("/meetings/{id}/ics", get(meeting_ics))
}

/// The meetings the caller may see, newest first (those of the platforms they work on,
/// and those their organisation is invited to), and for each platform whose count they
/// may see the held meetings of the current 年度 against the two of guidelines §5.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings",
    responses((status = 200, body = MeetingsPage)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<MeetingsPage>> {
    Ok(Json(super::list(&state, &actor).await?))
}

/// Plan a meeting of a platform whose secretariat the caller is (403 when they run none;
/// 422 `invalid_platform` for another), with its agenda; invites every member and
/// observer of the platform unless `invited_organisation_ids` says whom. 422
/// `invalid_field`, `invalid_period`, `invalid_url`, `invalid_organisation`,
/// `invalid_link` or `personal_data` for what cannot be kept.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = NewMeeting,
    responses((status = 201, body = Meeting), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewMeeting>,
) -> ApiResult<impl IntoResponse> {
    let meeting = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(meeting)))
}

/// One meeting, with its invitations, answers and agenda.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 404, body = ErrorBody)))]
pub async fn get_meeting(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Rewrite a planned meeting's details and agenda at `version` (the secretariat): 409
/// `edit_conflict` when someone else's change came first, 409 `meeting_not_planned` once
/// held or cancelled.
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "meetings",
    params(("id" = Uuid, Path)), request_body = MeetingUpdate,
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_meeting(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<MeetingUpdate>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(super::update(&state, &actor, id, input).await?))
}

/// Hold (once started; 422 `not_started` before), cancel or reopen a meeting at
/// `version` (the secretariat): 409 `invalid_transition` or `edit_conflict`.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/steps", tag = "meetings",
    params(("id" = Uuid, Path)), request_body = MeetingStep,
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn take_step(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<MeetingStep>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(super::step(&state, &actor, id, input).await?))
}

/// Answer for the caller's organisation before the meeting starts, or (the secretariat)
/// correct any invited organisation's answer. 403 for another organisation's, 409
/// `answers_closed` after the start, 409 `meeting_cancelled`, 422 `invalid_organisation`
/// or `invalid_proxy`.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/attendance", tag = "meetings",
    params(("id" = Uuid, Path)), request_body = AttendanceInput,
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn answer_attendance(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(super::answer(&state, &actor, id, input).await?))
}

/// The meeting as an iCalendar file (RFC 5545, `text/calendar`): one VEVENT, Japan times
/// (`TZID=Asia/Tokyo` with its VTIMEZONE), the meeting's stable UID, SEQUENCE from its
/// version, `STATUS:CANCELLED` when cancelled.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/ics", tag = "meetings",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "the iCalendar file", content_type = "text/calendar"),
              (status = 404, body = ErrorBody)))]
pub async fn meeting_ics(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let body = super::calendar(&state, &actor, id).await?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"meeting.ics\""),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
