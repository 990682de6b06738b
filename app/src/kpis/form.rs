//! The KPI editor (the secretariat): definition, period and targets, contributors and the
//! at-risk threshold. A plain form post, with or without JavaScript; an edit carries the
//! version it was read at, so two secretaries editing at once cannot overwrite each other.

use leptos::prelude::*;

use super::labels::{accumulation_key, direction_key, error_key, kind_key, periodicity_key};
use super::{Kpi, KpiAccumulation, KpiDirection, KpiFormPage, KpiKind, KpiPeriodicity, KpiTarget};
use crate::api::fetch_kpi_form_page;
use crate::components::{id_param, EnumSelect};
use crate::domain::Me;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, Notice};
use crate::wareki::FiscalYear;
use crate::{tr, use_lang};

#[component]
pub fn KpiNewView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_kpi_form_page(None));
    signed_in_page(
        page,
        || None,
        |me, page| view! { <KpiForm page me/> }.into_any(),
    )
}

#[component]
pub fn KpiEditView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_kpi_form_page(Some(id)).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <KpiForm page me/> }.into_any(),
    )
}

#[component]
fn KpiForm(page: KpiFormPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let editing: Option<Kpi> = page.kpi.clone();
    let def = editing.as_ref().map(|k| k.definition.clone());
    let action = match &editing {
        Some(k) => format!("/kpis/{}/edit", k.id),
        None => "/kpis".to_string(),
    };
    let this_year = FiscalYear::of(crate::wareki::japan_today(chrono::Utc::now())).0;
    let text = |f: fn(&super::KpiDefinition) -> String| def.as_ref().map(f).unwrap_or_default();
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let start = def.as_ref().map(|d| d.period_start).unwrap_or(this_year);
    let end = def.as_ref().map(|d| d.period_end).unwrap_or(this_year + 2);
    let mut targets: Vec<KpiTarget> = def
        .as_ref()
        .map(|d| d.fiscal_year_targets.clone())
        .unwrap_or_default();
    while targets.len() < 4 {
        targets.push(KpiTarget {
            fiscal_year: start + targets.len() as i32,
            target: f64::NAN,
        });
    }
    let contributors = def
        .as_ref()
        .map(|d| d.contributors.clone())
        .unwrap_or_default();
    let year_options = move |selected: i32| {
        (2000..=2100)
            .filter(|y| (this_year - 15..=this_year + 15).contains(y) || *y == selected)
            .map(|y| view! { <option value=y.to_string() selected=y == selected>{move || FiscalYear(y).label(lang.get())}</option> })
            .collect_view()
    };
    let heading = if editing.is_some() {
        Key::EditKpi
    } else {
        Key::NewKpi
    };
    let platforms = page.platforms.clone();
    view! {
        <h1>{tr(heading)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        <form method="post" action=action class="stack panel kpi-form">
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            {editing.as_ref().map(|k| view! { <input type="hidden" name="version" value=k.version.to_string()/> })}
            {if editing.is_some() || platforms.len() == 1 {
                let id = editing.as_ref().map(|k| k.platform_id).or(platforms.first().map(|p| p.id)).unwrap_or_default();
                view! { <input type="hidden" name="platform_id" value=id.to_string()/> }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="kpi-platform">{tr(Key::KpiPlatform)}</label>
                        <select id="kpi-platform" name="platform_id">
                            {platforms.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                }.into_any()
            }}
            <div class="field">
                <label for="kpi-name">{tr(Key::KpiName)}</label>
                <input id="kpi-name" name="name" type="text" required maxlength="200" value=text(|d| d.name.clone())/>
            </div>
            <div class="field">
                <label for="kpi-definition">{tr(Key::KpiDefinitionField)}</label>
                <textarea id="kpi-definition" name="definition" rows="4" maxlength="5000">{text(|d| d.definition.clone())}</textarea>
            </div>
            <div class="field">
                <label for="kpi-unit">{tr(Key::KpiUnit)}</label>
                <input id="kpi-unit" name="unit" type="text" required maxlength="20" value=text(|d| d.unit.clone())/>
            </div>
            <EnumSelect id="kpi-kind" name="kind" label=Key::KpiKind all=KpiKind::ALL
                selected=def.as_ref().map(|d| d.kind).unwrap_or(KpiKind::Output) as_str=KpiKind::as_str key=kind_key/>
            <EnumSelect id="kpi-direction" name="direction" label=Key::KpiDirectionField all=KpiDirection::ALL
                selected=def.as_ref().map(|d| d.direction).unwrap_or(KpiDirection::HigherIsBetter)
                as_str=KpiDirection::as_str key=direction_key/>
            <EnumSelect id="kpi-accumulation" name="accumulation" label=Key::KpiAccumulationField all=KpiAccumulation::ALL
                selected=def.as_ref().map(|d| d.accumulation).unwrap_or(KpiAccumulation::Cumulative)
                as_str=KpiAccumulation::as_str key=accumulation_key/>
            <EnumSelect id="kpi-periodicity" name="periodicity" label=Key::KpiPeriodicityField all=KpiPeriodicity::ALL
                selected=def.as_ref().map(|d| d.periodicity).unwrap_or(KpiPeriodicity::FiscalYear)
                as_str=KpiPeriodicity::as_str key=periodicity_key/>
            <fieldset>
                <legend>{tr(Key::KpiPeriod)}</legend>
                <div class="field">
                    <label for="kpi-period-start">{tr(Key::KpiPeriodStart)}</label>
                    <select id="kpi-period-start" name="period_start">{year_options(start)}</select>
                </div>
                <div class="field">
                    <label for="kpi-period-end">{tr(Key::KpiPeriodEnd)}</label>
                    <select id="kpi-period-end" name="period_end">{year_options(end)}</select>
                </div>
                <div class="field">
                    <label for="kpi-period-target">{tr(Key::KpiPeriodTarget)}</label>
                    <input id="kpi-period-target" name="period_target" type="text" inputmode="decimal"
                        value=number(def.as_ref().and_then(|d| d.period_target))/>
                </div>
            </fieldset>
            <fieldset>
                <legend>{tr(Key::KpiYearTargets)}</legend>
                {targets.into_iter().enumerate().map(|(i, target)| {
                    let year_id = format!("kpi-target-year-{i}");
                    let value_id = format!("kpi-target-value-{i}");
                    view! {
                        <div class="row">
                            <div class="field">
                                <label for=year_id.clone()>{tr(Key::FiscalYearHeading)}</label>
                                <select id=year_id name="target_year">{year_options(target.fiscal_year)}</select>
                            </div>
                            <div class="field">
                                <label for=value_id.clone()>{tr(Key::KpiTarget)}</label>
                                <input id=value_id name="target_value" type="text" inputmode="decimal"
                                    value=if target.target.is_finite() { target.target.to_string() } else { String::new() }/>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{tr(Key::KpiBaseline)}</legend>
                <div class="field">
                    <label for="kpi-baseline">{tr(Key::KpiBaselineValue)}</label>
                    <input id="kpi-baseline" name="baseline" type="text" inputmode="decimal"
                        value=number(def.as_ref().and_then(|d| d.baseline))/>
                </div>
                <div class="field">
                    <label for="kpi-baseline-year">{tr(Key::FiscalYearHeading)}</label>
                    <select id="kpi-baseline-year" name="baseline_fiscal_year">
                        <option value="">"—"</option>
                        {year_options(def.as_ref().and_then(|d| d.baseline_fiscal_year).unwrap_or(0))}
                    </select>
                </div>
            </fieldset>
            <div class="field">
                <label for="kpi-source">{tr(Key::KpiSource)}</label>
                <input id="kpi-source" name="source" type="text" maxlength="200" value=text(|d| d.source.clone())/>
            </div>
            <fieldset>
                <legend>{tr(Key::KpiContributors)}</legend>
                {page.organisations.iter().map(|o| {
                    let input_id = format!("kpi-contributor-{}", o.id);
                    view! {
                        <div class="check">
                            <input id=input_id.clone() type="checkbox" name="contributors" value=o.id.to_string()
                                checked=contributors.contains(&o.id)/>
                            <label for=input_id>{o.name.clone()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="kpi-threshold">{tr(Key::KpiThreshold)}</label>
                <input id="kpi-threshold" name="at_risk_percent" type="number" min="1" max="100" required
                    value=def.as_ref().map(|d| d.at_risk_percent).unwrap_or(90).to_string()/>
            </div>
            <button type="submit">{tr(Key::Save)}</button>
        </form>
    }
}
