//! The page side of the server: the sign-in gate in front of the pages, and the plain
//! form posts that make every page work without JavaScript (sign-in, sign-out, pledge,
//! language, invitations). Form posts carry the CSRF token as a hidden field.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use app::domain::{AcceptInvitation, NewInvitation, Role};
use app::i18n::Lang;
use app::layout_support::encode_component;

use crate::accounts::{self, invitations, session_actor, tokens_match};
use crate::http::{ApiError, ApiResult, ClientAddr};
use crate::policy::Actor;
use crate::state::AppState;

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Only same-site paths: an open redirect would let a mail link send people elsewhere.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
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
    email: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    addr: ClientAddr,
    form: Result<Form<SignInForm>, FormRejection>,
) -> ApiResult<Response> {
    let Ok(Form(form)) = form else {
        return Ok(see_other("/sign-in?error=missing"));
    };
    let next = safe_next(form.next.as_deref().filter(|n| !n.is_empty())).to_string();
    let back = |code: &str| {
        see_other(&format!(
            "/sign-in?error={code}&next={}",
            encode_component(&next)
        ))
    };
    let (Some(email), Some(password)) = (form.email, form.password) else {
        return Ok(back("missing"));
    };
    if email.trim().is_empty() || password.is_empty() {
        return Ok(back("missing"));
    }
    match accounts::sign_in(&state, &session, addr, &email, &password).await {
        Ok(created) if !created.pledge.accepted => Ok(see_other("/pledge")),
        Ok(_) => Ok(see_other(&next)),
        Err(ApiError::InvalidCredentials) => Ok(back("invalid")),
        Err(ApiError::RateLimited { .. }) => Ok(back("rate_limited")),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf_token: Option<String>,
    agree: Option<String>,
}

/// The signed-in actor of a form post, if its hidden CSRF field is right.
async fn form_actor(state: &AppState, session: &Session, token: Option<&str>) -> ApiResult<Actor> {
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
    Form(form): Form<CsrfForm>,
) -> ApiResult<Response> {
    match form_actor(&state, &session, form.csrf_token.as_deref()).await {
        Ok(actor) => accounts::sign_out(&state, &session, Some(&actor)).await?,
        // Already signed out (an expired session): nothing to end.
        Err(ApiError::Unauthenticated) => {}
        Err(e) => return Err(e),
    }
    let (name, value) = accounts::CLEAR_SITE_DATA;
    let mut response = see_other("/sign-in?notice=signed_out");
    response
        .headers_mut()
        .insert(name, axum::http::HeaderValue::from_static(value));
    Ok(response)
}

pub async fn pledge(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> ApiResult<Response> {
    let actor = match form_actor(&state, &session, form.csrf_token.as_deref()).await {
        Err(ApiError::Unauthenticated) => return Ok(see_other("/sign-in")),
        other => other?,
    };
    if form.agree.as_deref() != Some("yes") {
        return Ok(see_other("/pledge?error=must_agree"));
    }
    accounts::accept_pledge(&state, &actor).await?;
    Ok(see_other("/"))
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Remembers the language for a year and goes back where the person was.
pub async fn set_language(Path(code): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let lang = Lang::from_code(&code);
    let mut response = see_other(safe_next(q.next.as_deref()));
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        Lang::COOKIE,
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
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
    Form(form): Form<InviteForm>,
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
            let code = if code == "invalid_email" {
                code
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
    Form(form): Form<AcceptForm>,
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

/// The fields of a urlencoded form, repeated keys kept (several `platform_ids`).
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every id given under a repeated field (checkboxes).
fn ids(pairs: &[(String, String)], name: &str) -> Vec<Uuid> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| Uuid::parse_str(v).ok())
        .collect()
}

/// The actor of a form post with the right CSRF field; `None` until the pledge is accepted.
async fn pledged_form_actor(
    state: &AppState,
    session: &Session,
    pairs: &[(String, String)],
) -> ApiResult<Option<Actor>> {
    let actor = form_actor(state, session, field(pairs, "csrf_token")).await?;
    Ok(actor.pledge_accepted().then_some(actor))
}

/// Start a liaison thread from the list page's form.
pub async fn create_thread(
    State(state): State<AppState>,
    session: Session,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let body = field(&pairs, "body")
        .filter(|b| !b.trim().is_empty())
        .map(str::to_string);
    let input = app::domain::NewThread {
        subject: field(&pairs, "subject").unwrap_or_default().to_string(),
        platform_ids: ids(&pairs, "platform_ids"),
        organisation_ids: ids(&pairs, "organisation_ids"),
        body,
    };
    back_or_error(
        crate::threads::create(&state, &actor, input).await,
        |thread| format!("/threads/{}", thread.id),
        "/threads",
    )
}

/// Where a thread form goes next: on success `to(result)`; a refusal the person can mend
/// (bad input, a state that changed meanwhile) back to `page` with `?error=code`, which the
/// page shows translated; anything else is the usual error response.
fn back_or_error<T>(
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

/// Post a message from a thread page's composer.
pub async fn post_message(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let text = field(&pairs, "body").unwrap_or_default();
    back_or_error(
        crate::threads::post_message(&state, &actor, id, text).await,
        |message| format!("/threads/{id}#message-{}", message.id),
        &format!("/threads/{id}"),
    )
}

/// Resolve or reopen a thread from its page (the resolution note comes with resolving).
pub async fn change_thread_state(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let Some(next) = field(&pairs, "state").and_then(app::domain::ThreadState::parse) else {
        return Ok(see_other(&format!("/threads/{id}?error=invalid_state")));
    };
    let patch = app::domain::ThreadPatch {
        state: Some(next),
        resolution_note: field(&pairs, "resolution_note").map(str::to_string),
        ..Default::default()
    };
    let page = format!("/threads/{id}");
    back_or_error(
        crate::threads::patch(&state, &actor, id, patch).await,
        |_| page.clone(),
        &page,
    )
}

/// Change a thread's participants from its page (the checked platforms and organisations).
pub async fn change_participants(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let patch = app::domain::ThreadPatch {
        platform_ids: Some(ids(&pairs, "platform_ids")),
        organisation_ids: Some(ids(&pairs, "organisation_ids")),
        ..Default::default()
    };
    let page = format!("/threads/{id}");
    // Not a participant: not found, like every other door to the thread.
    actor.scope(&state.db).thread(id).await?;
    match crate::threads::patch(&state, &actor, id, patch).await {
        // The person took their own platform out: the thread has left their view.
        Err(ApiError::NotFound) => Ok(see_other("/threads?notice=left_thread")),
        result => back_or_error(result, |_| page.clone(), &page),
    }
}

/// Edit one's own message (within the edit window) from the thread page.
pub async fn edit_message(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let thread_id = crate::threads::thread_of_message(&state, &actor, id).await?;
    let text = field(&pairs, "body").unwrap_or_default();
    back_or_error(
        crate::threads::edit_message(&state, &actor, id, text).await,
        |_| format!("/threads/{thread_id}#message-{id}"),
        &format!("/threads/{thread_id}"),
    )
}

/// Delete one's own message from the thread page; a tombstone stays.
pub async fn delete_message(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let thread_id = crate::threads::thread_of_message(&state, &actor, id).await?;
    back_or_error(
        crate::threads::delete_message(&state, &actor, id).await,
        |_| format!("/threads/{thread_id}#message-{id}"),
        &format!("/threads/{thread_id}"),
    )
}

/// Attach a file from the thread page (multipart; the CSRF field comes before the file).
/// A refused file goes back to the page with the reason's own code.
pub async fn upload_attachment(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    use crate::threads::attachments;
    let page = format!("/threads/{id}");
    // Signed in before a byte of the file is read; the CSRF field is checked once read.
    session_actor(&state, &session)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let Ok(multipart) = multipart else {
        return Ok(see_other(&format!("{page}?error=file_missing")));
    };
    let upload = match attachments::read(multipart).await {
        Ok(upload) => upload,
        Err(ApiError::PayloadTooLarge) => {
            return Ok(see_other(&format!("{page}?error=file_too_large")))
        }
        Err(e) => return Err(e),
    };
    let actor = form_actor(&state, &session, upload.field("csrf_token")).await?;
    if !actor.pledge_accepted() {
        return Ok(see_other("/pledge"));
    }
    if let Some((_, bytes)) = &upload.file {
        if let Err(refusal) = attachments::inspect(bytes) {
            return Ok(see_other(&format!("{page}?error={}", refusal.page_code())));
        }
    }
    back_or_error(
        attachments::store(&state, &actor, id, upload).await,
        |_| format!("{page}#attachments"),
        &page,
    )
}

/// Mark notifications read from the notifications page: one (`id`) or all.
pub async fn read_notifications(
    State(state): State<AppState>,
    session: Session,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    use crate::notifications::{self, Which};
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let which = match field(&pairs, "id").map(Uuid::parse_str) {
        Some(Ok(id)) => Which::One(id),
        Some(Err(_)) => return Err(ApiError::NotFound),
        None => Which::All,
    };
    notifications::mark_read(&state, &actor, which).await?;
    Ok(see_other("/notifications"))
}

/// Every value of a repeated field that parses as `T` (checkboxes).
fn parsed_all<T>(
    pairs: &[(String, String)],
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<T> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| parse(v))
        .collect()
}

/// The drafting form's fields as the API's input; `Err(code)` when a field cannot be read.
fn outreach_form(
    pairs: &[(String, String)],
) -> Result<app::outreach::NewOutreachRequest, &'static str> {
    use app::outreach::{Accommodation, NewOutreachRequest, OutreachKind, Profile, TargetGroup};
    let text = |name: &str| field(pairs, name).unwrap_or_default().to_string();
    let kind = field(pairs, "kind")
        .and_then(OutreachKind::parse)
        .ok_or("invalid_kind")?;
    let deadline = field(pairs, "deadline")
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or("invalid_deadline")?;
    let people = match field(pairs, "people").map(str::trim) {
        None | Some("") => 1,
        Some(n) => n.parse().map_err(|_| "invalid_field")?,
    };
    Ok(NewOutreachRequest {
        kind,
        title: text("title"),
        description: text("description"),
        target_groups: parsed_all(pairs, "target_groups", TargetGroup::parse),
        area: text("area"),
        profile: Profile {
            age_band: text("age_band"),
            desired_work: text("desired_work"),
            hours: text("hours"),
            accommodations: parsed_all(pairs, "accommodations", Accommodation::parse),
            accommodations_note: text("accommodations_note"),
            start: text("start"),
            people,
        },
        deadline,
        organisation_ids: ids(pairs, "organisation_ids"),
        platform_id: field(pairs, "platform_id").and_then(|p| Uuid::parse_str(p).ok()),
    })
}

/// Draft an outreach request from the form.
pub async fn create_outreach(
    State(state): State<AppState>,
    session: Session,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let input = match outreach_form(&pairs) {
        Ok(input) => input,
        Err(code) => return Ok(see_other(&format!("/outreach/new?error={code}"))),
    };
    back_or_error(
        crate::outreach::create(&state, &actor, input).await,
        |request| format!("/outreach/{}", request.id),
        "/outreach/new",
    )
}

/// Edit a draft or returned request from the form.
pub async fn edit_outreach(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let page = format!("/outreach/{id}/edit");
    let input = match outreach_form(&pairs) {
        Ok(input) => input,
        Err(code) => return Ok(see_other(&format!("{page}?error={code}"))),
    };
    let patch = app::outreach::OutreachPatch {
        kind: Some(input.kind),
        title: Some(input.title),
        description: Some(input.description),
        target_groups: Some(input.target_groups),
        area: Some(input.area),
        profile: Some(input.profile),
        deadline: Some(input.deadline),
        organisation_ids: Some(input.organisation_ids),
    };
    back_or_error(
        crate::outreach::patch(&state, &actor, id, patch).await,
        |_| format!("/outreach/{id}"),
        &page,
    )
}

/// Take a step of the workflow from a request's page.
pub async fn outreach_transition(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let page = format!("/outreach/{id}");
    let Some(action) = field(&pairs, "action").and_then(app::outreach::OutreachAction::parse)
    else {
        return Ok(see_other(&format!("{page}?error=invalid_transition")));
    };
    let outcome =
        (action == app::outreach::OutreachAction::Close).then(|| app::outreach::Outcome {
            placements: field(&pairs, "placements")
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(0),
            note: field(&pairs, "outcome_note")
                .unwrap_or_default()
                .to_string(),
        });
    let input = app::outreach::Transition {
        action,
        organisation_ids: Some(ids(&pairs, "organisation_ids")),
        comment: field(&pairs, "comment").map(str::to_string),
        outcome,
    };
    back_or_error(
        crate::outreach::transition(&state, &actor, id, input).await,
        |_| page.clone(),
        &page,
    )
}

/// An organisation's answer from a request's page (up to three companies in the form).
pub async fn outreach_response(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let pairs = form_pairs(&body);
    let Some(actor) = pledged_form_actor(&state, &session, &pairs).await? else {
        return Ok(see_other("/pledge"));
    };
    let all = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (names, sectors, areas) = (
        all("company_name"),
        all("company_sector"),
        all("company_area"),
    );
    let companies = names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.trim().is_empty())
        .map(|(i, name)| app::outreach::Company {
            name: name.clone(),
            sector: sectors.get(i).cloned().unwrap_or_default(),
            area: areas.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let optional = |name: &str| {
        field(&pairs, name)
            .map(str::to_string)
            .filter(|v| !v.trim().is_empty())
    };
    let input = app::outreach::NewResponse {
        body: field(&pairs, "body").unwrap_or_default().to_string(),
        placements_offered: field(&pairs, "placements_offered")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or(0),
        companies,
        conditions: optional("conditions"),
        next_steps: optional("next_steps"),
    };
    let page = format!("/outreach/{id}");
    back_or_error(
        crate::outreach::respond(&state, &actor, id, input).await,
        |_| format!("{page}#responses"),
        &page,
    )
}
