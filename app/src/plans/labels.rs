//! How the plan pages name things: sections, groups, statuses, revisions and refusals. One
//! place, so the list, the plan, the comparison and the editor agree.

use super::{PlanItemStatus, PlanSection};
use crate::domain::TargetGroup;
use crate::i18n::{Key, Lang};
use crate::wareki::FiscalYear;

pub(super) fn error_key(code: &str) -> Key {
    match code {
        "plan_period_overlap" => Key::PlanPeriodOverlap,
        "plan_unchanged" => Key::PlanUnchanged,
        "plan_items_outside_period" => Key::PlanItemsOutsidePeriod,
        "personal_data" => Key::PersonalDataRefused,
        other => crate::sync::refusal_key(other).unwrap_or(Key::PlanInvalidField),
    }
}

pub(super) fn section_key(s: PlanSection) -> Key {
    match s {
        PlanSection::Purpose => Key::PlanSectionPurpose,
        PlanSection::Period => Key::PlanSectionPeriod,
        PlanSection::SituationAndIssues => Key::PlanSectionSituation,
        PlanSection::GoalsAndMeasures => Key::PlanSectionGoals,
        PlanSection::GrantProjects => Key::PlanSectionGrants,
        PlanSection::GovernanceAndProgress => Key::PlanSectionGovernance,
        PlanSection::MunicipalCooperation => Key::PlanSectionMunicipal,
        PlanSection::Other => Key::PlanSectionOther,
    }
}

pub(super) fn group_key(g: Option<TargetGroup>) -> Key {
    g.map(crate::i18n::target_group_key)
        .unwrap_or(Key::GroupCrossCutting)
}

pub fn status_key(s: PlanItemStatus) -> Key {
    match s {
        PlanItemStatus::NotStarted => Key::PlanNotStarted,
        PlanItemStatus::InProgress => Key::PlanInProgress,
        PlanItemStatus::Done => Key::PlanDone,
        PlanItemStatus::Stopped => Key::PlanStopped,
    }
}

/// The badge's class for a status (the text says it too).
pub(super) fn status_class(s: PlanItemStatus) -> &'static str {
    match s {
        PlanItemStatus::NotStarted => "badge progress no-data",
        PlanItemStatus::InProgress => "badge progress at-risk",
        PlanItemStatus::Done => "badge progress on-track",
        PlanItemStatus::Stopped => "badge progress behind",
    }
}

/// 第2版 / Revision 2; 0 is the working copy.
pub(super) fn revision_label(n: u32, lang: Lang) -> String {
    match (n, lang) {
        (0, lang) => crate::i18n::t(lang, Key::PlanWorkingCopy).to_string(),
        (n, Lang::Ja) => format!("第{n}版"),
        (n, Lang::En) => format!("Revision {n}"),
    }
}

/// 令和5年度〜令和8年度 / FY2023–FY2026.
pub(super) fn period_label(start: i32, end: i32, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "{}〜{}",
            FiscalYear(start).wareki(),
            FiscalYear(end).wareki()
        ),
        Lang::En => format!("FY{start}–FY{end}"),
    }
}

/// The years of a schedule, in 和暦 (令和6・7年度) or as FY2024, FY2025.
pub(super) fn years_label(years: &[i32], lang: Lang) -> String {
    match lang {
        Lang::Ja => years
            .iter()
            .map(|y| FiscalYear(*y).wareki())
            .collect::<Vec<_>>()
            .join("、"),
        Lang::En => years
            .iter()
            .map(|y| format!("FY{y}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The names of `ids` found in `refs`, in the ids' order (unknown ones left out), joined
/// as a list is written in Japanese.
pub(super) fn names(ids: &[uuid::Uuid], refs: &[super::NamedRef]) -> String {
    ids.iter()
        .filter_map(|id| refs.iter().find(|r| r.id == *id).map(|r| r.name.clone()))
        .collect::<Vec<_>>()
        .join("、")
}
