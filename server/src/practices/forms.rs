//! The library pages' form posts, all without JavaScript: the editor, 参考にした,
//! comments and featuring. A refusal the person can mend goes back to the page it came
//! from with `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;
use uuid::Uuid;

use app::practices::{NewAdoption, NewGoodPractice, NewPracticeComment};

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, see_other, PageForm};

/// Write a practice from the editor.
pub async fn create_practice(State(state): State<AppState>, form: PageForm) -> ApiResult<Response> {
    let input = NewGoodPractice::from_form(form.pairs());
    back_or_error(
        super::create(&state, &form.actor, input).await,
        |practice| format!("/practices/{}", practice.id),
        "/practices/new",
    )
}

/// Save the editor's changes.
pub async fn edit_practice(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let patch = NewGoodPractice::from_form(form.pairs()).into_patch();
    back_or_error(
        super::patch(&state, &form.actor, id, patch).await,
        |_| format!("/practices/{id}"),
        &format!("/practices/{id}/edit"),
    )
}

/// 参考にした from a practice's page.
pub async fn adopt_practice(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = NewAdoption {
        note: form.field("note").unwrap_or_default().to_string(),
        platform_id: form
            .field("platform_id")
            .and_then(|p| Uuid::parse_str(p).ok()),
    };
    let page = format!("/practices/{id}");
    back_or_error(
        super::adopt(&state, &form.actor, id, input).await,
        |_| page.clone(),
        &page,
    )
}

/// A comment from a practice's page.
pub async fn comment_practice(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = NewPracticeComment {
        body: form.field("body").unwrap_or_default().to_string(),
    };
    let page = format!("/practices/{id}");
    back_or_error(
        super::comment(&state, &form.actor, id, input).await,
        |_| format!("{page}#comments"),
        &page,
    )
}

/// Take one's comment back from a practice's page.
pub async fn delete_practice_comment(
    State(state): State<AppState>,
    Path((id, comment_id)): Path<(Uuid, Uuid)>,
    form: PageForm,
) -> ApiResult<Response> {
    super::delete_comment(&state, &form.actor, id, comment_id).await?;
    Ok(see_other(&format!("/practices/{id}#comments")))
}

/// 周知, or its end, from a practice's page (`on` = true or false).
pub async fn feature_practice(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let on = form.field("on") == Some("true");
    let page = format!("/practices/{id}");
    back_or_error(
        super::feature(&state, &form.actor, id, on).await,
        |_| page.clone(),
        &page,
    )
}

/// Attach a file from a practice's page (multipart; the CSRF field comes before the file).
pub async fn upload_practice_attachment(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let page = format!("/practices/{id}");
    let (actor, upload) =
        match crate::threads::forms::page_upload(&state, &session, multipart, &page).await? {
            Ok(ready) => ready,
            Err(back) => return Ok(back),
        };
    back_or_error(
        super::attachments::store(&state, &actor, id, upload).await,
        |_| format!("{page}#attachments"),
        &page,
    )
}

/// Remove an attachment from a practice's page.
pub async fn delete_practice_attachment(
    State(state): State<AppState>,
    Path((id, attachment_id)): Path<(Uuid, Uuid)>,
    form: PageForm,
) -> ApiResult<Response> {
    super::attachments::remove(&state, &form.actor, id, attachment_id).await?;
    Ok(see_other(&format!("/practices/{id}#attachments")))
}
