//! `Idempotency-Key` on every unsafe API call: a repeat with the same key by the same user
//! gets the first response (status and body) and has no second effect; the same key with
//! another request is 422 `idempotency_mismatch`. The key is claimed before the handler
//! runs, so two copies racing each other cannot both run. Keys are kept for 48 hours.
//!
//! A claim is a lease, not a lock for ever: the attempt that holds it renews it every few
//! seconds while it runs; a claim not renewed for [`LEASE_SECS`] belongs to an attempt
//! that died (the process was killed mid-write) and the next retry takes it over, in one
//! conditional UPDATE so that of two retries only one does. Until then a copy answers 409
//! `idempotency_in_progress`.
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
use sea_orm::sea_query::Expr;
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
/// How long an in-progress claim lasts without its attempt renewing it.
pub const LEASE_SECS: i64 = 60;
/// How often a running attempt renews its claim (well inside the lease).
const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// The fingerprint of a keyed request: method, path, query and body. A repeat must match.
pub fn request_hash(method: &Method, uri: &axum::http::Uri, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(uri.path().as_bytes());
    hasher.update(b"?");
    hasher.update(uri.query().unwrap_or_default().as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hex::encode(hasher.finalize())
}

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
    let request_hash = request_hash(&parts.method, &parts.uri, &bytes);

    let existing = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key.as_str()))
        .one(&state.db)
        .await?;
    let claim = match existing {
        Some(existing) => match take_over(state, existing, &request_hash).await? {
            Ok(claim) => claim,
            Err(answer) => return answer,
        },
        None => match new_claim(state, user_id, &key, &request_hash).await? {
            Ok(claim) => claim,
            Err(answer) => return answer,
        },
    };

    // Renew the lease while the handler runs; a process that dies stops renewing, and so
    // does an attempt that ends in any way (the guard's drop, a panic included).
    let _renewing = {
        let db = state.db.clone();
        let id = claim.id;
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(RENEW_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                let renewed = idempotency_key::Entity::update_many()
                    .col_expr(idempotency_key::Column::CreatedAt, Expr::value(Utc::now()))
                    .filter(idempotency_key::Column::Id.eq(id))
                    .filter(idempotency_key::Column::Status.is_null())
                    .exec(&db)
                    .await;
                if let Err(e) = renewed {
                    tracing::warn!(error = %e, "could not renew an idempotency claim");
                }
            }
        });
        AbortOnDrop(task)
    };
    run(state, parts, bytes, next, claim).await
}

/// Stops a background task when the attempt it serves ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A claim another attempt made: the stored answer, 409 while its attempt is alive, or
/// (its lease run out) ours, taken over atomically.
async fn take_over(
    state: &AppState,
    existing: idempotency_key::Model,
    request_hash: &str,
) -> Result<Result<idempotency_key::Model, Result<Response, ApiError>>, ApiError> {
    let now = Utc::now();
    let lapsed = now - Duration::seconds(LEASE_SECS);
    if existing.request_hash != request_hash
        || existing.status.is_some()
        || existing.created_at >= lapsed
    {
        return Ok(Err(replay(existing, request_hash)));
    }
    let taken = idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::CreatedAt, Expr::value(now))
        .filter(idempotency_key::Column::Id.eq(existing.id))
        .filter(idempotency_key::Column::Status.is_null())
        .filter(idempotency_key::Column::CreatedAt.lt(lapsed))
        .exec(&state.db)
        .await?
        .rows_affected;
    if taken == 1 {
        tracing::info!(key = %existing.key, "took over an idempotency claim whose lease ran out");
        return Ok(Ok(idempotency_key::Model {
            created_at: now,
            ..existing
        }));
    }
    // Another retry took it over first: answer as it will.
    let current = idempotency_key::Entity::find_by_id(existing.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::Internal("idempotency key vanished".into()))?;
    Ok(Err(replay(current, request_hash)))
}

async fn new_claim(
    state: &AppState,
    user_id: Uuid,
    key: &str,
    request_hash: &str,
) -> Result<Result<idempotency_key::Model, Result<Response, ApiError>>, ApiError> {
    let claim = idempotency_key::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        key: Set(key.to_string()),
        request_hash: Set(request_hash.to_string()),
        status: Set(None),
        response_body: Set(None),
        content_type: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await;
    match claim {
        Ok(claim) => Ok(Ok(claim)),
        // Someone claimed it between our look and our claim: answer as they will.
        Err(_) => {
            let existing = idempotency_key::Entity::find()
                .filter(idempotency_key::Column::UserId.eq(user_id))
                .filter(idempotency_key::Column::Key.eq(key))
                .one(&state.db)
                .await?
                .ok_or_else(|| ApiError::Internal("idempotency key vanished".into()))?;
            Ok(Err(replay(existing, request_hash)))
        }
    }
}

/// Runs the handler under our claim and stores its answer (or frees the key on a 5xx).
async fn run(
    state: &AppState,
    parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
    next: Next,
    claim: idempotency_key::Model,
) -> Result<Response, ApiError> {
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
