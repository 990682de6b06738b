//! The page side of the server: the sign-in gate in front of the pages, the plain form
//! posts of the account pages (sign-in, sign-out, pledge, language, invitations), and
//! what every feature's form handlers share ([`PageForm`], [`back_or_error`]). Form posts
//! carry the CSRF token as a hidden field.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use app::domain::{AcceptInvitation, NewInvitation, Role};
use app::i18n::Lang;
use app::layout_support::encode_component;

use crate::accounts::{self, invitations, session_actor, tokens_match};
use crate::http::{ApiError, ApiForm, ApiQuery, ApiResult, ClientAddr};
use crate::policy::Actor;
use crate::state::AppState;

/// 303 to a path of this site. `to` is built by the server (a page, a code, an id), or
/// is a `next` that went through [`safe_next`]; whatever it holds, the header is built
/// from it percent-encoded, so a redirect can never fail (or carry a raw line break).
pub fn see_other(to: &str) -> Response {
    /// Everything a `Location` may not carry raw: controls, space, non-ASCII, and the
    /// characters that are never literal in a URL.
    const LOCATION: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let encoded = percent_encoding::utf8_percent_encode(to, LOCATION).to_string();
    let location =
        HeaderValue::from_str(&encoded).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Only this site: `next` is resolved against the site's own origin (as a browser would,
/// so tabs and line breaks are dropped and `/\\evil`, `//evil` or `/\t/evil` name another
/// host), and kept only when the result is on the same origin; then its path, query and
/// fragment are the target. Anything else is `/`. An open redirect would let a mail
/// link send people elsewhere.
pub fn safe_next(state: &AppState, next: Option<&str>) -> String {
    let Some(next) = next.filter(|n| !n.is_empty()) else {
        return "/".into();
    };
    let Ok(origin) = url::Url::parse(&state.config.public_url) else {
        return "/".into();
    };
    // Only a path of this site: an absolute URL, even to this origin, is not a `next`.
    if !next.starts_with('/') {
        return "/".into();
    }
    match origin.join(next) {
        Ok(target) if target.origin() == origin.origin() => {
            let mut out = target.path().to_string();
            if let Some(q) = target.query() {
                out.push('?');
                out.push_str(q);
            }
            if let Some(f) = target.fragment() {
                out.push('#');
                out.push_str(f);
            }
            if out.starts_with("//") || out.starts_with("/\\") {
                "/".into()
            } else {
                out
            }
        }
        _ => "/".into(),
    }
}

/// Pages need a signed-in user who has accepted the pledge; the sign-in and invitation
/// pages do not. Server functions answer for themselves (they return errors, not pages).
pub async fn page_gate(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let public =
        path == "/sign-in" || path.starts_with("/invitations/") || path.starts_with("/sfn/");
    if public || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let actor = match session_actor(&state, &session).await {
        Ok(actor) => actor,
        // Ended by a coordinator: to the sign-in page, saying why; a disabled account's
        // browser also drops its store.
        Err(ApiError::SessionEnded { clear_storage }) => {
            let mut response = see_other("/sign-in?notice=session_ended");
            if clear_storage {
                let (name, value) = accounts::CLEAR_SITE_DATA;
                response
                    .headers_mut()
                    .insert(name, HeaderValue::from_static(value));
            }
            return response;
        }
        Err(e) => return e.into_response(),
    };
    match actor {
        None => {
            let back = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            see_other(&format!("/sign-in?next={}", encode_component(&back)))
        }
        Some(actor) if !actor.pledge_accepted() && path != "/pledge" => see_other("/pledge"),
        Some(actor) if actor.pledge_accepted() && path == "/pledge" => see_other("/"),
        Some(_) => next.run(request).await,
    }
}

/// `/`: the home page of the user's first platform (the prefectural one first).
pub async fn root(State(state): State<AppState>, session: Session) -> ApiResult<Response> {
    let Some(actor) = session_actor(&state, &session).await? else {
        return Ok(see_other("/sign-in"));
    };
    if !actor.pledge_accepted() {
        return Ok(see_other("/pledge"));
    }
    let platforms = actor.scope(&state.db).my_platforms().await?;
    Ok(match platforms.first() {
        Some(p) => see_other(&format!("/p/{}", p.slug)),
        None => (
            StatusCode::FORBIDDEN,
            "No platform role has been given to this account yet.",
        )
            .into_response(),
    })
}

#[derive(Deserialize)]
pub struct SignInForm {
    csrf_token: Option<String>,
    email: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

/// Where the sign-in form's token is kept: in the visitor's session, before anyone has
/// signed in (login CSRF: another site must not be able to sign a browser in as someone
/// else). Removed once the sign-in succeeds.
const SESSION_SIGN_IN_CSRF: &str = "sign_in_csrf";

/// The sign-in form's token of this browser's session, made on first ask. The sign-in
/// page carries it as the hidden `csrf_token` field.
pub async fn sign_in_token(session: &Session) -> ApiResult<String> {
    let kept: Option<String> = session
        .get(SESSION_SIGN_IN_CSRF)
        .await
        .map_err(accounts::session_error)?;
    if let Some(token) = kept.filter(|t| !t.is_empty()) {
        return Ok(token);
    }
    let token = {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
    };
    session
        .insert(SESSION_SIGN_IN_CSRF, token.clone())
        .await
        .map_err(accounts::session_error)?;
    Ok(token)
}

/// The sign-in form. Its `csrf_token` must be the one the sign-in page gave this browser
/// ([`sign_in_token`]); a post without it (from another site, or from a page kept open
/// past the session) goes back to the sign-in page with `error=expired`, which then
/// carries a fresh token. Nobody is signed in by it.
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    addr: ClientAddr,
    ApiForm(form): ApiForm<SignInForm>,
) -> ApiResult<Response> {
    let next = safe_next(&state, form.next.as_deref());
    let back = |code: &str| {
        see_other(&format!(
            "/sign-in?error={code}&next={}",
            encode_component(&next)
        ))
    };
    let expected: Option<String> = session
        .get(SESSION_SIGN_IN_CSRF)
        .await
        .map_err(accounts::session_error)?;
    if !tokens_match(
        expected.as_deref().unwrap_or_default(),
        form.csrf_token.as_deref().unwrap_or_default(),
    ) {
        return Ok(back("expired"));
    }
    let (Some(email), Some(password)) = (form.email, form.password) else {
        return Ok(back("missing"));
    };
    if email.trim().is_empty() || password.is_empty() {
        return Ok(back("missing"));
    }
    let created = match accounts::sign_in(&state, &session, addr, &email, &password).await {
        Ok(created) => created,
        Err(ApiError::InvalidCredentials) => return Ok(back("invalid")),
        Err(ApiError::RateLimited { .. }) => return Ok(back("rate_limited")),
        Err(ApiError::AccountDisabled) => return Ok(back("account_disabled")),
        Err(e) => return Err(e),
    };
    session
        .remove::<String>(SESSION_SIGN_IN_CSRF)
        .await
        .map_err(accounts::session_error)?;
    if created.pledge.accepted {
        Ok(see_other(&next))
    } else {
        Ok(see_other("/pledge"))
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf_token: Option<String>,
}

/// The signed-in actor of a form post, if its hidden CSRF field is right.
pub(crate) async fn form_actor(
    state: &AppState,
    session: &Session,
    token: Option<&str>,
) -> ApiResult<Actor> {
    let actor = session_actor(state, session)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !tokens_match(&actor.csrf_token, token.unwrap_or_default()) {
        return Err(ApiError::Csrf);
    }
    Ok(actor)
}

pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    ApiForm(form): ApiForm<CsrfForm>,
) -> ApiResult<Response> {
    match form_actor(&state, &session, form.csrf_token.as_deref()).await {
        Ok(actor) => accounts::sign_out(&state, &session, Some(&actor)).await?,
        // Already signed out (an expired or ended session): nothing to end.
        Err(ApiError::Unauthenticated | ApiError::SessionEnded { .. }) => {}
        Err(e) => return Err(e),
    }
    let (name, value) = accounts::CLEAR_SITE_DATA;
    let mut response = see_other("/sign-in?notice=signed_out");
    response
        .headers_mut()
        .insert(name, axum::http::HeaderValue::from_static(value));
    Ok(response)
}

/// The pledge page's form: the box ticked, and `pledge` once for each network version the
/// page showed (only those are accepted; one saved meanwhile brings the page back).
pub async fn pledge(
    State(state): State<AppState>,
    session: Session,
    ApiForm(fields): ApiForm<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let actor = match form_actor(&state, &session, field("csrf_token")).await {
        Err(ApiError::Unauthenticated) => return Ok(see_other("/sign-in")),
        other => other?,
    };
    if field("agree") != Some("yes") {
        return Ok(see_other("/pledge?error=must_agree"));
    }
    let shown = fields
        .iter()
        .filter(|(k, _)| k == "pledge")
        .filter_map(|(_, v)| Uuid::parse_str(v).ok())
        .collect();
    let pledge = accounts::accept_pledge(&state, &actor, Some(shown)).await?;
    Ok(see_other(if pledge.accepted { "/" } else { "/pledge" }))
}

/// The longest `next` a page address may carry, in characters.
pub const MAX_NEXT_CHARS: usize = 2000;

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Remembers the language for a year and goes back where the person was (`next`, a path
/// of this site of at most [`MAX_NEXT_CHARS`] characters; 422 beyond it).
pub async fn set_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<NextQuery>,
) -> ApiResult<Response> {
    let lang = Lang::from_code(&code);
    let next = q.next.as_deref().unwrap_or_default();
    crate::http::input::bounded_query("next", next, MAX_NEXT_CHARS)?;
    let mut response = see_other(&safe_next(&state, Some(next)));
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        Lang::COOKIE,
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct InviteForm {
    csrf_token: Option<String>,
    email: Option<String>,
    role: Option<String>,
    organisation_id: Option<String>,
}

pub async fn create_invitation(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
    ApiForm(form): ApiForm<InviteForm>,
) -> ApiResult<Response> {
    let actor = form_actor(&state, &session, form.csrf_token.as_deref()).await?;
    if !actor.pledge_accepted() {
        return Ok(see_other("/pledge"));
    }
    let platform = actor.scope(&state.db).platform_by_slug(&slug).await?;
    let page = format!("/p/{}/invitations", platform.slug);
    let role = form.role.as_deref().and_then(Role::parse);
    let organisation_id = form
        .organisation_id
        .as_deref()
        .and_then(|s| Uuid::parse_str(s).ok());
    let (Some(role), Some(organisation_id)) = (role, organisation_id) else {
        return Ok(see_other(&format!("{page}?error=failed")));
    };
    let input = NewInvitation {
        email: form.email.unwrap_or_default(),
        role,
        organisation_id,
    };
    match invitations::create(&state, &actor, platform.id, input).await {
        Ok(created) => {
            let token = created.accept_path.trim_start_matches("/invitations/");
            Ok(see_other(&format!("{page}?created={token}")))
        }
        Err(ApiError::Invalid { code, .. }) => {
            // The address refused for its characters (`invalid_field`) or its shape.
            let code = if code == "invalid_email" || code == "invalid_field" {
                "invalid_email"
            } else {
                "failed"
            };
            Ok(see_other(&format!("{page}?error={code}")))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct AcceptForm {
    display_name: Option<String>,
    password: Option<String>,
    password_confirm: Option<String>,
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiForm(form): ApiForm<AcceptForm>,
) -> ApiResult<Response> {
    let page = format!("/invitations/{token}");
    let password = form.password.unwrap_or_default();
    if form
        .password_confirm
        .as_deref()
        .is_some_and(|c| c != password)
    {
        return Ok(see_other(&format!("{page}?error=passwords_differ")));
    }
    let input = AcceptInvitation {
        display_name: form.display_name.unwrap_or_default(),
        password,
    };
    match invitations::accept(&state, &token, input).await {
        Ok(()) => Ok(see_other("/sign-in?notice=invited")),
        Err(ApiError::Invalid { code, .. }) => Ok(see_other(&format!("{page}?error={code}"))),
        Err(ApiError::NotFound) => Ok(see_other(&format!("{page}?error=invalid"))),
        Err(e) => Err(e),
    }
}

/// A page's form post (urlencoded): its fields, and the signed-in person who sent it
/// with their CSRF token. Wrong or missing token: 403; not signed in: 401; the pledge
/// not yet accepted: to the pledge page. The feature modules' form handlers take this.
pub struct PageForm {
    pub actor: Actor,
    pairs: Vec<(String, String)>,
}

impl PageForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value given under a repeated field (checkboxes, rows).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every id given under a repeated field.
    pub fn ids(&self, name: &str) -> Vec<Uuid> {
        self.all(name)
            .into_iter()
            .filter_map(|v| Uuid::parse_str(v).ok())
            .collect()
    }

    /// Every field as sent, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// A field that is there and not blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.field(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string)
    }
}

impl axum::extract::FromRequest<AppState> for PageForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        // Repeated names kept (several `platform_ids`); every field checked at the boundary.
        let pairs = crate::http::extract::form_fields(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.as_str());
        let actor = form_actor(state, &session, token)
            .await
            .map_err(IntoResponse::into_response)?;
        if !actor.pledge_accepted() {
            return Err(see_other("/pledge"));
        }
        Ok(PageForm { actor, pairs })
    }
}

/// Where a page form goes next: on success `to(result)`; a refusal the person can mend
/// (bad input, a state that changed meanwhile) back to `page` with `?error=code`, which the
/// page shows translated; anything else is the usual error response.
pub fn back_or_error<T>(
    result: ApiResult<T>,
    to: impl FnOnce(T) -> String,
    page: &str,
) -> ApiResult<Response> {
    match result {
        Ok(done) => Ok(see_other(&to(done))),
        Err(ApiError::Invalid { code, .. } | ApiError::Conflict { code, .. }) => {
            Ok(see_other(&format!("{page}?error={code}")))
        }
        Err(e) => Err(e),
    }
}
