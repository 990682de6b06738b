//! The proposal pages' form posts, all without JavaScript: submitting, the steps and the
//! secretariat's note. A refusal the person can mend goes back to the page it came from
//! with `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use app::proposals::{
    NewProposal, ProposalAction, ProposalNoteInput, ProposalOutcome, ProposalStep,
};

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, see_other, PageForm};

fn version(form: &PageForm, field: &str) -> u32 {
    form.field(field)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_default()
}

/// Submit a proposal from `/proposals/new`; then on to its page.
pub async fn submit(State(state): State<AppState>, form: PageForm) -> ApiResult<Response> {
    let input = NewProposal::from_form(form.pairs());
    back_or_error(
        super::create(&state, &form.actor, input).await,
        |p| format!("/proposals/{}?saved=1", p.id),
        "/proposals/new",
    )
}

/// Take a step from the proposal's page (`action`, with `outcome`, `answer` and
/// `publish_answer` for an answer). An unknown action is refused as the API refuses it.
pub async fn step(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let page = format!("/proposals/{id}");
    let Some(action) = ProposalAction::parse(form.field("action").unwrap_or_default()) else {
        return Ok(see_other(&format!("{page}?error=invalid_field")));
    };
    let input = ProposalStep {
        version: version(&form, "version"),
        action,
        outcome: ProposalOutcome::parse(form.field("outcome").unwrap_or_default()),
        answer: form.field("answer").unwrap_or_default().to_string(),
        publish_answer: form.field("publish_answer") == Some("true"),
    };
    back_or_error(
        super::step(&state, &form.actor, id, input).await,
        |_| format!("{page}?saved=1"),
        &page,
    )
}

/// Save the secretariat's note from the proposal's page.
pub async fn note(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = ProposalNoteInput {
        note_version: version(&form, "note_version"),
        note: form.field("note").unwrap_or_default().to_string(),
    };
    let page = format!("/proposals/{id}");
    back_or_error(
        super::write_note(&state, &form.actor, id, input).await,
        |_| format!("{page}?saved=1"),
        &page,
    )
}
