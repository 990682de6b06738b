//! Sync payloads built once per reader class (issue: sync at scale): readers with the same
//! roles and organisation share one build of each change, and still each get exactly what
//! the API shows them (their own unread counts, their own rights); a payload built for one
//! class never reaches another; and a payload built before a record's visibility narrowed
//! is never served after it.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{json, Value};
use server::entities::user_role;
use uuid::Uuid;

use crate::helpers::*;
use crate::sync::pull_all;

const COORDINATOR: &str = "coordinator@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
/// A second person of 弘前市 with the same roles as `HIROSAKI`: the same reader class.
const HIROSAKI_2: &str = "hirosaki-2@aomori.example";

/// Adds `email` to the organisation of `like`, with the same roles.
pub(crate) async fn same_class_as(app: &TestApp, like: &str, email: &str) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let original = server::entities::user::Entity::find()
        .filter(server::entities::user::Column::Email.eq(like))
        .one(&app.db)
        .await
        .expect("the database answers")
        .expect("the demo user");
    let hash = server::accounts::password::hash(server::seed::DEMO_PASSWORD).expect("hash");
    let user = server::admin::add_user(
        &app.db,
        email,
        "弘前市 福祉と就労の担当（二人目）",
        original.organisation_id,
        &hash,
    )
    .await
    .expect("a second user");
    for role in user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(original.id))
        .all(&app.db)
        .await
        .expect("roles")
    {
        let role = app::domain::Role::parse(&role.role).expect("a known role");
        let platform = role_platform(app, original.id, role).await;
        server::admin::grant_role(&app.db, user.id, platform, role)
            .await
            .expect("the same role");
    }
}

async fn role_platform(app: &TestApp, user: Uuid, role: app::domain::Role) -> Uuid {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user))
        .filter(user_role::Column::Role.eq(role.as_str()))
        .one(&app.db)
        .await
        .expect("the database answers")
        .expect("the role")
        .platform_id
}

/// The newest state of each record the feed gave, by (kind, id).
fn newest(changes: &[Value]) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for c in changes {
        out.insert(
            (
                c["kind"].as_str().unwrap().to_string(),
                c["id"].as_str().unwrap().to_string(),
            ),
            c.clone(),
        );
    }
    out
}

pub(crate) async fn created(r: reqwest::Response, what: &str) -> Value {
    let status = r.status();
    let body: Value = r.json().await.expect("JSON");
    assert_eq!(status, StatusCode::CREATED, "{what}: {body}");
    body
}

#[tokio::test]
async fn every_reader_gets_from_the_feed_exactly_what_the_api_shows_them() {
    let app = TestApp::spawn().await;
    same_class_as(&app, HIROSAKI, HIROSAKI_2).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let hirosaki_2 = app.sign_in(HIROSAKI_2).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let aomori = app.platform_id("aomori").await;
    let hirosaki_platform = app.platform_id("hirosaki").await;
    let keieisha_org = app.organisation_id("一般社団法人 青森県経営者協会").await;

    // A thread of the secretariat, 弘前市 and an economic organisation, with messages by
    // several people; one reader of 弘前市 has read it, the other has not.
    let thread = created(
        coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": "就労体験の受け入れ調整", "platform_ids": [aomori, hirosaki_platform],
                        "organisation_ids": [keieisha_org], "body": "受け入れ枠の確認をお願いします。"}),
            )
            .await,
        "a thread",
    )
    .await;
    let thread_id = thread["id"].as_str().unwrap().to_string();
    let messages = format!("/api/v1/threads/{thread_id}/messages");
    let mut last = Value::Null;
    for (who, body) in [
        (&hirosaki, "弘前市から2名の希望があります。"),
        (&keieisha, "会員企業に照会します。"),
    ] {
        last = created(
            who.post(&messages, &json!({ "body": body })).await,
            "a message",
        )
        .await;
    }
    let r = hirosaki
        .post(
            &format!("/api/v1/threads/{thread_id}/read"),
            &json!({ "message_id": last["id"] }),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    // A thread the second reader started: they may manage it, their colleague may not.
    let own = created(
        hirosaki_2
            .post(
                "/api/v1/threads",
                &json!({"subject": "市内の面接会", "platform_ids": [hirosaki_platform, aomori]}),
            )
            .await,
        "a thread",
    )
    .await;
    // A practice both readers of 弘前市 commented on: each may delete only their own.
    let practice = created(
        hachinohe
            .post(
                "/api/v1/practices",
                &json!({
                    "title": "農業法人での就労体験", "summary": "就労体験から正規雇用へ。",
                    "body": "週2日の就労体験", "target_groups": ["long_term_unemployed"],
                    "tags": ["就労体験"], "area": "八戸市", "period": "令和6年度",
                    "results": [], "visibility": "network", "status": "published"
                }),
            )
            .await,
        "a practice",
    )
    .await;
    let practice_id = practice["id"].as_str().unwrap().to_string();
    for (who, body) in [
        (&hirosaki, "受け入れ先の探し方を教えてください。"),
        (&hirosaki_2, "弘前市でも検討しています。"),
    ] {
        created(
            who.post(
                &format!("/api/v1/practices/{practice_id}/comments"),
                &json!({ "body": body }),
            )
            .await,
            "a comment",
        )
        .await;
    }

    // The first reader of the class builds; the second, a moment later, builds nothing.
    let (first, _) = pull_all(&hirosaki, 0).await;
    let built = app.views.len();
    let (second, _) = pull_all(&hirosaki_2, 0).await;
    assert_eq!(
        app.views.len(),
        built,
        "a reader of the same class shares every payload"
    );
    assert_eq!(first.len(), second.len());

    for (who, user, changes) in [
        ("弘前市", &hirosaki, first),
        ("弘前市 二人目", &hirosaki_2, second),
        (
            "secretariat",
            &coordinator,
            pull_all(&coordinator, 0).await.0,
        ),
        (
            "economic organisation",
            &keieisha,
            pull_all(&keieisha, 0).await.0,
        ),
        ("八戸市", &hachinohe, pull_all(&hachinohe, 0).await.0),
    ] {
        let mut compared = 0;
        for ((kind, id), change) in newest(&changes) {
            let path = match kind.as_str() {
                "thread" => format!("/api/v1/threads/{id}"),
                "good_practice" => format!("/api/v1/practices/{id}"),
                "outreach_request" => format!("/api/v1/outreach-requests/{id}"),
                _ => continue,
            };
            let r = user.get(&path).await;
            if change["op"] == "delete" {
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {path}");
                continue;
            }
            assert_eq!(r.status(), StatusCode::OK, "{who} {path}");
            let api: Value = r.json().await.unwrap();
            assert_eq!(change["data"], api, "{who}: the feed's {kind} {id}");
            compared += 1;
        }
        // Messages: the feed's equal the thread's page of messages.
        if let Some(page) = user
            .get(&messages)
            .await
            .json::<Value>()
            .await
            .ok()
            .and_then(|v| v.as_array().cloned())
        {
            let feed = newest(&changes);
            for m in page {
                let key = ("message".to_string(), m["id"].as_str().unwrap().to_string());
                assert_eq!(feed[&key]["data"], m, "{who}: message {}", key.1);
                compared += 1;
            }
        }
        assert!(compared > 0, "{who} compared something");
    }

    // The fields of one's own differ between the two readers of one class.
    let unread = |changes: &[Value], id: &str| {
        newest(changes)[&("thread".to_string(), id.to_string())]["data"].clone()
    };
    let (mine, _) = pull_all(&hirosaki, 0).await;
    let (theirs, _) = pull_all(&hirosaki_2, 0).await;
    assert_eq!(unread(&mine, &thread_id)["unread"], 0, "read it");
    assert_eq!(unread(&theirs, &thread_id)["unread"], 3, "has not");
    let own_id = own["id"].as_str().unwrap();
    assert_eq!(unread(&theirs, own_id)["can_manage"], true);
    assert_eq!(unread(&mine, own_id)["can_manage"], false);
}

#[tokio::test]
async fn a_payload_built_before_a_platform_left_a_thread_is_never_served_after() {
    let app = TestApp::spawn().await;
    same_class_as(&app, HIROSAKI, HIROSAKI_2).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let aomori = app.platform_id("aomori").await;
    let hirosaki_platform = app.platform_id("hirosaki").await;
    let thread = created(
        coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": "非公開になる相談", "platform_ids": [aomori, hirosaki_platform],
                        "body": "弘前市にも共有します。"}),
            )
            .await,
        "a thread",
    )
    .await;
    let thread_id = thread["id"].as_str().unwrap().to_string();
    // 弘前市's class has the thread and its message built and kept.
    let (before, _) = pull_all(&hirosaki, 0).await;
    let seen = newest(&before);
    assert_eq!(seen[&("thread".into(), thread_id.clone())]["op"], "upsert");
    let message_id = seen
        .iter()
        .find(|((kind, _), c)| kind == "message" && c["data"]["thread_id"] == thread_id.as_str())
        .map(|((_, id), _)| id.clone())
        .expect("the first message");

    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{thread_id}"),
            &json!({"platform_ids": [aomori]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The same reader and a new device of the same class: the thread and its message are
    // tombstones or absent, never the payload built before.
    let hirosaki_2 = app.sign_in(HIROSAKI_2).await;
    for (who, user) in [("弘前市", &hirosaki), ("弘前市 二人目", &hirosaki_2)] {
        let (after, _) = pull_all(user, 0).await;
        let after = newest(&after);
        for key in [
            ("thread".to_string(), thread_id.clone()),
            ("message".to_string(), message_id.clone()),
        ] {
            if let Some(change) = after.get(&key) {
                assert_eq!(change["op"], "delete", "{who}: {key:?} {change}");
                assert!(change["data"].is_null(), "{who}: {key:?}");
            }
        }
        let text = serde_json::to_string(&after.values().collect::<Vec<_>>()).unwrap();
        assert!(!text.contains("弘前市にも共有します。"), "{who}");
        assert!(!text.contains("非公開になる相談"), "{who}");
    }
}
