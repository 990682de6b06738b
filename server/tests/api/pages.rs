//! The server-rendered pages and their plain form posts: sign-in, the pledge, language,
//! the platform home, invitations and sign-out. Redirects are 303 and not followed.

use chrono::Utc;
use chrono_tz::Asia::Tokyo;
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use server::seed::DEMO_PASSWORD;

use app::i18n::Lang;
use app::wareki::FiscalYear;

use crate::helpers::*;

const COORDINATOR: &str = "coordinator@aomori.example";

/// A page's HTML, after checking it is a 200 HTML page.
pub(crate) async fn page(response: Response) -> String {
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let html = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "a page: {html}");
    assert!(
        content_type.starts_with("text/html"),
        "HTML, got {content_type}"
    );
    html
}

async fn get(app: &TestApp, client: &Client, path: &str) -> Response {
    client.get(app.url(path)).send().await.unwrap()
}

async fn form(app: &TestApp, client: &Client, path: &str, fields: &[(&str, &str)]) -> Response {
    client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The CSRF token of the client's session, as the pages put it in their forms.
async fn csrf_of(app: &TestApp, client: &Client) -> String {
    let me: Value = get(app, client, "/api/v1/me").await.json().await.unwrap();
    me["csrf_token"].as_str().expect("signed in").to_string()
}

/// The sign-in page's hidden `csrf_token` for this client (its session is made by asking).
pub(crate) async fn sign_in_token(app: &TestApp, client: &Client) -> String {
    let html = page(get(app, client, "/sign-in").await).await;
    let start = html
        .find(r#"name="csrf_token" value=""#)
        .unwrap_or_else(|| panic!("the sign-in form carries a token: {html}"))
        + r#"name="csrf_token" value=""#.len();
    html[start..]
        .split('"')
        .next()
        .expect("the token's closing quote")
        .to_string()
}

/// Posts the sign-in form as the page does: with this client's `csrf_token`.
pub(crate) async fn sign_in_form(
    app: &TestApp,
    client: &Client,
    fields: &[(&str, &str)],
) -> Response {
    let token = sign_in_token(app, client).await;
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &token));
    form(app, client, "/auth/sign-in", &fields).await
}

/// Signs in through the sign-in form (no pledge accepted unless the user had).
async fn form_sign_in(app: &TestApp, email: &str, next: &str) -> (Client, Response) {
    let client = app.client();
    let r = sign_in_form(
        app,
        &client,
        &[
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("next", next),
        ],
    )
    .await;
    (client, r)
}

#[tokio::test]
async fn pages_send_strangers_to_sign_in() {
    let app = TestApp::spawn().await;
    let client = bare_client();
    assert_see_other(
        &get(&app, &client, "/p/aomori").await,
        "/sign-in?next=/p/aomori",
    );
    assert_see_other(
        &get(&app, &client, "/p/aomori/invitations?x=1").await,
        "/sign-in?next=/p/aomori/invitations%3Fx%3D1",
    );
    assert_see_other(
        &get(&app, &client, "/pledge").await,
        "/sign-in?next=/pledge",
    );
    assert_see_other(&get(&app, &client, "/").await, "/sign-in");
}

#[tokio::test]
async fn the_sign_in_page_is_japanese_by_default() {
    let app = TestApp::spawn().await;
    let html = page(get(&app, &bare_client(), "/sign-in").await).await;
    assert!(html.contains(r#"lang="ja""#), "{html}");
    assert!(html.contains("ログイン"));
    assert!(html.contains(r#"action="/auth/sign-in""#));
    assert!(html.contains(r#"name="password""#));
    assert!(!html.contains("Sign in"), "no English on the Japanese page");
}

#[tokio::test]
async fn the_sign_in_page_is_english_with_the_language_cookie() {
    let app = TestApp::spawn().await;
    let r = bare_client()
        .get(app.url("/sign-in"))
        .header(COOKIE, "kakehashi_lang=en")
        .send()
        .await
        .unwrap();
    let html = page(r).await;
    assert!(html.contains(r#"lang="en""#), "{html}");
    assert!(html.contains("Sign in"));
    assert!(
        !html.contains("ログイン"),
        "no Japanese on the English page"
    );
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_goes_back() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = get(&app, &client, "/lang/en?next=/sign-in").await;
    assert_see_other(&r, "/sign-in");
    let cookie = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kakehashi_lang="))
        .expect("the language cookie")
        .to_string();
    assert!(cookie.starts_with("kakehashi_lang=en;"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    // The cookie store now has it: the next page is English.
    let html = page(get(&app, &client, "/sign-in").await).await;
    assert!(html.contains(r#"lang="en""#));
    assert!(html.contains("Sign in"));

    // Back to Japanese; anything unknown is Japanese.
    let r = get(&app, &client, "/lang/fr?next=/sign-in").await;
    assert_see_other(&r, "/sign-in");
    let html = page(get(&app, &client, "/sign-in").await).await;
    assert!(html.contains(r#"lang="ja""#));

    // Only same-site paths: no open redirect.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let r = bare_client()
            .get(app.url("/lang/en"))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_see_other(&r, "/");
    }
    assert_see_other(&get(&app, &bare_client(), "/lang/en").await, "/");
}

#[tokio::test]
async fn form_sign_in_then_pledge_then_home() {
    let app = TestApp::spawn().await;
    let (client, r) = form_sign_in(&app, COORDINATOR, "/p/aomori").await;
    assert_see_other(&r, "/pledge");
    assert!(
        session_cookie(&r).is_some(),
        "the form sign-in sets the session cookie"
    );

    // Every page leads to the pledge until it is accepted.
    assert_see_other(&get(&app, &client, "/p/aomori").await, "/pledge");
    assert_see_other(&get(&app, &client, "/").await, "/pledge");

    let csrf = csrf_of(&app, &client).await;
    let html = page(get(&app, &client, "/pledge").await).await;
    assert!(html.contains("秘密の保持に関する誓約"), "{html}");
    assert!(html.contains(r#"action="/auth/pledge""#));
    assert!(html.contains(&csrf), "the form carries the CSRF token");
    // The network's own pledge (its first version), named in the form.
    let shown = html
        .split(r#"name="pledge" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form names the pledge version it shows")
        .to_string();

    // Without the token: refused, nothing recorded.
    let r = form(&app, &client, "/auth/pledge", &[("agree", "yes")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = form(
        &app,
        &client,
        "/auth/pledge",
        &[("csrf_token", "wrong"), ("agree", "yes")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Without ticking the box: back to the pledge with a message.
    let r = form(&app, &client, "/auth/pledge", &[("csrf_token", &csrf)]).await;
    assert_see_other(&r, "/pledge?error=must_agree");
    let html = page(get(&app, &client, "/pledge?error=must_agree").await).await;
    assert!(html.contains("同意のチェックを入れてください。"));
    assert_see_other(&get(&app, &client, "/p/aomori").await, "/pledge");

    let r = form(
        &app,
        &client,
        "/auth/pledge",
        &[("csrf_token", &csrf), ("agree", "yes"), ("pledge", &shown)],
    )
    .await;
    assert_see_other(&r, "/");
    assert_see_other(&get(&app, &client, "/").await, "/p/aomori");
    assert_see_other(&get(&app, &client, "/pledge").await, "/");
    let html = page(get(&app, &client, "/p/aomori").await).await;
    assert!(html.contains("青森労働局"));

    let me: Value = get(&app, &client, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["pledge"]["accepted"], true);
}

#[tokio::test]
async fn form_sign_in_failures_go_back_to_the_form() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = sign_in_form(
        &app,
        &client,
        &[
            ("email", COORDINATOR),
            ("password", "wrong-password"),
            ("next", "/p/aomori"),
        ],
    )
    .await;
    assert_see_other(&r, "/sign-in?error=invalid&next=/p/aomori");
    let html = page(get(&app, &client, "/sign-in?error=invalid&next=/p/aomori").await).await;
    assert!(html.contains("メールアドレスまたはパスワードが正しくありません。"));
    assert!(
        html.contains(r#"value="/p/aomori""#),
        "the form keeps where to go next"
    );
    let me = get(&app, &client, "/api/v1/me").await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    let r = sign_in_form(&app, &client, &[("email", COORDINATOR), ("password", "")]).await;
    assert_see_other(&r, "/sign-in?error=missing&next=/");
    let r = sign_in_form(&app, &client, &[("email", COORDINATOR)]).await;
    assert_see_other(&r, "/sign-in?error=missing&next=/");
}

#[tokio::test]
async fn form_sign_in_goes_only_to_same_site_paths() {
    let app = TestApp::spawn().await;
    // Accept the pledge once, so the form sign-in goes to `next`.
    app.sign_in(COORDINATOR).await;
    let (_, r) = form_sign_in(&app, COORDINATOR, "/p/aomori/invitations").await;
    assert_see_other(&r, "/p/aomori/invitations");
    for next in ["https://evil.example/", "//evil.example", ""] {
        let (_, r) = form_sign_in(&app, COORDINATOR, next).await;
        assert_see_other(&r, "/");
    }
}

#[tokio::test]
async fn form_sign_in_reports_the_rate_limit() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let mut last = String::new();
    for _ in 0..7 {
        let r = sign_in_form(
            &app,
            &client,
            &[("email", COORDINATOR), ("password", "guess"), ("next", "/")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        last = location(&r);
    }
    assert_eq!(last, "/sign-in?error=rate_limited&next=/");
    let html = page(get(&app, &client, &last).await).await;
    assert!(html.contains("ログインの試行が多すぎます"));
}

#[tokio::test]
async fn the_platform_home_shows_the_member_list() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    let html = page(user.get("/p/aomori").await).await;
    for text in [
        "あおもり就職氷河期世代活躍支援プラットフォーム",
        "都道府県プラットフォーム",
        "青森労働局",
        "一般社団法人 青森県経営者協会",
        "独立行政法人 高齢・障害・求職者雇用支援機構青森支部",
        "経済団体",
        "労働団体",
        "支援機関",
        "オブザーバー",
        "弘前市",
        "事務局（主担当）",
        "事務局（副担当）",
        "令和",
        "青森労働局 事務局（主担当）",
        r#"href="/p/aomori/invitations""#,
    ] {
        assert!(html.contains(text), "the page shows {text:?}");
    }
    let today = Utc::now().with_timezone(&Tokyo).date_naive();
    let fiscal_year = FiscalYear::of(today).label(Lang::Ja);
    assert!(
        html.contains(&fiscal_year),
        "the current fiscal year {fiscal_year}"
    );
    assert!(html.contains(r#"lang="ja""#));
}

#[tokio::test]
async fn the_platform_home_in_english() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    // The session cookie and the language cookie travel together from the cookie store.
    assert_see_other(&user.get("/lang/en?next=/p/aomori").await, "/p/aomori");
    let html = page(user.get("/p/aomori").await).await;
    assert!(html.contains(r#"lang="en""#));
    for text in [
        "Secretariat (lead)",
        "Observers",
        "Economic organisations",
        "FY",
        "青森労働局",
    ] {
        assert!(html.contains(text), "the page shows {text:?}");
    }
}

#[tokio::test]
async fn a_municipal_home_page_for_its_staff() {
    let app = TestApp::spawn().await;
    let user = app.sign_in("hachinohe@aomori.example").await;
    assert_see_other(&user.get("/").await, "/p/hachinohe");
    let html = page(user.get("/p/hachinohe").await).await;
    for text in [
        "八戸市 就職氷河期世代活躍支援プラットフォーム",
        "市町村プラットフォーム",
        "上位のプラットフォーム",
        "あおもり就職氷河期世代活躍支援プラットフォーム",
        "青森県 健康福祉部",
    ] {
        assert!(html.contains(text), "the page shows {text:?}");
    }
    assert!(
        !html.contains("/p/hachinohe/invitations"),
        "no invitations link for staff"
    );
    // The prefectural member list is shared with the network.
    let html = page(user.get("/p/aomori").await).await;
    assert!(html.contains("一般社団法人 青森県経営者協会"));
}

#[tokio::test]
async fn other_networks_and_unknown_slugs_are_not_found() {
    let app = TestApp::spawn().await;
    app.add_iwate_network().await;
    let user = app.sign_in(COORDINATOR).await;
    for path in [
        "/p/iwate",
        "/p/morioka",
        "/p/nonexistent",
        "/p/iwate/invitations",
    ] {
        let r = user.get(path).await;
        let status = r.status();
        let html = r.text().await.unwrap();
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "GET {path}: {status}"
        );
        assert!(
            html.contains("ページが見つかりません。"),
            "GET {path}: {html}"
        );
        for secret in IWATE_ORGANISATIONS
            .iter()
            .chain(&[IWATE_PLATFORM_NAME, MORIOKA_PLATFORM_NAME])
        {
            assert!(!html.contains(secret), "GET {path} shows {secret}");
        }
    }

    let outsider = app.sign_in(IWATE_COORDINATOR).await;
    let html = outsider.get("/p/aomori").await.text().await.unwrap();
    assert!(html.contains("ページが見つかりません。"));
    assert!(!html.contains("青森県経営者協会"));
    assert!(!html.contains("あおもり就職氷河期世代活躍支援プラットフォーム"));
    let html = page(outsider.get("/p/iwate").await).await;
    assert!(html.contains("岩手県経営者協会"));
}

#[tokio::test]
async fn the_invitations_page_is_for_coordinators() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let html = page(coordinator.get("/p/aomori/invitations").await).await;
    assert!(html.contains("招待"));
    assert!(html.contains("新しい利用者を招待"));
    assert!(html.contains(r#"action="/p/aomori/invitations""#));
    assert!(
        html.contains(&coordinator.csrf),
        "the form carries the CSRF token"
    );
    let org = app.organisation_id("青森県商工会連合会").await;
    assert!(
        html.contains(&format!(r#"value="{org}""#)),
        "member organisations to choose from"
    );
    assert!(html.contains("まだ招待はありません。"));

    let staff = app.sign_in("kenko-fukushi@aomori.example").await;
    let r = staff.get("/p/aomori/invitations").await;
    assert!(!r.status().is_server_error());
    let html = r.text().await.unwrap();
    assert!(html.contains("この操作を行う権限がありません。"), "{html}");
    assert!(!html.contains(r#"action="/p/aomori/invitations""#));
}

#[tokio::test]
async fn the_invitation_form_creates_a_link() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let org = app.organisation_id("青森県商工会連合会").await.to_string();
    let csrf = coordinator.csrf.clone();
    let client = &coordinator.client;

    let r = form(
        &app,
        client,
        "/p/aomori/invitations",
        &[
            ("csrf_token", &csrf),
            ("email", "form-invitee@aomori.example"),
            ("role", "staff"),
            ("organisation_id", &org),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    let token = to
        .strip_prefix("/p/aomori/invitations?created=")
        .unwrap_or_else(|| panic!("back to the list with the link: {to}"))
        .to_string();
    assert!(token.len() >= 20);

    let preview: Value = bare_client()
        .get(app.url(&format!("/api/v1/invitations/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(preview["email"], "form-invitee@aomori.example");
    assert_eq!(preview["organisation_name"], "青森県商工会連合会");
    assert_eq!(preview["role"], "staff");

    let html = page(coordinator.get(&to).await).await;
    assert!(
        html.contains(&format!("/invitations/{token}")),
        "the link is shown once"
    );
    assert!(html.contains("form-invitee@aomori.example"));
    assert!(html.contains("未使用"));

    // Bad input goes back with a message; nothing is created.
    let r = form(
        &app,
        client,
        "/p/aomori/invitations",
        &[
            ("csrf_token", &csrf),
            ("email", "not-an-email"),
            ("role", "staff"),
            ("organisation_id", &org),
        ],
    )
    .await;
    assert_see_other(&r, "/p/aomori/invitations?error=invalid_email");
    let html = page(
        coordinator
            .get("/p/aomori/invitations?error=invalid_email")
            .await,
    )
    .await;
    assert!(html.contains("メールアドレスの形式が正しくありません。"));
    for (role, organisation_id) in [
        ("admin", org.as_str()),
        ("king", org.as_str()),
        ("staff", "not-a-uuid"),
    ] {
        let r = form(
            &app,
            client,
            "/p/aomori/invitations",
            &[
                ("csrf_token", &csrf),
                ("email", "x@aomori.example"),
                ("role", role),
                ("organisation_id", organisation_id),
            ],
        )
        .await;
        assert_see_other(&r, "/p/aomori/invitations?error=failed");
    }
    // Without the CSRF token: refused.
    let r = form(
        &app,
        client,
        "/p/aomori/invitations",
        &[
            ("email", "y@aomori.example"),
            ("role", "staff"),
            ("organisation_id", &org),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let aomori = app.platform_id("aomori").await;
    let list = coordinator
        .get_json(&format!("/api/v1/platforms/{aomori}/invitations"))
        .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the valid invitation: {list}"
    );
}

#[tokio::test]
async fn staff_cannot_invite_through_the_form() {
    let app = TestApp::spawn().await;
    let staff = app.sign_in("kenko-fukushi@aomori.example").await;
    let org = app.organisation_id("青森県 健康福祉部").await.to_string();
    let r = form(
        &app,
        &staff.client,
        "/p/aomori/invitations",
        &[
            ("csrf_token", &staff.csrf),
            ("email", "x@aomori.example"),
            ("role", "coordinator"),
            ("organisation_id", &org),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let list = coordinator
        .get_json(&format!("/api/v1/platforms/{aomori}/invitations"))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_sign_out_form_ends_the_session() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;

    // Without the token nothing happens.
    let r = form(&app, &user.client, "/auth/sign-out", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(user.get("/api/v1/me").await.status(), StatusCode::OK);

    let r = form(
        &app,
        &user.client,
        "/auth/sign-out",
        &[("csrf_token", &user.csrf)],
    )
    .await;
    assert_see_other(&r, "/sign-in?notice=signed_out");
    // The browser drops the local store and outbox of the person who signed out.
    assert_eq!(
        r.headers().get("clear-site-data").map(|v| v.as_bytes()),
        Some(&b"\"storage\""[..])
    );
    assert_eq!(
        user.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_see_other(&user.get("/p/aomori").await, "/sign-in?next=/p/aomori");
    let html = page(user.get("/sign-in?notice=signed_out").await).await;
    assert!(html.contains("ログアウトしました。"));

    // Signing out again (already signed out) is harmless.
    let r = form(
        &app,
        &user.client,
        "/auth/sign-out",
        &[("csrf_token", &user.csrf)],
    )
    .await;
    assert_see_other(&r, "/sign-in?notice=signed_out");
}

#[tokio::test]
async fn the_invitation_page_registers_a_new_person() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "page-invitee@aomori.example",
            "staff",
            "青森県町村会",
        )
        .await;
    let path = format!("/invitations/{token}");
    let client = bare_client();

    let html = page(get(&app, &client, &path).await).await;
    for text in [
        "page-invitee@aomori.example",
        "あおもり就職氷河期世代活躍支援プラットフォーム",
        "青森県町村会",
        "担当職員",
        r#"name="display_name""#,
        r#"name="password_confirm""#,
    ] {
        assert!(html.contains(text), "the page shows {text:?}");
    }

    let r = form(
        &app,
        &client,
        &path,
        &[
            ("display_name", "町村会の担当"),
            ("password", "a-long-enough-password"),
            ("password_confirm", "a-different-password"),
        ],
    )
    .await;
    assert_see_other(&r, &format!("{path}?error=passwords_differ"));
    let html = page(get(&app, &client, &format!("{path}?error=passwords_differ")).await).await;
    assert!(html.contains("確認用のパスワードが一致しません。"));

    let r = form(
        &app,
        &client,
        &path,
        &[
            ("display_name", "町村会の担当"),
            ("password", "short"),
            ("password_confirm", "short"),
        ],
    )
    .await;
    assert_see_other(&r, &format!("{path}?error=password_too_short"));
    let r = form(
        &app,
        &client,
        &path,
        &[
            ("display_name", ""),
            ("password", "a-long-enough-password"),
            ("password_confirm", "a-long-enough-password"),
        ],
    )
    .await;
    assert_see_other(&r, &format!("{path}?error=display_name_missing"));

    let r = form(
        &app,
        &client,
        &path,
        &[
            ("display_name", "町村会の担当"),
            ("password", "a-long-enough-password"),
            ("password_confirm", "a-long-enough-password"),
        ],
    )
    .await;
    assert_see_other(&r, "/sign-in?notice=invited");
    let html = page(get(&app, &client, "/sign-in?notice=invited").await).await;
    assert!(html.contains("登録が完了しました。"));

    let r = app
        .post_session(
            &app.client(),
            "page-invitee@aomori.example",
            "a-long-enough-password",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Used: the page says so, and a second post goes nowhere.
    let r = get(&app, &client, &path).await;
    let status = r.status();
    let html = r.text().await.unwrap();
    assert!(!status.is_server_error());
    assert!(html.contains("この招待リンクは無効か、期限切れか、すでに使われています。"));
    assert!(!html.contains("page-invitee@aomori.example"));
    let r = form(
        &app,
        &client,
        &path,
        &[
            ("display_name", "別人"),
            ("password", "another-long-password"),
            ("password_confirm", "another-long-password"),
        ],
    )
    .await;
    assert_see_other(&r, &format!("{path}?error=invalid"));
}

#[tokio::test]
async fn the_invitation_page_for_an_existing_account() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "hirosaki@aomori.example",
            "observer",
            "弘前市",
        )
        .await;
    let path = format!("/invitations/{token}");
    let html = page(get(&app, &bare_client(), &path).await).await;
    assert!(html.contains("このメールアドレスは登録済みです。"));
    assert!(!html.contains(r#"name="password""#), "no password to set");

    let r = form(&app, &bare_client(), &path, &[]).await;
    assert_see_other(&r, "/sign-in?notice=invited");
    let user = app.sign_in("hirosaki@aomori.example").await;
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["platforms"][0]["slug"], "aomori");
    assert_eq!(me["platforms"][0]["roles"], serde_json::json!(["observer"]));
}

#[tokio::test]
async fn an_unknown_invitation_page_says_so() {
    let app = TestApp::spawn().await;
    let r = get(&app, &bare_client(), "/invitations/no-such-token").await;
    assert!(!r.status().is_server_error());
    let html = r.text().await.unwrap();
    assert!(html.contains("この招待リンクは無効か、期限切れか、すでに使われています。"));
    assert!(!html.contains(r#"name="password""#));
}

#[tokio::test]
async fn an_unknown_page_is_404() {
    let app = TestApp::spawn().await;
    let r = get(&app, &bare_client(), "/nonexistent-page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(html.contains("ページが見つかりません。"));

    let user = app.sign_in(COORDINATOR).await;
    let r = user.get("/nonexistent-page/deeper").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_signed_in_user_without_a_platform_has_no_home() {
    let app = TestApp::spawn().await;
    let org = app.organisation_id("青森県町村会").await;
    let hash = server::accounts::password::hash(DEMO_PASSWORD).unwrap();
    server::admin::add_user(&app.db, "norole@aomori.example", "役割なし", org, &hash)
        .await
        .unwrap();
    let user = app.sign_in("norole@aomori.example").await;
    let r = user.get("/").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = user.get("/p/aomori").await;
    assert!(!r.status().is_server_error());
    let html = r.text().await.unwrap();
    assert!(html.contains("ページが見つかりません。"));
    assert!(!html.contains("一般社団法人 青森県経営者協会"));
}
