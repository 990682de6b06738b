//! How the proposal pages name things: states, decisions, steps and refusals.

use super::{ProposalAction, ProposalOutcome, ProposalState};
use crate::i18n::Key;

pub(super) fn error_key(code: &str) -> Key {
    match code {
        "personal_data" => Key::PersonalDataRefused,
        "forbidden" => Key::ProposalCannotPropose,
        "invalid_platform" => Key::ProposalInvalidPlatform,
        "invalid_transition" => Key::ProposalInvalidTransition,
        other => crate::sync::refusal_key(other).unwrap_or(Key::ProposalInvalidField),
    }
}

pub fn state_key(s: ProposalState) -> Key {
    match s {
        ProposalState::Submitted => Key::ProposalSubmitted,
        ProposalState::UnderReview => Key::ProposalUnderReview,
        ProposalState::Answered => Key::ProposalAnswered,
        ProposalState::Closed => Key::ProposalClosed,
        ProposalState::Withdrawn => Key::ProposalWithdrawn,
    }
}

/// The badge's class for a state (the text says it too).
pub(super) fn state_class(s: ProposalState) -> &'static str {
    match s {
        ProposalState::Submitted => "badge progress no-data",
        ProposalState::UnderReview => "badge progress at-risk",
        ProposalState::Answered => "badge progress on-track",
        ProposalState::Closed | ProposalState::Withdrawn => "badge",
    }
}

pub(super) fn outcome_key(o: ProposalOutcome) -> Key {
    match o {
        ProposalOutcome::Adopted => Key::ProposalAdopted,
        ProposalOutcome::PartlyAdopted => Key::ProposalPartlyAdopted,
        ProposalOutcome::NotAdopted => Key::ProposalNotAdopted,
        ProposalOutcome::Deferred => Key::ProposalDeferred,
    }
}

/// The button of a step taken with one click (`Answer` has its own form).
pub(super) fn action_key(a: ProposalAction) -> Key {
    match a {
        ProposalAction::Review => Key::ProposalReview,
        ProposalAction::Answer => Key::ProposalAnswerButton,
        ProposalAction::Close => Key::ProposalClose,
        ProposalAction::Withdraw => Key::ProposalWithdraw,
        ProposalAction::PublishAnswer => Key::ProposalPublish,
        ProposalAction::UnpublishAnswer => Key::ProposalUnpublish,
    }
}

/// The target groups, or 全体 when none is named.
pub(super) fn groups_label(
    groups: &[crate::domain::TargetGroup],
    lang: crate::i18n::Lang,
) -> String {
    if groups.is_empty() {
        return crate::i18n::t(lang, Key::ProposalAllGroups).to_string();
    }
    groups
        .iter()
        .map(|g| crate::i18n::t(lang, crate::i18n::target_group_key(*g)))
        .collect::<Vec<_>>()
        .join(if lang == crate::i18n::Lang::Ja {
            "、"
        } else {
            ", "
        })
}
