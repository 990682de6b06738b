//! What the client keeps of the sync feed, as plain data: applying a page of changes is
//! pure, so it is tested natively and the browser part only persists what it returns.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Change, ChangeKind, ChangeOp, LiaisonThread, Message, ThreadState};

/// The records the pages render from. Platforms and memberships travel in the feed too,
/// but no page renders them from the store yet, so they are not kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    pub threads: HashMap<Uuid, LiaisonThread>,
    pub messages: HashMap<Uuid, Message>,
}

/// One write to the local database: the record's key and its JSON, or `None` to delete.
pub type Write = (String, Option<String>);

pub fn record_key(kind: ChangeKind, id: Uuid) -> String {
    format!("{}:{id}", kind.as_str())
}

impl Records {
    /// Applies one change and says what to write locally. A thread that is gone takes its
    /// messages with it: a removed participant keeps nothing of it on the device.
    pub fn apply(&mut self, change: &Change) -> Vec<Write> {
        let key = record_key(change.kind, change.id);
        let data = match (change.op, &change.data) {
            (ChangeOp::Upsert, Some(data)) => Some(data),
            _ => None,
        };
        match change.kind {
            ChangeKind::Thread => {
                match data.and_then(|d| serde_json::from_value::<LiaisonThread>(d.clone()).ok()) {
                    Some(thread) => {
                        let json = serde_json::to_string(&thread).ok();
                        self.threads.insert(thread.id, thread);
                        vec![(key, json)]
                    }
                    None => {
                        self.threads.remove(&change.id);
                        let gone: Vec<Uuid> = self
                            .messages
                            .values()
                            .filter(|m| m.thread_id == change.id)
                            .map(|m| m.id)
                            .collect();
                        let mut writes = vec![(key, None)];
                        for id in gone {
                            self.messages.remove(&id);
                            writes.push((record_key(ChangeKind::Message, id), None));
                        }
                        writes
                    }
                }
            }
            ChangeKind::Message => {
                match data.and_then(|d| serde_json::from_value::<Message>(d.clone()).ok()) {
                    Some(message) => {
                        let json = serde_json::to_string(&message).ok();
                        self.messages.insert(message.id, message);
                        vec![(key, json)]
                    }
                    None => {
                        self.messages.remove(&change.id);
                        vec![(key, None)]
                    }
                }
            }
            ChangeKind::Platform | ChangeKind::Membership => Vec::new(),
        }
    }

    /// Restores one record read back from the local database.
    pub fn restore(&mut self, key: &str, json: &str) {
        let Some((kind, _)) = key.split_once(':') else {
            return;
        };
        match ChangeKind::parse(kind) {
            Some(ChangeKind::Thread) => {
                if let Ok(thread) = serde_json::from_str::<LiaisonThread>(json) {
                    self.threads.insert(thread.id, thread);
                }
            }
            Some(ChangeKind::Message) => {
                if let Ok(message) = serde_json::from_str::<Message>(json) {
                    self.messages.insert(message.id, message);
                }
            }
            _ => {}
        }
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

    /// The caller's threads, most recently active first, optionally in one state.
    pub fn threads_in(&self, state: Option<ThreadState>) -> Vec<LiaisonThread> {
        let mut list: Vec<LiaisonThread> = self
            .threads
            .values()
            .filter(|t| state.is_none_or(|s| t.state == s))
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
            (401, _) => Outcome::SignIn,
            // An earlier copy of this very write is still being handled: ask again.
            (409, Some("idempotency_in_progress")) => Outcome::Retry,
            (408 | 425 | 429 | 500..=599, _) => Outcome::Retry,
            _ => Outcome::Refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserSummary;
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
        assert_eq!(records.threads_in(None).len(), 1);
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
        let ids: Vec<Uuid> = records.threads_in(None).iter().map(|t| t.id).collect();
        assert_eq!(ids, vec![t2, t1]);
        let open: Vec<Uuid> = records
            .threads_in(Some(ThreadState::Open))
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
    fn outcomes_by_status() {
        assert_eq!(Outcome::of(201, None), Outcome::Sent);
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
