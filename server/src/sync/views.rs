//! Payloads built once for many readers.
//!
//! A change's record, as the feed shows it, depends on the record and on who reads it. For
//! every kind but notifications, "who" is only the reader's roles (platform, role) and
//! organisation — their *reader class* — plus a few fields of the reader's own (a thread's
//! unread count, whether they may manage a thread they started, which practice comments
//! they may delete), which [`personalise`] sets afterwards from data of that reader alone.
//! Two hundred staff of one municipal platform are one class: the first of them to pull a
//! change builds its payload, the others wait for that build and share it, instead of each
//! rebuilding the record with a dozen queries of their own (issue: sync at scale).
//!
//! A payload is kept under (kind, record, content cursor, class), where the content
//! cursor is the record's newest *content* change in the whole log (any change addressed
//! beyond single users; see [`super::feed`]), whichever of the record's changes the reader
//! is being sent. A payload is built from a state at least as new as that change, and a
//! change that alters the record for anyone — including narrowing who may see it — moves
//! the content cursor and so the key: no reader is served what a later change took away.
//! Where a record's visibility derives from another record (a message is seen through its
//! thread), the other record's content cursor is part of the key too: removing a platform
//! from a thread makes every payload of its messages be built afresh. A reader who lost a
//! role is another class at once (the actor is resolved on every request), so nothing
//! built for their former class reaches them. Changes addressed to single users only (a
//! read marker, a lost role's tombstones) do not move the key: what they change is the
//! reader's own, set by [`personalise`] or decided by the reader's class.

use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;
use serde_json::Value;
use uuid::Uuid;

use app::domain::{ChangeKind, Role};

use crate::http::ApiResult;
use crate::policy::Actor;

/// A record as one reader class sees it, shared by the class.
pub type Payload = Arc<Built>;

/// One build: the record (`None`: the class may not see it, a tombstone), the same as
/// JSON text (serialised once for every reader of the class; `null` for a tombstone), and
/// what it weighs in the cache.
#[derive(Debug)]
pub struct Built {
    pub data: Option<Value>,
    json: Box<str>,
    /// A thread's text without the fields each reader has of their own, so that a live
    /// stream writes a reader's thread without rebuilding it (see [`Built::thread_json`]).
    thread: Option<ThreadText>,
    weight: u64,
}

#[derive(Debug)]
struct ThreadText {
    id: Uuid,
    starter: Option<Uuid>,
    /// `can_manage` as the class has it (the starter may manage it whatever their class).
    can_manage: bool,
    /// The object's members but `unread` and `can_manage`, without the opening `{`.
    rest: Box<str>,
}

impl Built {
    fn new(kind: ChangeKind, data: Option<Value>) -> Built {
        // A JSON value always serialises.
        let json = serde_json::to_string(&data).unwrap_or_else(|_| "null".into());
        let thread = match (kind, &data) {
            (ChangeKind::Thread, Some(Value::Object(fields))) => {
                let mut others = fields.clone();
                let can_manage = others.remove("can_manage").and_then(|v| v.as_bool());
                others.remove("unread");
                let text = serde_json::to_string(&others).unwrap_or_default();
                // `{` and at least one member, or there is nothing to prefix.
                match (text.strip_prefix('{'), can_manage) {
                    (Some(rest), Some(can_manage)) if rest != "}" => Some(ThreadText {
                        id: uuid_at(&data, "id").unwrap_or_default(),
                        starter: data
                            .as_ref()
                            .and_then(|d| d["created_by"]["id"].as_str())
                            .and_then(|id| Uuid::parse_str(id).ok()),
                        can_manage,
                        rest: rest.into(),
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        // Held twice (as a value and as text, a thread three times); every entry costs
        // its key and bookkeeping.
        let weight = (2 + u64::from(thread.is_some())) * json.len() as u64 + 128;
        Built {
            data,
            json: json.into_boxed_str(),
            thread,
            weight,
        }
    }

    /// The record as JSON text, `null` for a tombstone.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// A thread as `reader` is sent it, as JSON text: [`personalise`]'s fields set on the
    /// class's text without building the record again. `None` when this is not a thread.
    pub fn thread_json(
        &self,
        reader: Uuid,
        unread: &std::collections::HashMap<Uuid, u64>,
    ) -> Option<String> {
        let t = self.thread.as_ref()?;
        let can_manage = t.can_manage || t.starter == Some(reader);
        let count = unread.get(&t.id).copied().unwrap_or(0);
        Some(format!(
            r#"{{"can_manage":{can_manage},"unread":{count},{}"#,
            t.rest
        ))
    }
}

fn uuid_at(data: &Option<Value>, field: &str) -> Option<Uuid> {
    data.as_ref()?[field]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// Weighs an entry by its size as JSON (computed once, when built).
#[derive(Debug, Clone, Copy)]
struct BySize;

impl Weighter<ViewKey, Payload> for BySize {
    fn weight(&self, _key: &ViewKey, payload: &Payload) -> u64 {
        payload.weight
    }
}

/// Everything but the record that a shared payload may depend on: the reader's roles and
/// organisation. Readers of one class see the same record the same way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReaderClass {
    roles: Vec<(Uuid, Role)>,
    organisation: Uuid,
}

impl ReaderClass {
    pub fn of(actor: &Actor) -> ReaderClass {
        ReaderClass::new(actor.roles.clone(), actor.organisation.id)
    }

    /// The class of these roles (in any order, repeats ignored) in this organisation.
    fn new(mut roles: Vec<(Uuid, Role)>, organisation: Uuid) -> ReaderClass {
        roles.sort();
        roles.dedup();
        ReaderClass {
            roles,
            organisation,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ViewKey {
    kind: ChangeKind,
    record: Uuid,
    /// The record's newest content change, and that of the record its visibility derives
    /// from (a message's thread; 0 for records visible by their own fields).
    cursor: (i64, i64),
    class: ReaderClass,
}

/// The kinds whose shared payload has fields of each reader's own (see [`personalise`]).
pub fn personal(kind: ChangeKind) -> bool {
    matches!(kind, ChangeKind::Thread | ChangeKind::GoodPractice)
}

/// The kinds whose payload is built per reader class and shared. Notifications are each
/// one person's, so sharing them would gain nothing. A plan's working copy changes are
/// told to the secretariat's users alone (the network's view, the published revision, did
/// not change), and changes to single users do not renew a shared payload's key: plans are
/// built per reader (few records, changed rarely), so the secretariat never gets one from
/// before its last edit. Proposals likewise: the secretariat's note is told to it alone.
/// Meetings too: what a reader may do (answer for their organisation, run it) is in the
/// payload.
pub fn shared(kind: ChangeKind) -> bool {
    !matches!(
        kind,
        ChangeKind::Notification | ChangeKind::Plan | ChangeKind::Proposal | ChangeKind::Meeting
    )
}

/// Recently built payloads, at most [`ViewCache::CAPACITY_BYTES`] of them counted as
/// JSON, twice (a value and its text; least useful first out): bounded by size, not count, since one practice can be a thousand times a
/// read marker's size.
pub struct ViewCache {
    cache: Cache<ViewKey, Payload, BySize>,
}

impl Default for ViewCache {
    fn default() -> Self {
        ViewCache {
            cache: Cache::with_weighter(Self::ESTIMATED_ENTRIES, Self::CAPACITY_BYTES, BySize),
        }
    }
}

impl ViewCache {
    /// 64 MiB: enough for every class of a prefecture to catch up the day's changes
    /// without rebuilding, and a fixed ceiling however large the records are.
    pub const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;
    /// A few kilobytes each, typically.
    const ESTIMATED_ENTRIES: usize = 20_000;

    /// The payload of `record` at `cursor` (its content cursor and its context's, see
    /// [`ViewKey`]) for `class`, built by `build` (for a reader of
    /// that class with no user of their own, see [`Actor::as_reader_class`]) by the first
    /// reader who asks; concurrent readers of the class wait for that build.
    pub async fn get_or_build<F>(
        &self,
        kind: ChangeKind,
        record: Uuid,
        cursor: (i64, i64),
        class: &ReaderClass,
        build: F,
    ) -> ApiResult<Payload>
    where
        F: std::future::Future<Output = ApiResult<Option<Value>>>,
    {
        let key = ViewKey {
            kind,
            record,
            cursor,
            class: class.clone(),
        };
        self.cache
            .get_or_insert_async(&key, async {
                build.await.map(|data| Arc::new(Built::new(kind, data)))
            })
            .await
    }

    /// The payload kept for this key, if any (see [`ViewCache::get_or_build`]).
    pub fn get(
        &self,
        kind: ChangeKind,
        record: Uuid,
        cursor: (i64, i64),
        class: &ReaderClass,
    ) -> Option<Payload> {
        self.cache.get(&ViewKey {
            kind,
            record,
            cursor,
            class: class.clone(),
        })
    }

    /// Keeps a payload built in a batch (many records of one kind in a few queries) for
    /// this key, built as [`ViewCache::get_or_build`] would have built it.
    pub fn insert(
        &self,
        kind: ChangeKind,
        record: Uuid,
        cursor: (i64, i64),
        class: &ReaderClass,
        payload: Option<Value>,
    ) {
        self.cache.insert(
            ViewKey {
                kind,
                record,
                cursor,
                class: class.clone(),
            },
            Arc::new(Built::new(kind, payload)),
        );
    }

    /// How many payloads are kept (for tests and the benchmark's report).
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}

/// What a shared payload leaves to each reader, set from their own data: a thread's
/// unread count (from `unread`, the reader's counts per thread) and whether they may
/// manage it (its starter may, whatever their roles); which comments of a practice they
/// may delete (their own). Applied to every payload the feed sends, shared or not, so the
/// two paths cannot disagree.
pub fn personalise(
    kind: ChangeKind,
    data: &mut Value,
    reader: Uuid,
    unread: &std::collections::HashMap<Uuid, u64>,
) {
    let reader = Value::String(reader.to_string());
    match kind {
        ChangeKind::Thread => {
            let id = data["id"].as_str().and_then(|id| Uuid::parse_str(id).ok());
            let started = data["created_by"]["id"] == reader;
            if let Some(obj) = data.as_object_mut() {
                let count = id.and_then(|id| unread.get(&id)).copied().unwrap_or(0);
                obj.insert("unread".into(), Value::from(count));
                if started {
                    obj.insert("can_manage".into(), Value::Bool(true));
                }
            }
        }
        ChangeKind::GoodPractice => {
            if let Some(comments) = data["comments"].as_array_mut() {
                for comment in comments {
                    let own = comment["author"]["id"] == reader;
                    if let Some(obj) = comment.as_object_mut() {
                        obj.insert("can_delete".into(), Value::Bool(own));
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;

    #[test]
    fn a_thread_payload_takes_the_readers_own_count_and_starter_right() {
        let (thread, me, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let shared =
            json!({"id": thread, "created_by": {"id": me}, "unread": 7, "can_manage": false});
        let mut mine = shared.clone();
        personalise(
            ChangeKind::Thread,
            &mut mine,
            me,
            &HashMap::from([(thread, 2)]),
        );
        assert_eq!(mine["unread"], 2);
        assert_eq!(mine["can_manage"], true);
        let mut theirs = shared;
        personalise(ChangeKind::Thread, &mut theirs, other, &HashMap::new());
        assert_eq!(theirs["unread"], 0);
        assert_eq!(theirs["can_manage"], false);
    }

    #[test]
    fn a_threads_text_for_a_reader_is_its_personalised_record() {
        let (thread, starter, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let shared = json!({"id": thread, "created_by": {"id": starter}, "subject": "件名",
                            "unread": 7, "can_manage": false, "participants": []});
        let built = Built::new(ChangeKind::Thread, Some(shared.clone()));
        for reader in [starter, other] {
            for counts in [HashMap::new(), HashMap::from([(thread, 4)])] {
                let text = built.thread_json(reader, &counts).expect("a thread");
                let mut want = shared.clone();
                personalise(ChangeKind::Thread, &mut want, reader, &counts);
                assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), want);
            }
        }
        assert!(Built::new(ChangeKind::Message, Some(shared))
            .thread_json(starter, &HashMap::new())
            .is_none());
    }

    #[test]
    fn only_ones_own_practice_comments_are_deletable() {
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        let mut data = json!({"comments": [
            {"author": {"id": me}, "can_delete": false},
            {"author": {"id": other}, "can_delete": true},
        ]});
        personalise(ChangeKind::GoodPractice, &mut data, me, &HashMap::new());
        assert_eq!(data["comments"][0]["can_delete"], true);
        assert_eq!(data["comments"][1]["can_delete"], false);
    }

    #[test]
    fn a_class_is_its_roles_whatever_their_order() {
        let (p, q) = (Uuid::new_v4(), Uuid::new_v4());
        let org = Uuid::new_v4();
        let a = ReaderClass::new(vec![(p, Role::Staff), (q, Role::Coordinator)], org);
        let b = ReaderClass::new(
            vec![(q, Role::Coordinator), (p, Role::Staff), (p, Role::Staff)],
            org,
        );
        assert_eq!(a, b);
        assert_ne!(a, ReaderClass::new(vec![(p, Role::Staff)], org));
        assert_ne!(
            a,
            ReaderClass::new(
                vec![(p, Role::Staff), (q, Role::Coordinator)],
                Uuid::new_v4()
            )
        );
    }
}
