//! Invitations: who may invite, what is checked, the preview, and acceptance (once, all
//! or nothing, within 7 days; adding a role to an existing account).

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use server::entities::invitation;
use server::seed::DEMO_PASSWORD;
use uuid::Uuid;

use crate::helpers::*;

const COORDINATOR: &str = "coordinator@aomori.example";
const NEW_PASSWORD: &str = "a-long-enough-password";

fn parse_time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a timestamp, got {value}"))
        .parse()
        .expect("an RFC 3339 timestamp")
}

async fn preview(app: &TestApp, token: &str) -> reqwest::Response {
    bare_client()
        .get(app.url(&format!("/api/v1/invitations/{token}")))
        .send()
        .await
        .unwrap()
}

async fn accept(
    app: &TestApp,
    token: &str,
    display_name: &str,
    password: &str,
) -> reqwest::Response {
    bare_client()
        .post(app.url(&format!("/api/v1/invitations/{token}/accept")))
        .json(&json!({"display_name": display_name, "password": password}))
        .send()
        .await
        .unwrap()
}

fn invitations_path(platform_id: Uuid) -> String {
    format!("/api/v1/platforms/{platform_id}/invitations")
}

#[tokio::test]
async fn a_coordinator_invites_into_their_platform() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let org = app.organisation_id("青森県商工会連合会").await;

    let before = Utc::now();
    let r = coordinator
        .post(
            &invitations_path(aomori),
            &json!({"email": "  New.Person@Example.JP ", "role": "responder", "organisation_id": org}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    let inv = &body["invitation"];
    assert!(inv["id"].as_str().unwrap().parse::<Uuid>().is_ok());
    assert_eq!(inv["platform_id"], aomori.to_string());
    assert_eq!(inv["organisation_id"], org.to_string());
    assert_eq!(inv["organisation_name"], "青森県商工会連合会");
    assert_eq!(inv["email"], "new.person@example.jp", "stored normalised");
    assert_eq!(inv["role"], "responder");
    assert_eq!(inv["status"], "pending");
    let created_at = parse_time(&inv["created_at"]);
    assert!(
        created_at >= before - Duration::seconds(5)
            && created_at <= Utc::now() + Duration::seconds(5)
    );
    let expires_at = parse_time(&inv["expires_at"]);
    let valid_for = expires_at - created_at;
    assert!(
        (valid_for - Duration::days(7)).num_seconds().abs() <= 60,
        "valid for 7 days, got {valid_for}"
    );

    let path = body["accept_path"].as_str().unwrap();
    let token = path
        .strip_prefix("/invitations/")
        .expect("/invitations/TOKEN");
    assert!(token.len() >= 20, "a long token: {token}");
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "URL-safe token: {token}"
    );
    assert_eq!(body.as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn coordinators_list_their_platforms_invitations() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (first, first_token) = app
        .invite(
            &coordinator,
            "aomori",
            "one@aomori.example",
            "staff",
            "青森県",
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let (second, second_token) = app
        .invite(
            &coordinator,
            "aomori",
            "two@aomori.example",
            "coordinator",
            "青森県 商工労働部",
        )
        .await;

    let aomori = app.platform_id("aomori").await;
    let list = coordinator.get_json(&invitations_path(aomori)).await;
    assert_eq!(
        list,
        json!([second["invitation"], first["invitation"]]),
        "newest first"
    );
    let text = list.to_string();
    assert!(
        !text.contains(&first_token) && !text.contains(&second_token),
        "no tokens in the list"
    );

    // The other coordinator of the platform sees the same list.
    let deputy = app.sign_in("shoko-rodo@aomori.example").await;
    assert_eq!(deputy.get_json(&invitations_path(aomori)).await, list);

    // Coordinating Aomori gives no say over a municipal platform's invitations.
    let hachinohe = app.platform_id("hachinohe").await;
    let r = coordinator.get(&invitations_path(hachinohe)).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
}

#[tokio::test]
async fn staff_and_responders_may_not_invite() {
    let app = TestApp::spawn().await;
    let aomori = app.platform_id("aomori").await;
    let hachinohe = app.platform_id("hachinohe").await;
    let cases = [
        ("hachinohe@aomori.example", hachinohe, "八戸市"),
        ("kenko-fukushi@aomori.example", aomori, "青森県 健康福祉部"),
        (
            "kenko-fukushi@aomori.example",
            hachinohe,
            "青森県 健康福祉部",
        ),
        (
            "keieisha@aomori.example",
            aomori,
            "一般社団法人 青森県経営者協会",
        ),
        // A coordinator of the prefecture holds no role on the municipal platform.
        (COORDINATOR, hachinohe, "八戸市"),
    ];
    for (email, platform, org) in cases {
        let user = app.sign_in(email).await;
        let org = app.organisation_id(org).await;
        let r = user
            .post(
                &invitations_path(platform),
                &json!({"email": "someone@aomori.example", "role": "staff", "organisation_id": org}),
            )
            .await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "forbidden".into()),
            "{email} inviting"
        );
        let r = user.get(&invitations_path(platform)).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "forbidden".into()),
            "{email} listing"
        );
    }
    let coordinator = app.sign_in(COORDINATOR).await;
    assert_eq!(
        coordinator.get_json(&invitations_path(aomori)).await,
        json!([])
    );
}

#[tokio::test]
async fn another_network_gets_404() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let aomori = app.platform_id("aomori").await;
    let org = app.organisation_id("青森労働局").await;

    let outsider = app.sign_in(IWATE_COORDINATOR).await;
    let r = outsider
        .post(
            &invitations_path(aomori),
            &json!({"email": "spy@iwate.example", "role": "coordinator", "organisation_id": org}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let r = outsider.get(&invitations_path(aomori)).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );

    let coordinator = app.sign_in(COORDINATOR).await;
    let r = coordinator
        .post(
            &invitations_path(iwate.platform_id),
            &json!({"email": "x@aomori.example", "role": "staff", "organisation_id": iwate.organisation_ids[1]}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    assert_eq!(
        coordinator.get_json(&invitations_path(aomori)).await,
        json!([])
    );

    // The Iwate coordinator can invite into Iwate.
    let r = outsider
        .post(
            &invitations_path(iwate.platform_id),
            &json!({"email": "new@iwate.example", "role": "staff", "organisation_id": iwate.organisation_ids[0]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn invalid_invitations_are_422_and_create_nothing() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let path = invitations_path(aomori);
    let org = app.organisation_id("青森県").await;

    // A space inside an address is refused for its character, as every space and
    // invisible character in an address is (docs/security.md).
    let r = coordinator
        .post(
            &path,
            &json!({"email": "a b@example.jp", "role": "staff", "organisation_id": org}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".into())
    );
    for email in [
        "not-an-email",
        "someone@localhost",
        "",
        "@example.jp",
        "x@.example",
    ] {
        let r = coordinator
            .post(
                &path,
                &json!({"email": email, "role": "staff", "organisation_id": org}),
            )
            .await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_email".into()),
            "email {email:?}"
        );
    }
    let r = coordinator
        .post(
            &path,
            &json!({"email": "boss@aomori.example", "role": "admin", "organisation_id": org}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_role".into())
    );
    for organisation_id in [Uuid::new_v4(), iwate.organisation_ids[0]] {
        let r = coordinator
            .post(
                &path,
                &json!({"email": "x@aomori.example", "role": "staff", "organisation_id": organisation_id}),
            )
            .await;
        assert_eq!(
            error_code(r).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_organisation".into()
            ),
            "organisation {organisation_id}"
        );
    }
    for body in [
        json!({"email": "x@aomori.example", "role": "king", "organisation_id": org}),
        json!({"email": "x@aomori.example", "role": "Staff", "organisation_id": org}),
        json!({"email": "x@aomori.example", "role": "staff"}),
        json!({"email": "x@aomori.example", "role": "staff", "organisation_id": "not-a-uuid"}),
        json!({"role": "staff", "organisation_id": org}),
    ] {
        let r = coordinator.post(&path, &body).await;
        let (status, code) = error_code(r).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(!code.is_empty());
    }
    assert_eq!(
        coordinator.get_json(&path).await,
        json!([]),
        "nothing was created"
    );
}

#[tokio::test]
async fn inviting_needs_the_pledge() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in_without_pledge(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let org = app.organisation_id("青森県").await;
    let r = coordinator
        .post(
            &invitations_path(aomori),
            &json!({"email": "x@aomori.example", "role": "staff", "organisation_id": org}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "pledge_required".into())
    );
}

#[tokio::test]
async fn the_preview_shows_the_invitation_without_sign_in() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "Invitee@Aomori.example",
            "staff",
            "青森県市長会",
        )
        .await;
    let r = preview(&app, &token).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "email": "invitee@aomori.example",
            "platform_name": "あおもり就職氷河期世代活躍支援プラットフォーム",
            "organisation_name": "青森県市長会",
            "role": "staff",
            "existing_user": false,
        })
    );

    for bad in [
        "not-a-token".to_string(),
        format!("{token}x"),
        token[1..].to_string(),
    ] {
        let r = preview(&app, &bad).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::NOT_FOUND, "not_found".into()),
            "token {bad}"
        );
    }
}

#[tokio::test]
async fn accepting_creates_the_account_with_the_role() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "newcomer@aomori.example",
            "coordinator",
            "青森県 商工労働部",
        )
        .await;

    let r = accept(&app, &token, "  新任の担当者 ", NEW_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let client = app.client();
    let r = app
        .post_session(&client, "newcomer@aomori.example", NEW_PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["user"]["display_name"], "新任の担当者");
    assert_eq!(
        session["pledge"]["accepted"], false,
        "a new user still owes the pledge"
    );

    let csrf = session["csrf_token"].as_str().unwrap().to_string();
    let newcomer = User {
        base: app.base.clone(),
        client,
        csrf,
    };
    let r = newcomer.get("/api/v1/platforms").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "pledge_required".into())
    );
    assert_eq!(
        newcomer
            .post("/api/v1/me/pledge", &json!({}))
            .await
            .status(),
        StatusCode::OK
    );
    let me = newcomer.get_json("/api/v1/me").await;
    assert_eq!(me["user"]["email"], "newcomer@aomori.example");
    assert_eq!(me["organisation"]["name"], "青森県 商工労働部");
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
    // The new coordinator can use the role at once.
    let (_, _) = app
        .invite(
            &newcomer,
            "aomori",
            "third@aomori.example",
            "staff",
            "青森県",
        )
        .await;

    let aomori = app.platform_id("aomori").await;
    let list = coordinator.get_json(&invitations_path(aomori)).await;
    let statuses: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["email"].as_str().unwrap(), i["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("third@aomori.example", "pending"),
            ("newcomer@aomori.example", "accepted")
        ]
    );
    // The demo password is not theirs.
    let r = app
        .post_session(&app.client(), "newcomer@aomori.example", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_invitation_works_once() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "once@aomori.example",
            "staff",
            "青森県",
        )
        .await;
    assert_eq!(
        accept(&app, &token, "一回目", NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    let r = accept(&app, &token, "二回目", "another-long-password").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let r = preview(&app, &token).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    // The first password stands; the second attempt changed nothing.
    let ok = app
        .post_session(&app.client(), "once@aomori.example", NEW_PASSWORD)
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["user"]["display_name"], "一回目");
    let r = app
        .post_session(
            &app.client(),
            "once@aomori.example",
            "another-long-password",
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn two_acceptances_at_once_create_one_account() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "race@aomori.example",
            "staff",
            "青森県",
        )
        .await;
    let (a, b) = tokio::join!(
        accept(&app, &token, "一人目", "first-long-password"),
        accept(&app, &token, "二人目", "second-long-password"),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::NO_CONTENT, StatusCode::NOT_FOUND]);
    let first = app
        .post_session(&app.client(), "race@aomori.example", "first-long-password")
        .await
        .status();
    let second = app
        .post_session(&app.client(), "race@aomori.example", "second-long-password")
        .await
        .status();
    let mut signed_in = [first, second];
    signed_in.sort();
    assert_eq!(signed_in, [StatusCode::OK, StatusCode::UNAUTHORIZED]);
}

#[tokio::test]
async fn a_short_password_creates_nothing() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "short@aomori.example",
            "staff",
            "青森県",
        )
        .await;

    // 11 characters, and 11 characters that are 33 bytes: characters count, not bytes.
    for password in ["elevenchars", "あいうえおかきくけこさ", ""] {
        let r = accept(&app, &token, "担当者", password).await;
        assert_eq!(
            error_code(r).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "password_too_short".into()
            ),
            "password {password:?}"
        );
    }
    let r = app
        .post_session(&app.client(), "short@aomori.example", "elevenchars")
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "no account was created"
    );

    // The token still works.
    assert_eq!(preview(&app, &token).await.status(), StatusCode::OK);
    let aomori = app.platform_id("aomori").await;
    let list = coordinator.get_json(&invitations_path(aomori)).await;
    assert_eq!(list[0]["status"], "pending");
    // Exactly 12 characters is enough.
    let twelve = "あいうえおかきくけこさし";
    assert_eq!(
        accept(&app, &token, "担当者", twelve).await.status(),
        StatusCode::NO_CONTENT
    );
    let r = app
        .post_session(&app.client(), "short@aomori.example", twelve)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_display_name_is_required() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "noname@aomori.example",
            "staff",
            "青森県",
        )
        .await;
    let too_long = "名".repeat(101);
    for name in ["", "   ", too_long.as_str()] {
        let r = accept(&app, &token, name, NEW_PASSWORD).await;
        assert_eq!(
            error_code(r).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "display_name_missing".into()
            ),
            "display name {name:?}"
        );
    }
    let r = app
        .post_session(&app.client(), "noname@aomori.example", NEW_PASSWORD)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "no account was created"
    );
    assert_eq!(preview(&app, &token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_expired_invitation_cannot_be_used() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (created, token) = app
        .invite(
            &coordinator,
            "aomori",
            "late@aomori.example",
            "staff",
            "青森県",
        )
        .await;
    let id: Uuid = created["invitation"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let updated = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::hours(1)),
        )
        .filter(invitation::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected, 1);

    let r = preview(&app, &token).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let r = accept(&app, &token, "遅れた人", NEW_PASSWORD).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let r = app
        .post_session(&app.client(), "late@aomori.example", NEW_PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let aomori = app.platform_id("aomori").await;
    let list = coordinator.get_json(&invitations_path(aomori)).await;
    assert_eq!(list[0]["id"], id.to_string());
    assert_eq!(list[0]["status"], "expired");
}

#[tokio::test]
async fn inviting_an_existing_user_adds_the_role_and_keeps_the_password() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "HACHINOHE@aomori.example",
            "responder",
            "八戸市",
        )
        .await;
    let r = preview(&app, &token).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["email"], "hachinohe@aomori.example");
    assert_eq!(body["existing_user"], true);
    assert_eq!(body["role"], "responder");

    // The password and name given are ignored for an existing account.
    let r = accept(&app, &token, "", "short").await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let r = app
        .post_session(&app.client(), "hachinohe@aomori.example", "short")
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "the password did not change"
    );
    let user = app.sign_in("hachinohe@aomori.example").await;
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["user"]["display_name"], "八戸市 福祉と就労の担当");
    assert_eq!(me["organisation"]["name"], "八戸市");
    let roles: Vec<(String, Value)> = me["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["slug"].as_str().unwrap().to_string(), p["roles"].clone()))
        .collect();
    assert_eq!(
        roles,
        [
            ("aomori".to_string(), json!(["responder"])),
            ("hachinohe".to_string(), json!(["staff"])),
        ]
    );
    let r = accept(&app, &token, "", "short").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[tokio::test]
async fn an_existing_role_is_not_duplicated() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let (_, token) = app
        .invite(
            &coordinator,
            "aomori",
            "shoko-rodo@aomori.example",
            "coordinator",
            "青森県 商工労働部",
        )
        .await;
    assert_eq!(
        accept(&app, &token, "", "").await.status(),
        StatusCode::NO_CONTENT
    );
    let user = app.sign_in("shoko-rodo@aomori.example").await;
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["platforms"].as_array().unwrap().len(), 1);
    assert_eq!(me["platforms"][0]["roles"], json!(["coordinator"]));
}
