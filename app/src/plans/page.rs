//! A plan's page: its sections in the official order, its items under each target group
//! with their progress, a board of items by status, the revisions and the forms to
//! publish, compare and report progress; and the print view, the same plan without the
//! forms. Every form is a plain post, so the page works without JavaScript; with it, the
//! default view follows the local store, so progress reported elsewhere shows at once.

use leptos::prelude::*;

use super::labels::{
    error_key, group_key, names, period_label, revision_label, section_key, status_class,
    status_key, years_label,
};
use super::{ImplementationPlan, PlanItem, PlanItemStatus, PlanSection, ITEM_GROUPS};
use crate::api::fetch_plan_page;
use crate::components::id_param;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::japan_time;
use crate::{tr, use_lang};

/// The plan's resource: the id in the path and `?revision=` (0 or absent: the default).
fn plan_resource() -> Resource<Result<ImplementationPlan, crate::api::AppError>> {
    let id = id_param();
    let revision = query("revision");
    Resource::new(
        move || {
            (
                id.get(),
                revision
                    .get()
                    .and_then(|r| r.parse::<u32>().ok())
                    .unwrap_or(0),
            )
        },
        |(id, revision)| async move {
            match id {
                Some(id) => fetch_plan_page(id, revision).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    )
}

#[component]
pub fn PlanPageView() -> impl IntoView {
    signed_in_page(
        plan_resource(),
        || None,
        |me, plan| view! { <PlanBody plan csrf=me.csrf_token.clone()/> }.into_any(),
    )
}

#[component]
pub fn PlanPrintView() -> impl IntoView {
    signed_in_page(
        plan_resource(),
        || None,
        |_me, plan| {
            view! {
                <div class="plan-print">
                    <p class="no-print"><a href=format!("/plans/{}", plan.id)>{tr(Key::BackToPlan)}</a>" "{tr(Key::PlanPrintHint)}</p>
                    <PlanDocument plan csrf=None/>
                </div>
            }
            .into_any()
        },
    )
}

#[component]
fn PlanBody(plan: ImplementationPlan, csrf: String) -> impl IntoView {
    let store = use_sync_store();
    let id = plan.id;
    let shown = plan.shown_revision;
    let default_view = shown == 0 || shown == plan.revision && !plan.can_edit;
    let from_server = plan.clone();
    // The default view follows the feed; a past revision is fixed (its progress is not).
    let current = Memo::new(move |_| {
        if !default_view {
            return from_server.clone();
        }
        store
            .records
            .with(|r| r.plans.get(&id).and_then(super::stored))
            .unwrap_or_else(|| from_server.clone())
    });
    let error = query("error");
    let saved = query("saved");
    view! {
        <p><a href="/plans">{tr(Key::BackToPlans)}</a></p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || saved.get().map(|_| view! { <Notice key=Key::PlanSaved/> })}
        {move || {
            let plan = current.get();
            let csrf = csrf.clone();
            view! {
                <PlanActions plan=plan.clone() csrf=csrf.clone()/>
                <PlanDocument plan=plan.clone() csrf=Some(csrf.clone())/>
                <Board plan=plan.clone()/>
                <Revisions plan/>
            }
        }}
    }
}

/// The secretariat's actions (edit, publish) and everyone's (print, compare).
#[component]
fn PlanActions(plan: ImplementationPlan, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let id = plan.id;
    let publish = (plan.can_edit && plan.shown_revision == 0 && (plan.unpublished_changes || plan.revision == 0))
        .then(|| {
            let needs_note = plan.revision > 0;
            view! {
                <p class="notice">{tr(Key::PlanUnpublishedChanges)}</p>
                <form method="post" action=format!("/plans/{id}/publish") class="stack panel">
                    <h2>{tr(Key::PlanPublishHeading)}</h2>
                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                    <input type="hidden" name="version" value=plan.version.to_string()/>
                    <div class="field">
                        <label for="plan-note">{tr(Key::PlanRevisionNote)}</label>
                        <textarea id="plan-note" name="note" rows="2" maxlength="1000" required=needs_note></textarea>
                    </div>
                    <button type="submit">{tr(Key::PlanPublishButton)}</button>
                </form>
            }
        });
    let shown = plan.shown_revision;
    let print = if shown == 0 {
        format!("/plans/{id}/print")
    } else {
        format!("/plans/{id}/print?revision={shown}")
    };
    let (start, end) = (plan.content.period_start, plan.content.period_end);
    let this_year = crate::wareki::FiscalYear::of(crate::wareki::japan_today(chrono::Utc::now())).0;
    let report_year = this_year.clamp(start, end.max(start));
    view! {
        <p class="actions">
            {plan.can_edit.then(|| view! { <a class="button" href=format!("/plans/{id}/edit")>{tr(Key::EditPlan)}</a>" " })}
            <a href=print>{tr(Key::PlanPrint)}</a>
        </p>
        <form method="get" action=format!("/api/v1/plans/{id}/report.xlsx") class="row">
            <div class="field">
                <label for="report-year">{tr(Key::PlanReportYear)}</label>
                <select id="report-year" name="fiscal_year">
                    {(start..=end).map(|y| view! {
                        <option value=y.to_string() selected=y == report_year>{move || crate::wareki::FiscalYear(y).label(lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">{tr(Key::PlanReport)}</button>
        </form>
        {publish}
        <p class="muted">{move || revision_label(shown, lang.get())}</p>
    }
}

/// The plan itself: title, period and the eight sections in the official order, the
/// items listed under 目標・主な取組 by target group.
#[component]
fn PlanDocument(plan: ImplementationPlan, csrf: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let content = plan.content.clone();
    let (start, end) = (content.period_start, content.period_end);
    let sections = content.sections.clone();
    let plan_for_items = plan.clone();
    view! {
        <article class="plan">
            <h1>{content.title.clone()}</h1>
            <p class="lead">{plan.platform_name.clone()}" ・ "{tr(Key::PlanPeriod)}"："{move || period_label(start, end, lang.get())}</p>
            {sections.into_iter().enumerate().map(|(i, s)| {
                let number = i + 1;
                let items = (s.section == PlanSection::GoalsAndMeasures).then(|| {
                    view! { <PlanItems plan=plan_for_items.clone() csrf=csrf.clone()/> }
                });
                view! {
                    <section class="plan-section" aria-labelledby=format!("section-{}", s.section.as_str())>
                        <h2 id=format!("section-{}", s.section.as_str())>{format!("{number} ")}{tr(section_key(s.section))}</h2>
                        <div class="markdown" inner_html=s.html.clone()></div>
                        {items}
                    </section>
                }
            }).collect_view()}
        </article>
    }
}

/// The items by target group, each with its progress and, where the reader may, the
/// form to report it.
#[component]
fn PlanItems(plan: ImplementationPlan, csrf: Option<String>) -> impl IntoView {
    if plan.content.items.is_empty() {
        return view! { <p class="empty">{tr(Key::NoPlanItems)}</p> }.into_any();
    }
    ITEM_GROUPS
        .iter()
        .filter(|g| plan.content.items_for(**g).next().is_some())
        .map(|group| {
            let items: Vec<PlanItem> = plan.content.items_for(*group).cloned().collect();
            let plan = plan.clone();
            let csrf = csrf.clone();
            view! {
                <h3>{tr(group_key(*group))}</h3>
                <ul class="plan-items">
                    {items.into_iter().map(|item| view! { <ItemCard item plan=plan.clone() csrf=csrf.clone()/> }).collect_view()}
                </ul>
            }
        })
        .collect_view()
        .into_any()
}

#[component]
fn ItemCard(item: PlanItem, plan: ImplementationPlan, csrf: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let progress = plan.progress_of(item.id).cloned();
    let status = progress.as_ref().map(|p| p.status).unwrap_or_default();
    let note = progress
        .as_ref()
        .map(|p| p.note.clone())
        .unwrap_or_default();
    let progress_version = progress.as_ref().map(|p| p.version).unwrap_or(0);
    let updated = progress.as_ref().and_then(|p| p.updated_at);
    let input = item.input.clone();
    let responsible = names(&input.responsible, &plan.organisations);
    let kpis = names(&input.kpis, &plan.kpis);
    let schedule = input.schedule.clone();
    let budget = input.budget;
    let form = csrf.filter(|_| plan.can_report.contains(&item.id)).map(|csrf| {
        let status_id = format!("status-{}", item.id);
        let note_id = format!("note-{}", item.id);
        view! {
            <form method="post" action=format!("/plans/{}/items/{}/progress", plan.id, item.id) class="row progress-form">
                <input type="hidden" name="csrf_token" value=csrf/>
                <input type="hidden" name="version" value=progress_version.to_string()/>
                <div class="field">
                    <label for=status_id.clone()>{tr(Key::KpiProgress)}</label>
                    <select id=status_id name="status">
                        {PlanItemStatus::ALL.iter().map(|s| view! {
                            <option value=s.as_str() selected=*s == status>{tr(status_key(*s))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field grow">
                    <label for=note_id.clone()>{tr(Key::PlanProgressNote)}</label>
                    <input id=note_id name="note" type="text" maxlength="1000" value=note.clone()/>
                </div>
                <button type="submit">{tr(Key::PlanReportProgress)}</button>
            </form>
        }
    });
    view! {
        <li class="plan-item card" id=format!("item-{}", item.id)>
            <h4>{input.title.clone()}" "<span class=status_class(status)>{tr(status_key(status))}</span></h4>
            {(!input.description.is_empty()).then(|| view! { <p>{input.description.clone()}</p> })}
            <dl class="facts">
                {(!responsible.is_empty()).then(|| view! { <dt>{tr(Key::PlanItemResponsible)}</dt><dd>{responsible}</dd> })}
                {(!schedule.is_empty()).then(|| view! { <dt>{tr(Key::PlanItemSchedule)}</dt><dd>{move || years_label(&schedule, lang.get())}</dd> })}
                {budget.map(|b| view! { <dt>{tr(Key::PlanItemBudget)}</dt><dd class="number">{crate::kpis::labels::group_digits(b)}</dd> })}
                {(!kpis.is_empty()).then(|| view! { <dt>{tr(Key::PlanItemKpis)}</dt><dd>{kpis}</dd> })}
                {(!note.is_empty()).then(|| view! { <dt>{tr(Key::PlanProgressNote)}</dt><dd>{note.clone()}</dd> })}
                {updated.map(|at| view! { <dt class="visually-hidden">{tr(Key::PlanReportProgress)}</dt><dd class="muted">{move || japan_time(at, lang.get())}</dd> })}
            </dl>
            {form}
        </li>
    }
}

/// How many items stand at each status: the plan-item board.
#[component]
fn Board(plan: ImplementationPlan) -> impl IntoView {
    if plan.content.items.is_empty() {
        return ().into_any();
    }
    let status_of = |item: &PlanItem| {
        plan.progress_of(item.id)
            .map(|p| p.status)
            .unwrap_or_default()
    };
    view! {
        <section class="plan-board" aria-labelledby="plan-board">
            <h2 id="plan-board">{tr(Key::PlanBoard)}</h2>
            <div class="board">
                {PlanItemStatus::ALL.iter().map(|s| {
                    let items: Vec<PlanItem> = plan.content.items.iter().filter(|i| status_of(i) == *s).cloned().collect();
                    view! {
                        <div class="board-column">
                            <h3>{tr(status_key(*s))}" "<span class="count">{items.len()}</span></h3>
                            <ul>
                                {items.into_iter().map(|i| view! { <li><a href=format!("#item-{}", i.id)>{i.input.title}</a></li> }).collect_view()}
                            </ul>
                        </div>
                    }
                }).collect_view()}
            </div>
        </section>
    }
    .into_any()
}

/// The revisions, newest first, each readable; and the form to compare two.
#[component]
fn Revisions(plan: ImplementationPlan) -> impl IntoView {
    let lang = use_lang();
    if plan.revisions.is_empty() {
        return ().into_any();
    }
    let id = plan.id;
    let mut choices: Vec<u32> = plan.revisions.iter().map(|r| r.revision).collect();
    if plan.can_edit {
        choices.push(0);
    }
    let latest = plan.revision;
    let previous = latest.saturating_sub(1).max(1);
    let options = move |selected: u32| {
        choices
            .iter()
            .map(|n| {
                let n = *n;
                view! { <option value=n.to_string() selected=n == selected>{move || revision_label(n, lang.get())}</option> }
            })
            .collect_view()
    };
    view! {
        <section aria-labelledby="plan-revisions">
            <h2 id="plan-revisions">{tr(Key::PlanRevisions)}</h2>
            <ul class="revisions">
                {plan.revisions.iter().map(|r| {
                    let n = r.revision;
                    let at = r.published_at;
                    view! {
                        <li>
                            <a href=format!("/plans/{id}?revision={n}")>{move || revision_label(n, lang.get())}</a>
                            " "{move || japan_time(at, lang.get())}
                            {(!r.note.is_empty()).then(|| view! { " — "{r.note.clone()} })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form method="get" action=format!("/plans/{id}/compare") class="row">
                <div class="field">
                    <label for="compare-from">{tr(Key::PlanCompareFrom)}</label>
                    <select id="compare-from" name="from">{options(previous)}</select>
                </div>
                <div class="field">
                    <label for="compare-to">{tr(Key::PlanCompareTo)}</label>
                    <select id="compare-to" name="to">{options(latest)}</select>
                </div>
                <button type="submit">{tr(Key::PlanCompare)}</button>
            </form>
        </section>
    }
    .into_any()
}
