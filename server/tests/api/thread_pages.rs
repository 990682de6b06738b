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

/// Posts a page form as `user` (with their CSRF token unless `csrf` is false).
async fn post_form(
    app: &TestApp,
    user: &User,
    path: &str,
    fields: &[(&str, String)],
    csrf: bool,
) -> reqwest::Response {
    let mut all: Vec<(&str, String)> = fields.to_vec();
    if csrf {
        all.push(("csrf_token", user.csrf.clone()));
    }
    user.client
        .post(app.url(path))
        .form(&all)
        .send()
        .await
        .expect("form post")
}

#[tokio::test]
async fn organisations_join_from_the_form_and_managers_change_participants() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let city = app.sign_in("aomori-city@aomori.example").await;
    let hachinohe = app.sign_in("hachinohe@aomori.example").await;
    let keieisha = app.sign_in("keieisha@aomori.example").await;
    let aomori = app.platform_id("aomori").await.to_string();
    let aomori_city = app.platform_id("aomori-city").await.to_string();
    let hachinohe_platform = app.platform_id("hachinohe").await.to_string();
    let keieisha_org = app
        .organisation_id("一般社団法人 青森県経営者協会")
        .await
        .to_string();

    // The new-thread form offers the network's organisations.
    let (_, list) = html(&coordinator, "/threads").await;
    assert!(list.contains("参加する団体（任意）") && list.contains(&keieisha_org));
    let r = post_form(
        &app,
        &coordinator,
        "/threads",
        &[
            ("subject", "受け入れ企業の紹介".into()),
            ("platform_ids", aomori.clone()),
            ("platform_ids", aomori_city.clone()),
            ("organisation_ids", keieisha_org.clone()),
        ],
        true,
    )
    .await;
    let to = location(&r);
    let id = to.trim_start_matches("/threads/").to_string();
    let (status, _) = html(&keieisha, &to).await;
    assert_eq!(status, StatusCode::OK, "the organisation takes part");

    // Its manager sees the participants panel; a participant who is not one does not.
    let (_, page) = html(&coordinator, &to).await;
    assert!(page.contains("参加者の変更") && page.contains(&format!("/threads/{id}/participants")));
    let (_, page) = html(&keieisha, &to).await;
    assert!(!page.contains(&format!("/threads/{id}/participants")));

    let change = vec![
        ("platform_ids", aomori.clone()),
        ("platform_ids", hachinohe_platform.clone()),
    ];
    let path = format!("/threads/{id}/participants");
    let r = post_form(&app, &coordinator, &path, &change, false).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let r = post_form(&app, &keieisha, &path, &change, true).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "not a manager");
    let r = post_form(&app, &hachinohe, &path, &change, true).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not a participant yet");

    // 青森市 and the organisation out, 八戸市 in.
    let r = post_form(&app, &coordinator, &path, &change, true).await;
    assert_see_other(&r, &to);
    assert_eq!(html(&city, &to).await.0, StatusCode::NOT_FOUND);
    assert_eq!(html(&keieisha, &to).await.0, StatusCode::NOT_FOUND);
    assert_eq!(html(&hachinohe, &to).await.0, StatusCode::OK);

    // A refusal comes back to the page, translated.
    let r = post_form(&app, &coordinator, &path, &[], true).await;
    assert_see_other(&r, &format!("{to}?error=invalid_platform"));

    // Taking one's own platform out leaves the thread.
    let r = post_form(
        &app,
        &coordinator,
        &path,
        &[("platform_ids", hachinohe_platform.clone())],
        true,
    )
    .await;
    assert_see_other(&r, "/threads?notice=left_thread");
    let (_, list) = html(&coordinator, "/threads?notice=left_thread").await;
    assert!(list.contains("このスレッドは表示されなくなりました"));
    assert_eq!(html(&coordinator, &to).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn own_messages_are_edited_and_deleted_from_the_page() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let city = app.sign_in("aomori-city@aomori.example").await;
    let hachinohe = app.sign_in("hachinohe@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let thread = crate::threads::id_of(
        &crate::threads::create(
            &coordinator,
            json!({"subject": "説明会の資料", "platform_ids": [aomori, aomori_city]}),
        )
        .await,
    );
    let message = crate::threads::id_of(
        &crate::threads::post_message(&coordinator, &thread, "資料は金曜日に送ります。").await,
    );
    let to = format!("/threads/{thread}");

    // The author's page offers edit and delete; someone else's does not.
    let (_, page) = html(&coordinator, &to).await;
    assert!(page.contains(&format!("/messages/{message}/edit")));
    assert!(page.contains(&format!("/messages/{message}/delete")));
    let (_, page) = html(&city, &to).await;
    assert!(!page.contains(&format!("/messages/{message}/edit")));

    let edit = format!("/messages/{message}/edit");
    let fields = [("body", "資料は木曜日に送ります。".to_string())];
    assert_eq!(
        post_form(&app, &coordinator, &edit, &fields, false)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_form(&app, &city, &edit, &fields, true).await.status(),
        StatusCode::FORBIDDEN,
        "only the author edits"
    );
    assert_eq!(
        post_form(&app, &hachinohe, &edit, &fields, true)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = post_form(&app, &coordinator, &edit, &fields, true).await;
    assert_see_other(&r, &format!("{to}#message-{message}"));
    let listed = crate::threads::messages(&city, &thread).await;
    assert_eq!(listed[0]["body"], "資料は木曜日に送ります。");
    assert!(!listed[0]["edited_at"].is_null());
    let (_, page) = html(&city, &to).await;
    assert!(page.contains("資料は木曜日に送ります。") && page.contains("編集済み"));

    // After the window: refused, with the reason on the page, and no edit form offered.
    crate::threads::age_message(&app, &message, chrono::Duration::minutes(16)).await;
    let r = post_form(&app, &coordinator, &edit, &fields, true).await;
    assert_see_other(&r, &format!("{to}?error=edit_window_closed"));
    let (_, page) = html(&coordinator, &location(&r)).await;
    assert!(page.contains("投稿から15分を過ぎたメッセージは編集できません。"));
    assert!(!page.contains(&format!("/messages/{message}/edit")));

    // Delete: the author only; a tombstone stays.
    let delete = format!("/messages/{message}/delete");
    assert_eq!(
        post_form(&app, &city, &delete, &[], true).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = post_form(&app, &coordinator, &delete, &[], true).await;
    assert_see_other(&r, &format!("{to}#message-{message}"));
    let listed = crate::threads::messages(&city, &thread).await;
    assert_eq!(listed[0]["deleted"], true);
    let (_, page) = html(&city, &to).await;
    assert!(page.contains("このメッセージは削除されました"));
    assert!(!page.contains("資料は木曜日に送ります。"));
}

#[tokio::test]
async fn files_are_attached_from_the_page_and_refusals_say_why() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let city = app.sign_in("aomori-city@aomori.example").await;
    let hachinohe = app.sign_in("hachinohe@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let thread = crate::threads::id_of(
        &crate::threads::create(
            &coordinator,
            json!({"subject": "求人票の共有", "platform_ids": [aomori, aomori_city]}),
        )
        .await,
    );
    let to = format!("/threads/{thread}");
    let path = format!("/threads/{thread}/attachments");
    let (_, since) = crate::sync::pull_all(&city, 0).await;
    let send = |user: &User, csrf: Option<String>, name: &str, bytes: Vec<u8>| {
        let fields: Vec<(&str, String)> = csrf.into_iter().map(|c| ("csrf_token", c)).collect();
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (header, body) = multipart_form(&borrowed, "file", name, "application/pdf", &bytes);
        let request = user
            .client
            .post(app.url(&path))
            .header(reqwest::header::CONTENT_TYPE, header)
            .body(body);
        async move { request.send().await.expect("upload") }
    };

    let (_, page) = html(&city, &to).await;
    assert!(page.contains("添付ファイル") && page.contains("添付ファイルはありません。"));
    assert!(page.contains(r#"enctype="multipart/form-data""#));

    let pdf = crate::threads::pdf_bytes();
    assert_eq!(
        send(&city, None, "求人票.pdf", pdf.clone()).await.status(),
        StatusCode::FORBIDDEN,
        "no CSRF token"
    );
    assert_eq!(
        send(
            &hachinohe,
            Some(hachinohe.csrf.clone()),
            "求人票.pdf",
            pdf.clone()
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let r = send(&city, Some(city.csrf.clone()), "求人票.pdf", pdf).await;
    assert_see_other(&r, &format!("{to}#attachments"));

    // Listed on the page and in the thread (live: the feed carries the thread again).
    let (_, page) = html(&coordinator, &to).await;
    assert!(page.contains("求人票.pdf"), "{page}");
    let thread_json = crate::threads::get_thread(&coordinator, &thread).await;
    let files = thread_json["attachments"].as_array().expect("attachments");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["filename"], "求人票.pdf");
    assert_eq!(
        files[0]["uploaded_by"]["email"],
        "aomori-city@aomori.example"
    );
    let (changes, _) = crate::sync::pull_all(&coordinator, since).await;
    assert!(changes.iter().any(|c| c["kind"] == "thread"
        && c["id"] == thread.as_str()
        && c["data"]["attachments"]
            .as_array()
            .is_some_and(|a| a.len() == 1)));

    // A program renamed .pdf is refused by content, and the page says why.
    let r = send(
        &city,
        Some(city.csrf.clone()),
        "invoice.pdf",
        crate::threads::elf_bytes(),
    )
    .await;
    assert_see_other(&r, &format!("{to}?error=file_executable"));
    let (_, page) = html(&city, &location(&r)).await;
    assert!(page.contains("実行ファイルは添付できません"));
    let r = send(
        &city,
        Some(city.csrf.clone()),
        "notes.pdf",
        "ただのテキスト".repeat(10).into_bytes(),
    )
    .await;
    assert_see_other(&r, &format!("{to}?error=file_type"));
    let thread_json = crate::threads::get_thread(&coordinator, &thread).await;
    assert_eq!(thread_json["attachments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_list_page_filters_by_platform_mine_and_mentions() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let city = app.sign_in("aomori-city@aomori.example").await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let hachinohe = app.platform_id("hachinohe").await;
    crate::threads::create(
        &coordinator,
        json!({"subject": "八戸市との調整", "platform_ids": [aomori, hachinohe]}),
    )
    .await;
    let with_city = crate::threads::id_of(
        &crate::threads::create(
            &city,
            json!({"subject": "青森市からの相談", "platform_ids": [aomori, aomori_city]}),
        )
        .await,
    );
    crate::threads::post_message(&city, &with_city, "@coordinator ご確認ください。").await;

    let (_, page) = html(&coordinator, &format!("/threads?platform={hachinohe}")).await;
    assert!(page.contains("八戸市との調整") && !page.contains("青森市からの相談"));
    let (_, page) = html(&coordinator, "/threads?mine=1").await;
    assert!(page.contains("八戸市との調整") && !page.contains("青森市からの相談"));
    let (_, page) = html(&coordinator, "/threads?mentions=1").await;
    assert!(!page.contains("八戸市との調整") && page.contains("青森市からの相談"));
    assert!(page.contains(r#"id="thread-mentions""#));
}
