//! Policy proposals (issue: meetings, proposals, needs): the isolation matrix (the
//! secretariat, the proposer, prefectural staff, another city, an economic organisation,
//! another network) on every endpoint, list, notification and the sync feed; the state
//! machine and its rights for every state and action; who may propose and for whom; the
//! secretariat's note kept from everyone else; hostile input, replays and races; the pages
//! and their plain form posts.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sync::{assert_gone, ids, pull_all};

const COORDINATOR: &str = "coordinator@aomori.example";
const DEPUTY: &str = "shoko-rodo@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";

fn proposal_body() -> Value {
    json!({
        "title": "民生委員調査の共通様式",
        "background": "市町村ごとに項目が異なる。",
        "proposal": "県が共通様式を示すこと。",
        "target_groups": ["long_term_unemployed"],
    })
}

async fn submit(user: &User, body: &Value) -> Value {
    ok_created(user.post("/api/v1/proposals", body).await).await
}

async fn step(user: &User, proposal: &Value, body: Value) -> reqwest::Response {
    let mut body = body;
    body["version"] = proposal["version"].clone();
    user.post(
        &format!(
            "/api/v1/proposals/{}/steps",
            proposal["id"].as_str().unwrap()
        ),
        &body,
    )
    .await
}

async fn listed(user: &User) -> Vec<String> {
    user.get_json("/api/v1/proposals")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

async fn notified_about(user: &User, id: &str) -> Vec<String> {
    user.get_json("/api/v1/notifications")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .filter(|n| n["proposal_id"] == id)
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

fn answer(outcome: &str, publish: bool) -> Value {
    json!({"action": "answer", "outcome": outcome, "answer": "令和8年度から示します。",
           "publish_answer": publish})
}

#[tokio::test]
async fn the_proposer_the_secretariat_and_the_network_see_what_they_may() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    let liaison = app.sign_in(LIAISON).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    // (who, user, sees it before publication, sees it after, is the secretariat)
    let readers = [
        ("secretariat", &coordinator, true, true, true),
        ("deputy secretariat", &deputy, true, true, true),
        ("proposer", &proposer, true, true, false),
        ("prefectural staff", &liaison, false, true, false),
        ("another city", &hirosaki, false, true, false),
        ("economic organisation", &keieisha, false, true, false),
        ("another network", &iwate, false, false, false),
    ];
    let mut starts = Vec::new();
    for (_, u, ..) in &readers {
        starts.push(pull_all(u, 0).await.1);
    }
    let proposal = submit(&proposer, &proposal_body()).await;
    let id = proposal["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/proposals/{id}");
    assert_eq!(proposal["state"], "submitted");
    assert_eq!(proposal["organisation"]["name"], "青森市");
    assert_eq!(proposal["actions"], json!(["withdraw"]));
    assert_eq!(proposal["secretariat_note"], Value::Null);

    // The secretariat's note: its own, in no one else's answer or feed.
    let secret = "予算要求は難しい見込み";
    let seen = ok(coordinator.get(&path).await).await;
    assert_eq!(seen["secretariat_note"], "");
    assert_eq!(seen["actions"], json!(["review", "answer"]));
    let noted = ok(coordinator
        .put(
            &format!("{path}/note"),
            &json!({"note_version": seen["note_version"], "note": secret}),
        )
        .await)
    .await;
    assert_eq!(noted["secretariat_note"], secret);
    assert_eq!(noted["version"], seen["version"], "a note is not a step");

    for (i, (who, user, sees, _, secretariat)) in readers.iter().enumerate() {
        assert_eq!(listed(user).await.contains(&id), *sees, "{who} list");
        let r = user.get(&path).await;
        if *sees {
            let v = ok(r).await;
            assert_eq!(v["secretariat_note"].is_string(), *secretariat, "{who}");
        } else {
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
            for (method, p, body) in [
                (
                    "post",
                    format!("{path}/steps"),
                    json!({"version": 1, "action": "withdraw"}),
                ),
                (
                    "put",
                    format!("{path}/note"),
                    json!({"note_version": 1, "note": "x"}),
                ),
            ] {
                let r = if method == "post" {
                    user.post(&p, &body).await
                } else {
                    user.put(&p, &body).await
                };
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {p}");
            }
        }
        let (changes, _) = pull_all(user, starts[i]).await;
        let mine: Vec<&Value> = changes.iter().filter(|c| c["id"] == id.as_str()).collect();
        assert_eq!(!mine.is_empty(), *sees, "{who} feed: {changes:?}");
        let text = serde_json::to_string(&changes).unwrap();
        assert_eq!(
            text.contains(secret),
            *secretariat,
            "{who} feed carries the note"
        );
    }
    // The secretariat hears of the submission; no one else does.
    assert_eq!(
        notified_about(&coordinator, &id).await,
        ["proposal_submitted"]
    );
    assert_eq!(notified_about(&deputy, &id).await, ["proposal_submitted"]);
    assert!(notified_about(&hirosaki, &id).await.is_empty());

    // Answered and published: the whole network reads it, never the note; another
    // network still nothing. The proposing organisation is told.
    let mids: Vec<i64> = {
        let mut v = Vec::new();
        for (_, u, ..) in &readers {
            v.push(pull_all(u, 0).await.1);
        }
        v
    };
    let answered = ok(step(&coordinator, &noted, answer("partly_adopted", true)).await).await;
    assert_eq!(answered["state"], "answered");
    assert_eq!(answered["outcome"], "partly_adopted");
    assert_eq!(answered["answer_published"], true);
    assert_eq!(notified_about(&proposer, &id).await, ["proposal_answered"]);
    for (i, (who, user, _, sees, secretariat)) in readers.iter().enumerate() {
        assert_eq!(listed(user).await.contains(&id), *sees, "{who} list");
        let r = user.get(&path).await;
        if *sees {
            let v = ok(r).await;
            assert_eq!(v["answer"], "令和8年度から示します。", "{who}");
            assert_eq!(v["secretariat_note"].is_string(), *secretariat, "{who}");
        } else {
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
        }
        let (changes, _) = pull_all(user, mids[i]).await;
        assert_eq!(
            ids(&changes, "proposal", "upsert").contains(&id),
            *sees,
            "{who} feed"
        );
        let text = serde_json::to_string(&changes).unwrap();
        assert_eq!(
            text.contains(secret),
            *secretariat,
            "{who} feed carries the note"
        );
    }
    assert!(notified_about(&hirosaki, &id).await.is_empty());

    // Publication withdrawn: those who read it through it get a tombstone and a 404.
    let before = pull_all(&hirosaki, 0).await.1;
    let kept = ok(step(
        &coordinator,
        &answered,
        json!({"action": "unpublish_answer"}),
    )
    .await)
    .await;
    assert_eq!(kept["answer_published"], false);
    assert_eq!(hirosaki.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert!(!listed(&hirosaki).await.contains(&id));
    let (changes, _) = pull_all(&hirosaki, before).await;
    assert!(
        ids(&changes, "proposal", "delete").contains(&id),
        "{changes:?}"
    );
    assert_eq!(
        ok(proposer.get(&path).await).await["answer_published"],
        false
    );
}

/// Takes `proposal` (just submitted) to `state` by the secretariat's steps.
async fn reach(coordinator: &User, proposer: &User, proposal: Value, state: &str) -> Value {
    match state {
        "submitted" => proposal,
        "under_review" => ok(step(coordinator, &proposal, json!({"action": "review"})).await).await,
        "answered" => ok(step(coordinator, &proposal, answer("adopted", false)).await).await,
        "closed" => {
            let p = ok(step(coordinator, &proposal, answer("adopted", false)).await).await;
            ok(step(coordinator, &p, json!({"action": "close"})).await).await
        }
        "withdrawn" => ok(step(proposer, &proposal, json!({"action": "withdraw"})).await).await,
        other => panic!("no state {other}"),
    }
}

#[tokio::test]
async fn every_state_and_action_answers_as_the_rules_say() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let states = [
        "submitted",
        "under_review",
        "answered",
        "closed",
        "withdrawn",
    ];
    let actions = [
        ("review", json!({"action": "review"})),
        ("answer", answer("not_adopted", false)),
        ("close", json!({"action": "close"})),
        ("withdraw", json!({"action": "withdraw"})),
        ("publish_answer", json!({"action": "publish_answer"})),
        ("unpublish_answer", json!({"action": "unpublish_answer"})),
    ];
    // The state each action leaves from each state, or None where it is no step.
    let next = |action: &str, state: &str| -> Option<&'static str> {
        match (action, state) {
            ("review", "submitted") => Some("under_review"),
            ("answer", "submitted" | "under_review") => Some("answered"),
            ("close", "answered") => Some("closed"),
            ("withdraw", "submitted" | "under_review") => Some("withdrawn"),
            // The answer is kept to the proposer when given here: publishing is a step,
            // unpublishing what is not published is not.
            ("publish_answer", "answered") => Some("answered"),
            ("publish_answer", "closed") => Some("closed"),
            _ => None,
        }
    };
    for state in states {
        for (action, body) in &actions {
            let fresh = submit(&proposer, &proposal_body()).await;
            let p = reach(&coordinator, &proposer, fresh, state).await;
            assert_eq!(p["state"], state);
            let by_secretariat = *action != "withdraw";
            // Someone not allowed to take the step: the proposer for the secretariat's
            // steps, the secretariat for the proposer's (an economic organisation does not
            // see an unpublished proposal at all).
            let (wrong, right) = if by_secretariat {
                (&proposer, &coordinator)
            } else {
                (&coordinator, &proposer)
            };
            let r = step(wrong, &p, body.clone()).await;
            assert_eq!(
                r.status(),
                StatusCode::FORBIDDEN,
                "{action} from {state} by the wrong side"
            );
            assert_eq!(
                step(&keieisha, &p, body.clone()).await.status(),
                StatusCode::NOT_FOUND,
                "{action} from {state} by an outsider"
            );
            let r = step(right, &p, body.clone()).await;
            match next(action, state) {
                Some(to) => {
                    let v = ok(r).await;
                    assert_eq!(v["state"], to, "{action} from {state}");
                    assert_eq!(v["version"], p["version"].as_u64().unwrap() + 1);
                    // The same step again at the old version: someone else's came first.
                    let (status, code) = error_code(step(right, &p, body.clone()).await).await;
                    assert_eq!(
                        (status, code.as_str()),
                        (StatusCode::CONFLICT, "edit_conflict")
                    );
                }
                None => {
                    let (status, code) = error_code(r).await;
                    assert_eq!(
                        (status, code.as_str()),
                        (StatusCode::CONFLICT, "invalid_transition"),
                        "{action} from {state}"
                    );
                    let unchanged = ok(coordinator
                        .get(&format!("/api/v1/proposals/{}", p["id"].as_str().unwrap()))
                        .await)
                    .await;
                    assert_eq!(unchanged["version"], p["version"], "{action} from {state}");
                }
            }
        }
    }
}

#[tokio::test]
async fn who_may_propose_and_for_whom() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let hirosaki_platform = app.platform_id("hirosaki").await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    let iwate_coordinator = app.sign_in(IWATE_COORDINATOR).await;

    // An economic organisation (a responder) proposes; the addressee may be left out.
    let p = submit(&keieisha, &proposal_body()).await;
    assert_eq!(p["platform_id"], aomori.to_string());
    // Not to another network's secretariat, nor for a platform one does not coordinate.
    for body in [
        json!({"platform_id": iwate.platform_id}),
        json!({"on_behalf_of": aomori_city}),
        json!({"on_behalf_of": iwate.municipal_id}),
    ] {
        let mut full = proposal_body();
        for (k, v) in body.as_object().unwrap() {
            full[k] = v.clone();
        }
        let (status, code) = error_code(proposer.post("/api/v1/proposals", &full).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_platform"),
            "{full}"
        );
    }
    let page = proposer.get_json("/sfn/proposals_page").await;
    assert_eq!(page["addressees"][0]["platform"]["id"], aomori.to_string());
    assert_eq!(page["addressees"][0]["on_behalf_of"], json!([]));

    // A municipal platform proposes through its secretariat.
    app.grant(AOMORI_CITY, "aomori-city", app::domain::Role::Coordinator)
        .await;
    let mut body = proposal_body();
    body["on_behalf_of"] = json!(aomori_city);
    let p = submit(&proposer, &body).await;
    assert_eq!(p["on_behalf_of"]["id"], aomori_city.to_string());
    body["on_behalf_of"] = json!(hirosaki_platform);
    let (status, code) = error_code(proposer.post("/api/v1/proposals", &body).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_platform")
    );

    // An observer does not propose.
    let hash = server::accounts::password::hash(server::seed::DEMO_PASSWORD).unwrap();
    let org = app.organisation_id("弘前市").await;
    let observer = server::admin::add_user(&app.db, "observer@aomori.example", "傍聴", org, &hash)
        .await
        .unwrap();
    server::admin::grant_role(&app.db, observer.id, aomori, app::domain::Role::Observer)
        .await
        .unwrap();
    let hirosaki = app.sign_in(HIROSAKI).await;
    let theirs = submit(&hirosaki, &proposal_body()).await;
    let observer = app.sign_in("observer@aomori.example").await;
    let r = observer.post("/api/v1/proposals", &proposal_body()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Of the proposing organisation, an observer reads its proposal but may not withdraw it.
    let seen = ok(observer
        .get(&format!(
            "/api/v1/proposals/{}",
            theirs["id"].as_str().unwrap()
        ))
        .await)
    .await;
    assert_eq!(seen["actions"], json!([]));
    let r = step(&observer, &theirs, json!({"action": "withdraw"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        ok(step(&hirosaki, &theirs, json!({"action": "withdraw"})).await).await["state"],
        "withdrawn"
    );
    assert_eq!(
        observer.get_json("/sfn/proposals_page").await["addressees"],
        json!([])
    );
    // The other network's secretariat answers its own proposals only.
    let r = step(&iwate_coordinator, &p, json!({"action": "review"})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hostile_input_replays_and_races_are_answered_cleanly() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    let with = |field: &str, value: Value| {
        let mut b = proposal_body();
        b[field] = value;
        b
    };
    for (body, code) in [
        (with("title", json!("件名\u{0}")), "invalid_field"),
        (with("title", json!("\u{202e}件名")), "invalid_field"),
        (with("title", json!("件\u{200b}名")), "invalid_field"),
        (with("background", json!("背景\u{0}")), "invalid_field"),
        (with("proposal", json!("提案\u{202e}")), "invalid_field"),
        (
            with(
                "target_groups",
                json!([
                    "unstable_employment",
                    "unstable_employment",
                    "unstable_employment",
                    "unstable_employment"
                ]),
            ),
            "invalid_field",
        ),
        (
            with("on_behalf_of", json!(uuid::Uuid::nil())),
            "invalid_platform",
        ),
        (with("title", json!("x".repeat(201))), "invalid_field"),
        (with("title", json!("  ")), "invalid_field"),
        (with("proposal", json!("")), "invalid_field"),
        (
            with("proposal", json!("あ".repeat(10_001))),
            "invalid_field",
        ),
        (
            with("background", json!("連絡先 090-1234-5678 まで")),
            "personal_data",
        ),
        (with("target_groups", json!(["everyone"])), "invalid_field"),
        (with("platform_id", json!("not-a-uuid")), "invalid_field"),
    ] {
        let (status, got) = error_code(proposer.post("/api/v1/proposals", &body).await).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert_eq!(got, code, "{body}");
    }
    assert!(listed(&proposer).await.is_empty(), "nothing half-written");

    // A replayed submission is one proposal.
    let key = uuid::Uuid::new_v4().to_string();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let r = proposer
            .request(reqwest::Method::POST, "/api/v1/proposals")
            .header("Idempotency-Key", &key)
            .json(&proposal_body())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        seen.push(r.json::<Value>().await.unwrap()["id"].clone());
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(listed(&proposer).await.len(), 1);
    let p = ok(coordinator
        .get(&format!("/api/v1/proposals/{}", seen[0].as_str().unwrap()))
        .await)
    .await;

    // An answer needs its decision and its text, without personal data.
    for (body, code) in [
        (
            json!({"action": "answer", "answer": "回答"}),
            "invalid_field",
        ),
        (
            json!({"action": "answer", "outcome": "adopted", "answer": " "}),
            "invalid_field",
        ),
        (
            json!({"action": "answer", "outcome": "maybe", "answer": "回答"}),
            "invalid_field",
        ),
        (json!({"action": "fly"}), "invalid_field"),
        (
            json!({"action": "answer", "outcome": "adopted", "answer": "mail: taro@example.jp"}),
            "personal_data",
        ),
        (
            json!({"action": "answer", "outcome": "adopted", "answer": "回答\u{202e}"}),
            "invalid_field",
        ),
    ] {
        let (status, got) = error_code(step(&coordinator, &p, body.clone()).await).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert_eq!(got, code, "{body}");
    }
    // Versions out of range or negative, and a note with a NUL: refused, never a 500.
    let base = format!("/api/v1/proposals/{}", p["id"].as_str().unwrap());
    for (path, body, code) in [
        (
            format!("{base}/steps"),
            json!({"version": 4_000_000_000u32, "action": "review"}),
            "edit_conflict",
        ),
        (
            format!("{base}/steps"),
            json!({"version": -1, "action": "review"}),
            "invalid_field",
        ),
        (
            format!("{base}/steps"),
            json!({"version": 1e30, "action": "review"}),
            "invalid_field",
        ),
    ] {
        let (status, got) = error_code(coordinator.post(&path, &body).await).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert_eq!(got, code, "{body}");
    }
    for (body, code) in [
        (
            json!({"note_version": p["note_version"], "note": "メモ\u{0}"}),
            "invalid_field",
        ),
        (
            json!({"note_version": 4_000_000_000u32, "note": "メモ"}),
            "edit_conflict",
        ),
        (
            json!({"note_version": p["note_version"], "note": "x".repeat(10_001)}),
            "invalid_field",
        ),
    ] {
        let (status, got) = error_code(coordinator.put(&format!("{base}/note"), &body).await).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert_eq!(got, code, "{body}");
    }
    let still = ok(coordinator
        .get(&format!("/api/v1/proposals/{}", p["id"].as_str().unwrap()))
        .await)
    .await;
    assert_eq!(still["state"], "submitted");
    assert_eq!(still["version"], p["version"]);

    // Two secretaries answer at once, the proposer withdraws at the same moment: exactly
    // one step is taken, the others are told someone came first. A note written meanwhile
    // never makes a step fail (it has a version of its own).
    let note_path = format!("/api/v1/proposals/{}/note", p["id"].as_str().unwrap());
    let note_body = json!({"note_version": p["note_version"], "note": "検討中"});
    let note = coordinator.put(&note_path, &note_body);
    let a = step(&coordinator, &p, answer("adopted", false));
    let b = step(&deputy, &p, answer("deferred", true));
    let c = step(&proposer, &p, json!({"action": "withdraw"}));
    let (note, a, b, c) = tokio::join!(note, a, b, c);
    assert_eq!(note.status(), StatusCode::OK);
    let statuses = [a.status(), b.status(), c.status()];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        2,
        "{statuses:?}"
    );
    let after = ok(coordinator
        .get(&format!("/api/v1/proposals/{}", p["id"].as_str().unwrap()))
        .await)
    .await;
    assert_eq!(after["secretariat_note"], "検討中");
    assert_eq!(after["history"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_pages_work_without_javascript() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    let post_form = |user: &User, path: &str, fields: Vec<(&str, String)>| {
        let mut all = fields;
        all.push(("csrf_token", user.csrf.clone()));
        user.client.post(app.url(path)).form(&all).send()
    };
    let html = proposer.get("/proposals/new").await.text().await.unwrap();
    assert!(html.contains(r#"name="proposal""#) && html.contains(r#"name="target_groups""#));
    let aomori = app.platform_id("aomori").await.to_string();
    let r = post_form(
        &proposer,
        "/proposals",
        vec![
            ("platform_id", aomori.clone()),
            ("on_behalf_of", "".into()),
            ("title", "合同相談会".into()),
            ("proposal", "月1回のオンライン相談会".into()),
            ("target_groups", "social_participation".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.ends_with("?saved=1"), "{to}");
    let id = to
        .trim_start_matches("/proposals/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // A refusal comes back to the form as a notice.
    let r = post_form(
        &proposer,
        "/proposals",
        vec![
            ("platform_id", aomori),
            ("title", "件名".into()),
            ("proposal", "".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, "/proposals/new?error=invalid_field");

    let html = coordinator.get("/proposals").await.text().await.unwrap();
    assert!(html.contains("合同相談会"));
    let html = coordinator
        .get(&format!("/proposals/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("月1回のオンライン相談会"));
    assert!(html.contains(r#"name="outcome""#) && html.contains(r#"name="note""#));
    let proposer_html = proposer
        .get(&format!("/proposals/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !proposer_html.contains(r#"name="note""#),
        "the note form is the secretariat's"
    );
    assert!(proposer_html.contains(r#"value="withdraw""#));

    let p = ok(coordinator.get(&format!("/api/v1/proposals/{id}")).await).await;
    let r = post_form(
        &coordinator,
        &format!("/proposals/{id}/note"),
        vec![
            ("note_version", p["note_version"].to_string()),
            ("note", "次回協議会で".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/proposals/{id}?saved=1"));
    let r = post_form(
        &coordinator,
        &format!("/proposals/{id}/steps"),
        vec![
            ("version", p["version"].to_string()),
            ("action", "answer".into()),
            ("outcome", "deferred".into()),
            ("answer", "次年度に検討します。".into()),
            ("publish_answer", "true".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/proposals/{id}?saved=1"));
    // The same form again (a stale version) and an action that is none: notices.
    let r = post_form(
        &coordinator,
        &format!("/proposals/{id}/steps"),
        vec![
            ("version", p["version"].to_string()),
            ("action", "review".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/proposals/{id}?error=edit_conflict"));
    let r = post_form(
        &proposer,
        &format!("/proposals/{id}/steps"),
        vec![("version", "0".into()), ("action", "nonsense".into())],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/proposals/{id}?error=invalid_field"));
    let v = ok(proposer.get(&format!("/api/v1/proposals/{id}")).await).await;
    assert_eq!(v["state"], "answered");
    assert_eq!(v["outcome"], "deferred");
    assert_eq!(v["answer_published"], true);
    assert_eq!(v["secretariat_note"], Value::Null);
    let html = proposer
        .get(&format!("/proposals/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("次年度に検討します。") && !html.contains("次回協議会で"));
}

#[tokio::test]
async fn a_former_secretariat_and_a_proposer_who_left_keep_nothing_they_may_not_see() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    // 健康福祉部 is made a secretary, hears of a submission, writes the note.
    app.grant(LIAISON, "aomori", app::domain::Role::Coordinator)
        .await;
    let liaison = app.sign_in(LIAISON).await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    let p = submit(&proposer, &proposal_body()).await;
    let id = p["id"].as_str().unwrap().to_string();
    let secret = "内部で検討中のメモ";
    let seen = ok(liaison.get(&format!("/api/v1/proposals/{id}")).await).await;
    ok(liaison
        .put(
            &format!("/api/v1/proposals/{id}/note"),
            &json!({"note_version": seen["note_version"], "note": secret}),
        )
        .await)
    .await;
    let (changes, cursor) = pull_all(&liaison, 0).await;
    assert!(serde_json::to_string(&changes).unwrap().contains(secret));
    let notification = liaison
        .get_json("/api/v1/notifications")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["proposal_id"] == id.as_str())
        .expect("the secretary was told of the submission")["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The role goes: the proposal and the notification come again as tombstones.
    app.revoke(&coordinator, LIAISON, "aomori", "coordinator")
        .await;
    let liaison = app.sign_in(LIAISON).await;
    let path = format!("/api/v1/proposals/{id}");
    let changes = assert_gone(&liaison, cursor, "proposal", &id, &path).await;
    assert!(
        ids(&changes, "notification", "delete").contains(&notification),
        "{changes:?}"
    );

    // 青森市's person leaves the network: their organisation's proposal, addressed to the
    // organisation, comes again as a tombstone too.
    let (_, cursor) = pull_all(&proposer, 0).await;
    app.revoke(&coordinator, AOMORI_CITY, "aomori-city", "staff")
        .await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    assert_gone(&proposer, cursor, "proposal", &id, &path).await;
}

#[tokio::test]
async fn publication_is_one_step_each_way_and_the_proposer_keeps_the_answer() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let proposer = app.sign_in(AOMORI_CITY).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let p = submit(&proposer, &proposal_body()).await;
    let p = ok(step(&coordinator, &p, answer("adopted", true)).await).await;
    assert_eq!(p["actions"], json!(["close", "unpublish_answer"]));
    let (status, code) =
        error_code(step(&coordinator, &p, json!({"action": "publish_answer"})).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    let (_, cursor) = pull_all(&proposer, 0).await;
    let kept = ok(step(&coordinator, &p, json!({"action": "unpublish_answer"})).await).await;
    let id = kept["id"].as_str().unwrap().to_string();
    // The proposer still reads it, answer and all, and its device is told so.
    let (changes, _) = pull_all(&proposer, cursor).await;
    let last = changes
        .iter()
        .rev()
        .find(|c| c["id"] == id.as_str())
        .expect("the proposer hears of it");
    assert_eq!(last["op"], "upsert");
    assert_eq!(last["data"]["answer_published"], false);
    assert_eq!(last["data"]["note_version"], Value::Null);
    assert_eq!(
        hirosaki
            .get(&format!("/api/v1/proposals/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (status, code) =
        error_code(step(&coordinator, &kept, json!({"action": "unpublish_answer"})).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    // A step the state does not allow, from the page: a notice, nothing changed.
    let r = coordinator
        .client
        .post(app.url(&format!("/proposals/{id}/steps")))
        .form(&[
            ("csrf_token", coordinator.csrf.clone()),
            ("version", kept["version"].to_string()),
            ("action", "review".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_see_other(&r, &format!("/proposals/{id}?error=invalid_transition"));
}
