//! `/plans`: the network's implementation plans, each with its period, its latest revision
//! and how its items stand. After hydration each plan follows the local store.

use leptos::prelude::*;

use super::labels::{error_key, period_label, revision_label, status_key};
use super::{ImplementationPlan, PlanItemStatus, PlansPage};
use crate::api::fetch_plans_page;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::{tr, use_lang};

#[component]
pub fn PlansListView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_plans_page());
    signed_in_page(
        page,
        || None,
        |_me, page| view! { <PlanList page/> }.into_any(),
    )
}

#[component]
fn PlanList(page: PlansPage) -> impl IntoView {
    let store = use_sync_store();
    let error = query("error");
    let from_server = page.plans.clone();
    let plans = Memo::new(move |_| {
        let mut all: std::collections::BTreeMap<uuid::Uuid, ImplementationPlan> =
            from_server.iter().map(|p| (p.id, p.clone())).collect();
        store.records.with(|r| {
            for (id, plan) in &r.plans {
                if let Some(plan) = super::stored(plan) {
                    all.insert(*id, plan);
                }
            }
        });
        let mut list: Vec<ImplementationPlan> = all.into_values().collect();
        list.sort_by_key(|p| std::cmp::Reverse(p.content.period_start));
        list
    });
    view! {
        <h1>{tr(Key::PlansHeading)}</h1>
        <p class="lead">{tr(Key::PlansLead)}</p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {page.can_create.then(|| view! { <p><a class="button" href="/plans/new">{tr(Key::NewPlan)}</a></p> })}
        {move || {
            let list = plans.get();
            if list.is_empty() {
                return view! { <p class="empty">{tr(Key::NoPlans)}</p> }.into_any();
            }
            view! { <PlanTable list/> }.into_any()
        }}
    }
}

#[component]
fn PlanTable(list: Vec<ImplementationPlan>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-scroll">
            <table class="plan-list">
                <caption class="visually-hidden">{tr(Key::PlansHeading)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::PlanTitle)}</th>
                        <th scope="col">{tr(Key::PlanPeriod)}</th>
                        <th scope="col">{tr(Key::PlanRevisionField)}</th>
                        {PlanItemStatus::ALL.iter().map(|s| view! { <th scope="col">{tr(status_key(*s))}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|p| {
                        let (start, end) = (p.content.period_start, p.content.period_end);
                        let revision = p.revision;
                        let counts: Vec<usize> = PlanItemStatus::ALL
                            .iter()
                            .map(|s| {
                                p.content.items.iter().filter(|i| {
                                    p.progress_of(i.id).map(|x| x.status).unwrap_or_default() == *s
                                }).count()
                            })
                            .collect();
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=format!("/plans/{}", p.id)>{p.content.title.clone()}</a>
                                    <br/><span class="muted">{p.platform_name.clone()}</span>
                                </th>
                                <td>{move || period_label(start, end, lang.get())}</td>
                                <td>
                                    {move || revision_label(revision, lang.get())}
                                    {p.unpublished_changes.then(|| view! { " "<span class="badge">{tr(Key::PlanChanged)}</span> })}
                                </td>
                                {counts.into_iter().map(|n| view! { <td class="number">{n}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
