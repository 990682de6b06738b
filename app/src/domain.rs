//! Kakehashi's domain and wire types, defined once and shared by the server (which maps
//! its database rows into them at one boundary) and the wasm client. Names follow the
//! glossary in DESIGN.md. No secret (password hash, session id) has a type here.
//!
//! Only what several features share lives here (platforms, organisations, people and
//! their roles, invitations, target groups, the sync feed, errors), so that no feature
//! module depends on another; each feature's own types live in its module (`threads`,
//! `notifications`, `outreach`, `practices`).

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

/// The target groups of guidelines §4(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetGroup {
    /// 不安定な就労状態にある方
    UnstableEmployment,
    /// 長期にわたり無業の状態にある方
    LongTermUnemployed,
    /// 社会参加に向けた支援を必要とする方
    SocialParticipation,
}
text_enum!(TargetGroup {
    UnstableEmployment => "unstable_employment",
    LongTermUnemployed => "long_term_unemployed",
    SocialParticipation => "social_participation",
});

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
    /// True once the built-in pledge and every network version owed are accepted.
    pub accepted: bool,
    /// When the user first accepted a pledge.
    pub accepted_at: Option<DateTime<Utc>>,
    /// The current versions of their networks' own pledges the user has yet to accept,
    /// by network name; empty when none is owed (or the networks use the built-in text).
    #[serde(default)]
    pub due: Vec<PledgeText>,
}

/// One version of a prefectural network's confidentiality pledge (誓約, guidelines §6),
/// written by its secretariat (see `crate::programme`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PledgeText {
    pub id: Uuid,
    /// The prefectural platform whose network it binds, and its name.
    pub network_id: Uuid,
    pub network_name: String,
    /// 1, 2, … per network.
    pub version: u32,
    pub intro: String,
    pub clauses: Vec<String>,
    /// Why this version was made (empty for the first).
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/me/pledge`: `pledges`, the ids of the versions the client showed (only
/// those are accepted); omitted, every version owed when the request arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AcceptPledge {
    #[serde(default)]
    pub pledges: Option<Vec<Uuid>>,
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
    Kpi,
    Inquiry,
    Plan,
    Proposal,
    Meeting,
}
text_enum!(ChangeKind {
    Platform => "platform",
    Membership => "membership",
    Thread => "thread",
    Message => "message",
    Notification => "notification",
    OutreachRequest => "outreach_request",
    GoodPractice => "good_practice",
    Kpi => "kpi",
    Inquiry => "inquiry",
    Plan => "plan",
    Proposal => "proposal",
    Meeting => "meeting",
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
