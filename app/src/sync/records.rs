//! What the client keeps of the sync feed, as plain data: applying a page of changes is
//! pure, so it is tested natively and the browser part only persists what it returns.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Change, ChangeKind, ChangeOp, Member, Platform};
use crate::notifications::Notification;
use crate::outreach::OutreachRequest;
use crate::threads::{LiaisonThread, Message, ThreadFilter};

/// The records the pages render from: every kind the feed carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    pub platforms: HashMap<Uuid, Platform>,
    pub memberships: HashMap<Uuid, Member>,
    pub threads: HashMap<Uuid, LiaisonThread>,
    pub messages: HashMap<Uuid, Message>,
    pub notifications: HashMap<Uuid, Notification>,
    pub outreach: HashMap<Uuid, OutreachRequest>,
    pub practices: HashMap<Uuid, crate::practices::GoodPractice>,
    /// KPIs as the feed sent them, kept as JSON: the KPI pages read them
    /// (`crate::kpis::stored`), so their types stay in the KPI chunk and out of the first
    /// page's wasm.
    pub kpis: HashMap<Uuid, serde_json::Value>,
    /// Inquiries as the feed sent them, kept as JSON for the same reason
    /// (`crate::inquiries::stored`).
    pub inquiries: HashMap<Uuid, serde_json::Value>,
    /// Implementation plans as the feed sent them, kept as JSON likewise
    /// (`crate::plans::stored`).
    pub plans: HashMap<Uuid, serde_json::Value>,
    /// Policy proposals as the feed sent them, kept as JSON likewise
    /// (`crate::proposals::stored`).
    pub proposals: HashMap<Uuid, serde_json::Value>,
    /// Council meetings as the feed sent them, kept as JSON likewise
    /// (`crate::meetings::Meeting`).
    pub meetings: HashMap<Uuid, serde_json::Value>,
}

/// One write to the local database: the record's key and its JSON, or `None` to delete.
pub type Write = (String, Option<String>);

pub fn record_key(kind: ChangeKind, id: Uuid) -> String {
    format!("{}:{id}", kind.as_str())
}

/// Puts a record that parses as `T` into its map, or takes it out (a delete, or data
/// this version of the app does not understand), and says what to write locally.
fn put<T: Serialize + DeserializeOwned>(
    map: &mut HashMap<Uuid, T>,
    change: &Change,
) -> (Write, bool) {
    let key = record_key(change.kind, change.id);
    let record = match (change.op, &change.data) {
        (ChangeOp::Upsert, Some(data)) => serde_json::from_value::<T>(data.clone()).ok(),
        _ => None,
    };
    match record {
        Some(record) => {
            let json = serde_json::to_string(&record).ok();
            map.insert(change.id, record);
            ((key, json), true)
        }
        None => {
            map.remove(&change.id);
            ((key, None), false)
        }
    }
}

fn restore_into<T: DeserializeOwned>(map: &mut HashMap<Uuid, T>, id: Uuid, json: &str) {
    if let Ok(record) = serde_json::from_str::<T>(json) {
        map.insert(id, record);
    }
}

impl Records {
    /// Applies one change and says what to write locally. A thread that is gone takes its
    /// messages and the notifications about it with it: a removed participant keeps
    /// nothing of it on the device.
    pub fn apply(&mut self, change: &Change) -> Vec<Write> {
        match change.kind {
            ChangeKind::Thread => {
                let (write, kept) = put(&mut self.threads, change);
                let mut writes = vec![write];
                if !kept {
                    let gone: Vec<Uuid> = self
                        .messages
                        .values()
                        .filter(|m| m.thread_id == change.id)
                        .map(|m| m.id)
                        .collect();
                    for id in gone {
                        self.messages.remove(&id);
                        writes.push((record_key(ChangeKind::Message, id), None));
                    }
                    let about: Vec<Uuid> = self
                        .notifications
                        .values()
                        .filter(|n| n.thread_id == Some(change.id))
                        .map(|n| n.id)
                        .collect();
                    for id in about {
                        self.notifications.remove(&id);
                        writes.push((record_key(ChangeKind::Notification, id), None));
                    }
                }
                writes
            }
            ChangeKind::Message => vec![put(&mut self.messages, change).0],
            ChangeKind::Notification => vec![put(&mut self.notifications, change).0],
            ChangeKind::OutreachRequest => vec![put(&mut self.outreach, change).0],
            ChangeKind::GoodPractice => vec![put(&mut self.practices, change).0],
            ChangeKind::Kpi => vec![put(&mut self.kpis, change).0],
            ChangeKind::Inquiry => vec![put(&mut self.inquiries, change).0],
            ChangeKind::Plan => vec![put(&mut self.plans, change).0],
            ChangeKind::Proposal => vec![put(&mut self.proposals, change).0],
            ChangeKind::Meeting => vec![put(&mut self.meetings, change).0],
            ChangeKind::Platform => {
                let (write, kept) = put(&mut self.platforms, change);
                let mut writes = vec![write];
                if !kept {
                    let gone: Vec<Uuid> = self
                        .memberships
                        .values()
                        .filter(|m| m.platform_id == change.id)
                        .map(|m| m.id)
                        .collect();
                    for id in gone {
                        self.memberships.remove(&id);
                        writes.push((record_key(ChangeKind::Membership, id), None));
                    }
                }
                writes
            }
            ChangeKind::Membership => vec![put(&mut self.memberships, change).0],
        }
    }

    /// Restores one record read back from the local database.
    pub fn restore(&mut self, key: &str, json: &str) {
        let Some((kind, id)) = key.split_once(':') else {
            return;
        };
        let Ok(id) = Uuid::parse_str(id) else {
            return;
        };
        match ChangeKind::parse(kind) {
            Some(ChangeKind::Platform) => restore_into(&mut self.platforms, id, json),
            Some(ChangeKind::Membership) => restore_into(&mut self.memberships, id, json),
            Some(ChangeKind::Thread) => restore_into(&mut self.threads, id, json),
            Some(ChangeKind::Message) => restore_into(&mut self.messages, id, json),
            Some(ChangeKind::Notification) => restore_into(&mut self.notifications, id, json),
            Some(ChangeKind::OutreachRequest) => restore_into(&mut self.outreach, id, json),
            Some(ChangeKind::GoodPractice) => restore_into(&mut self.practices, id, json),
            Some(ChangeKind::Kpi) => restore_into(&mut self.kpis, id, json),
            Some(ChangeKind::Inquiry) => restore_into(&mut self.inquiries, id, json),
            Some(ChangeKind::Plan) => restore_into(&mut self.plans, id, json),
            Some(ChangeKind::Proposal) => restore_into(&mut self.proposals, id, json),
            Some(ChangeKind::Meeting) => restore_into(&mut self.meetings, id, json),
            None => {}
        }
    }

    /// A platform's members in the order of its member table.
    pub fn members_of(&self, platform_id: Uuid) -> Vec<Member> {
        let mut list: Vec<Member> = self
            .memberships
            .values()
            .filter(|m| m.platform_id == platform_id)
            .cloned()
            .collect();
        list.sort_by_key(|m| (m.position, m.id));
        list
    }

    /// A thread's messages in the order the server lists them.
    pub fn messages_of(&self, thread_id: Uuid) -> Vec<Message> {
        let mut list: Vec<Message> = self
            .messages
            .values()
            .filter(|m| m.thread_id == thread_id)
            .cloned()
            .collect();
        list.sort_by_key(|m| (m.created_at, m.id));
        list
    }

    /// The messages of a thread within the window a page shows, oldest first: from the
    /// oldest message the server sent for the page (`from`; `None`: from the start) and,
    /// for an older page, up to its newest one (`to`); the newest page has no upper end,
    /// so what arrives live appears on it. Messages are ordered by (created_at, id).
    pub fn messages_in_window(
        &self,
        thread_id: Uuid,
        from: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
        to: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
    ) -> Vec<Message> {
        let mut list = self.messages_of(thread_id);
        list.retain(|m| {
            let at = (m.created_at, m.id);
            from.is_none_or(|f| at >= f) && to.is_none_or(|t| at <= t)
        });
        list
    }

    /// The caller's threads that match a filter (all but its words, which only the server
    /// searches), most recently active first.
    pub fn threads_matching(&self, filter: &ThreadFilter, me: Uuid) -> Vec<LiaisonThread> {
        let mut list: Vec<LiaisonThread> = self
            .threads
            .values()
            .filter(|t| filter.state.is_none_or(|s| t.state == s))
            .filter(|t| filter.platform.is_none_or(|p| t.platform_ids.contains(&p)))
            .filter(|t| !filter.mine || t.created_by.id == me)
            .filter(|t| {
                !filter.mentions
                    || self
                        .messages
                        .values()
                        .any(|m| m.thread_id == t.id && !m.deleted && m.mentions.contains(&me))
            })
            .cloned()
            .collect();
        list.sort_by(|a, b| {
            let at = |t: &LiaisonThread| t.last_message_at.unwrap_or(t.created_at);
            at(b).cmp(&at(a)).then(b.id.cmp(&a.id))
        });
        list
    }

    /// Unread messages over all the caller's threads, for the navigation.
    pub fn unread_total(&self) -> u64 {
        self.threads.values().map(|t| t.unread).sum()
    }

    /// The caller's notifications, newest first.
    pub fn notifications_newest_first(&self) -> Vec<Notification> {
        let mut list: Vec<Notification> = self.notifications.values().cloned().collect();
        list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        list
    }

    /// Requests waiting for the caller (not counting withdrawing, always possible).
    pub fn outreach_needing_action(&self) -> usize {
        self.outreach.values().filter(|r| r.needs_action()).count()
    }

    /// Requests past their deadline and still open, as of today in Japan (worked out
    /// here, so a deadline passing at midnight shows without a change to the request).
    pub fn outreach_overdue(&self) -> usize {
        let today = crate::wareki::japan_today(chrono::Utc::now());
        self.outreach
            .values()
            .filter(|r| crate::outreach::overdue(r.deadline, r.state, today))
            .count()
    }

    /// Inquiries the reader's organisation still owes an answer to (the nav's count),
    /// read from the stored JSON so the inquiry types stay in their chunk.
    pub fn inquiries_to_answer(&self) -> usize {
        self.inquiries
            .values()
            .filter(|i| i["status"] == "sent" && !i["can_answer_for"].is_null())
            .count()
    }

    pub fn unread_notifications(&self) -> usize {
        self.notifications
            .values()
            .filter(|n| n.read_at.is_none())
            .count()
    }
}

/// The pending messages whose message is not in the thread yet. A message counts as
/// arrived when one with the same text was written since the entry was queued (give or
/// take a clock's minute): the server keeps the text as sent, its end trimmed.
pub fn not_yet_arrived(entries: Vec<OutboxEntry>, messages: &[Message]) -> Vec<OutboxEntry> {
    entries
        .into_iter()
        .filter(|e| {
            let text = e.summary.trim_end();
            let since = e.created_at - chrono::Duration::minutes(1);
            !messages
                .iter()
                .any(|m| !m.deleted && m.body == text && m.created_at >= since)
        })
        .collect()
}

/// A write waiting to be sent, kept on the device until the server has answered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Order of writing; entries are sent in this order.
    pub seq: u64,
    /// Sent as `Idempotency-Key`, so a write sent twice (a lost answer, a reload in
    /// between) has one effect.
    pub key: Uuid,
    pub method: String,
    pub path: String,
    pub body: serde_json::Value,
    /// The kind of record the answer carries, kept at once so the page shows it.
    pub answer_kind: Option<ChangeKind>,
    /// The thread the write belongs to, so its page shows it as pending.
    pub thread_id: Option<Uuid>,
    /// What the person wrote, for the pending list and a refusal.
    pub summary: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Answers that said "try again" in a row (for the back-off); 0 for a fresh entry.
    #[serde(default)]
    pub retries: u32,
    /// Since when the server has kept answering that an earlier copy of this write is
    /// still in progress (409 `idempotency_in_progress`); `None` otherwise.
    #[serde(default)]
    pub in_progress_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The first wait before sending an entry again; it doubles with every retry.
pub const RETRY_FIRST: std::time::Duration = std::time::Duration::from_secs(5);
/// The longest wait between two tries.
pub const RETRY_MAX: std::time::Duration = std::time::Duration::from_secs(60);
/// How long an entry may stay "in progress" on the server before the outbox gives up on
/// it, says so, and moves on. The server lets a retry take over a claim whose attempt
/// died after a lease of 60 seconds, so past this something else holds it.
pub const IN_PROGRESS_GIVE_UP: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// What the outbox does next with its first entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Done: drop it (and show the answer).
    Sent,
    /// Refused for good: drop it and show why (the server's code).
    Refused,
    /// The session has ended: keep everything until the person signs in again.
    SignIn,
    /// Keep it, send it again after this wait, and send nothing behind it meanwhile
    /// (writes go in order).
    RetryAfter(std::time::Duration),
    /// It has been "in progress" on the server for too long: drop it, show it failed
    /// (code `idempotency_in_progress`), and go on with the next one.
    GiveUp,
}

/// The back-off after `retries` earlier retries: 5 s, 10 s, 20 s, 40 s, then 60 s.
pub fn retry_delay(retries: u32) -> std::time::Duration {
    RETRY_FIRST
        .saturating_mul(2u32.saturating_pow(retries.min(16)))
        .min(RETRY_MAX)
}

impl OutboxEntry {
    /// Decides what to do after an answer (`None`: the server could not be reached), and
    /// updates the entry's retry history for the next decision. `now` is passed in so
    /// the rule is a plain function of the entry's history.
    pub fn after_answer(
        &mut self,
        answer: Option<(u16, Option<&str>)>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Step {
        let outcome = match answer {
            Some((status, code)) => Outcome::of(status, code),
            None => Outcome::Retry,
        };
        let in_progress = matches!(answer, Some((409, Some("idempotency_in_progress"))));
        if !in_progress {
            self.in_progress_since = None;
        }
        match outcome {
            Outcome::Sent => Step::Sent,
            Outcome::Refused => Step::Refused,
            Outcome::SignIn => Step::SignIn,
            Outcome::Retry => {
                if in_progress {
                    let since = *self.in_progress_since.get_or_insert(now);
                    if now - since >= IN_PROGRESS_GIVE_UP {
                        return Step::GiveUp;
                    }
                }
                let wait = retry_delay(self.retries);
                self.retries = self.retries.saturating_add(1);
                Step::RetryAfter(wait)
            }
        }
    }
}

/// A write the server refused: rolled back, shown with the server's reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub key: Uuid,
    pub summary: String,
    pub code: String,
    pub message: String,
}

/// What to do with an outbox entry given the server's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done (2xx, or a replay of a done write): drop it from the outbox.
    Sent,
    /// Refused for good (a 4xx about the write itself): roll back and say why.
    Refused,
    /// The session has ended: keep it until the person signs in again.
    SignIn,
    /// Try again later (rate limits, server trouble, no answer).
    Retry,
}

impl Outcome {
    /// From the answer's status and error code (`{"error":{"code"}}`), if any.
    pub fn of(status: u16, code: Option<&str>) -> Outcome {
        match (status, code) {
            (200..=299, _) => Outcome::Sent,
            // Done the first time; only its answer (which held a secret) is not sent again.
            (409, Some("idempotency_answer_withheld")) => Outcome::Sent,
            (401, _) => Outcome::SignIn,
            // An earlier copy of this very write is still being handled: ask again.
            (409, Some("idempotency_in_progress")) => Outcome::Retry,
            (408 | 425 | 429 | 500..=599, _) => Outcome::Retry,
            _ => Outcome::Refused,
        }
    }
}

#[cfg(test)]
mod outbox_tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone, Utc};
    use std::time::Duration;

    fn entry() -> OutboxEntry {
        OutboxEntry {
            seq: 1,
            key: Uuid::nil(),
            method: "POST".into(),
            path: "/api/v1/threads".into(),
            body: serde_json::json!({}),
            answer_kind: None,
            thread_id: None,
            summary: "書き込み".into(),
            created_at: Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap(),
            retries: 0,
            in_progress_since: None,
        }
    }

    const IN_PROGRESS: Option<(u16, Option<&str>)> = Some((409, Some("idempotency_in_progress")));

    #[test]
    fn an_entry_stuck_in_progress_backs_off_then_gives_up_and_the_queue_moves_on() {
        let start = Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap();
        let mut e = entry();
        let mut now = start;
        let mut waits = Vec::new();
        loop {
            match e.after_answer(IN_PROGRESS, now) {
                Step::RetryAfter(wait) => {
                    waits.push(wait);
                    now += TimeDelta::from_std(wait).unwrap();
                }
                Step::GiveUp => break,
                other => panic!("unexpected {other:?}"),
            }
            assert!(now - start <= IN_PROGRESS_GIVE_UP + TimeDelta::seconds(60));
        }
        assert!(now - start >= IN_PROGRESS_GIVE_UP, "gave up too early");
        assert_eq!(waits[..5], [5, 10, 20, 40, 60].map(Duration::from_secs));
        assert!(waits.iter().all(|w| *w <= RETRY_MAX));
    }

    #[test]
    fn in_progress_then_done_is_sent_and_the_clock_restarts_after_another_answer() {
        let now = Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap();
        let mut e = entry();
        assert!(matches!(
            e.after_answer(IN_PROGRESS, now),
            Step::RetryAfter(_)
        ));
        assert_eq!(e.in_progress_since, Some(now));
        // The server went away for a while: the in-progress clock is not running.
        assert!(matches!(
            e.after_answer(None, now + TimeDelta::minutes(10)),
            Step::RetryAfter(_)
        ));
        assert_eq!(e.in_progress_since, None);
        let later = now + TimeDelta::minutes(11);
        assert!(matches!(
            e.after_answer(IN_PROGRESS, later),
            Step::RetryAfter(_)
        ));
        assert_eq!(e.in_progress_since, Some(later));
        assert_eq!(e.after_answer(Some((201, None)), later), Step::Sent);
    }

    #[test]
    fn answers_map_to_steps() {
        let now = Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap();
        assert_eq!(entry().after_answer(Some((200, None)), now), Step::Sent);
        assert_eq!(
            entry().after_answer(Some((409, Some("edit_conflict"))), now),
            Step::Refused
        );
        assert_eq!(
            entry().after_answer(Some((422, Some("invalid_body"))), now),
            Step::Refused
        );
        assert_eq!(entry().after_answer(Some((401, None)), now), Step::SignIn);
        // Server trouble and no answer retry for as long as it takes (offline is normal),
        // with back-off; they never give up.
        let mut e = entry();
        for i in 0..100 {
            let step = e.after_answer(
                if i % 2 == 0 { None } else { Some((503, None)) },
                now + TimeDelta::hours(i),
            );
            assert!(matches!(step, Step::RetryAfter(w) if w <= RETRY_MAX));
        }
    }

    #[test]
    fn entries_kept_before_the_history_fields_still_load() {
        let mut json = serde_json::to_value(entry()).unwrap();
        let object = json.as_object_mut().unwrap();
        object.remove("retries");
        object.remove("in_progress_since");
        let back: OutboxEntry = serde_json::from_value(json).unwrap();
        assert_eq!(back.retries, 0);
        assert_eq!(back.in_progress_since, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserSummary;
    use crate::threads::ThreadState;
    use chrono::{TimeZone, Utc};

    fn thread(id: Uuid, minute: u32) -> LiaisonThread {
        LiaisonThread {
            id,
            subject: "就労支援".into(),
            state: ThreadState::Open,
            resolution_note: None,
            platform_ids: vec![],
            organisation_ids: vec![],
            participants: vec![],
            created_by: user(),
            created_at: Utc.with_ymd_and_hms(2026, 4, 1, 9, minute, 0).unwrap(),
            last_message_at: None,
            message_count: 0,
            unread: 2,
            attachments: vec![],
            can_manage: false,
        }
    }

    fn user() -> UserSummary {
        UserSummary {
            id: Uuid::nil(),
            email: "aomori-city@aomori.example".into(),
            display_name: "青森 花子".into(),
        }
    }

    fn message(id: Uuid, thread_id: Uuid, minute: u32) -> Message {
        Message {
            id,
            thread_id,
            author: user(),
            author_organisation: "青森市".into(),
            body: "こんにちは".into(),
            created_at: Utc.with_ymd_and_hms(2026, 4, 1, 10, minute, 0).unwrap(),
            edited_at: None,
            deleted: false,
            mentions: vec![],
            read_count: 0,
            reader_count: 3,
            read_by_organisations: vec![],
        }
    }

    fn all() -> ThreadFilter {
        ThreadFilter::default()
    }

    fn me() -> Uuid {
        Uuid::from_u128(7)
    }

    #[test]
    fn filters_by_platform_mine_and_mentions_as_the_server_does() {
        let (t1, t2, t3) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let city = Uuid::new_v4();
        let mut records = Records::default();
        let mut with_city = thread(t1, 0);
        with_city.platform_ids = vec![city];
        let mut mine = thread(t2, 1);
        mine.created_by.id = me();
        records.apply(&upsert(ChangeKind::Thread, t1, &with_city));
        records.apply(&upsert(ChangeKind::Thread, t2, &mine));
        records.apply(&upsert(ChangeKind::Thread, t3, &thread(t3, 2)));
        let m = Uuid::new_v4();
        let mut mention = message(m, t3, 0);
        mention.mentions = vec![me()];
        records.apply(&upsert(ChangeKind::Message, m, &mention));
        let ids = |filter: ThreadFilter| -> Vec<Uuid> {
            records
                .threads_matching(&filter, me())
                .iter()
                .map(|t| t.id)
                .collect()
        };
        let by_city = ThreadFilter {
            platform: Some(city),
            ..all()
        };
        assert_eq!(ids(by_city), vec![t1]);
        let mine_only = ThreadFilter {
            mine: true,
            ..all()
        };
        assert_eq!(ids(mine_only), vec![t2]);
        let mentions = ThreadFilter {
            mentions: true,
            ..all()
        };
        assert_eq!(ids(mentions), vec![t3]);
    }

    #[test]
    fn members_in_table_order_and_gone_with_their_platform() {
        use crate::domain::{MemberCategory, PlatformKind, Standing};
        let platform = Platform {
            id: Uuid::new_v4(),
            slug: "aomori".into(),
            name: "あおもり".into(),
            kind: PlatformKind::Prefectural,
            parent_id: None,
        };
        let member = |position: i32| Member {
            id: Uuid::new_v4(),
            platform_id: platform.id,
            organisation_id: Uuid::new_v4(),
            organisation_name: format!("団体{position}"),
            category: MemberCategory::Economic,
            standing: Standing::Member,
            secretariat_role: None,
            position,
        };
        let (second, first) = (member(2), member(1));
        let mut records = Records::default();
        records.apply(&upsert(ChangeKind::Platform, platform.id, &platform));
        records.apply(&upsert(ChangeKind::Membership, second.id, &second));
        records.apply(&upsert(ChangeKind::Membership, first.id, &first));
        let order: Vec<i32> = records
            .members_of(platform.id)
            .iter()
            .map(|m| m.position)
            .collect();
        assert_eq!(order, vec![1, 2]);
        let writes = records.apply(&Change {
            cursor: 3,
            kind: ChangeKind::Platform,
            id: platform.id,
            op: ChangeOp::Delete,
            data: None,
        });
        assert_eq!(writes.len(), 3, "{writes:?}");
        assert!(records.members_of(platform.id).is_empty());
    }

    #[test]
    fn notifications_newest_first_and_counted_until_read() {
        let (old, new) = (Uuid::new_v4(), Uuid::new_v4());
        let notification = |id: Uuid, minute: u32, read: bool| Notification {
            id,
            kind: crate::notifications::NotificationKind::Mention,
            thread_id: Some(Uuid::new_v4()),
            message_id: None,
            outreach_request_id: None,
            inquiry_id: None,
            proposal_id: None,
            meeting_id: None,
            subject: "就労支援".into(),
            excerpt: "@hachinohe".into(),
            by: Some(user()),
            created_at: Utc.with_ymd_and_hms(2026, 4, 1, 9, minute, 0).unwrap(),
            read_at: read.then(Utc::now),
        };
        let mut records = Records::default();
        records.apply(&upsert(
            ChangeKind::Notification,
            old,
            &notification(old, 0, true),
        ));
        let writes = records.apply(&upsert(
            ChangeKind::Notification,
            new,
            &notification(new, 5, false),
        ));
        let order: Vec<Uuid> = records
            .notifications_newest_first()
            .iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(order, vec![new, old]);
        assert_eq!(records.unread_notifications(), 1);
        let mut restored = Records::default();
        restored.restore(&writes[0].0, writes[0].1.as_deref().unwrap());
        assert_eq!(restored.notifications.len(), 1);
    }

    fn upsert<T: Serialize>(kind: ChangeKind, id: Uuid, data: &T) -> Change {
        Change {
            cursor: 1,
            kind,
            id,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(data).unwrap()),
        }
    }

    #[test]
    fn a_deleted_thread_takes_its_messages_off_the_device() {
        let (t1, t2) = (Uuid::new_v4(), Uuid::new_v4());
        let (m1, m2, m3) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut records = Records::default();
        records.apply(&upsert(ChangeKind::Thread, t1, &thread(t1, 0)));
        records.apply(&upsert(ChangeKind::Thread, t2, &thread(t2, 1)));
        records.apply(&upsert(ChangeKind::Message, m1, &message(m1, t1, 0)));
        records.apply(&upsert(ChangeKind::Message, m2, &message(m2, t1, 1)));
        records.apply(&upsert(ChangeKind::Message, m3, &message(m3, t2, 2)));
        let writes = records.apply(&Change {
            cursor: 9,
            kind: ChangeKind::Thread,
            id: t1,
            op: ChangeOp::Delete,
            data: None,
        });
        assert_eq!(
            writes.len(),
            3,
            "the thread and both its messages: {writes:?}"
        );
        assert!(writes.iter().all(|(_, json)| json.is_none()));
        assert!(records.messages_of(t1).is_empty());
        assert_eq!(records.messages_of(t2).len(), 1);
        assert_eq!(records.threads_matching(&all(), me()).len(), 1);
    }

    #[test]
    fn messages_in_server_order_threads_newest_first() {
        let (t1, t2) = (Uuid::new_v4(), Uuid::new_v4());
        let mut records = Records::default();
        let mut later = thread(t2, 30);
        later.state = ThreadState::Resolved;
        records.apply(&upsert(ChangeKind::Thread, t1, &thread(t1, 0)));
        records.apply(&upsert(ChangeKind::Thread, t2, &later));
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        records.apply(&upsert(ChangeKind::Message, b, &message(b, t1, 5)));
        records.apply(&upsert(ChangeKind::Message, a, &message(a, t1, 1)));
        let order: Vec<Uuid> = records.messages_of(t1).iter().map(|m| m.id).collect();
        assert_eq!(order, vec![a, b]);
        let ids: Vec<Uuid> = records
            .threads_matching(&all(), me())
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, vec![t2, t1]);
        let open = ThreadFilter {
            state: Some(ThreadState::Open),
            ..all()
        };
        let open: Vec<Uuid> = records
            .threads_matching(&open, me())
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(open, vec![t1]);
        assert_eq!(records.unread_total(), 4);
    }

    #[test]
    fn what_is_written_locally_restores_the_same_records() {
        let t = Uuid::new_v4();
        let m = Uuid::new_v4();
        let mut records = Records::default();
        let mut writes = records.apply(&upsert(ChangeKind::Thread, t, &thread(t, 0)));
        writes.extend(records.apply(&upsert(ChangeKind::Message, m, &message(m, t, 0))));
        let mut restored = Records::default();
        for (key, json) in &writes {
            restored.restore(key, json.as_deref().unwrap());
        }
        assert_eq!(restored, records);
    }

    #[test]
    fn a_pending_message_the_feed_already_brought_is_not_shown_twice() {
        let (t, m) = (Uuid::new_v4(), Uuid::new_v4());
        let entry = |text: &str| OutboxEntry {
            seq: 1,
            key: Uuid::new_v4(),
            method: "POST".into(),
            path: format!("/api/v1/threads/{t}/messages"),
            body: serde_json::json!({ "body": text }),
            answer_kind: Some(ChangeKind::Message),
            thread_id: Some(t),
            summary: text.into(),
            created_at: Utc.with_ymd_and_hms(2026, 4, 1, 10, 0, 0).unwrap(),
            retries: 0,
            in_progress_since: None,
        };
        let mut arrived = message(m, t, 0);
        arrived.body = "こんにちは".into();
        let left = not_yet_arrived(
            vec![entry("こんにちは\n"), entry("まだ届いていない")],
            &[arrived],
        );
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].summary, "まだ届いていない");
    }

    #[test]
    fn outcomes_by_status() {
        assert_eq!(Outcome::of(201, None), Outcome::Sent);
        assert_eq!(
            Outcome::of(409, Some("idempotency_answer_withheld")),
            Outcome::Sent
        );
        assert_eq!(Outcome::of(401, Some("unauthenticated")), Outcome::SignIn);
        assert_eq!(Outcome::of(429, None), Outcome::Retry);
        assert_eq!(Outcome::of(503, None), Outcome::Retry);
        assert_eq!(
            Outcome::of(409, Some("idempotency_in_progress")),
            Outcome::Retry
        );
        assert_eq!(
            Outcome::of(409, Some("invalid_transition")),
            Outcome::Refused
        );
        assert_eq!(
            Outcome::of(422, Some("idempotency_mismatch")),
            Outcome::Refused
        );
        assert_eq!(Outcome::of(404, Some("not_found")), Outcome::Refused);
        assert_eq!(Outcome::of(403, Some("forbidden")), Outcome::Refused);
    }
}
