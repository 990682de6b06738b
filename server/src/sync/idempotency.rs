//! `Idempotency-Key` on every unsafe API call: a repeat with the same key by the same user
//! gets the first response (status and body) and has no second effect; the same key with
//! another request is 422 `idempotency_mismatch`. The key is claimed before the handler
//! runs, so two copies racing each other cannot both run. Keys are kept for 48 hours.
//!
//! No secret is kept at rest in clear: an answer that carries one (an invitation link, a
//! CSRF token) is marked [`CarriesSecret`] by its handler (through [`SecretJson`]), and
//! only its status is stored, never its body. A repeat of such a call has still had its
//! effect once; it answers 409 `idempotency_answer_withheld`, since the secret cannot be
//! sent again (the invitation list shows what was made; a new link needs a new call).

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tower_sessions::Session;
use uuid::Uuid;

use crate::accounts::SESSION_USER;
use crate::entities::idempotency_key;
use crate::http::ApiError;
use crate::startup::API_BODY_LIMIT;
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";
pub const KEEP_HOURS: i64 = 48;

/// A response extension: the body carries a secret, so the idempotency layer stores the
/// status only (see the module's documentation).
#[derive(Debug, Clone, Copy)]
pub struct CarriesSecret;

/// A JSON answer that carries a secret (an invitation token, a CSRF token): sent to the
/// caller once and never stored by the idempotency layer.
pub struct SecretJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for SecretJson<T> {
    fn into_response(self) -> Response {
        let mut response = axum::Json(self.0).into_response();
        response.extensions_mut().insert(CarriesSecret);
        response
    }
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(raw_key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    let key = match raw_key
        .to_str()
        .ok()
        .and_then(|k| Uuid::parse_str(k.trim()).ok())
    {
        Some(key) => key.to_string(),
        None => {
            return ApiError::BadRequest("`Idempotency-Key` must be a UUID.".into()).into_response()
        }
    };
    // Keys are per user; a call made without signing in (sign-in itself) is not keyed.
    let user_id: Option<Uuid> = match request.extensions().get::<Session>() {
        Some(session) => session.get(SESSION_USER).await.ok().flatten(),
        None => None,
    };
    let Some(user_id) = user_id else {
        return next.run(request).await;
    };
    // Once a key is claimed the write must run to the end and store its answer, even if
    // the client goes away meanwhile (a dropped connection, a browser going offline):
    // otherwise the key stays "in progress" and every retry of that write gets 409. So
    // the keyed call runs in its own task, which a disconnect does not cancel.
    let task = tokio::spawn(async move { keyed(&state, request, next, user_id, key).await });
    match task.await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError::Internal(format!("a keyed write failed: {e}")).into_response(),
    }
}

async fn keyed(
    state: &AppState,
    request: Request,
    next: Next,
    user_id: Uuid,
    key: String,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    // Uploads are the largest bodies an unsafe call carries.
    let bytes = to_bytes(
        body,
        crate::threads::attachments::MAX_BYTES + API_BODY_LIMIT,
    )
    .await
    .map_err(|_| ApiError::PayloadTooLarge)?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(parts.uri.path().as_bytes());
    hasher.update(b"?");
    hasher.update(parts.uri.query().unwrap_or_default().as_bytes());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let request_hash = hex::encode(hasher.finalize());

    let existing = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key.as_str()))
        .one(&state.db)
        .await?;
    if let Some(existing) = existing {
        return replay(existing, &request_hash);
    }
    let claim = idempotency_key::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        key: Set(key.clone()),
        request_hash: Set(request_hash.clone()),
        status: Set(None),
        response_body: Set(None),
        content_type: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await;
    let claim = match claim {
        Ok(claim) => claim,
        // Someone claimed it between our look and our claim: answer as they will.
        Err(_) => {
            let existing = idempotency_key::Entity::find()
                .filter(idempotency_key::Column::UserId.eq(user_id))
                .filter(idempotency_key::Column::Key.eq(key.as_str()))
                .one(&state.db)
                .await?
                .ok_or_else(|| ApiError::Internal("idempotency key vanished".into()))?;
            return replay(existing, &request_hash);
        }
    };

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (mut head, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX)
        .await
        .map_err(|e| ApiError::Internal(format!("reading the response: {e}")))?;
    if head.status.is_server_error() {
        // Nothing was done (handlers roll back): let a retry run again.
        idempotency_key::Entity::delete_by_id(claim.id)
            .exec(&state.db)
            .await?;
    } else {
        let content_type = head
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // A secret is not kept: the status only, and no body to replay.
        let withheld = head.extensions.get::<CarriesSecret>().is_some();
        let mut done: idempotency_key::ActiveModel = claim.into();
        done.status = Set(Some(head.status.as_u16() as i32));
        done.response_body = Set((!withheld).then(|| String::from_utf8_lossy(&body).into_owned()));
        done.content_type = Set(content_type.filter(|_| !withheld));
        done.update(&state.db).await?;
    }
    head.headers.remove(header::CONTENT_LENGTH);
    Ok(Response::from_parts(head, Body::from(body)))
}

fn replay(existing: idempotency_key::Model, request_hash: &str) -> Result<Response, ApiError> {
    if existing.request_hash != request_hash {
        return Err(ApiError::invalid(
            "idempotency_mismatch",
            "This Idempotency-Key was used for a different request; use a new key.",
        ));
    }
    let Some(status) = existing.status else {
        return Err(ApiError::Conflict {
            code: "idempotency_in_progress",
            message: "The first request with this Idempotency-Key is still running; retry shortly."
                .into(),
        });
    };
    let status = StatusCode::from_u16(status as u16)
        .map_err(|e| ApiError::Internal(format!("stored status: {e}")))?;
    // A finished call without a stored body answered with a secret (`CarriesSecret`).
    let Some(body) = existing.response_body else {
        return Err(ApiError::Conflict {
            code: "idempotency_answer_withheld",
            message: format!(
                "The first request with this Idempotency-Key was done (status {}); its answer \
                 carried a secret that is not kept, so it is not sent again. Look up the \
                 outcome, or make a new request with a new key.",
                status.as_u16()
            ),
        });
    };
    let mut response = (status, body).into_response();
    if let Some(ct) = existing
        .content_type
        .and_then(|ct| HeaderValue::from_str(&ct).ok())
    {
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

/// Forgets keys older than [`KEEP_HOURS`]; run periodically by `serve`.
pub async fn delete_old(db: &sea_orm::DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let result = idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(Utc::now() - Duration::hours(KEEP_HOURS)))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
