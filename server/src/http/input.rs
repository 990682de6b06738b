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
    refuse_findings(&personal_data::scan(fields))
}

/// 422 `personal_data` naming each finding, or `Ok` when there is none.
pub fn refuse_findings(findings: &[personal_data::Finding]) -> ApiResult<()> {
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

/// The one personal-data check of an input: every free-text field its type lists
/// (`FreeText::FREE_TEXT`), each named by its path (`companies[2].sector`) in the 422
/// `personal_data` message. Call it with the input as received, before anything is
/// saved; a test holds each type's list to the fields of its API schema.
pub fn refuse_personal_data_in<T: personal_data::FreeText>(input: &T) -> ApiResult<()> {
    let fields = input.free_text();
    refuse_personal_data(fields.iter().map(|(f, t)| (f.as_str(), t.as_str())))
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

#[cfg(test)]
mod tests {
    //! Every string field of every API input is either checked for personal data or named
    //! as exempt: read from the OpenAPI document, so a new field or a new input type fails
    //! here until it is listed.

    use std::collections::BTreeSet;

    use serde_json::Value;

    use app::personal_data::FreeText;

    /// The inputs under the personal-data rule, with their lists.
    fn checked_types() -> Vec<(
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    )> {
        macro_rules! entry {
            ($t:ty, $name:literal) => {
                ($name, <$t as FreeText>::FREE_TEXT, <$t as FreeText>::EXEMPT)
            };
        }
        vec![
            entry!(app::outreach::NewOutreachRequest, "NewOutreachRequest"),
            entry!(app::outreach::OutreachPatch, "OutreachPatch"),
            entry!(app::outreach::Transition, "Transition"),
            entry!(app::outreach::NewResponse, "NewResponse"),
            entry!(app::practices::NewGoodPractice, "NewGoodPractice"),
            entry!(app::practices::GoodPracticePatch, "GoodPracticePatch"),
            entry!(app::practices::NewAdoption, "NewAdoption"),
            entry!(app::practices::NewPracticeComment, "NewPracticeComment"),
            entry!(app::threads::NewThread, "NewThread"),
            entry!(app::threads::ThreadPatch, "ThreadPatch"),
            entry!(app::threads::MessageBody, "MessageBody"),
            entry!(app::kpis::NewKpi, "NewKpi"),
            entry!(app::kpis::KpiUpdate, "KpiUpdate"),
            entry!(app::kpis::KpiActualInput, "KpiActualInput"),
            entry!(app::kpis::PublishActuals, "PublishActuals"),
            entry!(app::plans::NewPlan, "NewPlan"),
            entry!(app::plans::PlanUpdate, "PlanUpdate"),
            entry!(app::plans::PlanItemWrite, "PlanItemWrite"),
            entry!(app::plans::PublishPlan, "PublishPlan"),
            entry!(app::plans::PlanProgressInput, "PlanProgressInput"),
            entry!(app::inquiries::NewInquiry, "NewInquiry"),
            entry!(app::inquiries::AnswerInput, "AnswerInput"),
            entry!(app::inquiries::ReturnAnswer, "ReturnAnswer"),
            entry!(app::inquiries::AcceptAnswer, "AcceptAnswer"),
            entry!(app::programme::ProgrammeInput, "ProgrammeInput"),
            entry!(app::programme::NewPledge, "NewPledge"),
            entry!(app::proposals::NewProposal, "NewProposal"),
            entry!(app::proposals::ProposalStep, "ProposalStep"),
            entry!(app::proposals::ProposalNoteInput, "ProposalNoteInput"),
            entry!(app::meetings::NewMeeting, "NewMeeting"),
            entry!(app::meetings::MeetingUpdate, "MeetingUpdate"),
        ]
    }

    /// Inputs outside the rule, each with the reason: they describe the people who use
    /// Kakehashi (their own accounts) or carry no text.
    const OUTSIDE_THE_RULE: &[(&str, &str)] = &[
        ("SignIn", "a user's own credentials"),
        ("AcceptInvitation", "a user's own display name and password"),
        (
            "NewInvitation",
            "the e-mail address of the account being created",
        ),
        ("ReadMarker", "a cursor, no text"),
        ("MeetingStep", "a version and an action, no text"),
        ("AttendanceInput", "ids and an answer, no text"),
        (
            "AcceptPledge",
            "the ids of the pledge versions shown, no text",
        ),
    ];

    /// The schema a `$ref` names.
    fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                resolve(doc, &doc["components"]["schemas"][name])
            }
            None => schema,
        }
    }

    /// The paths of the plain string fields under a schema (`[]` for list elements).
    /// Enumerations, ids and dates are not plain strings: their schema says what they are.
    fn string_paths(doc: &Value, schema: &Value, path: &str, out: &mut BTreeSet<String>) {
        let schema = resolve(doc, schema);
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                string_paths(doc, part, path, out);
            }
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"string") {
            let format = schema.get("format").and_then(Value::as_str);
            let typed = schema.get("enum").is_some()
                || matches!(format, Some("uuid" | "date" | "date-time" | "binary"));
            if !typed {
                out.insert(path.to_string());
            }
        }
        if let Some(fields) = schema.get("properties").and_then(Value::as_object) {
            for (name, field) in fields {
                let inner = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                string_paths(doc, field, &inner, out);
            }
        }
        if let Some(items) = schema.get("items") {
            string_paths(doc, items, &format!("{path}[]"), out);
        }
    }

    #[test]
    fn every_string_field_of_every_input_is_checked_or_exempt() {
        let doc =
            serde_json::to_value(crate::openapi::document()).expect("the document serialises");
        let mut inputs: BTreeSet<String> = BTreeSet::new();
        for item in doc["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("a path item").values() {
                let Some(content) = operation["requestBody"]["content"].as_object() else {
                    continue;
                };
                for (kind, body) in content {
                    if kind != "application/json" {
                        continue;
                    }
                    let name = body["schema"]["$ref"]
                        .as_str()
                        .expect("a JSON body names its schema")
                        .trim_start_matches("#/components/schemas/");
                    inputs.insert(name.to_string());
                }
            }
        }
        assert!(inputs.contains("NewResponse") && inputs.contains("NewGoodPractice"));
        let checked = checked_types();
        for name in &inputs {
            let mut strings = BTreeSet::new();
            string_paths(
                &doc,
                &doc["components"]["schemas"][name.as_str()],
                "",
                &mut strings,
            );
            if let Some((_, free, exempt)) = checked.iter().find(|(n, _, _)| n == name) {
                let listed: BTreeSet<String> = free
                    .iter()
                    .chain(exempt.iter())
                    .map(|s| s.to_string())
                    .collect();
                assert_eq!(
                    strings, listed,
                    "{name}: the string fields of its schema (left) must each be listed once \
                     in `FreeText::FREE_TEXT` or `EXEMPT` (right)"
                );
                let both: Vec<_> = free.iter().filter(|f| exempt.contains(f)).collect();
                assert!(both.is_empty(), "{name}: {both:?} both checked and exempt");
            } else {
                assert!(
                    OUTSIDE_THE_RULE.iter().any(|(n, _)| n == name),
                    "{name} is an API input with string fields {strings:?}: implement \
                     `FreeText` for it (and list it here) or name it outside the rule"
                );
            }
        }
        for (name, _, _) in &checked {
            assert!(inputs.contains(*name), "{name} is no API input any more");
        }
    }

    #[test]
    fn every_listed_field_is_refused_when_it_holds_personal_data() {
        use app::outreach::{Company, NewResponse};
        let response = NewResponse {
            body: "受け入れ可能です。".into(),
            placements_offered: app::bounded::Placements::new(1).expect("1 is in range"),
            companies: vec![
                Company {
                    name: "青森食品".into(),
                    sector: "製造".into(),
                    area: "八戸市".into(),
                },
                Company {
                    name: "弘前運輸".into(),
                    sector: "運輸 担当 090-1234-5678".into(),
                    area: "弘前市".into(),
                },
            ],
            conditions: None,
            next_steps: None,
        };
        let error = super::refuse_personal_data_in(&response).expect_err("a phone number");
        let message = format!("{error:?}");
        assert!(message.contains("companies[1].sector"), "{message}");
    }
}
