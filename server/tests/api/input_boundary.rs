//! The input boundary (issue 14 §1 and login CSRF of §5): every text a client sends — a
//! JSON string, a query parameter, a form field, a path segment, a multipart field or
//! file name — is refused with 422 `invalid_field` naming the field when it holds a
//! control, bidi or noncharacter, the same on SQLite and PostgreSQL, and nothing is
//! stored. Names people click refuse invisible format characters too; uploaded file
//! names are cleaned and take the extension of their content. Every query parameter has
//! a bound. Redirect targets stay on the site; the sign-in form needs its token.

use reqwest::header::CONTENT_DISPOSITION;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use server::seed::DEMO_PASSWORD;

use crate::helpers::*;
use crate::pages::{sign_in_form, sign_in_token};
use crate::threads::pdf_bytes;

const COORDINATOR: &str = "coordinator@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";

/// Characters no text may carry, as they would be typed into JSON (`\u` escapes, a
/// surrogate pair for the noncharacter beyond the first plane).
const BAD_JSON: &[(&str, char)] = &[
    ("\\u0000", '\u{0}'),
    ("\\u0007", '\u{7}'),
    ("\\u001b", '\u{1B}'),
    ("\\u007f", '\u{7F}'),
    ("\\u0085", '\u{85}'),
    ("\\u202e", '\u{202E}'),
    ("\\u2066", '\u{2066}'),
    ("\\ufdd0", '\u{FDD0}'),
    ("\\uffff", '\u{FFFF}'),
    ("\\ud83f\\udffe", '\u{1FFFE}'),
];

/// Percent-encoded forms of characters no address may carry.
const BAD_QUERY: &[&str] = &[
    "%00",
    "%07",
    "%09",
    "%0A",
    "%0D",
    "%1B",
    "%7F",
    "%C2%85",
    "%E2%80%AE",
    "%E2%81%A6",
    "%EF%B7%90",
    "%EF%BF%BF",
];

/// Sends a raw JSON text (so escapes reach the server exactly as typed).
async fn post_raw(
    client: &Client,
    url: String,
    csrf: Option<&str>,
    body: String,
) -> reqwest::Response {
    let mut r = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(csrf) = csrf {
        r = r.header("X-CSRF-Token", csrf);
    }
    r.send().await.expect("POST")
}

/// A 422 `invalid_field` whose message names `field`.
async fn assert_invalid_field(response: reqwest::Response, field: &str, what: &str) {
    let status = response.status();
    let body: Value = response.json().await.expect("an error body");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
    assert_eq!(body["error"]["code"], "invalid_field", "{what}: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("`{field}`")),
        "{what}: the message names `{field}`: {message}"
    );
}

#[tokio::test]
async fn control_characters_in_json_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let thread = coordinator
        .post(
            "/api/v1/threads",
            &json!({"subject": "日程調整", "platform_ids": [aomori], "body": "ご確認ください。"}),
        )
        .await;
    assert_eq!(thread.status(), StatusCode::CREATED);
    let thread: Value = thread.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap().to_string();
    let messages_before = coordinator
        .get_json(&format!("/api/v1/threads/{thread_id}/messages"))
        .await
        .as_array()
        .map(Vec::len);

    for (escape, c) in BAD_JSON {
        let what = format!("U+{:04X}", *c as u32);
        // Unauthenticated, before anything else is checked.
        let r = post_raw(
            &bare_client(),
            app.url("/api/v1/session"),
            None,
            format!(r#"{{"email":"a{escape}b@aomori.example","password":"x"}}"#),
        )
        .await;
        assert_invalid_field(r, "email", &format!("session email {what}")).await;

        let r = post_raw(
            &coordinator.client,
            app.url("/api/v1/threads"),
            Some(&coordinator.csrf),
            format!(r#"{{"subject":"件名{escape}","platform_ids":["{aomori}"],"body":"本文"}}"#),
        )
        .await;
        assert_invalid_field(r, "subject", &format!("thread subject {what}")).await;

        let r = post_raw(
            &coordinator.client,
            app.url(&format!("/api/v1/threads/{thread_id}/messages")),
            Some(&coordinator.csrf),
            format!(r#"{{"body":"本文{escape}です"}}"#),
        )
        .await;
        assert_invalid_field(r, "body", &format!("message body {what}")).await;

        let r = post_raw(
            &coordinator.client,
            app.url("/api/v1/practices"),
            Some(&coordinator.csrf),
            format!(
                r#"{{"title":"好事例{escape}","summary":"","body":"","target_groups":[],"tags":[],"area":"","period":"","results":[],"visibility":"platform","status":"draft"}}"#
            ),
        )
        .await;
        assert_invalid_field(r, "title", &format!("practice title {what}")).await;

        // A nested field, and a key, are named by their path.
        let r = post_raw(
            &coordinator.client,
            app.url("/api/v1/practices"),
            Some(&coordinator.csrf),
            format!(
                r#"{{"title":"好事例","summary":"","body":"","target_groups":[],"tags":[],"area":"","period":"","results":[{{"label":"就職","value":1,"unit":"名{escape}"}}],"visibility":"platform","status":"draft"}}"#
            ),
        )
        .await;
        assert_invalid_field(r, "results[0].unit", &format!("result unit {what}")).await;
    }

    // Nothing was stored: no thread but the first, no message, no practice.
    let threads = coordinator.get_json("/api/v1/threads").await;
    assert_eq!(threads.as_array().map(Vec::len), Some(1), "{threads}");
    let messages = coordinator
        .get_json(&format!("/api/v1/threads/{thread_id}/messages"))
        .await;
    assert_eq!(messages.as_array().map(Vec::len), messages_before);
    let practices = coordinator.get_json("/api/v1/practices").await;
    assert_eq!(practices["total"], 0, "{practices}");
    // Line breaks and tabs are fine in running text.
    let r = coordinator
        .post(
            &format!("/api/v1/threads/{thread_id}/messages"),
            &json!({"body": "一行目\n\t二行目\r\n"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn control_characters_in_addresses_are_refused() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    for bad in BAD_QUERY {
        for path in [
            format!("/api/v1/threads?q=a{bad}b"),
            format!("/api/v1/threads?state=open&q{bad}=x"),
            format!("/api/v1/practices?q=a{bad}b"),
            format!("/api/v1/practices?tag=a{bad}b"),
            format!("/api/v1/outreach-requests?state=a{bad}"),
            format!("/api/v1/threads/a{bad}b"),
            format!("/sfn/threads_page?q=a{bad}b"),
            format!("/sfn/practices_page?params[0][0]=q&params[0][1]=a{bad}b"),
            format!("/p/aomori{bad}/invitations"),
            format!("/lang/en?next=/{bad}/evil.example/"),
        ] {
            let r = coordinator.get(&path).await;
            let status = r.status();
            let body: Value = r.json().await.unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
            assert_eq!(body["error"]["code"], "invalid_field", "{path}: {body}");
        }
    }
    // Text that is only unusual passes.
    let r = coordinator
        .get("/api/v1/threads?q=%E5%B0%B1%E5%8A%B4+%EF%BC%AB%EF%BC%B0%EF%BC%A9")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn control_characters_in_forms_are_refused() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await.to_string();
    for c in ['\u{0}', '\u{1B}', '\u{7F}', '\u{202E}', '\u{FFFE}'] {
        let subject = format!("件名{c}");
        let r = coordinator
            .client
            .post(app.url("/threads"))
            .form(&[
                ("csrf_token", coordinator.csrf.as_str()),
                ("subject", subject.as_str()),
                ("platform_ids", aomori.as_str()),
                ("body", "本文"),
            ])
            .send()
            .await
            .unwrap();
        assert_invalid_field(r, "subject", &format!("page form subject {c:?}")).await;
        let r = coordinator
            .client
            .post(app.url("/practices"))
            .form(&[
                ("csrf_token", coordinator.csrf.as_str()),
                ("title", "題名"),
                ("body", &format!("本文{c}")),
            ])
            .send()
            .await
            .unwrap();
        assert_invalid_field(r, "body", &format!("practice form body {c:?}")).await;
        // The sign-in form, before anyone is signed in.
        let client = app.client();
        let email = format!("a{c}b@aomori.example");
        let r = sign_in_form(&app, &client, &[("email", &email), ("password", "x")]).await;
        assert_invalid_field(r, "email", &format!("sign-in email {c:?}")).await;
    }
    assert_eq!(
        coordinator
            .get_json("/api/v1/threads")
            .await
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    assert_eq!(coordinator.get_json("/api/v1/practices").await["total"], 0);
}

#[tokio::test]
async fn multipart_fields_are_checked_and_file_names_cleaned() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let thread: Value = coordinator
        .post(
            "/api/v1/threads",
            &json!({"subject": "請求書の件", "platform_ids": [aomori], "body": "添付します。"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let thread = thread["id"].as_str().unwrap().to_string();

    // A text field with a control character: refused, nothing kept.
    let (header, body) = multipart_form(
        &[("note", "a\u{0}b")],
        "file",
        "報告書.pdf",
        "application/pdf",
        &pdf_bytes(),
    );
    let r = coordinator
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/threads/{thread}/attachments"),
        )
        .header(reqwest::header::CONTENT_TYPE, header)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_invalid_field(r, "note", "a multipart text field").await;

    // The file name is the browser's: cleaned, and its extension follows the content.
    let r = coordinator
        .upload(
            &format!("/api/v1/threads/{thread}/attachments"),
            "請求書\u{202E}fdp.exe",
            "application/pdf",
            &pdf_bytes(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let kept: Value = r.json().await.unwrap();
    assert_eq!(kept["filename"], "請求書fdp.exe.pdf", "{kept}");
    for sent in ["\u{200B}報告\u{FEFF}書\u{200E}.pdf", "報告書\u{2066}.pdf"] {
        let r = coordinator
            .upload(
                &format!("/api/v1/threads/{thread}/attachments"),
                sent,
                "application/pdf",
                &pdf_bytes(),
            )
            .await;
        let kept: Value = r.json().await.unwrap();
        assert_eq!(kept["filename"], "報告書.pdf", "{sent:?}: {kept}");
    }
    let id = kept["id"].as_str().unwrap();
    let r = coordinator.get(&format!("/api/v1/attachments/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r
        .headers()
        .get(CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(disposition.ends_with(".pdf"), "{disposition}");
    assert!(!disposition.contains("%E2%80%AE"), "{disposition}");
    let listed = coordinator
        .get_json(&format!("/api/v1/threads/{thread}"))
        .await;
    assert!(!listed.to_string().contains('\u{202E}'), "{listed}");
}

#[tokio::test]
async fn names_refuse_invisible_characters() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let staff = app.sign_in(HACHINOHE).await;
    let aomori = app.platform_id("aomori").await;
    for c in [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{200E}', '\u{200F}',
        '\u{061C}', '\n', '\t', '\u{2028}',
    ] {
        let what = format!("U+{:04X}", c as u32);
        let r = coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": format!("日程{c}調整"), "platform_ids": [aomori], "body": "本文"}),
            )
            .await;
        assert_invalid_field(r, "subject", &format!("subject {what}")).await;
        let r = staff
            .post(
                "/api/v1/practices",
                &json!({"title": format!("好事例{c}"), "summary": "", "body": "", "target_groups": [],
                    "tags": [], "area": "", "period": "", "results": [], "visibility": "platform", "status": "draft"}),
            )
            .await;
        assert_invalid_field(r, "title", &format!("practice title {what}")).await;
        let r = staff
            .post(
                "/api/v1/practices",
                &json!({"title": "好事例", "summary": "", "body": "", "target_groups": [],
                    "tags": [format!("農{c}業")], "area": "", "period": "", "results": [], "visibility": "platform", "status": "draft"}),
            )
            .await;
        assert_invalid_field(r, "tags", &format!("practice tag {what}")).await;
    }
    // A person's name, on accepting an invitation.
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "new-person@aomori.example",
            "staff",
            "青森労働局",
        )
        .await;
    let r = bare_client()
        .post(app.url(&format!("/api/v1/invitations/{token}/accept")))
        .json(&json!({"display_name": "山田\u{200B}太郎", "password": "a-long-enough-password"}))
        .send()
        .await
        .unwrap();
    assert_invalid_field(r, "display_name", "display name with a zero-width space").await;
    assert_eq!(
        coordinator
            .get_json("/api/v1/threads")
            .await
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[tokio::test]
async fn every_query_parameter_is_bounded() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    for path in [
        format!("/api/v1/threads?q={}", "a".repeat(50_001)),
        format!("/api/v1/threads?q={}", "%25".repeat(2_000)),
        format!("/api/v1/threads?q={}", "就".repeat(201)),
        format!("/api/v1/practices?tag={}", "農".repeat(51)),
        format!("/api/v1/practices?area={}", "市".repeat(201)),
        "/api/v1/outreach-requests?per_page=201".to_string(),
        "/api/v1/outreach-requests?per_page=0".to_string(),
        "/api/v1/sync?limit=501".to_string(),
        "/api/v1/sync?limit=0".to_string(),
        format!("/lang/en?next=/{}", "a".repeat(2001)),
    ] {
        let r = coordinator.get(&path).await;
        let status = r.status();
        let body = r.text().await.unwrap();
        let short: String = path.chars().take(60).collect();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{short}: {body}");
        assert!(
            body.contains("invalid_query"),
            "{short}: {}",
            body.chars().take(300).collect::<String>()
        );
    }
    let r = coordinator
        .get(&format!("/api/v1/threads?q={}", "就".repeat(200)))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn redirect_targets_stay_on_the_site() {
    let app = TestApp::spawn().await;
    let client = bare_client();
    for (next, to) in [
        ("%2Fp%2Faomori%3Fx%3D1%23top", "/p/aomori?x=1#top"),
        ("%2F%5Cevil.example%2F", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example%2F", "/"),
        ("%2F..%2F..%2Fp%2Faomori", "/p/aomori"),
        ("javascript%3Aalert(1)", "/"),
    ] {
        let r = client
            .get(app.url(&format!("/lang/en?next={next}")))
            .send()
            .await
            .unwrap();
        assert_see_other(&r, to);
    }
    // Through the sign-in form, where a field may hold a tab or a line break.
    app.sign_in(COORDINATOR).await;
    for next in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\n/evil.example/",
        "\\/evil.example",
        "/\\evil.example",
        "https://evil.example/",
    ] {
        let client = app.client();
        let r = sign_in_form(
            &app,
            &client,
            &[
                ("email", COORDINATOR),
                ("password", DEMO_PASSWORD),
                ("next", next),
            ],
        )
        .await;
        assert_see_other(&r, "/");
    }
    // A failed sign-in keeps `next` only as the safe target, encoded.
    let client = app.client();
    let r = sign_in_form(
        &app,
        &client,
        &[
            ("email", COORDINATOR),
            ("password", "wrong"),
            ("next", "/\r\nSet-Cookie: a=b"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&r).starts_with("/sign-in?error=invalid&next="),
        "{}",
        location(&r)
    );
    // An invitation page address with characters no header may carry never fails.
    let r = client
        .post(app.url("/invitations/%E6%97%A5%E6%9C%AC"))
        .form(&[("display_name", "山田"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&r).starts_with("/invitations/%E6%97%A5%E6%9C%AC?error="),
        "{}",
        location(&r)
    );
}

#[tokio::test]
async fn sign_in_form_needs_its_token() {
    let app = TestApp::spawn().await;
    app.sign_in(COORDINATOR).await;
    // A cross-site post: no token, no session.
    let attacker = app.client();
    let r = attacker
        .post(app.url("/auth/sign-in"))
        .form(&[
            ("email", COORDINATOR),
            ("password", DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_see_other(&r, "/sign-in?error=expired&next=/");
    let me = attacker.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    // The token of another browser's session does not do either.
    let other = app.client();
    let token = sign_in_token(&app, &other).await;
    let victim = app.client();
    let _ = sign_in_token(&app, &victim).await;
    let r = victim
        .post(app.url("/auth/sign-in"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", COORDINATOR),
            ("password", DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_see_other(&r, "/sign-in?error=expired&next=/");
    let me = victim.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    // The page says what happened, in the person's language.
    let html = victim
        .get(app.url("/sign-in?error=expired"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("ページの有効期限が切れました"), "{html}");

    // With its own token, the form signs in (and the token is spent).
    let r = sign_in_form(
        &app,
        &victim,
        &[
            ("email", COORDINATOR),
            ("password", DEMO_PASSWORD),
            ("next", "/p/aomori"),
        ],
    )
    .await;
    assert_see_other(&r, "/p/aomori");
    let me = victim.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

/// Invisible in a name, each a way to make two names look alike or a name look blank:
/// zero-width space, BOM, soft hyphen, line separator, CR, LF, Unicode tag characters.
const INVISIBLE_IN_NAMES: &[char] = &[
    '\u{200B}',
    '\u{FEFF}',
    '\u{00AD}',
    '\u{2028}',
    '\r',
    '\n',
    '\u{E0001}',
    '\u{E0041}',
];

/// Names made of nothing a reader can see: Hangul fillers, the braille blank, spaces.
const BLANK_NAMES: &[&str] = &[
    "\u{3164}",
    "\u{3164}\u{3164}",
    "\u{2800}",
    "\u{115F}\u{1160}",
    "\u{FFA0}",
    " \u{3164}\u{3000}\u{2800} ",
];

const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";

fn outreach_draft(title: &str, area: &str) -> Value {
    json!({
        "kind": "placement_development",
        "title": title,
        "description": "週3日から働ける事務補助の受け入れ先を探しています。",
        "target_groups": ["long_term_unemployed"],
        "area": area,
        "profile": {"age_band": "45-49", "desired_work": "事務補助", "hours": "週20時間",
            "accommodations": [], "accommodations_note": "", "start": "令和9年6月", "people": 1},
        "deadline": "2099-03-31"
    })
}

#[tokio::test]
async fn outreach_areas_profiles_and_answer_companies_are_names() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let id = crate::outreach::routed(&app, "事務補助の受け入れ先").await;
    let draft: Value = hirosaki
        .post(
            "/api/v1/outreach-requests",
            &outreach_draft("下書き", "弘前市"),
        )
        .await
        .json()
        .await
        .unwrap();
    let draft_id = draft["id"].as_str().unwrap().to_string();
    let requests_before = hirosaki.get_json("/api/v1/outreach-requests").await["total"].clone();

    let mut names: Vec<String> = INVISIBLE_IN_NAMES
        .iter()
        .map(|c| format!("弘前{c}市"))
        .collect();
    names.extend(BLANK_NAMES.iter().map(|b| b.to_string()));
    for name in &names {
        let what = format!("{name:?}");
        let r = hirosaki
            .post("/api/v1/outreach-requests", &outreach_draft("題名", name))
            .await;
        assert_invalid_field(r, "area", &format!("area on create {what}")).await;
        let mut body = outreach_draft("題名", "弘前市");
        body["profile"]["hours"] = json!(name);
        let r = hirosaki.post("/api/v1/outreach-requests", &body).await;
        assert_invalid_field(r, "profile.hours", &format!("hours {what}")).await;
        let r = hirosaki
            .patch(
                &format!("/api/v1/outreach-requests/{draft_id}"),
                &json!({"area": name}),
            )
            .await;
        assert_invalid_field(r, "area", &format!("area on edit {what}")).await;
        // The drafting page sends the person back with the error.
        let r = hirosaki
            .client
            .post(app.url("/outreach"))
            .form(&[
                ("csrf_token", hirosaki.csrf.as_str()),
                ("kind", "placement_development"),
                ("title", "題名"),
                ("area", name.as_str()),
                ("people", "1"),
                ("deadline", "2099-03-31"),
            ])
            .send()
            .await
            .unwrap();
        assert_see_other(&r, "/outreach/new?error=invalid_field");
        for field in ["name", "sector", "area"] {
            let mut company =
                json!({"name": "株式会社あおもり", "sector": "製造業", "area": "弘前市"});
            company[field] = json!(name);
            let r = keieisha
                .post(
                    &format!("/api/v1/outreach-requests/{id}/responses"),
                    &json!({"body": "紹介できます。", "companies": [company]}),
                )
                .await;
            assert_invalid_field(
                r,
                &format!("companies[0].{field}"),
                &format!("company {field} {what}"),
            )
            .await;
        }
    }
    assert_eq!(
        hirosaki.get_json("/api/v1/outreach-requests").await["total"],
        requests_before
    );
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(seen["responses"].as_array().map(Vec::len), Some(0));
    let draft = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{draft_id}"))
        .await;
    assert_eq!(draft["area"], "弘前市");
}

#[tokio::test]
async fn names_without_a_visible_character_are_refused() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let staff = app.sign_in(HACHINOHE).await;
    let aomori = app.platform_id("aomori").await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "new-person@aomori.example",
            "staff",
            "青森労働局",
        )
        .await;
    let practice = |title: &str, tags: Vec<&str>, result_label: &str, period: &str| {
        json!({"title": title, "summary": "", "body": "", "target_groups": [],
            "tags": tags, "area": "", "period": period,
            "results": [{"label": result_label, "value": 1, "unit": "名"}],
            "visibility": "platform", "status": "draft"})
    };
    for blank in BLANK_NAMES {
        let what = format!("{blank:?}");
        let r = coordinator
            .post(
                "/api/v1/threads",
                &json!({"subject": blank, "platform_ids": [aomori], "body": "本文"}),
            )
            .await;
        assert_invalid_field(r, "subject", &format!("subject {what}")).await;
        let r = staff
            .post("/api/v1/practices", &practice(blank, vec![], "相談", ""))
            .await;
        assert_invalid_field(r, "title", &format!("practice title {what}")).await;
        let r = staff
            .post(
                "/api/v1/practices",
                &practice("好事例", vec![blank], "相談", ""),
            )
            .await;
        assert_invalid_field(r, "tags", &format!("tag {what}")).await;
        let r = staff
            .post("/api/v1/practices", &practice("好事例", vec![], blank, ""))
            .await;
        assert_invalid_field(r, "results[].label", &format!("result label {what}")).await;
        let r = staff
            .post(
                "/api/v1/practices",
                &practice("好事例", vec![], "相談", blank),
            )
            .await;
        assert_invalid_field(r, "period", &format!("period {what}")).await;
        let r = bare_client()
            .post(app.url(&format!("/api/v1/invitations/{token}/accept")))
            .json(&json!({"display_name": blank, "password": "a-long-enough-password"}))
            .send()
            .await
            .unwrap();
        assert_invalid_field(r, "display_name", &format!("display name {what}")).await;
    }
    let hirosaki = app.sign_in(HIROSAKI).await;
    for blank in BLANK_NAMES {
        let r = hirosaki
            .post(
                "/api/v1/outreach-requests",
                &outreach_draft(blank, "弘前市"),
            )
            .await;
        assert_invalid_field(r, "title", &format!("outreach title {blank:?}")).await;
    }
    // A name with something visible beside a filler is a name.
    let r = coordinator
        .post(
            "/api/v1/threads",
            &json!({"subject": "連絡\u{3164}調整", "platform_ids": [aomori], "body": "本文"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        coordinator
            .get_json("/api/v1/threads")
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(staff.get_json("/api/v1/practices").await["total"], 0);
}

#[tokio::test]
async fn email_addresses_refuse_invisible_characters_wherever_they_are_typed() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let platform = app.platform_id("aomori").await;
    let organisation = app.organisation_id("青森労働局").await;
    let path = format!("/api/v1/platforms/{platform}/invitations");
    for c in INVISIBLE_IN_NAMES
        .iter()
        .chain(&['\u{200C}', '\u{2060}', ' ', '\u{3000}'])
    {
        let what = format!("U+{:04X}", *c as u32);
        let email = format!("new{c}person@aomori.example");
        let r = coordinator
            .post(
                &path,
                &json!({"email": email, "role": "staff", "organisation_id": organisation}),
            )
            .await;
        assert_invalid_field(r, "email", &format!("invitation {what}")).await;
        // Signing in with a look-alike of a real address is refused, not "wrong password".
        let r = bare_client()
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": format!("coordinator{c}@aomori.example"), "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_invalid_field(r, "email", &format!("sign-in {what}")).await;
        // The invitations page says the address is not one.
        let r = coordinator
            .client
            .post(app.url("/p/aomori/invitations"))
            .form(&[
                ("csrf_token", coordinator.csrf.as_str()),
                ("email", email.as_str()),
                ("role", "staff"),
                ("organisation_id", organisation.to_string().as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_see_other(&r, "/p/aomori/invitations?error=invalid_email");
    }
    // Letters of another script that look like Latin ones are no address here either.
    let r = coordinator
        .post(
            &path,
            &json!({"email": "coordinаtor@aomori.example", "role": "staff", "organisation_id": organisation}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_email".into())
    );
    let list = coordinator.get_json(&path).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
}

#[tokio::test]
async fn json_that_reads_two_ways_is_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    // A key given twice: serde_json would keep the last silently.
    let r = post_raw(
        &coordinator.client,
        app.url("/api/v1/threads"),
        Some(&coordinator.csrf),
        format!(
            r#"{{"subject":"日程調整","platform_ids":["{aomori}"],"body":"本文","subject":"別件"}}"#
        ),
    )
    .await;
    assert_invalid_field(r, "subject", "a repeated subject").await;
    let r = post_raw(
        &coordinator.client,
        app.url("/api/v1/practices"),
        Some(&coordinator.csrf),
        r#"{"title":"好事例","summary":"","body":"","target_groups":[],"tags":[],"area":"","period":"",
            "results":[{"label":"相談","value":1,"unit":"件"},{"label":"就職","value":1,"value":2,"unit":"名"}],
            "visibility":"platform","status":"draft"}"#
            .to_string(),
    )
    .await;
    assert_invalid_field(r, "results[1].value", "a repeated nested key").await;
    // A lone surrogate escape is no character: 422 naming the field, not 400.
    for escape in ["\\ud800", "\\udfff", "\\ud83d\\u0041", "a\\udbff"] {
        let r = post_raw(
            &bare_client(),
            app.url("/api/v1/session"),
            None,
            format!(r#"{{"email":"{escape}@aomori.example","password":"x"}}"#),
        )
        .await;
        assert_invalid_field(r, "email", &format!("email {escape}")).await;
        let r = post_raw(
            &coordinator.client,
            app.url("/api/v1/threads"),
            Some(&coordinator.csrf),
            format!(r#"{{"subject":"件名","platform_ids":["{aomori}"],"body":"本{escape}文"}}"#),
        )
        .await;
        assert_invalid_field(r, "body", &format!("body {escape}")).await;
    }
    // A surrogate pair is a character, and JSON that is not JSON is still 400.
    let r = post_raw(
        &coordinator.client,
        app.url("/api/v1/threads"),
        Some(&coordinator.csrf),
        format!(r#"{{"subject":"件名\ud83d\ude00","platform_ids":["{aomori}"],"body":"本文"}}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = post_raw(
        &coordinator.client,
        app.url("/api/v1/threads"),
        Some(&coordinator.csrf),
        r#"{"subject":"#.to_string(),
    )
    .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    assert_eq!(
        coordinator
            .get_json("/api/v1/threads")
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(coordinator.get_json("/api/v1/practices").await["total"], 0);
}

#[tokio::test]
async fn addresses_that_are_not_utf8_are_refused_not_repaired() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    for (path, code) in [
        ("/api/v1/threads?q=%FF", "invalid_query"),
        ("/api/v1/threads?q=a%C3", "invalid_query"),
        ("/api/v1/practices?tag=%E5%B0", "invalid_query"),
        (
            "/api/v1/outreach-requests?state=open&q%FF=x",
            "invalid_query",
        ),
        ("/sfn/threads_page?q=%FF", "invalid_query"),
        ("/practices?q=%FF", "invalid_query"),
        ("/api/v1/threads/%FF", "invalid_field"),
        ("/p/aomori%FF/invitations", "invalid_field"),
    ] {
        let r = coordinator.get(path).await;
        let status = r.status();
        let body: Value = r.json().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(body["error"]["code"], code, "{path}: {body}");
    }
    // A real U+FFFD, sent as such, is text like any other.
    let r = coordinator.get("/api/v1/threads?q=%EF%BF%BD").await;
    assert_eq!(r.status(), StatusCode::OK);
}
