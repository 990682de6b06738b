//! How the good-practice pages name things: the catalogue key for each refusal, status,
//! visibility and facet. One place, so the library, a practice's page and the editor
//! say the same thing the same way.

use super::{FilterKey, PracticeStatus, PracticeVisibility};
use crate::domain::TargetGroup;
use crate::i18n::{t, target_group_key as group_key, Key, Lang};
use crate::wareki::FiscalYear;

pub(super) fn error_key(code: &str) -> Key {
    match code {
        "personal_data" => Key::PersonalDataRefused,
        "not_shared" => Key::PracticeNotShared,
        "own_practice" => Key::OwnPractice,
        other => crate::sync::refusal_key(other).unwrap_or(Key::InvalidPracticeField),
    }
}

pub(super) fn visibility_key(v: PracticeVisibility) -> Key {
    match v {
        PracticeVisibility::Platform => Key::VisibilityPlatform,
        PracticeVisibility::Network => Key::VisibilityNetwork,
        PracticeVisibility::Public => Key::VisibilityPublic,
    }
}

pub(super) fn status_key(s: PracticeStatus) -> Key {
    match s {
        PracticeStatus::Draft => Key::StatusDraft,
        PracticeStatus::Published => Key::StatusPublished,
    }
}

pub(super) fn filter_key_label(key: FilterKey) -> Key {
    match key {
        FilterKey::Q => Key::FacetWords,
        FilterKey::TargetGroup => Key::FacetTargetGroup,
        FilterKey::Tag => Key::FacetTag,
        FilterKey::Area => Key::FacetArea,
        FilterKey::Platform => Key::FacetPlatform,
        FilterKey::Year => Key::FacetYear,
        FilterKey::Featured => Key::FacetFeatured,
    }
}

/// A facet value as a person reads it.
pub(super) fn facet_label(key: FilterKey, value: &str, label: &str, lang: Lang) -> String {
    match key {
        FilterKey::TargetGroup => TargetGroup::parse(value)
            .map(|g| t(lang, group_key(g)).to_string())
            .unwrap_or_else(|| value.to_string()),
        FilterKey::Year => value
            .parse()
            .map(|y| FiscalYear(y).label(lang))
            .unwrap_or_else(|_| value.to_string()),
        _ => label.to_string(),
    }
}
