//! Council meetings (issue 18, guidelines §5): planning, updating and listing with the
//! version check; every step from every state; attendance by the organisations before
//! the start and by the secretariat after it, proxies; the count of held meetings per
//! 年度 across the April boundary in Japan time, on a fixed clock; the .ics file; the
//! isolation matrix (another network, and those neither working on the platform nor
//! invited) on every endpoint, list, count, notification and the feed; hostile input,
//! replays and races.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sync::{ids, pull_all};

const COORDINATOR: &str = "coordinator@aomori.example";
const DEPUTY: &str = "shoko-rodo@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";

/// The organisations of あおもりPF's member table: 14 members and 3 observers.
const AOMORI_INVITED: usize = 17;

/// A time `hours` from `now`, as an RFC 3339 instant.
fn hours_from(now: chrono::DateTime<chrono::Utc>, hours: i64) -> String {
    (now + chrono::Duration::hours(hours)).to_rfc3339()
}

fn meeting_body(platform: uuid::Uuid, starts_at: &str, ends_at: &str) -> Value {
    json!({
        "platform_id": platform,
        "title": "令和8年度 第1回 協議会",
        "kind": "regular",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": "青森合同庁舎 2階 大会議室",
        "online_url": "https://meet.example.jp/aomori",
        "agenda": [{"title": "KPIの進捗"}, {"title": "意見交換"}],
    })
}

/// A meeting of あおもりPF `hours` from now (negative: already started), two hours long.
async fn plan(app: &TestApp, user: &User, hours: i64) -> Value {
    let now = app.state.config.now();
    let aomori = app.platform_id("aomori").await;
    ok_created(
        user.post(
            "/api/v1/meetings",
            &meeting_body(aomori, &hours_from(now, hours), &hours_from(now, hours + 2)),
        )
        .await,
    )
    .await
}

fn path(meeting: &Value) -> String {
    format!("/api/v1/meetings/{}", meeting["id"].as_str().unwrap())
}

async fn step(user: &User, meeting: &Value, action: &str) -> reqwest::Response {
    user.post(
        &format!("{}/steps", path(meeting)),
        &json!({"version": meeting["version"], "action": action}),
    )
    .await
}

async fn answer(user: &User, meeting: &Value, body: Value) -> reqwest::Response {
    user.put(&format!("{}/attendance", path(meeting)), &body)
        .await
}

async fn listed(user: &User) -> Vec<String> {
    user.get_json("/api/v1/meetings").await["meetings"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect()
}

async fn notified(user: &User, id: &str) -> Vec<(Value, Value)> {
    user.get_json("/api/v1/notifications")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["meeting_id"] == id)
        .map(|n| (n["kind"].clone(), n["subject"].clone()))
        .collect()
}

fn invitation<'a>(meeting: &'a Value, organisation: &str) -> &'a Value {
    meeting["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["organisation"]["name"] == organisation)
        .unwrap_or_else(|| panic!("{organisation} is invited: {meeting}"))
}

#[tokio::test]
async fn the_secretariat_plans_updates_and_lists_meetings() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let liaison = app.sign_in(LIAISON).await;
    let keieisha = app.sign_in(KEIEISHA).await;

    let first = plan(&app, &coordinator, 48).await;
    assert_eq!(first["state"], "planned");
    assert_eq!(first["version"], 1);
    assert_eq!(first["may_manage"], true);
    assert_eq!(
        first["platform"]["name"],
        "あおもり就職氷河期世代活躍支援プラットフォーム"
    );
    assert_eq!(
        first["invitations"].as_array().unwrap().len(),
        AOMORI_INVITED,
        "every member and observer by default"
    );
    assert!(first["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["attendance"] == "unanswered"));
    assert_eq!(first["agenda"][1]["position"], 2);
    assert_eq!(first["agenda"][1]["title"], "意見交換");
    let second = plan(&app, &deputy, 24 * 7).await;
    assert_eq!(
        listed(&keieisha).await,
        [
            second["id"].as_str().unwrap(),
            first["id"].as_str().unwrap()
        ],
        "newest first, to an invited organisation too"
    );
    let seen = ok(keieisha.get(&path(&first)).await).await;
    assert_eq!(seen["may_manage"], false);
    assert_eq!(
        seen["may_answer_for"],
        json!(app.organisation_id(KEIEISHA_ORG).await),
        "an invited organisation answers for itself before the start"
    );

    // Invited organisations hear of it; the one who planned it does not.
    let id = first["id"].as_str().unwrap();
    assert_eq!(
        notified(&keieisha, id).await,
        [(json!("meeting_invited"), json!("令和8年度 第1回 協議会"))]
    );
    assert!(notified(&coordinator, id).await.is_empty());

    // The details and agenda rewritten at the version read; a stale version is refused.
    let mut update = meeting_body(
        app.platform_id("aomori").await,
        first["starts_at"].as_str().unwrap(),
        first["ends_at"].as_str().unwrap(),
    );
    update["version"] = first["version"].clone();
    update["title"] = json!("第1回 協議会（会場変更）");
    update["place"] = json!("");
    update["online_url"] = json!("");
    update["agenda"] = json!([{"title": "報告"}]);
    let updated = ok(coordinator.put(&path(&first), &update).await).await;
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["title"], "第1回 協議会（会場変更）");
    assert_eq!(updated["online_url"], Value::Null);
    assert_eq!(updated["agenda"].as_array().unwrap().len(), 1);
    let (status, code) = error_code(deputy.put(&path(&first), &update).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "edit_conflict")
    );

    // Only the platform's secretariat plans and changes: staff of it may read, not write.
    let (status, _) = error_code(liaison.put(&path(&first), &update).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let aomori = app.platform_id("aomori").await;
    let body = meeting_body(
        aomori,
        &hours_from(chrono::Utc::now(), 5),
        &hours_from(chrono::Utc::now(), 6),
    );
    let (status, code) = error_code(liaison.post("/api/v1/meetings", &body).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    // The prefectural secretariat does not run a municipal platform's meetings.
    let mut city_body = body.clone();
    city_body["platform_id"] = json!(app.platform_id("aomori-city").await);
    let (status, code) = error_code(coordinator.post("/api/v1/meetings", &city_body).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_platform")
    );

    // A municipal platform's coordinator plans its own, with its own members invited.
    app.grant(AOMORI_CITY, "aomori-city", app::domain::Role::Coordinator)
        .await;
    let city = app.sign_in(AOMORI_CITY).await;
    let municipal = ok_created(city.post("/api/v1/meetings", &city_body).await).await;
    let mut invited: Vec<&str> = municipal["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["organisation"]["name"].as_str().unwrap())
        .collect();
    invited.sort();
    assert_eq!(invited, ["青森市", "青森県 健康福祉部"]);
    // An explicit list, each organisation once.
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let mut chosen = body.clone();
    chosen["invited_organisation_ids"] = json!([keieisha_org, keieisha_org]);
    let few = ok_created(coordinator.post("/api/v1/meetings", &chosen).await).await;
    assert_eq!(few["invitations"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn every_step_from_every_state() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let liaison = app.sign_in(LIAISON).await;

    // Holding a meeting that has not started is refused.
    let future = plan(&app, &coordinator, 2).await;
    let (status, code) = error_code(step(&coordinator, &future, "hold").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_started")
    );

    // (state reached by, action, the state after or the error code)
    let table: [(&[&str], &str, Result<&str, &str>); 9] = [
        (&[], "hold", Ok("held")),
        (&[], "cancel", Ok("cancelled")),
        (&[], "reopen", Err("invalid_transition")),
        (&["hold"], "hold", Err("invalid_transition")),
        (&["hold"], "cancel", Err("invalid_transition")),
        (&["hold"], "reopen", Err("invalid_transition")),
        (&["cancel"], "hold", Err("invalid_transition")),
        (&["cancel"], "cancel", Err("invalid_transition")),
        (&["cancel"], "reopen", Ok("planned")),
    ];
    for (before, action, expected) in table {
        let mut meeting = plan(&app, &coordinator, -1).await;
        for b in before {
            meeting = ok(step(&coordinator, &meeting, b).await).await;
        }
        // Neither an invited organisation nor the platform's staff take steps.
        for other in [&keieisha, &liaison] {
            let (status, _) = error_code(step(other, &meeting, action).await).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{before:?} {action}");
        }
        let r = step(&coordinator, &meeting, action).await;
        match expected {
            Ok(state) => {
                let after = ok(r).await;
                assert_eq!(after["state"], state, "{before:?} {action}");
                assert_eq!(after["version"], meeting["version"].as_i64().unwrap() + 1);
                // The step was taken at the version read: again is a conflict.
                let (status, code) = error_code(step(&coordinator, &meeting, action).await).await;
                assert_eq!(
                    (status, code.as_str()),
                    (StatusCode::CONFLICT, "edit_conflict")
                );
            }
            Err(want) => {
                let (status, code) = error_code(r).await;
                assert_eq!(
                    (status, code.as_str()),
                    (StatusCode::CONFLICT, want),
                    "{before:?} {action}"
                );
            }
        }
    }
    // A held or cancelled meeting is not rewritten.
    let held = plan(&app, &coordinator, -1).await;
    let held = ok(step(&coordinator, &held, "hold").await).await;
    let mut update = meeting_body(
        app.platform_id("aomori").await,
        held["starts_at"].as_str().unwrap(),
        held["ends_at"].as_str().unwrap(),
    );
    update["version"] = held["version"].clone();
    let (status, code) = error_code(coordinator.put(&path(&held), &update).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "meeting_not_planned")
    );
}

#[tokio::test]
async fn organisations_answer_before_the_start_and_the_secretariat_corrects_after() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let liaison_org = app.organisation_id("青森県 健康福祉部").await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let observer_org = app.organisation_id("八戸市").await;
    let city_org = app.organisation_id("青森市").await;

    let ahead = plan(&app, &coordinator, 24).await;
    let answered = ok(answer(&keieisha, &ahead, json!({"attendance": "attending"})).await).await;
    let mine = invitation(&answered, KEIEISHA_ORG);
    assert_eq!(mine["attendance"], "attending");
    assert_eq!(mine["corrected_by_secretariat"], false);
    assert!(mine["answered_at"].is_string());
    // Its own organisation only.
    let (status, _) = error_code(
        answer(
            &keieisha,
            &ahead,
            json!({"organisation_id": city_org, "attendance": "absent"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Proxy rules: required with proxy and only then; a member organisation of the
    // platform (not an observer), not the organisation itself.
    for (body, code) in [
        (json!({"attendance": "proxy"}), "invalid_proxy"),
        (
            json!({"attendance": "proxy", "proxy_organisation_id": city_org}),
            "invalid_proxy",
        ),
        (
            json!({"attendance": "proxy", "proxy_organisation_id": observer_org}),
            "invalid_proxy",
        ),
        (
            json!({"attendance": "proxy", "proxy_organisation_id": uuid::Uuid::new_v4()}),
            "invalid_proxy",
        ),
        (
            json!({"attendance": "attending", "proxy_organisation_id": liaison_org}),
            "invalid_proxy",
        ),
        (json!({"attendance": "unanswered"}), "invalid_field"),
        (json!({"attendance": "maybe"}), "invalid_field"),
    ] {
        let (status, got) = error_code(answer(&city, &ahead, body.clone()).await).await;
        assert_eq!(
            (status, got.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{body}"
        );
    }
    let proxied = ok(answer(
        &city,
        &ahead,
        json!({"attendance": "proxy", "proxy_organisation_id": liaison_org}),
    )
    .await)
    .await;
    let by_proxy = invitation(&proxied, "青森市");
    assert_eq!(by_proxy["attendance"], "proxy");
    assert_eq!(by_proxy["proxy"]["name"], "青森県 健康福祉部");

    // After the start the organisation may not answer; the secretariat corrects, and the
    // answer says so.
    let started = plan(&app, &coordinator, -1).await;
    let (status, code) =
        error_code(answer(&keieisha, &started, json!({"attendance": "absent"})).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "answers_closed")
    );
    let corrected = ok(answer(
        &coordinator,
        &started,
        json!({"organisation_id": keieisha_org, "attendance": "absent"}),
    )
    .await)
    .await;
    let fixed = invitation(&corrected, KEIEISHA_ORG);
    assert_eq!(fixed["attendance"], "absent");
    assert_eq!(fixed["corrected_by_secretariat"], true);
    assert_eq!(
        ok(keieisha.get(&path(&started)).await).await["may_answer_for"],
        Value::Null
    );
    // Held: still corrected by the secretariat, still not by the organisation.
    let held = ok(step(&coordinator, &started, "hold").await).await;
    let (status, code) =
        error_code(answer(&keieisha, &held, json!({"attendance": "attending"})).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "answers_closed")
    );
    ok(answer(
        &coordinator,
        &held,
        json!({"organisation_id": keieisha_org, "attendance": "attending"}),
    )
    .await)
    .await;

    // An organisation not invited: the secretariat is told so; its own users cannot see it.
    let aomori = app.platform_id("aomori").await;
    let now = chrono::Utc::now();
    let mut body = meeting_body(aomori, &hours_from(now, 3), &hours_from(now, 4));
    body["invited_organisation_ids"] = json!([liaison_org]);
    let small = ok_created(coordinator.post("/api/v1/meetings", &body).await).await;
    let (status, code) = error_code(
        answer(
            &coordinator,
            &small,
            json!({"organisation_id": keieisha_org, "attendance": "attending"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_organisation")
    );
    let (status, _) =
        error_code(answer(&keieisha, &small, json!({"attendance": "attending"})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A cancelled meeting takes no answers.
    let cancelled = ok(step(&coordinator, &ahead, "cancel").await).await;
    let (status, code) =
        error_code(answer(&keieisha, &cancelled, json!({"attendance": "absent"})).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "meeting_cancelled")
    );
}

/// A meeting at a Japan time, one hour long, held; `Err` with the error code when it may
/// not be held yet.
async fn held_at(user: &User, platform: uuid::Uuid, japan: &str) -> Result<Value, String> {
    let starts = chrono::DateTime::parse_from_rfc3339(japan).unwrap();
    let ends = starts + chrono::Duration::hours(1);
    let meeting = ok_created(
        user.post(
            "/api/v1/meetings",
            &meeting_body(platform, &starts.to_rfc3339(), &ends.to_rfc3339()),
        )
        .await,
    )
    .await;
    let r = step(user, &meeting, "hold").await;
    if r.status() == StatusCode::OK {
        Ok(r.json().await.unwrap())
    } else {
        Err(error_code(r).await.1)
    }
}

fn count_for<'a>(page: &'a Value, platform: &str) -> Option<&'a Value> {
    page["compliance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["platform"]["name"] == platform)
}

const AOMORI_NAME: &str = "あおもり就職氷河期世代活躍支援プラットフォーム";

#[tokio::test]
async fn held_meetings_count_in_the_japan_fiscal_year_they_start_in() {
    // 2026-04-01 01:00 in Japan: 令和8年度 began an hour ago (still 31 March in UTC).
    let now = chrono::DateTime::parse_from_rfc3339("2026-04-01T01:00:00+09:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let app = TestApp::spawn_with(|c| c.fixed_now = Some(now)).await;
    let _iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;

    let late_march = held_at(&coordinator, aomori, "2026-03-31T23:30:00+09:00")
        .await
        .unwrap();
    assert_eq!(late_march["fiscal_year"], 2025, "令和7年度");
    let early_april = held_at(&coordinator, aomori, "2026-04-01T00:30:00+09:00")
        .await
        .unwrap();
    assert_eq!(early_april["fiscal_year"], 2026, "令和8年度");
    // Planned and cancelled meetings do not count.
    plan(&app, &coordinator, 0).await;
    let cancelled = plan(&app, &coordinator, 1).await;
    ok(step(&coordinator, &cancelled, "cancel").await).await;

    let page = coordinator.get_json("/api/v1/meetings").await;
    let count = count_for(&page, AOMORI_NAME).expect("its own platform");
    assert_eq!(count["fiscal_year"], 2026);
    assert_eq!(count["held"], 1, "only the April meeting: {page}");
    assert_eq!(count["required"], 2);
    assert_eq!(count["met"], false);
    // The prefectural secretariat sees each municipal platform of its network, first its own.
    assert_eq!(page["compliance"][0]["platform"]["name"], AOMORI_NAME);
    for city in [
        "青森市 就職氷河期世代活躍支援プラットフォーム",
        "八戸市 就職氷河期世代活躍支援プラットフォーム",
        "弘前市 就職氷河期世代活躍支援プラットフォーム",
    ] {
        assert_eq!(count_for(&page, city).expect(city)["held"], 0);
    }
    assert!(count_for(&page, IWATE_PLATFORM_NAME).is_none());

    // A second held meeting in April meets the rule.
    held_at(&coordinator, aomori, "2026-04-01T00:40:00+09:00")
        .await
        .unwrap();
    let page = coordinator.get_json("/api/v1/meetings").await;
    let count = count_for(&page, AOMORI_NAME).unwrap();
    assert_eq!(
        (count["held"].as_i64(), count["met"].as_bool()),
        (Some(2), Some(true))
    );

    // A municipal platform's count is its own; a city sees only its own platform.
    app.grant(AOMORI_CITY, "aomori-city", app::domain::Role::Coordinator)
        .await;
    let city = app.sign_in(AOMORI_CITY).await;
    let city_platform = app.platform_id("aomori-city").await;
    held_at(&city, city_platform, "2026-04-01T00:10:00+09:00")
        .await
        .unwrap();
    let hirosaki = app.sign_in(HIROSAKI).await;
    let theirs = hirosaki.get_json("/api/v1/meetings").await;
    let names: Vec<&str> = theirs["compliance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["platform"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["弘前市 就職氷河期世代活躍支援プラットフォーム"]);
    let page = coordinator.get_json("/api/v1/meetings").await;
    assert_eq!(
        count_for(&page, "青森市 就職氷河期世代活躍支援プラットフォーム").unwrap()["held"],
        1
    );
    // Another network counts nothing of Aomori's.
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let theirs = iwate.get_json("/api/v1/meetings").await;
    assert!(theirs["meetings"].as_array().unwrap().is_empty());
    assert!(count_for(&theirs, AOMORI_NAME).is_none());
    assert_eq!(count_for(&theirs, IWATE_PLATFORM_NAME).unwrap()["held"], 0);
}

#[tokio::test]
async fn before_the_april_boundary_the_late_march_meeting_counts_for_the_old_year() {
    // 2026-03-31 23:50 in Japan: still 令和7年度.
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-31T23:50:00+09:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let app = TestApp::spawn_with(|c| c.fixed_now = Some(now)).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    held_at(&coordinator, aomori, "2025-04-01T00:00:00+09:00")
        .await
        .unwrap();
    held_at(&coordinator, aomori, "2026-03-31T23:30:00+09:00")
        .await
        .unwrap();
    // Not yet started: it cannot be held, and would count for the next year anyway.
    assert_eq!(
        held_at(&coordinator, aomori, "2026-04-01T00:30:00+09:00")
            .await
            .unwrap_err(),
        "not_started"
    );
    // The year before does not count.
    held_at(&coordinator, aomori, "2025-03-31T23:59:00+09:00")
        .await
        .unwrap();
    let page = coordinator.get_json("/api/v1/meetings").await;
    let count = count_for(&page, AOMORI_NAME).unwrap();
    assert_eq!(count["fiscal_year"], 2025);
    assert_eq!(
        (count["held"].as_i64(), count["met"].as_bool()),
        (Some(2), Some(true))
    );
}

/// The lines of an iCalendar text unfolded (RFC 5545 §3.1).
fn unfolded(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in text.split("\r\n") {
        if let Some(rest) = line.strip_prefix(' ') {
            lines.last_mut().expect("a first line").push_str(rest);
        } else if !line.is_empty() {
            lines.push(line.to_string());
        }
    }
    lines
}

#[tokio::test]
async fn each_meeting_is_a_valid_icalendar_event() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let aomori = app.platform_id("aomori").await;
    let title = "協議会; 議題: KPI, 計画\\提案 — 就職氷河期世代活躍支援プラットフォームの令和8年度第1回協議会（青森合同庁舎）";
    let mut body = meeting_body(
        aomori,
        "2026-03-31T23:30:00+09:00",
        "2026-04-01T01:00:00+09:00",
    );
    body["title"] = json!(title);
    body["place"] = json!("青森合同庁舎, 2階 大会議室");
    let meeting = ok_created(coordinator.post("/api/v1/meetings", &body).await).await;
    let ics_path = format!("{}/ics", path(&meeting));

    let r = keieisha.get(&ics_path).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = r.text().await.unwrap();
    // CRLF line endings only, each line at most 75 octets.
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "no bare LF");
    assert!(!text.replace("\r\n", "").contains('\r'), "no bare CR");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let lines = unfolded(&text);
    assert!(
        text.split("\r\n").count() > lines.len(),
        "the long title was folded"
    );
    let field = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}:")).map(str::to_string))
            .unwrap_or_else(|| panic!("{name} in {lines:?}"))
    };
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert_eq!(field("VERSION"), "2.0");
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
    // Escaped text: backslash, semicolon, comma.
    assert_eq!(
        field("SUMMARY"),
        title
            .replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
    );
    assert_eq!(field("LOCATION"), "青森合同庁舎\\, 2階 大会議室");
    assert!(field("DESCRIPTION").contains("\\n1. KPIの進捗\\n2. 意見交換"));
    // Japan times, with the time zone that defines them.
    assert_eq!(field("DTSTART;TZID=Asia/Tokyo"), "20260331T233000");
    assert_eq!(field("DTEND;TZID=Asia/Tokyo"), "20260401T010000");
    let zone: Vec<&str> = lines
        .iter()
        .skip_while(|l| *l != "BEGIN:VTIMEZONE")
        .take_while(|l| *l != "END:VTIMEZONE")
        .map(String::as_str)
        .collect();
    for want in [
        "TZID:Asia/Tokyo",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "BEGIN:STANDARD",
    ] {
        assert!(zone.contains(&want), "{want} in {zone:?}");
    }
    assert!(!zone
        .iter()
        .any(|l| l.starts_with("UID") || l.starts_with("DTSTAMP")));
    let uid = field("UID");
    assert_eq!(
        uid,
        format!("meeting-{}@kakehashi", meeting["id"].as_str().unwrap())
    );
    assert_eq!(field("SEQUENCE"), "0");
    assert_eq!(field("STATUS"), "CONFIRMED");
    assert_eq!(field("URL"), "https://meet.example.jp/aomori");

    // It parses back to the same event.
    let parsed: icalendar::Calendar = text.parse().expect("the file parses");
    use icalendar::Component;
    let event = parsed.events().next().expect("one event");
    assert_eq!(event.get_summary(), Some(title));
    assert_eq!(event.get_uid(), Some(uid.as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    match event.get_start() {
        Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::WithTimezone {
            date_time,
            tzid,
        })) => {
            assert_eq!(tzid, "Asia/Tokyo");
            assert_eq!(date_time.to_string(), "2026-03-31 23:30:00");
        }
        other => panic!("a start in Asia/Tokyo: {other:?}"),
    }

    // The same UID after a change, a higher SEQUENCE; cancelled says so.
    let cancelled = ok(step(&coordinator, &meeting, "cancel").await).await;
    let text = keieisha.get(&ics_path).await.text().await.unwrap();
    let lines = unfolded(&text);
    assert!(lines.contains(&format!("UID:{uid}")));
    assert!(lines.contains(&format!(
        "SEQUENCE:{}",
        cancelled["version"].as_i64().unwrap() - 1
    )));
    assert!(lines.contains(&"STATUS:CANCELLED".to_string()));
}

#[tokio::test]
async fn another_network_and_the_uninvited_see_nothing() {
    let app = TestApp::spawn().await;
    let iwate_network = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let morioka = app.sign_in(MORIOKA_STAFF).await;
    let liaison = app.sign_in(LIAISON).await;
    app.grant(AOMORI_CITY, "aomori-city", app::domain::Role::Coordinator)
        .await;
    let city = app.sign_in(AOMORI_CITY).await;
    let mut starts = Vec::new();
    for u in [&keieisha, &hirosaki, &iwate, &morioka, &liaison] {
        starts.push(pull_all(u, 0).await.1);
    }

    let prefectural = plan(&app, &coordinator, 24).await;
    let now = chrono::Utc::now();
    let mut body = meeting_body(
        app.platform_id("aomori-city").await,
        &hours_from(now, 24),
        &hours_from(now, 25),
    );
    body["agenda"] = json!([]);
    let municipal = ok_created(city.post("/api/v1/meetings", &body).await).await;

    // (who, sees the prefectural meeting, sees the municipal one)
    let readers = [
        ("invited economic organisation", &keieisha, true, false),
        ("another city (invited observer)", &hirosaki, true, false),
        ("another network", &iwate, false, false),
        ("another network's city", &morioka, false, false),
        ("liaison (works on both)", &liaison, true, true),
    ];
    for (i, (who, user, sees_prefectural, sees_municipal)) in readers.iter().enumerate() {
        let (changes, _) = pull_all(user, starts[i]).await;
        let fed = ids(&changes, "meeting", "upsert");
        let in_list = listed(user).await;
        for (meeting, sees) in [
            (&prefectural, *sees_prefectural),
            (&municipal, *sees_municipal),
        ] {
            let id = meeting["id"].as_str().unwrap();
            assert_eq!(fed.contains(id), sees, "{who}: feed of {id}");
            assert_eq!(in_list.iter().any(|m| m == id), sees, "{who}: list");
            if sees {
                ok(user.get(&path(meeting)).await).await;
                continue;
            }
            let p = path(meeting);
            let mut update = meeting_body(
                app.platform_id("aomori").await,
                &hours_from(now, 5),
                &hours_from(now, 6),
            );
            update["version"] = json!(1);
            for r in [
                user.get(&p).await,
                user.put(&p, &update).await,
                user.post(
                    &format!("{p}/steps"),
                    &json!({"version": 1, "action": "cancel"}),
                )
                .await,
                user.put(
                    &format!("{p}/attendance"),
                    &json!({"attendance": "attending"}),
                )
                .await,
                user.get(&format!("{p}/ics")).await,
            ] {
                let (status, code) = error_code(r).await;
                assert_eq!(
                    (status, code.as_str()),
                    (StatusCode::NOT_FOUND, "not_found"),
                    "{who}: {p}"
                );
            }
            assert!(
                notified(user, id).await.is_empty(),
                "{who}: no notification"
            );
        }
    }
    // Another network's coordinator cannot plan on Aomori's platform, nor Aomori's on theirs.
    let (status, code) = error_code(
        iwate
            .post(
                "/api/v1/meetings",
                &meeting_body(
                    app.platform_id("aomori").await,
                    &hours_from(now, 3),
                    &hours_from(now, 4),
                ),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_platform")
    );
    let mut foreign = meeting_body(
        app.platform_id("aomori").await,
        &hours_from(now, 3),
        &hours_from(now, 4),
    );
    foreign["invited_organisation_ids"] = json!([iwate_network.organisation_ids[0]]);
    let (status, code) = error_code(coordinator.post("/api/v1/meetings", &foreign).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_organisation")
    );
    // Iwate's own meeting stays in Iwate.
    let theirs = ok_created(
        iwate
            .post(
                "/api/v1/meetings",
                &meeting_body(
                    iwate_network.platform_id,
                    &hours_from(now, 3),
                    &hours_from(now, 4),
                ),
            )
            .await,
    )
    .await;
    assert_eq!(theirs["invitations"].as_array().unwrap().len(), 3);
    assert_eq!(
        coordinator.get(&path(&theirs)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(ok(morioka.get(&path(&theirs)).await).await["may_manage"] == false);
}

#[tokio::test]
async fn agenda_links_are_to_records_of_the_network_the_secretariat_sees() {
    let app = TestApp::spawn().await;
    let iwate_network = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let proposal = ok_created(
        city.post(
            "/api/v1/proposals",
            &json!({"title": "共通様式の提案", "proposal": "県が示すこと。"}),
        )
        .await,
    )
    .await;
    let aomori = app.platform_id("aomori").await;
    let now = chrono::Utc::now();
    let mut body = meeting_body(aomori, &hours_from(now, 24), &hours_from(now, 25));
    body["agenda"] = json!([{"title": "政策提案", "proposal_id": proposal["id"],
                             "presenter_organisation_id": app.organisation_id("青森市").await}]);
    let meeting = ok_created(coordinator.post("/api/v1/meetings", &body).await).await;
    assert_eq!(meeting["agenda"][0]["proposal"]["name"], "共通様式の提案");
    assert_eq!(meeting["agenda"][0]["presenter"]["name"], "青森市");
    // 弘前市 is invited but may not read the unpublished proposal: not named to it.
    let seen = ok(hirosaki.get(&path(&meeting)).await).await;
    assert_eq!(seen["agenda"][0]["proposal"]["id"], proposal["id"]);
    assert_eq!(seen["agenda"][0]["proposal"]["name"], "");

    // Another network's proposal, an unknown record, two links at once, half a plan link.
    let theirs = ok_created(
        iwate
            .post(
                "/api/v1/proposals",
                &json!({"title": "岩手の提案", "proposal": "提案。"}),
            )
            .await,
    )
    .await;
    let unknown = uuid::Uuid::new_v4();
    for (item, code) in [
        (
            json!({"title": "x", "proposal_id": theirs["id"]}),
            "invalid_link",
        ),
        (
            json!({"title": "x", "proposal_id": unknown}),
            "invalid_link",
        ),
        (json!({"title": "x", "kpi_id": unknown}), "invalid_link"),
        (
            json!({"title": "x", "plan_id": unknown, "plan_item_id": unknown}),
            "invalid_link",
        ),
        (
            json!({"title": "x", "plan_item_id": unknown}),
            "invalid_link",
        ),
        (
            json!({"title": "x", "kpi_id": unknown, "proposal_id": proposal["id"]}),
            "invalid_link",
        ),
        (
            json!({"title": "x", "presenter_organisation_id": iwate_network.organisation_ids[0]}),
            "invalid_organisation",
        ),
        (
            json!({"title": "x", "presenter_organisation_id": unknown}),
            "invalid_organisation",
        ),
    ] {
        let mut bad = body.clone();
        bad["agenda"] = json!([item.clone()]);
        let (status, got) = error_code(coordinator.post("/api/v1/meetings", &bad).await).await;
        assert_eq!(
            (status, got.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{item}"
        );
    }
}

#[tokio::test]
async fn hostile_input_is_refused_with_a_json_error() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let now = chrono::Utc::now();
    let body = meeting_body(aomori, &hours_from(now, 24), &hours_from(now, 26));
    let with = |field: &str, value: Value| {
        let mut b = body.clone();
        b[field] = value;
        b
    };
    let agenda = |title: &str| with("agenda", json!([{ "title": title }]));
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"title": format!("議題{i}")}))
        .collect();
    for (bad, code) in [
        (with("title", json!("協議会\u{0}")), "invalid_field"),
        (with("title", json!("協議会\u{202e}")), "invalid_field"),
        (with("title", json!("協議\u{200b}会")), "invalid_field"),
        (with("title", json!("協議会\n第2回")), "invalid_field"),
        (with("title", json!("  ")), "invalid_field"),
        (with("title", json!("あ".repeat(201))), "invalid_field"),
        (with("place", json!("会場\u{2066}")), "invalid_field"),
        (with("place", json!("い".repeat(201))), "invalid_field"),
        (agenda("議題\u{feff}"), "invalid_field"),
        (agenda(""), "invalid_field"),
        (with("agenda", json!(many)), "invalid_field"),
        (
            with("online_url", json!("javascript:alert(1)")),
            "invalid_url",
        ),
        (
            with("online_url", json!("http://meet.example.jp/")),
            "invalid_url",
        ),
        (
            with("online_url", json!("https://u:p@meet.example.jp/")),
            "invalid_url",
        ),
        (
            with(
                "online_url",
                json!(format!("https://meet.example.jp/{}", "a".repeat(2000))),
            ),
            "invalid_url",
        ),
        (
            with("ends_at", json!(hours_from(now, 23))),
            "invalid_period",
        ),
        (with("ends_at", body["starts_at"].clone()), "invalid_period"),
        (
            with("ends_at", json!(hours_from(now, 24 + 25))),
            "invalid_period",
        ),
        (
            with("starts_at", json!("1999-06-01T10:00:00+09:00")),
            "invalid_field",
        ),
        (
            with("ends_at", json!("2101-06-01T10:00:00+09:00")),
            "invalid_field",
        ),
        (
            with("starts_at", json!("+99999-01-01T00:00:00Z")),
            "invalid_field",
        ),
        (with("starts_at", json!("明日")), "invalid_field"),
        (with("kind", json!("party")), "invalid_field"),
        (with("platform_id", json!("not-a-uuid")), "invalid_field"),
        (
            with("invited_organisation_ids", json!([uuid::Uuid::new_v4()])),
            "invalid_organisation",
        ),
        (
            with("title", json!("連絡先 090-1234-5678")),
            "personal_data",
        ),
        (
            with("place", json!("青森市新町1丁目3-7 山田方")),
            "personal_data",
        ),
        (agenda("taro@example.jp さんの件"), "personal_data"),
    ] {
        let r = coordinator.post("/api/v1/meetings", &bad).await;
        let (status, got) = error_code(r).await;
        assert!(status.is_client_error(), "{bad}: {status}");
        assert_eq!(got, code, "{bad}");
    }
    assert!(
        listed(&coordinator).await.is_empty(),
        "nothing half-written"
    );

    // A PUT is checked the same way, and a version out of range is a conflict, not a 500.
    let meeting = plan(&app, &coordinator, 24).await;
    for version in [json!(-1), json!(1.5), json!(u64::MAX)] {
        let mut update = body.clone();
        update["version"] = version.clone();
        let r = coordinator.put(&path(&meeting), &update).await;
        assert!(r.status().is_client_error(), "{version}");
    }
    let mut update = with("online_url", json!("javascript:alert(1)"));
    update["version"] = json!(1);
    let (_, code) = error_code(coordinator.put(&path(&meeting), &update).await).await;
    assert_eq!(code, "invalid_url");
    let (status, _) = error_code(
        coordinator
            .put(
                &format!("/api/v1/meetings/{}", uuid::Uuid::new_v4()),
                &update,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_replayed_plan_is_one_meeting_and_racing_secretaries_get_one_conflict() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let aomori = app.platform_id("aomori").await;
    let now = chrono::Utc::now();
    let body = meeting_body(aomori, &hours_from(now, 24), &hours_from(now, 26));

    let key = uuid::Uuid::new_v4().to_string();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let r = coordinator
            .request(Method::POST, "/api/v1/meetings")
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        seen.push(r.json::<Value>().await.unwrap()["id"].clone());
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(listed(&coordinator).await.len(), 1);

    // Two secretaries save the same version at once: one wins, the other is told.
    let meeting = ok(coordinator
        .get(&format!("/api/v1/meetings/{}", seen[0].as_str().unwrap()))
        .await)
    .await;
    let mut mine = body.clone();
    mine["version"] = meeting["version"].clone();
    mine["title"] = json!("主担当の案");
    let mut theirs = mine.clone();
    theirs["title"] = json!("副担当の案");
    let p = path(&meeting);
    let (a, b) = tokio::join!(coordinator.put(&p, &mine), deputy.put(&p, &theirs));
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let after = ok(coordinator.get(&p).await).await;
    assert_eq!(after["version"], 2);
    let winner = if a.status() == StatusCode::OK {
        "主担当の案"
    } else {
        "副担当の案"
    };
    assert_eq!(after["title"], winner);
    let loser = if a.status() == StatusCode::OK { b } else { a };
    assert_eq!(error_code(loser).await.1, "edit_conflict");
}
