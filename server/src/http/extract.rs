//! Extractors that never let bad input become a 500.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::state::AppState;

/// `Json<T>` whose rejections are the API's error shape with a message a person can act on.
/// Every string and key of the body passes the boundary check
/// ([`super::boundary::check_json`]) before the typed value is made, so no field of any
/// type can carry a control or bidi character, listed anywhere or not.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "Send the body as JSON with `Content-Type: application/json`.".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest(format!("The body could not be read: {}", e.body_text()))
                }
            })?;
        let value = super::boundary::parse_json(&bytes)?;
        super::boundary::check_json(&value)?;
        serde_path_to_error::deserialize::<_, T>(value)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = if path == "." {
                    format!("Failed to deserialize the JSON body into the target type: {inner}")
                } else {
                    format!(
                        "Failed to deserialize the JSON body into the target type: {path}: {inner}"
                    )
                };
                ApiError::invalid("invalid_field", message)
            })
    }
}

/// `Form<T>` for the pages' plain form posts: every field name and value passes the
/// boundary check ([`super::boundary::check_pairs`]) first; an unreadable body is 400.
pub struct ApiForm<T>(pub T);

impl<S, T> FromRequest<S> for ApiForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = form_body(req, state).await?;
        super::boundary::check_pairs(
            &form_urlencoded::parse(&bytes)
                .into_owned()
                .collect::<Vec<_>>(),
        )?;
        let fields = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize::<_, T>(fields)
            .map(ApiForm)
            .map_err(|e| ApiError::invalid("invalid_field", format!("{}: {}", e.path(), e.inner())))
    }
}

async fn form_body<S: Send + Sync>(req: Request, state: &S) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(format!("The form could not be read: {}", e.body_text()))
            }
        })
}

/// The fields of a urlencoded body (repeated names kept, in order), checked at the
/// boundary.
pub async fn form_fields<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<Vec<(String, String)>, ApiError> {
    let bytes = form_body(req, state).await?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    super::boundary::check_pairs(&pairs)?;
    Ok(pairs)
}

/// `application/json` or any `application/*+json`, as axum's own `Json` asks.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            || subtype
                .rsplit_once('+')
                .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json")))
}

/// `Query<T>` whose rejections are 422 `invalid_query` with the reason. The characters of
/// every parameter were already checked for every address ([`super::boundary::check_address`]).
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::invalid("invalid_query", rejection.body_text())),
        }
    }
}

/// The client's address: the socket peer, or behind a trusted reverse proxy the last
/// `X-Forwarded-For` entry (the one the proxy itself appended).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(client_addr(parts, state.config.trust_proxy))
    }
}

pub fn client_addr(parts: &Parts, trust_proxy: bool) -> ClientAddr {
    if trust_proxy {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ClientAddr(ip);
        }
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    ClientAddr(peer)
}

/// `Path<T>` whose rejections (an id that is not a UUID, bytes that are not UTF-8) are
/// the API's error shape.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(ApiError::BadRequest(format!(
                "The address is not valid: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// Percent-encodes for RFC 5987 header parameters (`filename*=UTF-8''...`).
pub fn percent_encode(text: &str) -> String {
    app::layout_support::encode_component(text).replace('/', "%2F")
}
