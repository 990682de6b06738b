//! A prefectural network's programme (事業) and its confidentiality pledge (誓約), kept as
//! data of the network, never in code (issue 17): since 2025 several prefectures renamed
//! their councils (就職氷河期世代活躍支援 → 中高年世代活躍応援, ages 35–59) for the national
//! programme that starts in FY2026.
//!
//! The prefectural secretariat names the programme and its target age band, and writes the
//! pledge every person of the network accepts before working in it (guidelines §6
//! 「秘密の保持」). A changed pledge is a new version; everyone of the network is asked to
//! accept it again on their next page.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Platform, PledgeText};

mod page;

pub(crate) use page::ProgrammePageView;

crate::components::lazy_pages! {
    ProgrammeChunkPage, programme_pages, __preload_programme_pages;
    /// `/p/:slug/programme`: the network's programme and pledge (the secretariat edits).
    ProgrammeRoute => ProgrammePageView,
}

/// The longest programme name, in characters (the longest council names run to ~40).
pub const MAX_PROGRAMME_NAME_CHARS: usize = 100;
/// The youngest and oldest age a target band may name: working ages.
pub const MIN_TARGET_AGE: u8 = 15;
pub const MAX_TARGET_AGE: u8 = 99;
/// A pledge's introduction, each clause and the note of a version, in characters.
pub const MAX_PLEDGE_INTRO_CHARS: usize = 2_000;
pub const MAX_PLEDGE_CLAUSE_CHARS: usize = 500;
pub const MAX_PLEDGE_NOTE_CHARS: usize = 500;
/// A pledge has one to this many clauses.
pub const MAX_PLEDGE_CLAUSES: usize = 10;

/// The programme a prefectural network runs: its name and the ages it serves. Municipal
/// platforms share their prefecture's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkProgramme {
    /// The prefectural platform at the root of the network.
    pub network_id: Uuid,
    /// e.g. 就職氷河期世代活躍支援, 中高年世代活躍応援; empty until the secretariat names it.
    pub programme_name: String,
    /// The target age band in whole years, both ends included; either may be open.
    pub target_age_min: Option<u8>,
    pub target_age_max: Option<u8>,
}

impl NetworkProgramme {
    /// Whether there is anything to show.
    pub fn is_named(&self) -> bool {
        !self.programme_name.is_empty()
    }
}

/// The age band as a person reads it: 35〜54歳, 35歳以上, 59歳以下.
pub fn age_band(min: Option<u8>, max: Option<u8>) -> Option<String> {
    match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min}〜{max}")),
        (Some(min), None) => Some(format!("{min}〜")),
        (None, Some(max)) => Some(format!("〜{max}")),
        (None, None) => None,
    }
}

/// `PUT /api/v1/platforms/{id}/programme`: the secretariat renames the programme or changes
/// its age band. Refused with 422 `invalid_field` (a name with control characters or over
/// [`MAX_PROGRAMME_NAME_CHARS`]) or `invalid_age_band` (outside
/// [`MIN_TARGET_AGE`]–[`MAX_TARGET_AGE`], or the lower end above the upper).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgrammeInput {
    pub programme_name: String,
    #[serde(default)]
    pub target_age_min: Option<u8>,
    #[serde(default)]
    pub target_age_max: Option<u8>,
}

impl ProgrammeInput {
    /// The form's fields (`programme_name`, `target_age_min`, `target_age_max`); an age
    /// that is not a whole number from 0 to 255 is read as out of range (`u8::MAX`), so
    /// the server refuses it rather than dropping it.
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        let age = |name: &str| {
            let value = get(name);
            (!value.is_empty()).then(|| value.parse().unwrap_or(u8::MAX))
        };
        ProgrammeInput {
            programme_name: get("programme_name"),
            target_age_min: age("target_age_min"),
            target_age_max: age("target_age_max"),
        }
    }
}

/// `POST /api/v1/platforms/{id}/pledges`: a new version of the network's pledge. Everyone
/// of the network accepts it again before their next page. 422 `invalid_field` for text
/// over its size or with control characters, `invalid_pledge` without a clause or with
/// more than [`MAX_PLEDGE_CLAUSES`]; personal data is refused as everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewPledge {
    pub intro: String,
    pub clauses: Vec<String>,
    /// Why it changed, shown to those asked to accept it again.
    #[serde(default)]
    pub note: String,
}

impl NewPledge {
    /// The form's fields: `intro`, `clauses` (one clause per line; blank lines dropped)
    /// and `note`.
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        NewPledge {
            intro: get("intro"),
            clauses: get("clauses")
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_string)
                .collect(),
            note: get("note"),
        }
    }
}

impl crate::personal_data::FreeText for ProgrammeInput {
    const FREE_TEXT: &'static [&'static str] = &["programme_name"];
}

impl crate::personal_data::FreeText for NewPledge {
    const FREE_TEXT: &'static [&'static str] = &["intro", "clauses[]", "note"];
}

/// `GET /api/v1/platforms/{id}/programme`, and what `/p/:slug/programme` shows: any member
/// of the network reads it; `can_edit` for its secretariat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgrammePage {
    /// The prefectural platform whose programme it is.
    pub network: Platform,
    pub programme: NetworkProgramme,
    /// Every version of the pledge, newest first; empty while the network uses the
    /// built-in pledge.
    pub pledges: Vec<PledgeText>,
    pub can_edit: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn an_age_that_is_not_a_small_whole_number_is_kept_as_out_of_range() {
        let input = ProgrammeInput::from_form(&pairs(&[
            ("programme_name", " 中高年世代活躍応援 "),
            ("target_age_min", "35"),
            ("target_age_max", "59歳"),
        ]));
        assert_eq!(input.programme_name, "中高年世代活躍応援");
        assert_eq!(input.target_age_min, Some(35));
        assert_eq!(input.target_age_max, Some(u8::MAX));
        let open = ProgrammeInput::from_form(&pairs(&[("programme_name", "x")]));
        assert_eq!((open.target_age_min, open.target_age_max), (None, None));
    }

    #[test]
    fn clauses_are_the_lines_of_the_box_without_blank_ones() {
        let pledge = NewPledge::from_form(&pairs(&[
            ("intro", "同意してください。"),
            (
                "clauses",
                "秘密を漏らしません。\r\n\r\n  個人情報を入力しません。 \n",
            ),
        ]));
        assert_eq!(
            pledge.clauses,
            vec!["秘密を漏らしません。", "個人情報を入力しません。"]
        );
        assert_eq!(pledge.note, "");
    }
}
