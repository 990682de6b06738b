//! Checks of free-text input and the JSON-text columns, shared by every feature that
//! takes people's writing (outreach requests, good practices): one wording of the errors,
//! one personal-data refusal.

use app::personal_data;

use super::{ApiError, ApiResult};

/// The text trimmed, if it has 1 (when required) or 0 to `max` characters; otherwise 422
/// `invalid_field` naming the field.
pub fn text(field: &str, value: &str, max: usize, required: bool) -> ApiResult<String> {
    let value = value.trim();
    if (required && value.is_empty()) || value.chars().count() > max {
        let need = if required { "1" } else { "0" };
        return Err(ApiError::invalid(
            "invalid_field",
            format!("`{field}`: give {need} to {max} characters."),
        ));
    }
    Ok(value.to_string())
}

/// 422 `invalid_query` when a query parameter is longer than its documented bound.
pub fn bounded_query(param: &str, value: &str, max: usize) -> ApiResult<()> {
    if value.chars().count() > max {
        return Err(ApiError::invalid(
            "invalid_query",
            format!("`{param}`: give at most {max} characters."),
        ));
    }
    Ok(())
}

/// Refuses personal data about supported people in any of these fields (422
/// `personal_data`, naming each field and what was found); nothing is saved.
pub fn refuse_personal_data<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> ApiResult<()> {
    let findings = personal_data::scan(fields);
    if findings.is_empty() {
        return Ok(());
    }
    Err(ApiError::invalid(
        "personal_data",
        findings
            .iter()
            .map(personal_data::Finding::message)
            .collect::<Vec<_>>()
            .join(" "),
    ))
}

/// A list kept in a JSON-text column.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain types serialise")
}

/// A JSON-text column read back; written only through [`json`], so unreadable text means
/// an empty value rather than a failed page.
pub fn parse_json<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}
