//! The event stream carries the changes themselves (issue: sync at scale): a client that
//! applies each event as the app's sync engine does ([`ChangeEvent::step`]) ends with
//! exactly what a pull would have given it, per reader; what a reader may not see never
//! travels on their stream, a record that leaves their sight arrives as a tombstone and
//! nothing more of it follows, and concurrent writers reach every reader exactly once,
//! in order.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use app::domain::{Change, ChangeEvent, EventStep};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::shared_payloads::{created, same_class_as};
use crate::sync::pull_all;

const COORDINATOR: &str = "coordinator@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const HIROSAKI_2: &str = "hirosaki-2@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";

/// A client of the event stream that keeps its records as the app does: events that
/// continue from its cursor are applied, anything else makes it pull.
pub(crate) struct Client {
    user: User,
    response: reqwest::Response,
    text: String,
    pub cursor: i64,
    /// The newest state of each record, by (kind, id).
    pub records: BTreeMap<(String, String), Value>,
    /// Every change applied, in the order applied (from events and pulls alike).
    pub applied: Vec<Value>,
    /// What the stream itself carried, verbatim.
    pub carried: String,
    pub pulls: usize,
}

impl Client {
    /// Pulls everything, then opens the stream and waits for `ready`.
    pub(crate) async fn start(user: User) -> Client {
        let (changes, cursor) = pull_all(&user, 0).await;
        let response = user
            .request(Method::GET, "/api/v1/events")
            .send()
            .await
            .expect("events");
        assert_eq!(response.status(), StatusCode::OK);
        let mut client = Client {
            user,
            response,
            text: String::new(),
            cursor,
            records: BTreeMap::new(),
            applied: Vec::new(),
            carried: String::new(),
            pulls: 0,
        };
        for change in changes {
            client.keep(change);
        }
        client.applied.clear();
        while !client.text.contains("event: ready") {
            let chunk = tokio::time::timeout(Duration::from_secs(5), client.response.chunk())
                .await
                .expect("`ready` comes at once")
                .expect("the stream reads")
                .expect("the stream is open");
            client.text.push_str(&String::from_utf8_lossy(&chunk));
        }
        let at = client.text.find("event: ready").unwrap();
        let end = client.text[at..]
            .find("\n\n")
            .map_or(client.text.len(), |e| at + e + 2);
        client.text.drain(..end);
        client
    }

    fn keep(&mut self, change: Value) {
        let key = (
            change["kind"].as_str().unwrap().to_string(),
            change["id"].as_str().unwrap().to_string(),
        );
        self.records.insert(key, change.clone());
        self.applied.push(change);
    }

    /// Reads events until none comes for `quiet`; returns how many events came.
    pub(crate) async fn settle(&mut self, quiet: Duration) -> usize {
        let mut events = 0;
        loop {
            while let Some(end) = self.text.find("\n\n") {
                let event: String = self.text.drain(..end + 2).collect();
                if event.starts_with("event: change") {
                    events += 1;
                    self.take(&event).await;
                }
            }
            match tokio::time::timeout(quiet, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => {
                    let chunk = String::from_utf8_lossy(&chunk).to_string();
                    self.carried.push_str(&chunk);
                    self.text.push_str(&chunk);
                }
                _ => return events,
            }
        }
    }

    async fn take(&mut self, event: &str) {
        let data: ChangeEvent = event
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .map(|json| serde_json::from_str(json).expect("a change event's data"))
            .unwrap_or_default();
        let step = match data.step(self.cursor) {
            EventStep::Apply(changes, cursor) => Some((
                changes.into_iter().cloned().collect::<Vec<Change>>(),
                cursor,
            )),
            EventStep::Nothing => return,
            EventStep::Pull => None,
        };
        match step {
            Some((changes, cursor)) => {
                for change in changes {
                    assert!(change.cursor > self.cursor && change.cursor <= cursor);
                    self.keep(serde_json::to_value(change).unwrap());
                }
                self.cursor = cursor;
            }
            None => {
                self.pulls += 1;
                let (changes, cursor) = pull_all(&self.user, self.cursor).await;
                for change in changes {
                    self.keep(change);
                }
                self.cursor = cursor;
            }
        }
    }
}

/// The newest state of each record a full pull gives `user`.
async fn pulled(user: &User) -> BTreeMap<(String, String), Value> {
    let (changes, _) = pull_all(user, 0).await;
    let mut out = BTreeMap::new();
    for c in changes {
        out.insert(
            (
                c["kind"].as_str().unwrap().to_string(),
                c["id"].as_str().unwrap().to_string(),
            ),
            c,
        );
    }
    out
}

const QUIET: Duration = Duration::from_millis(1500);

#[tokio::test]
async fn each_reader_ends_with_what_a_pull_gives_them_and_sees_nothing_of_others() {
    let app = TestApp::spawn().await;
    same_class_as(&app, HIROSAKI, HIROSAKI_2).await;
    app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let mut readers = Vec::new();
    for email in [
        COORDINATOR,
        HIROSAKI,
        HIROSAKI_2,
        HACHINOHE,
        KEIEISHA,
        IWATE_COORDINATOR,
    ] {
        readers.push((email, Client::start(app.sign_in(email).await).await));
    }
    let aomori = app.platform_id("aomori").await;
    let hirosaki = app.platform_id("hirosaki").await;
    let keieisha = app.organisation_id("一般社団法人 青森県経営者協会").await;

    // A thread of the secretariat, 弘前市 and an economic organisation; messages by
    // several people; one reader of 弘前市 reads part of it.
    let thread = created(
        coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": "配信経路の確認スレッド", "platform_ids": [aomori, hirosaki],
                        "organisation_ids": [keieisha], "body": "最初の連絡です。"}),
            )
            .await,
        "a thread",
    )
    .await;
    let thread_id = thread["id"].as_str().unwrap().to_string();
    let messages = format!("/api/v1/threads/{thread_id}/messages");
    let hirosaki_user = app.sign_in(HIROSAKI).await;
    let keieisha_user = app.sign_in(KEIEISHA).await;
    let mut last = Value::Null;
    for (who, body) in [
        (&coordinator, "受け入れ枠を教えてください。"),
        (&hirosaki_user, "三名まで受け入れ可能です。"),
        (&keieisha_user, "会員企業に照会します。"),
        (&coordinator, "よろしくお願いします。"),
    ] {
        last = created(
            who.post(&messages, &json!({"body": body})).await,
            "a message",
        )
        .await;
    }
    let r = hirosaki_user
        .post(
            &format!("/api/v1/threads/{thread_id}/read"),
            &json!({"message_id": last["id"]}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    for (email, client) in &mut readers {
        client.settle(QUIET).await;
        let want = pulled(&client.user).await;
        // Records pulled before the stream opened are the same either way; what the
        // stream brought must be exactly what the pull says now.
        let differ: Vec<String> = client
            .records
            .keys()
            .chain(want.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|k| client.records.get(*k) != want.get(*k))
            .map(|k| {
                format!(
                    "{k:?}: stream {:?} pull {:?}",
                    client.records.get(k),
                    want.get(k)
                )
            })
            .collect();
        assert!(
            differ.is_empty(),
            "{email}: the stream's records differ from a pull: {differ:#?}"
        );
        assert_eq!(client.pulls, 0, "{email}: every event continued the last");
        let involved = *email != HACHINOHE && *email != IWATE_COORDINATOR;
        assert_eq!(
            client.carried.contains(&thread_id),
            involved,
            "{email}: the thread on the stream"
        );
        if !involved {
            assert!(
                !client.carried.contains("配信経路の確認スレッド"),
                "{email}"
            );
            assert!(
                !client.carried.contains("三名まで受け入れ可能です。"),
                "{email}"
            );
        }
    }
}

#[tokio::test]
async fn a_reader_whose_platform_leaves_a_thread_gets_a_tombstone_and_nothing_more() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let hirosaki = app.platform_id("hirosaki").await;
    let thread = created(
        coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": "途中で非公開になる相談", "platform_ids": [aomori, hirosaki],
                        "body": "弘前市にも共有します。"}),
            )
            .await,
        "a thread",
    )
    .await;
    let thread_id = thread["id"].as_str().unwrap().to_string();
    let mut reader = Client::start(app.sign_in(HIROSAKI).await).await;
    let key = ("thread".to_string(), thread_id.clone());
    assert_eq!(reader.records[&key]["op"], "upsert");

    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{thread_id}"),
            &json!({"platform_ids": [aomori]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    reader.settle(QUIET).await;
    assert_eq!(reader.records[&key]["op"], "delete", "a tombstone");
    assert!(reader.records[&key]["data"].is_null());
    let before = reader.applied.len();

    created(
        coordinator
            .post(
                &format!("/api/v1/threads/{thread_id}/messages"),
                &json!({"body": "ここからは県だけの話です。"}),
            )
            .await,
        "a message",
    )
    .await;
    reader.settle(QUIET).await;
    assert!(
        !reader.carried.contains("ここからは県だけの話です。"),
        "nothing of the record after its tombstone"
    );
    assert!(
        reader.applied[before..]
            .iter()
            .all(|c| c["id"] != thread_id.as_str()),
        "no further change of the thread"
    );
}

#[tokio::test]
async fn concurrent_writers_reach_every_stream_exactly_once_in_order() {
    let app = TestApp::spawn().await;
    let mut readers = Vec::new();
    for email in [COORDINATOR, HACHINOHE, HIROSAKI] {
        readers.push(Client::start(app.sign_in(email).await).await);
    }
    const WRITERS: usize = 6;
    const EACH: usize = 10;
    let writers = crate::sync::members_written_at_once(&app, WRITERS, EACH, "配信テスト団体");
    let reading: Vec<_> = readers
        .into_iter()
        .map(|mut reader| {
            tokio::spawn(async move {
                let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
                loop {
                    reader.settle(Duration::from_millis(300)).await;
                    let memberships = reader
                        .applied
                        .iter()
                        .filter(|c| c["kind"] == "membership")
                        .count();
                    if memberships >= WRITERS * EACH || tokio::time::Instant::now() > deadline {
                        // Anything still on its way.
                        reader.settle(QUIET).await;
                        return reader;
                    }
                }
            })
        })
        .collect();
    let mut written = BTreeSet::new();
    for w in writers {
        written.extend(w.await.expect("writer"));
    }
    for r in reading {
        let reader = r.await.expect("reader");
        let cursors: Vec<i64> = reader
            .applied
            .iter()
            .map(|c| c["cursor"].as_i64().unwrap())
            .collect();
        assert!(
            cursors.windows(2).all(|w| w[0] < w[1]),
            "in cursor order, none twice: {cursors:?}"
        );
        let got: Vec<String> = reader
            .applied
            .iter()
            .filter(|c| c["kind"] == "membership" && c["op"] == "upsert")
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        let unique: BTreeSet<String> = got.iter().cloned().collect();
        assert_eq!(unique.len(), got.len(), "each membership exactly once");
        assert_eq!(unique, written, "every membership, nothing else");
    }
}

#[tokio::test]
async fn a_room_of_readers_opening_a_thread_makes_a_few_changes_not_one_each() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use server::entities::change_log;

    const READERS: usize = 12;
    let app = TestApp::spawn().await;
    let mut readers = Vec::new();
    for i in 0..READERS {
        let email = format!("hirosaki-room-{i}@aomori.example");
        same_class_as(&app, HIROSAKI, &email).await;
        readers.push(app.sign_in(&email).await);
    }
    let coordinator = app.sign_in(COORDINATOR).await;
    let mut watching = Client::start(app.sign_in(COORDINATOR).await).await;
    let aomori = app.platform_id("aomori").await;
    let hirosaki = app.platform_id("hirosaki").await;
    let thread = created(
        coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": "会議資料の確認", "platform_ids": [aomori, hirosaki],
                        "body": "資料をご確認ください。"}),
            )
            .await,
        "a thread",
    )
    .await;
    let thread_id = thread["id"].as_str().unwrap().to_string();
    let messages = coordinator
        .get_json(&format!("/api/v1/threads/{thread_id}/messages"))
        .await;
    let message = messages.as_array().unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let message_id: uuid::Uuid = message.parse().unwrap();
    let changes_of_message = || async {
        change_log::Entity::find()
            .filter(change_log::Column::RecordId.eq(message_id))
            .count(&app.db)
            .await
            .expect("the log answers")
    };
    let before = changes_of_message().await;

    let (path, body) = (
        format!("/api/v1/threads/{thread_id}/read"),
        json!({"message_id": message}),
    );
    let reads = readers.iter().map(|reader| reader.post(&path, &body));
    for r in futures_util::future::join_all(reads).await {
        assert!(r.status().is_success(), "{}", r.status());
    }
    // Someone watching the thread sees every read within a moment or two.
    let key = ("message".to_string(), message.clone());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        watching.settle(Duration::from_millis(300)).await;
        let read = watching
            .records
            .get(&key)
            .map(|c| c["data"]["read_count"].clone());
        if read == Some(json!(READERS)) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reads reach the others: {read:?}"
        );
    }
    let made = changes_of_message().await - before;
    // One per window of receipts (0.75 s): a few, however slow a loaded test machine is.
    assert!(
        (1..=READERS as u64 / 2).contains(&made),
        "{READERS} readers at once made {made} changes of the message for everyone"
    );
}

#[tokio::test]
async fn a_stream_on_another_instance_carries_the_change_itself() {
    if !on_postgres() {
        // One SQLite file is served by one process.
        return;
    }
    let app = TestApp::spawn().await;
    let second = app.spawn_instance().await;
    let mut reader = Client::start(app.sign_in_at(&second, HACHINOHE).await).await;
    // Written through the first instance.
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let hachinohe = app.platform_id("hachinohe").await;
    let thread = created(
        coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": "二つ目のインスタンスへの配信", "platform_ids": [aomori, hachinohe],
                        "body": "八戸市にも届きますか。"}),
            )
            .await,
        "a thread",
    )
    .await;
    reader.settle(QUIET).await;
    let key = (
        "thread".to_string(),
        thread["id"].as_str().unwrap().to_string(),
    );
    assert_eq!(
        reader.records[&key]["op"], "upsert",
        "brought by the stream"
    );
    assert_eq!(reader.pulls, 0, "without a pull");
    assert!(reader.carried.contains("八戸市にも届きますか。"));
}
