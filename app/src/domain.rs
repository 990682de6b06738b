//! Kakehashi's domain and wire types, defined once and shared by the server (which maps
//! its database rows into them at one boundary) and the wasm client. Names follow the
//! glossary in DESIGN.md. No secret (password hash, session id) has a type here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Implements the text form used in the database, the API and forms for a plain enum.
macro_rules! text_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

/// A tenant: the prefectural platform (都道府県PF) or a municipal one (市町村PF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlatformKind {
    Prefectural,
    Municipal,
}
text_enum!(PlatformKind { Prefectural => "prefectural", Municipal => "municipal" });

/// 区分: the category a member organisation is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberCategory {
    Economic,
    Labour,
    Support,
    Municipal,
    Government,
}
text_enum!(MemberCategory {
    Economic => "economic",
    Labour => "labour",
    Support => "support",
    Municipal => "municipal",
    Government => "government",
});

/// 構成員 or オブザーバー.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Member,
    Observer,
}
text_enum!(Standing { Member => "member", Observer => "observer" });

/// 事務局 主担当 / 副担当.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecretariatRole {
    Lead,
    Deputy,
}
text_enum!(SecretariatRole { Lead => "lead", Deputy => "deputy" });

/// What a user may do on one platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Secretariat (事務局): runs the platform, invites people.
    Coordinator,
    /// Municipal or member staff.
    Staff,
    /// An economic organisation's person answering requests.
    Responder,
    Observer,
    Admin,
}
text_enum!(Role {
    Coordinator => "coordinator",
    Staff => "staff",
    Responder => "responder",
    Observer => "observer",
    Admin => "admin",
});

impl Role {
    /// Coordinators and admins run a platform: they invite people into it.
    pub fn can_invite(self) -> bool {
        matches!(self, Role::Coordinator | Role::Admin)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Platform {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: PlatformKind,
    pub parent_id: Option<Uuid>,
}

/// A platform the signed-in user works in, with their roles there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyPlatform {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: PlatformKind,
    pub parent_id: Option<Uuid>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub category: MemberCategory,
    pub parent_id: Option<Uuid>,
}

/// One membership of a platform, as its member list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: Uuid,
    pub platform_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub category: MemberCategory,
    pub standing: Standing,
    pub secretariat_role: Option<SecretariatRole>,
    /// Where it comes in the platform's member table (the guidelines' order).
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pledge {
    pub accepted: bool,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/me`: who is signed in, where they work, and what they still owe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: UserSummary,
    pub organisation: Organisation,
    pub platforms: Vec<MyPlatform>,
    pub csrf_token: String,
    pub pledge: Pledge,
}

impl Me {
    pub fn platform(&self, slug: &str) -> Option<&MyPlatform> {
        self.platforms.iter().find(|p| p.slug == slug)
    }

    pub fn can_invite_on(&self, platform_id: Uuid) -> bool {
        self.platforms
            .iter()
            .any(|p| p.id == platform_id && p.roles.iter().any(|r| r.can_invite()))
    }
}

/// `POST /api/v1/session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionCreated {
    pub user: UserSummary,
    pub csrf_token: String,
    pub pledge: Pledge,
}

/// `POST /api/v1/platforms/{id}/invitations`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewInvitation {
    pub email: String,
    pub role: Role,
    /// The organisation the invitee will belong to; it must be a member of the platform.
    pub organisation_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: Uuid,
    pub platform_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub email: String,
    pub role: Role,
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// Returned once, to the coordinator who invited: the link is never shown again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InvitationCreated {
    pub invitation: Invitation,
    /// Path of the acceptance page, e.g. `/invitations/TOKEN`.
    pub accept_path: String,
}

/// What the acceptance page shows the invitee before they set a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InvitationPreview {
    pub email: String,
    pub platform_name: String,
    pub organisation_name: String,
    pub role: Role,
    pub existing_user: bool,
}

/// `POST /api/v1/invitations/{token}/accept`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AcceptInvitation {
    pub display_name: String,
    pub password: String,
}

/// What the liaison-threads page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadsPage {
    pub threads: Vec<LiaisonThread>,
    /// Who a thread may include.
    pub choices: ParticipantChoices,
}

/// The platforms and organisations a thread may include: the caller's prefectural
/// network and its member organisations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantChoices {
    pub platforms: Vec<Platform>,
    pub organisations: Vec<Organisation>,
}

/// What one thread's page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub thread: LiaisonThread,
    /// One page of messages, oldest first: the newest, or those just before `before`.
    pub messages: Vec<Message>,
    /// For the participants panel (empty unless the caller may manage them).
    pub choices: ParticipantChoices,
    /// The `before` of the page of older messages, when there are any.
    pub older: Option<Uuid>,
    /// The `before` this page was asked with (`None`: the newest page).
    pub before: Option<Uuid>,
}

/// Which of the caller's liaison threads to list. The same filter runs on the server
/// (`GET /api/v1/threads`) and, over the local store, in the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadFilter {
    /// Words to find in subjects and messages; only the server searches.
    pub q: Option<String>,
    pub state: Option<ThreadState>,
    /// Only threads this platform takes part in.
    pub platform: Option<Uuid>,
    /// Only threads the caller opened.
    pub mine: bool,
    /// Only threads with a message that mentions the caller.
    pub mentions: bool,
}

impl ThreadFilter {
    /// From the list page's query string (`?q=&state=&platform=&mine=1&mentions=1`);
    /// what does not parse is ignored, as a link with a stale value should still list.
    pub fn from_params(
        q: Option<String>,
        state: Option<String>,
        platform: Option<String>,
        mine: Option<String>,
        mentions: Option<String>,
    ) -> Self {
        Self::parse_params(q, state, platform, mine, mentions).unwrap_or_default()
    }

    /// The threads a page's query string asks for, read as `GET /api/v1/threads` reads
    /// it: a value not of its parameter (an unknown state, a malformed platform id) is
    /// 422 `invalid_query` naming it, never dropped.
    pub fn parse_params(
        q: Option<String>,
        state: Option<String>,
        platform: Option<String>,
        mine: Option<String>,
        mentions: Option<String>,
    ) -> Result<Self, crate::api::AppError> {
        use crate::bounded::query_param;
        let on = |name: &str, v: Option<String>| {
            query_param(name, v.as_deref(), |v| match v {
                "1" | "true" | "on" => Some(true),
                "0" | "false" => Some(false),
                _ => None,
            })
            .map(|v| v.unwrap_or(false))
        };
        Ok(ThreadFilter {
            q: q.filter(|q| !q.trim().is_empty()),
            state: query_param("state", state.as_deref(), ThreadState::parse)?,
            platform: query_param("platform", platform.as_deref(), |p| Uuid::parse_str(p).ok())?,
            mine: on("mine", mine)?,
            mentions: on("mentions", mentions)?,
        })
    }

    pub fn searches(&self) -> bool {
        self.q.as_deref().is_some_and(|q| !q.trim().is_empty())
    }
}

/// What the invitations page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationsPage {
    pub platform: Platform,
    pub invitations: Vec<Invitation>,
    /// The organisations an invitee may be placed in: the platform's members.
    pub organisations: Vec<Organisation>,
}

/// A person holding a role on a platform, as its coordinators see them
/// (`GET /api/v1/platforms/{id}/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlatformUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub organisation_name: String,
    /// Their roles on this platform (revocable one by one).
    pub roles: Vec<Role>,
    /// Signed-in sessions end and sign-in is refused while disabled.
    pub disabled: bool,
    /// Whether the caller may disable (or enable) this account: they coordinate every
    /// platform the person works on, or its prefectural platform, and it is not them.
    pub may_disable: bool,
}

/// What the users page of a platform needs (coordinators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub platform: Platform,
    pub users: Vec<PlatformUser>,
}

/// 連絡調整: the state of a liaison thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThreadState {
    Open,
    Resolved,
    Reopened,
}
text_enum!(ThreadState { Open => "open", Resolved => "resolved", Reopened => "reopened" });

/// A participant of a liaison thread: a platform or an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Participant {
    /// "platform" or "organisation".
    pub kind: String,
    pub id: Uuid,
    pub name: String,
}

/// A liaison thread (連絡調整) as a participant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LiaisonThread {
    pub id: Uuid,
    pub subject: String,
    pub state: ThreadState,
    pub resolution_note: Option<String>,
    pub platform_ids: Vec<Uuid>,
    pub organisation_ids: Vec<Uuid>,
    pub participants: Vec<Participant>,
    pub created_by: UserSummary,
    pub created_at: DateTime<Utc>,
    pub last_message_at: Option<DateTime<Utc>>,
    pub message_count: u64,
    /// Messages by others the caller has not read.
    pub unread: u64,
    /// Files attached to the thread, oldest first.
    pub attachments: Vec<AttachmentInfo>,
    /// Whether the caller may change participants (a coordinator of a participant platform).
    pub can_manage: bool,
}

/// `POST /api/v1/threads`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewThread {
    pub subject: String,
    pub platform_ids: Vec<Uuid>,
    #[serde(default)]
    pub organisation_ids: Vec<Uuid>,
    /// An optional first message.
    pub body: Option<String>,
}

/// `PATCH /api/v1/threads/{id}`: any subset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThreadPatch {
    pub subject: Option<String>,
    pub state: Option<ThreadState>,
    /// Required when `state` becomes `resolved`.
    pub resolution_note: Option<String>,
    pub platform_ids: Option<Vec<Uuid>>,
    pub organisation_ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub id: Uuid,
    pub thread_id: Uuid,
    pub message_id: Option<Uuid>,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: UserSummary,
    pub created_at: DateTime<Utc>,
}

/// A message of a liaison thread. A deleted message stays as a tombstone: `deleted`
/// true, `body` empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: Uuid,
    pub thread_id: Uuid,
    pub author: UserSummary,
    pub author_organisation: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Set when edited (shown as 編集済み).
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// Users mentioned with `@`.
    pub mentions: Vec<Uuid>,
    /// 既読 n/m: how many of the participants' other users have read it, of how many.
    pub read_count: u64,
    pub reader_count: u64,
    /// The organisations whose users have read it.
    pub read_by_organisations: Vec<String>,
}

/// `POST /api/v1/threads/{id}/messages` and `PATCH /api/v1/messages/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageBody {
    pub body: String,
}

/// Liaison threads are under the personal-data rule like every other free text: staff
/// find each other's contacts in the member directory, so a phone number or an address in
/// a thread can only be someone else's (guidelines §6).
impl crate::personal_data::FreeText for NewThread {
    const FREE_TEXT: &'static [&'static str] = &["subject", "body"];
}

impl crate::personal_data::FreeText for ThreadPatch {
    const FREE_TEXT: &'static [&'static str] = &["subject", "resolution_note"];
}

impl crate::personal_data::FreeText for MessageBody {
    const FREE_TEXT: &'static [&'static str] = &["body"];
}

/// `POST /api/v1/threads/{id}/read`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadMarker {
    pub message_id: Uuid,
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
}
text_enum!(NotificationKind {
    Mention => "mention",
    OutreachSubmitted => "outreach_submitted",
    OutreachRouted => "outreach_routed",
    OutreachAnswered => "outreach_answered",
    OutreachReturned => "outreach_returned",
    OutreachDeclined => "outreach_declined",
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
    /// …or the outreach request.
    pub outreach_request_id: Option<Uuid>,
    /// The thread's subject or the request's title.
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

/// The kinds of record the sync feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Platform,
    Membership,
    Thread,
    Message,
    Notification,
    OutreachRequest,
    GoodPractice,
}
text_enum!(ChangeKind {
    Platform => "platform",
    Membership => "membership",
    Thread => "thread",
    Message => "message",
    Notification => "notification",
    OutreachRequest => "outreach_request",
    GoodPractice => "good_practice",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Upsert,
    Delete,
}
text_enum!(ChangeOp { Upsert => "upsert", Delete => "delete" });

/// One entry of the sync feed: the record's current state, or a tombstone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Change {
    pub cursor: i64,
    pub kind: ChangeKind,
    pub id: Uuid,
    pub op: ChangeOp,
    /// The record as `GET` would answer it (`Platform`, `Member`); null for a delete.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub data: Option<serde_json::Value>,
}

/// `GET /api/v1/sync?since=CURSOR&limit=N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SyncPage {
    pub changes: Vec<Change>,
    /// Pass this as `since` next time.
    pub cursor: i64,
    pub has_more: bool,
}

/// The data of an `event: change` on `GET /api/v1/events`. With `from`, `cursor` and
/// `changes`: every change the reader may see after `from` up to and including `cursor`,
/// each record once at its newest change, exactly as a pull of that range would send
/// them; a client whose own cursor is at least `from` applies them and moves to `cursor`
/// without pulling. With `cursor` alone (a stream opened with `Last-Event-ID` behind the
/// feed, or the server could not build the changes) or nothing (the stream fell behind):
/// the client pulls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChangeEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<Change>>,
}

/// What a client at some cursor does with a [`ChangeEvent`].
#[derive(Debug, PartialEq)]
pub enum EventStep<'a> {
    /// Apply these changes and move to this cursor.
    Apply(Vec<&'a Change>, i64),
    /// The client already has everything the event is about.
    Nothing,
    /// The event does not cover the range after the client's cursor: pull.
    Pull,
}

impl ChangeEvent {
    /// The step for a client whose own cursor is `cursor`.
    pub fn step(&self, cursor: i64) -> EventStep<'_> {
        match range_step(self.from, self.cursor, self.changes.is_some(), cursor) {
            RangeStep::Nothing => EventStep::Nothing,
            RangeStep::Pull => EventStep::Pull,
            RangeStep::Apply { to } => EventStep::Apply(
                self.changes
                    .iter()
                    .flatten()
                    .filter(|c| c.cursor > cursor)
                    .collect(),
                to,
            ),
        }
    }
}

/// [`EventStep`] without the changes, for a client that reads an event's range apart from
/// its records (the load tool, which must not spend on parsing records the CPU the server
/// it measures needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeStep {
    /// Apply the event's changes above the client's cursor, then move to `to`.
    Apply {
        to: i64,
    },
    Nothing,
    Pull,
}

/// The step for a client at `cursor` given an event's `from`, `cursor` (`to`) and whether
/// it carries changes (see [`ChangeEvent`]).
pub fn range_step(from: Option<i64>, to: Option<i64>, carries: bool, cursor: i64) -> RangeStep {
    match (from, to) {
        (_, Some(to)) if to <= cursor => RangeStep::Nothing,
        (Some(from), Some(to)) if carries && from <= cursor => RangeStep::Apply { to },
        _ => RangeStep::Pull,
    }
}

#[cfg(test)]
mod change_event_tests {
    use super::*;

    fn change(cursor: i64) -> Change {
        Change {
            cursor,
            kind: ChangeKind::Message,
            id: Uuid::nil(),
            op: ChangeOp::Upsert,
            data: None,
        }
    }

    #[test]
    fn a_client_applies_only_an_event_that_continues_its_own_cursor() {
        let event = ChangeEvent {
            cursor: Some(20),
            from: Some(10),
            changes: Some(vec![change(12), change(18)]),
        };
        // Behind the event's range: a gap, so pull.
        assert_eq!(event.step(9), EventStep::Pull);
        assert_eq!(
            event.step(10),
            EventStep::Apply(vec![&change(12), &change(18)], 20)
        );
        // Part of the range already pulled: only what is newer.
        assert_eq!(event.step(15), EventStep::Apply(vec![&change(18)], 20));
        assert_eq!(event.step(20), EventStep::Nothing);
        let poke = ChangeEvent {
            cursor: Some(20),
            ..Default::default()
        };
        assert_eq!(poke.step(10), EventStep::Pull);
        assert_eq!(poke.step(25), EventStep::Nothing);
        assert_eq!(ChangeEvent::default().step(10), EventStep::Pull);
    }
}

/// Every API error: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

/// The minimum length of a password a person sets.
pub const MIN_PASSWORD_CHARS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for c in MemberCategory::ALL {
            assert_eq!(MemberCategory::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Role::parse("king"), None);
        assert_eq!(
            serde_json::to_string(&Role::Coordinator).unwrap(),
            "\"coordinator\""
        );
    }
}
