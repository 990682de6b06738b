//! The home page's to-do list (`GET /api/v1/to-do` and `/p/{slug}`): each person sees what
//! waits for their own step, it moves on as the work does, and nothing of a thread or a
//! request they have no part in shows in it, in its counts, or on the page.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::outreach::{create as create_request, draft, id_of, step_ok};
use crate::pages::page;
use crate::threads::{create as create_thread, post_message};

const COORDINATOR: &str = "coordinator@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";

async fn to_do(user: &User) -> Value {
    user.get_json("/api/v1/to-do").await
}

fn ids(to_do: &Value, part: &str) -> Vec<String> {
    to_do[part]
        .as_array()
        .unwrap_or_else(|| panic!("{part} in {to_do}"))
        .iter()
        .map(|v| v["id"].as_str().expect("an id").to_string())
        .collect()
}

fn nothing(to_do: &Value) -> bool {
    to_do["mentions_total"] == 0
        && to_do["awaiting_total"] == 0
        && to_do["overdue_total"] == 0
        && to_do["unread_messages"] == 0
}

#[tokio::test]
async fn a_mention_waits_for_the_mentioned_person_alone_until_they_read_it() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let aomori = app.platform_id("aomori").await;
    let hachinohe_platform = app.platform_id("hachinohe").await;
    for user in [&coordinator, &hachinohe, &hirosaki] {
        assert!(
            nothing(&to_do(user).await),
            "a fresh platform has nothing waiting"
        );
    }
    let thread = create_thread(
        &coordinator,
        json!({"subject": "合同面接会の会場", "platform_ids": [aomori, hachinohe_platform]}),
    )
    .await;
    let thread = thread["id"].as_str().unwrap().to_string();
    post_message(
        &coordinator,
        &thread,
        "@hachinohe 会場の候補をご確認ください。",
    )
    .await;
    post_message(&coordinator, &thread, "日程は来週中に決めます。").await;

    let waiting = to_do(&hachinohe).await;
    assert_eq!(waiting["mentions_total"], 1, "{waiting}");
    assert_eq!(waiting["mentions"][0]["thread_id"], thread.as_str());
    assert_eq!(waiting["mentions"][0]["subject"], "合同面接会の会場");
    assert_eq!(waiting["unread_messages"], 2);
    assert_eq!(waiting["unread_threads"], 1);
    // The page shows it too, without JavaScript.
    let html = page(hachinohe.get("/p/hachinohe").await).await;
    assert!(html.contains("いま対応が必要なこと"), "the to-do heading");
    assert!(html.contains("合同面接会の会場"), "the mention on the page");

    // The author has nothing to read; a platform outside the thread learns nothing of it,
    // in the list, the counts or the page.
    assert!(nothing(&to_do(&coordinator).await));
    assert!(nothing(&to_do(&hirosaki).await));
    let html = page(hirosaki.get("/p/hirosaki").await).await;
    assert!(
        !html.contains("合同面接会の会場"),
        "not on another platform's page"
    );

    // Opening the thread reads it: the mention and the unread messages are gone.
    hachinohe
        .get_json(&format!("/api/v1/threads/{thread}/messages"))
        .await;
    let page_html = page(hachinohe.get(&format!("/threads/{thread}")).await).await;
    assert!(page_html.contains("合同面接会の会場"));
    let after = to_do(&hachinohe).await;
    assert!(nothing(&after), "read: {after}");
}

#[tokio::test]
async fn a_request_moves_from_one_persons_list_to_the_next_as_it_is_worked() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let request = id_of(&create_request(&hirosaki, draft("事務補助の受け入れ先")).await);

    // A draft waits for its platform to send it, and is nobody else's business.
    assert_eq!(
        ids(&to_do(&hirosaki).await, "awaiting"),
        vec![request.clone()]
    );
    for other in [&coordinator, &city, &keieisha] {
        assert!(
            nothing(&to_do(other).await),
            "a draft is its platform's own"
        );
    }

    step_ok(&hirosaki, &request, json!({"action": "submit"})).await;
    assert_eq!(
        ids(&to_do(&coordinator).await, "awaiting"),
        vec![request.clone()]
    );
    assert!(
        ids(&to_do(&hirosaki).await, "awaiting").is_empty(),
        "sent: the secretariat's step"
    );

    let org = app.organisation_id(KEIEISHA_ORG).await;
    step_ok(
        &coordinator,
        &request,
        json!({"action": "route", "organisation_ids": [org]}),
    )
    .await;
    let organisation = to_do(&keieisha).await;
    assert_eq!(
        ids(&organisation, "awaiting"),
        vec![request.clone()],
        "{organisation}"
    );
    assert_eq!(organisation["awaiting"][0]["state"], "routed");
    assert!(ids(&to_do(&coordinator).await, "awaiting").is_empty());
    // Another city of the network has no part in it at any step.
    assert!(nothing(&to_do(&city).await));
}

#[tokio::test]
async fn another_network_sees_none_of_this_networks_work() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let aomori = app.platform_id("aomori").await;
    let hirosaki_platform = app.platform_id("hirosaki").await;
    let thread = create_thread(
        &coordinator,
        json!({"subject": "県内の連絡", "platform_ids": [aomori, hirosaki_platform]}),
    )
    .await;
    let thread = thread["id"].as_str().unwrap().to_string();
    post_message(&coordinator, &thread, "@hirosaki ご確認ください。").await;
    let request = id_of(&create_request(&hirosaki, draft("県内の依頼")).await);
    step_ok(&hirosaki, &request, json!({"action": "submit"})).await;
    assert_eq!(ids(&to_do(&coordinator).await, "awaiting"), vec![request]);

    let outsider = app.sign_in(IWATE_COORDINATOR).await;
    let theirs = to_do(&outsider).await;
    assert!(nothing(&theirs), "{theirs}");
    let html = outsider.get("/p/iwate").await.text().await.unwrap();
    assert!(!html.contains("県内の連絡") && !html.contains("県内の依頼"));
    let _ = iwate;
}

#[tokio::test]
async fn the_to_do_list_needs_a_signed_in_person() {
    let app = TestApp::spawn().await;
    let r = bare_client()
        .get(format!("{}/api/v1/to-do", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (reqwest::StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
}
