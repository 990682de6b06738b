//! The good-practice editor. Without JavaScript it posts a plain form; with it the
//! practice goes through the outbox, so it can be drafted offline and is sent once the
//! connection is back.

use leptos::prelude::*;

use super::labels::{error_key, status_key, visibility_key};
use super::{GoodPractice, PracticeFormPage, PracticeResult, PracticeStatus, PracticeVisibility};
use crate::api::fetch_practice_form_page;
#[cfg(feature = "hydrate")]
use crate::components::form_values;
use crate::components::id_param;
#[cfg(feature = "hydrate")]
use crate::domain::ChangeKind;
use crate::domain::{Me, TargetGroup};
use crate::i18n::{t, target_group_key as group_key, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
#[cfg(feature = "hydrate")]
use crate::sync::NewWrite;
use crate::{tr, use_lang};

#[component]
pub fn PracticeNewView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_practice_form_page(None));
    signed_in_page(
        page,
        || None,
        |me, page| view! { <PracticeForm page me/> }.into_any(),
    )
}

#[component]
pub fn PracticeEditView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_practice_form_page(Some(id)).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <PracticeForm page me/> }.into_any(),
    )
}

#[component]
fn PracticeForm(page: PracticeFormPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let error = query("error");
    let editing = page.practice.clone();
    let action = match &editing {
        Some(p) => format!("/practices/{}/edit", p.id),
        None => "/practices".to_string(),
    };
    let value = |f: fn(&GoodPractice) -> String| editing.as_ref().map(f).unwrap_or_default();
    let groups = editing
        .as_ref()
        .map(|p| p.target_groups.clone())
        .unwrap_or_default();
    let visibility = editing
        .as_ref()
        .map(|p| p.visibility)
        .unwrap_or(PracticeVisibility::Network);
    let status = editing
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(PracticeStatus::Draft);
    let contact = editing
        .as_ref()
        .and_then(|p| p.contact_organisation.as_ref().map(|o| o.id));
    let mut results = editing
        .as_ref()
        .map(|p| p.results.clone())
        .unwrap_or_default();
    while results.len() < 3 {
        results.push(PracticeResult {
            label: String::new(),
            value: f64::NAN,
            unit: String::new(),
        });
    }
    let editing_id = editing.as_ref().map(|p| p.id);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let saved = RwSignal::new(false);
    // With JavaScript the practice goes through the outbox: written offline, it is kept
    // and sent when the connection is back.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(_form) = form_ref.get() else { return };
        #[cfg(feature = "hydrate")]
        {
            let pairs = form_values(&_form);
            let input = super::NewGoodPractice::from_form(&pairs);
            if input.title.trim().is_empty() {
                return;
            }
            let summary = input.title.clone();
            let (method, path, body) = match editing_id {
                Some(id) => (
                    "PATCH",
                    format!("/api/v1/practices/{id}"),
                    serde_json::to_value(input.into_patch()).unwrap_or_default(),
                ),
                None => (
                    "POST",
                    "/api/v1/practices".to_string(),
                    serde_json::to_value(input).unwrap_or_default(),
                ),
            };
            if store.send(NewWrite {
                method,
                path,
                body,
                answer_kind: Some(ChangeKind::GoodPractice),
                thread_id: None,
                summary,
            }) {
                ev.prevent_default();
                saved.set(true);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, editing_id, store);
    };
    let heading = if editing.is_some() {
        Key::EditPractice
    } else {
        Key::NewPractice
    };
    let platforms = page.platforms.clone();
    let single_platform = platforms.len() == 1;
    view! {
        <h1>{tr(heading)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || {
            saved
                .get()
                .then(|| {
                    view! {
                        <p class="notice" role="status">
                            {tr(Key::PracticeSavedInOutbox)} " "
                            <a href="/practices">{tr(Key::BackToLibrary)}</a>
                        </p>
                    }
                })
        }}
        <form method="post" action=action class="stack panel practice-form" node_ref=form_ref on:submit=on_submit>
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            {if single_platform || editing.is_some() {
                let id = editing.as_ref().map(|p| p.platform_id).unwrap_or(platforms[0].id);
                view! { <input type="hidden" name="platform_id" value=id.to_string()/> }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="practice-platform-id">{tr(Key::FieldPlatform)}</label>
                        <select id="practice-platform-id" name="platform_id">
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
                <label for="practice-title">{tr(Key::FieldTitle)}</label>
                <input id="practice-title" name="title" type="text" required maxlength="200" value=value(|p| p.title.clone())/>
            </div>
            <div class="field">
                <label for="practice-summary">{tr(Key::FieldSummary)}</label>
                <textarea id="practice-summary" name="summary" rows="3" maxlength="1000">
                    {value(|p| p.summary.clone())}
                </textarea>
            </div>
            <div class="field">
                <label for="practice-body">{tr(Key::FieldPracticeBody)}</label>
                <textarea id="practice-body" name="body" rows="12" maxlength="50000">
                    {value(|p| p.body.clone())}
                </textarea>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldTargetGroups)}</legend>
                {TargetGroup::ALL
                    .iter()
                    .map(|g| {
                        let g = *g;
                        let input_id = format!("practice-group-{}", g.as_str());
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
                <label for="practice-tags">{tr(Key::FieldTags)}</label>
                <input id="practice-tags" name="tags" type="text" maxlength="1000" value=value(|p| p.tags.join("、"))/>
            </div>
            <div class="field">
                <label for="practice-area">{tr(Key::FieldArea)}</label>
                <input id="practice-area" name="area" type="text" maxlength="200" value=value(|p| p.area.clone())/>
            </div>
            <div class="field">
                <label for="practice-period">{tr(Key::FieldPeriod)}</label>
                <input id="practice-period" name="period" type="text" maxlength="200" value=value(|p| p.period.clone())/>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldResults)}</legend>
                {results
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let value = if r.value.is_finite() { r.value.to_string() } else { String::new() };
                        view! {
                            <div class="result-row">
                                <div class="field">
                                    <label for=format!("result-label-{i}")>{tr(Key::ResultLabel)}</label>
                                    <input id=format!("result-label-{i}") name="result_label" type="text" maxlength="100" value=r.label/>
                                </div>
                                <div class="field">
                                    <label for=format!("result-value-{i}")>{tr(Key::ResultValue)}</label>
                                    <input id=format!("result-value-{i}") name="result_value" type="text" inputmode="decimal" maxlength="20" value=value/>
                                </div>
                                <div class="field">
                                    <label for=format!("result-unit-{i}")>{tr(Key::ResultUnit)}</label>
                                    <input id=format!("result-unit-{i}") name="result_unit" type="text" maxlength="20" value=r.unit/>
                                </div>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <label for="practice-contact">{tr(Key::FieldContact)}</label>
                <select id="practice-contact" name="contact_organisation_id">
                    <option value="">{tr(Key::NoContact)}</option>
                    {page
                        .organisations
                        .iter()
                        .map(|o| view! { <option value=o.id.to_string() selected=contact == Some(o.id)>{o.name.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldVisibility)}</legend>
                {[PracticeVisibility::Platform, PracticeVisibility::Network, PracticeVisibility::Public]
                    .into_iter()
                    .map(|v| {
                        let input_id = format!("practice-visibility-{}", v.as_str());
                        view! {
                            <div class="check">
                                <input id=input_id.clone() type="radio" name="visibility" value=v.as_str() checked=v == visibility/>
                                <label for=input_id>{tr(visibility_key(v))}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{tr(Key::FieldStatus)}</legend>
                {[PracticeStatus::Draft, PracticeStatus::Published]
                    .into_iter()
                    .map(|s| {
                        let input_id = format!("practice-status-{}", s.as_str());
                        view! {
                            <div class="check">
                                <input id=input_id.clone() type="radio" name="status" value=s.as_str() checked=s == status/>
                                <label for=input_id>{tr(status_key(s))}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="primary">{tr(Key::SavePractice)}</button>
        </form>
    }
}
