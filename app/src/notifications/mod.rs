//! Notifications (通知): why a person is told about something and what they are told,
//! shared by the server (which creates them) and the page that lists them (`list`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{text_enum, UserSummary};

mod list;

pub(crate) use list::NotificationsListPage;

crate::components::lazy_pages! {
    NotificationsChunkPage, notifications_pages, __preload_notifications_pages;
    /// `/notifications`: the notification list.
    NotificationsRoute => NotificationsListPage,
}

/// Why a person is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Someone mentioned them with `@` in a liaison thread.
    Mention,
    /// An outreach request was submitted (to the secretariat).
    OutreachSubmitted,
    /// An outreach request was routed to their organisation.
    OutreachRouted,
    /// An organisation answered their platform's request.
    OutreachAnswered,
    /// The secretariat returned their platform's request.
    OutreachReturned,
    /// An organisation declined their platform's request.
    OutreachDeclined,
    /// An inquiry asks their organisation to answer.
    InquiryReceived,
    /// The sender reminds their organisation of an answer still owed.
    InquiryReminded,
    /// The sender returned their organisation's answer for correction.
    InquiryReturned,
    /// The sender withdrew an inquiry to their organisation.
    InquiryWithdrawn,
    /// A member submitted a policy proposal (to the secretariat).
    ProposalSubmitted,
    /// The secretariat answered their organisation's policy proposal.
    ProposalAnswered,
    /// Their organisation is invited to a council meeting (協議の場).
    MeetingInvited,
}
text_enum!(NotificationKind {
    Mention => "mention",
    OutreachSubmitted => "outreach_submitted",
    OutreachRouted => "outreach_routed",
    OutreachAnswered => "outreach_answered",
    OutreachReturned => "outreach_returned",
    OutreachDeclined => "outreach_declined",
    InquiryReceived => "inquiry_received",
    InquiryReminded => "inquiry_reminded",
    InquiryReturned => "inquiry_returned",
    InquiryWithdrawn => "inquiry_withdrawn",
    ProposalSubmitted => "proposal_submitted",
    ProposalAnswered => "proposal_answered",
    MeetingInvited => "meeting_invited",
});

/// A notification for one user (`GET /api/v1/notifications`), kept until read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    /// Where to go: the thread (and message) it is about…
    pub thread_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    /// …or the outreach request…
    pub outreach_request_id: Option<Uuid>,
    /// …or the inquiry…
    #[serde(default)]
    pub inquiry_id: Option<Uuid>,
    /// …or the policy proposal…
    #[serde(default)]
    pub proposal_id: Option<Uuid>,
    /// …or the council meeting.
    #[serde(default)]
    pub meeting_id: Option<Uuid>,
    /// The thread's subject; the request's, inquiry's, proposal's or meeting's title.
    pub subject: String,
    /// The start of the message, as it reads now (empty once deleted).
    pub excerpt: String,
    /// Who caused it.
    pub by: Option<UserSummary>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What the notifications page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsPage {
    pub notifications: Vec<Notification>,
}
