//! The outreach list: the requester's platform, the secretariat's whole prefecture with
//! counts, an organisation's routed requests; open and soonest first, overdue flagged.
//! The server answers (filtered and paged); after hydration the list is asked for again
//! whenever the sync engine hears of a change, so it stays live.

use leptos::prelude::*;

use super::labels::{deadline_view, error_key};
use super::{
    OutreachFilter, OutreachKind, OutreachListPage, OutreachRequest, OutreachState, OutreachSummary,
};
use crate::api::fetch_outreach_list_page;
use crate::i18n::{
    outreach_kind_key as kind_key, outreach_state_key as state_key,
    recipient_status_key as status_key, t, Key,
};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::{tr, use_lang};

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
        OutreachFilter::from_params(state, kind, platform, overdue, page)
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
fn SummaryTables(summary: OutreachSummary) -> impl IntoView {
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
