//! Exports of the filtered request list, for the secretariat's reports: `.xlsx` and a CSV
//! that Excel on Japanese Windows opens as it should (UTF-8 with a byte-order mark, CRLF).
//! Japanese headers, 和暦 dates (with the Gregorian date beside them), and no cell that a
//! spreadsheet could run as a formula: text starting with `=`, `+`, `-` or `@` is written
//! with a leading apostrophe in CSV, and as a plain string cell in `.xlsx`.

use app::i18n::{
    outreach_kind_key, outreach_state_key, recipient_status_key, t, target_group_key, Lang,
};
use app::outreach::OutreachRequest;
use app::wareki::{japan_today, wareki_date};

use crate::http::{ApiError, ApiResult};

pub const HEADERS: [&str; 13] = [
    "件名",
    "種類",
    "状態",
    "依頼元",
    "地域",
    "対象者",
    "人数",
    "回答期限（和暦）",
    "回答期限（西暦）",
    "期限超過",
    "依頼先と状況",
    "回答数",
    "作成日（和暦）",
];

/// The cells of one request, in the order of [`HEADERS`].
pub fn row(r: &OutreachRequest) -> Vec<String> {
    let ja = |key| t(Lang::Ja, key).to_string();
    vec![
        r.title.clone(),
        ja(outreach_kind_key(r.kind)),
        ja(outreach_state_key(r.state)),
        r.platform_name.clone(),
        r.area.clone(),
        r.target_groups
            .iter()
            .map(|g| ja(target_group_key(*g)))
            .collect::<Vec<_>>()
            .join("、"),
        r.profile.people.to_string(),
        wareki_date(r.deadline),
        r.deadline.format("%Y-%m-%d").to_string(),
        if r.overdue {
            "期限超過".into()
        } else {
            String::new()
        },
        r.organisations
            .iter()
            .map(|o| format!("{}（{}）", o.name, ja(recipient_status_key(o.status))))
            .collect::<Vec<_>>()
            .join("、"),
        r.responses.len().to_string(),
        wareki_date(japan_today(r.created_at)),
    ]
}

/// A cell a spreadsheet would read as a formula, made plain text.
pub fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn csv_field(text: &str) -> String {
    let text = defused(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub fn csv(requests: &[OutreachRequest]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let lines = std::iter::once(HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>())
        .chain(requests.iter().map(row));
    for line in lines {
        out.push_str(
            &line
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub fn xlsx(requests: &[OutreachRequest]) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(format!("xlsx: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("依頼一覧").map_err(failed)?;
    let bold = Format::new().set_bold();
    for (col, header) in HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *header, &bold)
            .map_err(failed)?;
        sheet
            .set_column_width(col as u16, if col == 0 || col == 10 { 40 } else { 16 })
            .map_err(failed)?;
    }
    for (i, request) in requests.iter().enumerate() {
        for (col, cell) in row(request).iter().enumerate() {
            // A string cell is text whatever it starts with; never a formula.
            sheet
                .write_string((i + 1) as u32, col as u16, cell)
                .map_err(failed)?;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_defused_and_csv_quotes() {
        assert_eq!(defused("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(defused("+81"), "'+81");
        assert_eq!(defused("-1"), "'-1");
        assert_eq!(defused("@cmd"), "'@cmd");
        assert_eq!(defused("受け入れ先"), "受け入れ先");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
