//! The drafting (and editing) form of a request. It says what looks like personal data
//! before anything is saved, since a request must never identify a person; the server
//! refuses it again whatever the page did.

use leptos::prelude::*;

use super::labels::{error_key, field_key, personal_data_key};
use super::{Accommodation, OutreachFormPage, OutreachKind, OutreachRequest};
use crate::api::fetch_outreach_form_page;
#[cfg(feature = "hydrate")]
use crate::components::form_values;
use crate::components::id_param;
use crate::domain::{Me, TargetGroup};
use crate::i18n::{
    accommodation_key, outreach_kind_key as kind_key, t, target_group_key as group_key, Key,
};
use crate::pages::{query, signed_in_page, Notice};
use crate::{tr, use_lang};

#[component]
pub fn OutreachNewView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_outreach_form_page(None));
    signed_in_page(
        page,
        || None,
        |me, page| view! { <OutreachForm page me/> }.into_any(),
    )
}

#[component]
pub fn OutreachEditView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_outreach_form_page(Some(id)).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <OutreachForm page me/> }.into_any(),
    )
}

/// The text fields the personal-data check reads, by name.
#[cfg(feature = "hydrate")]
fn text_fields(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    form_values(form)
        .into_iter()
        .filter(|(name, _)| {
            matches!(
                name.as_str(),
                "title"
                    | "description"
                    | "area"
                    | "age_band"
                    | "desired_work"
                    | "hours"
                    | "accommodations_note"
                    | "start"
            )
        })
        .collect()
}

#[component]
fn OutreachForm(page: OutreachFormPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let editing = page.request.clone();
    let action = match &editing {
        Some(r) => format!("/outreach/{}/edit", r.id),
        None => "/outreach".to_string(),
    };
    let value = |f: fn(&OutreachRequest) -> String| editing.as_ref().map(f).unwrap_or_default();
    let kind = editing
        .as_ref()
        .map(|r| r.kind)
        .unwrap_or(OutreachKind::PlacementDevelopment);
    let groups = editing
        .as_ref()
        .map(|r| r.target_groups.clone())
        .unwrap_or_default();
    let accommodations = editing
        .as_ref()
        .map(|r| r.profile.accommodations.clone())
        .unwrap_or_default();
    let suggested = editing
        .as_ref()
        .map(|r| r.suggested_organisation_ids.clone())
        .unwrap_or_default();
    let people = editing
        .as_ref()
        .map(|r| r.profile.people)
        .unwrap_or_default();
    let deadline = editing
        .as_ref()
        .map(|r| r.deadline.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    // What looks like personal data, said before anything is saved.
    let findings = RwSignal::new(Vec::<crate::personal_data::Finding>::new());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let check = move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get() {
            let fields = text_fields(&form);
            findings.set(crate::personal_data::scan(
                fields.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            ));
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        check();
        if findings.with_untracked(|f| !f.is_empty()) {
            ev.prevent_default();
        }
    };
    let heading = if editing.is_some() {
        Key::EditOutreach
    } else {
        Key::NewOutreach
    };
    let platforms = page.platforms.clone();
    let single_platform = platforms.len() == 1;
    view! {
        <h1>{tr(heading)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        <div aria-live="polite">
            {move || {
                findings
                    .with(|f| !f.is_empty())
                    .then(|| {
                        view! {
                            <div class="notice error" role="alert">
                                <p>{tr(Key::PersonalDataFound)}</p>
                                <ul>
                                    {findings
                                        .get()
                                        .into_iter()
                                        .map(|f| {
                                            let field = field_key(&f.field);
                                            let kind = personal_data_key(f.kind);
                                            view! {
                                                <li>
                                                    {move || t(lang.get(), field)} ": "
                                                    {move || t(lang.get(), kind)} " (" {f.found} ")"
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                    })
            }}
        </div>
        <form
            method="post"
            action=action
            class="stack panel outreach-form"
            node_ref=form_ref
            on:input=move |_| check()
            on:submit=on_submit
        >
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            {if single_platform {
                view! { <input type="hidden" name="platform_id" value=platforms[0].id.to_string()/> }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="outreach-platform-id">{tr(Key::FieldPlatform)}</label>
                        <select id="outreach-platform-id" name="platform_id">
                            {platforms
                                .iter()
                                .map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> })
                                .collect_view()}
                        </select>
                    </div>
                }
                    .into_any()
            }}
            <div class="field">
                <label for="outreach-kind-field">{tr(Key::FieldKind)}</label>
                <select id="outreach-kind-field" name="kind">
                    {OutreachKind::ALL
                        .iter()
                        .map(|k| {
                            let k = *k;
                            view! {
                                <option value=k.as_str() selected=k == kind>
                                    {move || t(lang.get(), kind_key(k))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="outreach-title">{tr(Key::FieldTitle)}</label>
                <input id="outreach-title" name="title" type="text" required maxlength="200" value=value(|r| r.title.clone())/>
            </div>
            <div class="field">
                <label for="outreach-description">{tr(Key::FieldDescription)}</label>
                <textarea id="outreach-description" name="description" rows="5" maxlength="5000">
                    {value(|r| r.description.clone())}
                </textarea>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldTargetGroups)}</legend>
                {TargetGroup::ALL
                    .iter()
                    .map(|g| {
                        let g = *g;
                        let input_id = format!("group-{}", g.as_str());
                        view! {
                            <div class="check">
                                <input id=input_id.clone() type="checkbox" name="target_groups" value=g.as_str() checked=groups.contains(&g)/>
                                <label for=input_id>{move || t(lang.get(), group_key(g))}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <label for="outreach-area">{tr(Key::FieldArea)}</label>
                <input id="outreach-area" name="area" type="text" maxlength="200" value=value(|r| r.area.clone())/>
            </div>
            <fieldset>
                <legend>{tr(Key::ProfileHeading)}</legend>
                <p class="hint">{tr(Key::ProfileHint)}</p>
                <div class="field">
                    <label for="outreach-age-band">{tr(Key::FieldAgeBand)}</label>
                    <input id="outreach-age-band" name="age_band" type="text" maxlength="20" value=value(|r| r.profile.age_band.clone())/>
                </div>
                <div class="field">
                    <label for="outreach-desired-work">{tr(Key::FieldDesiredWork)}</label>
                    <input id="outreach-desired-work" name="desired_work" type="text" maxlength="200" value=value(|r| r.profile.desired_work.clone())/>
                </div>
                <div class="field">
                    <label for="outreach-hours">{tr(Key::FieldHours)}</label>
                    <input id="outreach-hours" name="hours" type="text" maxlength="200" value=value(|r| r.profile.hours.clone())/>
                </div>
                <fieldset>
                    <legend>{tr(Key::FieldAccommodations)}</legend>
                    {Accommodation::ALL
                        .iter()
                        .map(|a| {
                            let a = *a;
                            let input_id = format!("acc-{}", a.as_str());
                            view! {
                                <div class="check">
                                    <input id=input_id.clone() type="checkbox" name="accommodations" value=a.as_str() checked=accommodations.contains(&a)/>
                                    <label for=input_id>{move || t(lang.get(), accommodation_key(a))}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <div class="field">
                    <label for="outreach-acc-note">{tr(Key::FieldAccommodationsNote)}</label>
                    <textarea id="outreach-acc-note" name="accommodations_note" rows="2" maxlength="5000">
                        {value(|r| r.profile.accommodations_note.clone())}
                    </textarea>
                </div>
                <div class="field">
                    <label for="outreach-start">{tr(Key::FieldStart)}</label>
                    <input id="outreach-start" name="start" type="text" maxlength="200" value=value(|r| r.profile.start.clone())/>
                </div>
                <div class="field">
                    <label for="outreach-people">{tr(Key::FieldPeople)}</label>
                    <input id="outreach-people" name="people" type="number" min="1" max="1000" required value=people.to_string()/>
                </div>
            </fieldset>
            <div class="field">
                <label for="outreach-deadline">{tr(Key::FieldDeadline)}</label>
                <input id="outreach-deadline" name="deadline" type="date" required value=deadline/>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldSuggested)}</legend>
                {page
                    .organisations
                    .iter()
                    .map(|o| {
                        let input_id = format!("suggest-{}", o.id);
                        view! {
                            <div class="check">
                                <input
                                    id=input_id.clone()
                                    type="checkbox"
                                    name="organisation_ids"
                                    value=o.id.to_string()
                                    checked=suggested.contains(&o.id)
                                />
                                <label for=input_id>{o.name.clone()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="primary">
                {tr(if editing.is_some() { Key::SaveChanges } else { Key::SaveDraft })}
            </button>
        </form>
    }
}
