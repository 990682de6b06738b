//! Notifications: a mention notifies the mentioned user only, through the list, the sync
//! feed and the page; reading the thread or the notification marks it read; a user who
//! loses the thread loses its notifications (404, gone from the list).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sync::{ids, pull_all};
use crate::threads::{create, id_of, post_message};

const COORDINATOR: &str = "coordinator@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";

async fn notifications(user: &User) -> Vec<Value> {
    user.get_json("/api/v1/notifications")
        .await
        .as_array()
        .expect("an array of notifications")
        .clone()
}

#[tokio::test]
async fn a_mention_notifies_the_mentioned_user_and_nobody_else() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let hachinohe_platform = app.platform_id("hachinohe").await;
    let thread = id_of(
        &create(
            &coordinator,
            json!({"subject": "面接会の日程", "platform_ids": [aomori, aomori_city, hachinohe_platform]}),
        )
        .await,
    );
    let (_, since_hachinohe) = pull_all(&hachinohe, 0).await;
    let (_, since_city) = pull_all(&city, 0).await;
    let message = id_of(
        &post_message(
            &coordinator,
            &thread,
            "@hachinohe 会場の件、ご確認ください。",
        )
        .await,
    );

    let list = notifications(&hachinohe).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let n = &list[0];
    assert_eq!(n["kind"], "mention");
    assert_eq!(n["thread_id"], thread.as_str());
    assert_eq!(n["message_id"], message.as_str());
    assert_eq!(n["subject"], "面接会の日程");
    assert!(n["excerpt"].as_str().unwrap().contains("会場の件"));
    assert_eq!(n["by"]["email"], COORDINATOR);
    assert!(n["read_at"].is_null());
    let id = id_of(n);

    // Nobody else is told: not the other participants, not the author, not outsiders.
    for other in [&city, &coordinator, &hirosaki] {
        assert!(notifications(other).await.is_empty());
    }
    let (changes, _) = pull_all(&hachinohe, since_hachinohe).await;
    assert!(ids(&changes, "notification", "upsert").contains(&id));
    let (changes, _) = pull_all(&city, since_city).await;
    assert!(ids(&changes, "notification", "upsert").is_empty());
    let r = city
        .post(&format!("/api/v1/notifications/{id}/read"), &json!(null))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );

    // Marking it read is sent again, to its user.
    let (_, before) = pull_all(&hachinohe, 0).await;
    let r = hachinohe
        .post(&format!("/api/v1/notifications/{id}/read"), &json!(null))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(!notifications(&hachinohe).await[0]["read_at"].is_null());
    let (changes, _) = pull_all(&hachinohe, before).await;
    let again = changes
        .iter()
        .find(|c| c["kind"] == "notification" && c["id"] == id.as_str())
        .expect("the read notification in the feed");
    assert!(!again["data"]["read_at"].is_null());
}

#[tokio::test]
async fn opening_the_thread_reads_its_notifications_and_losing_it_hides_them() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let aomori = app.platform_id("aomori").await;
    let hachinohe_platform = app.platform_id("hachinohe").await;
    let thread = id_of(
        &create(
            &coordinator,
            json!({"subject": "職場見学の調整", "platform_ids": [aomori, hachinohe_platform]}),
        )
        .await,
    );
    post_message(&coordinator, &thread, "@hachinohe 見学先の候補です。").await;
    post_message(&coordinator, &thread, "@hachinohe もう一件あります。").await;

    // The page lists them, and the nav links to it.
    let page = hachinohe.get("/notifications").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("職場見学の調整") && html.contains("さんがあなたをメンションしました"));
    assert!(html.contains("すべて既読にする"));

    // Opening the thread's page is reading its notifications.
    let r = hachinohe.get(&format!("/threads/{thread}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let list = notifications(&hachinohe).await;
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|n| !n["read_at"].is_null()), "{list:?}");

    // A new one, read through the page's form (the CSRF token is required).
    post_message(&coordinator, &thread, "@hachinohe 日程が決まりました。").await;
    let r = hachinohe
        .client
        .post(app.url("/notifications/read"))
        .form(&[("id", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hachinohe
        .client
        .post(app.url("/notifications/read"))
        .form(&[("csrf_token", hachinohe.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_see_other(&r, "/notifications");
    assert!(notifications(&hachinohe)
        .await
        .iter()
        .all(|n| !n["read_at"].is_null()));

    // Taken out of the thread, 八戸市 keeps nothing of it, its notifications included.
    let kept = id_of(&notifications(&hachinohe).await[0]);
    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{thread}"),
            &json!({"platform_ids": [aomori]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(notifications(&hachinohe).await.is_empty());
    let r = hachinohe
        .post(&format!("/api/v1/notifications/{kept}/read"), &json!(null))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = hachinohe.get("/notifications").await.text().await.unwrap();
    assert!(!html.contains("職場見学の調整"));
    assert!(html.contains("通知はありません。"));
}
