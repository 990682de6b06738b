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
    Db(#[from] sea_orm::DbErr),
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
            ApiError::Unauthenticated => "Sign in first (POST /api/v1/session).".into(),
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
            ApiError::PledgeRequired => {
                "Accept the confidentiality pledge first (POST /api/v1/me/pledge).".into()
            }
            ApiError::Forbidden => "Your role does not allow this.".into(),
            ApiError::NotFound => "There is nothing here, or you may not see it.".into(),
            ApiError::MethodNotAllowed => "This method is not allowed on this path.".into(),
            ApiError::PayloadTooLarge => "The request body is larger than allowed.".into(),
            ApiError::UnsupportedMediaType(m) => m.clone(),
            ApiError::RateLimited { retry_after_secs } => format!(
                "Too many failed sign-in attempts. Try again in {retry_after_secs} seconds."
            ),
            ApiError::Db(_) | ApiError::Internal(_) => {
                "Something went wrong on our side; nothing was changed. Please try again.".into()
            }
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

/// What the pages are told: the same decisions, in the page's own terms.
impl From<ApiError> for AppError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Unauthenticated | ApiError::SessionEnded { .. } => AppError::Unauthenticated,
            ApiError::PledgeRequired => AppError::PledgeRequired,
            ApiError::NotFound => AppError::NotFound,
            ApiError::Forbidden | ApiError::Csrf => AppError::Forbidden,
            other => {
                if other.status().is_server_error() {
                    tracing::error!(error = %other, "page data failed");
                }
                AppError::Internal
            }
        }
    }
}
