//! Policy proposals (政策提案, guidelines §3: every member category proposes policy to the
//! secretariat of the prefectural platform): the wire types, shared by the server and the
//! pages.
//!
//! A member organisation (a municipal platform through its secretariat) submits a proposal
//! to the secretariat of its prefectural platform. The secretariat takes it up for review
//! and answers it (adopted, partly adopted, not adopted or deferred, with an official
//! answer), then closes it; the proposer may withdraw it until it is answered. The
//! secretariat keeps a note of its own the proposer never sees, and may publish the answer
//! to every member of the network.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{text_enum, TargetGroup};
use crate::plans::NamedRef;

pub mod labels;
mod list;
mod page;

pub(crate) use list::{ProposalNewView, ProposalsListView};
pub(crate) use page::ProposalPageView;

crate::components::lazy_pages! {
    ProposalsChunkPage, proposals_pages, __preload_proposals_pages;
    /// `/proposals`: the proposals the reader may see.
    ProposalsListRoute => ProposalsListView,
    /// `/proposals/new`: a new proposal to the secretariat.
    ProposalNewRoute => ProposalNewView,
    /// `/proposals/:id`: one proposal, its steps and its answer.
    ProposalRoute => ProposalPageView,
}

/// The longest title, in characters.
pub const MAX_PROPOSAL_TITLE_CHARS: usize = 200;
/// The longest background, proposal, answer or note, in characters.
pub const MAX_PROPOSAL_TEXT_CHARS: usize = 10_000;

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// 提出済み: sent to the secretariat.
    #[default]
    Submitted,
    /// 検討中: the secretariat has taken it up.
    UnderReview,
    /// 回答済み: the secretariat has given its official answer.
    Answered,
    /// 終了: nothing more to do.
    Closed,
    /// 取下げ: the proposer took it back before the answer.
    Withdrawn,
}
text_enum!(ProposalState {
    Submitted => "submitted",
    UnderReview => "under_review",
    Answered => "answered",
    Closed => "closed",
    Withdrawn => "withdrawn",
});

/// The secretariat's decision on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalOutcome {
    /// 採用
    Adopted,
    /// 一部採用
    PartlyAdopted,
    /// 不採用
    NotAdopted,
    /// 継続検討
    Deferred,
}
text_enum!(ProposalOutcome {
    Adopted => "adopted",
    PartlyAdopted => "partly_adopted",
    NotAdopted => "not_adopted",
    Deferred => "deferred",
});

/// What someone does to a proposal (`POST /api/v1/proposals/{id}/steps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalAction {
    /// The secretariat takes a submitted proposal up: submitted → under review.
    Review,
    /// The secretariat answers: submitted or under review → answered (`outcome` and
    /// `answer` required).
    Answer,
    /// The secretariat closes an answered proposal: answered → closed.
    Close,
    /// The proposer takes it back before the answer: submitted or under review →
    /// withdrawn.
    Withdraw,
    /// The secretariat shows the answer to every member of the network (answered or
    /// closed).
    PublishAnswer,
    /// The secretariat keeps the answer to the proposer again.
    UnpublishAnswer,
}
text_enum!(ProposalAction {
    Review => "review",
    Answer => "answer",
    Close => "close",
    Withdraw => "withdraw",
    PublishAnswer => "publish_answer",
    UnpublishAnswer => "unpublish_answer",
});

impl ProposalAction {
    /// Whether the secretariat takes this step (the proposer takes only `Withdraw`).
    pub fn by_secretariat(self) -> bool {
        self != ProposalAction::Withdraw
    }

    /// The state this step leaves a proposal in `from` (its answer `published` or not), or
    /// `None` when it is not a step from there (409 `invalid_transition`): publishing is a
    /// step only for an answer not yet published, and the other way round.
    pub fn next(self, from: ProposalState, published: bool) -> Option<ProposalState> {
        use ProposalState::*;
        match (self, from) {
            (ProposalAction::Review, Submitted) => Some(UnderReview),
            (ProposalAction::Answer, Submitted | UnderReview) => Some(Answered),
            (ProposalAction::Close, Answered) => Some(Closed),
            (ProposalAction::Withdraw, Submitted | UnderReview) => Some(Withdrawn),
            (ProposalAction::PublishAnswer, Answered | Closed) if !published => Some(from),
            (ProposalAction::UnpublishAnswer, Answered | Closed) if published => Some(from),
            _ => None,
        }
    }
}

/// A new proposal (`POST /api/v1/proposals`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewProposal {
    /// The prefectural platform whose secretariat receives it; may be left out when the
    /// proposer works in one network only.
    #[serde(default)]
    pub platform_id: Option<Uuid>,
    /// A municipal platform of that network the proposal is made for, by one of its
    /// coordinators (市町村PF from its secretariat); absent for the organisation's own.
    #[serde(default)]
    pub on_behalf_of: Option<Uuid>,
    /// Up to 200 characters.
    pub title: String,
    /// 背景・現状, up to 10,000 characters.
    #[serde(default)]
    pub background: String,
    /// 提案内容, up to 10,000 characters.
    pub proposal: String,
    /// The target groups of §4(1) it concerns (none: all of them).
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
}

/// A step on a proposal (`POST /api/v1/proposals/{id}/steps`), saved only at the
/// `version` read (409 `edit_conflict` otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalStep {
    pub version: u32,
    pub action: ProposalAction,
    /// With `answer`: the decision.
    #[serde(default)]
    pub outcome: Option<ProposalOutcome>,
    /// With `answer`: the official answer, up to 10,000 characters.
    #[serde(default)]
    pub answer: String,
    /// With `answer`: show the answer to every member of the network at once.
    #[serde(default)]
    pub publish_answer: bool,
}

/// The secretariat's own note (`PUT /api/v1/proposals/{id}/note`), saved only at the
/// `note_version` read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalNoteInput {
    pub note_version: u32,
    /// Up to 10,000 characters; the proposer and the network never see it.
    pub note: String,
}

/// One step a proposal took, for its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalHistoryEntry {
    pub state: ProposalState,
    pub at: DateTime<Utc>,
}

/// A proposal as one reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PolicyProposal {
    pub id: Uuid,
    /// The prefectural platform whose secretariat it is addressed to.
    pub platform_id: Uuid,
    pub platform_name: String,
    /// The proposing organisation.
    pub organisation: NamedRef,
    /// The municipal platform it was made for, if any.
    pub on_behalf_of: Option<NamedRef>,
    pub title: String,
    pub background: String,
    pub proposal: String,
    pub target_groups: Vec<TargetGroup>,
    pub state: ProposalState,
    pub outcome: Option<ProposalOutcome>,
    /// The official answer (empty until answered).
    pub answer: String,
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether every member of the network reads the proposal and its answer.
    pub answer_published: bool,
    pub history: Vec<ProposalHistoryEntry>,
    /// The secretariat's own note and its version: present for the secretariat only.
    pub secretariat_note: Option<String>,
    pub note_version: Option<u32>,
    /// Goes up with every step; a step is saved only at the version it was read.
    pub version: u32,
    /// The steps this reader may take now.
    pub actions: Vec<ProposalAction>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where a reader may send a proposal: a prefectural platform, and the municipal
/// platforms they may propose for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalAddressee {
    pub platform: NamedRef,
    pub on_behalf_of: Vec<NamedRef>,
}

/// What `/proposals` needs: the proposals the reader may see (newest first) and where
/// they may send one (empty: they may not propose).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalsPage {
    pub proposals: Vec<PolicyProposal>,
    pub addressees: Vec<ProposalAddressee>,
}

/// A proposal from the local store (kept there as the feed's JSON), if it reads as one.
pub(crate) fn stored(json: &serde_json::Value) -> Option<PolicyProposal> {
    serde_json::from_value(json.clone()).ok()
}

impl NewProposal {
    /// The form's fields: `platform_id`, `on_behalf_of` (blank: none), `title`,
    /// `background`, `proposal`, `target_groups` (repeated).
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        // Blank is none; anything else that is not an id is one no platform has, so the
        // server refuses it as it refuses it from the API, never files it otherwise.
        let id = |name: &str| {
            let value = get(name);
            let value = value.trim();
            (!value.is_empty()).then(|| Uuid::parse_str(value).unwrap_or(Uuid::nil()))
        };
        NewProposal {
            platform_id: id("platform_id"),
            on_behalf_of: id("on_behalf_of"),
            title: get("title"),
            background: get("background"),
            proposal: get("proposal"),
            target_groups: crate::form_pairs::fields(pairs, "target_groups")
                .iter()
                .filter_map(|g| TargetGroup::parse(g))
                .collect(),
        }
    }
}

impl crate::personal_data::FreeText for NewProposal {
    const FREE_TEXT: &'static [&'static str] = &["title", "background", "proposal"];
}

impl crate::personal_data::FreeText for ProposalStep {
    const FREE_TEXT: &'static [&'static str] = &["answer"];
}

impl crate::personal_data::FreeText for ProposalNoteInput {
    const FREE_TEXT: &'static [&'static str] = &["note"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_action_has_one_answer() {
        use ProposalAction as A;
        use ProposalState as S;
        let expected = |a: A, s: S, published: bool| -> Option<S> {
            match (a, s) {
                (A::Review, S::Submitted) => Some(S::UnderReview),
                (A::Answer, S::Submitted | S::UnderReview) => Some(S::Answered),
                (A::Close, S::Answered) => Some(S::Closed),
                (A::Withdraw, S::Submitted | S::UnderReview) => Some(S::Withdrawn),
                (A::PublishAnswer, S::Answered) if !published => Some(S::Answered),
                (A::PublishAnswer, S::Closed) if !published => Some(S::Closed),
                (A::UnpublishAnswer, S::Answered) if published => Some(S::Answered),
                (A::UnpublishAnswer, S::Closed) if published => Some(S::Closed),
                _ => None,
            }
        };
        for a in ProposalAction::ALL {
            for s in ProposalState::ALL {
                for published in [false, true] {
                    assert_eq!(
                        a.next(*s, published),
                        expected(*a, *s, published),
                        "{a} from {s}, published {published}"
                    );
                }
            }
        }
        // Nothing leaves a withdrawn proposal, and nothing but publication a closed one.
        assert!(ProposalAction::ALL
            .iter()
            .all(|a| a.next(ProposalState::Withdrawn, false).is_none()));
    }

    #[test]
    fn the_form_reads_as_the_api_body() {
        let platform = Uuid::new_v4();
        let pairs: Vec<(String, String)> = [
            ("platform_id", platform.to_string().as_str()),
            ("on_behalf_of", ""),
            ("title", "提案"),
            ("proposal", "本文"),
            ("target_groups", "long_term_unemployed"),
            ("target_groups", "nonsense"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let p = NewProposal::from_form(&pairs);
        assert_eq!(p.platform_id, Some(platform));
        assert_eq!(p.on_behalf_of, None);
        assert_eq!(p.target_groups, vec![TargetGroup::LongTermUnemployed]);
        let typo: Vec<(String, String)> = vec![("on_behalf_of".into(), "青森市".into())];
        assert_eq!(
            NewProposal::from_form(&typo).on_behalf_of,
            Some(Uuid::nil())
        );
    }
}
