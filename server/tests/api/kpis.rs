//! KPIs and their actuals (issue: plan, KPIs, inquiries): the isolation matrix (the
//! secretariat, a contributing organisation, another municipal platform, an economic
//! organisation, another network) on every endpoint, list and the sync feed; unpublished
//! shares kept to the secretariat and their organisation, and their reads audited; the
//! progress arithmetic as the API answers it; racing contributors; hostile input; the
//! pages and their plain form posts.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
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

/// A cumulative KPI over 令和5–8年度 (4,000 in all) that 青森市 and 八戸市 report to.
async fn kpi_body(app: &TestApp) -> Value {
    json!({
        "name": "就労体験の受け入れ事業所数",
        "definition": "各市が把握した、就労体験・職場見学を受け入れた事業所の延べ数。",
        "unit": "事業所",
        "kind": "output",
        "direction": "higher_is_better",
        "accumulation": "cumulative",
        "periodicity": "fiscal_year",
        "period_start": 2023,
        "period_end": 2026,
        "period_target": 4000,
        "source": "各市の業務記録",
        "contributors": [
            app.organisation_id("青森市").await,
            app.organisation_id("八戸市").await,
        ],
    })
}

async fn create_kpi(user: &User, body: &Value) -> Value {
    let r = user.post("/api/v1/kpis", body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn share(user: &User, kpi: &str, body: Value) -> reqwest::Response {
    user.put(&format!("/api/v1/kpis/{kpi}/actuals"), &body)
        .await
}

async fn listed(user: &User) -> Vec<String> {
    user.get_json("/api/v1/kpis")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_string())
        .collect()
}

fn values(kpi: &Value) -> Vec<(String, f64, bool)> {
    kpi["actuals"]
        .as_array()
        .expect("actuals")
        .iter()
        .map(|a| {
            (
                a["organisation_name"].as_str().unwrap().to_string(),
                a["value"].as_f64().unwrap(),
                a["published"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_draft_is_the_secretariats_and_a_published_kpi_the_networks() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let deputy = app.sign_in(DEPUTY).await;
    let liaison = app.sign_in(LIAISON).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let readers = [
        ("deputy secretariat", &deputy, true),
        ("prefectural staff", &liaison, false),
        ("contributing city", &hachinohe, false),
        ("another city", &hirosaki, false),
        ("economic organisation", &keieisha, false),
        ("another network", &iwate, false),
    ];
    let mut starts = Vec::new();
    for (_, u, _) in &readers {
        starts.push(pull_all(u, 0).await.1);
    }
    let kpi = create_kpi(&coordinator, &kpi_body(&app).await).await;
    let id = kpi["id"].as_str().unwrap().to_string();
    assert_eq!(kpi["status"], "draft");
    assert_eq!(kpi["can_edit"], true);
    let path = format!("/api/v1/kpis/{id}");

    // A draft: the secretariat (lead and deputy) only.
    for (i, (who, user, sees)) in readers.iter().enumerate() {
        assert_eq!(listed(user).await.contains(&id), *sees, "{who} list");
        let status = user.get(&path).await.status();
        assert_eq!(status == StatusCode::OK, *sees, "{who} GET: {status}");
        let (changes, _) = pull_all(user, starts[i]).await;
        assert_eq!(
            ids(&changes, "kpi", "upsert").contains(&id),
            *sees,
            "{who} feed"
        );
        if !sees {
            for r in [
                user.post(&format!("{path}/publish"), &json!({})).await,
                user.delete(&path).await,
                share(
                    user,
                    &id,
                    json!({"organisation_id": app.organisation_id("八戸市").await,
                                         "fiscal_year": 2023, "value": 1}),
                )
                .await,
            ] {
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} writes a draft");
            }
        }
    }

    let r = coordinator
        .post(&format!("{path}/publish"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Published: every member of the network reads it, nobody else; only the
    // secretariat runs it (403 for the members, 404 beyond the network).
    for (i, (who, user, secretariat)) in readers.iter().enumerate() {
        let in_network = *who != "another network";
        assert_eq!(listed(user).await.contains(&id), in_network, "{who} list");
        let r = user.get(&path).await;
        assert_eq!(r.status() == StatusCode::OK, in_network, "{who} GET");
        if in_network {
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["can_edit"], *secretariat, "{who} can_edit");
        }
        let (changes, _) = pull_all(user, starts[i]).await;
        assert_eq!(
            ids(&changes, "kpi", "upsert").contains(&id),
            in_network,
            "{who} feed"
        );
        if !secretariat {
            let expected = if in_network {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            };
            let mut body = kpi_body(&app).await;
            body["version"] = json!(2);
            assert_eq!(user.put(&path, &body).await.status(), expected, "{who} PUT");
            assert_eq!(user.delete(&path).await.status(), expected, "{who} DELETE");
            let r = user
                .post(
                    &format!("{path}/actuals/publish"),
                    &json!({"fiscal_year": 2023}),
                )
                .await;
            assert_eq!(r.status(), expected, "{who} publishes actuals");
        }
    }
    // Another network cannot define a KPI for Aomori's platform, nor a city one at all.
    let mut foreign = kpi_body(&app).await;
    foreign["platform_id"] = json!(app.platform_id("aomori").await);
    let r = iwate.post("/api/v1/kpis", &foreign).await;
    assert_eq!(error_code(r).await.1, "invalid_platform");
    let r = hachinohe.post("/api/v1/kpis", &kpi_body(&app).await).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Deleted: a tombstone for the whole network, and 404 after.
    let before = pull_all(&hirosaki, 0).await.1;
    assert_eq!(
        coordinator.delete(&path).await.status(),
        StatusCode::NO_CONTENT
    );
    let (changes, _) = pull_all(&hirosaki, before).await;
    assert!(ids(&changes, "kpi", "delete").contains(&id));
    assert_eq!(hirosaki.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert!(!listed(&coordinator).await.contains(&id));
}

#[tokio::test]
async fn an_unpublished_share_stays_with_the_secretariat_and_its_organisation() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori_city = app.sign_in(AOMORI_CITY).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let kpi = create_kpi(&coordinator, &kpi_body(&app).await).await;
    let id = kpi["id"].as_str().unwrap().to_string();
    coordinator
        .post(&format!("/api/v1/kpis/{id}/publish"), &json!({}))
        .await;
    let hachinohe_org = app.organisation_id("八戸市").await;
    let aomori_org = app.organisation_id("青森市").await;
    let start = pull_all(&aomori_city, 0).await.1;

    // 八戸市 enters its own share; not 青森市's, and an organisation that does not
    // report to this KPI cannot enter at all.
    let r = share(
        &hachinohe,
        &id,
        json!({"organisation_id": hachinohe_org, "fiscal_year": 2023,
                                          "value": 120, "note": "上半期の集計"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(values(&v), vec![("八戸市".to_string(), 120.0, false)]);
    assert_eq!(v["can_enter_for"], json!([hachinohe_org]));
    let r = share(
        &hachinohe,
        &id,
        json!({"organisation_id": aomori_org, "fiscal_year": 2023, "value": 1}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let keieisha_org = app.organisation_id("一般社団法人 青森県経営者協会").await;
    let r = share(
        &keieisha,
        &id,
        json!({"organisation_id": keieisha_org, "fiscal_year": 2023, "value": 1}),
    )
    .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "not_contributor".into())
    );

    // Until published: the secretariat and 八戸市 see it, 青森市 and 弘前市 do not —
    // neither on the KPI, nor in its progress, nor in the feed.
    let path = format!("/api/v1/kpis/{id}");
    assert_eq!(values(&coordinator.get_json(&path).await).len(), 1);
    assert_eq!(values(&hachinohe.get_json(&path).await).len(), 1);
    for (who, user) in [("青森市", &aomori_city), ("弘前市", &hirosaki)] {
        let v = user.get_json(&path).await;
        assert!(values(&v).is_empty(), "{who} sees an unpublished share");
        assert!(v["progress"]["years"][0]["actual"].is_null(), "{who}");
        let listed = user.get_json("/api/v1/kpis").await;
        assert!(!listed.to_string().contains("上半期の集計"), "{who} list");
    }
    let (changes, _) = pull_all(&aomori_city, start).await;
    assert!(!serde_json::to_string(&changes)
        .unwrap()
        .contains("上半期の集計"));
    // The secretariat's read of unpublished figures is audited.
    let audited = server::entities::audit_log::Entity::find()
        .filter(server::entities::audit_log::Column::Action.eq("kpi.read_unpublished"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        audited.len() >= 2,
        "reads of unpublished figures are audited"
    );

    // Published for 令和5年度: the whole network sees it, live.
    let r = coordinator
        .post(
            &format!("{path}/actuals/publish"),
            &json!({"fiscal_year": 2023}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = aomori_city.get_json(&path).await;
    assert_eq!(values(&v), vec![("八戸市".to_string(), 120.0, true)]);
    assert_eq!(v["progress"]["years"][0]["actual"], 120.0);
    let (changes, _) = pull_all(&aomori_city, start).await;
    let last = changes
        .iter()
        .rev()
        .find(|c| c["kind"] == "kpi")
        .expect("the KPI in the feed");
    assert_eq!(last["data"]["actuals"][0]["value"], 120.0);

    // A correction unpublishes it again until the secretariat publishes it.
    let version = v["actuals"][0]["version"].as_u64().unwrap();
    let r = share(
        &hachinohe,
        &id,
        json!({"organisation_id": hachinohe_org, "fiscal_year": 2023,
                                          "value": 125, "version": version}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(values(&aomori_city.get_json(&path).await).is_empty());
    // Clearing it is a blank, not a zero.
    let v = hachinohe.get_json(&path).await;
    let version = v["actuals"][0]["version"].as_u64().unwrap();
    let r = share(
        &hachinohe,
        &id,
        json!({"organisation_id": hachinohe_org, "fiscal_year": 2023,
                                          "value": null, "version": version}),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert!(values(&v).is_empty());
    assert!(v["progress"]["years"][0]["actual"].is_null());
}

#[tokio::test]
async fn progress_is_the_sum_of_the_shares_against_the_target() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori_org = app.organisation_id("青森市").await;
    let hachinohe_org = app.organisation_id("八戸市").await;
    let kpi = create_kpi(&coordinator, &kpi_body(&app).await).await;
    let id = kpi["id"].as_str().unwrap();
    coordinator
        .post(&format!("/api/v1/kpis/{id}/publish"), &json!({}))
        .await;
    for (org, year, value) in [
        (aomori_org, 2023, 700),
        (hachinohe_org, 2023, 300),
        (aomori_org, 2024, 800),
    ] {
        let r = share(
            &coordinator,
            id,
            json!({"organisation_id": org, "fiscal_year": year, "value": value}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let v = coordinator.get_json(&format!("/api/v1/kpis/{id}")).await;
    let years = &v["progress"]["years"];
    assert_eq!(years.as_array().unwrap().len(), 4);
    assert_eq!(years[0]["actual"], 1000.0);
    assert_eq!(years[0]["cumulative_target"], 1000.0);
    assert_eq!(years[0]["status"], "on_track");
    // 令和6年度: one of two reported; 1,800 against 2,000 pro rata is 90 %, at risk.
    assert_eq!(
        (
            years[1]["reported"].as_u64(),
            years[1]["contributors"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(years[1]["cumulative_actual"], 1800.0);
    assert_eq!(years[1]["cumulative_target"], 2000.0);
    assert_eq!(years[1]["percent"], 90.0);
    assert_eq!(years[1]["status"], "at_risk");
    // Nothing reported is missing, never zero.
    assert!(years[2]["actual"].is_null() && years[2]["percent"].is_null());
    assert_eq!(years[2]["status"], "no_data");
    assert_eq!(v["progress"]["latest"], 2024);
    assert_eq!(v["progress"]["status"], "at_risk");

    // Lower is better, per quarter, against a baseline: quarters add up within their
    // 年度 (Q4 is January–March of the next calendar year).
    let mut body = kpi_body(&app).await;
    body["name"] = json!("長期無業の相談者数");
    body["direction"] = json!("lower_is_better");
    body["accumulation"] = json!("annual");
    body["periodicity"] = json!("quarter");
    body["baseline"] = json!(1000);
    body["baseline_fiscal_year"] = json!(2022);
    body["period_target"] = json!(800);
    body["at_risk_percent"] = json!(80);
    let quarterly = create_kpi(&coordinator, &body).await;
    let qid = quarterly["id"].as_str().unwrap();
    for (org, quarter, value) in [
        (aomori_org, 1, 200),
        (aomori_org, 4, 300),
        (hachinohe_org, 2, 400),
    ] {
        let r = share(
            &coordinator,
            qid,
            json!({"organisation_id": org, "fiscal_year": 2023,
                                                "quarter": quarter, "value": value}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    }
    let v = coordinator.get_json(&format!("/api/v1/kpis/{qid}")).await;
    let y = &v["progress"]["years"][0];
    assert_eq!(y["actual"], 900.0);
    assert_eq!(y["quarters"], json!([200.0, 400.0, null, 300.0]));
    // (1,000 − 900) ÷ (1,000 − 800) = 50 %: behind under the 80 % threshold.
    assert_eq!(y["percent"], 50.0);
    assert_eq!(y["status"], "behind");
    // A yearly share on a quarterly KPI, and a quarter on a yearly one, are refused.
    let r = share(
        &coordinator,
        qid,
        json!({"organisation_id": aomori_org, "fiscal_year": 2024, "value": 1}),
    )
    .await;
    assert_eq!(error_code(r).await.1, "invalid_field");
    let r = share(
        &coordinator,
        id,
        json!({"organisation_id": aomori_org, "fiscal_year": 2024,
                                           "quarter": 1, "value": 1}),
    )
    .await;
    assert_eq!(error_code(r).await.1, "invalid_field");
}

#[tokio::test]
async fn two_people_entering_the_same_share_do_not_overwrite_each_other() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let org = app.organisation_id("八戸市").await;
    let kpi = create_kpi(&coordinator, &kpi_body(&app).await).await;
    let id = kpi["id"].as_str().unwrap();
    coordinator
        .post(&format!("/api/v1/kpis/{id}/publish"), &json!({}))
        .await;
    for round in 0..5 {
        let year = 2023 + (round % 4);
        let body = |value: i32| json!({"organisation_id": org, "fiscal_year": year, "value": value + round});
        let (a, b) = tokio::join!(
            share(&coordinator, id, body(100)),
            share(&hachinohe, id, body(200))
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        if round < 4 {
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
        } else {
            // The share exists now: entering it again without its version is a conflict
            // for both, never a silent overwrite.
            assert_eq!(statuses, [StatusCode::CONFLICT, StatusCode::CONFLICT]);
        }
    }
    let v = coordinator.get_json(&format!("/api/v1/kpis/{id}")).await;
    assert_eq!(
        v["actuals"].as_array().unwrap().len(),
        4,
        "one share per year"
    );
    // A correction from a stale version is a conflict too.
    let stale = v["actuals"][0]["version"].as_u64().unwrap();
    let body = json!({"organisation_id": org, "fiscal_year": 2023, "value": 1, "version": stale});
    assert_eq!(
        share(&hachinohe, id, body.clone()).await.status(),
        StatusCode::OK
    );
    let r = share(&coordinator, id, body).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "edit_conflict".into())
    );

    // Two secretaries saving the definition from the same version: one wins.
    let mut body = kpi_body(&app).await;
    body["version"] = v["version"].clone();
    body["name"] = json!("名称A");
    let first = coordinator.put(&format!("/api/v1/kpis/{id}"), &body).await;
    assert_eq!(first.status(), StatusCode::OK);
    body["name"] = json!("名称B");
    let second = coordinator.put(&format!("/api/v1/kpis/{id}"), &body).await;
    assert_eq!(
        error_code(second).await,
        (StatusCode::CONFLICT, "edit_conflict".into())
    );
}

#[tokio::test]
async fn a_replayed_definition_is_created_once() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let body = kpi_body(&app).await;
    let key = uuid::Uuid::new_v4().to_string();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let r = coordinator
            .request(reqwest::Method::POST, "/api/v1/kpis")
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        seen.push(v["id"].as_str().unwrap().to_string());
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(listed(&coordinator).await.len(), 1);
}

#[tokio::test]
async fn hostile_definitions_and_shares_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let base = kpi_body(&app).await;
    let with = |field: &str, value: Value| {
        let mut b = base.clone();
        b[field] = value;
        b
    };
    for (body, code, what) in [
        (
            with("period_start", json!(1999)),
            "invalid_field",
            "a year before 2000",
        ),
        (
            with("period_end", json!(2101)),
            "invalid_field",
            "a year after 2100",
        ),
        (
            with("period_end", json!(2022)),
            "invalid_field",
            "a period that ends before it starts",
        ),
        (
            with("period_end", json!(2040)),
            "invalid_field",
            "a period of 18 years",
        ),
        (
            with("period_target", json!(1e13)),
            "invalid_field",
            "a figure past a trillion",
        ),
        (
            with("baseline", json!(-1e13)),
            "invalid_field",
            "a baseline past minus a trillion",
        ),
        (
            with("at_risk_percent", json!(0)),
            "invalid_field",
            "a threshold of 0",
        ),
        (
            with("at_risk_percent", json!(101)),
            "invalid_field",
            "a threshold over 100",
        ),
        (
            with("at_risk_percent", json!(-1)),
            "invalid_field",
            "a negative threshold",
        ),
        (
            with("period_start", json!(2_147_483_648_i64)),
            "invalid_field",
            "a year past i32",
        ),
        (with("name", json!("")), "invalid_field", "no name"),
        (
            with("name", json!("x".repeat(201))),
            "invalid_field",
            "a long name",
        ),
        (
            with("name", json!("KPI\u{202e}")),
            "invalid_field",
            "a bidi override",
        ),
        (
            with("unit", json!("人\u{200b}")),
            "invalid_field",
            "a zero-width space",
        ),
        (
            with("definition", json!("電話 090-1234-5678 の方")),
            "personal_data",
            "a phone number",
        ),
        (
            with("contributors", json!([iwate.organisation_ids[0]])),
            "invalid_organisation",
            "another network's organisation",
        ),
        (
            with(
                "fiscal_year_targets",
                json!([{"fiscal_year": 2030, "target": 1}]),
            ),
            "invalid_field",
            "a target outside the period",
        ),
        (
            with(
                "fiscal_year_targets",
                json!([{"fiscal_year": 2024, "target": 1},
                                            {"fiscal_year": 2024, "target": 2}]),
            ),
            "invalid_field",
            "two targets for one year",
        ),
        (
            with("kind", json!("impact")),
            "invalid_field",
            "an unknown kind",
        ),
    ] {
        let r = coordinator.post("/api/v1/kpis", &body).await;
        let (status, got) = error_code(r).await;
        assert!(status.is_client_error(), "{what}: {status}");
        assert_eq!(got, code, "{what}");
    }
    assert!(
        listed(&coordinator).await.is_empty(),
        "nothing half-written"
    );

    let kpi = create_kpi(&coordinator, &base).await;
    let id = kpi["id"].as_str().unwrap();
    coordinator
        .post(&format!("/api/v1/kpis/{id}/publish"), &json!({}))
        .await;
    let org = app.organisation_id("青森市").await;
    for (body, code, what) in [
        (
            json!({"organisation_id": org, "fiscal_year": 2022, "value": 1}),
            "invalid_field",
            "a year before the period",
        ),
        (
            json!({"organisation_id": org, "fiscal_year": 2023, "value": 1e13}),
            "invalid_field",
            "a figure past a trillion",
        ),
        (
            json!({"organisation_id": org, "fiscal_year": 2023, "value": "12"}),
            "invalid_field",
            "a figure as text",
        ),
        (
            json!({"organisation_id": org, "fiscal_year": 2023, "value": 1, "note": "090-1234-5678"}),
            "personal_data",
            "a phone number",
        ),
        (
            json!({"organisation_id": org, "fiscal_year": 2023, "value": 1, "note": "\u{0000}"}),
            "invalid_field",
            "a NUL",
        ),
        (
            json!({"organisation_id": org, "fiscal_year": 2023, "value": 1, "version": 7}),
            "edit_conflict",
            "a version of a share not entered",
        ),
    ] {
        let r = share(&coordinator, id, body).await;
        let (status, got) = error_code(r).await;
        assert!(status.is_client_error(), "{what}: {status}");
        assert_eq!(got, code, "{what}");
    }
    let v = coordinator.get_json(&format!("/api/v1/kpis/{id}")).await;
    assert!(
        v["actuals"].as_array().unwrap().is_empty(),
        "nothing half-written"
    );
    let r = coordinator
        .post(
            &format!("/api/v1/kpis/{id}/actuals/publish"),
            &json!({"fiscal_year": 99999}),
        )
        .await;
    assert_eq!(error_code(r).await.1, "invalid_field");
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
    // The editor defines a KPI.
    let r = coordinator.get("/kpis/new").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"name="period_target""#) && html.contains("八戸市"));
    let fields = vec![
        ("name", "就職者数".to_string()),
        ("unit", "人".to_string()),
        ("kind", "output".to_string()),
        ("direction", "higher_is_better".to_string()),
        ("accumulation", "annual".to_string()),
        ("periodicity", "fiscal_year".to_string()),
        ("period_start", "2024".to_string()),
        ("period_end", "2026".to_string()),
        ("period_target", "".to_string()),
        ("target_year", "2024".to_string()),
        ("target_value", "1,500".to_string()),
        ("target_year", "2025".to_string()),
        ("target_value", "".to_string()),
        ("contributors", aomori_org.clone()),
        ("contributors", hachinohe_org.clone()),
        ("at_risk_percent", "90".to_string()),
    ];
    let r = post_form(&coordinator, "/kpis", fields.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    let id = to
        .strip_prefix("/kpis/")
        .and_then(|rest| rest.strip_suffix("?saved=1"))
        .expect("to the new KPI's page")
        .to_string();
    // A mistake goes back to the editor with the reason.
    let mut wrong = fields.clone();
    wrong[6] = ("period_start", "1999".to_string());
    let r = post_form(&coordinator, "/kpis", wrong).await.unwrap();
    assert_see_other(&r, "/kpis/new?error=invalid_field");
    // Only the secretariat opens the editor.
    assert_eq!(
        hachinohe.get("/kpis/new").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        hachinohe.get(&format!("/kpis/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    let r = post_form(&coordinator, &format!("/kpis/{id}/publish"), vec![])
        .await
        .unwrap();
    assert_see_other(&r, &format!("/kpis/{id}?saved=1"));
    // 八戸市 reports from the page; the table shows it with the arithmetic.
    let r = post_form(
        &hachinohe,
        &format!("/kpis/{id}/actuals"),
        vec![
            ("organisation_id", hachinohe_org.clone()),
            ("fiscal_year", "2024".into()),
            ("value", "1,380".into()),
            ("note", "".into()),
        ],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/kpis/{id}?saved=1"));
    let r = post_form(
        &hachinohe,
        &format!("/kpis/{id}/actuals"),
        vec![
            ("organisation_id", hachinohe_org.clone()),
            ("fiscal_year", "2024".into()),
            ("value", "千".into()),
        ],
    )
    .await
    .unwrap();
    // A typo in the figure goes back with the reason, before anything is written.
    assert_see_other(&r, &format!("/kpis/{id}?error=invalid_field"));
    let r = post_form(
        &coordinator,
        &format!("/kpis/{id}/actuals/publish"),
        vec![("fiscal_year", "2024".into())],
    )
    .await
    .unwrap();
    assert_see_other(&r, &format!("/kpis/{id}?saved=1"));
    let html = hachinohe
        .get(&format!("/kpis/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("1,380"), "the figure");
    assert!(
        html.contains("1,380 ÷ 1,500 × 100"),
        "the arithmetic beside it"
    );
    assert!(html.contains("92.0%"));
    assert!(
        html.contains("令和6年度"),
        "和暦 on the axis and in the table"
    );
    assert!(
        html.contains(r#"role="img""#),
        "the chart is an image with a description"
    );
    let list = hachinohe.get("/kpis").await.text().await.unwrap();
    assert!(list.contains("就職者数"));
}

#[tokio::test]
async fn a_former_secretariat_keeps_nothing_it_may_no_longer_see() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    // 健康福祉部 is staff of Aomori; made its coordinator too, then not.
    app.grant(LIAISON, "aomori", app::domain::Role::Coordinator)
        .await;
    let liaison = app.sign_in(LIAISON).await;
    let draft = create_kpi(&liaison, &kpi_body(&app).await).await;
    let draft_id = draft["id"].as_str().unwrap().to_string();
    let published = create_kpi(&liaison, &kpi_body(&app).await).await;
    let published_id = published["id"].as_str().unwrap().to_string();
    liaison
        .post(&format!("/api/v1/kpis/{published_id}/publish"), &json!({}))
        .await;
    let r = share(
        &liaison,
        &published_id,
        json!({"organisation_id": app.organisation_id("八戸市").await,
                                                  "fiscal_year": 2023, "value": 77}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (changes, cursor) = pull_all(&liaison, 0).await;
    assert!(ids(&changes, "kpi", "upsert").contains(&draft_id));

    app.revoke(&coordinator, LIAISON, "aomori", "coordinator")
        .await;
    // Still staff of Aomori: the published KPI stays, without the unpublished figure;
    // the draft goes.
    let liaison = app.sign_in(LIAISON).await;
    let (changes, _) = pull_all(&liaison, cursor).await;
    assert!(
        ids(&changes, "kpi", "delete").contains(&draft_id),
        "the draft is taken back"
    );
    let last = changes
        .iter()
        .rev()
        .find(|c| c["id"] == published_id.as_str())
        .expect("the published KPI is sent again");
    assert_eq!(last["op"], "upsert");
    assert_eq!(
        last["data"]["actuals"],
        json!([]),
        "without the unpublished figure"
    );
    assert_eq!(last["data"]["can_edit"], false);
}

#[tokio::test]
async fn an_unpublished_share_is_told_only_to_those_who_see_it() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let kpi = create_kpi(&coordinator, &kpi_body(&app).await).await;
    let id = kpi["id"].as_str().unwrap().to_string();
    // A draft's changes reach nobody outside the secretariat, not even as tombstones.
    let (changes, _) = pull_all(&hachinohe, 0).await;
    assert!(
        !changes.iter().any(|c| c["id"] == id.as_str()),
        "{changes:?}"
    );
    coordinator
        .post(&format!("/api/v1/kpis/{id}/publish"), &json!({}))
        .await;
    let before = pull_all(&hirosaki, 0).await.1;
    let version_before =
        hirosaki.get_json(&format!("/api/v1/kpis/{id}")).await["updated_at"].clone();
    let r = share(
        &hachinohe,
        &id,
        json!({"organisation_id": app.organisation_id("八戸市").await,
                                          "fiscal_year": 2023, "value": 5}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    // 弘前市 hears nothing of it and sees no sign of it (not even a new update time).
    let (changes, _) = pull_all(&hirosaki, before).await;
    assert!(
        !changes.iter().any(|c| c["id"] == id.as_str()),
        "{changes:?}"
    );
    let v = hirosaki.get_json(&format!("/api/v1/kpis/{id}")).await;
    assert_eq!(v["updated_at"], version_before);
    // Published, it reaches them.
    coordinator
        .post(
            &format!("/api/v1/kpis/{id}/actuals/publish"),
            &json!({"fiscal_year": 2023}),
        )
        .await;
    let (changes, _) = pull_all(&hirosaki, before).await;
    assert!(ids(&changes, "kpi", "upsert").contains(&id));
}

#[tokio::test]
async fn a_definition_cannot_drop_what_was_reported() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let kpi = create_kpi(&coordinator, &kpi_body(&app).await).await;
    let id = kpi["id"].as_str().unwrap();
    coordinator
        .post(&format!("/api/v1/kpis/{id}/publish"), &json!({}))
        .await;
    let r = share(
        &coordinator,
        id,
        json!({"organisation_id": app.organisation_id("青森市").await,
                                           "fiscal_year": 2023, "value": 10}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = coordinator.get_json(&format!("/api/v1/kpis/{id}")).await;
    let path = format!("/api/v1/kpis/{id}");
    for (field, value, what) in [
        (
            "periodicity",
            json!("quarter"),
            "yearly figures on a quarterly KPI",
        ),
        (
            "period_start",
            json!(2024),
            "a period that drops 令和5年度's figure",
        ),
    ] {
        let mut body = kpi_body(&app).await;
        body["version"] = v["version"].clone();
        body[field] = value;
        let r = coordinator.put(&path, &body).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::CONFLICT, "kpi_has_actuals".into()),
            "{what}"
        );
    }
    // A version no KPI ever had is a conflict, not an overflow.
    let mut body = kpi_body(&app).await;
    body["version"] = json!(2_147_483_647_i64);
    let r = coordinator.put(&path, &body).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "edit_conflict".into())
    );
    // Lower-is-better is counted each year; a cumulative one is refused.
    let mut body = kpi_body(&app).await;
    body["direction"] = json!("lower_is_better");
    let r = coordinator.post("/api/v1/kpis", &body).await;
    assert_eq!(error_code(r).await.1, "invalid_field");
}
