//! The programme page's form posts, without JavaScript: `/p/{slug}/programme` and
//! `/p/{slug}/pledges`. A refusal the secretariat can mend goes back to the page with
//! `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;

use app::programme::{NewPledge, ProgrammeInput};

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, PageForm};

/// Rename the programme or change its age band.
pub async fn update_programme(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    form: PageForm,
) -> ApiResult<Response> {
    let platform = form.actor.scope(&state.db).platform_by_slug(&slug).await?;
    let page = format!("/p/{}/programme", platform.slug);
    back_or_error(
        super::update(
            &state,
            &form.actor,
            platform.id,
            ProgrammeInput::from_form(form.pairs()),
        )
        .await,
        |_| format!("{page}?saved=programme"),
        &page,
    )
}

/// Save a new version of the pledge (everyone of the network accepts it again).
pub async fn new_pledge(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    form: PageForm,
) -> ApiResult<Response> {
    let platform = form.actor.scope(&state.db).platform_by_slug(&slug).await?;
    let page = format!("/p/{}/programme", platform.slug);
    back_or_error(
        super::new_pledge(
            &state,
            &form.actor,
            platform.id,
            NewPledge::from_form(form.pairs()),
        )
        .await,
        // The secretary who saved it is asked to accept it too, like everyone else.
        |_| "/pledge".to_string(),
        &page,
    )
}
