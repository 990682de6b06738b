//! The thread pages' form posts: everything the pages do works without JavaScript. Each
//! handler takes a [`PageForm`] (signed in, CSRF-checked, pledged) and sends a refusal the
//! person can mend back to the page, where it is shown translated.

use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;
use uuid::Uuid;

use crate::accounts::session_actor;
use crate::http::{ApiError, ApiResult};
use crate::state::AppState;
use crate::threads::attachments;
use crate::web::{back_or_error, form_actor, see_other, PageForm};

/// Start a liaison thread from the list page's form.
pub async fn create_thread(State(state): State<AppState>, form: PageForm) -> ApiResult<Response> {
    let actor = &form.actor;
    let body = form.text("body");
    let input = app::threads::NewThread {
        subject: form.field("subject").unwrap_or_default().to_string(),
        platform_ids: form.ids("platform_ids"),
        organisation_ids: form.ids("organisation_ids"),
        body,
    };
    back_or_error(
        crate::threads::create(&state, actor, input).await,
        |thread| format!("/threads/{}", thread.id),
        "/threads",
    )
}

/// Post a message from a thread page's composer.
pub async fn post_message(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let text = form.field("body").unwrap_or_default();
    back_or_error(
        crate::threads::post_message(&state, actor, id, text).await,
        |message| format!("/threads/{id}#message-{}", message.id),
        &format!("/threads/{id}"),
    )
}

/// Resolve or reopen a thread from its page (the resolution note comes with resolving).
pub async fn change_thread_state(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let Some(next) = form
        .field("state")
        .and_then(app::threads::ThreadState::parse)
    else {
        return Ok(see_other(&format!("/threads/{id}?error=invalid_state")));
    };
    let patch = app::threads::ThreadPatch {
        state: Some(next),
        resolution_note: form.field("resolution_note").map(str::to_string),
        ..Default::default()
    };
    let page = format!("/threads/{id}");
    back_or_error(
        crate::threads::patch(&state, actor, id, patch).await,
        |_| page.clone(),
        &page,
    )
}

/// Change a thread's participants from its page (the checked platforms and organisations).
pub async fn change_participants(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let patch = app::threads::ThreadPatch {
        platform_ids: Some(form.ids("platform_ids")),
        organisation_ids: Some(form.ids("organisation_ids")),
        ..Default::default()
    };
    let page = format!("/threads/{id}");
    // Not a participant: not found, like every other door to the thread.
    actor.scope(&state.db).thread(id).await?;
    match crate::threads::patch(&state, actor, id, patch).await {
        // The person took their own platform out: the thread has left their view.
        Err(ApiError::NotFound) => Ok(see_other("/threads?notice=left_thread")),
        result => back_or_error(result, |_| page.clone(), &page),
    }
}

/// Edit one's own message (within the edit window) from the thread page.
pub async fn edit_message(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let thread_id = crate::threads::thread_of_message(&state, actor, id).await?;
    let text = form.field("body").unwrap_or_default();
    back_or_error(
        crate::threads::edit_message(&state, actor, id, text).await,
        |_| format!("/threads/{thread_id}#message-{id}"),
        &format!("/threads/{thread_id}"),
    )
}

/// Delete one's own message from the thread page; a tombstone stays.
pub async fn delete_message(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let thread_id = crate::threads::thread_of_message(&state, actor, id).await?;
    back_or_error(
        crate::threads::delete_message(&state, actor, id).await,
        |_| format!("/threads/{thread_id}#message-{id}"),
        &format!("/threads/{thread_id}"),
    )
}

/// A page's multipart upload, read once the person is known to be signed in (before a
/// byte of the file is read) and checked (CSRF field, pledge, the file's content). A
/// refusal the person can mend is `Err`: the redirect back to `page` saying why.
pub(crate) async fn page_upload(
    state: &AppState,
    session: &Session,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    page: &str,
) -> ApiResult<Result<(crate::policy::Actor, attachments::Upload), Response>> {
    session_actor(state, session)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let Ok(multipart) = multipart else {
        return Ok(Err(see_other(&format!("{page}?error=file_missing"))));
    };
    let upload = match attachments::read(multipart).await {
        Ok(upload) => upload,
        Err(ApiError::PayloadTooLarge) => {
            return Ok(Err(see_other(&format!("{page}?error=file_too_large"))))
        }
        Err(e) => return Err(e),
    };
    let actor = form_actor(state, session, upload.field("csrf_token")).await?;
    if !actor.pledge_accepted() {
        return Ok(Err(see_other("/pledge")));
    }
    if let Some((_, bytes)) = &upload.file {
        if let Err(refusal) = attachments::inspect(bytes) {
            return Ok(Err(see_other(&format!(
                "{page}?error={}",
                refusal.page_code()
            ))));
        }
    }
    Ok(Ok((actor, upload)))
}

/// Attach a file from the thread page (multipart; the CSRF field comes before the file).
pub async fn upload_attachment(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let page = format!("/threads/{id}");
    let (actor, upload) = match page_upload(&state, &session, multipart, &page).await? {
        Ok(ready) => ready,
        Err(back) => return Ok(back),
    };
    back_or_error(
        attachments::store(&state, &actor, id, upload).await,
        |_| format!("{page}#attachments"),
        &page,
    )
}
