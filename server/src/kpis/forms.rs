//! The KPI pages' form posts, all without JavaScript: the editor, publishing, shares. A
//! refusal the person can mend goes back to the page it came from with `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use app::kpis::{KpiActualInput, KpiDefinition, KpiUpdate, NewKpi, PublishActuals};

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, PageForm};

/// Define a KPI from the editor.
pub async fn create_kpi(State(state): State<AppState>, form: PageForm) -> ApiResult<Response> {
    let input = NewKpi {
        platform_id: form
            .field("platform_id")
            .and_then(|p| Uuid::parse_str(p).ok()),
        definition: KpiDefinition::from_form(form.pairs()),
    };
    back_or_error(
        super::create(&state, &form.actor, input).await,
        |kpi| format!("/kpis/{}?saved=1", kpi.id),
        "/kpis/new",
    )
}

/// Save the editor's changes (at the version the editor was opened at).
pub async fn edit_kpi(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = KpiUpdate {
        version: form
            .field("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        definition: KpiDefinition::from_form(form.pairs()),
    };
    back_or_error(
        super::update(&state, &form.actor, id, input).await,
        |_| format!("/kpis/{id}?saved=1"),
        &format!("/kpis/{id}/edit"),
    )
}

/// Publish a draft KPI from its page.
pub async fn publish_kpi(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let page = format!("/kpis/{id}");
    back_or_error(
        super::publish(&state, &form.actor, id).await,
        |_| format!("{page}?saved=1"),
        &page,
    )
}

/// Enter or correct a share from the KPI's page.
pub async fn enter_actual(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = KpiActualInput::from_form(form.pairs());
    let page = format!("/kpis/{id}");
    back_or_error(
        super::enter_actual(&state, &form.actor, id, input).await,
        |_| format!("{page}?saved=1"),
        &page,
    )
}

/// Publish a year's shares from the KPI's page.
pub async fn publish_actuals(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let input = PublishActuals {
        fiscal_year: form
            .field("fiscal_year")
            .and_then(|y| y.parse().ok())
            .unwrap_or(0),
    };
    let page = format!("/kpis/{id}");
    back_or_error(
        super::publish_actuals(&state, &form.actor, id, input).await,
        |_| format!("{page}?saved=1"),
        &page,
    )
}
