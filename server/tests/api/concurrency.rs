//! Concurrent writes (issue 14 §3, §5, §6): many simultaneous copies of one write, against
//! the real server on SQLite and PostgreSQL. None answers 500; each has its effect exactly
//! as often as it should; the final state is consistent. Also: an idempotency claim whose
//! attempt died is taken over after its lease, a thread of any length is read a page at a
//! time, and a reader paging the change feed during concurrent writes misses nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, Utc};
use futures_util::future::join_all;
use reqwest::{Method, Response, StatusCode};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::{json, Value};
use server::entities::{
    adoption, change_log, idempotency_key, message, notification, practice_version, read_marker,
    thread_participant,
};
use uuid::Uuid;

use crate::helpers::*;
use crate::sync::{pull_all, user_id};

const COORDINATOR: &str = "coordinator@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";

/// How many copies of one write race each other.
const COPIES: usize = 8;

/// Status and body of every answer; none may be a 5xx.
async fn answers(responses: Vec<Response>) -> Vec<(StatusCode, Value)> {
    let mut out = Vec::new();
    for r in responses {
        let status = r.status();
        let text = r.text().await.expect("a body");
        assert!(!status.is_server_error(), "{status}: {text}");
        out.push((status, serde_json::from_str(&text).unwrap_or(Value::Null)));
    }
    out
}

/// A request whose future owns everything it needs (for `join_all`).
fn go(
    user: &User,
    method: Method,
    path: &str,
    body: Value,
) -> impl std::future::Future<Output = Response> {
    let request = user.request(method, path).json(&body);
    async move { request.send().await.expect("a response") }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

async fn practice(user: &User, title: &str) -> Uuid {
    let r = user
        .post(
            "/api/v1/practices",
            &json!({
                "title": title,
                "summary": "就労体験から始めて正規雇用につながった取り組み。",
                "body": "週2日の就労体験",
                "target_groups": ["long_term_unemployed"],
                "tags": ["就労体験"],
                "area": "八戸市",
                "period": "令和6年度",
                "results": [],
                "visibility": "network",
                "status": "published"
            }),
        )
        .await;
    let status = r.status();
    let v: Value = r.json().await.expect("JSON");
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["id"].as_str().and_then(|s| s.parse().ok()).expect("id")
}

async fn thread(app: &TestApp, user: &User, platforms: &[&str]) -> Uuid {
    let mut ids = Vec::new();
    for slug in platforms {
        ids.push(app.platform_id(slug).await);
    }
    let r = user
        .post(
            "/api/v1/threads",
            &json!({"subject": "受け入れ先の相談", "platform_ids": ids, "body": "はじめに"}),
        )
        .await;
    let status = r.status();
    let v: Value = r.json().await.expect("JSON");
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["id"].as_str().and_then(|s| s.parse().ok()).expect("id")
}

async fn post_message(user: &User, thread: Uuid, body: &str) -> Uuid {
    let r = user
        .post(
            &format!("/api/v1/threads/{thread}/messages"),
            &json!({ "body": body }),
        )
        .await;
    let status = r.status();
    let v: Value = r.json().await.expect("JSON");
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["id"].as_str().and_then(|s| s.parse().ok()).expect("id")
}

#[tokio::test]
async fn simultaneous_practice_edits_each_make_one_version_or_409() {
    let app = TestApp::spawn().await;
    let author = app.sign_in(HACHINOHE).await;
    let id = practice(&author, "就労体験の受け入れ").await;
    let path = format!("/api/v1/practices/{id}");
    let mut accepted = 0;
    for round in 0..3 {
        let titles: Vec<String> = (0..COPIES).map(|i| format!("題名 {round}-{i}")).collect();
        let got = answers(
            join_all(
                titles
                    .iter()
                    .map(|t| go(&author, Method::PATCH, &path, json!({ "title": t }))),
            )
            .await,
        )
        .await;
        let mut won = Vec::new();
        for (i, (status, body)) in got.iter().enumerate() {
            match *status {
                StatusCode::OK => won.push(titles[i].clone()),
                StatusCode::CONFLICT => assert_eq!(code(body), "edit_conflict", "{body}"),
                other => panic!("{other}: {body}"),
            }
        }
        assert!(!won.is_empty(), "one edit of each burst goes through");
        accepted += won.len();
        let now = author.get_json(&path).await;
        assert!(won.contains(&now["title"].as_str().unwrap().to_string()));
    }
    // Exactly one version per accepted edit, numbered without gaps.
    let versions = practice_version::Entity::find()
        .filter(practice_version::Column::PracticeId.eq(id))
        .order_by_asc(practice_version::Column::Version)
        .all(&app.db)
        .await
        .unwrap();
    let numbers: Vec<i32> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, (1..=(1 + accepted as i32)).collect::<Vec<_>>());
    let now = author.get_json(&path).await;
    assert_eq!(now["version"], json!(1 + accepted));

    // An edit and a delete at once: never an edit of a deleted practice.
    let id = practice(&author, "消される事例").await;
    let path = format!("/api/v1/practices/{id}");
    let edits = (0..COPIES).map(|i| {
        go(
            &author,
            Method::PATCH,
            &path,
            json!({ "title": format!("t{i}") }),
        )
    });
    let (edits, deleted) = tokio::join!(join_all(edits), author.delete(&path));
    answers(edits).await;
    assert!(deleted.status().is_success() || deleted.status() == StatusCode::CONFLICT);
}

#[tokio::test]
async fn simultaneous_adoptions_record_one() {
    let app = TestApp::spawn().await;
    let author = app.sign_in(HACHINOHE).await;
    let other = app.sign_in(HIROSAKI).await;
    let id = practice(&author, "就労体験の受け入れ").await;
    let path = format!("/api/v1/practices/{id}/adoptions");
    let got = answers(
        join_all(
            (0..COPIES).map(|_| go(&other, Method::POST, &path, json!({"note": "試行します"}))),
        )
        .await,
    )
    .await;
    for (status, body) in &got {
        assert!(status.is_success(), "{status}: {body}");
    }
    let rows = adoption::Entity::find()
        .filter(adoption::Column::PracticeId.eq(id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let seen = author.get_json(&format!("/api/v1/practices/{id}")).await;
    assert_eq!(seen["adoption_count"], 1, "{seen}");
}

#[tokio::test]
async fn simultaneous_reads_keep_one_marker_that_only_moves_forward() {
    let app = TestApp::spawn().await;
    let author = app.sign_in(HACHINOHE).await;
    let reader = app.sign_in(HIROSAKI).await;
    let id = thread(&app, &author, &["hachinohe", "hirosaki"]).await;
    let mut messages = Vec::new();
    for i in 0..COPIES {
        messages.push(post_message(&author, id, &format!("連絡 {i}")).await);
    }
    let path = format!("/api/v1/threads/{id}/read");
    // The first reads of one person, all at once, each up to a different message.
    let got = answers(
        join_all(
            messages
                .iter()
                .map(|m| go(&reader, Method::POST, &path, json!({ "message_id": m }))),
        )
        .await,
    )
    .await;
    for (status, body) in &got {
        assert_eq!(*status, StatusCode::NO_CONTENT, "{body}");
    }
    let reader_id = user_id(&app, HIROSAKI).await;
    let markers = read_marker::Entity::find()
        .filter(read_marker::Column::ThreadId.eq(id))
        .filter(read_marker::Column::UserId.eq(reader_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(markers.len(), 1);
    assert_eq!(
        markers[0].message_id,
        *messages.last().unwrap(),
        "the newest wins"
    );
    let seen = reader.get_json(&format!("/api/v1/threads/{id}")).await;
    assert_eq!(seen["unread"], 0, "{seen}");
}

#[tokio::test]
async fn simultaneous_participant_changes_add_each_platform_once() {
    let app = TestApp::spawn().await;
    let author = app.sign_in(HACHINOHE).await;
    let id = thread(&app, &author, &["hachinohe"]).await;
    let wanted: Vec<Uuid> = vec![
        app.platform_id("hachinohe").await,
        app.platform_id("hirosaki").await,
        app.platform_id("aomori-city").await,
    ];
    let path = format!("/api/v1/threads/{id}");
    let got = answers(
        join_all((0..COPIES).map(|_| {
            go(
                &author,
                Method::PATCH,
                &path,
                json!({ "platform_ids": wanted }),
            )
        }))
        .await,
    )
    .await;
    for (status, body) in &got {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    let active = thread_participant::Entity::find()
        .filter(thread_participant::Column::ThreadId.eq(id))
        .filter(thread_participant::Column::RemovedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    let platforms: Vec<Uuid> = active.iter().filter_map(|p| p.platform_id).collect();
    let distinct: BTreeSet<Uuid> = platforms.iter().copied().collect();
    assert_eq!(platforms.len(), 3, "each platform once: {platforms:?}");
    assert_eq!(distinct, wanted.into_iter().collect());

    // Resolving at once: one resolves, the others are told it changed meanwhile.
    let got = answers(
        join_all((0..COPIES).map(|i| {
            go(
                &author,
                Method::PATCH,
                &path,
                json!({"state": "resolved", "resolution_note": format!("解決 {i}")}),
            )
        }))
        .await,
    )
    .await;
    let resolved = got.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(resolved, 1, "{got:?}");
    for (status, body) in got.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert!(
            ["edit_conflict", "invalid_transition"].contains(&code(body)),
            "{body}"
        );
    }
}

#[tokio::test]
async fn simultaneous_edits_and_deletes_of_a_message_leave_an_empty_tombstone() {
    let app = TestApp::spawn().await;
    let author = app.sign_in(HACHINOHE).await;
    let id = thread(&app, &author, &["hachinohe"]).await;
    for round in 0..3 {
        let m = post_message(&author, id, &format!("下書き {round}")).await;
        let path = format!("/api/v1/messages/{m}");
        let edits = join_all((0..COPIES).map(|i| {
            go(
                &author,
                Method::PATCH,
                &path,
                json!({ "body": format!("訂正 {i}") }),
            )
        }));
        let deletes = join_all((0..COPIES / 2).map(|_| author.delete(&path)));
        let (edits, deletes) = tokio::join!(edits, deletes);
        let mut edited = 0;
        for (status, body) in answers(edits).await {
            assert!(
                status == StatusCode::OK
                    || (status == StatusCode::CONFLICT && code(&body) == "message_deleted"),
                "{status}: {body}"
            );
            edited += usize::from(status == StatusCode::OK);
        }
        for (status, body) in answers(deletes).await {
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
        let row = message::Entity::find_by_id(m)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(row.deleted_at.is_some());
        assert_eq!(row.body, "", "a deleted message keeps no text");
        assert_eq!(row.search_text, "");
        // Posted once, each accepted edit once, deleted once: nothing told twice.
        let logged = change_log::Entity::find()
            .filter(change_log::Column::RecordId.eq(m))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(logged, 2 + edited as u64);
    }
}

#[tokio::test]
async fn simultaneous_mark_all_read_sends_each_notification_once() {
    let app = TestApp::spawn().await;
    let author = app.sign_in(HACHINOHE).await;
    let reader = app.sign_in(HIROSAKI).await;
    let id = thread(&app, &author, &["hachinohe", "hirosaki"]).await;
    for i in 0..5 {
        post_message(&author, id, &format!("@hirosaki 確認をお願いします {i}")).await;
    }
    let reader_id = user_id(&app, HIROSAKI).await;
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(reader_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(unread.len(), 5);
    let got = answers(
        join_all((0..COPIES).map(|_| {
            go(
                &reader,
                Method::POST,
                "/api/v1/notifications/read",
                json!({}),
            )
        }))
        .await,
    )
    .await;
    for (status, body) in &got {
        assert!(status.is_success(), "{status}: {body}");
    }
    for n in unread {
        // Created once, read once: two changes, however many marked it at once.
        let changes = change_log::Entity::find()
            .filter(change_log::Column::RecordId.eq(n.id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(changes, 2, "notification {}", n.id);
    }
    let left = notification::Entity::find()
        .filter(notification::Column::UserId.eq(reader_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn simultaneous_pledges_keep_the_first_time() {
    let app = TestApp::spawn().await;
    let user = app.sign_in_without_pledge(AOMORI_CITY).await;
    let got = answers(
        join_all((0..COPIES).map(|_| go(&user, Method::POST, "/api/v1/me/pledge", json!({}))))
            .await,
    )
    .await;
    let times: BTreeSet<String> = got
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::OK, "{body}");
            body["accepted_at"].to_string()
        })
        .collect();
    assert_eq!(times.len(), 1, "one time for all: {times:?}");
}

// ---------------------------------------------------------------------------------------
// Idempotency claims are leases
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_claim_whose_attempt_died_is_taken_over_after_its_lease() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(HACHINOHE).await;
    let thread_id = thread(&app, &user, &["hachinohe"]).await;
    let uid = user_id(&app, HACHINOHE).await;
    let path = format!("/api/v1/threads/{thread_id}/messages");
    let body = json!({ "body": "再送される連絡" });
    let bytes = serde_json::to_vec(&body).unwrap();
    let keyed = |key: Uuid| {
        let request = user
            .request(Method::POST, &path)
            .header("Idempotency-Key", key.to_string())
            .header("content-type", "application/json")
            .body(bytes.clone());
        async move { request.send().await.expect("a response") }
    };
    // The same write once under another key, for the fingerprint a copy of it carries.
    let probe = Uuid::new_v4();
    assert_eq!(keyed(probe).await.status(), StatusCode::CREATED);
    let hash = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::Key.eq(probe.to_string()))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the probe's key")
        .request_hash;
    let written_before = 1;
    let claim = |key: Uuid, age: Duration| idempotency_key::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(uid),
        key: Set(key.to_string()),
        request_hash: Set(hash.clone()),
        status: Set(None),
        response_body: Set(None),
        content_type: Set(None),
        created_at: Set(Utc::now() - age),
    };

    // A process was killed two minutes after claiming this key: its lease has run out.
    let dead = Uuid::new_v4();
    idempotency_key::Entity::insert(claim(dead, Duration::minutes(2)))
        .exec(&app.db)
        .await
        .unwrap();
    // Several retries at once: one takes the claim over and writes, once.
    let got = answers(join_all((0..COPIES).map(|_| keyed(dead))).await).await;
    let created: Vec<&Value> = got
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .map(|(_, b)| b)
        .collect();
    assert!(!created.is_empty(), "{got:?}");
    for (status, body) in &got {
        assert!(
            *status == StatusCode::CREATED
                || (*status == StatusCode::CONFLICT && code(body) == "idempotency_in_progress"),
            "{status}: {body}"
        );
    }
    let ids: BTreeSet<String> = created.iter().map(|b| b["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "one effect: {ids:?}");
    let written = message::Entity::find()
        .filter(message::Column::ThreadId.eq(thread_id))
        .filter(message::Column::Body.eq("再送される連絡"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(written, written_before + 1);
    // And from now on the stored answer.
    let again = keyed(dead).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );

    // A claim within its lease still belongs to its (live) attempt: 409.
    let live = Uuid::new_v4();
    idempotency_key::Entity::insert(claim(live, Duration::seconds(5)))
        .exec(&app.db)
        .await
        .unwrap();
    let r = keyed(live).await;
    let (status, c) = error_code(r).await;
    assert_eq!(
        (status, c.as_str()),
        (StatusCode::CONFLICT, "idempotency_in_progress")
    );
    let written = message::Entity::find()
        .filter(message::Column::ThreadId.eq(thread_id))
        .filter(message::Column::Body.eq("再送される連絡"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(
        written,
        written_before + 1,
        "a live claim is never run twice"
    );
}

// ---------------------------------------------------------------------------------------
// Lists of any length
// ---------------------------------------------------------------------------------------

/// Past SQLite's 32,766 bound variables: a thread nobody could read before.
const MANY: usize = 33_000;

#[tokio::test]
async fn a_thread_past_the_old_limit_is_read_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    let author = app.sign_in(HACHINOHE).await;
    let reader = app.sign_in(HIROSAKI).await;
    let id = thread(&app, &author, &["hachinohe", "hirosaki"]).await;
    let author_id = user_id(&app, HACHINOHE).await;
    let start = Utc::now() - Duration::days(30);
    // Written straight into the database, in batches, to be quick.
    let rows: Vec<message::ActiveModel> = (0..MANY)
        .map(|i| message::ActiveModel {
            id: Set(Uuid::new_v4()),
            thread_id: Set(id),
            author_id: Set(author_id),
            body: Set(format!("連絡 {i}")),
            search_text: Set(format!("連絡 {i}")),
            created_at: Set(start + Duration::seconds(i as i64)),
            edited_at: Set(None),
            deleted_at: Set(None),
        })
        .collect();
    for batch in rows.chunks(2_000) {
        message::Entity::insert_many(batch.to_vec())
            .exec(&app.db)
            .await
            .unwrap();
    }
    let newest = post_message(&author, id, "最新の連絡").await;

    // The API: the newest page, then the one before it, by the Link header.
    let first = reader.get(&format!("/api/v1/threads/{id}/messages")).await;
    assert_eq!(first.status(), StatusCode::OK);
    let next = first
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.strip_prefix('<'))
        .and_then(|l| l.split_once('>'))
        .map(|(url, _)| url.to_string())
        .expect("a Link to the older page");
    let page: Vec<Value> = first.json().await.unwrap();
    assert_eq!(page.len(), 100);
    assert_eq!(page.last().unwrap()["id"], json!(newest));
    let older: Vec<Value> = reader.get_json(&next).await.as_array().unwrap().clone();
    assert_eq!(older.len(), 100);
    // The newest page: the two messages posted today and the 98 written before them;
    // then the 100 before those.
    assert_eq!(
        page.first().unwrap()["body"],
        json!(format!("連絡 {}", MANY - 98))
    );
    assert_eq!(
        older.last().unwrap()["body"],
        json!(format!("連絡 {}", MANY - 99))
    );
    assert_eq!(
        older.first().unwrap()["body"],
        json!(format!("連絡 {}", MANY - 198))
    );
    let limit = reader
        .get_json(&format!("/api/v1/threads/{id}/messages?limit=200"))
        .await;
    assert_eq!(limit.as_array().map(Vec::len), Some(200));
    for bad in ["limit=0", "limit=201", "limit=x", "before=nonsense"] {
        let r = reader
            .get(&format!("/api/v1/threads/{id}/messages?{bad}"))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let stranger = Uuid::new_v4();
    let r = reader
        .get(&format!("/api/v1/threads/{id}/messages?before={stranger}"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The page: the newest messages and a plain link to older ones; the older page too.
    let r = reader.get(&format!("/threads/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("最新の連絡"));
    let before = older.last().unwrap()["id"].as_str().unwrap().to_string();
    let oldest_shown = page.first().unwrap()["id"].as_str().unwrap();
    assert!(
        html.contains(&format!("/threads/{id}?before={oldest_shown}")),
        "a link to the older messages"
    );
    assert!(!html.contains(&format!("連絡 {}<", MANY - 150)));
    let r = reader
        .get(&format!("/threads/{id}?before={oldest_shown}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("連絡 {}", MANY - 99)));
    assert!(!html.contains("最新の連絡"));
    let _ = before;

    // The lists that show the thread still answer.
    let threads = reader.get_json("/api/v1/threads").await;
    assert!(threads
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == json!(id)));
    reader.get_json(&format!("/api/v1/threads/{id}")).await;
    let (changes, _) = pull_all(&reader, 0).await;
    assert!(!changes.is_empty());
}

// ---------------------------------------------------------------------------------------
// The change feed under concurrent writers
// ---------------------------------------------------------------------------------------

/// The latest state of each record, as a client applying the changes in order keeps it.
fn applied(changes: &[Value]) -> BTreeMap<(String, String), (String, Value)> {
    let mut state = BTreeMap::new();
    for c in changes {
        state.insert(
            (c["kind"].to_string(), c["id"].to_string()),
            (c["op"].to_string(), c["data"].clone()),
        );
    }
    state
}

#[tokio::test]
async fn a_reader_paging_during_concurrent_writes_misses_nothing() {
    let app = TestApp::spawn().await;
    let reader = app.sign_in(COORDINATOR).await;
    let mut writers = Vec::new();
    for email in [HACHINOHE, HIROSAKI, AOMORI_CITY] {
        writers.push(app.sign_in(email).await);
    }
    let id = thread(
        &app,
        &writers[0],
        &["aomori", "hachinohe", "hirosaki", "aomori-city"],
    )
    .await;
    let (_, mut cursor) = pull_all(&reader, 0).await;
    let start = cursor;
    let done = std::sync::atomic::AtomicBool::new(false);
    let write = async {
        let each = writers.iter().enumerate().map(|(w, user)| async move {
            for i in 0..15 {
                post_message(user, id, &format!("書き手 {w} の連絡 {i}")).await;
            }
        });
        join_all(each).await;
        done.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let read = async {
        let mut seen = Vec::new();
        loop {
            let finished = done.load(std::sync::atomic::Ordering::SeqCst);
            let page = reader
                .get_json(&format!("/api/v1/sync?since={cursor}&limit=7"))
                .await;
            seen.extend(page["changes"].as_array().unwrap().iter().cloned());
            cursor = page["cursor"].as_i64().unwrap();
            if finished && !page["has_more"].as_bool().unwrap() {
                return seen;
            }
        }
    };
    let ((), seen) = tokio::join!(write, read);
    let (everything, _) = pull_all(&reader, start).await;
    let messages = |changes: &[Value]| -> BTreeSet<String> {
        changes
            .iter()
            .filter(|c| c["kind"] == "message")
            .map(|c| c["id"].to_string())
            .collect()
    };
    assert_eq!(messages(&everything).len(), 45);
    assert_eq!(
        messages(&seen),
        messages(&everything),
        "the reader that paged along saw every message"
    );
    assert_eq!(applied(&seen), applied(&everything));
}

// ---------------------------------------------------------------------------------------
// Outreach answers: checked and written in one transaction
// ---------------------------------------------------------------------------------------

const KEIEISHA: &str = "keieisha@aomori.example";

/// Holds a write on the request's row in a transaction of the test's own (as a close or
/// another answer committing at that instant would), so that answers sent now read the
/// request as it was and reach their own write while this one is still open. With `close`
/// the held write closes the request, as the requester's `close` does.
async fn hold_request(app: &TestApp, id: &str, close: bool) -> sea_orm::DatabaseTransaction {
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::TransactionTrait;
    use server::entities::outreach_request;
    let txn = app.db.begin().await.expect("a transaction");
    let mut update = outreach_request::Entity::update_many()
        .col_expr(outreach_request::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(outreach_request::Column::Id.eq(Uuid::parse_str(id).expect("an id")));
    if close {
        update = update
            .col_expr(outreach_request::Column::State, Expr::value("closed"))
            .col_expr(
                outreach_request::Column::Version,
                Expr::col(outreach_request::Column::Version).add(1),
            )
            .col_expr(outreach_request::Column::OutcomePlacements, Expr::value(0));
    }
    let held = update
        .exec(&txn)
        .await
        .expect("the row is held")
        .rows_affected;
    assert_eq!(held, 1);
    txn
}

/// Waits until `n` requests of the server are blocked behind [`hold_request`]'s write
/// (PostgreSQL says so; on SQLite, whose writers wait on its busy timeout unseen, a
/// generous pause well inside that timeout).
async fn until_blocked(app: &TestApp, n: i64) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if app.db.get_database_backend() != DbBackend::Postgres {
        tokio::time::sleep(std::time::Duration::from_millis(2_000)).await;
        return;
    }
    for _ in 0..200 {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT COUNT(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            ))
            .await
            .expect("pg_stat_activity")
            .expect("a row");
        if row.try_get::<i64>("", "n").expect("a count") >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{n} requests never reached their write");
}

async fn answers_of(app: &TestApp, id: &str) -> u64 {
    use server::entities::outreach_response;
    outreach_response::Entity::find()
        .filter(outreach_response::Column::RequestId.eq(Uuid::parse_str(id).expect("an id")))
        .count(&app.db)
        .await
        .expect("a count")
}

#[tokio::test]
async fn two_answers_at_the_same_instant_one_lands_the_other_is_409() {
    let app = TestApp::spawn().await;
    let id = crate::outreach::routed(&app, "同時の回答").await;
    let first = app.sign_in(KEIEISHA).await;
    let second = app.sign_in(KEIEISHA).await;
    let path = format!("/api/v1/outreach-requests/{id}/responses");

    // Both read the request as routed, then both want to write it.
    let held = hold_request(&app, &id, false).await;
    let release = async {
        until_blocked(&app, 2).await;
        held.commit().await.expect("commit");
    };
    let (a, b, ()) = tokio::join!(
        go(
            &first,
            Method::POST,
            &path,
            json!({"body": "1社紹介できます。"})
        ),
        go(
            &second,
            Method::POST,
            &path,
            json!({"body": "2社紹介できます。"})
        ),
        release
    );
    let results = answers(vec![a, b]).await;

    let mut statuses: Vec<StatusCode> = results.iter().map(|(s, _)| *s).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{results:?}"
    );
    let refused = results
        .iter()
        .find(|(s, _)| *s == StatusCode::CONFLICT)
        .expect("a refusal");
    assert_eq!(code(&refused.1), "edit_conflict", "{results:?}");
    // Only the answer that landed is kept, and the timeline says so once.
    assert_eq!(answers_of(&app, &id).await, 1);
    let seen = first
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(seen["state"], "answered");
    let answered = seen["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .filter(|e| e["action"] == "answered")
        .count();
    assert_eq!(answered, 1, "{seen}");
}

#[tokio::test]
async fn an_answer_never_lands_on_a_request_closed_in_the_same_instant() {
    let app = TestApp::spawn().await;
    let id = crate::outreach::routed(&app, "閉じる瞬間の回答").await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let path = format!("/api/v1/outreach-requests/{id}/responses");

    // The answer reads the request as routed; the close commits before it writes.
    let closing = hold_request(&app, &id, true).await;
    let release = async {
        until_blocked(&app, 1).await;
        closing.commit().await.expect("commit");
    };
    let (answer, ()) = tokio::join!(
        go(
            &keieisha,
            Method::POST,
            &path,
            json!({"body": "紹介できます。", "placements_offered": 1}),
        ),
        release
    );
    let results = answers(vec![answer]).await;
    let (status, body) = &results[0];
    assert_eq!(*status, StatusCode::CONFLICT, "{body}");
    assert_eq!(code(body), "edit_conflict", "{body}");
    assert_eq!(
        answers_of(&app, &id).await,
        0,
        "nothing of the answer is kept"
    );
    let seen = keieisha
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(seen["state"], "closed");
    assert_eq!(
        seen["organisations"][0]["status"], "pending",
        "the organisation's status did not move: {seen}"
    );
}
