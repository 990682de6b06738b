//! The programme page's form posts, without JavaScript: `/p/{slug}/programme` and
//! `/p/{slug}/pledges`. A refusal the secretariat can mend goes back to the page with
//! `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use app::programme::{NewPledge, ProgrammeInput};

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, PageForm};

/// The platform a form's slug names (404 outside the actor's networks) and the page the
/// form came from.
async fn platform_and_page(
    state: &AppState,
    form: &PageForm,
    slug: &str,
) -> ApiResult<(Uuid, String)> {
    let platform = form.actor.scope(&state.db).platform_by_slug(slug).await?;
    Ok((platform.id, format!("/p/{}/programme", platform.slug)))
}

/// Rename the programme or change its age band.
pub async fn update_programme(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    form: PageForm,
) -> ApiResult<Response> {
    let (platform, page) = platform_and_page(&state, &form, &slug).await?;
    let input = ProgrammeInput::from_form(form.pairs());
    back_or_error(
        super::update(&state, &form.actor, platform, input).await,
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
    let (platform, page) = platform_and_page(&state, &form, &slug).await?;
    let input = NewPledge::from_form(form.pairs());
    back_or_error(
        super::new_pledge(&state, &form.actor, platform, input).await,
        // The secretary who saved it is asked to accept it too, like everyone else.
        |_| "/pledge".to_string(),
        &page,
    )
}
