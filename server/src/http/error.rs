//! The one error type of the HTTP boundary. The client gets a stable `code` and a message
//! it can act on; the log gets the cause. Nothing internal reaches the client.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::api::AppError;
use app::domain::{ErrorBody, ErrorDetail};

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unprocessable ({code}): {message}")]
    Invalid { code: &'static str, message: String },
    #[error("not signed in")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account disabled")]
    AccountDisabled,
    /// The session was ended by someone else (a revoked role, a disabled account).
    #[error("session ended")]
    SessionEnded { clear_storage: bool },
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("confidentiality pledge not accepted")]
    PledgeRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict ({code}): {message}")]
    Conflict { code: &'static str, message: String },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("database: {0}")]
    Db(sea_orm::DbErr),
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated
            | ApiError::InvalidCredentials
            | ApiError::SessionEnded { .. } => StatusCode::UNAUTHORIZED,
            ApiError::AccountDisabled => StatusCode::FORBIDDEN,
            ApiError::Csrf | ApiError::PledgeRequired | ApiError::Forbidden => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Db(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Invalid { code, .. } | ApiError::Conflict { code, .. } => code,
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::AccountDisabled => "account_disabled",
            ApiError::SessionEnded { .. } => "session_ended",
            ApiError::Csrf => "csrf",
            ApiError::PledgeRequired => "pledge_required",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Db(_) | ApiError::Internal(_) => "internal",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::BadRequest(m) | ApiError::Invalid { message: m, .. } => m.clone(),
            ApiError::Conflict { message, .. } => message.clone(),
            // One wording with the pages' server functions.
            ApiError::Unauthenticated => AppError::Unauthenticated.message(),
            ApiError::InvalidCredentials => "The email address or password is not correct.".into(),
            ApiError::AccountDisabled => {
                "This account has been disabled by a coordinator of your platform.".into()
            }
            ApiError::SessionEnded { .. } => {
                "Your session was ended because your roles changed; sign in again.".into()
            }
            ApiError::Csrf => {
                "This request needs the X-CSRF-Token header with the csrf_token of your session."
                    .into()
            }
            ApiError::PledgeRequired => AppError::PledgeRequired.message(),
            ApiError::Forbidden => AppError::Forbidden.message(),
            ApiError::NotFound => AppError::NotFound.message(),
            ApiError::MethodNotAllowed => "This method is not allowed on this path.".into(),
            ApiError::PayloadTooLarge => "The request body is larger than allowed.".into(),
            ApiError::UnsupportedMediaType(m) => m.clone(),
            ApiError::RateLimited { retry_after_secs } => format!(
                "Too many failed sign-in attempts. Try again in {retry_after_secs} seconds."
            ),
            ApiError::Db(_) | ApiError::Internal(_) => AppError::Internal.message(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.message(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::SessionEnded {
            clear_storage: true,
        } = self
        {
            // A disabled account's device keeps nothing of theirs.
            response.headers_mut().insert(
                HeaderName::from_static(crate::accounts::CLEAR_SITE_DATA.0),
                HeaderValue::from_static(crate::accounts::CLEAR_SITE_DATA.1),
            );
        }
        if let ApiError::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs.max(1)),
            );
        }
        response
    }
}

/// A database error is ours (500), except when it only says that another request won a
/// race for the same row: a unique key taken meanwhile, or (SQLite) the write lock or
/// (PostgreSQL) a serialisation or deadlock victim. Those are the client's to retry, so
/// they answer 409 `edit_conflict` — once, here, for every handler on both databases.
impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        if lost_a_race(&error) {
            tracing::info!(error = %error, "a concurrent write won");
            return ApiError::Conflict {
                code: "edit_conflict",
                message: "Someone changed this at the same moment: load it again and repeat \
                          your change."
                    .into(),
            };
        }
        ApiError::Db(error)
    }
}

/// Whether a database error means "another transaction got there first".
pub fn lost_a_race(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, SqlErr};
    if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        return true;
    }
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = error
    else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(e) = &**e else {
        return false;
    };
    // SQLITE_BUSY (5) and its extended codes, e.g. BUSY_SNAPSHOT (517); PostgreSQL
    // serialization_failure (40001) and deadlock_detected (40P01).
    matches!(
        e.code().as_deref(),
        Some("5" | "261" | "517" | "773" | "40001" | "40P01")
    )
}

/// What the pages' server functions answer: the same decision, status, code and message
/// as the API (`AppError` writes the API's body and sets the status).
impl From<ApiError> for AppError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Unauthenticated
            | ApiError::InvalidCredentials
            | ApiError::SessionEnded { .. } => AppError::Unauthenticated,
            ApiError::PledgeRequired => AppError::PledgeRequired,
            ApiError::NotFound => AppError::NotFound,
            ApiError::Forbidden | ApiError::Csrf | ApiError::AccountDisabled => AppError::Forbidden,
            ApiError::BadRequest(message) => AppError::BadRequest(message),
            ApiError::Invalid { code, message } => AppError::Invalid {
                code: code.into(),
                message,
            },
            ApiError::Conflict { code, message } => AppError::Conflict {
                code: code.into(),
                message,
            },
            // Not answered by a read; still the caller's doing, so never a 500.
            other @ (ApiError::MethodNotAllowed
            | ApiError::PayloadTooLarge
            | ApiError::UnsupportedMediaType(_)
            | ApiError::RateLimited { .. }) => AppError::BadRequest(other.message()),
            other @ (ApiError::Db(_) | ApiError::Internal(_)) => {
                tracing::error!(error = %other, "page data failed");
                AppError::Internal
            }
        }
    }
}
