//! `/api/v1/practices`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

use app::domain::ErrorBody;
use app::practices::{
    GoodPractice, GoodPracticePatch, NewAdoption, NewGoodPractice, NewPracticeComment,
    PracticeAttachment, PracticeComment, PracticeFilter, PracticeSearch, PracticeVersion,
};

use crate::accounts::Authorized;
use crate::http::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
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
        .route("/practices/{id}/versions", get(practice_versions))
        .route(
            "/practices/{id}/attachments",
            post(upload_attachment).layer(axum::extract::DefaultBodyLimit::max(
                crate::threads::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/practices/{id}/attachments/{attachment_id}",
            get(get_attachment).delete(delete_attachment),
        )
        .route(
            "/practices/{id}/comments",
            get(list_comments).post(create_comment),
        )
        .route(
            "/practices/{id}/comments/{comment_id}",
            axum::routing::delete(delete_comment),
        )
}

/// Search the library: the practices the caller may read that match every filter, best
/// first (featured first, then the most recent, without words), 20 a page, with the
/// facet counts of the whole result and, when nothing matched, what dropping each filter
/// would find.
#[utoipa::path(get, path = "/api/v1/practices", tag = "practices", params(PracticeFilter),
    responses((status = 200, body = PracticeSearch), (status = 422, body = ErrorBody)))]
pub async fn list_practices(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiQuery(filter): ApiQuery<PracticeFilter>,
) -> ApiResult<Json<PracticeSearch>> {
    Ok(Json(super::search::search(&state, &actor, filter).await?))
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

/// Who changed what: the version history, newest first.
#[utoipa::path(get, path = "/api/v1/practices/{id}/versions", tag = "practices",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = [PracticeVersion]), (status = 404, body = ErrorBody)))]
pub async fn practice_versions(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<PracticeVersion>>> {
    Ok(Json(super::versions(&state, &actor, id).await?))
}

#[utoipa::path(get, path = "/api/v1/practices/{id}/comments", tag = "practices",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = [PracticeComment]), (status = 404, body = ErrorBody)))]
pub async fn list_comments(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<PracticeComment>>> {
    Ok(Json(super::comments(&state, &actor, id).await?))
}

/// Comment on a practice (anyone who may read it).
#[utoipa::path(post, path = "/api/v1/practices/{id}/comments", tag = "practices",
    params(("id" = Uuid, Path)), request_body = NewPracticeComment,
    responses((status = 201, body = PracticeComment), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_comment(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<NewPracticeComment>,
) -> ApiResult<impl IntoResponse> {
    let comment = super::comment(&state, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

/// Take back one's own comment.
#[utoipa::path(delete, path = "/api/v1/practices/{id}/comments/{comment_id}", tag = "practices",
    params(("id" = Uuid, Path), ("comment_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_comment(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, comment_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    super::delete_comment(&state, &actor, id, comment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Attach a file (multipart field `file`; the author platform's writers): PDF, Office
/// documents or images up to 20 MiB, checked by content as in liaison threads.
#[utoipa::path(post, path = "/api/v1/practices/{id}/attachments", tag = "practices",
    params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 201, body = PracticeAttachment), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn upload_attachment(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<impl IntoResponse> {
    let multipart = multipart.map_err(|e| {
        ApiError::UnsupportedMediaType(format!(
            "Send the file as multipart/form-data: {}",
            e.body_text()
        ))
    })?;
    let upload = crate::threads::attachments::read(multipart).await?;
    let file = super::attachments::store(&state, &actor, id, upload).await?;
    Ok((StatusCode::CREATED, Json(file)))
}

/// The file, to whoever may read the practice.
#[utoipa::path(get, path = "/api/v1/practices/{id}/attachments/{attachment_id}", tag = "practices",
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub async fn get_attachment(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, attachment_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<axum::response::Response> {
    let (row, bytes) = super::attachments::download(&state, &actor, id, attachment_id).await?;
    Ok(crate::threads::attachments::file_response(
        &row.filename,
        &row.content_type,
        bytes,
    ))
}

/// Remove an attachment (the author platform's writers).
#[utoipa::path(delete, path = "/api/v1/practices/{id}/attachments/{attachment_id}", tag = "practices",
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_attachment(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath((id, attachment_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    super::attachments::remove(&state, &actor, id, attachment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
