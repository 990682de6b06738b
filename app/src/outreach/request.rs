//! One request's page: the profile, each organisation's status, the answers, the timeline
//! and the steps the person may take now. Rendered on the server with plain forms; after
//! hydration it follows the sync engine, and steps and answers go through the outbox.

use leptos::prelude::*;
use uuid::Uuid;

use super::labels::{action_key, deadline_view, error_key, step_key};
use super::{OutreachAction, OutreachPage, OutreachRequest, OutreachState};
use crate::api::fetch_outreach_page;
#[cfg(feature = "hydrate")]
use crate::components::form_values;
use crate::components::id_param;
use crate::domain::{ChangeKind, Me, Organisation};
use crate::i18n::{
    accommodation_key, outreach_kind_key as kind_key, outreach_state_key as state_key,
    recipient_status_key as status_key, t, target_group_key as group_key, Key,
};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::{use_sync_store, NewWrite};
use crate::wareki::japan_time;
use crate::{tr, use_lang};

#[component]
pub fn OutreachRequestView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_outreach_page(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <OutreachRequestBody page me/> }.into_any(),
    )
}

#[component]
fn OutreachRequestBody(page: OutreachPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let error = query("error");
    let id = page.request.id;
    let from_server = page.request;
    // The server's until the store has caught up; then the store's, live.
    let request = Memo::new(move |_| {
        store
            .records
            .with(|r| r.outreach.get(&id).cloned())
            .filter(|_| store.ready.get())
            .unwrap_or_else(|| from_server.clone())
    });
    let csrf = StoredValue::new(me.csrf_token);
    let organisations = StoredValue::new(page.organisations);
    view! {
        <h1>{move || request.with(|r| r.title.clone())}</h1>
        {move || {
            request
                .with(|r| {
                    let state = r.state;
                    let kind = r.kind;
                    view! {
                        <p class="meta">
                            <span class="badge">{move || t(lang.get(), state_key(state))}</span>
                            {r.overdue.then(|| view! { " " <span class="badge overdue">{tr(Key::Overdue)}</span> })}
                            " · " <span>{tr(Key::Requester)} ": " {r.platform_name.clone()}</span>
                            " · " <span>{move || t(lang.get(), kind_key(kind))}</span>
                            " · " <span>{tr(Key::FieldDeadline)} ": " {deadline_view(r.deadline)}</span>
                        </p>
                    }
                })
        }}
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || {
            request
                .with(|r| r.can_edit)
                .then(|| {
                    view! {
                        <p>
                            <a href=format!("/outreach/{id}/edit")>{tr(Key::EditOutreach)}</a>
                        </p>
                    }
                })
        }}
        <section class="panel" aria-labelledby="request-heading">
            <h2 id="request-heading">{tr(Key::RequestSection)}</h2>
            {move || request.with(|r| view! { <RequestDetails request=r.clone()/> })}
        </section>
        <section class="panel" aria-labelledby="addressed-heading">
            <h2 id="addressed-heading">{tr(Key::AddressedSection)}</h2>
            {move || {
                request
                    .with(|r| {
                        if r.organisations.is_empty() {
                            return view! { <p>{tr(Key::NotRoutedYet)}</p> }.into_any();
                        }
                        view! {
                            <div class="table-scroll">
                                <table class="counts">
                                    <thead>
                                        <tr>
                                            <th scope="col">{tr(Key::Organisation)}</th>
                                            <th scope="col">{tr(Key::StateFilter)}</th>
                                            <th scope="col">{tr(Key::Reason)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {r
                                            .organisations
                                            .iter()
                                            .map(|o| {
                                                let status = o.status;
                                                view! {
                                                    <tr>
                                                        <th scope="row">{o.name.clone()}</th>
                                                        <td>{move || t(lang.get(), status_key(status))}</td>
                                                        <td>{o.comment.clone().unwrap_or_default()}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    })
            }}
        </section>
        <section class="panel" aria-labelledby="responses-heading" id="responses">
            <h2 id="responses-heading">{tr(Key::ResponsesSection)}</h2>
            {move || request.with(|r| view! { <Responses request=r.clone()/> })}
        </section>
        {move || {
            let r = request.get();
            let answer = r.can_answer.then(|| view! { <AnswerForm id csrf=csrf.get_value()/> });
            let steps = (!r.actions.is_empty())
                .then(|| {
                    view! {
                        <StepForms
                            id
                            actions=r.actions.clone()
                            csrf=csrf.get_value()
                            organisations=organisations.get_value()
                            already=r.organisations.iter().map(|o| o.organisation_id).collect()
                            answered=r.state == OutreachState::Answered
                        />
                    }
                });
            view! { {answer} {steps} }
        }}
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{tr(Key::TimelineSection)}</h2>
            <ol class="timeline">
                {move || {
                    request
                        .with(|r| {
                            r.timeline
                                .iter()
                                .map(|e| {
                                    let key = step_key(&e.action);
                                    let at = e.at;
                                    view! {
                                        <li>
                                            <strong>{move || t(lang.get(), key)}</strong>
                                            " · " {e.by.display_name.clone()}
                                            {e.organisation_name.clone().map(|o| view! { " → " {o} })}
                                            " · " <span class="meta">{move || japan_time(at, lang.get())}</span>
                                            {e.comment.clone().map(|c| view! { <p class="comment">{c}</p> })}
                                        </li>
                                    }
                                })
                                .collect_view()
                        })
                }}
            </ol>
        </section>
    }
}

#[component]
fn RequestDetails(request: OutreachRequest) -> impl IntoView {
    let lang = use_lang();
    let groups = request.target_groups.clone();
    let accommodations = request.profile.accommodations.clone();
    let outcome = request.outcome.clone();
    view! {
        <p class="body">{request.description.clone()}</p>
        <dl class="profile">
            <dt>{tr(Key::FieldTargetGroups)}</dt>
            <dd>
                {groups
                    .into_iter()
                    .map(|g| view! { <span class="badge">{move || t(lang.get(), group_key(g))}</span> " " })
                    .collect_view()}
            </dd>
            <dt>{tr(Key::FieldArea)}</dt>
            <dd>{request.area.clone()}</dd>
            <dt>{tr(Key::FieldAgeBand)}</dt>
            <dd>{request.profile.age_band.clone()}</dd>
            <dt>{tr(Key::FieldDesiredWork)}</dt>
            <dd>{request.profile.desired_work.clone()}</dd>
            <dt>{tr(Key::FieldHours)}</dt>
            <dd>{request.profile.hours.clone()}</dd>
            <dt>{tr(Key::FieldAccommodations)}</dt>
            <dd>
                {accommodations
                    .into_iter()
                    .map(|a| view! { <span class="badge">{move || t(lang.get(), accommodation_key(a))}</span> " " })
                    .collect_view()}
                {request.profile.accommodations_note.clone()}
            </dd>
            <dt>{tr(Key::FieldStart)}</dt>
            <dd>{request.profile.start.clone()}</dd>
            <dt>{tr(Key::FieldPeople)}</dt>
            <dd>{request.profile.people.get()} {tr(Key::People)}</dd>
            {outcome
                .map(|o| {
                    view! {
                        <dt>{tr(Key::OutcomeLabel)}</dt>
                        <dd>{tr(Key::OutcomePlacements)} ": " {o.placements.get()} " · " {o.note}</dd>
                    }
                })}
        </dl>
    }
}

#[component]
fn Responses(request: OutreachRequest) -> impl IntoView {
    let lang = use_lang();
    if request.responses.is_empty() {
        return view! { <p>{tr(Key::NoResponses)}</p> }.into_any();
    }
    request
        .responses
        .into_iter()
        .map(|r| {
            let at = r.created_at;
            view! {
                <article class="response">
                    <h3>{r.organisation_name.clone()}</h3>
                    <p class="meta">
                        {r.author.display_name.clone()} " · " {move || japan_time(at, lang.get())} " · "
                        {tr(Key::PlacementsOffered)} ": " {r.placements_offered}
                    </p>
                    <p class="body">{r.body.clone()}</p>
                    {(!r.companies.is_empty())
                        .then(|| {
                            view! {
                                <div class="table-scroll">
                                    <table class="counts">
                                        <thead>
                                            <tr>
                                                <th scope="col">{tr(Key::CompanyName)}</th>
                                                <th scope="col">{tr(Key::CompanySector)}</th>
                                                <th scope="col">{tr(Key::CompanyArea)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {r
                                                .companies
                                                .iter()
                                                .map(|c| {
                                                    view! {
                                                        <tr>
                                                            <td>{c.name.clone()}</td>
                                                            <td>{c.sector.clone()}</td>
                                                            <td>{c.area.clone()}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                        })}
                    {r.conditions.clone().map(|c| view! { <p><strong>{tr(Key::Conditions)} ": "</strong> {c}</p> })}
                    {r.next_steps.clone().map(|c| view! { <p><strong>{tr(Key::NextSteps)} ": "</strong> {c}</p> })}
                </article>
            }
        })
        .collect_view()
        .into_any()
}

/// A number field as JSON: empty is 0, a whole number is sent as one, and anything else
/// is sent as typed, so the server refuses it (422, naming the field) rather than the
/// page quietly recording 0.
#[cfg(feature = "hydrate")]
fn number_field(text: &str) -> serde_json::Value {
    let text = text.trim();
    if text.is_empty() {
        return serde_json::json!(0);
    }
    text.parse::<i64>()
        .map(|n| serde_json::json!(n))
        .unwrap_or_else(|_| serde_json::json!(text))
}

/// The steps the person may take now, each a small form: through the outbox after
/// hydration, a plain post without JavaScript.
#[component]
fn StepForms(
    id: Uuid,
    actions: Vec<OutreachAction>,
    csrf: String,
    organisations: Vec<Organisation>,
    already: Vec<Uuid>,
    /// Placements need an answer: without one, a close records none.
    answered: bool,
) -> impl IntoView {
    let max_placements = if answered {
        crate::bounded::Placements::MAX
    } else {
        0
    };
    let lang = use_lang();
    let store = use_sync_store();
    let forms = actions
        .into_iter()
        .map(|action| {
            let form_ref = NodeRef::<leptos::html::Form>::new();
            let on_submit = move |ev: leptos::ev::SubmitEvent| {
                let Some(form) = form_ref.get() else {
                    return;
                };
                #[cfg(feature = "hydrate")]
                let body = {
                    let values = form_values(&form);
                    let get = |name: &str| {
                        values
                            .iter()
                            .find(|(k, _)| k == name)
                            .map(|(_, v)| v.clone())
                    };
                    let ids: Vec<String> = values
                        .iter()
                        .filter(|(k, _)| k == "organisation_ids")
                        .map(|(_, v)| v.clone())
                        .collect();
                    let mut body = serde_json::json!({ "action": action.as_str() });
                    if let Some(c) = get("comment").filter(|c| !c.trim().is_empty()) {
                        body["comment"] = serde_json::json!(c);
                    }
                    if action == OutreachAction::Route {
                        body["organisation_ids"] = serde_json::json!(ids);
                    }
                    if action == OutreachAction::Close {
                        body["outcome"] = serde_json::json!({
                            "placements": number_field(&get("placements").unwrap_or_default()),
                            "note": get("outcome_note").unwrap_or_default(),
                        });
                    }
                    body
                };
                #[cfg(not(feature = "hydrate"))]
                let body = {
                    drop(form);
                    serde_json::Value::Null
                };
                let queued = store.send(NewWrite {
                    method: "POST",
                    path: format!("/api/v1/outreach-requests/{id}/transitions"),
                    body,
                    answer_kind: Some(ChangeKind::OutreachRequest),
                    thread_id: None,
                    summary: t(lang.get_untracked(), action_key(action)).to_string(),
                });
                if queued {
                    ev.prevent_default();
                }
            };
            let fields = match action {
                OutreachAction::Route => {
                    let choices = organisations
                        .iter()
                        .filter(|o| !already.contains(&o.id))
                        .map(|o| {
                            let input_id = format!("route-{}", o.id);
                            view! {
                                <div class="check">
                                    <input id=input_id.clone() type="checkbox" name="organisation_ids" value=o.id.to_string()/>
                                    <label for=input_id>{o.name.clone()}</label>
                                </div>
                            }
                        })
                        .collect_view();
                    view! {
                        <fieldset>
                            <legend>{tr(Key::RouteTo)}</legend>
                            {choices}
                        </fieldset>
                        <div class="field">
                            <label for="route-comment">{tr(Key::Comment)}</label>
                            <textarea id="route-comment" name="comment" rows="2" maxlength="5000"></textarea>
                        </div>
                    }
                        .into_any()
                }
                OutreachAction::Return | OutreachAction::Decline => {
                    let input_id = format!("{}-comment", action.as_str());
                    view! {
                        <div class="field">
                            <label for=input_id.clone()>{tr(Key::Reason)}</label>
                            <textarea id=input_id name="comment" rows="2" required maxlength="5000"></textarea>
                        </div>
                    }
                        .into_any()
                }
                OutreachAction::Close => view! {
                    <div class="field">
                        <label for="close-placements">{tr(Key::OutcomePlacements)}</label>
                        <input id="close-placements" name="placements" type="number" min="0" max=max_placements.to_string() value="0" required/>
                    </div>
                    <div class="field">
                        <label for="close-note">{tr(Key::OutcomeNote)}</label>
                        <textarea id="close-note" name="outcome_note" rows="2" maxlength="5000"></textarea>
                    </div>
                }
                .into_any(),
                _ => ().into_any(),
            };
            view! {
                <form
                    method="post"
                    action=format!("/outreach/{id}/transitions")
                    class="stack step"
                    node_ref=form_ref
                    on:submit=on_submit
                >
                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                    <input type="hidden" name="action" value=action.as_str()/>
                    {fields}
                    <button type="submit" class=if action == OutreachAction::Withdraw { "danger" } else { "primary" }>
                        {tr(action_key(action))}
                    </button>
                </form>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="steps-heading">
            <h2 id="steps-heading">{tr(Key::ActionsSection)}</h2>
            {forms}
        </section>
    }
}

/// An addressed organisation's answer: what it can offer, up to three companies.
#[component]
fn AnswerForm(id: Uuid, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(form) = form_ref.get() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        let body = {
            let values = form_values(&form);
            let all = |name: &str| -> Vec<String> {
                values
                    .iter()
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            let get = |name: &str| all(name).into_iter().next().unwrap_or_default();
            let (names, sectors, areas) = (
                all("company_name"),
                all("company_sector"),
                all("company_area"),
            );
            let companies: Vec<serde_json::Value> = names
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.trim().is_empty())
                .map(|(i, n)| {
                    serde_json::json!({
                        "name": n,
                        "sector": sectors.get(i).cloned().unwrap_or_default(),
                        "area": areas.get(i).cloned().unwrap_or_default(),
                    })
                })
                .collect();
            let optional = |name: &str| Some(get(name)).filter(|v| !v.trim().is_empty());
            serde_json::json!({
                "body": get("body"),
                "placements_offered": number_field(&get("placements_offered")),
                "companies": companies,
                "conditions": optional("conditions"),
                "next_steps": optional("next_steps"),
            })
        };
        #[cfg(not(feature = "hydrate"))]
        let body = {
            drop(form);
            serde_json::Value::Null
        };
        let queued = store.send(NewWrite {
            method: "POST",
            path: format!("/api/v1/outreach-requests/{id}/responses"),
            body,
            answer_kind: None,
            thread_id: None,
            summary: t(lang.get_untracked(), Key::SendAnswer).to_string(),
        });
        if queued {
            ev.prevent_default();
            if let Some(form) = form_ref.get() {
                form.reset();
            }
        }
    };
    let company = |n: usize| {
        view! {
            <fieldset class="company">
                <legend>{tr(Key::CompanyN)} " " {n}</legend>
                <div class="field">
                    <label for=format!("company-name-{n}")>{tr(Key::CompanyName)}</label>
                    <input id=format!("company-name-{n}") name="company_name" type="text" maxlength="200"/>
                </div>
                <div class="field">
                    <label for=format!("company-sector-{n}")>{tr(Key::CompanySector)}</label>
                    <input id=format!("company-sector-{n}") name="company_sector" type="text" maxlength="200"/>
                </div>
                <div class="field">
                    <label for=format!("company-area-{n}")>{tr(Key::CompanyArea)}</label>
                    <input id=format!("company-area-{n}") name="company_area" type="text" maxlength="200"/>
                </div>
            </fieldset>
        }
    };
    view! {
        <section class="panel" aria-labelledby="answer-heading">
            <h2 id="answer-heading">{tr(Key::AnswerSection)}</h2>
            <form
                method="post"
                action=format!("/outreach/{id}/responses")
                class="stack"
                node_ref=form_ref
                on:submit=on_submit
            >
                <input type="hidden" name="csrf_token" value=csrf/>
                <div class="field">
                    <label for="answer-body">{tr(Key::AnswerBody)}</label>
                    <textarea id="answer-body" name="body" rows="4" required maxlength="5000"></textarea>
                </div>
                <div class="field">
                    <label for="answer-placements">{tr(Key::PlacementsOffered)}</label>
                    <input id="answer-placements" name="placements_offered" type="number" min="0" max=crate::bounded::Placements::MAX.to_string() value="0"/>
                </div>
                {company(1)}
                {company(2)}
                {company(3)}
                <div class="field">
                    <label for="answer-conditions">{tr(Key::Conditions)}</label>
                    <textarea id="answer-conditions" name="conditions" rows="2" maxlength="5000"></textarea>
                </div>
                <div class="field">
                    <label for="answer-next">{tr(Key::NextSteps)}</label>
                    <textarea id="answer-next" name="next_steps" rows="2" maxlength="5000"></textarea>
                </div>
                <button type="submit" class="primary">{tr(Key::SendAnswer)}</button>
            </form>
        </section>
    }
}
