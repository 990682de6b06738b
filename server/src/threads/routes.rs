//! `/api/v1/threads`, `/api/v1/messages` and `/api/v1/attachments`.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use uuid::Uuid;

use app::domain::ErrorBody;
use app::threads::{
    AttachmentInfo, LiaisonThread, Message, MessageBody, NewThread, ReadMarker, ThreadPatch,
    ThreadState,
};

use super::{attachments, ThreadFilter};
use crate::accounts::Authorized;
use crate::http::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/threads", get(list_threads).post(create_thread))
        .route("/threads/{id}", get(get_thread).patch(patch_thread))
        .route(
            "/threads/{id}/messages",
            get(list_messages).post(post_message),
        )
        .route("/threads/{id}/read", post(mark_read))
        .route(
            "/threads/{id}/attachments",
            post(upload_attachment)
                .layer(DefaultBodyLimit::max(attachments::MAX_BYTES + 64 * 1024)),
        )
        .route("/attachments/{id}", get(get_attachment))
        .route("/messages/{id}", patch(edit_message).delete(delete_message))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// Words to find in subjects and messages (Japanese: a two-character word finds
    /// longer compounds; full- and half-width forms match). At most 200 characters
    /// (422 `invalid_query` beyond).
    #[param(max_length = 200)]
    q: Option<String>,
    /// open | resolved | reopened (anything else is 422 `invalid_query`).
    #[param(max_length = 20)]
    state: Option<String>,
    /// Only threads this platform takes part in.
    platform: Option<Uuid>,
    /// Only threads the caller opened.
    mine: Option<bool>,
    /// Only threads where the caller is mentioned.
    mentions: Option<bool>,
}

/// The caller's liaison threads, newest activity first, each with its unread count.
#[utoipa::path(get, path = "/api/v1/threads", tag = "threads", params(ThreadQuery),
    responses((status = 200, body = [LiaisonThread]), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_threads(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiQuery(query): ApiQuery<ThreadQuery>,
) -> ApiResult<Json<Vec<LiaisonThread>>> {
    let state_filter = match query.state.as_deref() {
        None | Some("") => None,
        Some(s) => Some(ThreadState::parse(s).ok_or_else(|| {
            ApiError::invalid("invalid_query", "`state`: open, resolved or reopened.")
        })?),
    };
    let filter = ThreadFilter {
        q: query.q,
        state: state_filter,
        platform: query.platform,
        mine: query.mine.unwrap_or(false),
        mentions: query.mentions.unwrap_or(false),
    };
    Ok(Json(super::list(&state, &actor, filter).await?))
}

/// Open a thread with participant platforms (and organisations).
#[utoipa::path(post, path = "/api/v1/threads", tag = "threads", request_body = NewThread,
    responses((status = 201, body = LiaisonThread), (status = 422, body = ErrorBody)))]
pub async fn create_thread(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiJson(input): ApiJson<NewThread>,
) -> ApiResult<impl IntoResponse> {
    let thread = super::create(&state, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(thread)))
}

#[utoipa::path(get, path = "/api/v1/threads/{id}", tag = "threads", params(("id" = Uuid, Path)),
    responses((status = 200, body = LiaisonThread), (status = 404, body = ErrorBody)))]
pub async fn get_thread(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<LiaisonThread>> {
    Ok(Json(super::get(&state, &actor, id).await?))
}

/// Change the subject, the state (resolve with a note, reopen) or the participants.
#[utoipa::path(patch, path = "/api/v1/threads/{id}", tag = "threads", params(("id" = Uuid, Path)),
    request_body = ThreadPatch,
    responses((status = 200, body = LiaisonThread), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_thread(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ThreadPatch>,
) -> ApiResult<Json<LiaisonThread>> {
    Ok(Json(super::patch(&state, &actor, id, input).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// The page just before this message (the `before` of the previous answer's
    /// `Link: rel="next"`); without it, the newest page.
    before: Option<Uuid>,
    /// Messages per page, 1 to 200 (default 100; 422 `invalid_query` beyond).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
}

/// A page of a thread's messages, oldest first: the newest ones, or those just before
/// `before`. When there are older ones, the answer's `Link` header names the next page
/// (`rel="next"`), so a thread of any length is read a page at a time.
#[utoipa::path(get, path = "/api/v1/threads/{id}/messages", tag = "threads",
    params(("id" = Uuid, Path), MessagesQuery),
    responses((status = 200, body = [Message]), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_messages(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> ApiResult<Response> {
    let limit = query.limit.unwrap_or(super::MESSAGES_PAGE);
    let page = super::list_messages(&state, &actor, id, query.before, limit).await?;
    let mut response = Json(page.messages).into_response();
    if let Some(older) = page.older {
        let link =
            format!("</api/v1/threads/{id}/messages?before={older}&limit={limit}>; rel=\"next\"");
        if let Ok(value) = axum::http::HeaderValue::from_str(&link) {
            response
                .headers_mut()
                .insert(axum::http::header::LINK, value);
        }
    }
    Ok(response)
}

/// Post a message; `@name` mentions a participant (the part of their email before @).
#[utoipa::path(post, path = "/api/v1/threads/{id}/messages", tag = "threads", params(("id" = Uuid, Path)),
    request_body = MessageBody,
    responses((status = 201, body = Message), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_message(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<MessageBody>,
) -> ApiResult<impl IntoResponse> {
    let message = super::post_message(&state, &actor, id, &input.body).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Edit one's own message within 15 minutes.
#[utoipa::path(patch, path = "/api/v1/messages/{id}", tag = "threads", params(("id" = Uuid, Path)),
    request_body = MessageBody,
    responses((status = 200, body = Message), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn edit_message(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<MessageBody>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        super::edit_message(&state, &actor, id, &input.body).await?,
    ))
}

/// Delete one's own message; a tombstone stays in the thread.
#[utoipa::path(delete, path = "/api/v1/messages/{id}", tag = "threads", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_message(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    super::delete_message(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark the thread read up to a message.
#[utoipa::path(post, path = "/api/v1/threads/{id}/read", tag = "threads", params(("id" = Uuid, Path)),
    request_body = ReadMarker,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ReadMarker>,
) -> ApiResult<StatusCode> {
    super::mark_read(&state, &actor, id, input.message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Attach a file (multipart field `file`): PDF, Office documents or images up to 20 MiB,
/// checked by content.
#[utoipa::path(post, path = "/api/v1/threads/{id}/attachments", tag = "threads", params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 201, body = AttachmentInfo), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_attachment(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<impl IntoResponse> {
    let multipart = multipart.map_err(|e| {
        ApiError::UnsupportedMediaType(format!(
            "Send the file as multipart/form-data: {}",
            e.body_text()
        ))
    })?;
    let upload = attachments::read(multipart).await?;
    let info = attachments::store(&state, &actor, id, upload).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// The file, to participants of its thread.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "threads", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub async fn get_attachment(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let (row, bytes) = attachments::download(&state, &actor, id).await?;
    Ok(attachments::file_response(
        &row.filename,
        &row.content_type,
        bytes,
    ))
}
