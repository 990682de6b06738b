//! The liaison-thread pages: server-rendered, plain form posts, same isolation as the API.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn html(user: &User, path: &str) -> (StatusCode, String) {
    let r = user.get(path).await;
    let status = r.status();
    (status, r.text().await.expect("page text"))
}

#[tokio::test]
async fn a_thread_started_from_the_form_is_shown_to_participants_only() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let city = app.sign_in("aomori-city@aomori.example").await;
    let hachinohe = app.sign_in("hachinohe@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;

    let (status, list) = html(&coordinator, "/threads").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("連絡調整") && list.contains("スレッドを作成"),
        "{list}"
    );
    assert!(
        list.contains(&aomori_city.to_string()),
        "platforms to choose from"
    );

    let r = coordinator
        .client
        .post(app.url("/threads"))
        .form(&[
            ("csrf_token", coordinator.csrf.as_str()),
            ("subject", "就労支援の受け入れ調整"),
            ("platform_ids", &aomori.to_string()),
            ("platform_ids", &aomori_city.to_string()),
            (
                "body",
                "来週の打ち合わせについて https://example.jp/agenda をご覧ください。",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/threads/"), "{to}");

    let (status, page) = html(&city, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("就労支援の受け入れ調整"));
    assert!(
        page.contains(r#"href="https://example.jp/agenda""#),
        "links are clickable"
    );
    assert!(page.contains("既読"));

    // The composer posts a message and comes back to the thread.
    let r = city
        .client
        .post(app.url(&format!("{to}/messages")))
        .form(&[
            ("csrf_token", city.csrf.as_str()),
            ("body", "承知しました。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&to));
    let (_, page) = html(&coordinator, &to).await;
    assert!(page.contains("承知しました。"));

    // 八戸市 takes no part: not in its list, and the thread's page is not found.
    let (_, list) = html(&hachinohe, "/threads").await;
    assert!(!list.contains("就労支援の受け入れ調整"));
    let (status, page) = html(&hachinohe, &to).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("就労支援の受け入れ調整"));
    assert!(!page.contains("承知しました。"));

    // Search through the page's form (a two-character word).
    let (_, found) = html(&city, "/threads?q=%E5%B0%B1%E5%8A%B4").await;
    assert!(found.contains("就労支援の受け入れ調整"));
    let (_, none) = html(
        &city,
        "/threads?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84",
    )
    .await;
    assert!(!none.contains("就労支援の受け入れ調整"));
}

#[tokio::test]
async fn thread_forms_need_the_csrf_token_and_report_bad_input() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let r = coordinator
        .client
        .post(app.url("/threads"))
        .form(&[("subject", "x"), ("platform_ids", &aomori.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = coordinator
        .client
        .post(app.url("/threads"))
        .form(&[("csrf_token", coordinator.csrf.as_str()), ("subject", "  ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/threads?error=invalid_subject"));
    let (_, page) = html(&coordinator, &location(&r)).await;
    assert!(page.contains("件名を1〜200文字で入力してください。"));

    let thread: serde_json::Value = coordinator
        .post(
            "/api/v1/threads",
            &json!({"subject": "空の投稿", "platform_ids": [aomori]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = thread["id"].as_str().unwrap();
    let r = coordinator
        .client
        .post(app.url(&format!("/threads/{id}/messages")))
        .form(&[("csrf_token", coordinator.csrf.as_str()), ("body", "   ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).contains("error=invalid_body"));
}

#[tokio::test]
async fn the_state_form_resolves_with_a_note_and_reopens() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let city = app.sign_in("aomori-city@aomori.example").await;
    let outsider = app.sign_in("hachinohe@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let thread: serde_json::Value = coordinator
        .post(
            "/api/v1/threads",
            &json!({"subject": "会場の確保", "platform_ids": [aomori, aomori_city]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = thread["id"].as_str().unwrap().to_string();
    let path = format!("/threads/{id}/state");
    let post = |user: &User, fields: Vec<(&'static str, String)>| {
        let request = user.client.post(app.url(&path)).form(&fields);
        async move { request.send().await.unwrap() }
    };

    // The page offers it.
    let (_, page) = html(&city, &format!("/threads/{id}")).await;
    assert!(page.contains("対応状況") && page.contains("解決済みにする"));

    // Without the token, nothing; without a note, the reason.
    let r = post(&city, vec![("state", "resolved".into())]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(
        &city,
        vec![
            ("csrf_token", city.csrf.clone()),
            ("state", "resolved".into()),
        ],
    )
    .await;
    assert_see_other(&r, &format!("/threads/{id}?error=resolution_note_required"));
    let (_, page) = html(&city, &location(&r)).await;
    assert!(page.contains("解決内容を入力してください。"));

    // A participant resolves with a note; everyone taking part sees it.
    let fields = vec![
        ("csrf_token", city.csrf.clone()),
        ("state", "resolved".into()),
        ("resolution_note", "市民センターで確保済み".into()),
    ];
    let r = post(&city, fields.clone()).await;
    assert_see_other(&r, &format!("/threads/{id}"));
    let seen = coordinator.get_json(&format!("/api/v1/threads/{id}")).await;
    assert_eq!(seen["state"], "resolved");
    assert_eq!(seen["resolution_note"], "市民センターで確保済み");
    let (_, page) = html(&coordinator, &format!("/threads/{id}")).await;
    assert!(page.contains("市民センターで確保済み") && page.contains("再開する"));

    // Resolving twice does not fit the state.
    let r = post(&city, fields).await;
    assert_see_other(&r, &format!("/threads/{id}?error=invalid_transition"));

    // Someone not taking part gets nothing.
    let r = post(
        &outsider,
        vec![
            ("csrf_token", outsider.csrf.clone()),
            ("state", "reopened".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r = post(
        &coordinator,
        vec![
            ("csrf_token", coordinator.csrf.clone()),
            ("state", "reopened".into()),
        ],
    )
    .await;
    assert_see_other(&r, &format!("/threads/{id}"));
    let seen = city.get_json(&format!("/api/v1/threads/{id}")).await;
    assert_eq!(seen["state"], "reopened");
}
