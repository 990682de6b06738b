//! The outreach-request pages: the list (the requester's platform, the secretariat's
//! whole prefecture with counts, an organisation's routed requests; open and soonest
//! first, overdue flagged), a request's page (profile, each organisation's status,
//! answers, timeline and the steps the person may take) and the drafting form, which
//! says what looks like personal data before anything is saved. All render on the
//! server and post plain forms; after hydration the list and the page follow the sync
//! engine, and steps and answers go through the outbox.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::{fetch_outreach_form_page, fetch_outreach_list_page, fetch_outreach_page};
use crate::domain::{ChangeKind, Me};
use crate::i18n::{
    accommodation_key, outreach_kind_key as kind_key, outreach_state_key as state_key,
    recipient_status_key as status_key, t, target_group_key as group_key, Key,
};
use crate::outreach::{
    Accommodation, OutreachAction, OutreachFormPage, OutreachKind, OutreachListPage, OutreachPage,
    OutreachRequest, OutreachState, TargetGroup,
};
use crate::pages::{query, signed_in_page, Notice};
use crate::personal_data::PersonalDataKind;
use crate::sync::{use_sync_store, NewWrite};
use crate::threads_pages::japan_time;
use crate::wareki::display_date;
use crate::{tr, use_lang};

fn action_key(action: OutreachAction) -> Key {
    match action {
        OutreachAction::Submit => Key::ActSubmit,
        OutreachAction::Route => Key::ActRoute,
        OutreachAction::Return => Key::ActReturn,
        OutreachAction::Acknowledge => Key::ActAcknowledge,
        OutreachAction::Decline => Key::ActDecline,
        OutreachAction::Close => Key::ActClose,
        OutreachAction::Withdraw => Key::ActWithdraw,
    }
}

fn step_key(step: &str) -> Key {
    match step {
        "created" => Key::StepCreated,
        "edited" => Key::StepEdited,
        "answered" => Key::StepAnswered,
        "submit" => Key::StepSubmit,
        "route" => Key::StepRoute,
        "return" => Key::StepReturn,
        "acknowledge" => Key::StepAcknowledge,
        "decline" => Key::StepDecline,
        "close" => Key::StepClose,
        _ => Key::StepWithdraw,
    }
}

fn personal_data_key(kind: PersonalDataKind) -> Key {
    match kind {
        PersonalDataKind::PhoneNumber => Key::PdPhone,
        PersonalDataKind::EmailAddress => Key::PdEmail,
        PersonalDataKind::IndividualNumber => Key::PdIndividualNumber,
        PersonalDataKind::StreetAddress => Key::PdAddress,
    }
}

/// The label of a form field, by its name.
fn field_key(name: &str) -> Key {
    match name {
        "title" => Key::FieldTitle,
        "description" => Key::FieldDescription,
        "area" => Key::FieldArea,
        "age_band" => Key::FieldAgeBand,
        "desired_work" => Key::FieldDesiredWork,
        "hours" => Key::FieldHours,
        "accommodations_note" => Key::FieldAccommodationsNote,
        "start" => Key::FieldStart,
        "comment" => Key::Comment,
        "outcome_note" => Key::OutcomeNote,
        "body" => Key::AnswerBody,
        "conditions" => Key::Conditions,
        "next_steps" => Key::NextSteps,
        _ => Key::CompanyN,
    }
}

/// The page's message for a refusal sent back as `?error=`.
fn error_key(code: &str) -> Key {
    match code {
        "personal_data" => Key::PersonalDataRefused,
        "invalid_deadline" => Key::InvalidDeadline,
        "comment_required" => Key::CommentRequired,
        "outcome_required" => Key::OutcomeRequired,
        "already_routed" => Key::AlreadyRouted,
        "invalid_platform" => Key::InvalidOutreachPlatform,
        "invalid_organisation" => Key::ThreadInvalidOrganisations,
        "invalid_transition" => Key::InvalidTransition,
        "forbidden" => Key::ErrorForbidden,
        _ => Key::InvalidOutreachField,
    }
}

fn deadline_view(deadline: chrono::NaiveDate) -> impl IntoView {
    let lang = use_lang();
    let iso = deadline.format("%Y-%m-%d").to_string();
    view! {
        <time datetime=iso.clone() title=move || format!("{}: {iso}", t(lang.get(), Key::Gregorian))>
            {move || display_date(deadline, lang.get())}
        </time>
    }
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

type ListParams = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn list_params() -> Memo<ListParams> {
    let (state, kind, platform, overdue, page) = (
        query("state"),
        query("kind"),
        query("platform"),
        query("overdue"),
        query("page"),
    );
    Memo::new(move |_| {
        (
            state.get(),
            kind.get(),
            platform.get(),
            overdue.get(),
            page.get(),
        )
    })
}

async fn fetch_listed(params: ListParams) -> Result<OutreachListPage, crate::api::AppError> {
    let (state, kind, platform, overdue, page) = params;
    fetch_outreach_list_page(state, kind, platform, overdue, page).await
}

#[component]
pub fn OutreachListView() -> impl IntoView {
    let params = list_params();
    let page = Resource::new(move || params.get(), fetch_listed);
    signed_in_page(
        page,
        || None,
        |_, page| view! { <OutreachListBody page/> }.into_any(),
    )
}

#[component]
fn OutreachListBody(page: OutreachListPage) -> impl IntoView {
    let lang = use_lang();
    let params = list_params();
    let store = use_sync_store();
    // The list is the server's answer (filtered, paged); asked again whenever the store
    // hears of a change, so it stays live.
    let listed = store.refreshed(
        page.list.clone(),
        || true,
        move || async move {
            fetch_listed(params.get_untracked())
                .await
                .ok()
                .map(|p| p.list)
        },
    );
    let filter = Memo::new(move |_| {
        let (state, kind, platform, overdue, page) = params.get();
        crate::outreach::OutreachFilter::from_params(state, kind, platform, overdue, page)
    });
    let state = move || filter.with(|f| f.state);
    let kind = move || filter.with(|f| f.kind);
    let platform = move || filter.with(|f| f.platform);
    let page_link = move |to: u64| {
        let (state, kind, platform, overdue, _) = params.get();
        let mut q: Vec<String> = Vec::new();
        for (name, value) in [
            ("state", state),
            ("kind", kind),
            ("platform", platform),
            ("overdue", overdue),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                q.push(format!("{name}={v}"));
            }
        }
        q.push(format!("page={to}"));
        format!("/outreach?{}", q.join("&"))
    };
    let error = query("error");
    view! {
        <h1>{tr(Key::OutreachTitle)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {page
            .can_create
            .then(|| {
                view! {
                    <p>
                        <a href="/outreach/new" class="button primary">{tr(Key::NewOutreach)}</a>
                    </p>
                }
            })}
        <form method="get" action="/outreach" class="panel filters" role="search">
            <div class="field">
                <label for="outreach-state">{tr(Key::StateFilter)}</label>
                <select id="outreach-state" name="state">
                    <option value="" selected=move || state().is_none()>{tr(Key::StateAll)}</option>
                    {OutreachState::ALL
                        .iter()
                        .map(|s| {
                            let s = *s;
                            view! {
                                <option value=s.as_str() selected=move || state() == Some(s)>
                                    {move || t(lang.get(), state_key(s))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="outreach-kind">{tr(Key::KindFilter)}</label>
                <select id="outreach-kind" name="kind">
                    <option value="" selected=move || kind().is_none()>{tr(Key::StateAll)}</option>
                    {OutreachKind::ALL
                        .iter()
                        .map(|k| {
                            let k = *k;
                            view! {
                                <option value=k.as_str() selected=move || kind() == Some(k)>
                                    {move || t(lang.get(), kind_key(k))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="outreach-platform">{tr(Key::PlatformFilter)}</label>
                <select id="outreach-platform" name="platform">
                    <option value="" selected=move || platform().is_none()>{tr(Key::PlatformAll)}</option>
                    {page
                        .platforms
                        .iter()
                        .map(|p| {
                            let id = p.id;
                            view! {
                                <option value=id.to_string() selected=move || platform() == Some(id)>
                                    {p.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="check">
                <input
                    id="outreach-overdue"
                    type="checkbox"
                    name="overdue"
                    value="1"
                    checked=move || filter.with(|f| f.overdue)
                />
                <label for="outreach-overdue">{tr(Key::OverdueOnly)}</label>
            </div>
            <button type="submit" class="primary">{tr(Key::SearchSubmit)}</button>
        </form>
        <p class="exports">
            {move || {
                let (state, kind, platform, overdue, _) = params.get();
                let mut q: Vec<String> = Vec::new();
                for (name, value) in [("state", state), ("kind", kind), ("platform", platform)] {
                    if let Some(v) = value.filter(|v| !v.is_empty()) {
                        q.push(format!("{name}={v}"));
                    }
                }
                if overdue.is_some_and(|o| !o.is_empty()) {
                    q.push("overdue=true".into());
                }
                let q = q.join("&");
                view! {
                    <a href=format!("/api/v1/outreach-requests/export.xlsx?{q}") download="依頼一覧.xlsx">
                        {tr(Key::ExportXlsx)}
                    </a>
                    " · "
                    <a href=format!("/api/v1/outreach-requests/export.csv?{q}") download="依頼一覧.csv">
                        {tr(Key::ExportCsv)}
                    </a>
                }
            }}
        </p>
        {page.summary.clone().map(|summary| view! { <SummaryTables summary/> })}
        <section class="panel" aria-labelledby="outreach-list-heading">
            <h2 id="outreach-list-heading">{tr(Key::OutreachList)}</h2>
            <p class="count" role="status">
                {move || listed.with(|l| l.total)} " " {tr(Key::Count)}
            </p>
            <Show
                when=move || listed.with(|l| !l.items.is_empty())
                fallback=|| view! { <p>{tr(Key::NoOutreach)}</p> }
            >
                <ul class="outreach-list">
                    <For
                        each=move || listed.with(|l| l.items.clone())
                        key=|r| (r.id, r.updated_at, r.state)
                        let:request
                    >
                        <OutreachRow request/>
                    </For>
                </ul>
            </Show>
            <nav class="pager" aria-label=tr(Key::OutreachList)>
                {move || {
                    let (page, per_page, total) = listed.with(|l| (l.page, l.per_page, l.total));
                    let previous = (page > 0)
                        .then(|| view! { <a href=page_link(page - 1) rel="prev">{tr(Key::PreviousPage)}</a> });
                    let next = ((page + 1) * per_page < total)
                        .then(|| view! { <a href=page_link(page + 1) rel="next">{tr(Key::NextPage)}</a> });
                    view! { {previous} " " {next} }
                }}
            </nav>
        </section>
    }
}

#[component]
fn SummaryTables(summary: crate::outreach::OutreachSummary) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel" aria-labelledby="counts-by-state">
            <h2 id="counts-by-state">{tr(Key::CountsByState)}</h2>
            <table class="counts">
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::StateFilter)}</th>
                        <th scope="col">{tr(Key::Count)}</th>
                    </tr>
                </thead>
                <tbody>
                    {summary
                        .by_state
                        .into_iter()
                        .map(|(state, n)| {
                            view! {
                                <tr>
                                    <th scope="row">
                                        <a href=format!("/outreach?state={}", state.as_str())>
                                            {move || t(lang.get(), state_key(state))}
                                        </a>
                                    </th>
                                    <td>{n}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <h2 id="counts-by-organisation">{tr(Key::CountsByOrganisation)}</h2>
            <div class="table-scroll">
                <table class="counts" aria-labelledby="counts-by-organisation">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Key::Organisation)}</th>
                            <th scope="col">{tr(Key::TStatusPending)}</th>
                            <th scope="col">{tr(Key::TStatusAcknowledged)}</th>
                            <th scope="col">{tr(Key::TStatusAnswered)}</th>
                            <th scope="col">{tr(Key::TStatusDeclined)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {summary
                            .by_organisation
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <tr>
                                        <th scope="row">{c.name}</th>
                                        <td>{c.pending}</td>
                                        <td>{c.acknowledged}</td>
                                        <td>{c.answered}</td>
                                        <td>{c.declined}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn OutreachRow(request: OutreachRequest) -> impl IntoView {
    let lang = use_lang();
    let state = request.state;
    let kind = request.kind;
    let needs = request.needs_action();
    let organisations = request
        .organisations
        .iter()
        .map(|o| (o.name.clone(), o.status))
        .collect::<Vec<_>>();
    view! {
        <li class=if request.overdue { "overdue" } else { "" }>
            <a href=format!("/outreach/{}", request.id) class="thread-subject">{request.title.clone()}</a>
            " "
            <span class="badge">{move || t(lang.get(), state_key(state))}</span>
            {request.overdue.then(|| view! { " " <span class="badge overdue">{tr(Key::Overdue)}</span> })}
            {needs.then(|| view! { " " <span class="badge unread">{tr(Key::NeedsAction)}</span> })}
            <div class="meta">
                <span>{request.platform_name.clone()}</span>
                " · "
                <span>{move || t(lang.get(), kind_key(kind))}</span>
                " · "
                <span>{tr(Key::FieldDeadline)} ": " {deadline_view(request.deadline)}</span>
            </div>
            {(!organisations.is_empty())
                .then(|| {
                    view! {
                        <div class="meta">
                            {organisations
                                .into_iter()
                                .map(|(name, status)| {
                                    view! {
                                        <span class="org-status">
                                            {name} ": " {move || t(lang.get(), status_key(status))}
                                        </span>
                                        " "
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                })}
        </li>
    }
}

// ---------------------------------------------------------------------------------------
// A request's page
// ---------------------------------------------------------------------------------------

fn id_param() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    })
}

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
                            answered=r.state == crate::outreach::OutreachState::Answered
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

/// The form values a step sends, as the browser has them: `(name, value)` pairs.
#[cfg(feature = "hydrate")]
pub(crate) fn form_values(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    use wasm_bindgen::JsCast;
    let Ok(list) = form.query_selector_all("input, textarea, select") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for node in (0..list.length()).filter_map(|i| list.item(i)) {
        if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
            let kind = input.type_();
            if (kind == "checkbox" || kind == "radio") && !input.checked() {
                continue;
            }
            out.push((input.name(), input.value()));
        } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            out.push((area.name(), area.value()));
        } else if let Some(select) = node.dyn_ref::<web_sys::HtmlSelectElement>() {
            out.push((select.name(), select.value()));
        }
    }
    out
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
    organisations: Vec<crate::domain::Organisation>,
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

// ---------------------------------------------------------------------------------------
// The drafting form
// ---------------------------------------------------------------------------------------

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
