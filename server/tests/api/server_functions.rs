//! The pages' server functions (`/sfn/...`) answer refusals as the API does: its status
//! (400, 401, 403, 404, 422) and its body `{"error":{"code","message"}}`, never a 500.
//! Every server function is called with an invisible id, a malformed id, signed out and
//! unpledged.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const HIROSAKI: &str = "hirosaki@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const SHOKOKAI: &str = "shokokai@aomori.example";

/// Every server function that needs a signed-in, pledged person, with arguments that
/// are valid for Hirosaki's staff.
const SIGNED_IN: [&str; 24] = [
    "/sfn/platform_home?slug=hirosaki",
    "/sfn/invitations_page?slug=hirosaki",
    "/sfn/threads_page",
    "/sfn/thread_page?id=00000000-0000-4000-8000-000000000000",
    "/sfn/notifications_page",
    "/sfn/outreach_list_page",
    "/sfn/outreach_page?id=00000000-0000-4000-8000-000000000000",
    "/sfn/outreach_form_page",
    "/sfn/practices_page?params[0][0]=q&params[0][1]=x",
    "/sfn/practice_page?id=00000000-0000-4000-8000-000000000000",
    "/sfn/practice_form_page",
    "/sfn/users_page?slug=hirosaki",
    "/sfn/kpis_page",
    "/sfn/kpi_page?id=00000000-0000-4000-8000-000000000000",
    "/sfn/inquiries_page",
    "/sfn/inquiry_page?id=00000000-0000-4000-8000-000000000000",
    "/sfn/inquiry_form_page",
    "/sfn/plans_page",
    "/sfn/plan_page?id=00000000-0000-4000-8000-000000000000&revision=0",
    "/sfn/plan_compare_page?id=00000000-0000-4000-8000-000000000000&from=1&to=2",
    "/sfn/plan_form_page",
    "/sfn/proposals_page",
    "/sfn/proposal_page?id=00000000-0000-4000-8000-000000000000",
    "/sfn/programme_page?slug=hirosaki",
];

/// The status and code of a server function's answer, checking the API's error shape.
async fn refusal(response: reqwest::Response) -> (StatusCode, String) {
    let what = response.url().to_string();
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "{what}: a JSON error body"
    );
    error_code(response).await
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> reqwest::Response {
    client
        .get(app.url(path))
        .header("accept", "application/json")
        .send()
        .await
        .expect("GET")
}

#[tokio::test]
async fn signed_out_is_401_and_unpledged_is_403_on_every_server_function() {
    let app = TestApp::spawn().await;
    let anonymous = bare_client();
    let unpledged = app.sign_in_without_pledge(HIROSAKI).await;
    for path in SIGNED_IN {
        let got = refusal(get(&anonymous, &app, path).await).await;
        assert_eq!(
            got,
            (StatusCode::UNAUTHORIZED, "unauthenticated".into()),
            "{path} signed out"
        );
        let got = refusal(get(&unpledged.client, &app, path).await).await;
        assert_eq!(
            got,
            (StatusCode::FORBIDDEN, "pledge_required".into()),
            "{path} unpledged"
        );
    }
    // Who am I answers everyone (null when signed out).
    let r = get(&anonymous, &app, "/sfn/me").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), Value::Null);
}

#[tokio::test]
async fn invisible_and_malformed_ids_are_404_and_400() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let shokokai = app.sign_in(SHOKOKAI).await;

    // Records that exist but that someone may not see: Hachinohe's thread with the
    // prefecture (not Hirosaki), Hirosaki's draft request (not an economic organisation
    // it was never routed to) and Hachinohe's draft practice (not Hirosaki).
    let aomori = app.platform_id("aomori").await;
    let own = app.platform_id("hachinohe").await;
    let r = hachinohe
        .post(
            "/api/v1/threads",
            &json!({"subject": "県との調整", "platform_ids": [own, aomori], "body": "よろしくお願いします"}),
        )
        .await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let thread = body["id"].as_str().unwrap().to_string();
    let r = hirosaki
        .post(
            "/api/v1/outreach-requests",
            &json!({"kind": "connection", "title": "受け入れ先の相談", "deadline": "2099-03-31"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let request = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = hachinohe
        .post(
            "/api/v1/practices",
            &json!({"title": "下書きの取り組み", "summary": "まだ途中", "body": "本文",
                    "visibility": "platform", "status": "draft"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let practice = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let nowhere = uuid::Uuid::new_v4().to_string();
    let invisible: Vec<(&User, String)> = vec![
        (&hirosaki, format!("/sfn/thread_page?id={thread}")),
        (&hirosaki, format!("/sfn/thread_page?id={nowhere}")),
        (&shokokai, format!("/sfn/outreach_page?id={request}")),
        (&shokokai, format!("/sfn/outreach_form_page?id={request}")),
        (&hirosaki, format!("/sfn/outreach_page?id={nowhere}")),
        (&hirosaki, format!("/sfn/practice_page?id={practice}")),
        (&hirosaki, format!("/sfn/practice_form_page?id={practice}")),
        (&hirosaki, format!("/sfn/practice_page?id={nowhere}")),
        (&hirosaki, "/sfn/platform_home?slug=nowhere".to_string()),
        (&hirosaki, "/sfn/invitations_page?slug=nowhere".to_string()),
        (&hirosaki, "/sfn/programme_page?slug=nowhere".to_string()),
        (
            &hirosaki,
            "/sfn/invitation_preview?token=nothing".to_string(),
        ),
    ];
    for (user, path) in &invisible {
        let got = refusal(get(&user.client, &app, path).await).await;
        assert_eq!(got, (StatusCode::NOT_FOUND, "not_found".into()), "{path}");
    }
    // The same pages answer their own people.
    for (user, path) in [
        (&hachinohe, format!("/sfn/thread_page?id={thread}")),
        (&hirosaki, format!("/sfn/outreach_page?id={request}")),
        (&hachinohe, format!("/sfn/practice_page?id={practice}")),
    ] {
        let r = get(&user.client, &app, &path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }

    for path in [
        "/sfn/thread_page?id=not-a-uuid",
        "/sfn/thread_page",
        "/sfn/outreach_page?id=1",
        "/sfn/practice_page?id=zzz",
        "/sfn/practice_form_page?id=12345678-1234-1234-1234",
        "/sfn/platform_home",
        "/sfn/invitations_page",
        "/sfn/invitation_preview",
    ] {
        let got = refusal(get(&hirosaki.client, &app, path).await).await;
        assert_eq!(
            got,
            (StatusCode::BAD_REQUEST, "bad_request".into()),
            "{path}"
        );
    }
    // A control character never reaches a server function: the address check names it.
    let got = refusal(get(&hirosaki.client, &app, "/sfn/outreach_form_page?id=%00").await).await;
    assert_eq!(
        got,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".into())
    );
}

/// A page opened by the client's own navigation calls its server function with what the
/// browser has: for a list without filters that is no query string at all. Each must
/// answer 200 (the good-practice library once answered 400: its search pairs had no
/// default, which only the navigation from another page reached, since a direct load
/// renders on the server without the HTTP call).
#[tokio::test]
async fn a_list_opened_by_navigation_without_filters_is_answered() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    for path in [
        "/sfn/threads_page",
        "/sfn/notifications_page",
        "/sfn/outreach_list_page",
        "/sfn/outreach_form_page",
        "/sfn/practices_page",
        "/sfn/practice_form_page",
    ] {
        let r = get(&hirosaki.client, &app, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    // The library page with an empty search: a search result, not an error body.
    let bare: Value = get(&hirosaki.client, &app, "/sfn/practices_page")
        .await
        .json()
        .await
        .expect("JSON");
    assert!(bare["search"]["total"].as_u64().is_some(), "{bare}");
}

#[tokio::test]
async fn a_role_that_may_not_and_an_out_of_range_page_keep_the_apis_status() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    // Municipal staff may not list their platform's invitations (coordinators do).
    let r = get(
        &hirosaki.client,
        &app,
        "/sfn/invitations_page?slug=hirosaki",
    )
    .await;
    assert_eq!(
        refusal(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    // A library search deeper than the documented bound is the API's 422.
    let r = get(
        &hirosaki.client,
        &app,
        "/sfn/practices_page?params[0][0]=offset&params[0][1]=20000",
    )
    .await;
    assert_eq!(
        refusal(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "offset_too_large".into())
    );
}
