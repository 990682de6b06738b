//! The plan pages' form posts, all without JavaScript: the editor, items, publishing and
//! progress. A refusal the person can mend goes back to the page it came from with
//! `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use app::plans::{
    sections_from_form, NewPlan, PlanItemInput, PlanItemStatus, PlanItemWrite, PlanProgressInput,
    PlanUpdate, PublishPlan,
};

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, PageForm};

fn number<T: std::str::FromStr + Default>(form: &PageForm, field: &str) -> T {
    form.field(field)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_default()
}

/// Draft a plan from the new-plan form; then on to its editor.
pub async fn create_plan(State(state): State<AppState>, form: PageForm) -> ApiResult<Response> {
    let input = NewPlan {
        platform_id: form
            .field("platform_id")
            .and_then(|p| Uuid::parse_str(p).ok()),
        title: form.field("title").unwrap_or_default().to_string(),
        period_start: number(&form, "period_start"),
        period_end: number(&form, "period_end"),
        sections: sections_from_form(form.pairs()),
    };
    back_or_error(
        super::create(&state, &form.actor, input).await,
        |plan| format!("/plans/{}/edit?saved=1", plan.id),
        "/plans/new",
    )
}

/// Save the editor's title, period and sections.
pub async fn edit_plan(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = PlanUpdate {
        version: number(&form, "version"),
        title: form.field("title").unwrap_or_default().to_string(),
        period_start: number(&form, "period_start"),
        period_end: number(&form, "period_end"),
        sections: sections_from_form(form.pairs()),
    };
    let editor = format!("/plans/{id}/edit");
    back_or_error(
        super::update(&state, &form.actor, id, input).await,
        |_| format!("{editor}?saved=1"),
        &editor,
    )
}

/// Add (no `item_id`), change or remove (`action=remove`) an item from the editor.
pub async fn write_item(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let version: u32 = number(&form, "version");
    let item_id = form.field("item_id").and_then(|i| Uuid::parse_str(i).ok());
    let editor = format!("/plans/{id}/edit");
    let done = |_| format!("{editor}?saved=1#items");
    let write = PlanItemWrite {
        version,
        item: PlanItemInput::from_form(form.pairs()),
    };
    match (item_id, form.field("action")) {
        (Some(item), Some("remove")) => back_or_error(
            super::remove_item(&state, actor, id, item, version).await,
            done,
            &editor,
        ),
        (Some(item), _) => back_or_error(
            super::update_item(&state, actor, id, item, write).await,
            done,
            &editor,
        ),
        (None, _) => back_or_error(
            super::add_item(&state, actor, id, write).await,
            done,
            &editor,
        ),
    }
}

/// Publish the working copy from the plan's page.
pub async fn publish_plan(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = PublishPlan {
        version: number(&form, "version"),
        note: form.field("note").unwrap_or_default().to_string(),
    };
    let page = format!("/plans/{id}");
    back_or_error(
        super::publish(&state, &form.actor, id, input).await,
        |_| format!("{page}?saved=1"),
        &page,
    )
}

/// Report an item's progress from the plan's page.
pub async fn report_progress(
    State(state): State<AppState>,
    Path((id, item_id)): Path<(Uuid, Uuid)>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = PlanProgressInput {
        status: PlanItemStatus::parse(form.field("status").unwrap_or_default()).unwrap_or_default(),
        note: form.field("note").unwrap_or_default().to_string(),
        version: number(&form, "version"),
    };
    let page = format!("/plans/{id}");
    back_or_error(
        super::report_progress(&state, &form.actor, id, item_id, input).await,
        |_| format!("{page}?saved=1#item-{item_id}"),
        &page,
    )
}
