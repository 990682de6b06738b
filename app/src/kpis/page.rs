//! A KPI's page: its definition, a chart of target and actuals by 年度 on a 和暦 axis (an
//! SVG drawn here, with a text summary for screen readers), the same numbers as a table
//! with the arithmetic beside each figure, and the shares behind them. Every form is a
//! plain post, so the page works without JavaScript; with it, it follows the local store.

use leptos::prelude::*;

use super::labels::{
    accumulation_key, direction_key, error_key, figure, group_digits, kind_key, percent,
    periodicity_key, progress_class, progress_key, status_key,
};
use super::{
    Kpi, KpiAccumulation, KpiActual, KpiDefinition, KpiDirection, KpiPeriodicity, KpiStatus,
    YearProgress,
};
use crate::api::fetch_kpi_page;
use crate::components::id_param;
use crate::domain::Me;
use crate::i18n::{t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::{japan_time, FiscalYear};
use crate::{tr, use_lang};

#[component]
pub fn KpiPageView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_kpi_page(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, kpi| view! { <KpiBody kpi me/> }.into_any(),
    )
}

#[component]
fn KpiBody(kpi: Kpi, me: Me) -> impl IntoView {
    let store = use_sync_store();
    let id = kpi.id;
    let from_server = kpi.clone();
    let current = Memo::new(move |_| {
        store
            .records
            .with(|r| r.kpis.get(&id).and_then(super::stored))
            .unwrap_or_else(|| from_server.clone())
    });
    let error = query("error");
    let saved = query("saved");
    view! {
        <p><a href="/kpis">{tr(Key::BackToKpis)}</a></p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || saved.get().map(|_| view! { <Notice key=Key::KpiSaved/> })}
        {move || {
            let kpi = current.get();
            let csrf = me.csrf_token.clone();
            view! { <KpiArticle kpi csrf/> }
        }}
    }
}

#[component]
fn KpiArticle(kpi: Kpi, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let def = kpi.definition.clone();
    let id = kpi.id;
    let updated = kpi.updated_at;
    let contributors = kpi
        .contributors
        .iter()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    let baseline = def.baseline.map(|b| {
        let year = def
            .baseline_fiscal_year
            .map(|y| FiscalYear(y).wareki())
            .unwrap_or_default();
        format!("{}{} {}", group_digits(b), def.unit, year)
    });
    let period = format!(
        "{} – {}",
        FiscalYear(def.period_start).wareki(),
        FiscalYear(def.period_end).wareki()
    );
    let period_target = def
        .period_target
        .map(|v| format!("{}{}", group_digits(v), def.unit));
    let unpublished_years: Vec<i32> = {
        let mut years: Vec<i32> = kpi
            .actuals
            .iter()
            .filter(|a| !a.published)
            .map(|a| a.fiscal_year)
            .collect();
        years.sort();
        years.dedup();
        years
    };
    let status = kpi.progress.status;
    view! {
        <article class="kpi">
            <h1>{def.name.clone()}</h1>
            <p class="meta">
                <span class="badge">{tr(status_key(kpi.status))}</span> " "
                <span class=progress_class(status)>{tr(progress_key(status))}</span>
            </p>
            {(!def.definition.is_empty()).then(|| view! { <p class="summary">{def.definition.clone()}</p> })}
            <dl class="facts">
                <dt>{tr(Key::KpiPlatform)}</dt>
                <dd>{kpi.platform_name.clone()}</dd>
                <dt>{tr(Key::KpiKind)}</dt>
                <dd>{tr(kind_key(def.kind))} "・" {tr(direction_key(def.direction))} "・" {tr(accumulation_key(def.accumulation))} "・" {tr(periodicity_key(def.periodicity))}</dd>
                <dt>{tr(Key::KpiPeriod)}</dt>
                <dd>{period}</dd>
                {period_target.map(|v| view! { <dt>{tr(Key::KpiPeriodTarget)}</dt> <dd>{v}</dd> })}
                {baseline.map(|v| view! { <dt>{tr(Key::KpiBaseline)}</dt> <dd>{v}</dd> })}
                {(!def.source.is_empty()).then(|| view! { <dt>{tr(Key::KpiSource)}</dt> <dd>{def.source.clone()}</dd> })}
                <dt>{tr(Key::KpiContributors)}</dt>
                <dd>{contributors}</dd>
                <dt>{tr(Key::KpiThreshold)}</dt>
                <dd>{format!("{}%", def.at_risk_percent)}</dd>
                <dt>{tr(Key::UpdatedAt)}</dt>
                <dd>{move || japan_time(updated, lang.get())}</dd>
            </dl>
            <section class="panel" aria-labelledby="kpi-chart-heading">
                <h2 id="kpi-chart-heading">{tr(Key::KpiChartHeading)}</h2>
                <KpiChart kpi=kpi.clone()/>
                <KpiProgressTable kpi=kpi.clone()/>
            </section>
            <section class="panel" aria-labelledby="kpi-shares-heading">
                <h2 id="kpi-shares-heading">{tr(Key::KpiSharesHeading)}</h2>
                <SharesTable kpi=kpi.clone() csrf=csrf.clone()/>
                {(!kpi.can_enter_for.is_empty() && kpi.status == KpiStatus::Published)
                    .then(|| view! { <ShareForm kpi=kpi.clone() csrf=csrf.clone()/> })}
            </section>
            {kpi.can_edit.then(|| {
                let csrf = csrf.clone();
                view! {
                    <div class="actions">
                        <a class="button" href=format!("/kpis/{id}/edit")>{tr(Key::EditKpi)}</a>
                        {(kpi.status == KpiStatus::Draft).then(|| view! {
                            <form method="post" action=format!("/kpis/{id}/publish") class="inline">
                                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                <button type="submit">{tr(Key::PublishKpi)}</button>
                            </form>
                        })}
                        {unpublished_years.into_iter().map(|year| {
                            let label = move || format!("{} {}", FiscalYear(year).wareki(), t(lang.get(), Key::PublishActuals));
                            view! {
                                <form method="post" action=format!("/kpis/{id}/actuals/publish") class="inline">
                                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                    <input type="hidden" name="fiscal_year" value=year.to_string()/>
                                    <button type="submit">{label}</button>
                                </form>
                            }
                        }).collect_view()}
                    </div>
                }
            })}
        </article>
    }
}

/// What a year is compared on: the cumulative figures of a cumulative KPI, the year's own
/// for an annual one.
fn compared(def: &KpiDefinition, y: &YearProgress) -> (Option<f64>, Option<f64>) {
    match def.accumulation {
        KpiAccumulation::Cumulative => (y.actual.and(y.cumulative_actual), y.cumulative_target),
        KpiAccumulation::Annual => (y.actual, y.target),
    }
}

/// The arithmetic behind a year's target, so a reader can check it.
fn target_maths(def: &KpiDefinition, y: &YearProgress) -> String {
    let has_year_targets = !def.fiscal_year_targets.is_empty();
    match (def.accumulation, def.period_target, has_year_targets) {
        (KpiAccumulation::Cumulative, Some(total), false) => {
            let n = def.period_end - def.period_start + 1;
            let k = y.fiscal_year - def.period_start + 1;
            format!("{} × {k}/{n}", group_digits(total))
        }
        (KpiAccumulation::Cumulative, _, true) => {
            let parts: Vec<String> = def
                .fiscal_year_targets
                .iter()
                .filter(|t| t.fiscal_year <= y.fiscal_year)
                .map(|t| group_digits(t.target))
                .collect();
            parts.join(" + ")
        }
        _ => String::new(),
    }
}

/// The arithmetic behind a year's achievement.
fn percent_maths(def: &KpiDefinition, actual: f64, target: f64) -> String {
    let (a, t) = (group_digits(actual), group_digits(target));
    match (def.direction, def.baseline) {
        (KpiDirection::HigherIsBetter, _) => format!("{a} ÷ {t} × 100"),
        (KpiDirection::LowerIsBetter, Some(b)) if b > target => {
            let b = group_digits(b);
            format!("({b} − {a}) ÷ ({b} − {t}) × 100")
        }
        (KpiDirection::LowerIsBetter, _) => format!("{t} ÷ {a} × 100"),
    }
}

/// The chart: actual bars and the target line, by 年度 on a 和暦 axis. An image to
/// assistive technology, named by its heading and described by a sentence per year; the
/// table below carries the same numbers.
#[component]
fn KpiChart(kpi: Kpi) -> impl IntoView {
    let lang = use_lang();
    let def = kpi.definition.clone();
    let years = kpi.progress.years.clone();
    const W: f64 = 640.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 64.0;
    const BOTTOM: f64 = 36.0;
    const TOP: f64 = 16.0;
    let points: Vec<(i32, Option<f64>, Option<f64>)> = years
        .iter()
        .map(|y| {
            let (a, t) = compared(&def, y);
            (y.fiscal_year, a, t)
        })
        .collect();
    let max = points
        .iter()
        .flat_map(|(_, a, t)| [*a, *t])
        .flatten()
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let slot = (W - LEFT - 8.0) / points.len().max(1) as f64;
    let y_of = move |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / max);
    let bars = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, a, _))| {
            a.map(|a| {
                let x = LEFT + slot * i as f64 + slot * 0.2;
                let y = y_of(a.max(0.0));
                view! {
                    <rect class="bar" x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{:.1}", slot * 0.6)
                        height=format!("{:.1}", (H - BOTTOM - y).max(0.0))/>
                }
            })
        })
        .collect_view();
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, _, t))| {
            t.map(|t| format!("{:.1},{:.1}", LEFT + slot * (i as f64 + 0.5), y_of(t)))
        })
        .collect();
    let labels = points
        .iter()
        .enumerate()
        .map(|(i, (year, _, _))| {
            let x = LEFT + slot * (i as f64 + 0.5);
            view! {
                <text class="axis" x=format!("{x:.1}") y=format!("{:.1}", H - 12.0) text-anchor="middle">
                    {FiscalYear(*year).wareki()}
                </text>
            }
        })
        .collect_view();
    let unit = def.unit.clone();
    let summary = {
        let points = points.clone();
        let unit = unit.clone();
        move || {
            let lang = lang.get();
            points
                .iter()
                .map(|(year, a, target)| {
                    format!(
                        "{}: {} {}{}、{} {}{}",
                        FiscalYear(*year).wareki(),
                        t(lang, Key::KpiActual),
                        figure(*a, lang),
                        if a.is_some() { unit.as_str() } else { "" },
                        t(lang, Key::KpiTarget),
                        figure(*target, lang),
                        if target.is_some() { unit.as_str() } else { "" },
                    )
                })
                .collect::<Vec<_>>()
                .join("。")
        }
    };
    let top_label = format!("{}{}", group_digits(max / 1.1), unit);
    view! {
        <figure class="kpi-chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="kpi-chart-heading kpi-chart-desc"
                preserveAspectRatio="xMidYMid meet">
                <desc id="kpi-chart-desc">{summary.clone()}</desc>
                <line class="axis-line" x1=LEFT y1=TOP x2=LEFT y2=H - BOTTOM/>
                <line class="axis-line" x1=LEFT y1=H - BOTTOM x2=W - 8.0 y2=H - BOTTOM/>
                <text class="axis" x=LEFT - 6.0 y=format!("{:.1}", y_of(max / 1.1) + 4.0) text-anchor="end">{top_label}</text>
                <text class="axis" x=LEFT - 6.0 y=H - BOTTOM + 4.0 text-anchor="end">"0"</text>
                {bars}
                {(line.len() > 1).then(|| view! { <polyline class="target-line" points=line.join(" ")/> })}
                {labels}
            </svg>
            <figcaption>
                <span class="legend bar-key" aria-hidden="true"></span> {tr(Key::KpiActual)} " "
                <span class="legend line-key" aria-hidden="true"></span> {tr(Key::KpiTarget)}
            </figcaption>
            <p class="visually-hidden">{summary}</p>
        </figure>
    }
}

/// The chart's numbers as a table, with the arithmetic beside each figure.
#[component]
fn KpiProgressTable(kpi: Kpi) -> impl IntoView {
    let lang = use_lang();
    let def = kpi.definition.clone();
    let cumulative = def.accumulation == KpiAccumulation::Cumulative;
    let quarterly = def.periodicity == KpiPeriodicity::Quarter;
    let unit = def.unit.clone();
    view! {
        <div class="table-scroll">
            <table class="kpi-progress">
                <caption>{tr(Key::KpiTableCaption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::FiscalYearHeading)}</th>
                        <th scope="col">{tr(Key::KpiActual)}</th>
                        {quarterly.then(|| view! { <th scope="col">{tr(Key::KpiQuarters)}</th> })}
                        <th scope="col">{tr(Key::KpiReported)}</th>
                        {cumulative.then(|| view! { <th scope="col">{tr(Key::KpiCumulativeActual)}</th> })}
                        <th scope="col">{tr(Key::KpiTargetToDate)}</th>
                        <th scope="col">{tr(Key::KpiAchievement)}</th>
                        <th scope="col">{tr(Key::KpiProgress)}</th>
                    </tr>
                </thead>
                <tbody>
                    {kpi.progress.years.iter().map(|y| {
                        let (a, target) = compared(&def, y);
                        let maths_t = target_maths(&def, y);
                        // The arithmetic only beside a figure it produced.
                        let maths_p = a
                            .zip(target)
                            .filter(|_| y.percent.is_some())
                            .map(|(a, t)| percent_maths(&def, a, t))
                            .unwrap_or_default();
                        let y = y.clone();
                        let unit = unit.clone();
                        let quarters = y.quarters.map(|q| {
                            q.iter().enumerate().map(|(i, v)| format!("Q{} {}", i + 1, v.map(group_digits).unwrap_or_else(|| "−".into()))).collect::<Vec<_>>().join(" / ")
                        });
                        let status = y.status;
                        view! {
                            <tr>
                                <th scope="row">{FiscalYear(y.fiscal_year).wareki()}</th>
                                <td class="number">{
                                    let unit = unit.clone();
                                    move || format!("{}{}", figure(y.actual, lang.get()), if y.actual.is_some() { unit.as_str() } else { "" })
                                }</td>
                                {quarterly.then(|| view! { <td>{quarters.clone().unwrap_or_default()}</td> })}
                                <td class="number">{format!("{}/{}", y.reported, y.contributors)}</td>
                                {cumulative.then(|| view! { <td class="number">{move || figure(y.actual.and(y.cumulative_actual), lang.get())}</td> })}
                                <td class="number">
                                    {move || figure(target, lang.get())}
                                    {(!maths_t.is_empty()).then(|| view! { <br/><small class="maths">{format!("= {maths_t}")}</small> })}
                                </td>
                                <td class="number">
                                    {move || percent(y.percent, lang.get())}
                                    {(!maths_p.is_empty()).then(|| view! { <br/><small class="maths">{format!("= {maths_p}")}</small> })}
                                </td>
                                <td><span class=progress_class(status)>{tr(progress_key(status))}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn quarter_label(q: Option<u8>) -> String {
    q.map(|q| format!("Q{q}")).unwrap_or_default()
}

/// Every share the reader may see; those they may correct carry a small form with the
/// version they read, so a correction made meanwhile by a colleague is a conflict, not an
/// overwrite.
#[component]
fn SharesTable(kpi: Kpi, csrf: String) -> impl IntoView {
    let lang = use_lang();
    if kpi.actuals.is_empty() {
        return view! { <p class="empty">{tr(Key::KpiNoShares)}</p> }.into_any();
    }
    let id = kpi.id;
    let unit = kpi.definition.unit.clone();
    let mut actuals: Vec<KpiActual> = kpi.actuals.clone();
    actuals.sort_by(|a, b| {
        (a.fiscal_year, a.quarter, &a.organisation_name).cmp(&(
            b.fiscal_year,
            b.quarter,
            &b.organisation_name,
        ))
    });
    view! {
        <div class="table-scroll">
            <table class="kpi-shares">
                <caption class="visually-hidden">{tr(Key::KpiSharesHeading)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::FiscalYearHeading)}</th>
                        <th scope="col">{tr(Key::KpiContributor)}</th>
                        <th scope="col">{tr(Key::KpiValue)}</th>
                        <th scope="col">{tr(Key::KpiNote)}</th>
                        <th scope="col">{tr(Key::KpiShareState)}</th>
                        <th scope="col">{tr(Key::KpiCorrect)}</th>
                    </tr>
                </thead>
                <tbody>
                    {actuals.into_iter().map(|a| {
                        let mine = kpi.can_enter_for.contains(&a.organisation_id);
                        let csrf = csrf.clone();
                        let (correct_who, correct_year) = (a.organisation_name.clone(), a.fiscal_year);
                        view! {
                            <tr>
                                <th scope="row">{format!("{} {}", FiscalYear(a.fiscal_year).wareki(), quarter_label(a.quarter))}</th>
                                <td>{a.organisation_name.clone()}</td>
                                <td class="number">{format!("{}{}", group_digits(a.value), unit)}</td>
                                <td>{a.note.clone()}</td>
                                <td>{tr(if a.published { Key::KpiSharePublished } else { Key::KpiShareUnpublished })}</td>
                                <td>
                                    {mine.then(|| view! {
                                        <form method="post" action=format!("/kpis/{id}/actuals") class="inline">
                                            <input type="hidden" name="csrf_token" value=csrf/>
                                            <input type="hidden" name="organisation_id" value=a.organisation_id.to_string()/>
                                            <input type="hidden" name="fiscal_year" value=a.fiscal_year.to_string()/>
                                            <input type="hidden" name="quarter" value=a.quarter.map(|q| q.to_string()).unwrap_or_default()/>
                                            <input type="hidden" name="version" value=a.version.to_string()/>
                                            <input type="hidden" name="note" value=a.note.clone()/>
                                            <input type="text" inputmode="decimal" name="value" size="8" value=a.value.to_string()
                                                aria-label=move || format!("{} {} {}", correct_who, FiscalYear(correct_year).wareki(), t(lang.get(), Key::KpiCorrect))/>
                                            <button type="submit">{tr(Key::Save)}</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A new share: the organisation (when the reader may enter for several), the 年度 (and
/// quarter), the figure and a note.
#[component]
fn ShareForm(kpi: Kpi, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let id = kpi.id;
    let quarterly = kpi.definition.periodicity == KpiPeriodicity::Quarter;
    let orgs: Vec<(uuid::Uuid, String)> = kpi
        .contributors
        .iter()
        .filter(|c| kpi.can_enter_for.contains(&c.id))
        .map(|c| (c.id, c.name.clone()))
        .collect();
    let years: Vec<i32> = kpi.definition.years().collect();
    view! {
        <form method="post" action=format!("/kpis/{id}/actuals") class="stack share-form">
            <h3>{tr(Key::EnterShare)}</h3>
            <input type="hidden" name="csrf_token" value=csrf/>
            <label>
                {tr(Key::KpiContributor)}
                <select name="organisation_id" required>
                    {orgs.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
            </label>
            <label>
                {tr(Key::FiscalYearHeading)}
                <select name="fiscal_year" required>
                    {years.into_iter().map(|y| view! { <option value=y.to_string()>{move || FiscalYear(y).label(lang.get())}</option> }).collect_view()}
                </select>
            </label>
            {quarterly.then(|| view! {
                <label>
                    {tr(Key::KpiQuarter)}
                    <select name="quarter" required>
                        <option value="1">"Q1 (4–6)"</option>
                        <option value="2">"Q2 (7–9)"</option>
                        <option value="3">"Q3 (10–12)"</option>
                        <option value="4">"Q4 (1–3)"</option>
                    </select>
                </label>
            })}
            <label>
                {tr(Key::KpiValue)}
                <input type="text" inputmode="decimal" name="value" required/>
            </label>
            <label>
                {tr(Key::KpiNote)}
                <input type="text" name="note" maxlength="1000"/>
            </label>
            <button type="submit">{tr(Key::Save)}</button>
        </form>
    }
}
