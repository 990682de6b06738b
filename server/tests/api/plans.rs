//! The implementation plan (issue: plan, KPIs, inquiries): the isolation matrix (the
//! secretariat, prefectural staff, a responsible city, another city, an economic
//! organisation, another network) on every endpoint, list and the sync feed; revisions
//! fixed once published and compared section by section; progress reported by the
//! secretariat and the responsible organisation only; racing editors and reporters;
//! hostile input; the pages and their plain form posts.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sync::{assert_gone, ids, pull_all};

const COORDINATOR: &str = "coordinator@aomori.example";
const DEPUTY: &str = "shoko-rodo@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";

fn plan_body() -> Value {
    json!({
        "title": "青森県 事業実施計画（第2期）",
        "period_start": 2023,
        "period_end": 2025,
        "sections": [
            {"section": "purpose", "body": "一人ひとりに応じた切れ目のない支援を行う。"},
            {"section": "period", "body": "令和5年度から\n令和7年度までの3年間とする。\n"},
        ],
    })
}

async fn create_plan(user: &User, body: &Value) -> Value {
    ok_created(user.post("/api/v1/plans", body).await).await
}

async fn add_item(user: &User, plan: &Value, item: Value) -> Value {
    let mut body = item;
    body["version"] = plan["version"].clone();
    ok(user
        .post(
            &format!("/api/v1/plans/{}/items", plan["id"].as_str().unwrap()),
            &body,
        )
        .await)
    .await
}

async fn publish(user: &User, plan: &Value, note: &str) -> Value {
    ok(user
        .post(
            &format!("/api/v1/plans/{}/publish", plan["id"].as_str().unwrap()),
            &json!({"version": plan["version"], "note": note}),
        )
        .await)
    .await
}

async fn listed(user: &User) -> Vec<String> {
    user.get_json("/api/v1/plans")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

fn section<'a>(plan: &'a Value, name: &str) -> &'a Value {
    plan["content"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == name)
        .expect("every section is answered")
}

#[tokio::test]
async fn a_working_copy_is_the_secretariats_and_a_revision_the_networks() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let liaison = app.sign_in(LIAISON).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    // (who, user, sees the working copy, sees the published plan)
    let readers = [
        ("deputy secretariat", &deputy, true, true),
        ("prefectural staff", &liaison, false, true),
        ("responsible city", &hachinohe, false, true),
        ("another city", &hirosaki, false, true),
        ("economic organisation", &keieisha, false, true),
        ("another network", &iwate, false, false),
    ];
    let mut starts = Vec::new();
    for (_, u, _, _) in &readers {
        starts.push(pull_all(u, 0).await.1);
    }
    let plan = create_plan(&coordinator, &plan_body()).await;
    let id = plan["id"].as_str().unwrap().to_string();
    assert_eq!(plan["revision"], 0);
    assert_eq!(plan["shown_revision"], 0);
    assert_eq!(plan["can_edit"], true);
    assert_eq!(plan["content"]["sections"].as_array().unwrap().len(), 8);
    assert_eq!(
        section(&plan, "period")["html"],
        "<p>令和5年度から\n令和7年度までの3年間とする。</p>\n"
    );
    let hachinohe_org = app.organisation_id("八戸市").await;
    let plan = add_item(
        &coordinator,
        &plan,
        json!({"target_group": "long_term_unemployed", "title": "職場体験",
               "responsible": [hachinohe_org], "schedule": [2024, 2025], "budget": 8600}),
    )
    .await;
    let path = format!("/api/v1/plans/{id}");

    // A working copy never published: the secretariat only, nowhere else, not even as a
    // tombstone in the feed.
    for (i, (who, user, sees, _)) in readers.iter().enumerate() {
        assert_eq!(listed(user).await.contains(&id), *sees, "{who} list");
        let status = user.get(&path).await.status();
        assert_eq!(status == StatusCode::OK, *sees, "{who} GET: {status}");
        if !sees {
            assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
            for p in [
                format!("{path}/revisions/1"),
                format!("{path}/compare?from=0&to=0"),
            ] {
                assert_eq!(
                    user.get(&p).await.status(),
                    StatusCode::NOT_FOUND,
                    "{who} {p}"
                );
            }
        }
        let (changes, _) = pull_all(user, starts[i]).await;
        assert_eq!(
            changes.iter().any(|c| c["id"] == id.as_str()),
            *sees,
            "{who} feed: {changes:?}"
        );
    }

    // Published: every member of the network reads revision 1; another network nothing.
    let plan = publish(&coordinator, &plan, "").await;
    assert_eq!(plan["revision"], 1);
    assert_eq!(plan["unpublished_changes"], false);
    for (i, (who, user, _, sees)) in readers.iter().enumerate() {
        assert_eq!(listed(user).await.contains(&id), *sees, "{who} list");
        let r = user.get(&path).await;
        if *sees {
            let v = ok(r).await;
            assert_eq!(v["content"]["items"].as_array().unwrap().len(), 1, "{who}");
            assert_eq!(
                user.get(&format!("{path}/revisions/1")).await.status(),
                StatusCode::OK
            );
        } else {
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
            assert_eq!(
                user.get(&format!("{path}/revisions/1")).await.status(),
                StatusCode::NOT_FOUND
            );
        }
        let (changes, _) = pull_all(user, starts[i]).await;
        assert_eq!(
            ids(&changes, "plan", "upsert").contains(&id),
            *sees,
            "{who} feed"
        );
    }

    // The secretariat goes on drafting: members still read revision 1 and hear nothing;
    // the other secretary's device gets the new working copy.
    let before = pull_all(&hirosaki, 0).await.1;
    let deputy_before = pull_all(&deputy, 0).await.1;
    let r = coordinator
        .put(
            &path,
            &json!({"version": plan["version"], "title": "改訂中の計画", "period_start": 2023,
                    "period_end": 2026}),
        )
        .await;
    let draft = ok(r).await;
    assert_eq!(draft["unpublished_changes"], true);
    assert_eq!(draft["content"]["title"], "改訂中の計画");
    let member_view = ok(hirosaki.get(&path).await).await;
    assert_eq!(
        member_view["content"]["title"],
        "青森県 事業実施計画（第2期）"
    );
    assert_eq!(member_view["shown_revision"], 1);
    assert_eq!(member_view["unpublished_changes"], false);
    assert_eq!(member_view["can_edit"], false);
    let (changes, _) = pull_all(&hirosaki, before).await;
    assert!(
        !changes.iter().any(|c| c["id"] == id.as_str()),
        "{changes:?}"
    );
    let (changes, _) = pull_all(&deputy, deputy_before).await;
    let last = changes
        .iter()
        .rev()
        .find(|c| c["id"] == id.as_str())
        .expect("the deputy hears of the edit");
    assert_eq!(last["data"]["content"]["title"], "改訂中の計画");
    // Nor can a member compare against the working copy.
    assert_eq!(
        hirosaki
            .get(&format!("{path}/compare?from=1&to=0"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Members may not write; another network cannot even find it.
    for (who, user, status) in [
        ("member", &hirosaki, StatusCode::FORBIDDEN),
        ("another network", &iwate, StatusCode::NOT_FOUND),
    ] {
        let r = user
            .put(&path, &json!({"version": draft["version"], "title": "x", "period_start": 2023, "period_end": 2025}))
            .await;
        assert_eq!(r.status(), status, "{who} PUT");
        let r = user
            .post(
                &format!("{path}/publish"),
                &json!({"version": draft["version"], "note": "x"}),
            )
            .await;
        assert_eq!(r.status(), status, "{who} publish");
        assert_eq!(user.delete(&path).await.status(), status, "{who} DELETE");
    }
    // A published plan stays on record.
    let (status, code) = error_code(coordinator.delete(&path).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "plan_published")
    );
}

#[tokio::test]
async fn revisions_are_fixed_and_compared_section_by_section() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let plan = create_plan(&coordinator, &plan_body()).await;
    let id = plan["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/plans/{id}");
    let plan = add_item(
        &coordinator,
        &plan,
        json!({"target_group": "unstable_employment", "title": "専門窓口", "schedule": [2023]}),
    )
    .await;
    let first_item = plan["content"]["items"][0]["id"].clone();
    let plan = publish(&coordinator, &plan, "第1回協議会で承認").await;

    // Revision 2: the period extended, its section rewritten, an item added.
    let r = deputy
        .put(
            &path,
            &json!({"version": plan["version"], "title": "青森県 事業実施計画（第2期）",
                    "period_start": 2023, "period_end": 2026,
                    "sections": [{"section": "period", "body": "令和5年度から\n令和8年度までの4年間とする。\n"}]}),
        )
        .await;
    let plan = ok(r).await;
    // Sections left out keep their text.
    assert_eq!(
        section(&plan, "purpose")["body"],
        "一人ひとりに応じた切れ目のない支援を行う。"
    );
    let plan = add_item(
        &deputy,
        &plan,
        json!({"title": "リスキリング", "schedule": [2026], "budget": 15000}),
    )
    .await;
    // From the second revision on, a note says what changed.
    let r = coordinator
        .post(
            &format!("{path}/publish"),
            &json!({"version": plan["version"], "note": " "}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".into())
    );
    let plan = publish(&coordinator, &plan, "計画期間を令和8年度まで延長").await;
    assert_eq!(plan["revision"], 2);
    // Nothing changed since: nothing to publish.
    let r = coordinator
        .post(
            &format!("{path}/publish"),
            &json!({"version": plan["version"], "note": "再公開"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "plan_unchanged".into())
    );

    // Revision 1 is as it was published.
    let first = ok(hirosaki.get(&format!("{path}/revisions/1")).await).await;
    assert_eq!(first["shown_revision"], 1);
    assert_eq!(first["content"]["period_end"], 2025);
    assert_eq!(first["content"]["items"].as_array().unwrap().len(), 1);
    let revisions = ok(hirosaki.get(&path).await).await["revisions"].clone();
    assert_eq!(revisions[0]["revision"], 2);
    assert_eq!(revisions[0]["note"], "計画期間を令和8年度まで延長");
    assert_eq!(revisions[1]["note"], "第1回協議会で承認");
    for n in [0, 3, 4_000_000_000u32] {
        assert_eq!(
            hirosaki
                .get(&format!("{path}/revisions/{n}"))
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "revision {n}"
        );
    }

    // Compared: the period section line by line, the rest unchanged, the added item.
    let c = ok(hirosaki.get(&format!("{path}/compare?from=1&to=2")).await).await;
    assert_eq!(c["from_heading"]["period_end"], 2025);
    assert_eq!(c["to_heading"]["period_end"], 2026);
    let sections = c["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 8);
    assert_eq!(sections[0]["section"], "purpose", "the official order");
    for s in sections {
        assert_eq!(s["changed"], s["section"] == "period", "{s}");
    }
    let period = &sections[1];
    assert_eq!(
        period["from"][0],
        json!({"change": "same", "text": "令和5年度から"})
    );
    assert_eq!(
        period["from"][1],
        json!({"change": "removed", "text": "令和7年度までの3年間とする。"})
    );
    assert_eq!(
        period["to"][1],
        json!({"change": "added", "text": "令和8年度までの4年間とする。"})
    );
    let items = c["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], first_item);
    assert_eq!(items[0]["changed"], false);
    assert_eq!(items[1]["from"], Value::Null);
    assert_eq!(items[1]["to"]["title"], "リスキリング");
    // Either way round; a query that is not a revision number is refused.
    let back = ok(hirosaki.get(&format!("{path}/compare?from=2&to=1")).await).await;
    assert_eq!(back["items"][1]["to"], Value::Null);
    for q in [
        "from=1",
        "from=a&to=1",
        "from=-1&to=1",
        "from=1&to=99999999999",
    ] {
        let r = hirosaki.get(&format!("{path}/compare?{q}")).await;
        assert!(
            matches!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
            ),
            "{q}: {}",
            r.status()
        );
    }
    // The secretariat compares its working copy with the latest revision.
    let c = ok(coordinator
        .get(&format!("{path}/compare?from=2&to=0"))
        .await)
    .await;
    assert!(c["sections"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["changed"] == false));
}

#[tokio::test]
async fn progress_is_reported_by_the_secretariat_and_the_responsible_organisation_only() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let hachinohe_org = app.organisation_id("八戸市").await;
    let plan = create_plan(&coordinator, &plan_body()).await;
    let plan = add_item(
        &coordinator,
        &plan,
        json!({"target_group": "social_participation", "title": "居場所づくり",
               "responsible": [hachinohe_org], "schedule": [2024]}),
    )
    .await;
    let id = plan["id"].as_str().unwrap().to_string();
    let item = plan["content"]["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let progress = format!("/api/v1/plans/{id}/items/{item}/progress");
    let report = |status: &str, note: &str, version: u64| json!({"status": status, "note": note, "version": version});
    // Not yet published: the responsible city cannot see the plan at all.
    let r = hachinohe
        .put(&progress, &report("in_progress", "", 0))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let plan = publish(&coordinator, &plan, "").await;
    assert_eq!(plan["can_report"], json!([item]));

    let before = pull_all(&hirosaki, 0).await.1;
    let v = ok(hachinohe
        .put(&progress, &report("in_progress", "週3日に拡大", 0))
        .await)
    .await;
    assert_eq!(v["can_report"], json!([item]));
    assert_eq!(v["progress"][0]["status"], "in_progress");
    assert_eq!(v["progress"][0]["version"], 1);
    // The network hears it and reads it at once, without a new revision.
    let (changes, _) = pull_all(&hirosaki, before).await;
    assert!(ids(&changes, "plan", "upsert").contains(&id));
    let seen = ok(hirosaki.get(&format!("/api/v1/plans/{id}")).await).await;
    assert_eq!(seen["progress"][0]["note"], "週3日に拡大");
    assert_eq!(seen["can_report"], json!([]));
    // Another city may read but not report; an unknown item is 404.
    let r = hirosaki.put(&progress, &report("done", "", 1)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hachinohe
        .put(
            &format!("/api/v1/plans/{id}/items/{}/progress", uuid::Uuid::new_v4()),
            &report("done", "", 0),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A report read before someone else's is refused, not lost.
    let r = coordinator.put(&progress, &report("done", "", 0)).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "edit_conflict".into())
    );
    // Two at once at the same version: one is saved, the other told.
    for round in 0..5u64 {
        let version = 1 + round;
        let (done, stopped) = (
            report("done", "事務局", version),
            report("stopped", "八戸市", version),
        );
        let (a, b) = tokio::join!(
            coordinator.put(&progress, &done),
            hachinohe.put(&progress, &stopped),
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
    }
    let last = ok(hirosaki.get(&format!("/api/v1/plans/{id}")).await).await;
    assert_eq!(last["progress"][0]["version"], 6);
    // The status is one of the four.
    let r = hachinohe.put(&progress, &report("finished", "", 6)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Revision 2 no longer names 八戸市: it may read the item but not report on it.
    let plan = ok(coordinator.get(&format!("/api/v1/plans/{id}")).await).await;
    let r = coordinator
        .put(
            &format!("/api/v1/plans/{id}/items/{item}"),
            &json!({"version": plan["version"], "title": "居場所づくり", "schedule": [2024]}),
        )
        .await;
    let plan = ok(r).await;
    publish(&coordinator, &plan, "実施主体を見直し").await;
    let r = hachinohe.put(&progress, &report("done", "", 6)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // An item only in the working copy is the secretariat's to report on.
    let plan = ok(coordinator.get(&format!("/api/v1/plans/{id}")).await).await;
    let plan = add_item(
        &coordinator,
        &plan,
        json!({"title": "新しい事業", "responsible": [hachinohe_org]}),
    )
    .await;
    let new_item = plan["content"]["items"][1]["id"].as_str().unwrap();
    let new_progress = format!("/api/v1/plans/{id}/items/{new_item}/progress");
    let r = hachinohe
        .put(&new_progress, &report("in_progress", "", 0))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    ok(coordinator
        .put(&new_progress, &report("in_progress", "", 0))
        .await)
    .await;
}

#[tokio::test]
async fn two_secretaries_editing_at_once_cannot_overwrite_each_other() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let plan = create_plan(&coordinator, &plan_body()).await;
    let id = plan["id"].as_str().unwrap().to_string();
    let items = format!("/api/v1/plans/{id}/items");
    for round in 0..5 {
        let plan = ok(coordinator.get(&format!("/api/v1/plans/{id}")).await).await;
        let v = plan["version"].clone();
        let (first, second) = (
            json!({"version": v, "title": format!("A{round}")}),
            json!({"version": v, "title": format!("B{round}")}),
        );
        let (a, b) = tokio::join!(
            coordinator.post(&items, &first),
            deputy.post(&items, &second)
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
    }
    let plan = ok(coordinator.get(&format!("/api/v1/plans/{id}")).await).await;
    assert_eq!(
        plan["content"]["items"].as_array().unwrap().len(),
        5,
        "one item per round"
    );
    // Two publishers of the same version: one revision.
    let v = plan["version"].clone();
    let publish = format!("/api/v1/plans/{id}/publish");
    let body = json!({"version": v, "note": ""});
    let (a, b) = tokio::join!(
        coordinator.post(&publish, &body),
        deputy.post(&publish, &body)
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let plan = ok(coordinator.get(&format!("/api/v1/plans/{id}")).await).await;
    assert_eq!(plan["revision"], 1);
    assert_eq!(plan["revisions"].as_array().unwrap().len(), 1);
    // Removing an item at a stale version is refused; at the current one it goes from the
    // working copy and stays in revision 1.
    let item = plan["content"]["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = coordinator
        .delete(&format!(
            "{items}/{item}?version={}",
            plan["version"].as_u64().unwrap() - 1
        ))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "edit_conflict".into())
    );
    let r = coordinator
        .delete(&format!("{items}/{item}?version={}", plan["version"]))
        .await;
    let after = ok(r).await;
    assert_eq!(after["content"]["items"].as_array().unwrap().len(), 4);
    let first = ok(coordinator
        .get(&format!("/api/v1/plans/{id}/revisions/1"))
        .await)
    .await;
    assert_eq!(first["content"]["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn hostile_and_careless_input_is_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    // Only a prefectural secretariat drafts a plan.
    let r = hachinohe.post("/api/v1/plans", &plan_body()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let aomori = app.platform_id("aomori").await;
    let mut body = plan_body();
    body["platform_id"] = json!(aomori);
    let r = iwate.post("/api/v1/plans", &body).await;
    assert_eq!(error_code(r).await.1, "invalid_platform");

    let refused = |patch: Value| {
        let mut b = plan_body();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    for (why, body, code) in [
        (
            "end before start",
            refused(json!({"period_end": 2022})),
            "invalid_field",
        ),
        (
            "eleven years",
            refused(json!({"period_end": 2033})),
            "invalid_field",
        ),
        (
            "year out of window",
            refused(json!({"period_start": 1999})),
            "invalid_field",
        ),
        (
            "NUL",
            refused(json!({"title": "計画\u{0}"})),
            "invalid_field",
        ),
        (
            "bidi override",
            refused(json!({"title": "計画\u{202E}"})),
            "invalid_field",
        ),
        (
            "zero-width only",
            refused(json!({"title": "\u{200B}"})),
            "invalid_field",
        ),
        (
            "empty title",
            refused(json!({"title": "  "})),
            "invalid_field",
        ),
        (
            "long title",
            refused(json!({"title": "計".repeat(201)})),
            "invalid_field",
        ),
        (
            "section too long",
            refused(json!({"sections": [{"section": "other", "body": "あ".repeat(20_001)}]})),
            "invalid_field",
        ),
        (
            "section twice",
            refused(
                json!({"sections": [{"section": "other", "body": "a"}, {"section": "other", "body": "b"}]}),
            ),
            "invalid_field",
        ),
        (
            "unknown section",
            refused(json!({"sections": [{"section": "appendix", "body": "a"}]})),
            "invalid_field",
        ),
        (
            "a phone number",
            refused(json!({"sections": [{"section": "other", "body": "担当 090-1234-5678 山田"}]})),
            "personal_data",
        ),
    ] {
        let r = coordinator.post("/api/v1/plans", &body).await;
        let (status, got) = error_code(r).await;
        assert!(status.is_client_error(), "{why}: {status}");
        assert_eq!(got, code, "{why}");
    }
    assert!(
        listed(&coordinator).await.is_empty(),
        "nothing half-written"
    );

    let plan = create_plan(&coordinator, &plan_body()).await;
    let id = plan["id"].as_str().unwrap().to_string();
    // One plan per period.
    let r = coordinator
        .post(
            "/api/v1/plans",
            &refused(json!({"period_start": 2025, "period_end": 2027})),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "plan_period_overlap".into())
    );
    let later = create_plan(
        &coordinator,
        &refused(json!({"period_start": 2026, "period_end": 2028})),
    )
    .await;
    let r = coordinator
        .put(
            &format!("/api/v1/plans/{id}"),
            &json!({"version": plan["version"], "title": "x", "period_start": 2023, "period_end": 2026}),
        )
        .await;
    assert_eq!(error_code(r).await.1, "plan_period_overlap");
    // A plan never published can be deleted.
    let later_path = format!("/api/v1/plans/{}", later["id"].as_str().unwrap());
    assert_eq!(
        coordinator.delete(&later_path).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        coordinator.get(&later_path).await.status(),
        StatusCode::NOT_FOUND
    );

    // Items.
    let iwate_kpi = iwate
        .post(
            "/api/v1/kpis",
            &json!({"name": "岩手の就職者数", "unit": "人", "kind": "output",
                    "direction": "higher_is_better", "accumulation": "annual",
                    "periodicity": "fiscal_year", "period_start": 2023, "period_end": 2025}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .clone();
    let iwate_org = app.organisation_id("岩手労働局").await;
    let items = format!("/api/v1/plans/{id}/items");
    let v = plan["version"].clone();
    for (why, item, code) in [
        ("no title", json!({"title": ""}), "invalid_field"),
        (
            "year outside the period",
            json!({"title": "a", "schedule": [2026]}),
            "invalid_field",
        ),
        (
            "negative budget",
            json!({"title": "a", "budget": -1}),
            "invalid_field",
        ),
        (
            "huge budget",
            json!({"title": "a", "budget": 1e13}),
            "invalid_field",
        ),
        (
            "budget as text",
            json!({"title": "a", "budget": "百万"}),
            "invalid_field",
        ),
        (
            "another network's KPI",
            json!({"title": "a", "kpis": [iwate_kpi]}),
            "invalid_kpi",
        ),
        (
            "an unknown KPI",
            json!({"title": "a", "kpis": [uuid::Uuid::new_v4()]}),
            "invalid_kpi",
        ),
        (
            "eleven KPIs",
            json!({"title": "a", "kpis": (0..11).map(|_| uuid::Uuid::new_v4()).collect::<Vec<_>>()}),
            "invalid_field",
        ),
        (
            "another network's organisation",
            json!({"title": "a", "responsible": [iwate_org]}),
            "invalid_organisation",
        ),
        (
            "unknown group",
            json!({"title": "a", "target_group": "everyone"}),
            "invalid_field",
        ),
        (
            "a My Number",
            json!({"title": "a", "description": "マイナンバー 1234 5678 9012"}),
            "personal_data",
        ),
    ] {
        let mut body = item;
        body["version"] = v.clone();
        let (status, got) = error_code(coordinator.post(&items, &body).await).await;
        assert!(status.is_client_error(), "{why}: {status}");
        assert_eq!(got, code, "{why}");
    }
    let plan = add_item(
        &coordinator,
        &plan,
        json!({"title": "a", "schedule": [2025]}),
    )
    .await;
    assert_eq!(
        plan["version"],
        v.as_u64().unwrap() + 1,
        "the refusals wrote nothing"
    );
    // Shortening the period past an item's year is refused until the item moves.
    let r = coordinator
        .put(
            &format!("/api/v1/plans/{id}"),
            &json!({"version": plan["version"], "title": "x", "period_start": 2023, "period_end": 2024}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "plan_items_outside_period".into())
    );
    // Markdown shows as safe HTML.
    let r = coordinator
        .put(
            &format!("/api/v1/plans/{id}"),
            &json!({"version": plan["version"], "title": "x", "period_start": 2023, "period_end": 2025,
                    "sections": [{"section": "other", "body": "<script>alert(1)</script>\n\n[x](javascript:alert(1)) **太字**"}]}),
        )
        .await;
    let plan = ok(r).await;
    let html = section(&plan, "other")["html"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
    assert!(html.contains("<strong>太字</strong>"), "{html}");
}

#[tokio::test]
async fn a_former_secretariat_keeps_no_working_copy() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    app.grant(LIAISON, "aomori", app::domain::Role::Coordinator)
        .await;
    let liaison = app.sign_in(LIAISON).await;
    let draft = create_plan(&liaison, &plan_body()).await;
    let draft_id = draft["id"].as_str().unwrap().to_string();
    let (changes, cursor) = pull_all(&liaison, 0).await;
    assert!(ids(&changes, "plan", "upsert").contains(&draft_id));
    app.revoke(&coordinator, LIAISON, "aomori", "coordinator")
        .await;
    let liaison = app.sign_in(LIAISON).await;
    assert_gone(
        &liaison,
        cursor,
        "plan",
        &draft_id,
        &format!("/api/v1/plans/{draft_id}"),
    )
    .await;
}

#[tokio::test]
async fn the_pages_work_without_javascript() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hachinohe_org = app.organisation_id("八戸市").await.to_string();
    let post_form = |user: &User, path: &str, fields: Vec<(&str, String)>| {
        let mut all = fields;
        all.push(("csrf_token", user.csrf.clone()));
        user.client.post(app.url(path)).form(&all).send()
    };
    let r = coordinator.get("/plans/new").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains(r#"name="section_purpose""#));
    let r = post_form(
        &coordinator,
        "/plans",
        vec![
            ("title", "第2期計画".into()),
            ("period_start", "2023".into()),
            ("period_end", "2025".into()),
            ("section_purpose", "趣旨の本文".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.ends_with("/edit?saved=1"), "{to}");
    let id = to
        .trim_start_matches("/plans/")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/plans/{id}");
    let plan = ok(coordinator.get(&path).await).await;
    assert_eq!(section(&plan, "purpose")["body"], "趣旨の本文");

    // The editor: an item, then the sections; a stale version comes back as a notice.
    let r = post_form(
        &coordinator,
        &format!("/plans/{id}/items"),
        vec![
            ("version", plan["version"].to_string()),
            ("target_group", "".into()),
            ("title", "情報発信".into()),
            ("responsible", hachinohe_org.clone()),
            ("schedule", "2024".into()),
            ("schedule", "2025".into()),
            ("budget", "1,200".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/plans/{id}/edit?saved=1#items"));
    let r = post_form(
        &coordinator,
        &format!("/plans/{id}/edit"),
        vec![
            ("version", plan["version"].to_string()),
            ("title", "第2期計画".into()),
            ("period_start", "2023".into()),
            ("period_end", "2025".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/plans/{id}/edit?error=edit_conflict"));
    let plan = ok(coordinator.get(&path).await).await;
    let item = &plan["content"]["items"][0];
    assert_eq!(item["target_group"], Value::Null);
    assert_eq!(item["schedule"], json!([2024, 2025]));
    assert_eq!(item["budget"], 1200.0);
    let html = coordinator
        .get(&format!("/plans/{id}/edit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("情報発信") && html.contains(r#"name="schedule""#));

    // Published from the plan's page; the responsible city reports from it.
    let r = post_form(
        &coordinator,
        &format!("/plans/{id}/publish"),
        vec![
            ("version", plan["version"].to_string()),
            ("note", "".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/plans/{id}?saved=1"));
    let item_id = item["id"].as_str().unwrap();
    let html = hachinohe
        .get(&format!("/plans/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("情報発信") && html.contains("趣旨の本文"));
    assert!(html.contains(&format!("/plans/{id}/items/{item_id}/progress")));
    let r = post_form(
        &hachinohe,
        &format!("/plans/{id}/items/{item_id}/progress"),
        vec![
            ("status", "done".into()),
            ("note", "完了".into()),
            ("version", "0".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/plans/{id}?saved=1#item-{item_id}"));
    let plan = ok(hachinohe.get(&path).await).await;
    assert_eq!(plan["progress"][0]["status"], "done");

    for page in [
        "/plans".to_string(),
        format!("/plans/{id}?revision=1"),
        format!("/plans/{id}/print"),
        format!("/plans/{id}/compare?from=1&to=1"),
    ] {
        let r = hachinohe.get(&page).await;
        assert_eq!(r.status(), StatusCode::OK, "{page}");
        assert!(r.text().await.unwrap().contains("第2期計画"), "{page}");
    }
    // The editor is the secretariat's.
    let r = hachinohe.get(&format!("/plans/{id}/edit")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_annual_report_is_a_workbook_of_what_the_reader_may_see() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let hachinohe_org = app.organisation_id("八戸市").await;
    let aomori_org = app.organisation_id("青森市").await;
    // A KPI with a 令和6年度 target of 100: 八戸市's 60 published, 青森市's 15 not yet.
    let kpi = ok_created(
        coordinator
            .post(
                "/api/v1/kpis",
                &json!({"name": "職場体験の参加者数", "unit": "人", "kind": "output",
                        "direction": "higher_is_better", "accumulation": "annual",
                        "periodicity": "fiscal_year", "period_start": 2023, "period_end": 2025,
                        "fiscal_year_targets": [{"fiscal_year": 2024, "target": 100}],
                        "contributors": [hachinohe_org, aomori_org]}),
            )
            .await,
    )
    .await;
    let kpi_id = kpi["id"].as_str().unwrap().to_string();
    ok(coordinator
        .post(&format!("/api/v1/kpis/{kpi_id}/publish"), &json!({}))
        .await)
    .await;
    let share = |org: uuid::Uuid, value: u32| json!({"organisation_id": org, "fiscal_year": 2024, "value": value});
    let actuals = format!("/api/v1/kpis/{kpi_id}/actuals");
    ok(coordinator.put(&actuals, &share(hachinohe_org, 60)).await).await;
    ok(coordinator
        .post(&format!("{actuals}/publish"), &json!({"fiscal_year": 2024}))
        .await)
    .await;
    ok(coordinator.put(&actuals, &share(aomori_org, 15)).await).await;

    let plan = create_plan(&coordinator, &plan_body()).await;
    let plan = add_item(
        &coordinator,
        &plan,
        json!({"target_group": "unstable_employment", "title": "=HYPERLINK(\"http://x\")",
               "responsible": [hachinohe_org], "schedule": [2024], "budget": 8600,
               "kpis": [kpi_id]}),
    )
    .await;
    let plan = publish(&coordinator, &plan, "").await;
    let id = plan["id"].as_str().unwrap();
    let report = |year: i32| format!("/api/v1/plans/{id}/report.xlsx?fiscal_year={year}");

    let r = hirosaki.get(&report(2024)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .contains("filename*=UTF-8''"));
    let bytes = r.bytes().await.unwrap();
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    for sheet in [
        "概要",
        "不安定な就労状態にある方",
        "長期にわたり無業の状態にある方",
        "社会参加に向けた支援を必要とする方",
        "対象横断",
        "KPI",
    ] {
        assert!(workbook.contains(&format!(r#"name="{sheet}""#)), "{sheet}");
    }
    let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
    for text in [
        "事業名",
        "実績（令和6年度）",
        "令和5年度〜令和7年度",
        "第1版",
        "八戸市",
        "未着手",
        "職場体験の参加者数",
    ] {
        assert!(strings.contains(text), "{text} in the workbook");
    }
    // A member sees the published share only: 60 of 100, 60 %; the budget a number; the
    // title that looks like a formula a string.
    let items = xlsx_part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(
        items.contains("<v>8600</v>") && items.contains("<v>100</v>"),
        "{items}"
    );
    assert!(
        items.contains("<v>60</v>") && !items.contains("<v>75</v>"),
        "{items}"
    );
    assert!(strings.contains("=HYPERLINK("));
    assert!(!items.contains("<f>"), "no formula in the workbook");
    // The secretariat's holds the unpublished share too.
    let bytes = coordinator.get(&report(2024)).await.bytes().await.unwrap();
    let items = xlsx_part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(items.contains("<v>75</v>"), "{items}");
    // A year outside the period, or no year, is refused; another network finds nothing.
    for path in [report(2026), format!("/api/v1/plans/{id}/report.xlsx")] {
        assert_eq!(
            hirosaki.get(&path).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
    }
    assert_eq!(
        iwate.get(&report(2024)).await.status(),
        StatusCode::NOT_FOUND
    );
}
