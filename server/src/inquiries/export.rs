//! An inquiry's answers as an Excel workbook, for the secretariat's tables: one row per
//! organisation in the order of the 全国地方公共団体コード (organisations without one after,
//! by name), Japanese headers, 和暦 dates, figures as number cells and everything else as
//! string cells (so a text starting with `=` is never a formula).

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use app::i18n::{t, Lang};
use app::inquiries::labels::{answer_key, question_kind_key, status_key};
use app::inquiries::{Inquiry, QuestionKind};
use app::wareki::{japan_today, wareki_date};

use crate::entities::organisation;
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

pub const ANSWERS_SHEET: &str = "回答一覧";
pub const SUMMARY_SHEET: &str = "照会の概要";
const FIXED_HEADERS: [&str; 5] = [
    "団体名",
    "全国地方公共団体コード",
    "回答状況",
    "提出日（和暦）",
    "受理日（和暦）",
];

fn failed(e: XlsxError) -> ApiError {
    ApiError::Internal(format!("xlsx: {e}"))
}

fn wareki_of(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(|at| wareki_date(japan_today(at)))
        .unwrap_or_default()
}

/// The workbook of one inquiry the actor sent (403 for an addressee, 404 for anyone
/// else), with the inquiry's title for the file name. The read is audited: it holds
/// every organisation's answer.
pub async fn xlsx(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<(String, Vec<u8>)> {
    let row = super::managed(state, actor, id).await?;
    let mut inquiry: Inquiry = super::view(state, actor, row).await?;
    let codes: HashMap<Uuid, Option<String>> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(inquiry.answers.iter().map(|a| a.organisation_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.local_government_code))
        .collect();
    let code = |id: &Uuid| codes.get(id).cloned().flatten();
    inquiry.answers.sort_by(|a, b| {
        let (ca, cb) = (code(&a.organisation_id), code(&b.organisation_id));
        (ca.is_none(), ca, &a.organisation_name).cmp(&(cb.is_none(), cb, &b.organisation_name))
    });
    crate::audit::record(
        &state.db,
        crate::audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "inquiry_export",
            record_kind: Some("inquiry"),
            record_id: Some(inquiry.id),
            platform_id: Some(inquiry.platform_id),
            ..Default::default()
        },
    )
    .await?;
    let bytes = workbook(&inquiry, &code).map_err(failed)?;
    Ok((inquiry.title.clone(), bytes))
}

fn workbook(
    inquiry: &Inquiry,
    code: &dyn Fn(&Uuid) -> Option<String>,
) -> Result<Vec<u8>, XlsxError> {
    let ja = |key| t(Lang::Ja, key);
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();

    let sheet = workbook.add_worksheet();
    sheet.set_name(ANSWERS_SHEET)?;
    let headers: Vec<String> = FIXED_HEADERS
        .iter()
        .map(|h| h.to_string())
        .chain(inquiry.questions.iter().map(|q| {
            if q.unit.is_empty() {
                q.label.clone()
            } else {
                format!("{}（{}）", q.label, q.unit)
            }
        }))
        .collect();
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &bold)?;
        sheet.set_column_width(col as u16, if col == 0 || col >= 5 { 30 } else { 16 })?;
    }
    for (i, answer) in inquiry.answers.iter().enumerate() {
        let r = (i + 1) as u32;
        sheet.write_string(r, 0, &answer.organisation_name)?;
        sheet.write_string(r, 1, code(&answer.organisation_id).unwrap_or_default())?;
        sheet.write_string(r, 2, ja(answer_key(answer.status)))?;
        sheet.write_string(r, 3, wareki_of(answer.submitted_at))?;
        sheet.write_string(r, 4, wareki_of(answer.accepted_at))?;
        for (q, question) in inquiry.questions.iter().enumerate() {
            let col = (FIXED_HEADERS.len() + q) as u16;
            let value = answer.answers.get(q).map(String::as_str).unwrap_or("");
            match (question.kind, value.parse::<f64>()) {
                (QuestionKind::Number, Ok(figure)) if !value.is_empty() => {
                    sheet.write_number(r, col, figure)?;
                }
                _ => {
                    sheet.write_string(r, col, value)?;
                }
            }
        }
    }

    let summary = workbook.add_worksheet();
    summary.set_name(SUMMARY_SHEET)?;
    summary.set_column_width(0, 24)?;
    summary.set_column_width(1, 60)?;
    let facts = [
        ("件名", inquiry.title.clone()),
        ("照会元", inquiry.platform_name.clone()),
        ("回答期限（和暦）", wareki_date(inquiry.deadline)),
        ("状態", ja(status_key(inquiry.status)).to_string()),
        ("送付日（和暦）", wareki_of(inquiry.sent_at)),
        ("出力日（和暦）", wareki_of(Some(chrono::Utc::now()))),
        ("照会先の団体数", inquiry.addressee_count.to_string()),
    ];
    for (r, (name, value)) in facts.iter().enumerate() {
        summary.write_string_with_format(r as u32, 0, *name, &bold)?;
        summary.write_string(r as u32, 1, value)?;
    }
    let start = facts.len() as u32 + 1;
    summary.write_string_with_format(start, 0, "設問", &bold)?;
    for (i, q) in inquiry.questions.iter().enumerate() {
        let r = start + 1 + i as u32;
        summary.write_string(
            r,
            0,
            format!("{}. {}", i + 1, ja(question_kind_key(q.kind))),
        )?;
        let detail = if q.choices.is_empty() {
            q.label.clone()
        } else {
            format!("{}（{}）", q.label, q.choices.join(" / "))
        };
        summary.write_string(r, 1, detail)?;
    }
    workbook.save_to_buffer()
}
