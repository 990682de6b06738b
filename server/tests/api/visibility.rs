//! What a person may see (issue 14, §4 and the search highlighting of §5): a draft's text
//! stays its author platform's in the version history, no secret is kept in clear in any
//! table, every free-text field is checked for personal data, and search marks a hit as
//! the index folds it.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const COORDINATOR: &str = "coordinator@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";

fn practice(title: &str, summary: &str, visibility: &str, status: &str) -> Value {
    json!({
        "title": title,
        "summary": summary,
        "body": "## 取り組み\n\n週2日の就労体験から始めた。",
        "target_groups": ["long_term_unemployed"],
        "tags": ["就労体験"],
        "area": "八戸市",
        "period": "令和8年度",
        "results": [{"label": "正規雇用", "value": 3, "unit": "名"}],
        "visibility": visibility,
        "status": status
    })
}

async fn json_with(response: reqwest::Response, status: StatusCode, what: &str) -> Value {
    let got = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(got, status, "{what}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"))
}

async fn create_practice(user: &User, body: Value) -> String {
    let r = user.post("/api/v1/practices", &body).await;
    let v = json_with(r, StatusCode::CREATED, "create a practice").await;
    v["id"].as_str().expect("an id").to_string()
}

async fn patch_practice(user: &User, id: &str, body: Value) {
    let r = user.patch(&format!("/api/v1/practices/{id}"), &body).await;
    json_with(r, StatusCode::OK, "patch a practice").await;
}

// ---------------------------------------------------------------------------------------
// A draft's text stays its author platform's
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn versions_show_each_reader_only_what_they_could_read_then() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let draft_text = "下書きの要約、まだ市内だけの話";
    let narrowed_text = "いったん市内限定に戻したときの要約";
    let id = create_practice(
        &hachinohe,
        practice("八戸の就労体験", draft_text, "network", "draft"),
    )
    .await;
    // v2 published to the network, v3 kept to the platform again, v4 shared again.
    patch_practice(
        &hachinohe,
        &id,
        json!({"status": "published", "summary": "公開した要約"}),
    )
    .await;
    patch_practice(
        &hachinohe,
        &id,
        json!({"visibility": "platform", "summary": narrowed_text}),
    )
    .await;
    patch_practice(
        &hachinohe,
        &id,
        json!({"visibility": "network", "summary": "再び共有した要約"}),
    )
    .await;

    let versions = |v: &Value| -> Vec<u64> {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|x| x["version"].as_u64().expect("a number"))
            .collect()
    };
    let own = hachinohe
        .get_json(&format!("/api/v1/practices/{id}/versions"))
        .await;
    assert_eq!(versions(&own), [4, 3, 2, 1], "the author platform sees all");

    for email in [HIROSAKI, COORDINATOR, KEIEISHA] {
        let reader = app.sign_in(email).await;
        let seen = reader
            .get_json(&format!("/api/v1/practices/{id}/versions"))
            .await;
        assert_eq!(versions(&seen), [4, 2], "{email}");
        let text = seen.to_string();
        assert!(
            !text.contains(draft_text),
            "{email} reads the draft: {text}"
        );
        assert!(!text.contains(narrowed_text), "{email}: {text}");
        // The page (and the data it hydrates from) holds no more than the API.
        let page = reader.get(&format!("/practices/{id}")).await;
        assert_eq!(page.status(), StatusCode::OK, "{email}");
        let html = page.text().await.expect("a page");
        assert!(html.contains("再び共有した要約"), "{email}");
        assert!(
            !html.contains(draft_text),
            "{email}: the page holds the draft"
        );
        assert!(!html.contains(narrowed_text), "{email}: the page holds v3");
    }
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let r = iwate.get(&format!("/api/v1/practices/{id}/versions")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// No secret at rest in clear
// ---------------------------------------------------------------------------------------

/// Every (table, column) of the database where `needle` occurs in the text of a value.
async fn tables_holding(app: &TestApp, needle: &str) -> Vec<(String, String)> {
    assert!(
        needle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "a token of URL-safe characters: {needle}"
    );
    let backend = app.db.get_database_backend();
    let listing = match backend {
        DbBackend::Postgres => {
            "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
             WHERE table_schema = current_schema()"
        }
        _ => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
        }
    };
    let columns = app
        .db
        .query_all_raw(Statement::from_string(backend, listing))
        .await
        .expect("the schema lists its columns");
    assert!(columns.len() > 20, "every table's columns are listed");
    let mut found = Vec::new();
    for row in columns {
        let table: String = row.try_get("", "t").expect("a table name");
        let column: String = row.try_get("", "c").expect("a column name");
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE '%{needle}%'"
        );
        let n: i64 = app
            .db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .expect("a count")
            .expect("a row")
            .try_get("", "n")
            .expect("a number");
        if n > 0 {
            found.push((table, column));
        }
    }
    found
}

#[tokio::test]
async fn an_invitation_token_is_in_no_table_and_a_replay_does_not_resend_it() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let platform_id = app.platform_id("aomori").await;
    let organisation_id = app.organisation_id(KEIEISHA_ORG).await;
    let key = Uuid::new_v4().to_string();
    let body = json!({
        "email": "new-person@aomori.example",
        "role": "responder",
        "organisation_id": organisation_id
    });
    let send = || {
        coordinator
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/platforms/{platform_id}/invitations"),
            )
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
    };
    let created = json_with(send().await.expect("POST"), StatusCode::CREATED, "invite").await;
    let token = created["accept_path"]
        .as_str()
        .and_then(|p| p.strip_prefix("/invitations/"))
        .expect("accept_path is /invitations/TOKEN")
        .to_string();
    assert_eq!(tables_holding(&app, &token).await, Vec::new());

    // A replay has had its effect once already; the link is not sent (nor kept) again.
    let replay = send().await.expect("POST");
    assert_eq!(
        error_code(replay).await,
        (StatusCode::CONFLICT, "idempotency_answer_withheld".into())
    );
    let list = coordinator
        .get_json(&format!("/api/v1/platforms/{platform_id}/invitations"))
        .await;
    let made = list
        .as_array()
        .expect("a list")
        .iter()
        .filter(|i| i["email"] == "new-person@aomori.example")
        .count();
    assert_eq!(made, 1, "one invitation: {list}");
    assert_eq!(tables_holding(&app, &token).await, Vec::new());
    // The invitation still works.
    let preview = app
        .client()
        .get(app.url(&format!("/api/v1/invitations/{token}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(preview.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_keyed_sign_in_keeps_no_csrf_token_beside_its_session() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    // Signed in already, so the call is keyed (per user).
    let r = coordinator
        .request(reqwest::Method::POST, "/api/v1/session")
        .header("Idempotency-Key", Uuid::new_v4().to_string())
        .json(&json!({"email": COORDINATOR, "password": server::seed::DEMO_PASSWORD}))
        .send()
        .await
        .expect("POST");
    let created = json_with(r, StatusCode::OK, "sign in again").await;
    let csrf = created["csrf_token"].as_str().expect("a token").to_string();
    // The session itself holds its token (that is what checks it); nothing else may.
    let holding: Vec<_> = tables_holding(&app, &csrf)
        .await
        .into_iter()
        .filter(|(table, _)| table != "sessions")
        .collect();
    assert_eq!(holding, Vec::new());
}

#[tokio::test]
async fn a_session_is_kept_by_the_hash_of_its_id_so_a_copy_of_the_table_signs_nobody_in() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = client
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": COORDINATOR, "password": server::seed::DEMO_PASSWORD}))
        .send()
        .await
        .expect("POST");
    let cookie = session_cookie(&r).expect("a session cookie");
    json_with(r, StatusCode::OK, "sign in").await;
    // The session works…
    let me = client.get(app.url("/api/v1/me")).send().await.expect("GET");
    assert_eq!(me.status(), StatusCode::OK);
    // …but its id, the cookie's value, is in no table.
    assert_eq!(tables_holding(&app, &cookie).await, Vec::new());
    // What the table keeps does not sign in when sent as the cookie.
    let backend = app.db.get_database_backend();
    let kept = app
        .db
        .query_all_raw(Statement::from_string(backend, "SELECT id FROM sessions"))
        .await
        .expect("the sessions");
    assert!(!kept.is_empty());
    for row in kept {
        let id: String = row.try_get("", "id").expect("an id");
        let r = bare_client()
            .get(app.url("/api/v1/me"))
            .header(reqwest::header::COOKIE, format!("kakehashi_session={id}"))
            .send()
            .await
            .expect("GET");
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "a stored key as the cookie"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Personal data in every free-text field
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn personal_data_is_refused_in_units_and_sectors() {
    let app = TestApp::spawn().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let mut body = practice("単位の確認", "要約", "network", "published");
    body["results"] = json!([
        {"label": "正規雇用", "value": 3, "unit": "名"},
        {"label": "相談", "value": 1, "unit": "件 担当携帯090-1234-5678"}
    ]);
    let r = hachinohe.post("/api/v1/practices", &body).await;
    let error = json_with(r, StatusCode::UNPROCESSABLE_ENTITY, "a phone in a unit").await;
    assert_eq!(error["error"]["code"], "personal_data");
    let message = error["error"]["message"].as_str().expect("a message");
    assert!(message.contains("`results[1].unit`"), "{message}");

    // An organisation's answer: a sector with an e-mail address.
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let request = json!({
        "kind": "placement_development",
        "title": "事務補助の受け入れ先",
        "description": "週3日から働ける事務補助の受け入れ先を探しています。",
        "target_groups": ["long_term_unemployed"],
        "area": "弘前市",
        "profile": {
            "age_band": "45-49",
            "desired_work": "事務補助",
            "hours": "週20時間",
            "accommodations": ["short_hours"],
            "accommodations_note": "",
            "start": "令和9年6月",
            "people": 1
        },
        "deadline": "2099-03-31"
    });
    let r = hirosaki.post("/api/v1/outreach-requests", &request).await;
    let id = json_with(r, StatusCode::CREATED, "a request").await["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let path = format!("/api/v1/outreach-requests/{id}/transitions");
    let r = hirosaki.post(&path, &json!({"action": "submit"})).await;
    json_with(r, StatusCode::OK, "submit").await;
    let org = app.organisation_id(KEIEISHA_ORG).await;
    let r = coordinator
        .post(
            &path,
            &json!({"action": "route", "organisation_ids": [org]}),
        )
        .await;
    json_with(r, StatusCode::OK, "route").await;
    let answer = json!({
        "body": "2社で受け入れ可能です。",
        "placements_offered": 2,
        "companies": [
            {"name": "青森食品", "sector": "製造", "area": "八戸市"},
            {"name": "弘前運輸", "sector": "運輸 yamada@example.jp", "area": "弘前市"}
        ]
    });
    let r = keieisha
        .post(
            &format!("/api/v1/outreach-requests/{id}/responses"),
            &answer,
        )
        .await;
    let error = json_with(r, StatusCode::UNPROCESSABLE_ENTITY, "an e-mail in a sector").await;
    assert_eq!(error["error"]["code"], "personal_data");
    let message = error["error"]["message"].as_str().expect("a message");
    assert!(message.contains("`companies[1].sector`"), "{message}");
    let request = keieisha
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert!(
        !request.to_string().contains("yamada@example.jp"),
        "nothing was saved: {request}"
    );
}

// ---------------------------------------------------------------------------------------
// Highlighting folds as the index does
// ---------------------------------------------------------------------------------------

fn marks(parts: &Value) -> Vec<String> {
    parts
        .as_array()
        .expect("parts")
        .iter()
        .filter(|p| p["hit"] == true)
        .map(|p| p["text"].as_str().expect("text").to_string())
        .collect()
}

#[tokio::test]
async fn search_marks_half_width_and_full_width_text_as_written() {
    let app = TestApp::spawn().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    create_practice(
        &hachinohe,
        practice(
            "就労ｶﾞｲﾄﾞの配布とＫＰＩ",
            "地域のﾊﾟﾝ屋で職場体験を行った。",
            "network",
            "published",
        ),
    )
    .await;
    for (query, title, snippet) in [
        ("ガイド", vec!["ｶﾞｲﾄﾞ"], vec![]),
        ("kpi", vec!["ＫＰＩ"], vec![]),
        ("パン屋", vec![], vec!["ﾊﾟﾝ屋"]),
    ] {
        let found = hirosaki
            .get_json(&format!(
                "/api/v1/practices?q={}",
                form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
            ))
            .await;
        assert_eq!(found["total"], 1, "{query}: {found}");
        let hit = &found["items"][0];
        assert_eq!(marks(&hit["title_marked"]), title, "{query}: {hit}");
        let snippet: Vec<String> = snippet.into_iter().map(String::from).collect();
        if !snippet.is_empty() {
            assert_eq!(marks(&hit["snippet"]), snippet, "{query}: {hit}");
        }
    }
}

#[tokio::test]
async fn a_plain_answer_is_still_replayed_byte_for_byte() {
    let app = TestApp::spawn().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let key = Uuid::new_v4().to_string();
    let body = practice("再送の確認", "要約", "platform", "draft");
    let send = || {
        hachinohe
            .request(reqwest::Method::POST, "/api/v1/practices")
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
    };
    let first = json_with(send().await.expect("POST"), StatusCode::CREATED, "first").await;
    let second = send().await.expect("POST");
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second = json_with(second, StatusCode::CREATED, "replay").await;
    assert_eq!(first, second, "the same answer, byte for byte");
}
