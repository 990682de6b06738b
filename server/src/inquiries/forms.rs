//! The inquiry pages' form posts, all without JavaScript. A refusal the person can mend
//! goes back to the page it came from with `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use app::inquiries::{AcceptAnswer, AnswerInput, NewInquiry, ReturnAnswer};

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, PageForm};

fn version(form: &PageForm) -> u32 {
    form.field("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Draft an inquiry from the form.
pub async fn create_inquiry(State(state): State<AppState>, form: PageForm) -> ApiResult<Response> {
    let input = NewInquiry::from_form(form.pairs());
    back_or_error(
        super::create(&state, &form.actor, input).await,
        |inquiry| format!("/inquiries/{}?saved=1", inquiry.id),
        "/inquiries/new",
    )
}

/// Send, withdraw, remind or delete, from the inquiry's page (`action`).
pub async fn manage_inquiry(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let page = format!("/inquiries/{id}");
    let actor = &form.actor;
    match form.field("action").unwrap_or_default() {
        "send" => back_or_error(
            super::send(&state, actor, id).await,
            |_| format!("{page}?saved=1"),
            &page,
        ),
        "withdraw" => back_or_error(
            super::withdraw(&state, actor, id).await,
            |_| format!("{page}?saved=1"),
            &page,
        ),
        "remind" => back_or_error(
            super::remind(&state, actor, id).await,
            |_| format!("{page}?reminded=1"),
            &page,
        ),
        "delete" => back_or_error(
            super::delete(&state, actor, id).await,
            |_| "/inquiries".to_string(),
            &page,
        ),
        _ => Ok(crate::web::see_other(&format!(
            "{page}?error=invalid_field"
        ))),
    }
}

/// Save or submit the caller's organisation's answer.
pub async fn answer_inquiry(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = AnswerInput::from_form(form.pairs());
    let page = format!("/inquiries/{id}");
    let organisation = form.actor.organisation.id;
    back_or_error(
        super::answer(&state, &form.actor, id, organisation, input).await,
        |_| format!("{page}?saved=1"),
        &page,
    )
}

/// Return (with `comment`) or accept one organisation's answer (`action`).
pub async fn decide_answer(
    State(state): State<AppState>,
    Path((id, organisation)): Path<(Uuid, Uuid)>,
    form: PageForm,
) -> ApiResult<Response> {
    let page = format!("/inquiries/{id}");
    let version = version(&form);
    let result = if form.field("action") == Some("accept") {
        super::accept(
            &state,
            &form.actor,
            id,
            organisation,
            AcceptAnswer { version },
        )
        .await
    } else {
        let comment = form.field("comment").unwrap_or_default().to_string();
        super::return_answer(
            &state,
            &form.actor,
            id,
            organisation,
            ReturnAnswer { comment, version },
        )
        .await
    };
    back_or_error(result, |_| format!("{page}?saved=1"), &page)
}
