//! Outreach and placement requests: the whole workflow (including returned → submitted
//! and all-declined), every part × action that is refused, the isolation matrix on every
//! endpoint and the sync feed, the personal-data check with its near misses, concurrent
//! steps, and the list's filters.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sync::{ids, pull_all};

const COORDINATOR: &str = "coordinator@aomori.example";
const DEPUTY: &str = "shoko-rodo@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const SHOKOKAI: &str = "shokokai@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";
const SHOKOKAI_ORG: &str = "青森県商工会連合会";

pub(crate) fn draft(title: &str) -> Value {
    json!({
        "kind": "placement_development",
        "title": title,
        "description": "週3日から働ける事務補助の受け入れ先を探しています。",
        "target_groups": ["long_term_unemployed", "unstable_employment"],
        "area": "弘前市",
        "profile": {
            "age_band": "45-49",
            "desired_work": "事務補助",
            "hours": "週20時間",
            "accommodations": ["short_hours", "written_instructions"],
            "accommodations_note": "通院のため月1回の休暇",
            "start": "令和9年6月",
            "people": 2
        },
        "deadline": "2099-03-31"
    })
}

async fn json_with(response: reqwest::Response, status: StatusCode, what: &str) -> Value {
    let got = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(got, status, "{what}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"))
}

pub(crate) async fn create(user: &User, body: Value) -> Value {
    let r = user.post("/api/v1/outreach-requests", &body).await;
    json_with(r, StatusCode::CREATED, "create a request").await
}

pub(crate) fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

async fn step(user: &User, id: &str, body: Value) -> reqwest::Response {
    user.post(
        &format!("/api/v1/outreach-requests/{id}/transitions"),
        &body,
    )
    .await
}

pub(crate) async fn step_ok(user: &User, id: &str, body: Value) -> Value {
    let what = format!("{body}");
    json_with(step(user, id, body).await, StatusCode::OK, &what).await
}

async fn expect_step_error(user: &User, id: &str, body: Value, status: StatusCode, code: &str) {
    let what = format!("{body}");
    let got = error_code(step(user, id, body).await).await;
    assert_eq!(got, (status, code.to_string()), "{what}");
}

async fn answer(user: &User, id: &str, body: Value) -> reqwest::Response {
    user.post(&format!("/api/v1/outreach-requests/{id}/responses"), &body)
        .await
}

async fn listed(user: &User, query: &str) -> Vec<String> {
    let list = user
        .get_json(&format!("/api/v1/outreach-requests{query}"))
        .await;
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

async fn notification_kinds(user: &User) -> Vec<String> {
    user.get_json("/api/v1/notifications")
        .await
        .as_array()
        .expect("notifications")
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn total(user: &User) -> Value {
    user.get_json("/api/v1/outreach-requests").await["total"].clone()
}

fn actions(v: &Value) -> Vec<String> {
    v["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn status_of(v: &Value, org: &str) -> String {
    v["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .find(|o| o["name"] == org)
        .unwrap_or_else(|| panic!("{org} in {v}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A request from 弘前市, submitted and routed to 青森県経営者協会.
pub async fn routed(app: &TestApp, title: &str) -> String {
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let id = id_of(&create(&hirosaki, draft(title)).await);
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    let keieisha = app.organisation_id(KEIEISHA_ORG).await;
    step_ok(
        &coordinator,
        &id,
        json!({"action": "route", "organisation_ids": [keieisha]}),
    )
    .await;
    id
}

#[tokio::test]
async fn the_whole_workflow_from_draft_to_closed() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let shokokai = app.sign_in(SHOKOKAI).await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let shokokai_org = app.organisation_id(SHOKOKAI_ORG).await;

    let mut body = draft("事務補助の受け入れ先の開拓");
    body["organisation_ids"] = json!([keieisha_org]);
    let created = create(&hirosaki, body).await;
    let id = id_of(&created);
    assert_eq!(created["state"], "draft");
    assert_eq!(
        created["platform_name"],
        "弘前市 就職氷河期世代活躍支援プラットフォーム"
    );
    assert_eq!(created["profile"]["people"], 2);
    assert_eq!(created["suggested_organisation_ids"], json!([keieisha_org]));
    assert_eq!(actions(&created), ["submit", "withdraw"]);
    assert_eq!(created["can_edit"], true);
    assert_eq!(created["overdue"], false);

    let r = hirosaki
        .patch(
            &format!("/api/v1/outreach-requests/{id}"),
            &json!({"title": "事務補助（短時間）の受け入れ先の開拓"}),
        )
        .await;
    let edited = json_with(r, StatusCode::OK, "edit the draft").await;
    assert_eq!(edited["title"], "事務補助（短時間）の受け入れ先の開拓");

    let submitted = step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    assert_eq!(submitted["state"], "submitted");
    assert_eq!(submitted["can_edit"], false);
    let seen = coordinator
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(actions(&seen), ["route", "return"]);
    assert!(notification_kinds(&coordinator)
        .await
        .contains(&"outreach_submitted".to_string()));

    let routed = step_ok(
        &coordinator,
        &id,
        json!({"action": "route", "organisation_ids": [keieisha_org, shokokai_org], "comment": "ご協力をお願いします"}),
    )
    .await;
    assert_eq!(routed["state"], "routed");
    assert_eq!(status_of(&routed, KEIEISHA_ORG), "pending");
    assert_eq!(status_of(&routed, SHOKOKAI_ORG), "pending");
    assert!(notification_kinds(&keieisha)
        .await
        .contains(&"outreach_routed".to_string()));

    let seen = keieisha
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(actions(&seen), ["acknowledge", "decline"]);
    assert_eq!(seen["can_answer"], true);
    let acknowledged = step_ok(&keieisha, &id, json!({"action": "acknowledge"})).await;
    assert_eq!(status_of(&acknowledged, KEIEISHA_ORG), "acknowledged");
    assert_eq!(acknowledged["state"], "routed");

    let r = answer(
        &keieisha,
        &id,
        json!({
            "body": "会員企業2社が受け入れを検討します。",
            "placements_offered": 2,
            "companies": [
                {"name": "株式会社りんご物流", "sector": "運輸業", "area": "弘前市"},
                {"name": "津軽事務サービス有限会社", "sector": "サービス業", "area": "黒石市"}
            ],
            "conditions": "週3日から",
            "next_steps": "来週、職場見学を調整します"
        }),
    )
    .await;
    let response = json_with(r, StatusCode::CREATED, "answer").await;
    assert_eq!(response["organisation_name"], KEIEISHA_ORG);
    assert_eq!(response["companies"].as_array().unwrap().len(), 2);
    let after = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(after["state"], "answered");
    assert_eq!(status_of(&after, KEIEISHA_ORG), "answered");
    assert!(notification_kinds(&hirosaki)
        .await
        .contains(&"outreach_answered".to_string()));

    // Another answer from the same organisation is welcome.
    let r = answer(&keieisha, &id, json!({"body": "もう1社追加で検討中です。"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let declined = step_ok(
        &shokokai,
        &id,
        json!({"action": "decline", "comment": "今回は該当する会員企業がありません"}),
    )
    .await;
    assert_eq!(declined["state"], "answered", "one answer is enough");
    assert_eq!(status_of(&declined, SHOKOKAI_ORG), "declined");
    assert!(notification_kinds(&hirosaki)
        .await
        .contains(&"outreach_declined".to_string()));

    expect_step_error(
        &hirosaki,
        &id,
        json!({"action": "close"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "outcome_required",
    )
    .await;
    let closed = step_ok(
        &hirosaki,
        &id,
        json!({"action": "close", "outcome": {"placements": 1, "note": "1名が事務補助で就職"}}),
    )
    .await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(
        closed["outcome"],
        json!({"placements": 1, "note": "1名が事務補助で就職"})
    );
    assert_eq!(actions(&closed), Vec::<String>::new());
    let timeline: Vec<String> = closed["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        timeline,
        [
            "created",
            "edited",
            "submit",
            "route",
            "route",
            "acknowledge",
            "answered",
            "answered",
            "decline",
            "close"
        ]
    );
    assert!(closed["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["by"]["email"].is_string() && e["at"].is_string()));
    expect_step_error(
        &hirosaki,
        &id,
        json!({"action": "withdraw"}),
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let r = answer(&keieisha, &id, json!({"body": "追加の回答"})).await;
    assert_eq!(error_code(r).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_returned_request_is_edited_and_submitted_again() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let id = id_of(&create(&hirosaki, draft("面接会の開催")).await);
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    let path = format!("/api/v1/outreach-requests/{id}");
    let r = hirosaki
        .patch(&path, &json!({"area": "弘前市・黒石市"}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "invalid_transition".into()),
        "no edits once submitted"
    );
    expect_step_error(
        &coordinator,
        &id,
        json!({"action": "return"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "comment_required",
    )
    .await;
    let returned = step_ok(
        &coordinator,
        &id,
        json!({"action": "return", "comment": "希望する職種をもう少し具体的にしてください"}),
    )
    .await;
    assert_eq!(returned["state"], "returned");
    assert!(notification_kinds(&hirosaki)
        .await
        .contains(&"outreach_returned".to_string()));
    let r = hirosaki
        .patch(
            &path,
            &json!({"profile": {"desired_work": "データ入力", "people": 1}}),
        )
        .await;
    let edited = json_with(r, StatusCode::OK, "edit when returned").await;
    assert_eq!(edited["profile"]["desired_work"], "データ入力");
    let again = step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    assert_eq!(again["state"], "submitted");
    let comment = again["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "return")
        .expect("the return in the timeline")["comment"]
        .clone();
    assert_eq!(comment, "希望する職種をもう少し具体的にしてください");
}

#[tokio::test]
async fn declined_by_every_organisation_is_declined() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let shokokai = app.sign_in(SHOKOKAI).await;
    let id = id_of(&create(&hirosaki, draft("配慮事項の相談")).await);
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    let orgs = [
        app.organisation_id(KEIEISHA_ORG).await,
        app.organisation_id(SHOKOKAI_ORG).await,
    ];
    step_ok(
        &coordinator,
        &id,
        json!({"action": "route", "organisation_ids": orgs}),
    )
    .await;
    expect_step_error(
        &keieisha,
        &id,
        json!({"action": "decline"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "comment_required",
    )
    .await;
    let one = step_ok(
        &keieisha,
        &id,
        json!({"action": "decline", "comment": "対応できる会員企業がありません"}),
    )
    .await;
    assert_eq!(one["state"], "routed");
    let both = step_ok(
        &shokokai,
        &id,
        json!({"action": "decline", "comment": "時期を改めてご相談ください"}),
    )
    .await;
    assert_eq!(both["state"], "declined");
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(actions(&seen), ["close", "withdraw"]);
    let r = answer(&keieisha, &id, json!({"body": "やはり検討します"})).await;
    assert_eq!(error_code(r).await.0, StatusCode::CONFLICT);
    let withdrawn = step_ok(&hirosaki, &id, json!({"action": "withdraw"})).await;
    assert_eq!(withdrawn["state"], "withdrawn");
}

#[tokio::test]
async fn each_part_may_take_only_its_own_steps() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let liaison = app.sign_in(LIAISON).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let shokokai = app.sign_in(SHOKOKAI).await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let route = json!({"action": "route", "organisation_ids": [keieisha_org]});
    let close = json!({"action": "close", "outcome": {"placements": 0}});
    let decline = json!({"action": "decline", "comment": "x"});
    let returning = json!({"action": "return", "comment": "x"});
    let forbidden = StatusCode::FORBIDDEN;
    let conflict = StatusCode::CONFLICT;

    let id = id_of(&create(&hirosaki, draft("役割の確認")).await);
    // Draft: the secretariat cannot act on it yet, nor the requester skip a step.
    expect_step_error(
        &coordinator,
        &id,
        route.clone(),
        conflict,
        "invalid_transition",
    )
    .await;
    expect_step_error(
        &coordinator,
        &id,
        json!({"action": "submit"}),
        forbidden,
        "forbidden",
    )
    .await;
    expect_step_error(
        &hirosaki,
        &id,
        close.clone(),
        conflict,
        "invalid_transition",
    )
    .await;
    // Not routed yet: organisations do not see it at all.
    expect_step_error(
        &keieisha,
        &id,
        json!({"action": "acknowledge"}),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    expect_step_error(
        &hirosaki,
        &id,
        json!({"action": "submit"}),
        conflict,
        "invalid_transition",
    )
    .await;
    expect_step_error(&hirosaki, &id, route.clone(), forbidden, "forbidden").await;
    expect_step_error(&hirosaki, &id, returning.clone(), forbidden, "forbidden").await;
    // Staff of the prefectural platform see every request, but only coordinators route.
    expect_step_error(&liaison, &id, route.clone(), forbidden, "forbidden").await;
    expect_step_error(
        &coordinator,
        &id,
        json!({"action": "acknowledge"}),
        forbidden,
        "forbidden",
    )
    .await;
    expect_step_error(
        &coordinator,
        &id,
        json!({"action": "withdraw"}),
        forbidden,
        "forbidden",
    )
    .await;

    step_ok(&coordinator, &id, route.clone()).await;
    expect_step_error(&coordinator, &id, route.clone(), conflict, "already_routed").await;
    expect_step_error(&coordinator, &id, returning, conflict, "invalid_transition").await;
    expect_step_error(&keieisha, &id, close.clone(), forbidden, "forbidden").await;
    expect_step_error(&keieisha, &id, route, forbidden, "forbidden").await;
    expect_step_error(&hirosaki, &id, decline.clone(), forbidden, "forbidden").await;
    expect_step_error(
        &shokokai,
        &id,
        decline.clone(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let r = answer(&coordinator, &id, json!({"body": "事務局の回答"})).await;
    assert_eq!(error_code(r).await.0, forbidden);
    let r = answer(&shokokai, &id, json!({"body": "回答"})).await;
    assert_eq!(error_code(r).await.0, StatusCode::NOT_FOUND);

    step_ok(&keieisha, &id, json!({"action": "acknowledge"})).await;
    expect_step_error(
        &keieisha,
        &id,
        json!({"action": "acknowledge"}),
        conflict,
        "invalid_transition",
    )
    .await;
    step_ok(&hirosaki, &id, close).await;
    expect_step_error(&keieisha, &id, decline, conflict, "invalid_transition").await;
    expect_step_error(
        &hirosaki,
        &id,
        json!({"action": "withdraw"}),
        conflict,
        "invalid_transition",
    )
    .await;

    let r = step(&hirosaki, &id, json!({"action": "fly"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn only_the_parties_see_a_request_anywhere() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let liaison = app.sign_in(LIAISON).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let shokokai = app.sign_in(SHOKOKAI).await;
    let iwate_coordinator = app.sign_in(IWATE_COORDINATOR).await;
    let morioka = app.sign_in(MORIOKA_STAFF).await;
    let _ = iwate;

    let starts: Vec<(&User, i64)> = {
        let mut v = Vec::new();
        for u in [
            &keieisha,
            &hachinohe,
            &shokokai,
            &iwate_coordinator,
            &morioka,
        ] {
            v.push((u, pull_all(u, 0).await.1));
        }
        v
    };
    let id = id_of(&create(&hirosaki, draft("見えてはいけない依頼")).await);
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    // Before routing, the organisation is no party to it.
    let (changes, _) = pull_all(&keieisha, starts[0].1).await;
    assert!(!ids(&changes, "outreach_request", "upsert").contains(&id));
    assert_eq!(
        keieisha
            .get(&format!("/api/v1/outreach-requests/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    step_ok(
        &coordinator,
        &id,
        json!({"action": "route", "organisation_ids": [keieisha_org]}),
    )
    .await;

    // The parties: the requesting platform, the secretariat (and the prefectural
    // platform's staff), the organisation it was routed to.
    for (who, user) in [
        ("requester", &hirosaki),
        ("secretariat", &coordinator),
        ("prefectural staff", &liaison),
        ("routed organisation", &keieisha),
    ] {
        let r = user.get(&format!("/api/v1/outreach-requests/{id}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{who}");
        assert!(listed(user, "").await.contains(&id), "{who} lists it");
        let (changes, _) = pull_all(user, 0).await;
        assert!(
            ids(&changes, "outreach_request", "upsert").contains(&id),
            "{who} syncs it"
        );
    }
    let (changes, _) = pull_all(&keieisha, starts[0].1).await;
    assert!(ids(&changes, "outreach_request", "upsert").contains(&id));

    // Everyone else: 404 on every endpoint, nothing in lists, counts or the feed.
    for (i, (who, user)) in [
        ("another municipal platform", &hachinohe),
        ("another economic organisation", &shokokai),
        ("another network's secretariat", &iwate_coordinator),
        ("another network's municipal platform", &morioka),
    ]
    .into_iter()
    .enumerate()
    {
        let path = format!("/api/v1/outreach-requests/{id}");
        assert_eq!(
            user.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{who} GET"
        );
        let r = user.patch(&path, &json!({"title": "x"})).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} PATCH");
        for action in [
            json!({"action": "submit"}),
            json!({"action": "route", "organisation_ids": [keieisha_org]}),
            json!({"action": "acknowledge"}),
            json!({"action": "decline", "comment": "x"}),
            json!({"action": "close", "outcome": {"placements": 0}}),
            json!({"action": "withdraw"}),
        ] {
            let r = step(user, &id, action.clone()).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {action}");
        }
        let r = answer(user, &id, json!({"body": "x"})).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} answer");
        assert!(!listed(user, "").await.contains(&id), "{who} list");
        let list = user.get_json("/api/v1/outreach-requests").await;
        assert_eq!(list["total"], 0, "{who} counts nothing");
        let (changes, _) = pull_all(user, starts[i + 1].1).await;
        assert!(
            !changes.iter().any(|c| c["id"] == id.as_str()),
            "{who} feed"
        );
    }
}

/// Every name, status, answer and timeline comment of an organisation in `v`.
fn organisation_traces(v: &Value, org_id: &uuid::Uuid, org_name: &str) -> Vec<String> {
    let org_id = org_id.to_string();
    let org_id = org_id.as_str();
    let mut found = Vec::new();
    for o in v["organisations"].as_array().expect("organisations") {
        if o["name"] == org_name || o["organisation_id"] == org_id {
            found.push(format!("recipient {o}"));
        }
    }
    for r in v["responses"].as_array().expect("responses") {
        if r["organisation_name"] == org_name || r["organisation_id"] == org_id {
            found.push(format!("response {r}"));
        }
    }
    for e in v["timeline"].as_array().expect("timeline") {
        if e["organisation_name"] == org_name {
            found.push(format!("timeline {e}"));
        }
    }
    if v["suggested_organisation_ids"]
        .as_array()
        .expect("suggested")
        .iter()
        .any(|o| o == org_id)
    {
        found.push("suggested".into());
    }
    found
}

#[tokio::test]
async fn an_organisation_sees_its_own_part_of_a_request_and_nothing_of_the_others() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let shokokai = app.sign_in(SHOKOKAI).await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let shokokai_org = app.organisation_id(SHOKOKAI_ORG).await;
    // Each organisation's own device, holding its event stream throughout.
    let mut keieisha_device = crate::pushed::Client::start(app.sign_in(KEIEISHA).await).await;
    let mut shokokai_device = crate::pushed::Client::start(app.sign_in(SHOKOKAI).await).await;
    let mut body = draft("二団体に送る依頼");
    body["organisation_ids"] = json!([keieisha_org, shokokai_org]);
    let id = id_of(&create(&hirosaki, body).await);
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    step_ok(
        &coordinator,
        &id,
        json!({"action": "route", "organisation_ids": [keieisha_org, shokokai_org],
               "comment": "両団体にお願いします"}),
    )
    .await;
    step_ok(&keieisha, &id, json!({"action": "acknowledge"})).await;
    let r = answer(
        &keieisha,
        &id,
        json!({"body": "経営者協会の会員企業2社が受け入れ可能です。", "placements_offered": 2}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    step_ok(
        &shokokai,
        &id,
        json!({"action": "decline", "comment": "商工会として今回は見送ります"}),
    )
    .await;

    // The requester and the secretariat see both organisations' parts.
    for (who, user) in [("requester", &hirosaki), ("secretariat", &coordinator)] {
        let v = user
            .get_json(&format!("/api/v1/outreach-requests/{id}"))
            .await;
        for (org, name) in [(&keieisha_org, KEIEISHA_ORG), (&shokokai_org, SHOKOKAI_ORG)] {
            assert!(
                !organisation_traces(&v, org, name).is_empty(),
                "{who} sees {name}"
            );
        }
        assert_eq!(v["responses"].as_array().unwrap().len(), 1, "{who}");
    }

    // Each organisation: its own part, nothing of the other's, on every way of reading.
    for (who, user, own, (other, other_name), device, others_words) in [
        (
            "経営者協会",
            &keieisha,
            KEIEISHA_ORG,
            (&shokokai_org, SHOKOKAI_ORG),
            &mut keieisha_device,
            "商工会として今回は見送ります",
        ),
        (
            "商工会連合会",
            &shokokai,
            SHOKOKAI_ORG,
            (&keieisha_org, KEIEISHA_ORG),
            &mut shokokai_device,
            "経営者協会の会員企業2社が受け入れ可能です。",
        ),
    ] {
        // What the live stream carried: its own part, never the other's.
        device.settle(Duration::from_millis(1500)).await;
        let pushed = device
            .records
            .get(&("outreach_request".to_string(), id.clone()))
            .map(|c| c["data"].clone())
            .expect("the request came on the stream");
        let traces = organisation_traces(&pushed, other, other_name);
        assert!(
            traces.is_empty(),
            "{who} stream sees {other_name}: {traces:?}"
        );
        assert!(
            !device.carried.contains(others_words),
            "{who}: the other's words on the stream"
        );
        let one = user
            .get_json(&format!("/api/v1/outreach-requests/{id}"))
            .await;
        assert_eq!(
            one["organisations"].as_array().unwrap().len(),
            1,
            "{who}: {one}"
        );
        assert_eq!(one["organisations"][0]["name"], own, "{who}");
        let list = user.get_json("/api/v1/outreach-requests").await;
        let listed = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id.as_str())
            .cloned()
            .expect("listed");
        let (changes, _) = pull_all(user, 0).await;
        let synced = changes
            .iter()
            .rev()
            .find(|c| c["kind"] == "outreach_request" && c["id"] == id.as_str())
            .map(|c| c["data"].clone())
            .expect("synced");
        for (how, v) in [("GET", &one), ("list", &listed), ("sync", &synced)] {
            let traces = organisation_traces(v, other, other_name);
            assert!(
                traces.is_empty(),
                "{who} {how} sees {other_name}: {traces:?}"
            );
        }
        // Filtering by the other organisation finds nothing, and counts nothing.
        let filtered = user
            .get_json(&format!("/api/v1/outreach-requests?organisation={other}"))
            .await;
        assert_eq!(filtered["total"], 0, "{who}: {filtered}");
        let csv = user
            .get("/api/v1/outreach-requests/export.csv")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            csv.contains("二団体に送る依頼"),
            "{who} exports the request"
        );
        assert!(!csv.contains(other_name), "{who} export names {other_name}");
    }
    let keieisha_view = keieisha
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(keieisha_view["responses"].as_array().unwrap().len(), 1);
    let shokokai_view = shokokai
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert!(shokokai_view["responses"].as_array().unwrap().is_empty());
    assert!(
        !shokokai_view.to_string().contains("会員企業2社"),
        "the other organisation's answer text"
    );
}

#[tokio::test]
async fn personal_data_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let before = total(&hirosaki).await;
    let cases = [
        (
            "description",
            "/description",
            json!("連絡は090-1234-5678まで"),
            "phone",
        ),
        (
            "title",
            "/title",
            json!("山田さん taro@example.jp の件"),
            "e-mail",
        ),
        (
            "profile.desired_work",
            "/profile/desired_work",
            json!("個人番号 1234 5678 9012"),
            "individual number",
        ),
        ("area", "/area", json!("弘前市本町2番5号"), "street address"),
        (
            "profile.accommodations_note",
            "/profile/accommodations_note",
            json!("青森市新町1-3-7在住"),
            "street address",
        ),
    ];
    for (field, pointer, value, what) in cases {
        let mut body = draft("個人情報の確認");
        *body.pointer_mut(pointer).expect(pointer) = value;
        let r = hirosaki.post("/api/v1/outreach-requests", &body).await;
        let status = r.status();
        let error: Value = r.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {error}");
        assert_eq!(error["error"]["code"], "personal_data", "{field}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(&format!("`{field}`")), "{message}");
        assert!(message.contains(what), "{message}");
    }
    assert_eq!(total(&hirosaki).await, before, "nothing was saved");

    // What only looks similar passes.
    let mut body = draft("令和9年4月1日開始 3名 週20時間 案件番号R8-0012");
    body["description"] =
        json!("期限は2027-03-31、年齢は40-44歳、製品コード ABC-1234-5678、9:00-15:00勤務");
    body["profile"]["age_band"] = json!("40-44");
    let created = create(&hirosaki, body).await;
    let id = id_of(&created);

    // The same check on edits, steps and answers.
    let r = hirosaki
        .patch(
            &format!("/api/v1/outreach-requests/{id}"),
            &json!({"description": "本人の携帯 080-9876-5432"}),
        )
        .await;
    assert_eq!(error_code(r).await.1, "personal_data");
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    expect_step_error(
        &coordinator,
        &id,
        json!({"action": "return", "comment": "本人 (taro@example.jp) に確認を"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "personal_data",
    )
    .await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    step_ok(
        &coordinator,
        &id,
        json!({"action": "route", "organisation_ids": [keieisha_org]}),
    )
    .await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let r = answer(
        &keieisha,
        &id,
        json!({"body": "担当者に直接お電話ください 017-734-1111"}),
    )
    .await;
    assert_eq!(error_code(r).await.1, "personal_data");
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert!(seen["responses"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_steps_on_one_request_are_serialised() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let id = id_of(&create(&hirosaki, draft("同時の振り分け")).await);
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let shokokai_org = app.organisation_id(SHOKOKAI_ORG).await;

    // Two coordinators route at once, to different organisations: both land, once each.
    let (a, b) = tokio::join!(
        step(
            &coordinator,
            &id,
            json!({"action": "route", "organisation_ids": [keieisha_org]})
        ),
        step(
            &deputy,
            &id,
            json!({"action": "route", "organisation_ids": [shokokai_org]})
        ),
    );
    assert_eq!(a.status(), StatusCode::OK);
    assert_eq!(b.status(), StatusCode::OK);
    let seen = coordinator
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    let orgs: BTreeSet<String> = seen["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["organisation_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        orgs,
        BTreeSet::from([keieisha_org.to_string(), shokokai_org.to_string()])
    );
    assert_eq!(seen["state"], "routed");

    // Two closes at once: one closes, the other is told it no longer fits.
    let close = json!({"action": "close", "outcome": {"placements": 0, "note": "見送り"}});
    let (a, b) = tokio::join!(
        step(&hirosaki, &id, close.clone()),
        step(&hirosaki, &id, close.clone())
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    let closes = seen["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "close")
        .count();
    assert_eq!(closes, 1);
}

#[tokio::test]
async fn the_list_filters_pages_and_flags_overdue() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let late = routed(&app, "期限切れの依頼").await;
    // Its deadline passes (Japan time): yesterday.
    let yesterday =
        (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive() - chrono::Duration::days(1);
    {
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use server::entities::outreach_request;
        outreach_request::Entity::update_many()
            .col_expr(outreach_request::Column::Deadline, Expr::value(yesterday))
            .filter(outreach_request::Column::Id.eq(late.parse::<uuid::Uuid>().unwrap()))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let mut event = draft("説明会の開催");
    event["kind"] = json!("recruitment_event");
    let draft_id = id_of(&create(&hirosaki, event).await);

    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{late}"))
        .await;
    assert_eq!(seen["overdue"], true);
    assert_eq!(
        listed(&coordinator, "?overdue=true").await,
        vec![late.clone()]
    );
    assert_eq!(
        listed(&hirosaki, "?state=draft").await,
        vec![draft_id.clone()]
    );
    assert_eq!(
        listed(&hirosaki, "?kind=recruitment_event").await,
        vec![draft_id.clone()]
    );
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    assert_eq!(
        listed(&coordinator, &format!("?organisation={keieisha_org}")).await,
        vec![late.clone()]
    );
    let hirosaki_platform = app.platform_id("hirosaki").await;
    let hachinohe_platform = app.platform_id("hachinohe").await;
    assert_eq!(
        listed(&coordinator, &format!("?platform={hirosaki_platform}"))
            .await
            .len(),
        2
    );
    assert!(
        listed(&coordinator, &format!("?platform={hachinohe_platform}"))
            .await
            .is_empty()
    );
    // Overdue first (soonest deadline first), one per page.
    let first = coordinator
        .get_json("/api/v1/outreach-requests?per_page=1&page=0")
        .await;
    assert_eq!(first["total"], 2);
    assert_eq!(first["items"][0]["id"], late.as_str());
    let second = coordinator
        .get_json("/api/v1/outreach-requests?per_page=1&page=1")
        .await;
    assert_eq!(second["items"][0]["id"], draft_id.as_str());
    // A page past the end is empty, up to the documented bound (100,000); beyond it, and
    // at u64::MAX, the page is refused rather than cast (numbers_dates.rs has the rest).
    let far = coordinator
        .get_json("/api/v1/outreach-requests?per_page=100&page=100000")
        .await;
    assert_eq!(
        (far["total"].as_u64(), far["items"].as_array().map(Vec::len)),
        (Some(2), Some(0))
    );
    let r = coordinator
        .get(&format!(
            "/api/v1/outreach-requests?per_page=100&page={}",
            u64::MAX
        ))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_query".into())
    );

    let r = coordinator
        .get("/api/v1/outreach-requests?state=lost")
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_query".into())
    );
    // Only municipal staff draft requests.
    let r = coordinator
        .post("/api/v1/outreach-requests", &draft("県からの依頼"))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_platform".into())
    );
}

#[tokio::test]
async fn exports_read_back_in_japanese_with_no_formulas_and_only_what_one_may_see() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let shokokai = app.sign_in(SHOKOKAI).await;
    let mut body = draft("=HYPERLINK(\"http://example.invalid\",\"開く\")");
    body["deadline"] = json!("2027-03-31");
    let id = id_of(&create(&hirosaki, body).await);
    step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
    create(&hirosaki, draft("+81 で始まる件名ではない普通の依頼")).await;

    // CSV: a byte-order mark and CRLF for Excel on Japanese Windows, Japanese headers,
    // 和暦 dates, and the formula defused.
    let r = coordinator
        .get("/api/v1/outreach-requests/export.csv?state=submitted")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = r.bytes().await.unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "a UTF-8 byte-order mark"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.len(),
        2,
        "the header and the one submitted request: {text}"
    );
    assert!(lines[0].starts_with("件名,種類,状態,依頼元"));
    assert!(lines[1].starts_with("\"'=HYPERLINK("), "{}", lines[1]);
    assert!(lines[1].contains("受け入れ先の開拓") && lines[1].contains("提出済み"));
    assert!(lines[1].contains("令和9年3月31日") && lines[1].contains("2027-03-31"));

    // xlsx: the same rows; the title is a string cell, never a formula.
    let r = coordinator
        .get("/api/v1/outreach-requests/export.xlsx")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>"), "no formula cells: {sheet}");
    let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
    for expected in [
        "件名",
        "回答期限（和暦）",
        "=HYPERLINK(",
        "令和9年3月31日",
        "弘前市 就職氷河期世代活躍支援プラットフォーム",
    ] {
        assert!(
            strings.contains(expected) || strings.contains(&expected.replace('"', "&quot;")),
            "{expected} in {strings}"
        );
    }
    assert!(strings.contains("+81 で始まる件名ではない普通の依頼"));

    // Someone the requests are not for exports nothing of them.
    let r = shokokai.get("/api/v1/outreach-requests/export.csv").await;
    let text = String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap();
    assert_eq!(
        text.trim_start_matches('\u{feff}')
            .trim_end()
            .lines()
            .count(),
        1,
        "{text}"
    );
    let r = shokokai.get("/api/v1/outreach-requests/export.xlsx").await;
    let bytes = r.bytes().await.unwrap();
    assert!(!xlsx_part(&bytes, "xl/sharedStrings.xml").contains("HYPERLINK"));
}

#[tokio::test]
async fn overdue_turns_at_midnight_japan_time_across_the_fiscal_year_boundary() {
    use chrono::TimeZone;
    // A deadline on the last day of the fiscal year, 2027-03-31 (Japan).
    let check = |now: chrono::DateTime<chrono::Utc>, expected: bool| async move {
        let app = TestApp::spawn_with(|c| c.fixed_now = Some(now)).await;
        let hirosaki = app.sign_in(HIROSAKI).await;
        let coordinator = app.sign_in(COORDINATOR).await;
        let mut body = draft("年度末が期限の依頼");
        body["deadline"] = json!("2027-03-31");
        let id = id_of(&create(&hirosaki, body).await);
        step_ok(&hirosaki, &id, json!({"action": "submit"})).await;
        let seen = coordinator
            .get_json(&format!("/api/v1/outreach-requests/{id}"))
            .await;
        assert_eq!(seen["overdue"], expected, "at {now}");
        let listed = listed(&coordinator, "?overdue=true").await;
        assert_eq!(listed.contains(&id), expected, "overdue list at {now}");
    };
    // 23:59 on 3/31 in Japan (14:59 UTC): still in time.
    check(
        chrono::Utc
            .with_ymd_and_hms(2027, 3, 31, 14, 59, 0)
            .unwrap(),
        false,
    )
    .await;
    // 00:00 on 4/1 in Japan (15:00 UTC on 3/31): the new fiscal year, and overdue.
    check(
        chrono::Utc.with_ymd_and_hms(2027, 3, 31, 15, 0, 0).unwrap(),
        true,
    )
    .await;
}
