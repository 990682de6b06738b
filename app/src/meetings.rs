//! Council meetings (協議の場, guidelines §5: each platform holds its council at least twice
//! a year, and more when needed): the wire types, shared by the server and (later) the
//! pages.
//!
//! A platform's secretariat (its coordinators and administrators) plans a meeting of the
//! platform: title, kind, start and end (UTC on the wire, shown in Japan time), place or
//! online link, the organisations invited (by default every member and observer of the
//! platform) and the agenda. Each invited organisation answers whether it attends before
//! the meeting starts; afterwards the secretariat corrects the answers. The secretariat
//! marks the meeting held or cancelled. Only held meetings count towards the two a 年度.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::text_enum;
use crate::plans::NamedRef;

/// The longest title, place or agenda item title, in characters.
pub const MAX_MEETING_TEXT_CHARS: usize = 200;
/// The longest online link, in characters.
pub const MAX_ONLINE_URL_CHARS: usize = 2_000;
/// The most agenda items a meeting has.
pub const MAX_AGENDA_ITEMS: usize = 50;
/// The longest meeting, in hours: a council sits within one day.
pub const MAX_MEETING_HOURS: i64 = 24;
/// The number of held meetings a platform owes each 年度 (guidelines §5: 年2回以上).
pub const MEETINGS_PER_FISCAL_YEAR: u32 = 2;

/// What kind of meeting it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// 定例会: one of the regular councils of §5.
    #[default]
    Regular,
    /// 臨時会: held when needed (§5: この他必要に応じて).
    AdHoc,
    /// 作業部会: a working group of some members.
    WorkingGroup,
}
text_enum!(MeetingKind {
    Regular => "regular",
    AdHoc => "ad_hoc",
    WorkingGroup => "working_group",
});

/// Where a meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingState {
    /// 開催予定
    #[default]
    Planned,
    /// 開催済み: counts towards the two meetings of the 年度.
    Held,
    /// 中止
    Cancelled,
}
text_enum!(MeetingState {
    Planned => "planned",
    Held => "held",
    Cancelled => "cancelled",
});

/// An invited organisation's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    /// 未回答
    #[default]
    Unanswered,
    /// 出席
    Attending,
    /// 欠席
    Absent,
    /// 代理出席: another member organisation attends for it (`proxy_organisation_id`).
    Proxy,
}
text_enum!(Attendance {
    Unanswered => "unanswered",
    Attending => "attending",
    Absent => "absent",
    Proxy => "proxy",
});

/// A step the secretariat takes (`POST /api/v1/meetings/{id}/steps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingAction {
    /// planned → held, once the meeting has started (422 `not_started` before).
    Hold,
    /// planned → cancelled.
    Cancel,
    /// cancelled → planned.
    Reopen,
}
text_enum!(MeetingAction {
    Hold => "hold",
    Cancel => "cancel",
    Reopen => "reopen",
});

impl MeetingAction {
    /// The state this step leaves a meeting in `from`, or `None` when it is no step from
    /// there (409 `invalid_transition`). A held meeting stays held: it has been counted.
    pub fn next(self, from: MeetingState) -> Option<MeetingState> {
        use MeetingState::*;
        match (self, from) {
            (MeetingAction::Hold, Planned) => Some(Held),
            (MeetingAction::Cancel, Planned) => Some(Cancelled),
            (MeetingAction::Reopen, Cancelled) => Some(Planned),
            _ => None,
        }
    }
}

/// One agenda item as written (`agenda` of [`NewMeeting`] and [`MeetingUpdate`]): at
/// most one of `kpi_id`, `plan_item_id` (with `plan_id`) and `proposal_id`, each a record
/// of the platform's network the secretariat may see (422 `invalid_link` otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgendaItemInput {
    /// Up to 200 characters.
    pub title: String,
    /// The organisation presenting it: a member or observer of the platform's network.
    #[serde(default)]
    pub presenter_organisation_id: Option<Uuid>,
    #[serde(default)]
    pub kpi_id: Option<Uuid>,
    /// The implementation plan a linked plan item (実施事業) belongs to.
    #[serde(default)]
    pub plan_id: Option<Uuid>,
    #[serde(default)]
    pub plan_item_id: Option<Uuid>,
    #[serde(default)]
    pub proposal_id: Option<Uuid>,
}

/// A new meeting (`POST /api/v1/meetings`), by the platform's secretariat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewMeeting {
    /// The platform holding it (prefectural or municipal).
    pub platform_id: Uuid,
    /// Up to 200 characters.
    pub title: String,
    #[serde(default)]
    pub kind: MeetingKind,
    /// The start, an instant (RFC 3339, any offset; Japan time is `+09:00`), in a 年度
    /// from 2000 to 2100.
    pub starts_at: DateTime<Utc>,
    /// After the start, at most 24 hours later.
    pub ends_at: DateTime<Utc>,
    /// 会場, up to 200 characters (empty: none).
    #[serde(default)]
    pub place: String,
    /// An `https://` link to the online meeting, up to 2,000 characters (empty: none).
    #[serde(default)]
    pub online_url: String,
    /// The organisations invited; absent: every member and observer of the platform.
    #[serde(default)]
    pub invited_organisation_ids: Option<Vec<Uuid>>,
    /// Up to 50 items, in order.
    #[serde(default)]
    pub agenda: Vec<AgendaItemInput>,
}

/// A meeting's details and agenda rewritten (`PUT /api/v1/meetings/{id}`) at the
/// `version` read (409 `edit_conflict` otherwise); only while it is planned. The invited
/// organisations stay as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingUpdate {
    pub version: u32,
    pub title: String,
    #[serde(default)]
    pub kind: MeetingKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub online_url: String,
    #[serde(default)]
    pub agenda: Vec<AgendaItemInput>,
}

/// A step on a meeting (`POST /api/v1/meetings/{id}/steps`) at the `version` read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingStep {
    pub version: u32,
    pub action: MeetingAction,
}

/// An organisation's answer (`PUT /api/v1/meetings/{id}/attendance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttendanceInput {
    /// The invited organisation answered for; absent: the caller's own.
    #[serde(default)]
    pub organisation_id: Option<Uuid>,
    pub attendance: Attendance,
    /// With `proxy`, and only then: the member organisation attending for it.
    #[serde(default)]
    pub proxy_organisation_id: Option<Uuid>,
}

/// One invited organisation and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingInvitation {
    pub organisation: NamedRef,
    pub attendance: Attendance,
    pub proxy: Option<NamedRef>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether the secretariat set the answer (after the meeting, or for the organisation).
    pub corrected_by_secretariat: bool,
}

/// One agenda item as a reader sees it. A linked record is named only for a reader who
/// may see it; for anyone else its name is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgendaItem {
    /// From 1, in order.
    pub position: u32,
    pub title: String,
    pub presenter: Option<NamedRef>,
    pub kpi: Option<NamedRef>,
    /// The plan (`plan_id`) a linked plan item belongs to.
    pub plan_id: Option<Uuid>,
    pub plan_item: Option<NamedRef>,
    pub proposal: Option<NamedRef>,
}

/// A meeting as one reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Meeting {
    pub id: Uuid,
    /// The platform holding it.
    pub platform: NamedRef,
    pub title: String,
    pub kind: MeetingKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The 年度 of the start in Japan time (the year it starts in: 2025 is 令和7年度).
    pub fiscal_year: i32,
    pub place: String,
    pub online_url: Option<String>,
    pub state: MeetingState,
    /// Goes up with every change; a change is saved only at the version it was read.
    pub version: u32,
    pub invitations: Vec<MeetingInvitation>,
    pub agenda: Vec<AgendaItem>,
    /// Whether this reader runs it (the platform's secretariat).
    pub may_manage: bool,
    /// The organisation this reader may answer for now (their own, invited, before the
    /// start); the secretariat answers for any.
    pub may_answer_for: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Whether a platform has held its meetings in the current 年度 (guidelines §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingCompliance {
    pub platform: NamedRef,
    /// The current 年度 in Japan (the year it starts in).
    pub fiscal_year: i32,
    /// Held meetings starting in it, Japan time.
    pub held: u32,
    /// 2.
    pub required: u32,
    pub met: bool,
}

/// `GET /api/v1/meetings`: the meetings the reader may see, newest first, and the
/// compliance of each platform they may see it for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingsPage {
    pub meetings: Vec<Meeting>,
    pub compliance: Vec<MeetingCompliance>,
}

impl crate::personal_data::FreeText for NewMeeting {
    const FREE_TEXT: &'static [&'static str] = &["title", "place", "agenda[].title"];
    const EXEMPT: &'static [&'static str] = &["online_url"];
}

impl crate::personal_data::FreeText for MeetingUpdate {
    const FREE_TEXT: &'static [&'static str] = &["title", "place", "agenda[].title"];
    const EXEMPT: &'static [&'static str] = &["online_url"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_action_has_one_answer() {
        use MeetingAction as A;
        use MeetingState as S;
        for (action, from, to) in [
            (A::Hold, S::Planned, Some(S::Held)),
            (A::Hold, S::Held, None),
            (A::Hold, S::Cancelled, None),
            (A::Cancel, S::Planned, Some(S::Cancelled)),
            (A::Cancel, S::Held, None),
            (A::Cancel, S::Cancelled, None),
            (A::Reopen, S::Planned, None),
            (A::Reopen, S::Held, None),
            (A::Reopen, S::Cancelled, Some(S::Planned)),
        ] {
            assert_eq!(action.next(from), to, "{action} from {from}");
        }
    }
}
