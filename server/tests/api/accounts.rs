//! Sign-in, sessions, sign-in limits, CSRF, the confidentiality pledge and `/api/v1/me`.

use chrono::{DateTime, Utc};
use reqwest::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::seed::DEMO_PASSWORD;
use uuid::Uuid;

use crate::helpers::*;

const COORDINATOR: &str = "coordinator@aomori.example";

fn parse_time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a timestamp, got {value}"))
        .parse()
        .expect("an RFC 3339 timestamp")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get(RETRY_AFTER)
        .expect("a Retry-After header")
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("Retry-After in whole seconds")
}

#[tokio::test]
async fn sign_in_returns_the_user_a_csrf_token_and_a_session_cookie() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app.post_session(&client, COORDINATOR, DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);

    let cookie = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kakehashi_session="))
        .expect("the session cookie is set")
        .to_string();
    let lower = cookie.to_ascii_lowercase();
    assert!(lower.contains("httponly"), "HttpOnly: {cookie}");
    assert!(lower.contains("samesite=lax"), "SameSite=Lax: {cookie}");
    assert!(lower.contains("path=/"), "Path=/: {cookie}");
    assert!(
        !lower.contains("secure"),
        "not Secure over plain http: {cookie}"
    );
    assert!(session_cookie(&r).is_some_and(|v| v.len() >= 16));

    let body: Value = r.json().await.unwrap();
    assert_eq!(body["user"]["email"], COORDINATOR);
    assert_eq!(body["user"]["display_name"], "青森労働局 事務局（主担当）");
    let user_id: Uuid = body["user"]["id"].as_str().unwrap().parse().unwrap();
    let csrf = body["csrf_token"].as_str().expect("csrf_token");
    assert!(csrf.len() >= 16, "a long CSRF token: {csrf}");
    assert_eq!(body["pledge"]["accepted"], false);
    assert_eq!(body["pledge"]["accepted_at"], Value::Null);
    // What the pledge page will ask: the network's own pledge, its first version.
    assert_eq!(body["pledge"]["due"][0]["version"], 1);
    assert_eq!(
        body["pledge"]["due"][0]["clauses"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let text = body.to_string();
    assert!(
        !text.contains("argon2") && !text.contains("password"),
        "no secret in the answer: {text}"
    );

    // The cookie carries the session.
    let me = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["user"]["id"], user_id.to_string());
    assert_eq!(me["csrf_token"], csrf);
}

#[tokio::test]
async fn a_wrong_password_is_401_invalid_credentials() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app
        .post_session(&client, COORDINATOR, "kakehashi-dem0")
        .await;
    assert!(session_cookie(&r).is_none(), "no session for a failure");
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
    let me = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(
        error_code(me).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_as_a_wrong_password() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let wrong = app
        .post_session(&client, COORDINATOR, "not-the-password")
        .await;
    let unknown = app
        .post_session(&client, "nobody@aomori.example", "not-the-password")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let wrong: Value = wrong.json().await.unwrap();
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn the_email_is_case_insensitive_and_trimmed() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app
        .post_session(&client, "  Coordinator@AOMORI.Example ", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["user"]["email"], COORDINATOR);
}

#[tokio::test]
async fn the_password_is_case_sensitive() {
    let app = TestApp::spawn().await;
    let r = app
        .post_session(&app.client(), COORDINATOR, &DEMO_PASSWORD.to_uppercase())
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app.post_session(&client, COORDINATOR, DEMO_PASSWORD).await;
    let cookie = session_cookie(&r).expect("session cookie");
    let body: Value = r.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap();

    let r = client
        .delete(app.url("/api/v1/session"))
        .header("X-CSRF-Token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let me = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(
        error_code(me).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
    // The old cookie, replayed by hand, is worthless: the session is gone server-side.
    let replay = bare_client()
        .get(app.url("/api/v1/me"))
        .header(COOKIE, format!("kakehashi_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(replay).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
}

#[tokio::test]
async fn signing_in_again_replaces_the_session_id() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let first = app.post_session(&client, COORDINATOR, DEMO_PASSWORD).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first_cookie = session_cookie(&first).expect("first cookie");
    let second = app
        .post_session(&client, "hachinohe@aomori.example", DEMO_PASSWORD)
        .await;
    assert_eq!(second.status(), StatusCode::OK);
    let second_cookie = session_cookie(&second).expect("a new cookie on every sign-in");
    assert_ne!(first_cookie, second_cookie);

    let me: Value = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], "hachinohe@aomori.example");

    let replay = bare_client()
        .get(app.url("/api/v1/me"))
        .header(COOKIE, format!("kakehashi_session={first_cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(replay).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn_with(|c| {
        c.session_idle = std::time::Duration::from_secs(2);
    })
    .await;
    let client = app.client();
    let r = app.post_session(&client, COORDINATOR, DEMO_PASSWORD).await;
    let cookie = session_cookie(&r).expect("session cookie");
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    // Replayed by hand, so the client's own cookie expiry plays no part.
    let replay = bare_client()
        .get(app.url("/api/v1/me"))
        .header(COOKIE, format!("kakehashi_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(replay).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime() {
    let app = TestApp::spawn_with(|c| {
        c.session_absolute = std::time::Duration::from_secs(1);
    })
    .await;
    let user = app.sign_in(COORDINATOR).await;
    assert_eq!(user.get("/api/v1/me").await.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let r = user.get("/api/v1/me").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
    // Signing in again starts a new session.
    let again = app.sign_in(COORDINATOR).await;
    assert_eq!(again.get("/api/v1/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_a_session_the_api_answers_401_unauthenticated() {
    let app = TestApp::spawn().await;
    let client = bare_client();
    let aomori = app.platform_id("aomori").await;
    for path in [
        "/api/v1/me".to_string(),
        "/api/v1/platforms".to_string(),
        "/api/v1/organisations".to_string(),
        format!("/api/v1/platforms/{aomori}"),
        format!("/api/v1/platforms/{aomori}/members"),
        format!("/api/v1/platforms/{aomori}/invitations"),
    ] {
        let r = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNAUTHORIZED, "unauthenticated".into()),
            "GET {path}"
        );
    }
    let r = client
        .post(app.url("/api/v1/me/pledge"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
    let r = client
        .delete(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
}

#[tokio::test]
async fn failed_sign_ins_lock_the_account_with_retry_after() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..7 {
        let r = app.post_session(&client, COORDINATOR, "guess-guess").await;
        statuses.push(r.status());
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
        );
    }
    assert!(
        statuses.len() > 5,
        "the first 5 failures are answered 401: {statuses:?}"
    );
    let limited = limited.unwrap_or_else(|| panic!("429 within 7 attempts: {statuses:?}"));
    let wait = retry_after(&limited);
    assert!((1..=300).contains(&wait), "Retry-After {wait}");
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );

    // Blocked means blocked: even the right password is refused, and no session is made.
    let r = app.post_session(&client, COORDINATOR, DEMO_PASSWORD).await;
    assert!(session_cookie(&r).is_none());
    assert!(retry_after(&r) >= 1);
    assert_eq!(
        error_code(r).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    // The email's case does not get around the block.
    let r = app
        .post_session(&client, "COORDINATOR@aomori.example", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);

    // Another account from the same address is not affected.
    let r = app
        .post_session(&app.client(), "shoko-rodo@aomori.example", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn failures_across_accounts_from_one_address_are_limited() {
    let app = TestApp::spawn_with(|c| {
        c.sign_in_limits.address_burst = 3;
    })
    .await;
    let emails = [
        "coordinator@aomori.example",
        "shoko-rodo@aomori.example",
        "kenko-fukushi@aomori.example",
        "aomori-city@aomori.example",
        "hachinohe@aomori.example",
        "hirosaki@aomori.example",
    ];
    let mut statuses = Vec::new();
    let mut limited = None;
    for email in emails {
        let r = app
            .post_session(&app.client(), email, "wrong-password")
            .await;
        statuses.push(r.status());
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(statuses.len() > 3, "3 failures are allowed: {statuses:?}");
    let limited = limited.unwrap_or_else(|| panic!("429 from the address: {statuses:?}"));
    assert!(retry_after(&limited) >= 1);
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    // While the address is blocked, an account that never failed cannot sign in from it.
    let r = app
        .post_session(&app.client(), "keieisha@aomori.example", DEMO_PASSWORD)
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
}

#[tokio::test]
async fn successful_sign_ins_do_not_count_against_the_address() {
    let app = TestApp::spawn_with(|c| {
        c.sign_in_limits.address_burst = 3;
    })
    .await;
    let emails = [
        "coordinator@aomori.example",
        "shoko-rodo@aomori.example",
        "kenko-fukushi@aomori.example",
        "aomori-city@aomori.example",
        "hachinohe@aomori.example",
        "hirosaki@aomori.example",
        "keieisha@aomori.example",
        "shokokai@aomori.example",
        "coordinator@aomori.example",
        "hachinohe@aomori.example",
    ];
    for email in emails {
        let r = app.post_session(&app.client(), email, DEMO_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "sign in as {email}");
    }
    // The address still has its whole allowance of failures.
    for email in &emails[..3] {
        let r = app
            .post_session(&app.client(), email, "wrong-password")
            .await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into()),
            "failure for {email}"
        );
    }
}

/// Fails a sign-in for each email, claiming a different client address each time.
async fn fail_with_forwarded_addresses(app: &TestApp) -> Vec<StatusCode> {
    let emails = [
        "coordinator@aomori.example",
        "shoko-rodo@aomori.example",
        "kenko-fukushi@aomori.example",
        "aomori-city@aomori.example",
        "hachinohe@aomori.example",
        "hirosaki@aomori.example",
    ];
    let mut statuses = Vec::new();
    for (i, email) in emails.into_iter().enumerate() {
        let r = bare_client()
            .post(app.url("/api/v1/session"))
            .header("X-Forwarded-For", format!("198.51.100.{}", i + 1))
            .json(&json!({"email": email, "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        statuses.push(r.status());
    }
    statuses
}

#[tokio::test]
async fn a_forged_forwarded_for_does_not_escape_the_address_limit() {
    let app = TestApp::spawn_with(|c| {
        c.sign_in_limits.address_burst = 3;
        c.trust_proxy = false;
    })
    .await;
    let statuses = fail_with_forwarded_addresses(&app).await;
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "X-Forwarded-For is ignored without a trusted proxy: {statuses:?}"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit() {
    let app = TestApp::spawn_with(|c| {
        c.sign_in_limits.address_burst = 3;
        c.trust_proxy = true;
    })
    .await;
    let statuses = fail_with_forwarded_addresses(&app).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "six addresses, one failure each: {statuses:?}"
    );
    // The last entry (the one the proxy appended) is the address; earlier ones are the
    // client's word and do not count.
    let mut last = Vec::new();
    for i in 0..6 {
        let r = bare_client()
            .post(app.url("/api/v1/session"))
            .header("X-Forwarded-For", format!("203.0.113.{i}, 192.0.2.7"))
            .json(&json!({"email": "keieisha@aomori.example", "password": format!("guess-{i}")}))
            .send()
            .await
            .unwrap();
        last.push(r.status());
    }
    assert!(last.contains(&StatusCode::TOO_MANY_REQUESTS), "{last:?}");
}

#[tokio::test]
async fn a_disabled_user_is_signed_out_and_cannot_sign_in() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::entities::user;

    let app = TestApp::spawn().await;
    let signed_in = app.sign_in("hirosaki@aomori.example").await;
    assert_eq!(signed_in.get("/api/v1/me").await.status(), StatusCode::OK);
    user::Entity::update_many()
        .col_expr(user::Column::DisabledAt, Expr::value(Utc::now()))
        .filter(user::Column::Email.eq("hirosaki@aomori.example"))
        .exec(&app.db)
        .await
        .unwrap();
    let r = signed_in.get("/api/v1/platforms").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
    // The right password of a disabled account says so (it reveals nothing a wrong one
    // would: the caller already knows the password).
    let r = app
        .post_session(&app.client(), "hirosaki@aomori.example", DEMO_PASSWORD)
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "account_disabled".into())
    );
    let r = app
        .post_session(&app.client(), "hirosaki@aomori.example", "not-the-password")
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
}

#[tokio::test]
async fn unsafe_calls_without_the_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let user = app.sign_in_without_pledge(COORDINATOR).await;

    let missing = user
        .client
        .post(app.url("/api/v1/me/pledge"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(missing).await,
        (StatusCode::FORBIDDEN, "csrf".into())
    );
    let wrong = user
        .client
        .post(app.url("/api/v1/me/pledge"))
        .header("X-CSRF-Token", "0".repeat(user.csrf.len()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(wrong).await,
        (StatusCode::FORBIDDEN, "csrf".into())
    );
    let empty = user
        .client
        .post(app.url("/api/v1/me/pledge"))
        .header("X-CSRF-Token", "")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(empty).await,
        (StatusCode::FORBIDDEN, "csrf".into())
    );
    // Nothing was recorded.
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["pledge"]["accepted"], false);

    let sign_out = user
        .client
        .delete(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(sign_out).await,
        (StatusCode::FORBIDDEN, "csrf".into())
    );
    // Still signed in.
    assert_eq!(user.get("/api/v1/me").await.status(), StatusCode::OK);

    // With the token, both work.
    let r = user.post("/api/v1/me/pledge", &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = user.delete("/api/v1/session").await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        r.headers().get("clear-site-data").map(|v| v.as_bytes()),
        Some(&b"\"storage\""[..])
    );
}

#[tokio::test]
async fn creating_an_invitation_without_the_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let org = app.organisation_id("青森労働局").await;
    let path = format!("/api/v1/platforms/{aomori}/invitations");
    let body = json!({"email": "new@aomori.example", "role": "staff", "organisation_id": org});

    let missing = coordinator
        .client
        .post(app.url(&path))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(missing).await,
        (StatusCode::FORBIDDEN, "csrf".into())
    );
    let wrong = coordinator
        .client
        .post(app.url(&path))
        .header("X-CSRF-Token", "not-the-token")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(wrong).await,
        (StatusCode::FORBIDDEN, "csrf".into())
    );
    let list = coordinator.get_json(&path).await;
    assert_eq!(list, json!([]), "nothing was created");
}

#[tokio::test]
async fn another_sessions_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let a = app.sign_in_without_pledge(COORDINATOR).await;
    let b = app
        .sign_in_without_pledge("shoko-rodo@aomori.example")
        .await;
    assert_ne!(a.csrf, b.csrf);
    let r = a
        .client
        .request(Method::POST, app.url("/api/v1/me/pledge"))
        .header("X-CSRF-Token", &b.csrf)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r).await, (StatusCode::FORBIDDEN, "csrf".into()));
}

#[tokio::test]
async fn reads_need_no_csrf_token() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    for path in ["/api/v1/me", "/api/v1/platforms", "/api/v1/organisations"] {
        let r = user.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
    }
}

#[tokio::test]
async fn the_pledge_gates_the_tenant_api() {
    let app = TestApp::spawn().await;
    let user = app.sign_in_without_pledge("keieisha@aomori.example").await;
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["pledge"]["accepted"], false);
    assert_eq!(me["pledge"]["accepted_at"], Value::Null);
    assert_eq!(me["pledge"]["due"].as_array().unwrap().len(), 1);
    let aomori = app.platform_id("aomori").await;
    let gated = [
        "/api/v1/platforms".to_string(),
        "/api/v1/organisations".to_string(),
        format!("/api/v1/platforms/{aomori}"),
        format!("/api/v1/platforms/{aomori}/members"),
    ];
    for path in &gated {
        let r = user.get(path).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "pledge_required".into()),
            "GET {path}"
        );
    }

    let before = Utc::now();
    let r = user.post("/api/v1/me/pledge", &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let pledge: Value = r.json().await.unwrap();
    assert_eq!(pledge["accepted"], true);
    let at = parse_time(&pledge["accepted_at"]);
    assert!(
        at >= before - chrono::Duration::seconds(5)
            && at <= Utc::now() + chrono::Duration::seconds(5),
        "accepted_at is now: {at}"
    );

    for path in &gated {
        assert_eq!(user.get(path).await.status(), StatusCode::OK, "GET {path}");
    }
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["pledge"]["accepted"], true);
    assert_eq!(me["pledge"]["due"], json!([]));
    assert_eq!(parse_time(&me["pledge"]["accepted_at"]), at);
}

#[tokio::test]
async fn the_pledge_is_recorded_once_and_kept_across_sign_ins() {
    let app = TestApp::spawn().await;
    let user = app.sign_in_without_pledge(COORDINATOR).await;
    let first: Value = user
        .post("/api/v1/me/pledge", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let again = user.post("/api/v1/me/pledge", &json!({})).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        parse_time(&again["accepted_at"]),
        parse_time(&first["accepted_at"]),
        "accepting again keeps the first time"
    );

    let r = app
        .post_session(&app.client(), COORDINATOR, DEMO_PASSWORD)
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["pledge"]["accepted"], true);
    assert_eq!(
        parse_time(&body["pledge"]["accepted_at"]),
        parse_time(&first["accepted_at"])
    );
}

#[tokio::test]
async fn me_describes_a_staff_member_of_four_platforms() {
    let app = TestApp::spawn().await;
    let user = app.sign_in("kenko-fukushi@aomori.example").await;
    let me = user.get_json("/api/v1/me").await;

    assert_eq!(me["user"]["email"], "kenko-fukushi@aomori.example");
    assert_eq!(
        me["user"]["display_name"],
        "青森県健康福祉部 市町村連携担当"
    );
    assert!(me["user"]["id"].as_str().unwrap().parse::<Uuid>().is_ok());
    assert_eq!(me["csrf_token"], user.csrf);

    let prefecture = app.organisation_id("青森県").await;
    assert_eq!(
        me["organisation"],
        json!({
            "id": app.organisation_id("青森県 健康福祉部").await,
            "name": "青森県 健康福祉部",
            "category": "government",
            "parent_id": prefecture,
        })
    );

    let aomori = app.platform_id("aomori").await;
    let platforms = me["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 4, "{platforms:?}");
    assert_eq!(
        platforms[0]["slug"], "aomori",
        "the prefectural platform first"
    );
    assert_eq!(platforms[0]["kind"], "prefectural");
    assert_eq!(platforms[0]["parent_id"], Value::Null);
    let mut slugs: Vec<&str> = platforms
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["aomori", "aomori-city", "hachinohe", "hirosaki"]);
    for p in platforms {
        assert_eq!(p["roles"], json!(["staff"]), "{p}");
        assert_eq!(
            p["id"],
            app.platform_id(p["slug"].as_str().unwrap())
                .await
                .to_string()
        );
        assert!(p["name"]
            .as_str()
            .is_some_and(|n| n.contains("プラットフォーム")));
        if p["slug"] != "aomori" {
            assert_eq!(p["kind"], "municipal");
            assert_eq!(p["parent_id"], aomori.to_string());
        }
    }
}

#[tokio::test]
async fn me_describes_a_coordinator() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["organisation"]["name"], "青森労働局");
    assert_eq!(me["organisation"]["category"], "government");
    assert_eq!(me["organisation"]["parent_id"], Value::Null);
    assert_eq!(
        me["platforms"],
        json!([{
            "id": app.platform_id("aomori").await,
            "slug": "aomori",
            "name": "あおもり就職氷河期世代活躍支援プラットフォーム",
            "kind": "prefectural",
            "parent_id": null,
            "roles": ["coordinator"],
        }])
    );
    assert_eq!(me["pledge"]["accepted"], true);
}

#[tokio::test]
async fn me_describes_a_responder_and_a_municipal_staff_member() {
    let app = TestApp::spawn().await;
    let responder = app.sign_in("keieisha@aomori.example").await;
    let me = responder.get_json("/api/v1/me").await;
    assert_eq!(me["organisation"]["name"], "一般社団法人 青森県経営者協会");
    assert_eq!(me["organisation"]["category"], "economic");
    assert_eq!(me["platforms"].as_array().unwrap().len(), 1);
    assert_eq!(me["platforms"][0]["slug"], "aomori");
    assert_eq!(me["platforms"][0]["roles"], json!(["responder"]));

    let staff = app.sign_in("hachinohe@aomori.example").await;
    let me = staff.get_json("/api/v1/me").await;
    assert_eq!(me["organisation"]["name"], "八戸市");
    assert_eq!(me["platforms"].as_array().unwrap().len(), 1);
    assert_eq!(me["platforms"][0]["slug"], "hachinohe");
    assert_eq!(me["platforms"][0]["kind"], "municipal");
    assert_eq!(
        me["platforms"][0]["parent_id"],
        app.platform_id("aomori").await.to_string()
    );
    assert_eq!(me["platforms"][0]["roles"], json!(["staff"]));
}
