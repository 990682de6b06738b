//! How the KPI pages name things: the catalogue key for each refusal, kind, direction,
//! status and progress. One place, so the list, a KPI's page and the editor agree.

use super::{KpiAccumulation, KpiDirection, KpiKind, KpiPeriodicity, KpiStatus, ProgressStatus};
use crate::i18n::{Key, Lang};

pub(super) fn error_key(code: &str) -> Key {
    match code {
        "personal_data" => Key::PersonalDataRefused,
        "not_contributor" => Key::KpiNotContributor,
        other => crate::sync::refusal_key(other).unwrap_or(Key::KpiInvalidField),
    }
}

pub(super) fn kind_key(k: KpiKind) -> Key {
    match k {
        KpiKind::Output => Key::KpiKindOutput,
        KpiKind::Outcome => Key::KpiKindOutcome,
    }
}

pub(super) fn direction_key(d: KpiDirection) -> Key {
    match d {
        KpiDirection::HigherIsBetter => Key::KpiHigherIsBetter,
        KpiDirection::LowerIsBetter => Key::KpiLowerIsBetter,
    }
}

pub(super) fn accumulation_key(a: KpiAccumulation) -> Key {
    match a {
        KpiAccumulation::Cumulative => Key::KpiCumulative,
        KpiAccumulation::Annual => Key::KpiAnnual,
    }
}

pub(super) fn periodicity_key(p: KpiPeriodicity) -> Key {
    match p {
        KpiPeriodicity::FiscalYear => Key::KpiPerFiscalYear,
        KpiPeriodicity::Quarter => Key::KpiPerQuarter,
    }
}

pub(super) fn status_key(s: KpiStatus) -> Key {
    match s {
        KpiStatus::Draft => Key::StatusDraft,
        KpiStatus::Published => Key::StatusPublished,
    }
}

pub fn progress_key(s: ProgressStatus) -> Key {
    match s {
        ProgressStatus::OnTrack => Key::ProgressOnTrack,
        ProgressStatus::AtRisk => Key::ProgressAtRisk,
        ProgressStatus::Behind => Key::ProgressBehind,
        ProgressStatus::NoData => Key::ProgressNoData,
    }
}

/// The badge's class for a progress status (colour and an icon-free text both say it).
pub(super) fn progress_class(s: ProgressStatus) -> &'static str {
    match s {
        ProgressStatus::OnTrack => "badge progress on-track",
        ProgressStatus::AtRisk => "badge progress at-risk",
        ProgressStatus::Behind => "badge progress behind",
        ProgressStatus::NoData => "badge progress no-data",
    }
}

/// A figure as a person reads it: grouped digits, at most one decimal place
/// (1,234 / 12.5), `None` as the catalogue's "not reported".
pub(super) fn figure(value: Option<f64>, lang: Lang) -> String {
    match value {
        None => crate::i18n::t(lang, Key::NotReported).to_string(),
        Some(v) => group_digits(v),
    }
}

pub(crate) fn group_digits(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    let negative = rounded < 0.0;
    let abs = rounded.abs();
    let whole = abs.trunc() as u64;
    let tenth = ((abs - abs.trunc()) * 10.0).round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if tenth > 0 {
        out.push('.');
        out.push_str(&tenth.to_string());
    }
    if negative {
        out.insert(0, '-');
    }
    out
}

/// A percentage with one decimal place: 92.5 %.
pub(super) fn percent(value: Option<f64>, lang: Lang) -> String {
    match value {
        None => crate::i18n::t(lang, Key::NotReported).to_string(),
        Some(p) => format!("{:.1}%", p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_grouped_and_blanks_are_not_zero() {
        assert_eq!(group_digits(1234567.0), "1,234,567");
        assert_eq!(group_digits(12.54), "12.5");
        assert_eq!(group_digits(-1000.0), "-1,000");
        assert_eq!(group_digits(0.0), "0");
        assert_eq!(figure(None, Lang::Ja), "未報告");
        assert_eq!(percent(Some(92.456), Lang::En), "92.5%");
    }
}
