//! A network's programme and its versioned pledge (issue 17: the programme's name and age
//! band are data of each prefectural network; the pledge is versioned and asked again when
//! it changes): who reads and who edits (the isolation matrix: the secretariat, a
//! municipal member, an economic organisation, another network), a new version asked of
//! everyone in the network and no one else, the page form accepting only the versions it
//! showed, hostile input.

use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

use std::time::Duration;

use crate::helpers::*;
use crate::revocation::{ends_within, open_stream, ENDS_WITHIN};

const COORDINATOR: &str = "coordinator@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";

fn programme_path(platform: impl std::fmt::Display) -> String {
    format!("/api/v1/platforms/{platform}/programme")
}

fn pledges_path(platform: impl std::fmt::Display) -> String {
    format!("/api/v1/platforms/{platform}/pledges")
}

async fn put(user: &User, path: &str, body: &Value) -> Response {
    user.request(reqwest::Method::PUT, path)
        .json(body)
        .send()
        .await
        .expect("PUT")
}

fn revised() -> Value {
    json!({
        "intro": "中高年世代活躍応援プロジェクト設置要領 6「秘密の保持」に基づき、次の事項に同意してください。",
        "clauses": [
            "職務上知り得た秘密を漏らしません。退任後も同様とします。",
            "支援対象者の個人情報を入力しません。",
        ],
        "note": "令和8年度からの事業名変更に伴う改訂",
    })
}

#[tokio::test]
async fn every_member_of_the_network_reads_the_programme_and_only_its_secretariat_edits_it() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city_platform = app.platform_id("aomori-city").await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let outsider = app.sign_in(IWATE_COORDINATOR).await;

    // The demo's programme and its first pledge, as the secretariat sees them.
    let page = coordinator.get_json(&programme_path(aomori)).await;
    assert_eq!(
        page["programme"]["programme_name"],
        "就職氷河期世代活躍支援"
    );
    assert_eq!(page["programme"]["target_age_min"], 35);
    assert_eq!(page["programme"]["target_age_max"], 54);
    assert_eq!(page["can_edit"], true);
    assert_eq!(page["pledges"].as_array().unwrap().len(), 1);
    assert_eq!(page["pledges"][0]["version"], 1);

    let renamed = put(
        &coordinator,
        &programme_path(aomori),
        &json!({"programme_name": "中高年世代活躍応援", "target_age_min": 35, "target_age_max": 59}),
    )
    .await;
    assert_eq!(renamed.status(), StatusCode::OK);

    // A municipal platform's member reads its prefecture's programme, through its own
    // platform too, and cannot change it.
    for platform in [aomori, aomori_city_platform] {
        let page = city.get_json(&programme_path(platform)).await;
        assert_eq!(page["programme"]["programme_name"], "中高年世代活躍応援");
        assert_eq!(page["programme"]["target_age_max"], 59);
        assert_eq!(page["network"]["id"], aomori.to_string());
        assert_eq!(page["can_edit"], false);
    }
    for user in [&city, &keieisha] {
        let r = put(
            user,
            &programme_path(aomori),
            &json!({"programme_name": "乗っ取り"}),
        )
        .await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "forbidden".into())
        );
        let r = user.post(&pledges_path(aomori), &revised()).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "forbidden".into())
        );
    }
    // Another network sees nothing of it, and its programme is its own.
    assert_eq!(
        outsider.get(&programme_path(aomori)).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = put(
        &outsider,
        &programme_path(aomori),
        &json!({"programme_name": "乗っ取り"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = outsider.post(&pledges_path(aomori), &revised()).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let own = outsider.get_json(&programme_path(iwate.platform_id)).await;
    assert_eq!(own["programme"]["programme_name"], "");
    assert!(own["pledges"].as_array().unwrap().is_empty());
    assert_eq!(
        coordinator
            .get(&programme_path(iwate.platform_id))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The home page names it.
    let html = city.get("/p/aomori-city").await.text().await.unwrap();
    assert!(
        html.contains("中高年世代活躍応援"),
        "the home page names the programme"
    );
    assert!(!html.contains("就職氷河期世代活躍支援</"));
    let html = outsider.get("/p/iwate").await.text().await.unwrap();
    assert!(
        !html.contains("中高年世代活躍応援"),
        "another network's home is its own"
    );
}

#[tokio::test]
async fn a_new_pledge_version_is_asked_of_everyone_in_the_network_and_of_no_one_else() {
    let app = TestApp::spawn().await;
    app.add_iwate_network().await;
    let aomori = app.platform_id("aomori").await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let outsider = app.sign_in(IWATE_COORDINATOR).await;
    let first = coordinator.get_json(&programme_path(aomori)).await["pledges"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut city_stream = open_stream(&city).await;
    let mut outsider_stream = open_stream(&outsider).await;

    let r = coordinator.post(&pledges_path(aomori), &revised()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let second: Value = r.json().await.unwrap();
    assert_eq!(second["version"], 2);
    assert_eq!(second["clauses"].as_array().unwrap().len(), 2);

    // Everyone of the network, the secretary who saved it included, owes the new version.
    for user in [&coordinator, &city] {
        let r = user.get("/api/v1/threads").await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "pledge_required".into())
        );
        let me = user.get_json("/api/v1/me").await;
        assert_eq!(me["pledge"]["accepted"], false);
        assert_eq!(me["pledge"]["due"][0]["version"], 2);
        assert_eq!(
            me["pledge"]["due"][0]["note"],
            "令和8年度からの事業名変更に伴う改訂"
        );
    }
    // Another network's people are not asked.
    assert_eq!(
        outsider.get("/api/v1/threads").await.status(),
        StatusCode::OK
    );
    assert!(
        !ends_within(&mut outsider_stream, Duration::from_millis(500)).await,
        "another network's live updates go on"
    );
    // The network's open live updates ended: nothing more reaches them until they accept.
    assert!(ends_within(&mut city_stream, ENDS_WITHIN).await);
    let r = city.get("/api/v1/events").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "pledge_required".into())
    );

    // Accepting what one saw before (the old version) does not accept the new one.
    let r = city
        .post("/api/v1/me/pledge", &json!({"pledges": [first]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let pledge: Value = r.json().await.unwrap();
    assert_eq!(pledge["accepted"], false);
    assert_eq!(
        city.get("/api/v1/threads").await.status(),
        StatusCode::FORBIDDEN
    );
    // Accepting the version shown does.
    let r = city
        .post("/api/v1/me/pledge", &json!({"pledges": [second["id"]]}))
        .await;
    let pledge: Value = r.json().await.unwrap();
    assert_eq!(pledge["accepted"], true, "{pledge}");
    assert_eq!(city.get("/api/v1/threads").await.status(), StatusCode::OK);
    // Once more changes nothing.
    let r = city
        .post("/api/v1/me/pledge", &json!({"pledges": [second["id"]]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Every version stays readable, newest first.
    let page = city.get_json(&programme_path(aomori)).await;
    let versions: Vec<i64> = page["pledges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
}

/// A client signed in through the form, with its CSRF token.
async fn form_client(app: &TestApp, email: &str) -> (Client, String) {
    let user = app.sign_in_without_pledge(email).await;
    (user.client, user.csrf)
}

/// The pledge ids the pledge page's form carries.
fn shown_pledges(html: &str) -> Vec<String> {
    html.split(r#"name="pledge" value=""#)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_pledge_form_accepts_the_versions_it_showed_and_no_other() {
    let app = TestApp::spawn().await;
    let aomori = app.platform_id("aomori").await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (client, csrf) = form_client(&app, AOMORI_CITY).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url("/auth/pledge");
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };

    // The page shows the network's own pledge (its stored version, not the built-in one).
    let html = client
        .get(app.url("/pledge"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("あおもり就職氷河期世代活躍支援プラットフォーム設置要領"),
        "{html}"
    );
    let shown = shown_pledges(&html);
    assert_eq!(shown.len(), 1, "{html}");

    // The secretariat revises it while the page is open: accepting what was shown is
    // not accepting the new text, so the form comes back with it.
    let r = coordinator.post(&pledges_path(aomori), &revised()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = post(vec![
        ("csrf_token", csrf.clone()),
        ("agree", "yes".into()),
        ("pledge", shown[0].clone()),
    ])
    .await;
    assert_see_other(&r, "/pledge");
    let html = client
        .get(app.url("/pledge"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("中高年世代活躍応援プロジェクト設置要領"),
        "{html}"
    );
    assert!(
        html.contains("令和8年度からの事業名変更に伴う改訂"),
        "the note is shown"
    );
    let shown = shown_pledges(&html);
    assert_eq!(shown.len(), 1);

    // A forged id (another version, or none of the network's) accepts nothing.
    let r = post(vec![
        ("csrf_token", csrf.clone()),
        ("agree", "yes".into()),
        ("pledge", uuid::Uuid::new_v4().to_string()),
    ])
    .await;
    assert_see_other(&r, "/pledge");

    let r = post(vec![
        ("csrf_token", csrf.clone()),
        ("agree", "yes".into()),
        ("pledge", shown[0].clone()),
    ])
    .await;
    assert_see_other(&r, "/");
    let r = client.get(app.url("/p/aomori-city")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn hostile_programme_and_pledge_input_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let aomori = app.platform_id("aomori").await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let path = programme_path(aomori);

    for (body, code) in [
        (
            json!({"programme_name": "事業", "target_age_min": 14}),
            "invalid_age_band",
        ),
        (
            json!({"programme_name": "事業", "target_age_max": 100}),
            "invalid_age_band",
        ),
        (
            json!({"programme_name": "事業", "target_age_min": 60, "target_age_max": 35}),
            "invalid_age_band",
        ),
        (
            json!({"programme_name": "事業", "target_age_min": 300}),
            "invalid_field",
        ),
        (
            json!({"programme_name": "事業", "target_age_min": -1}),
            "invalid_field",
        ),
        (json!({"programme_name": ""}), "invalid_field"),
        (
            json!({"programme_name": "\u{3000}\u{3164}"}),
            "invalid_field",
        ),
        (json!({"programme_name": "事業\u{202e}名"}), "invalid_field"),
        (json!({"programme_name": "事業\u{200b}名"}), "invalid_field"),
        (json!({"programme_name": "事業\n名"}), "invalid_field"),
        (json!({"programme_name": "事".repeat(101)}), "invalid_field"),
        (
            json!({"programme_name": "担当 090-1234-5678"}),
            "personal_data",
        ),
    ] {
        let r = put(&coordinator, &path, &body).await;
        let (status, got) = error_code(r).await;
        assert_eq!(got, code, "{body}");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }

    let clause = |text: &str| json!({"intro": "同意してください。", "clauses": [text]});
    for (body, code) in [
        (
            json!({"intro": "同意してください。", "clauses": []}),
            "invalid_pledge",
        ),
        (
            json!({"intro": "同意してください。", "clauses": vec!["秘密を守ります。"; 11]}),
            "invalid_pledge",
        ),
        (
            json!({"intro": "", "clauses": ["秘密を守ります。"]}),
            "invalid_field",
        ),
        (
            json!({"intro": "あ".repeat(2_001), "clauses": ["秘密を守ります。"]}),
            "invalid_field",
        ),
        (clause(""), "invalid_field"),
        (clause(&"あ".repeat(501)), "invalid_field"),
        (clause("秘密を\u{202e}守ります。"), "invalid_field"),
        (clause("秘密を\u{0000}守ります。"), "invalid_field"),
        (clause("連絡は 090-1234-5678 へ"), "personal_data"),
        (
            json!({"intro": "同意してください。", "clauses": ["秘密を守ります。"], "note": "あ".repeat(501)}),
            "invalid_field",
        ),
    ] {
        let r = coordinator.post(&pledges_path(aomori), &body).await;
        let (status, got) = error_code(r).await;
        assert_eq!(got, code, "{body}");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }

    // Nothing of it was saved, and nobody is asked to pledge again.
    let page = coordinator.get_json(&path).await;
    assert_eq!(
        page["programme"]["programme_name"],
        "就職氷河期世代活躍支援"
    );
    assert_eq!(page["pledges"].as_array().unwrap().len(), 1);
    assert_eq!(
        coordinator.get("/api/v1/threads").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_secretariat_edits_the_programme_through_the_page_without_javascript() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;

    let html = coordinator
        .get("/p/aomori/programme")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"action="/p/aomori/programme""#), "{html}");
    assert!(html.contains(r#"action="/p/aomori/pledges""#));
    let html = city.get("/p/aomori/programme").await.text().await.unwrap();
    assert!(
        !html.contains(r#"action="/p/aomori/programme""#),
        "a member only reads"
    );
    assert!(html.contains("就職氷河期世代活躍支援"));

    let form = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let client = coordinator.client.clone();
        let url = app.url(path);
        let csrf = coordinator.csrf.clone();
        async move {
            let mut fields = fields;
            fields.push(("csrf_token", csrf));
            client.post(url).form(&fields).send().await.unwrap()
        }
    };
    let r = form(
        "/p/aomori/programme",
        vec![
            ("programme_name", "中高年世代活躍応援".into()),
            ("target_age_min", "35".into()),
            ("target_age_max", "59歳".into()),
        ],
    )
    .await;
    assert_see_other(&r, "/p/aomori/programme?error=invalid_age_band");
    let r = form(
        "/p/aomori/programme",
        vec![
            ("programme_name", "中高年世代活躍応援".into()),
            ("target_age_min", "35".into()),
            ("target_age_max", "59".into()),
        ],
    )
    .await;
    assert_see_other(&r, "/p/aomori/programme?saved=programme");
    // A member cannot post the forms.
    let r = city
        .client
        .post(app.url("/p/aomori/programme"))
        .form(&[("csrf_token", city.csrf.as_str()), ("programme_name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = city
        .client
        .post(app.url("/p/aomori/pledges"))
        .form(&[
            ("csrf_token", city.csrf.as_str()),
            ("intro", "x"),
            ("clauses", "y"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = form(
        "/p/aomori/pledges",
        vec![
            ("intro", "次の事項に同意してください。".into()),
            (
                "clauses",
                "秘密を漏らしません。\n\n個人情報を入力しません。".into(),
            ),
            ("note", "文言の整理".into()),
        ],
    )
    .await;
    assert_see_other(&r, "/pledge");
    let html = coordinator.get("/pledge").await.text().await.unwrap();
    assert!(html.contains("個人情報を入力しません。"));
    assert!(html.contains("文言の整理"));
    // Everyone of the network is asked again, the member too: the form leads there.
    let r = city
        .client
        .post(app.url("/p/aomori/programme"))
        .form(&[("csrf_token", city.csrf.as_str()), ("programme_name", "x")])
        .send()
        .await
        .unwrap();
    assert_see_other(&r, "/pledge");
}
