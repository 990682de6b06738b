//! Outreach and placement requests (働きかけ・受け入れ先開拓の依頼, guidelines §3(2) and
//! §4(4)): the wire types and the workflow's rules, shared by the server (which enforces
//! them) and the pages (which offer only what the rules allow). The state machine lives
//! here as plain functions, so it is tested without a server.
//!
//! ```text
//! draft ──submit──▶ submitted ──route──▶ routed ──answer──▶ answered ──close──▶ closed
//!   ▲                   │                  │                  │
//!   └──submit── returned ◀──return─────────┘ (before routing)  │
//!                                          └─ every organisation declines ─▶ declined
//! any state before closed ──withdraw──▶ withdrawn
//! routed, declined ──close with 0 placements──▶ closed (placements need an answer)
//! ```
//!
//! The pages sit beside the rules they offer, so a change to the workflow and to the
//! screens that show it is made in one place: the list (`list`), one request's page with
//! its step and answer forms (`request`) and the drafting form (`form`), which name
//! things the same way through `labels`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::bounded::{InputDate, Page, People, PerPage, Placements};
use crate::domain::{text_enum, TargetGroup, UserSummary};

mod form;
mod labels;
mod list;
mod request;

pub(crate) use form::{OutreachEditView, OutreachNewView};
pub(crate) use list::OutreachListView;
pub(crate) use request::OutreachRequestView;

crate::components::lazy_pages! {
    OutreachChunkPage, outreach_pages, __preload_outreach_pages;
    /// `/outreach`: the outreach request list.
    OutreachListRoute => OutreachListView,
    /// `/outreach/:id`: one outreach request.
    OutreachRequestRoute => OutreachRequestView,
}
// Drafting is a chunk of its own: the form and the personal-data check are only the
// requesting city's, and together with the rest the feature passed its chunk budget.
crate::components::lazy_pages! {
    OutreachDraftingChunkPage, outreach_drafting_pages, __preload_outreach_drafting_pages;
    /// `/outreach/new`: the new-request form.
    OutreachNewRoute => OutreachNewView,
    /// `/outreach/:id/edit`: the request editor.
    OutreachEditRoute => OutreachEditView,
}

/// Past its deadline and still being worked on (a draft has no deadline yet).
pub fn overdue(deadline: NaiveDate, state: OutreachState, today: NaiveDate) -> bool {
    state.is_open() && state != OutreachState::Draft && today > deadline
}

/// What is asked of the economic organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutreachKind {
    /// 受け入れ先の開拓
    PlacementDevelopment,
    /// 雇用にあたって必要な配慮
    Accommodation,
    /// つながり作り
    Connection,
    /// 面接会・説明会
    RecruitmentEvent,
}
text_enum!(OutreachKind {
    PlacementDevelopment => "placement_development",
    Accommodation => "accommodation",
    Connection => "connection",
    RecruitmentEvent => "recruitment_event",
});

/// The accommodations checklist of the anonymised profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Accommodation {
    /// 短時間勤務
    ShortHours,
    /// 勤務日・時間の柔軟な調整
    FlexibleSchedule,
    /// 段階的な勤務開始
    GradualStart,
    /// 静かな作業環境
    QuietWorkspace,
    /// 指示の文書化
    WrittenInstructions,
    /// 職場での相談相手
    WorkplaceMentor,
    /// ジョブコーチ等の支援
    JobCoach,
    /// 通勤への配慮
    Commute,
}
text_enum!(Accommodation {
    ShortHours => "short_hours",
    FlexibleSchedule => "flexible_schedule",
    GradualStart => "gradual_start",
    QuietWorkspace => "quiet_workspace",
    WrittenInstructions => "written_instructions",
    WorkplaceMentor => "workplace_mentor",
    JobCoach => "job_coach",
    Commute => "commute",
});

/// Who the request is about, without a single detail that identifies a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Profile {
    /// Such as "40-44".
    #[serde(default)]
    pub age_band: String,
    #[serde(default)]
    pub desired_work: String,
    /// Such as 週20時間.
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub accommodations: Vec<Accommodation>,
    /// Accommodations the checklist does not name.
    #[serde(default)]
    pub accommodations_note: String,
    /// When work could start, such as 令和8年6月.
    #[serde(default)]
    pub start: String,
    /// How many people: 1 to 1,000.
    #[serde(default)]
    pub people: People,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutreachState {
    Draft,
    Submitted,
    Routed,
    Returned,
    Answered,
    Declined,
    Closed,
    Withdrawn,
}
text_enum!(OutreachState {
    Draft => "draft",
    Submitted => "submitted",
    Routed => "routed",
    Returned => "returned",
    Answered => "answered",
    Declined => "declined",
    Closed => "closed",
    Withdrawn => "withdrawn",
});

impl OutreachState {
    /// Still being worked on: the deadline matters.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            OutreachState::Closed | OutreachState::Withdrawn | OutreachState::Declined
        )
    }

    /// The requester may change the request itself.
    pub fn is_editable(self) -> bool {
        matches!(self, OutreachState::Draft | OutreachState::Returned)
    }
}

/// One addressed organisation's own status on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecipientStatus {
    Pending,
    Acknowledged,
    Answered,
    Declined,
}
text_enum!(RecipientStatus {
    Pending => "pending",
    Acknowledged => "acknowledged",
    Answered => "answered",
    Declined => "declined",
});

/// A step of the workflow (`POST …/transitions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutreachAction {
    Submit,
    Route,
    Return,
    Acknowledge,
    Decline,
    Close,
    Withdraw,
}
text_enum!(OutreachAction {
    Submit => "submit",
    Route => "route",
    Return => "return",
    Acknowledge => "acknowledge",
    Decline => "decline",
    Close => "close",
    Withdraw => "withdraw",
});

/// The parts a person plays on one request. One person may play several (a prefectural
/// coordinator who also drafted the request).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parts {
    /// Works on the requesting platform (not as an observer).
    pub requester: bool,
    /// A coordinator of the prefectural platform (事務局).
    pub secretariat: bool,
    /// Of an organisation the request is routed to, with its status there.
    pub responder: Option<RecipientStatus>,
}

/// Whether a part may take an action, whatever the state (403 when not).
pub fn role_allows(parts: Parts, action: OutreachAction) -> bool {
    match action {
        OutreachAction::Submit | OutreachAction::Close | OutreachAction::Withdraw => {
            parts.requester
        }
        OutreachAction::Route | OutreachAction::Return => parts.secretariat,
        OutreachAction::Acknowledge | OutreachAction::Decline => parts.responder.is_some(),
    }
}

/// Whether the state (and the caller's organisation's status) fits the action (409 when
/// not).
pub fn state_allows(
    state: OutreachState,
    own: Option<RecipientStatus>,
    action: OutreachAction,
) -> bool {
    use OutreachState::*;
    match action {
        OutreachAction::Submit => matches!(state, Draft | Returned),
        // Routing again adds organisations to a request already out.
        OutreachAction::Route => matches!(state, Submitted | Routed | Answered),
        OutreachAction::Return => state == Submitted,
        OutreachAction::Acknowledge => {
            matches!(state, Routed | Answered) && own == Some(RecipientStatus::Pending)
        }
        OutreachAction::Decline => {
            matches!(state, Routed | Answered)
                && matches!(
                    own,
                    Some(RecipientStatus::Pending | RecipientStatus::Acknowledged)
                )
        }
        OutreachAction::Close => matches!(state, Routed | Answered | Declined),
        OutreachAction::Withdraw => !matches!(state, Closed | Withdrawn),
    }
}

/// Whether a `close` may record this many placements in this state. Placements feed the
/// prefecture's KPIs, so more than none needs an organisation's answer (`answered`);
/// a request nobody answered is closed with none, or withdrawn (409 otherwise).
pub fn outcome_allowed(state: OutreachState, placements: Placements) -> bool {
    placements.get() == 0 || state == OutreachState::Answered
}

/// Whether an organisation may answer now.
pub fn may_answer(state: OutreachState, own: Option<RecipientStatus>) -> bool {
    matches!(state, OutreachState::Routed | OutreachState::Answered)
        && matches!(
            own,
            Some(
                RecipientStatus::Pending
                    | RecipientStatus::Acknowledged
                    | RecipientStatus::Answered
            )
        )
}

/// The actions a person may take now, in the order the page offers them.
pub fn available(parts: Parts, state: OutreachState) -> Vec<OutreachAction> {
    OutreachAction::ALL
        .iter()
        .copied()
        .filter(|a| role_allows(parts, *a) && state_allows(state, parts.responder, *a))
        .collect()
}

/// The request's state once every addressed organisation's status is known: all of them
/// declined makes it declined; an answer makes it answered.
pub fn settle(state: OutreachState, statuses: &[RecipientStatus]) -> OutreachState {
    if !matches!(state, OutreachState::Routed | OutreachState::Answered) || statuses.is_empty() {
        return state;
    }
    if statuses.iter().all(|s| *s == RecipientStatus::Declined) {
        OutreachState::Declined
    } else if statuses.contains(&RecipientStatus::Answered) {
        OutreachState::Answered
    } else {
        state
    }
}

/// `POST /api/v1/outreach-requests`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewOutreachRequest {
    pub kind: OutreachKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub profile: Profile,
    /// A date, Japan time: 2000-01-01 to 2100-12-31.
    pub deadline: InputDate,
    /// Organisations it should go to (the secretariat decides).
    #[serde(default)]
    pub organisation_ids: Vec<Uuid>,
    /// The requesting platform; may be left out by someone who works on one only.
    pub platform_id: Option<Uuid>,
}

/// `PATCH /api/v1/outreach-requests/{id}` while draft or returned: any subset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutreachPatch {
    pub kind: Option<OutreachKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub target_groups: Option<Vec<TargetGroup>>,
    pub area: Option<String>,
    pub profile: Option<Profile>,
    /// 2000-01-01 to 2100-12-31.
    pub deadline: Option<InputDate>,
    pub organisation_ids: Option<Vec<Uuid>>,
}

/// The result the requester records when closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// Placements made: 0 to 1,000. More than none needs an organisation's answer first
    /// (they feed the prefecture's KPIs).
    pub placements: Placements,
    #[serde(default)]
    pub note: String,
}

/// `POST /api/v1/outreach-requests/{id}/transitions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Transition {
    pub action: OutreachAction,
    /// With `route`.
    pub organisation_ids: Option<Vec<Uuid>>,
    /// With `return` and `decline` (required), and any other step (optional).
    pub comment: Option<String>,
    /// With `close`.
    pub outcome: Option<Outcome>,
}

/// A company an organisation proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Company {
    pub name: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub area: String,
}

/// `POST /api/v1/outreach-requests/{id}/responses`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewResponse {
    pub body: String,
    /// 0 to 1,000.
    #[serde(default = "no_placements")]
    pub placements_offered: Placements,
    #[serde(default)]
    pub companies: Vec<Company>,
    pub conditions: Option<String>,
    pub next_steps: Option<String>,
}

fn no_placements() -> Placements {
    Placements::saturating(0)
}

/// An organisation's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutreachResponse {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub author: UserSummary,
    pub body: String,
    pub placements_offered: u32,
    pub companies: Vec<Company>,
    pub conditions: Option<String>,
    pub next_steps: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An addressed organisation and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutreachRecipient {
    pub organisation_id: Uuid,
    pub name: String,
    pub status: RecipientStatus,
    /// A decline's reason.
    pub comment: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// One step of the timeline: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// `created`, `edited`, `answered` or an action (`submit`, `route`, …).
    pub action: String,
    pub by: UserSummary,
    pub organisation_name: Option<String>,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// A request as one person sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutreachRequest {
    pub id: Uuid,
    pub platform_id: Uuid,
    pub platform_name: String,
    pub kind: OutreachKind,
    pub title: String,
    pub description: String,
    pub target_groups: Vec<TargetGroup>,
    pub area: String,
    pub profile: Profile,
    pub deadline: NaiveDate,
    pub state: OutreachState,
    /// Past its deadline (Japan time) and still open.
    pub overdue: bool,
    pub suggested_organisation_ids: Vec<Uuid>,
    pub organisations: Vec<OutreachRecipient>,
    pub responses: Vec<OutreachResponse>,
    pub timeline: Vec<TimelineEntry>,
    pub outcome: Option<Outcome>,
    pub created_by: UserSummary,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the caller may do now (transitions), and whether they may answer or edit.
    pub actions: Vec<OutreachAction>,
    pub can_answer: bool,
    pub can_edit: bool,
}

impl OutreachRequest {
    /// Waiting for this person: a draft or returned request to submit, a submitted one to
    /// route or return, a routed one to acknowledge or answer, an answered (or declined)
    /// one to close. Routing more organisations or withdrawing is never waited for.
    pub fn needs_action(&self) -> bool {
        let has = |a: OutreachAction| self.actions.contains(&a);
        has(OutreachAction::Submit)
            || has(OutreachAction::Return)
            || (self.can_answer && has(OutreachAction::Decline))
            || (has(OutreachAction::Close)
                && matches!(
                    self.state,
                    OutreachState::Answered | OutreachState::Declined
                ))
    }
}

/// Which requests to list (`GET /api/v1/outreach-requests` and the list page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachFilter {
    pub state: Option<OutreachState>,
    pub kind: Option<OutreachKind>,
    pub platform: Option<Uuid>,
    pub organisation: Option<Uuid>,
    /// Only open requests past their deadline (Japan time).
    pub overdue: bool,
    /// From 0.
    pub page: Page,
    pub per_page: PerPage,
}

impl OutreachFilter {
    /// From the list page's query string; what does not parse is ignored.
    /// The list a page's query string asks for, read as `GET /api/v1/outreach-requests`
    /// reads it: a value not of its parameter (`page=-1`, an unknown state) is 422
    /// `invalid_query` naming it, never dropped or clamped.
    pub fn parse_params(
        state: Option<String>,
        kind: Option<String>,
        platform: Option<String>,
        overdue: Option<String>,
        page: Option<String>,
    ) -> Result<Self, crate::api::AppError> {
        use crate::bounded::{query_number, query_param};
        Ok(OutreachFilter {
            state: query_param("state", state.as_deref(), OutreachState::parse)?,
            kind: query_param("kind", kind.as_deref(), OutreachKind::parse)?,
            platform: query_param("platform", platform.as_deref(), |p| Uuid::parse_str(p).ok())?,
            organisation: None,
            overdue: query_param("overdue", overdue.as_deref(), |o| match o {
                "1" | "true" | "on" => Some(true),
                "0" | "false" => Some(false),
                _ => None,
            })?
            .unwrap_or(false),
            page: query_number::<Page>("page", page.as_deref())?.unwrap_or_default(),
            per_page: PerPage::default(),
        })
    }

    /// [`Self::parse_params`] for showing the page's own links and form: a list the
    /// server refused shows as the whole list.
    pub fn from_params(
        state: Option<String>,
        kind: Option<String>,
        platform: Option<String>,
        overdue: Option<String>,
        page: Option<String>,
    ) -> Self {
        Self::parse_params(state, kind, platform, overdue, page).unwrap_or_default()
    }
}

/// Counts for the secretariat: by state, and by organisation and its status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachSummary {
    pub by_state: Vec<(OutreachState, u64)>,
    pub by_organisation: Vec<OrganisationCounts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationCounts {
    pub name: String,
    pub pending: u64,
    pub acknowledged: u64,
    pub answered: u64,
    pub declined: u64,
}

/// What the list page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachListPage {
    pub list: OutreachList,
    /// For the secretariat only.
    pub summary: Option<OutreachSummary>,
    /// The platforms to filter by (the caller's networks).
    pub platforms: Vec<crate::domain::Platform>,
    /// Whether the caller may draft requests (staff of a municipal platform).
    pub can_create: bool,
}

/// What a request's page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachPage {
    pub request: OutreachRequest,
    /// The organisations it may be routed to (only when the caller may route).
    pub organisations: Vec<crate::domain::Organisation>,
}

/// What the drafting (or editing) form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachFormPage {
    /// The platforms the caller may request for.
    pub platforms: Vec<crate::domain::Platform>,
    pub organisations: Vec<crate::domain::Organisation>,
    /// The request being edited, if any.
    pub request: Option<OutreachRequest>,
}

/// A page of `GET /api/v1/outreach-requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutreachList {
    pub items: Vec<OutreachRequest>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl crate::personal_data::FreeText for NewOutreachRequest {
    const FREE_TEXT: &'static [&'static str] = &[
        "title",
        "description",
        "area",
        "profile.age_band",
        "profile.desired_work",
        "profile.hours",
        "profile.accommodations_note",
        "profile.start",
    ];
}

impl crate::personal_data::FreeText for OutreachPatch {
    const FREE_TEXT: &'static [&'static str] =
        <NewOutreachRequest as crate::personal_data::FreeText>::FREE_TEXT;
}

impl crate::personal_data::FreeText for Transition {
    const FREE_TEXT: &'static [&'static str] = &["comment", "outcome.note"];
}

impl crate::personal_data::FreeText for NewResponse {
    const FREE_TEXT: &'static [&'static str] = &[
        "body",
        "companies[].name",
        "companies[].sector",
        "companies[].area",
        "conditions",
        "next_steps",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutreachAction::*;
    use OutreachState::*;

    const REQUESTER: Parts = Parts {
        requester: true,
        secretariat: false,
        responder: None,
    };
    const SECRETARIAT: Parts = Parts {
        requester: false,
        secretariat: true,
        responder: None,
    };

    fn responder(status: RecipientStatus) -> Parts {
        Parts {
            responder: Some(status),
            ..Parts::default()
        }
    }

    #[test]
    fn each_part_has_its_steps() {
        assert_eq!(available(REQUESTER, Draft), vec![Submit, Withdraw]);
        assert_eq!(available(REQUESTER, Returned), vec![Submit, Withdraw]);
        assert_eq!(available(REQUESTER, Answered), vec![Close, Withdraw]);
        assert_eq!(available(REQUESTER, Closed), vec![]);
        assert_eq!(available(SECRETARIAT, Submitted), vec![Route, Return]);
        assert_eq!(available(SECRETARIAT, Routed), vec![Route]);
        assert_eq!(available(SECRETARIAT, Draft), vec![]);
        assert_eq!(
            available(responder(RecipientStatus::Pending), Routed),
            vec![Acknowledge, Decline]
        );
        assert_eq!(
            available(responder(RecipientStatus::Acknowledged), Answered),
            vec![Decline]
        );
        assert_eq!(
            available(responder(RecipientStatus::Declined), Routed),
            vec![]
        );
        assert!(!role_allows(SECRETARIAT, Submit));
        assert!(!role_allows(REQUESTER, Route));
        assert!(!role_allows(responder(RecipientStatus::Pending), Close));
    }

    #[test]
    fn answers_and_declines_settle_the_state() {
        use RecipientStatus::*;
        assert_eq!(
            settle(OutreachState::Routed, &[Declined, Declined]),
            OutreachState::Declined
        );
        assert_eq!(
            settle(OutreachState::Routed, &[Declined, Pending]),
            OutreachState::Routed
        );
        assert_eq!(
            settle(OutreachState::Routed, &[Declined, Answered]),
            OutreachState::Answered
        );
        assert_eq!(
            settle(OutreachState::Answered, &[Declined, Declined]),
            OutreachState::Declined
        );
        assert_eq!(
            settle(OutreachState::Closed, &[Declined]),
            OutreachState::Closed
        );
        assert!(may_answer(OutreachState::Routed, Some(Pending)));
        assert!(!may_answer(OutreachState::Routed, Some(Declined)));
        assert!(!may_answer(OutreachState::Closed, Some(Answered)));
    }
}
