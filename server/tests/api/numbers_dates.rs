//! Numbers and dates from people: every one is range-checked into its stored type with a
//! documented range (`app::bounded`), 422 beyond it naming the field (`invalid_field` in
//! a JSON body, `invalid_query` in a query string, `?error=invalid_field` back on a page
//! form), never cast. Dates lie in 2000-01-01..=2100-12-31, so the deadline compares as a
//! date on both databases: the overdue filter and each request's own `overdue` agree.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const COORDINATOR: &str = "coordinator@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";

/// Numbers that fit nowhere we store them, and shapes that are not whole numbers.
const OUT_OF_RANGE: [&str; 9] = [
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "-1",
    "-2147483649",
    "1001",
    "1.5",
    "1e30",
    "\"many\"",
];

fn draft(deadline: &str) -> Value {
    json!({
        "kind": "placement_development",
        "title": "事務補助の受け入れ先",
        "profile": {"age_band": "45-49", "people": 2},
        "deadline": deadline,
    })
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

async fn created(user: &User, body: &Value) -> Value {
    let r = user.post("/api/v1/outreach-requests", body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

/// The body's field with a raw JSON number (or value) spliced in, as a client could send.
async fn post_raw(user: &User, path: &str, body: String) -> reqwest::Response {
    user.request(reqwest::Method::POST, path)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("POST")
}

async fn refused_naming(response: reqwest::Response, code: &str, field: &str) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(field),
        "the message names `{field}`: {message}"
    );
}

/// A request routed to 経営者協会 and answered once.
async fn answered_request(app: &TestApp) -> (User, User, String) {
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let org = app.organisation_id(KEIEISHA_ORG).await.to_string();
    let id = id_of(&created(&hirosaki, &draft("2099-03-31")).await);
    let path = format!("/api/v1/outreach-requests/{id}/transitions");
    assert!(hirosaki
        .post(&path, &json!({"action": "submit"}))
        .await
        .status()
        .is_success());
    assert!(coordinator
        .post(
            &path,
            &json!({"action": "route", "organisation_ids": [org]})
        )
        .await
        .status()
        .is_success());
    let r = keieisha
        .post(
            &format!("/api/v1/outreach-requests/{id}/responses"),
            &json!({"body": "1社紹介できます", "placements_offered": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    (hirosaki, keieisha, id)
}

#[tokio::test]
async fn placements_out_of_range_are_refused_not_cast() {
    let app = TestApp::spawn().await;
    let (hirosaki, keieisha, id) = answered_request(&app).await;
    let transitions = format!("/api/v1/outreach-requests/{id}/transitions");
    let responses = format!("/api/v1/outreach-requests/{id}/responses");
    for number in OUT_OF_RANGE {
        let r = post_raw(
            &hirosaki,
            &transitions,
            format!(r#"{{"action":"close","outcome":{{"placements":{number},"note":"x"}}}}"#),
        )
        .await;
        refused_naming(r, "invalid_field", "outcome.placements").await;
        let r = post_raw(
            &keieisha,
            &responses,
            format!(r#"{{"body":"追加の回答","placements_offered":{number}}}"#),
        )
        .await;
        refused_naming(r, "invalid_field", "placements_offered").await;
    }
    // Nothing was stored: still answered, one answer, no outcome.
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(seen["state"], "answered");
    assert_eq!(seen["outcome"], Value::Null);
    assert_eq!(seen["responses"].as_array().unwrap().len(), 1);

    // The bounds themselves are accepted and stored exactly.
    let r = keieisha
        .post(
            &responses,
            &json!({"body": "上限まで", "placements_offered": 1000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["placements_offered"], 1000);
    let r = hirosaki
        .post(
            &transitions,
            &json!({"action": "close", "outcome": {"placements": 1000, "note": "x"}}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let closed: Value = r.json().await.unwrap();
    assert_eq!(closed["outcome"]["placements"], 1000);
}

#[tokio::test]
async fn people_and_deadlines_out_of_range_are_refused() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    for number in OUT_OF_RANGE.iter().chain(&["0"]) {
        let body = draft("2099-03-31")
            .to_string()
            .replace(r#""people":2"#, &format!(r#""people":{number}"#));
        assert!(body.contains(number), "spliced");
        let r = post_raw(&hirosaki, "/api/v1/outreach-requests", body).await;
        refused_naming(r, "invalid_field", "profile.people").await;
    }
    for deadline in [
        "+10000-01-01",
        "-0001-01-01",
        "1999-12-31",
        "2101-01-01",
        "2026-1-5",
        "2026-02-30",
        "2026-03-31T00:00:00",
    ] {
        let r = hirosaki
            .post("/api/v1/outreach-requests", &draft(deadline))
            .await;
        refused_naming(r, "invalid_field", "deadline").await;
    }
    assert_eq!(
        hirosaki.get_json("/api/v1/outreach-requests").await["total"],
        0,
        "nothing was saved"
    );
    // The window's ends are accepted; a PATCH is held to the same window.
    let first = created(&hirosaki, &draft("2000-01-01")).await;
    assert_eq!(first["deadline"], "2000-01-01");
    let last = created(&hirosaki, &draft("2100-12-31")).await;
    let r = hirosaki
        .patch(
            &format!("/api/v1/outreach-requests/{}", id_of(&last)),
            &json!({"deadline": "+10000-01-01"}),
        )
        .await;
    refused_naming(r, "invalid_field", "deadline").await;
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{}", id_of(&last)))
        .await;
    assert_eq!(seen["deadline"], "2100-12-31");
}

#[tokio::test]
async fn the_overdue_filter_and_each_requests_own_flag_agree() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
        .date_naive();
    let mut ids = Vec::new();
    for deadline in [
        "2000-01-01".to_string(),
        (today - chrono::Days::new(1)).to_string(),
        today.to_string(),
        (today + chrono::Days::new(1)).to_string(),
        "2099-12-31".to_string(),
        "2100-12-31".to_string(),
    ] {
        let request = created(&hirosaki, &draft(&deadline)).await;
        let id = id_of(&request);
        let r = hirosaki
            .post(
                &format!("/api/v1/outreach-requests/{id}/transitions"),
                &json!({"action": "submit"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        ids.push((deadline, id));
    }
    let all = hirosaki
        .get_json("/api/v1/outreach-requests?per_page=200")
        .await;
    let flagged: std::collections::BTreeSet<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["overdue"] == true)
        .map(id_of)
        .collect();
    let filtered: std::collections::BTreeSet<String> = hirosaki
        .get_json("/api/v1/outreach-requests?overdue=true&per_page=200")
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(flagged, filtered, "the list filter and the records agree");
    let expected: std::collections::BTreeSet<String> =
        ids[..2].iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(
        filtered, expected,
        "exactly the two past deadlines: {ids:?}"
    );
}

#[tokio::test]
async fn query_numbers_out_of_range_are_422_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    for (path, name) in [
        ("/api/v1/outreach-requests?page=100001", "page"),
        ("/api/v1/outreach-requests?page=-1", "page"),
        ("/api/v1/outreach-requests?page=1.5", "page"),
        (
            "/api/v1/outreach-requests?page=18446744073709551616",
            "page",
        ),
        ("/api/v1/outreach-requests?per_page=0", "per_page"),
        ("/api/v1/outreach-requests?per_page=201", "per_page"),
        ("/api/v1/outreach-requests?per_page=4294967296", "per_page"),
        (
            "/api/v1/outreach-requests/export.csv?per_page=0",
            "per_page",
        ),
        ("/api/v1/sync?limit=0", "limit"),
        ("/api/v1/sync?limit=501", "limit"),
        ("/api/v1/sync?limit=-5", "limit"),
        ("/api/v1/practices?year=99999", "year"),
        ("/api/v1/practices?year=1999", "year"),
        ("/api/v1/practices?year=-2026", "year"),
    ] {
        let r = hirosaki.get(path).await;
        let status = r.status();
        let body: Value = r.json().await.expect("a JSON error");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_query", "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("`{name}`")),
            "{path}: the message names `{name}`: {message}"
        );
    }
    // The bounds answer.
    for path in [
        "/api/v1/outreach-requests?page=100000&per_page=200",
        "/api/v1/outreach-requests?page=0&per_page=1",
        "/api/v1/sync?limit=1",
        "/api/v1/sync?limit=500",
        "/api/v1/practices?year=2000",
        "/api/v1/practices?year=2100",
    ] {
        assert_eq!(hirosaki.get(path).await.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn practice_figures_are_finite_and_bounded() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let practice = |value: &str| {
        format!(
            r#"{{"title":"就労体験","summary":"要約","body":"本文","visibility":"platform","status":"draft",
                "results":[{{"label":"正規雇用","value":{value},"unit":"名"}}]}}"#
        )
    };
    for value in ["1e13", "-1e13", "\"3\""] {
        let r = post_raw(&hirosaki, "/api/v1/practices", practice(value)).await;
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{value}: {body}");
        assert_eq!(body["error"]["code"], "invalid_field", "{value}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("results"),
            "{value}: {body}"
        );
    }
    for value in ["1e12", "-1e12", "0.5", "3"] {
        let r = post_raw(&hirosaki, "/api/v1/practices", practice(value)).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{value}");
    }
}

#[tokio::test]
async fn page_forms_refuse_numbers_and_dates_out_of_range() {
    let app = TestApp::spawn().await;
    let (hirosaki, keieisha, id) = answered_request(&app).await;
    let form = |user: &User, path: &str, fields: &[(&str, &str)]| {
        let mut all: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        all.push(("csrf_token".into(), user.csrf.clone()));
        user.client.post(app.url(path)).form(&all).send()
    };
    let page = format!("/outreach/{id}");
    for placements in ["4294967295", "-1", "1001", "abc", "1.5"] {
        let r = form(
            &hirosaki,
            &format!("{page}/transitions"),
            &[("action", "close"), ("placements", placements)],
        )
        .await
        .unwrap();
        assert_see_other(&r, &format!("{page}?error=invalid_field"));
        let r = form(
            &keieisha,
            &format!("{page}/responses"),
            &[("body", "追加"), ("placements_offered", placements)],
        )
        .await
        .unwrap();
        assert_see_other(&r, &format!("{page}?error=invalid_field"));
    }
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(seen["state"], "answered");
    assert_eq!(seen["responses"].as_array().unwrap().len(), 1);

    let draft_form = |people: &'static str, deadline: &'static str| {
        vec![
            ("kind", "placement_development"),
            ("title", "事務補助"),
            ("people", people),
            ("deadline", deadline),
        ]
    };
    for people in ["0", "1001", "4294967297", "-3"] {
        let r = form(&hirosaki, "/outreach", &draft_form(people, "2099-03-31"))
            .await
            .unwrap();
        assert_see_other(&r, "/outreach/new?error=invalid_field");
    }
    for deadline in ["+10000-01-01", "1999-12-31", "2101-01-01"] {
        let r = form(&hirosaki, "/outreach", &draft_form("1", deadline))
            .await
            .unwrap();
        assert_see_other(&r, "/outreach/new?error=invalid_deadline");
    }
    assert_eq!(
        hirosaki.get_json("/api/v1/outreach-requests").await["total"],
        1,
        "only the request made at the start"
    );
}

#[tokio::test]
async fn pages_and_server_functions_refuse_query_values_as_the_api_does() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    // Server functions: the API's status and body.
    for path in [
        "/sfn/outreach_list_page?page=-1",
        "/sfn/outreach_list_page?page=100001",
        "/sfn/outreach_list_page?page=1.5",
        "/sfn/outreach_list_page?state=everything",
        "/sfn/outreach_list_page?overdue=maybe",
        "/sfn/practices_page?params[0][0]=year&params[0][1]=9999",
        "/sfn/practices_page?params[0][0]=year&params[0][1]=1999",
        "/sfn/practices_page?params[0][0]=offset&params[0][1]=-5",
        "/sfn/practices_page?params[0][0]=target_group&params[0][1]=nobody",
        "/sfn/threads_page?state=closed-for-ever",
        "/sfn/threads_page?platform=not-a-uuid",
    ] {
        let r = hirosaki
            .request(reqwest::Method::GET, path)
            .header("accept", "application/json")
            .send()
            .await
            .expect("GET");
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_query".into()),
            "{path}"
        );
    }
    // The pages themselves answer 422 with the refusal shown, not a clamped list.
    for path in [
        "/outreach?page=-1",
        "/outreach?state=everything",
        "/practices?year=9999",
        "/practices?offset=-5",
        "/threads?state=closed-for-ever",
    ] {
        let r = hirosaki.get(path).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    }
    // In range, and empty (a filter form's "any"), they answer as before.
    for path in [
        "/sfn/outreach_list_page?page=0&state=&kind=&platform=",
        "/sfn/practices_page?params[0][0]=year&params[0][1]=2026",
        "/outreach?page=1",
        "/practices?year=2026&offset=0",
        "/threads?state=open",
    ] {
        let r = hirosaki.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
}
