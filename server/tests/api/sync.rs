//! The sync engine: the change feed, live events, idempotent writes, and the isolation
//! matrix (same network, other network, lost and gained access).

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use app::domain::{MemberCategory, Role, Standing};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::admin;
use uuid::Uuid;

use crate::helpers::*;

/// Pulls every page after `since`; returns the changes and the final cursor.
pub(crate) async fn pull_all(user: &User, since: i64) -> (Vec<Value>, i64) {
    let mut cursor = since;
    let mut changes = Vec::new();
    loop {
        let page = user
            .get_json(&format!("/api/v1/sync?since={cursor}&limit=50"))
            .await;
        let page_cursor = page["cursor"].as_i64().expect("cursor");
        for change in page["changes"].as_array().expect("changes") {
            let c = change["cursor"].as_i64().expect("change cursor");
            assert!(
                c > cursor,
                "a change at or below the cursor asked for: {c} <= {cursor}"
            );
            assert!(c <= page_cursor, "a change beyond the page's cursor");
            changes.push(change.clone());
        }
        assert!(page_cursor >= cursor, "the cursor never goes back");
        cursor = page_cursor;
        if !page["has_more"].as_bool().expect("has_more") {
            return (changes, cursor);
        }
    }
}

pub(crate) fn ids(changes: &[Value], kind: &str, op: &str) -> BTreeSet<String> {
    changes
        .iter()
        .filter(|c| c["kind"] == kind && c["op"] == op)
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect()
}

/// That `user`'s device is told `id` (of `kind`) is gone since `since`, and that the API
/// answers 404 at `path`: what a reader who lost sight of a record must see. Returns the
/// changes pulled, for further checks.
pub(crate) async fn assert_gone(
    user: &User,
    since: i64,
    kind: &str,
    id: &str,
    path: &str,
) -> Vec<Value> {
    let (changes, _) = pull_all(user, since).await;
    assert!(
        ids(&changes, kind, "delete").contains(id),
        "a tombstone of {kind} {id}: {changes:?}"
    );
    assert_eq!(
        user.get(path).await.status(),
        reqwest::StatusCode::NOT_FOUND,
        "{path}"
    );
    changes
}

async fn member_ids(user: &User, platform_id: Uuid) -> BTreeSet<String> {
    user.get_json(&format!("/api/v1/platforms/{platform_id}/members"))
        .await
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_string())
        .collect()
}

/// Adds an organisation and makes it a member of `slug`, as the admin command does.
async fn add_member(app: &TestApp, slug: &str, name: &str) -> Uuid {
    let platform = admin::platform_by_slug(&app.db, slug)
        .await
        .expect("platform");
    let org = admin::add_organisation(&app.db, name, MemberCategory::Economic, None)
        .await
        .expect("organisation");
    admin::add_membership(&app.db, platform.id, org.id, Standing::Member, None, 99)
        .await
        .expect("membership")
        .id
}

pub(crate) async fn user_id(app: &TestApp, email: &str) -> Uuid {
    admin::user_by_email(&app.db, email).await.expect("user").id
}

/// An open event stream, read chunk by chunk.
pub(crate) struct Events {
    response: reqwest::Response,
    seen: String,
}

impl Events {
    pub(crate) async fn open(user: &User, last_event_id: Option<i64>) -> Events {
        let mut request = user.request(Method::GET, "/api/v1/events");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("events");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream")));
        Events {
            response,
            seen: String::new(),
        }
    }

    /// Reads and forgets events until none comes for a while.
    pub(crate) async fn drain(&mut self) {
        while self
            .next_change(Duration::from_millis(1200))
            .await
            .is_some()
        {}
    }

    /// Waits up to `within` for a `change` event; returns its id (cursor).
    pub(crate) async fn next_change(&mut self, within: Duration) -> Option<i64> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(at) = self.seen.find("event: change") {
                let rest = self.seen[at..].to_string();
                let Some(end) = rest.find("\n\n") else {
                    // The event is not complete yet.
                    let now = tokio::time::Instant::now();
                    if now >= deadline {
                        return None;
                    }
                    if let Ok(Ok(Some(chunk))) =
                        tokio::time::timeout(deadline - now, self.response.chunk()).await
                    {
                        self.seen.push_str(&String::from_utf8_lossy(&chunk));
                    }
                    continue;
                };
                let event = &rest[..end];
                self.seen = rest[end + 2..].to_string();
                let id = event
                    .lines()
                    .find_map(|l| l.strip_prefix("id: "))
                    .and_then(|v| v.trim().parse().ok());
                return Some(id.unwrap_or(-1));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return None;
            }
            match tokio::time::timeout(deadline - now, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }
}

#[tokio::test]
async fn the_feed_carries_the_networks_records_with_their_current_state() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let (changes, cursor) = pull_all(&coordinator, 0).await;
    assert!(cursor > 0);

    let platforms: BTreeSet<String> = coordinator
        .get_json("/api/v1/platforms")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids(&changes, "platform", "upsert"), platforms);
    let aomori = app.platform_id("aomori").await;
    let members = member_ids(&coordinator, aomori).await;
    assert!(members.is_subset(&ids(&changes, "membership", "upsert")));
    let labour_bureau = changes
        .iter()
        .find(|c| c["kind"] == "membership" && c["data"]["organisation_name"] == "青森労働局")
        .expect("青森労働局's membership is in the feed");
    assert_eq!(labour_bureau["data"]["secretariat_role"], "lead");
    assert_eq!(labour_bureau["data"]["platform_id"], aomori.to_string());

    // Caught up: nothing more, and the cursor stays.
    let page = coordinator
        .get_json(&format!("/api/v1/sync?since={cursor}"))
        .await;
    assert_eq!(page["changes"], json!([]));
    assert_eq!(page["cursor"], cursor);
    assert_eq!(page["has_more"], false);
}

#[tokio::test]
async fn paging_is_in_order_and_complete() {
    // A page sends a record changed several times in it once, at its latest change, so
    // the NUMBER of changes depends on where the pages split (the seed appends platforms
    // and memberships twice for a user, once for the network and once for them, in an
    // order that varies from run to run): counting them was the flaky part. What the feed
    // promises is that a client applying the pages in order ends with the same records,
    // in the same state, wherever the pages split, and that no page goes back.
    let app = TestApp::spawn().await;
    let staff = app.sign_in("hachinohe@aomori.example").await;
    let (all, end) = pull_all(&staff, 0).await;
    let whole = applied(&all);
    assert!(whole.len() > 10, "the seed gives this user records");
    for first_limit in 1..=12 {
        let first = staff
            .get_json(&format!("/api/v1/sync?since=0&limit={first_limit}"))
            .await;
        let first_changes = first["changes"].as_array().unwrap().clone();
        assert!(!first_changes.is_empty() && first_changes.len() <= first_limit);
        assert_eq!(first["has_more"], true);
        let cursor = first["cursor"].as_i64().unwrap();
        for c in &first_changes {
            assert!(c["cursor"].as_i64().unwrap() <= cursor);
        }
        let (rest, rest_end) = pull_all(&staff, cursor).await;
        assert_eq!(rest_end, end, "both reads end at the same cursor");
        let mut paged = first_changes.clone();
        paged.extend(rest);
        let cursors: Vec<i64> = paged
            .iter()
            .map(|c| c["cursor"].as_i64().unwrap())
            .collect();
        assert!(
            cursors.windows(2).all(|w| w[0] < w[1]),
            "pages neither overlap nor go back: {cursors:?}"
        );
        assert_eq!(
            applied(&paged),
            whole,
            "split after {first_limit}: the same records in the same state"
        );
    }
}

/// The latest state of each record, as a client applying changes in order keeps it.
fn applied(changes: &[Value]) -> std::collections::BTreeMap<(String, String), (String, Value)> {
    changes
        .iter()
        .map(|c| {
            (
                (c["kind"].to_string(), c["id"].to_string()),
                (c["op"].to_string(), c["data"].clone()),
            )
        })
        .collect()
}

#[tokio::test]
async fn bad_cursors_and_limits_are_422() {
    let app = TestApp::spawn().await;
    let staff = app.sign_in("hachinohe@aomori.example").await;
    for path in [
        "/api/v1/sync?since=-1",
        "/api/v1/sync?since=abc",
        "/api/v1/sync?limit=x",
    ] {
        let (status, code) = error_code(staff.get(path).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(code.starts_with("invalid_"), "{path}: {code}");
    }
    let anonymous = bare_client();
    let r = anonymous.get(app.url("/api/v1/sync")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = anonymous
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn another_network_sees_nothing_in_the_feed() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let aomori_user = app.sign_in("hachinohe@aomori.example").await;
    let iwate_user = app.sign_in(IWATE_COORDINATOR).await;

    let (aomori_changes, _) = pull_all(&aomori_user, 0).await;
    let (iwate_changes, _) = pull_all(&iwate_user, 0).await;
    let aomori_ids: HashSet<_> = aomori_changes.iter().map(|c| c["id"].clone()).collect();
    let iwate_ids: HashSet<_> = iwate_changes.iter().map(|c| c["id"].clone()).collect();
    assert!(aomori_ids.is_disjoint(&iwate_ids));
    assert!(iwate_ids.contains(&json!(iwate.platform_id.to_string())));
    assert!(!aomori_ids.contains(&json!(iwate.platform_id.to_string())));
    let aomori = app.platform_id("aomori").await;
    assert!(!iwate_ids.contains(&json!(aomori.to_string())));
    for change in &iwate_changes {
        let text = change.to_string();
        assert!(
            !text.contains("青森"),
            "an Aomori record reached Iwate: {text}"
        );
    }
}

#[tokio::test]
async fn a_change_reaches_the_stream_and_feed_of_its_audience_only() {
    let app = TestApp::spawn().await;
    app.add_iwate_network().await;
    let hachinohe = app.sign_in("hachinohe@aomori.example").await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let (_, cursor) = pull_all(&hachinohe, 0).await;
    let (_, iwate_cursor) = pull_all(&iwate, 0).await;
    let mut aomori_events = Events::open(&hachinohe, None).await;
    let mut iwate_events = Events::open(&iwate, None).await;
    // Pokes for the set-up (Iwate's own records) may still be on their way.
    aomori_events.drain().await;
    iwate_events.drain().await;

    let membership = add_member(&app, "aomori", "青森県中小企業家同友会").await;

    let id = aomori_events
        .next_change(Duration::from_secs(5))
        .await
        .expect("the Aomori network's user is poked");
    assert!(id > cursor);
    let (changes, _) = pull_all(&hachinohe, cursor).await;
    let change = changes
        .iter()
        .find(|c| c["id"] == membership.to_string())
        .expect("the new membership is in the feed");
    assert_eq!(change["op"], "upsert");
    assert_eq!(
        change["data"]["organisation_name"],
        "青森県中小企業家同友会"
    );

    assert_eq!(
        iwate_events.next_change(Duration::from_millis(1500)).await,
        None,
        "a change Iwate may not see pokes nobody in Iwate"
    );
    let (iwate_changes, _) = pull_all(&iwate, iwate_cursor).await;
    assert!(iwate_changes.is_empty(), "{iwate_changes:?}");
}

#[tokio::test]
async fn last_event_id_catches_up_at_once() {
    let app = TestApp::spawn().await;
    let staff = app.sign_in("hirosaki@aomori.example").await;
    let (_, cursor) = pull_all(&staff, 0).await;
    add_member(&app, "hirosaki", "弘前商工会議所").await;
    // Let the live poke go by before connecting: what follows is the catch-up alone.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut events = Events::open(&staff, Some(cursor)).await;
    let id = events
        .next_change(Duration::from_secs(2))
        .await
        .expect("a missed change is announced on reconnect");
    assert!(id > cursor);
    // Nothing newer than the last event: no catch-up event.
    let mut again = Events::open(&staff, Some(id)).await;
    assert_eq!(again.next_change(Duration::from_millis(800)).await, None);
    // But every stream says `ready` first: how a client knows no proxy holds it back.
    assert!(again.seen.starts_with("event: ready\n"), "{:?}", again.seen);
}

#[tokio::test]
async fn a_revoked_role_turns_the_network_into_tombstones() {
    let app = TestApp::spawn().await;
    let staff = app.sign_in("hachinohe@aomori.example").await;
    let (before, cursor) = pull_all(&staff, 0).await;
    let seen = ids(&before, "platform", "upsert");
    assert!(!seen.is_empty());

    let user = user_id(&app, "hachinohe@aomori.example").await;
    let hachinohe = app.platform_id("hachinohe").await;
    assert!(admin::revoke_role(&app.db, user, hachinohe, Role::Staff)
        .await
        .expect("revoke"));

    // The revocation ended the session; the device signs in again and resumes from
    // its cursor.
    assert_eq!(
        staff.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let staff = app.sign_in("hachinohe@aomori.example").await;
    let (after, _) = pull_all(&staff, cursor).await;
    assert_eq!(ids(&after, "platform", "delete"), seen);
    assert!(ids(&after, "platform", "upsert").is_empty());
    assert!(after.iter().all(|c| c["data"].is_null()));
    let r = staff.get(&format!("/api/v1/platforms/{hachinohe}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_granted_role_brings_the_network_into_the_feed() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let user = app.sign_in(IWATE_COORDINATOR).await;
    let (_, cursor) = pull_all(&user, 0).await;
    let aomori = app.platform_id("aomori").await;
    let id = user_id(&app, IWATE_COORDINATOR).await;
    admin::grant_role(&app.db, id, aomori, Role::Observer)
        .await
        .expect("grant");
    // Working in a second network means accepting its own pledge first.
    let r = user.get(&format!("/api/v1/sync?since={cursor}")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "pledge_required".into())
    );
    let r = user.post("/api/v1/me/pledge", &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["accepted"], true);
    let (after, _) = pull_all(&user, cursor).await;
    assert!(ids(&after, "platform", "upsert").contains(&aomori.to_string()));
    assert!(!ids(&after, "platform", "upsert").contains(&iwate.platform_id.to_string()));
    let members = member_ids(&user, aomori).await;
    assert!(members.is_subset(&ids(&after, "membership", "upsert")));
}

/// `writers` tasks that each add `each` support organisations to Aomori's members, one
/// transaction per member, all at once, as the admin command does; each task answers the
/// ids of the memberships it made.
pub(crate) fn members_written_at_once(
    app: &TestApp,
    writers: usize,
    each: usize,
    name: &'static str,
) -> Vec<tokio::task::JoinHandle<Vec<String>>> {
    (0..writers)
        .map(|w| {
            let db = app.db.clone();
            tokio::spawn(async move {
                use sea_orm::TransactionTrait;
                let platform = admin::platform_by_slug(&db, "aomori")
                    .await
                    .expect("aomori")
                    .id;
                let mut made = Vec::new();
                for i in 0..each {
                    let txn = db.begin().await.expect("begin");
                    let org = admin::add_organisation(
                        &txn,
                        &format!("{name} {w}-{i}"),
                        MemberCategory::Support,
                        None,
                    )
                    .await
                    .expect("organisation");
                    let m =
                        admin::add_membership(&txn, platform, org.id, Standing::Member, None, 500)
                            .await
                            .expect("membership");
                    txn.commit().await.expect("commit");
                    made.push(m.id.to_string());
                }
                made
            })
        })
        .collect()
}

#[tokio::test]
async fn concurrent_writers_never_make_a_reader_skip_a_change() {
    let app = TestApp::spawn().await;
    let readers = [
        app.sign_in("coordinator@aomori.example").await,
        app.sign_in("hachinohe@aomori.example").await,
        app.sign_in("hirosaki@aomori.example").await,
    ];
    let mut starts = Vec::new();
    for reader in &readers {
        starts.push(pull_all(reader, 0).await.1);
    }
    const WRITERS: usize = 6;
    const EACH: usize = 10;
    let writers = members_written_at_once(&app, WRITERS, EACH, "並行テスト団体");
    let mut reading = Vec::new();
    for (reader, start) in readers.iter().zip(starts) {
        let base = reader.base.clone();
        let client = reader.client.clone();
        let csrf = reader.csrf.clone();
        reading.push(tokio::spawn(async move {
            let reader = User { base, client, csrf };
            let mut cursor = start;
            let mut seen = BTreeSet::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
            while seen.len() < WRITERS * EACH && tokio::time::Instant::now() < deadline {
                let (changes, next) = pull_all(&reader, cursor).await;
                seen.extend(ids(&changes, "membership", "upsert"));
                cursor = next;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            seen
        }));
    }
    let mut written = BTreeSet::new();
    for w in writers {
        written.extend(w.await.expect("writer"));
    }
    assert_eq!(written.len(), WRITERS * EACH);
    for r in reading {
        let seen = r.await.expect("reader");
        let missed: Vec<_> = written.difference(&seen).collect();
        let extra: Vec<_> = seen.difference(&written).collect();
        assert!(
            missed.is_empty() && extra.is_empty(),
            "every reader saw every change, none skipped: missed {missed:?}, extra {extra:?}"
        );
    }
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_answer() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let org = app.organisation_id("青森県商工会連合会").await;
    let path = format!("/api/v1/platforms/{aomori}/invitations");
    let body =
        json!({"email": "new-staff@aomori.example", "role": "responder", "organisation_id": org});
    let key = Uuid::new_v4().to_string();

    let send = |body: Value, key: String| {
        coordinator
            .request(Method::POST, &path)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = send(body.clone(), key.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert!(first["accept_path"].is_string());
    // The answer held the invitation's link, a secret, so it was not kept: the repeat has
    // had its effect once and says so (see `visibility` for a replay of a plain answer).
    let (status, code) = error_code(send(body.clone(), key.clone()).await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "idempotency_answer_withheld")
    );

    let list = coordinator.get_json(&path).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "one effect");

    let other = json!({"email": "someone-else@aomori.example", "role": "responder", "organisation_id": org});
    let (status, code) = error_code(send(other, key.clone()).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code, "idempotency_mismatch");

    let (status, _) = error_code(send(body.clone(), "not-a-uuid".into()).await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Keys are per user: another coordinator's same key is a new request.
    let deputy = app.sign_in("shoko-rodo@aomori.example").await;
    let r = deputy
        .request(Method::POST, &path)
        .header("Idempotency-Key", &key)
        .json(&json!({"email": "deputy-invite@aomori.example", "role": "staff", "organisation_id": org}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        coordinator.get_json(&path).await.as_array().unwrap().len(),
        2
    );

    // A refused request is remembered as refused, and still has no effect.
    let bad = json!({"email": "nope", "role": "staff", "organisation_id": org});
    let bad_key = Uuid::new_v4().to_string();
    for _ in 0..2 {
        let (status, code) = error_code(send(bad.clone(), bad_key.clone()).await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_email")
        );
    }
    assert_eq!(
        coordinator.get_json(&path).await.as_array().unwrap().len(),
        2
    );
}

#[tokio::test]
async fn concurrent_copies_of_one_keyed_request_have_one_effect() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let org = app.organisation_id("青森県商工会連合会").await;
    let path = format!("/api/v1/platforms/{aomori}/invitations");
    let key = Uuid::new_v4().to_string();
    let body = json!({"email": "race@aomori.example", "role": "staff", "organisation_id": org});
    let mut copies = Vec::new();
    for _ in 0..4 {
        copies.push(
            coordinator
                .request(Method::POST, &path)
                .header("Idempotency-Key", &key)
                .json(&body)
                .send(),
        );
    }
    for response in futures_util::future::join_all(copies).await {
        let status = response.unwrap().status();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::CONFLICT,
            "a copy is either the answer or told to retry: {status}"
        );
    }
    assert_eq!(
        coordinator.get_json(&path).await.as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn two_instances_deliver_each_others_changes() {
    if !on_postgres() {
        // One SQLite file is served by one process; the in-process path is tested above.
        return;
    }
    let app = TestApp::spawn().await;
    let second = app.spawn_instance().await;
    let on_second = app.sign_in_at(&second, "coordinator@aomori.example").await;
    let (_, cursor) = pull_all(&on_second, 0).await;
    let mut events = Events::open(&on_second, None).await;
    // Written by the first instance's connection pool.
    let membership = add_member(&app, "aomori", "二つ目のインスタンス確認団体").await;
    let id = events
        .next_change(Duration::from_secs(3))
        .await
        .expect("the second instance's stream is poked by the first's write");
    assert!(id > cursor);
    let (changes, _) = pull_all(&on_second, cursor).await;
    assert!(changes.iter().any(|c| c["id"] == membership.to_string()));
}
