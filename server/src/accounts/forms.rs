//! The users page's form posts (`/p/{slug}/users/...`): revoke a role, disable or enable
//! an account, without JavaScript. Each needs the confirmation box ticked; a refusal the
//! person can mend goes back to the page as `?error=code`.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use app::domain::Role;

use super::revocation;
use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, see_other, PageForm};

fn confirmed(form: &PageForm) -> bool {
    form.field("confirm").is_some_and(|v| !v.is_empty())
}

/// Revoke one role (field `role`) of a person on the page's platform.
pub async fn revoke_role(
    State(state): State<AppState>,
    Path((slug, user_id)): Path<(String, Uuid)>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let platform = actor.scope(&state.db).platform_by_slug(&slug).await?;
    let page = format!("/p/{}/users", platform.slug);
    if !confirmed(&form) {
        return Ok(see_other(&format!("{page}?error=confirm_required")));
    }
    let Some(role) = form.field("role").and_then(Role::parse) else {
        return Ok(see_other(&format!("{page}?error=invalid_role")));
    };
    back_or_error(
        revocation::revoke(&state, actor, platform.id, user_id, role).await,
        |_| format!("{page}?done=revoked"),
        &page,
    )
}

async fn set_disabled(
    state: &AppState,
    slug: &str,
    user_id: Uuid,
    form: &PageForm,
    disabled: bool,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let platform = actor.scope(&state.db).platform_by_slug(slug).await?;
    let page = format!("/p/{}/users", platform.slug);
    if !confirmed(form) {
        return Ok(see_other(&format!("{page}?error=confirm_required")));
    }
    let done = if disabled { "disabled" } else { "enabled" };
    back_or_error(
        revocation::set_disabled(state, actor, user_id, disabled).await,
        |_| format!("{page}?done={done}"),
        &page,
    )
}

/// Disable an account from the page.
pub async fn disable_user(
    State(state): State<AppState>,
    Path((slug, user_id)): Path<(String, Uuid)>,
    form: PageForm,
) -> ApiResult<Response> {
    set_disabled(&state, &slug, user_id, &form, true).await
}

/// Enable an account again from the page.
pub async fn enable_user(
    State(state): State<AppState>,
    Path((slug, user_id)): Path<(String, Uuid)>,
    form: PageForm,
) -> ApiResult<Response> {
    set_disabled(&state, &slug, user_id, &form, false).await
}
