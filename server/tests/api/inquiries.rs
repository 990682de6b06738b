//! Inquiries (照会, issue: plan, KPIs, inquiries): the isolation matrix (the sending
//! secretariat, an addressee, another addressee, a member not asked, an economic
//! organisation, another network) on every endpoint, list and the sync feed; the answer
//! lifecycle with every state, returns, reminders and withdrawal; colleagues racing on
//! one answer; hostile input; the pages and their plain form posts.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sync::{ids, pull_all};

const COORDINATOR: &str = "coordinator@aomori.example";
const DEPUTY: &str = "shoko-rodo@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";

/// Today in Japan, as the API reads deadlines.
fn japan_today() -> chrono::NaiveDate {
    app::wareki::japan_today(chrono::Utc::now())
}

/// An inquiry to 青森市 and 八戸市: a required number, a text, a choice.
async fn body(app: &TestApp) -> Value {
    json!({
        "title": "令和8年度上半期 就労支援実績の照会",
        "instructions": "各市の上半期（4〜9月）の実績をご回答ください。",
        "deadline": (japan_today() + chrono::Days::new(14)).to_string(),
        "questions": [
            {"label": "就職者数", "kind": "number", "unit": "人", "required": true},
            {"label": "主な取組", "kind": "text"},
            {"label": "セミナーの実施", "kind": "choice", "choices": ["実施済み", "予定", "未定"]},
        ],
        "addressees": [
            app.organisation_id("青森市").await,
            app.organisation_id("八戸市").await,
        ],
    })
}

async fn create(user: &User, body: &Value) -> Value {
    let r = user.post("/api/v1/inquiries", body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn listed(user: &User) -> Vec<String> {
    user.get_json("/api/v1/inquiries")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// A second member of staff at 八戸市 (the demo has one), signed in.
async fn hachinohe_colleague(app: &TestApp, email: &str) -> User {
    let hash = server::accounts::password::hash(server::seed::DEMO_PASSWORD).unwrap();
    let organisation = app.organisation_id("八戸市").await;
    let colleague = server::admin::add_user(&app.db, email, "八戸市 担当", organisation, &hash)
        .await
        .unwrap();
    let platform = app.platform_id("hachinohe").await;
    server::admin::grant_role(&app.db, colleague.id, platform, app::domain::Role::Staff)
        .await
        .unwrap();
    app.sign_in(email).await
}

/// The kinds of the caller's notifications about inquiry `id`.
async fn told(user: &User, id: &str) -> Vec<String> {
    user.get_json("/api/v1/notifications")
        .await
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["inquiry_id"] == id)
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

fn answer_of<'a>(inquiry: &'a Value, organisation: &str) -> &'a Value {
    inquiry["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["organisation_name"] == organisation)
        .unwrap_or_else(|| panic!("{organisation}'s answer in {inquiry}"))
}

#[tokio::test]
async fn an_inquiry_is_its_senders_and_each_addressee_sees_its_own_answer_only() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let liaison = app.sign_in(LIAISON).await;
    let aomori_city = app.sign_in(AOMORI_CITY).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    // (who, user, sees the draft, sees it once sent)
    let readers = [
        ("deputy secretariat", &deputy, true, true),
        ("prefectural staff not asked", &liaison, false, false),
        ("addressee 青森市", &aomori_city, false, true),
        ("addressee 八戸市", &hachinohe, false, true),
        ("a city not asked", &hirosaki, false, false),
        ("economic organisation", &keieisha, false, false),
        ("another network", &iwate, false, false),
    ];
    let mut starts = Vec::new();
    for (_, u, _, _) in &readers {
        starts.push(pull_all(u, 0).await.1);
    }
    let inquiry = create(&coordinator, &body(&app).await).await;
    let id = inquiry["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/inquiries/{id}");
    assert_eq!(inquiry["status"], "draft");
    assert_eq!(inquiry["can_manage"], true);
    assert_eq!(inquiry["addressee_count"], 2);

    // A draft: the secretariat only, in lists, by id and in the feed.
    for (i, (who, user, sees, _)) in readers.iter().enumerate() {
        assert_eq!(listed(user).await.contains(&id), *sees, "{who} list");
        let status = user.get(&path).await.status();
        assert_eq!(status == StatusCode::OK, *sees, "{who} GET: {status}");
        let (changes, _) = pull_all(user, starts[i]).await;
        assert_eq!(
            ids(&changes, "inquiry", "upsert").contains(&id),
            *sees,
            "{who} feed"
        );
    }
    let hachinohe_org = app.organisation_id("八戸市").await;
    let r = hachinohe
        .put(
            &format!("{path}/answers/{hachinohe_org}"),
            &json!({"answers": ["1"], "version": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "a draft takes no answer");

    let r = coordinator.post(&format!("{path}/send"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Sent: the addressees see it; each sees its own answer and no other.
    for (i, (who, user, _, sees)) in readers.iter().enumerate() {
        assert_eq!(listed(user).await.contains(&id), *sees, "{who} list");
        let r = user.get(&path).await;
        assert_eq!(r.status() == StatusCode::OK, *sees, "{who} GET");
        if *sees {
            let v: Value = r.json().await.unwrap();
            let answers = v["answers"].as_array().unwrap().len();
            let manages = v["can_manage"].as_bool().unwrap();
            assert_eq!(answers, if manages { 2 } else { 1 }, "{who} answers");
            assert_eq!(v["addressee_count"], 2, "{who}");
        }
        let (changes, _) = pull_all(user, starts[i]).await;
        assert_eq!(
            ids(&changes, "inquiry", "upsert").contains(&id),
            *sees,
            "{who} feed"
        );
    }

    // 八戸市's draft answer reaches the sender, never 青森市 — by id, list or feed.
    let aomori_start = pull_all(&aomori_city, 0).await.1;
    let v = hachinohe.get_json(&path).await;
    let version = answer_of(&v, "八戸市")["version"].clone();
    let r = hachinohe
        .put(
            &format!("{path}/answers/{hachinohe_org}"),
            &json!({"answers": ["42", "八戸の独自セミナーを実施"], "version": version}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let seen = coordinator.get_json(&path).await;
    assert_eq!(answer_of(&seen, "八戸市")["status"], "draft");
    assert_eq!(answer_of(&seen, "八戸市")["answers"][0], "42");
    for text in [
        aomori_city.get(&path).await.text().await.unwrap(),
        aomori_city
            .get("/api/v1/inquiries")
            .await
            .text()
            .await
            .unwrap(),
        serde_json::to_string(&pull_all(&aomori_city, aomori_start).await.0).unwrap(),
        aomori_city
            .get(&format!("/inquiries/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    ] {
        assert!(
            !text.contains("八戸の独自セミナー"),
            "another's answer leaked"
        );
    }

    // Writes: the addressees may not run it (403); nobody else finds it (404); nobody
    // answers for another organisation.
    for (who, user, _, sees) in &readers[1..] {
        let expected = if *sees {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::NOT_FOUND
        };
        for action in ["send", "withdraw", "remind"] {
            let r = user.post(&format!("{path}/{action}"), &json!({})).await;
            assert_eq!(r.status(), expected, "{who} {action}");
        }
        let r = user
            .post(
                &format!("{path}/answers/{hachinohe_org}/accept"),
                &json!({"version": 1}),
            )
            .await;
        assert_eq!(r.status(), expected, "{who} accepts");
        assert_eq!(user.delete(&path).await.status(), expected, "{who} deletes");
        if *who != "addressee 八戸市" {
            let r = user
                .put(
                    &format!("{path}/answers/{hachinohe_org}"),
                    &json!({"answers": ["1"], "version": 2}),
                )
                .await;
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{who} answers for 八戸市"
            );
        }
    }
    let r = coordinator
        .put(
            &format!("{path}/answers/{hachinohe_org}"),
            &json!({"answers": ["1"], "version": 2}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "the sender answers for 八戸市"
    );
    // Another network cannot send from Aomori's platform.
    let mut foreign = body(&app).await;
    foreign["platform_id"] = json!(app.platform_id("aomori").await);
    let r = iwate.post("/api/v1/inquiries", &foreign).await;
    assert_eq!(error_code(r).await.1, "invalid_platform");
    let r = hachinohe.post("/api/v1/inquiries", &body(&app).await).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "staff send no inquiry");
}

#[tokio::test]
async fn an_answer_goes_from_unopened_to_accepted_through_every_state() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori_city = app.sign_in(AOMORI_CITY).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hachinohe_org = app.organisation_id("八戸市").await;
    // A colleague at 八戸市, to finish the draft.
    let colleague = hachinohe_colleague(&app, "hachinohe-2@aomori.example").await;

    let inquiry = create(&coordinator, &body(&app).await).await;
    let id = inquiry["id"].as_str().unwrap().to_string();
    let path = format!("{}/{id}", "/api/v1/inquiries");
    let answer_path = format!("{path}/answers/{hachinohe_org}");
    let v: Value = coordinator
        .post(&format!("{path}/send"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer_of(&v, "八戸市")["status"], "not_opened");
    // Sending again changes nothing.
    let again: Value = coordinator
        .post(&format!("{path}/send"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["version"], v["version"]);

    // Everyone at the addressee organisations is told; nobody else.
    assert_eq!(told(&hachinohe, &id).await, vec!["inquiry_received"]);
    assert_eq!(told(&colleague, &id).await, vec!["inquiry_received"]);
    assert_eq!(told(&aomori_city, &id).await, vec!["inquiry_received"]);
    assert!(told(&coordinator, &id).await.is_empty());
    let hirosaki = app.sign_in(HIROSAKI).await;
    assert!(told(&hirosaki, &id).await.is_empty());

    // 八戸市 opens it; the sender sees that.
    let opened = hachinohe.get_json(&path).await;
    assert_eq!(answer_of(&opened, "八戸市")["status"], "opened");
    assert_eq!(opened["can_answer_for"], json!(hachinohe_org));
    let v = coordinator.get_json(&path).await;
    assert_eq!(answer_of(&v, "八戸市")["status"], "opened");
    assert_eq!(answer_of(&v, "青森市")["status"], "not_opened");

    // A draft without the required figure saves; submitting it does not.
    let version = answer_of(&opened, "八戸市")["version"].clone();
    let r = hachinohe
        .put(
            &answer_path,
            &json!({"answers": ["", "就労体験の受け入れ先を開拓中"], "version": version}),
        )
        .await;
    let saved: Value = r.json().await.unwrap();
    assert_eq!(answer_of(&saved, "八戸市")["status"], "draft");
    // The colleague finds the draft and submits it, full-width digits and all.
    let found = colleague.get_json(&path).await;
    let answer = answer_of(&found, "八戸市");
    assert_eq!(answer["answers"][1], "就労体験の受け入れ先を開拓中");
    let r = colleague
        .put(
            &answer_path,
            &json!({"answers": ["", "x"], "submit": true, "version": answer["version"]}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "answer_required".into())
    );
    let r = colleague
        .put(
            &answer_path,
            &json!({"answers": ["１，２０５", "就労体験の受け入れ先を開拓中", "予定"],
                "submit": true, "version": answer["version"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let submitted: Value = r.json().await.unwrap();
    let answer = answer_of(&submitted, "八戸市");
    assert_eq!(answer["status"], "submitted");
    assert_eq!(answer["answers"][0], "1205");
    assert!(submitted["can_answer_for"].is_null());
    // Submitted: closed to the organisation until returned.
    let r = hachinohe
        .put(
            &answer_path,
            &json!({"answers": ["1"], "submit": true, "version": answer["version"]}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "answer_closed".into())
    );

    // The sender returns it with a comment; 八戸市 sees the comment and corrects it.
    let v = coordinator.get_json(&path).await;
    let version = answer_of(&v, "八戸市")["version"].clone();
    let r = coordinator
        .post(
            &format!("{answer_path}/return"),
            &json!({"comment": "就職者数は上半期のみの人数でお願いします。", "version": version}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let back = hachinohe.get_json(&path).await;
    let answer = answer_of(&back, "八戸市");
    assert_eq!(answer["status"], "returned");
    assert!(told(&colleague, &id)
        .await
        .contains(&"inquiry_returned".to_string()));
    assert!(!told(&aomori_city, &id)
        .await
        .contains(&"inquiry_returned".to_string()));
    assert_eq!(
        answer["return_comment"],
        "就職者数は上半期のみの人数でお願いします。"
    );
    let r = coordinator
        .post(
            &format!("{answer_path}/accept"),
            &json!({"version": version}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "answer_not_submitted".into()),
        "a returned answer is not accepted"
    );
    let r = hachinohe.put(&answer_path,
        &json!({"answers": ["980", "", "実施済み"], "submit": true, "version": answer["version"]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Accepted: final.
    let v = coordinator.get_json(&path).await;
    let version = answer_of(&v, "八戸市")["version"].clone();
    let r = coordinator
        .post(
            &format!("{answer_path}/accept"),
            &json!({"version": version}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(answer_of(&v, "八戸市")["status"], "accepted");
    assert!(answer_of(&v, "八戸市")["accepted_at"].is_string());

    // A reminder goes to those who still owe an answer: 青森市, not 八戸市.
    let before = pull_all(&aomori_city, 0).await.1;
    let hachinohe_before = pull_all(&hachinohe, 0).await.1;
    let v: Value = coordinator
        .post(&format!("{path}/remind"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(answer_of(&v, "青森市")["reminded_at"].is_string());
    assert!(answer_of(&v, "八戸市")["reminded_at"].is_null());
    let (changes, _) = pull_all(&aomori_city, before).await;
    assert!(
        ids(&changes, "inquiry", "upsert").contains(&id),
        "told live"
    );
    let (changes, _) = pull_all(&hachinohe, hachinohe_before).await;
    assert!(
        !ids(&changes, "inquiry", "upsert").contains(&id),
        "not told: nothing of theirs changed"
    );
    let listed = aomori_city.get_json("/api/v1/inquiries").await;
    assert!(listed[0]["answers"][0]["reminded_at"].is_string());
    assert!(told(&aomori_city, &id)
        .await
        .contains(&"inquiry_reminded".to_string()));
    assert!(!told(&hachinohe, &id)
        .await
        .contains(&"inquiry_reminded".to_string()));

    // Withdrawn: the addressees still see it, marked so, and answer no more; it is
    // not deleted.
    let r = coordinator
        .post(&format!("{path}/withdraw"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = aomori_city.get_json(&path).await;
    assert_eq!(v["status"], "withdrawn");
    assert!(told(&aomori_city, &id)
        .await
        .contains(&"inquiry_withdrawn".to_string()));
    assert!(v["can_answer_for"].is_null());
    let aomori_org = app.organisation_id("青森市").await;
    let r = aomori_city
        .put(
            &format!("{path}/answers/{aomori_org}"),
            &json!({"answers": ["3"], "version": answer_of(&v, "青森市")["version"]}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "inquiry_not_open".into())
    );
    let r = coordinator.delete(&path).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "inquiry_sent".into())
    );
    let r = coordinator.post(&format!("{path}/send"), &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "inquiry_not_open".into())
    );

    // A draft is deleted, with a tombstone to the secretariat's devices.
    let draft = create(&coordinator, &body(&app).await).await;
    let draft_path = format!("/api/v1/inquiries/{}", draft["id"].as_str().unwrap());
    let r = coordinator
        .post(&format!("{draft_path}/withdraw"), &json!({}))
        .await;
    assert_eq!(error_code(r).await.1, "inquiry_draft");
    let before = pull_all(&coordinator, 0).await.1;
    assert_eq!(
        coordinator.delete(&draft_path).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        coordinator.get(&draft_path).await.status(),
        StatusCode::NOT_FOUND
    );
    let (changes, _) = pull_all(&coordinator, before).await;
    assert!(ids(&changes, "inquiry", "delete").contains(draft["id"].as_str().unwrap()));
}

#[tokio::test]
async fn two_colleagues_saving_one_answer_do_not_overwrite_each_other() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let org = app.organisation_id("八戸市").await;
    let colleague = hachinohe_colleague(&app, "hachinohe-3@aomori.example").await;
    let inquiry = create(&coordinator, &body(&app).await).await;
    let path = format!("/api/v1/inquiries/{}", inquiry["id"].as_str().unwrap());
    coordinator.post(&format!("{path}/send"), &json!({})).await;
    let answer_path = format!("{path}/answers/{org}");
    for round in 0..5 {
        let v = hachinohe.get_json(&path).await;
        let version = answer_of(&v, "八戸市")["version"].clone();
        let body = |n: i32| json!({"answers": [(n + round).to_string()], "version": version});
        let (first, second) = (body(100), body(200));
        let (a, b) = tokio::join!(
            hachinohe.put(&answer_path, &first),
            colleague.put(&answer_path, &second)
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
        let loser = if a.status() == StatusCode::CONFLICT {
            a
        } else {
            b
        };
        assert_eq!(error_code(loser).await.1, "edit_conflict");
    }
    // The same race between a submission and a withdrawal: whichever is second is told.
    let v = hachinohe.get_json(&path).await;
    let version = answer_of(&v, "八戸市")["version"].clone();
    let submission = json!({"answers": ["7"], "submit": true, "version": version});
    let (withdraw, nothing) = (format!("{path}/withdraw"), json!({}));
    let (a, b) = tokio::join!(
        hachinohe.put(&answer_path, &submission),
        coordinator.post(&withdraw, &nothing)
    );
    assert_eq!(b.status(), StatusCode::OK, "the withdrawal always succeeds");
    assert!(
        a.status() == StatusCode::OK || a.status() == StatusCode::CONFLICT,
        "{}",
        a.status()
    );
    let v = coordinator.get_json(&path).await;
    assert_eq!(v["status"], "withdrawn");
}

#[tokio::test]
async fn hostile_inquiries_and_answers_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let base = body(&app).await;
    let with = |field: &str, value: Value| {
        let mut b = base.clone();
        b[field] = value;
        b
    };
    let yesterday = (japan_today() - chrono::Days::new(1)).to_string();
    let many: Vec<Value> = (0..31)
        .map(|i| json!({"label": format!("設問{i}"), "kind": "text"}))
        .collect();
    for (body, code, what) in [
        (
            with("deadline", json!(yesterday)),
            "invalid_deadline",
            "a deadline past in Japan",
        ),
        (
            with("deadline", json!("2101-01-01")),
            "invalid_deadline",
            "a deadline after 2100",
        ),
        (
            with("deadline", json!("2027-02-30")),
            "invalid_field",
            "a date that does not exist",
        ),
        (with("questions", json!([])), "invalid_field", "no question"),
        (
            with("questions", json!(many)),
            "invalid_field",
            "31 questions",
        ),
        (
            with(
                "questions",
                json!([{"label": "状況", "kind": "choice", "choices": ["済"]}]),
            ),
            "invalid_field",
            "a choice of one",
        ),
        (
            with(
                "questions",
                json!([{"label": "状況", "kind": "choice", "choices": ["済", "済"]}]),
            ),
            "invalid_field",
            "the same choice twice",
        ),
        (
            with(
                "questions",
                json!([{"label": "感想", "kind": "text", "unit": "人"}]),
            ),
            "invalid_field",
            "a unit on a text question",
        ),
        (
            with("questions", json!([{"label": "", "kind": "text"}])),
            "invalid_field",
            "a question without its text",
        ),
        (
            with("questions", json!([{"label": "人数", "kind": "table"}])),
            "invalid_field",
            "an unknown question type",
        ),
        (with("title", json!("")), "invalid_field", "no title"),
        (
            with("title", json!("照会\u{202e}")),
            "invalid_field",
            "a bidi override",
        ),
        (
            with("title", json!("x".repeat(201))),
            "invalid_field",
            "a long title",
        ),
        (
            with("instructions", json!("担当 山田太郎 090-1234-5678 まで")),
            "personal_data",
            "a phone number",
        ),
        (
            with("addressees", json!([])),
            "invalid_field",
            "nobody asked",
        ),
        (
            with("addressees", json!([iwate.organisation_ids[0]])),
            "invalid_organisation",
            "another network's organisation",
        ),
    ] {
        let r = coordinator.post("/api/v1/inquiries", &body).await;
        let (status, got) = error_code(r).await;
        assert!(status.is_client_error(), "{what}: {status}");
        assert_eq!(got, code, "{what}");
    }
    assert!(
        listed(&coordinator).await.is_empty(),
        "nothing half-written"
    );

    // Today in Japan is still a deadline that can be met.
    let today = create(
        &coordinator,
        &with("deadline", json!(japan_today().to_string())),
    )
    .await;
    let path = format!("/api/v1/inquiries/{}", today["id"].as_str().unwrap());
    assert_eq!(
        coordinator
            .post(&format!("{path}/send"), &json!({}))
            .await
            .status(),
        StatusCode::OK
    );
    let hachinohe = app.sign_in(HACHINOHE).await;
    let org = app.organisation_id("八戸市").await;
    let answer_path = format!("{path}/answers/{org}");
    for (answers, code, what) in [
        (
            json!(["12人"]),
            "invalid_number",
            "a unit typed into the figure",
        ),
        (
            json!(["1e13"]),
            "invalid_number",
            "a figure past a trillion",
        ),
        (
            json!(["1", "", "たぶん"]),
            "invalid_choice",
            "a choice not offered",
        ),
        (
            json!(["1", "", "", "x"]),
            "invalid_field",
            "more answers than questions",
        ),
        (json!(["1", "本文\u{0}"]), "invalid_field", "a NUL"),
        (
            json!(["1", "担当 山田太郎 090-1234-5678"]),
            "personal_data",
            "a phone number",
        ),
    ] {
        let v = hachinohe.get_json(&path).await;
        let version = answer_of(&v, "八戸市")["version"].clone();
        let r = hachinohe
            .put(
                &answer_path,
                &json!({"answers": answers, "submit": true, "version": version}),
            )
            .await;
        let (status, got) = error_code(r).await;
        assert!(status.is_client_error(), "{what}: {status}");
        assert_eq!(got, code, "{what}");
    }
    let v = coordinator.get_json(&path).await;
    assert_eq!(answer_of(&v, "八戸市")["answers"], json!(["", "", ""]));
    // A return needs its reason.
    let r = coordinator
        .post(
            &format!("{answer_path}/return"),
            &json!({"comment": "", "version": 1}),
        )
        .await;
    assert!(r.status().is_client_error());
}

#[tokio::test]
async fn the_pages_work_without_javascript() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let aomori_org = app.organisation_id("青森市").await.to_string();
    let hachinohe_org = app.organisation_id("八戸市").await.to_string();
    let post_form = |user: &User, path: &str, fields: Vec<(&str, String)>| {
        let mut all = fields;
        all.push(("csrf_token", user.csrf.clone()));
        user.client.post(app.url(path)).form(&all).send()
    };
    let r = coordinator.get("/inquiries/new").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"name="q_label""#) && html.contains("八戸市"));
    assert_eq!(
        hachinohe.get("/inquiries/new").await.status(),
        StatusCode::FORBIDDEN
    );
    let deadline = (japan_today() + chrono::Days::new(7)).to_string();
    let mut fields = vec![
        ("title", "支援機関の連絡先の確認".to_string()),
        (
            "instructions",
            "窓口の開設状況をご回答ください。".to_string(),
        ),
        ("deadline", deadline),
        ("q_label", "相談窓口の数".to_string()),
        ("q_kind", "number".to_string()),
        ("q_unit", "か所".to_string()),
        ("q_choices", "".to_string()),
        ("q_label", "".to_string()),
        ("q_kind", "text".to_string()),
        ("q_unit", "".to_string()),
        ("q_choices", "".to_string()),
        ("q_required", "0".to_string()),
        ("addressees", aomori_org),
        ("addressees", hachinohe_org),
    ];
    let r = post_form(&coordinator, "/inquiries", fields.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = location(&r)
        .strip_prefix("/inquiries/")
        .and_then(|rest| rest.strip_suffix("?saved=1"))
        .expect("to the new inquiry's page")
        .to_string();
    fields[2] = ("deadline", "2000-01-01".to_string());
    let r = post_form(&coordinator, "/inquiries", fields).await.unwrap();
    assert_see_other(&r, "/inquiries/new?error=invalid_deadline");

    let page = format!("/inquiries/{id}");
    let manage = format!("{page}/manage");
    let r = post_form(&coordinator, &manage, vec![("action", "send".into())])
        .await
        .unwrap();
    assert_see_other(&r, &format!("{page}?saved=1"));
    // 八戸市 answers from the page: a typo goes back with the reason, then it submits.
    let html = hachinohe.get(&page).await.text().await.unwrap();
    assert!(html.contains("相談窓口の数") && html.contains(r#"name="answer""#));
    assert!(html.contains("令和"), "the deadline in 和暦");
    let answer = format!("{page}/answer");
    let r = post_form(
        &hachinohe,
        &answer,
        vec![
            ("answer", "三".into()),
            ("version", "2".into()),
            ("action", "submit".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("{page}?error=invalid_number"));
    let r = post_form(
        &hachinohe,
        &answer,
        vec![
            ("answer", "3".into()),
            ("version", "2".into()),
            ("action", "submit".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("{page}?saved=1"));
    // The sender's page lists each organisation's answer; accepting is a form too.
    let html = coordinator.get(&page).await.text().await.unwrap();
    assert!(html.contains("3 か所"), "the figure with its unit");
    assert!(html.contains("提出済み") && html.contains("未開封"));
    let v = coordinator
        .get_json(&format!("/api/v1/inquiries/{id}"))
        .await;
    let version = answer_of(&v, "八戸市")["version"].to_string();
    let r = post_form(
        &coordinator,
        &format!("{page}/answers/{}", app.organisation_id("八戸市").await),
        vec![("action", "accept".into()), ("version", version)],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("{page}?saved=1"));
    let r = post_form(&coordinator, &manage, vec![("action", "remind".into())])
        .await
        .unwrap();
    assert_see_other(&r, &format!("{page}?reminded=1"));
    let list = hachinohe.get("/inquiries").await.text().await.unwrap();
    assert!(list.contains("支援機関の連絡先の確認") && list.contains("受理"));
    let list = coordinator.get("/inquiries").await.text().await.unwrap();
    assert!(list.contains("1 / 2"), "answered of asked");
    // Someone not asked finds nothing.
    let hirosaki = app.sign_in(HIROSAKI).await;
    assert_eq!(hirosaki.get(&page).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_answers_export_in_local_government_code_order_with_no_formulas() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let aomori_city = app.sign_in(AOMORI_CITY).await;
    let mut b = body(&app).await;
    b["addressees"] = json!([
        app.organisation_id("八戸市").await,
        app.organisation_id("弘前市").await,
        app.organisation_id("青森市").await,
        app.organisation_id("一般社団法人 青森県経営者協会").await,
    ]);
    let inquiry = create(&coordinator, &b).await;
    let path = format!("/api/v1/inquiries/{}", inquiry["id"].as_str().unwrap());
    coordinator.post(&format!("{path}/send"), &json!({})).await;
    for (user, org, answers, submit) in [
        (
            &hachinohe,
            "八戸市",
            json!([
                "1205",
                "=HYPERLINK(\"http://example.invalid\",\"開く\")",
                "予定"
            ]),
            true,
        ),
        (&aomori_city, "青森市", json!(["51", "", ""]), false),
    ] {
        let v = user.get_json(&path).await;
        let version = answer_of(&v, org)["version"].clone();
        let id = app.organisation_id(org).await;
        let r = user
            .put(
                &format!("{path}/answers/{id}"),
                &json!({"answers": answers, "submit": submit, "version": version}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{org}");
    }
    let r = coordinator.get(&format!("{path}/export.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''"));
    let bytes = r.bytes().await.unwrap();
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="回答一覧""#) && workbook.contains(r#"name="照会の概要""#));
    let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
    let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    // Japanese headers with the unit, states in Japanese, the submission date in 和暦.
    for text in [
        "団体名",
        "就職者数（人）",
        "提出済み",
        "下書き",
        "未開封",
        "令和",
        "022039",
    ] {
        assert!(strings.contains(text), "{text} in the workbook");
    }
    // By 全国地方公共団体コード: 青森市 022012, 弘前市 022021, 八戸市 022039; an
    // organisation without a code after them.
    let at = |name: &str| strings.find(name).unwrap_or_else(|| panic!("{name}"));
    assert!(at("<t>青森市</t>") < at("<t>弘前市</t>"));
    assert!(at("<t>弘前市</t>") < at("<t>八戸市</t>"));
    assert!(at("<t>八戸市</t>") < at("<t>一般社団法人 青森県経営者協会</t>"));
    // The figure is a number cell; the text that looks like a formula is a string cell.
    assert!(sheet.contains("<v>1205</v>") && sheet.contains("<v>51</v>"));
    assert!(strings.contains("=HYPERLINK("));
    assert!(!sheet.contains("<f>"), "no formula in the workbook");
    // The sender's alone: an addressee is refused, anyone else finds nothing; audited.
    assert_eq!(
        hachinohe.get(&format!("{path}/export.xlsx")).await.status(),
        StatusCode::FORBIDDEN
    );
    let hirosaki = app.sign_in(HIROSAKI).await;
    assert_eq!(
        hirosaki.get(&format!("{path}/export.xlsx")).await.status(),
        StatusCode::FORBIDDEN
    );
    let liaison = app.sign_in(LIAISON).await;
    assert_eq!(
        liaison.get(&format!("{path}/export.xlsx")).await.status(),
        StatusCode::NOT_FOUND
    );
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let audited = server::entities::audit_log::Entity::find()
        .filter(server::entities::audit_log::Column::Action.eq("inquiry_export"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
}

#[tokio::test]
async fn an_accepted_answer_becomes_the_organisations_kpi_share_and_nothing_else_does() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let aomori_city = app.sign_in(AOMORI_CITY).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let (aomori_org, hachinohe_org, hirosaki_org) = (
        app.organisation_id("青森市").await,
        app.organisation_id("八戸市").await,
        app.organisation_id("弘前市").await,
    );
    // A published KPI that 青森市 and 八戸市 report to, per 年度.
    let kpi_body = json!({
        "name": "就労支援による就職者数", "unit": "人", "kind": "output",
        "direction": "higher_is_better", "accumulation": "cumulative",
        "periodicity": "fiscal_year", "period_start": 2023, "period_end": 2026,
        "period_target": 4000, "contributors": [aomori_org, hachinohe_org],
    });
    let r = coordinator.post("/api/v1/kpis", &kpi_body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let kpi: Value = r.json().await.unwrap();
    let kpi_id = kpi["id"].as_str().unwrap().to_string();
    let kpi_path = format!("/api/v1/kpis/{kpi_id}");

    // The link is checked: published, the sender's, a year of the period, a number
    // question, a quarter only for a quarterly KPI.
    let mut b = body(&app).await;
    b["addressees"] = json!([aomori_org, hachinohe_org, hirosaki_org]);
    let link = |year: i32, question: u32, quarter: Value| json!({"kpi_id": kpi_id, "fiscal_year": year, "question": question, "quarter": quarter});
    b["kpi_share"] = link(2026, 0, Value::Null);
    let r = coordinator.post("/api/v1/inquiries", &b).await;
    assert_eq!(error_code(r).await.1, "invalid_kpi", "a draft KPI");
    coordinator
        .post(&format!("{kpi_path}/publish"), &json!({}))
        .await;
    for (bad, what) in [
        (link(2030, 0, Value::Null), "a year outside the period"),
        (link(2026, 1, Value::Null), "a text question"),
        (link(2026, 9, Value::Null), "no such question"),
        (link(2026, 0, json!(2)), "a quarter of a yearly KPI"),
    ] {
        let mut wrong = b.clone();
        wrong["kpi_share"] = bad;
        let r = coordinator.post("/api/v1/inquiries", &wrong).await;
        assert_eq!(error_code(r).await.1, "invalid_kpi", "{what}");
    }
    let inquiry = create(&coordinator, &b).await;
    assert_eq!(inquiry["kpi_share"]["kpi_name"], "就労支援による就職者数");
    let path = format!("/api/v1/inquiries/{}", inquiry["id"].as_str().unwrap());
    coordinator.post(&format!("{path}/send"), &json!({})).await;

    // Each city submits a figure.
    for (user, org, name, figure) in [
        (&hachinohe, hachinohe_org, "八戸市", "1,205"),
        (&aomori_city, aomori_org, "青森市", "51"),
        (&hirosaki, hirosaki_org, "弘前市", "7"),
    ] {
        let v = user.get_json(&path).await;
        let version = answer_of(&v, name)["version"].clone();
        let r = user
            .put(
                &format!("{path}/answers/{org}"),
                &json!({"answers": [figure], "submit": true, "version": version}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{name}");
    }
    let decide = |org: uuid::Uuid, action: &'static str, body: Value| {
        let path = path.clone();
        let coordinator = &coordinator;
        async move {
            let v = coordinator.get_json(&path).await;
            let version = v["answers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["organisation_id"] == json!(org))
                .unwrap()["version"]
                .clone();
            let mut body = body;
            body["version"] = version;
            coordinator
                .post(&format!("{path}/answers/{org}/{action}"), &body)
                .await
        }
    };
    let shares = |kpi: &Value| -> Vec<(String, i64, f64, bool)> {
        kpi["actuals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["organisation_name"].as_str().unwrap().to_string(),
                    a["fiscal_year"].as_i64().unwrap(),
                    a["value"].as_f64().unwrap(),
                    a["published"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    // Submitted is not enough; returned does not count.
    assert!(shares(&coordinator.get_json(&kpi_path).await).is_empty());
    let r = decide(
        aomori_org,
        "return",
        json!({"comment": "内訳をお願いします。"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(shares(&coordinator.get_json(&kpi_path).await).is_empty());

    // Accepted: 八戸市's figure is its share for 令和8年度, unpublished — the secretariat
    // and 八戸市 see it, 青森市 does not; 弘前市 does not report to the KPI, so its
    // accepted answer adds nothing.
    let r = decide(hachinohe_org, "accept", json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = decide(hirosaki_org, "accept", json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let kpi = coordinator.get_json(&kpi_path).await;
    assert_eq!(
        shares(&kpi),
        vec![("八戸市".to_string(), 2026, 1205.0, false)]
    );
    assert!(kpi["actuals"][0]["note"].as_str().unwrap().contains("照会"));
    assert_eq!(shares(&hachinohe.get_json(&kpi_path).await).len(), 1);
    assert!(shares(&aomori_city.get_json(&kpi_path).await).is_empty());

    // Both or neither: once the KPI is gone, accepting fails and the answer stays
    // submitted.
    let v = aomori_city.get_json(&path).await;
    let version = answer_of(&v, "青森市")["version"].clone();
    let r = aomori_city
        .put(
            &format!("{path}/answers/{aomori_org}"),
            &json!({"answers": ["49"], "submit": true, "version": version}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        coordinator.delete(&kpi_path).await.status(),
        StatusCode::NO_CONTENT
    );
    let r = decide(aomori_org, "accept", json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "kpi_not_published".into())
    );
    let v = coordinator.get_json(&path).await;
    assert_eq!(answer_of(&v, "青森市")["status"], "submitted");
}
