//! The annual 実績報告 of a plan as an Excel workbook: an overview sheet, a sheet per target
//! group (its items with their responsible organisations, years, budget, progress and,
//! per KPI the item serves, the year's target, actual and achievement) and a sheet of the
//! platform's KPIs by 年度. Japanese headers, 和暦, figures as number cells and every text
//! as a string cell (so a text starting with `=` is never a formula). The figures are those
//! the reader may see: a member's workbook holds published shares only.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use uuid::Uuid;

use app::i18n::{t, target_group_key, Key, Lang};
use app::kpis::{Kpi, YearProgress};
use app::plans::{ImplementationPlan, PlanItem, ITEM_GROUPS};
use app::wareki::{japan_today, wareki_date, FiscalYear};

use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

pub const OVERVIEW_SHEET: &str = "概要";
pub const KPI_SHEET: &str = "KPI";
const ITEM_HEADERS: [&str; 11] = [
    "事業名",
    "内容",
    "実施主体",
    "実施年度",
    "予算（千円）",
    "進捗",
    "進捗の説明",
    "関連するKPI",
    "目標",
    "実績",
    "達成率（%）",
];
const KPI_HEADERS: [&str; 9] = [
    "KPI名",
    "単位",
    "年度",
    "目標",
    "実績",
    "累計の目標",
    "累計の実績",
    "達成率（%）",
    "状況",
];

fn failed(e: XlsxError) -> ApiError {
    ApiError::Internal(format!("xlsx: {e}"))
}

/// The sheet name of an item group: the target group as the guidelines name it.
pub fn group_sheet(group: Option<app::domain::TargetGroup>) -> &'static str {
    match group {
        Some(g) => t(Lang::Ja, target_group_key(g)),
        None => t(Lang::Ja, Key::GroupCrossCutting),
    }
}

/// The workbook of `fiscal_year` (a 年度 of the plan period, else 422 `invalid_query`)
/// for a reader of the plan: its latest published revision (the working copy for the
/// secretariat of a plan never published), with the file name. Audited: it may hold
/// figures not yet published.
pub async fn xlsx(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    fiscal_year: i32,
) -> ApiResult<(String, Vec<u8>)> {
    let current = super::get(state, actor, id).await?;
    let plan = if current.revision > 0 {
        super::get_revision(state, actor, id, current.revision).await?
    } else {
        current
    };
    if !(plan.content.period_start..=plan.content.period_end).contains(&fiscal_year) {
        return Err(ApiError::invalid(
            "invalid_query",
            "`fiscal_year`: a 年度 of the plan period.",
        ));
    }
    let kpis: Vec<Kpi> = crate::kpis::list(state, actor)
        .await?
        .into_iter()
        .filter(|k| k.platform_id == plan.platform_id)
        .collect();
    crate::audit::record(
        &state.db,
        crate::audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "plan.report_export",
            record_kind: Some("implementation_plan"),
            record_id: Some(plan.id),
            platform_id: Some(plan.platform_id),
            detail: Some(serde_json::json!({ "fiscal_year": fiscal_year })),
            ..Default::default()
        },
    )
    .await?;
    let bytes = workbook(&plan, &kpis, fiscal_year).map_err(failed)?;
    let name = format!(
        "{}_{}実績報告",
        plan.content.title,
        FiscalYear(fiscal_year).wareki()
    );
    Ok((name, bytes))
}

/// What a KPI's year compares: the cumulative figures of a cumulative KPI, else the
/// year's own.
fn compared(y: &YearProgress) -> (Option<f64>, Option<f64>) {
    if y.cumulative_target.is_some() || y.cumulative_actual.is_some() {
        (y.cumulative_target, y.cumulative_actual)
    } else {
        (y.target, y.actual)
    }
}

fn year_of(kpi: &Kpi, fiscal_year: i32) -> Option<&YearProgress> {
    kpi.progress
        .years
        .iter()
        .find(|y| y.fiscal_year == fiscal_year)
}

fn names(ids: &[Uuid], refs: &[app::plans::NamedRef]) -> String {
    ids.iter()
        .filter_map(|id| refs.iter().find(|r| r.id == *id).map(|r| r.name.as_str()))
        .collect::<Vec<_>>()
        .join("、")
}

fn number(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
) -> Result<(), XlsxError> {
    match value {
        Some(v) => sheet.write_number(row, col, v).map(|_| ()),
        None => sheet.write_string(row, col, "").map(|_| ()),
    }
}

fn workbook(
    plan: &ImplementationPlan,
    kpis: &[Kpi],
    fiscal_year: i32,
) -> Result<Vec<u8>, XlsxError> {
    let ja = |key| t(Lang::Ja, key);
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();
    let year = FiscalYear(fiscal_year).wareki();

    let overview = workbook.add_worksheet();
    overview.set_name(OVERVIEW_SHEET)?;
    overview.set_column_width(0, 20)?;
    overview.set_column_width(1, 70)?;
    let facts = [
        ("計画の名称", plan.content.title.clone()),
        ("プラットフォーム", plan.platform_name.clone()),
        (
            "計画期間",
            format!(
                "{}〜{}",
                FiscalYear(plan.content.period_start).wareki(),
                FiscalYear(plan.content.period_end).wareki()
            ),
        ),
        (
            "版",
            match plan.shown_revision {
                0 => ja(Key::PlanWorkingCopy).to_string(),
                n => format!("第{n}版"),
            },
        ),
        ("対象年度", year.clone()),
        ("出力日", wareki_date(japan_today(chrono::Utc::now()))),
    ];
    for (r, (name, value)) in facts.iter().enumerate() {
        overview.write_string_with_format(r as u32, 0, *name, &bold)?;
        overview.write_string(r as u32, 1, value)?;
    }

    for group in ITEM_GROUPS {
        let items: Vec<&PlanItem> = plan.content.items_for(group).collect();
        let sheet = workbook.add_worksheet();
        sheet.set_name(group_sheet(group))?;
        for (col, header) in ITEM_HEADERS.iter().enumerate() {
            let header = match col {
                8 | 9 => format!("{header}（{year}）"),
                _ => header.to_string(),
            };
            sheet.write_string_with_format(0, col as u16, header, &bold)?;
            sheet.set_column_width(
                col as u16,
                if col <= 2 || col == 6 || col == 7 {
                    30
                } else {
                    14
                },
            )?;
        }
        let mut r = 1u32;
        for item in items {
            let progress = plan.progress_of(item.id);
            let status = progress.map(|p| p.status).unwrap_or_default();
            let served: Vec<&Kpi> = item
                .input
                .kpis
                .iter()
                .filter_map(|id| kpis.iter().find(|k| k.id == *id))
                .collect();
            // One row per KPI the item serves (one row when it serves none).
            let rows = served.len().max(1);
            for i in 0..rows {
                sheet.write_string(r, 0, &item.input.title)?;
                sheet.write_string(r, 1, &item.input.description)?;
                sheet.write_string(r, 2, names(&item.input.responsible, &plan.organisations))?;
                sheet.write_string(
                    r,
                    3,
                    item.input
                        .schedule
                        .iter()
                        .map(|y| FiscalYear(*y).wareki())
                        .collect::<Vec<_>>()
                        .join("、"),
                )?;
                number(sheet, r, 4, item.input.budget)?;
                sheet.write_string(r, 5, ja(app::plans::labels::status_key(status)))?;
                sheet.write_string(r, 6, progress.map(|p| p.note.as_str()).unwrap_or(""))?;
                match served.get(i) {
                    Some(kpi) => {
                        sheet.write_string(r, 7, &kpi.definition.name)?;
                        let y = year_of(kpi, fiscal_year);
                        let (target, actual) = y.map(compared).unwrap_or((None, None));
                        number(sheet, r, 8, target)?;
                        number(sheet, r, 9, actual)?;
                        number(sheet, r, 10, y.and_then(|y| y.percent))?;
                    }
                    None => {
                        for col in 7..=10 {
                            sheet.write_string(r, col, "")?;
                        }
                    }
                }
                r += 1;
            }
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(KPI_SHEET)?;
    for (col, header) in KPI_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *header, &bold)?;
        sheet.set_column_width(col as u16, if col == 0 { 40 } else { 14 })?;
    }
    let mut r = 1u32;
    for kpi in kpis {
        for y in &kpi.progress.years {
            sheet.write_string(r, 0, &kpi.definition.name)?;
            sheet.write_string(r, 1, &kpi.definition.unit)?;
            sheet.write_string(r, 2, FiscalYear(y.fiscal_year).wareki())?;
            number(sheet, r, 3, y.target)?;
            number(sheet, r, 4, y.actual)?;
            number(sheet, r, 5, y.cumulative_target)?;
            number(sheet, r, 6, y.cumulative_actual)?;
            number(sheet, r, 7, y.percent)?;
            sheet.write_string(r, 8, ja(app::kpis::labels::progress_key(y.status)))?;
            r += 1;
        }
    }
    workbook.save_to_buffer()
}
