//! The plan editor (the secretariat): title, period and the eight sections; then the
//! items, each changed or removed on its own, and a new one added. Plain form posts, with
//! or without JavaScript; each carries the version it was read at, so two secretaries
//! editing at once cannot overwrite each other (409 `edit_conflict`, shown as a notice).

use leptos::prelude::*;

use super::labels::{error_key, group_key, section_key};
use super::{section_field, NamedRef, PlanFormPage, PlanItem, PlanItemInput, ITEM_GROUPS};
use crate::api::fetch_plan_form_page;
use crate::components::id_param;
use crate::domain::Me;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, Notice};
use crate::wareki::FiscalYear;
use crate::{tr, use_lang};

#[component]
pub fn PlanNewView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_plan_form_page(None));
    signed_in_page(
        page,
        || None,
        |me, page| view! { <PlanForm page me/> }.into_any(),
    )
}

#[component]
pub fn PlanEditView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_plan_form_page(Some(id)).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <PlanForm page me/> }.into_any(),
    )
}

#[component]
fn PlanForm(page: PlanFormPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let saved = query("saved");
    let plan = page.plan.clone();
    let this_year = FiscalYear::of(crate::wareki::japan_today(chrono::Utc::now())).0;
    let start = plan
        .as_ref()
        .map(|p| p.content.period_start)
        .unwrap_or(this_year);
    let end = plan
        .as_ref()
        .map(|p| p.content.period_end)
        .unwrap_or(this_year + 2);
    let year_options = move |selected: i32| {
        (this_year - 15..=this_year + 15)
            .chain((!(this_year - 15..=this_year + 15).contains(&selected)).then_some(selected))
            .map(|y| view! { <option value=y.to_string() selected=y == selected>{move || FiscalYear(y).label(lang.get())}</option> })
            .collect_view()
    };
    let action = match &plan {
        Some(p) => format!("/plans/{}/edit", p.id),
        None => "/plans".to_string(),
    };
    let heading = if plan.is_some() {
        Key::EditPlan
    } else {
        Key::NewPlan
    };
    let csrf = me.csrf_token.clone();
    let sections = super::PlanSection::ALL.iter().map(|s| {
        let body = plan
            .as_ref()
            .and_then(|p| p.content.section(*s).map(|t| t.body.clone()))
            .unwrap_or_default();
        let field = section_field(*s);
        view! {
            <div class="field">
                <label for=field.clone()>{tr(section_key(*s))}</label>
                <textarea id=field.clone() name=field rows="6" maxlength="20000">{body}</textarea>
            </div>
        }
    }).collect_view();
    let items = plan.clone().map(|p| {
        view! { <ItemsEditor plan=p page=page.clone() csrf=csrf.clone()/> }
    });
    view! {
        {plan.as_ref().map(|p| view! { <p><a href=format!("/plans/{}", p.id)>{tr(Key::BackToPlan)}</a></p> })}
        <h1>{tr(heading)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || saved.get().map(|_| view! { <Notice key=Key::PlanSaved/> })}
        <form method="post" action=action class="stack panel plan-form">
            <input type="hidden" name="csrf_token" value=csrf.clone()/>
            {plan.as_ref().map(|p| view! { <input type="hidden" name="version" value=p.version.to_string()/> })}
            <div class="field">
                <label for="plan-title">{tr(Key::PlanTitle)}</label>
                <input id="plan-title" name="title" type="text" required maxlength="200"
                    value=plan.as_ref().map(|p| p.content.title.clone()).unwrap_or_default()/>
            </div>
            <fieldset>
                <legend>{tr(Key::PlanPeriod)}</legend>
                <div class="row">
                    <div class="field">
                        <label for="plan-start">{tr(Key::KpiPeriodStart)}</label>
                        <select id="plan-start" name="period_start">{year_options(start)}</select>
                    </div>
                    <div class="field">
                        <label for="plan-end">{tr(Key::KpiPeriodEnd)}</label>
                        <select id="plan-end" name="period_end">{year_options(end)}</select>
                    </div>
                </div>
            </fieldset>
            <p class="muted">{tr(Key::PlanSectionsHint)}</p>
            {sections}
            <button type="submit">{tr(Key::Save)}</button>
        </form>
        {items}
    }
}

/// The items of the working copy, each in its own form, and a form for a new one.
#[component]
fn ItemsEditor(plan: super::ImplementationPlan, page: PlanFormPage, csrf: String) -> impl IntoView {
    let items = plan.content.items.clone();
    let years: Vec<i32> = (plan.content.period_start..=plan.content.period_end).collect();
    view! {
        <section id="items" aria-labelledby="items-heading">
            <h2 id="items-heading">{tr(Key::PlanItems)}</h2>
            {items.into_iter().map(|item| {
                let title = item.input.title.clone();
                view! {
                    <details class="panel">
                        <summary>{title}" — "{tr(group_key(item.input.target_group))}</summary>
                        <ItemForm plan_id=plan.id version=plan.version item=Some(item) years=years.clone()
                            organisations=page.organisations.clone() kpis=page.kpis.clone() csrf=csrf.clone()/>
                    </details>
                }
            }).collect_view()}
            <h3>{tr(Key::PlanAddItem)}</h3>
            <ItemForm plan_id=plan.id version=plan.version item=None years=years.clone()
                organisations=page.organisations.clone() kpis=page.kpis.clone() csrf=csrf.clone()/>
        </section>
    }
}

#[component]
fn ItemForm(
    plan_id: uuid::Uuid,
    version: u32,
    item: Option<PlanItem>,
    years: Vec<i32>,
    organisations: Vec<NamedRef>,
    kpis: Vec<NamedRef>,
    csrf: String,
) -> impl IntoView {
    let lang = use_lang();
    // Ids unique on the page: the item's id, or "new".
    let key = item
        .as_ref()
        .map(|i| i.id.to_string())
        .unwrap_or_else(|| "new".into());
    let input = item
        .as_ref()
        .map(|i| i.input.clone())
        .unwrap_or(PlanItemInput {
            target_group: None,
            title: String::new(),
            description: String::new(),
            responsible: Vec::new(),
            schedule: Vec::new(),
            budget: None,
            kpis: Vec::new(),
        });
    let id = |field: &str| format!("item-{key}-{field}");
    let checks = |name: &'static str, refs: &[NamedRef], chosen: &[uuid::Uuid]| {
        refs.iter().map(|r| {
            let input_id = format!("item-{key}-{name}-{}", r.id);
            view! {
                <div class="check">
                    <input id=input_id.clone() type="checkbox" name=name value=r.id.to_string() checked=chosen.contains(&r.id)/>
                    <label for=input_id>{r.name.clone()}</label>
                </div>
            }
        }).collect_view()
    };
    let remove = item.as_ref().map(|i| view! {
        <button type="submit" name="action" value="remove" class="secondary">{tr(Key::PlanRemoveItem)}</button>
        <input type="hidden" name="item_id" value=i.id.to_string()/>
    });
    view! {
        <form method="post" action=format!("/plans/{plan_id}/items") class="stack">
            <input type="hidden" name="csrf_token" value=csrf/>
            <input type="hidden" name="version" value=version.to_string()/>
            <div class="field">
                <label for=id("group")>{tr(Key::PlanTargetGroup)}</label>
                <select id=id("group") name="target_group">
                    {ITEM_GROUPS.iter().map(|g| view! {
                        <option value=g.map(|g| g.as_str()).unwrap_or("") selected=*g == input.target_group>{tr(group_key(*g))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("title")>{tr(Key::PlanItemTitle)}</label>
                <input id=id("title") name="title" type="text" required maxlength="200" value=input.title.clone()/>
            </div>
            <div class="field">
                <label for=id("description")>{tr(Key::PlanItemDescription)}</label>
                <textarea id=id("description") name="description" rows="3" maxlength="2000">{input.description.clone()}</textarea>
            </div>
            <fieldset>
                <legend>{tr(Key::PlanItemSchedule)}</legend>
                {years.iter().map(|y| {
                    let y = *y;
                    let input_id = format!("item-{key}-year-{y}");
                    view! {
                        <div class="check">
                            <input id=input_id.clone() type="checkbox" name="schedule" value=y.to_string() checked=input.schedule.contains(&y)/>
                            <label for=input_id>{move || FiscalYear(y).label(lang.get())}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for=id("budget")>{tr(Key::PlanItemBudget)}</label>
                <input id=id("budget") name="budget" type="text" inputmode="decimal"
                    value=input.budget.map(|b| b.to_string()).unwrap_or_default()/>
            </div>
            <fieldset>
                <legend>{tr(Key::PlanItemResponsible)}</legend>
                {checks("responsible", &organisations, &input.responsible)}
            </fieldset>
            {(!kpis.is_empty()).then(|| view! {
                <fieldset>
                    <legend>{tr(Key::PlanItemKpis)}</legend>
                    {checks("kpis", &kpis, &input.kpis)}
                </fieldset>
            })}
            <p class="row">
                <button type="submit">{tr(Key::Save)}</button>
                {remove}
            </p>
        </form>
    }
}
