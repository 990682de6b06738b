//! `/kpis`: the network's KPIs, each with its latest figure against its target and its
//! status. Server-rendered; after hydration each KPI follows the local store, so a share
//! published elsewhere shows at once.

use leptos::prelude::*;

use super::labels::{
    error_key, figure, kind_key, percent, progress_class, progress_key, status_key,
};
use super::{Kpi, KpiStatus, KpisPage};
use crate::api::fetch_kpis_page;
use crate::i18n::{t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::FiscalYear;
use crate::{tr, use_lang};

#[component]
pub fn KpisListView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_kpis_page());
    signed_in_page(
        page,
        || None,
        |_me, page| view! { <KpiList page/> }.into_any(),
    )
}

/// The KPIs in the order the secretariat publishes them: published first, then by name.
fn ordered(mut kpis: Vec<Kpi>) -> Vec<Kpi> {
    kpis.sort_by(|a, b| {
        (a.status != KpiStatus::Published, &a.definition.name)
            .cmp(&(b.status != KpiStatus::Published, &b.definition.name))
    });
    kpis
}

#[component]
fn KpiList(page: KpisPage) -> impl IntoView {
    let store = use_sync_store();
    let error = query("error");
    let from_server = page.kpis.clone();
    let kpis = Memo::new(move |_| {
        let mut all: std::collections::BTreeMap<uuid::Uuid, Kpi> =
            from_server.iter().map(|k| (k.id, k.clone())).collect();
        store.records.with(|r| {
            for (id, kpi) in &r.kpis {
                if let Some(kpi) = super::stored(kpi) {
                    all.insert(*id, kpi);
                }
            }
        });
        ordered(all.into_values().collect())
    });
    view! {
        <h1>{tr(Key::KpisHeading)}</h1>
        <p class="lead">{tr(Key::KpisLead)}</p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {page.can_create.then(|| view! { <p><a class="button" href="/kpis/new">{tr(Key::NewKpi)}</a></p> })}
        {move || {
            let list = kpis.get();
            if list.is_empty() {
                return view! { <p class="empty">{tr(Key::NoKpis)}</p> }.into_any();
            }
            view! { <KpiTable list/> }.into_any()
        }}
    }
}

#[component]
fn KpiTable(list: Vec<Kpi>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-scroll">
            <table class="kpi-list">
                <caption class="visually-hidden">{tr(Key::KpisHeading)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::KpiName)}</th>
                        <th scope="col">{tr(Key::KpiKind)}</th>
                        <th scope="col">{tr(Key::KpiLatestYear)}</th>
                        <th scope="col">{tr(Key::KpiActual)}</th>
                        <th scope="col">{tr(Key::KpiTargetToDate)}</th>
                        <th scope="col">{tr(Key::KpiAchievement)}</th>
                        <th scope="col">{tr(Key::KpiProgress)}</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|k| {
                            let latest = k
                                .progress
                                .latest
                                .and_then(|y| k.progress.years.iter().find(|p| p.fiscal_year == y))
                                .cloned();
                            let (actual, target) = match &latest {
                                Some(y) if y.cumulative_target.is_some() => (y.cumulative_actual, y.cumulative_target),
                                Some(y) => (y.actual, y.target),
                                None => (None, None),
                            };
                            let unit = k.definition.unit.clone();
                            let unit2 = unit.clone();
                            let status = k.progress.status;
                            let draft = k.status == KpiStatus::Draft;
                            let kind = k.definition.kind;
                            let year = latest.as_ref().map(|y| FiscalYear(y.fiscal_year));
                            let pct = latest.as_ref().and_then(|y| y.percent);
                            view! {
                                <tr>
                                    <th scope="row">
                                        <a href=format!("/kpis/{}", k.id)>{k.definition.name.clone()}</a>
                                        {draft.then(|| view! { " " <span class="badge">{tr(status_key(KpiStatus::Draft))}</span> })}
                                    </th>
                                    <td>{tr(kind_key(kind))}</td>
                                    <td>{move || year.map(|y| y.wareki()).unwrap_or_else(|| t(lang.get(), Key::NotReported).to_string())}</td>
                                    <td class="number">{move || format!("{}{}", figure(actual, lang.get()), if actual.is_some() { unit.as_str() } else { "" })}</td>
                                    <td class="number">{move || format!("{}{}", figure(target, lang.get()), if target.is_some() { unit2.as_str() } else { "" })}</td>
                                    <td class="number">{move || percent(pct, lang.get())}</td>
                                    <td><span class=progress_class(status)>{tr(progress_key(status))}</span></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
