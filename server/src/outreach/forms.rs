//! The outreach pages' form posts: drafting and editing, every step, and answers, all
//! without JavaScript. Each handler takes a [`PageForm`] and sends a refusal the person
//! can mend back to the page it came from.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use crate::http::ApiResult;
use crate::state::AppState;
use crate::web::{back_or_error, see_other, PageForm};

/// A placements field: empty is none; anything else must be a whole number in range.
fn placements(
    form: &PageForm,
    name: &str,
) -> Result<app::bounded::Placements, app::bounded::OutOfRange> {
    match form.field(name).map(str::trim) {
        None | Some("") => Ok(app::bounded::Placements::saturating(0)),
        Some(n) => n.parse(),
    }
}

/// The drafting form's fields as the API's input; `Err(code)` when a field cannot be read.
fn outreach_form(form: &PageForm) -> Result<app::outreach::NewOutreachRequest, &'static str> {
    use app::domain::TargetGroup;
    use app::outreach::{Accommodation, NewOutreachRequest, OutreachKind, Profile};
    let text = |name: &str| form.field(name).unwrap_or_default().to_string();
    let kind = form
        .field("kind")
        .and_then(OutreachKind::parse)
        .ok_or("invalid_kind")?;
    // Dates and numbers are bounded (`app::bounded`): out of range is refused, not cast.
    let deadline = form
        .field("deadline")
        .and_then(|d| d.parse().ok())
        .ok_or("invalid_deadline")?;
    let people = match form.field("people").map(str::trim) {
        None | Some("") => app::bounded::People::default(),
        Some(n) => n.parse().map_err(|_| "invalid_field")?,
    };
    Ok(NewOutreachRequest {
        kind,
        title: text("title"),
        description: text("description"),
        target_groups: form
            .all("target_groups")
            .into_iter()
            .filter_map(TargetGroup::parse)
            .collect(),
        area: text("area"),
        profile: Profile {
            age_band: text("age_band"),
            desired_work: text("desired_work"),
            hours: text("hours"),
            accommodations: form
                .all("accommodations")
                .into_iter()
                .filter_map(Accommodation::parse)
                .collect(),
            accommodations_note: text("accommodations_note"),
            start: text("start"),
            people,
        },
        deadline,
        organisation_ids: form.ids("organisation_ids"),
        platform_id: form
            .field("platform_id")
            .and_then(|p| Uuid::parse_str(p).ok()),
    })
}

/// Draft an outreach request from the form.
pub async fn create_outreach(State(state): State<AppState>, form: PageForm) -> ApiResult<Response> {
    let actor = &form.actor;
    let input = match outreach_form(&form) {
        Ok(input) => input,
        Err(code) => return Ok(see_other(&format!("/outreach/new?error={code}"))),
    };
    back_or_error(
        crate::outreach::create(&state, actor, input).await,
        |request| format!("/outreach/{}", request.id),
        "/outreach/new",
    )
}

/// Edit a draft or returned request from the form.
pub async fn edit_outreach(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let page = format!("/outreach/{id}/edit");
    let input = match outreach_form(&form) {
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
        crate::outreach::patch(&state, actor, id, patch).await,
        |_| format!("/outreach/{id}"),
        &page,
    )
}

/// Take a step of the workflow from a request's page.
pub async fn outreach_transition(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let page = format!("/outreach/{id}");
    let Some(action) = form
        .field("action")
        .and_then(app::outreach::OutreachAction::parse)
    else {
        return Ok(see_other(&format!("{page}?error=invalid_transition")));
    };
    let outcome = if action == app::outreach::OutreachAction::Close {
        let Ok(placements) = placements(&form, "placements") else {
            return Ok(see_other(&format!("{page}?error=invalid_field")));
        };
        Some(app::outreach::Outcome {
            placements,
            note: form.field("outcome_note").unwrap_or_default().to_string(),
        })
    } else {
        None
    };
    let input = app::outreach::Transition {
        action,
        organisation_ids: Some(form.ids("organisation_ids")),
        comment: form.field("comment").map(str::to_string),
        outcome,
    };
    back_or_error(
        crate::outreach::transition(&state, actor, id, input).await,
        |_| page.clone(),
        &page,
    )
}

/// An organisation's answer from a request's page (up to three companies in the form).
pub async fn outreach_response(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let (names, sectors, areas) = (
        form.all("company_name"),
        form.all("company_sector"),
        form.all("company_area"),
    );
    let companies = names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.trim().is_empty())
        .map(|(i, name)| app::outreach::Company {
            name: name.to_string(),
            sector: sectors.get(i).copied().unwrap_or_default().to_string(),
            area: areas.get(i).copied().unwrap_or_default().to_string(),
        })
        .collect();
    let page = format!("/outreach/{id}");
    let Ok(placements_offered) = placements(&form, "placements_offered") else {
        return Ok(see_other(&format!("{page}?error=invalid_field")));
    };
    let input = app::outreach::NewResponse {
        body: form.field("body").unwrap_or_default().to_string(),
        placements_offered,
        companies,
        conditions: form.text("conditions"),
        next_steps: form.text("next_steps"),
    };
    back_or_error(
        crate::outreach::respond(&state, actor, id, input).await,
        |_| format!("{page}#responses"),
        &page,
    )
}
