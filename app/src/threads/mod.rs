//! Liaison threads (連絡調整): the wire types the server answers with and the pages read,
//! kept apart from the shared domain so that a change to how threads work touches one
//! module. The pages themselves are in `list` (finding and starting threads) and `thread`
//! (reading and writing in one), with the participant pickers both use in
//! `participants`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{text_enum, Organisation, Platform, UserSummary};
use crate::i18n::Key;

mod list;
mod participants;
mod thread;

pub(crate) use list::ThreadsListPage;
pub(crate) use thread::ThreadPageView;

crate::components::lazy_pages! {
    ThreadsChunkPage, threads_pages, __preload_threads_pages;
    /// `/threads`: the liaison-thread list.
    ThreadsListRoute => ThreadsListPage,
    /// `/threads/:id`: one liaison thread.
    ThreadRoute => ThreadPageView,
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

// ---------------------------------------------------------------------------------------
// Shared by the pages
// ---------------------------------------------------------------------------------------

fn state_key(state: ThreadState) -> Key {
    match state {
        ThreadState::Open => Key::StateOpen,
        ThreadState::Resolved => Key::StateResolved,
        ThreadState::Reopened => Key::StateReopened,
    }
}

/// The participants' names as a Japanese list (読点-separated).
fn participant_names(thread: &LiaisonThread) -> String {
    thread
        .participants
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}
