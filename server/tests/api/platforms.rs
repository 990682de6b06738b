//! Platforms, member lists and organisations, and the isolation of prefectural networks.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

const COORDINATOR: &str = "coordinator@aomori.example";

/// The Aomori member table, in the order of the guidelines: (name, category, standing,
/// secretariat role).
const AOMORI_MEMBERS: [(&str, &str, &str, Option<&str>); 17] = [
    ("一般社団法人 青森県経営者協会", "economic", "member", None),
    ("青森県商工会議所連合会", "economic", "member", None),
    ("青森県中小企業団体中央会", "economic", "member", None),
    ("青森県商工会連合会", "economic", "member", None),
    ("日本労働組合総連合会青森県連合会", "labour", "member", None),
    (
        "独立行政法人 高齢・障害・求職者雇用支援機構青森支部",
        "support",
        "member",
        None,
    ),
    (
        "社会福祉法人 青森県社会福祉協議会",
        "support",
        "member",
        None,
    ),
    ("青森県市長会", "municipal", "member", None),
    ("青森県町村会", "municipal", "member", None),
    ("東北経済産業局", "government", "member", None),
    ("青森労働局", "government", "member", Some("lead")),
    ("青森県", "government", "member", None),
    ("青森県 商工労働部", "government", "member", Some("deputy")),
    ("青森県 健康福祉部", "government", "member", None),
    ("青森市", "government", "observer", None),
    ("八戸市", "government", "observer", None),
    ("弘前市", "government", "observer", None),
];

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|item| item[field].as_str().expect("a string field").to_string())
        .collect()
}

#[tokio::test]
async fn platforms_lists_the_callers_prefectural_network() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    let platforms = user.get_json("/api/v1/platforms").await;
    let aomori = app.platform_id("aomori").await;

    assert_eq!(
        platforms[0],
        json!({
            "id": aomori,
            "slug": "aomori",
            "name": "あおもり就職氷河期世代活躍支援プラットフォーム",
            "kind": "prefectural",
            "parent_id": null,
        }),
        "the prefectural platform comes first"
    );
    let rest = &platforms.as_array().unwrap()[1..];
    let mut expected = vec![
        (
            "aomori-city",
            "青森市 就職氷河期世代活躍支援プラットフォーム",
        ),
        ("hachinohe", "八戸市 就職氷河期世代活躍支援プラットフォーム"),
        ("hirosaki", "弘前市 就職氷河期世代活躍支援プラットフォーム"),
    ];
    expected.sort();
    let mut got: Vec<(String, String)> = Vec::new();
    for p in rest {
        assert_eq!(p["kind"], "municipal", "{p}");
        assert_eq!(p["parent_id"], aomori.to_string(), "{p}");
        let slug = p["slug"].as_str().unwrap();
        assert_eq!(p["id"], app.platform_id(slug).await.to_string());
        got.push((slug.to_string(), p["name"].as_str().unwrap().to_string()));
    }
    got.sort();
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(s, n)| (s.to_string(), n.to_string()))
        .collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn a_municipal_staff_member_sees_the_whole_network() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let staff = app.sign_in("hachinohe@aomori.example").await;
    let from_coordinator = coordinator.get_json("/api/v1/platforms").await;
    let from_staff = staff.get_json("/api/v1/platforms").await;
    assert_eq!(from_staff.as_array().unwrap().len(), 4);
    assert_eq!(from_staff, from_coordinator);
}

#[tokio::test]
async fn one_platform_by_id() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    let hachinohe = app.platform_id("hachinohe").await;
    let platform = user
        .get_json(&format!("/api/v1/platforms/{hachinohe}"))
        .await;
    assert_eq!(
        platform,
        json!({
            "id": hachinohe,
            "slug": "hachinohe",
            "name": "八戸市 就職氷河期世代活躍支援プラットフォーム",
            "kind": "municipal",
            "parent_id": app.platform_id("aomori").await,
        })
    );
}

#[tokio::test]
async fn an_unknown_platform_is_404() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    let unknown = Uuid::new_v4();
    for path in [
        format!("/api/v1/platforms/{unknown}"),
        format!("/api/v1/platforms/{unknown}/members"),
        format!("/api/v1/platforms/{unknown}/invitations"),
    ] {
        let r = user.get(&path).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::NOT_FOUND, "not_found".into()),
            "GET {path}"
        );
    }
}

#[tokio::test]
async fn the_aomori_member_list_follows_the_guidelines() {
    let app = TestApp::spawn().await;
    let user = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let members = user
        .get_json(&format!("/api/v1/platforms/{aomori}/members"))
        .await;
    let list = members.as_array().unwrap();
    assert_eq!(list.len(), 17);

    let mut ids = BTreeSet::new();
    for (member, (name, category, standing, secretariat)) in list.iter().zip(AOMORI_MEMBERS) {
        assert_eq!(member["organisation_name"], name, "{member}");
        assert_eq!(member["category"], category, "{member}");
        assert_eq!(member["standing"], standing, "{member}");
        assert_eq!(
            member["secretariat_role"],
            secretariat.map_or(Value::Null, |s| json!(s)),
            "{member}"
        );
        assert_eq!(
            member["organisation_id"],
            app.organisation_id(name).await.to_string()
        );
        let id: Uuid = member["id"].as_str().unwrap().parse().unwrap();
        assert!(ids.insert(id), "membership ids are unique");
        assert_eq!(member["platform_id"], aomori.to_string(), "{member}");
        assert!(member["position"].is_i64(), "{member}");
        assert_eq!(
            member.as_object().unwrap().len(),
            8,
            "exactly the documented fields"
        );
    }

    let standings = list.iter().fold(BTreeMap::new(), |mut acc, m| {
        *acc.entry(m["standing"].as_str().unwrap()).or_insert(0) += 1;
        acc
    });
    assert_eq!(standings, BTreeMap::from([("member", 14), ("observer", 3)]));
    let categories = list.iter().fold(BTreeMap::new(), |mut acc, m| {
        *acc.entry(m["category"].as_str().unwrap()).or_insert(0) += 1;
        acc
    });
    assert_eq!(
        categories,
        BTreeMap::from([
            ("economic", 4),
            ("labour", 1),
            ("support", 2),
            ("municipal", 2),
            ("government", 8),
        ])
    );
    let secretariat: Vec<(&str, &str)> = list
        .iter()
        .filter_map(|m| {
            m["secretariat_role"]
                .as_str()
                .map(|r| (m["organisation_name"].as_str().unwrap(), r))
        })
        .collect();
    assert_eq!(
        secretariat,
        [("青森労働局", "lead"), ("青森県 商工労働部", "deputy")]
    );
}

#[tokio::test]
async fn a_municipal_member_list() {
    let app = TestApp::spawn().await;
    let user = app.sign_in("hachinohe@aomori.example").await;
    let hachinohe = app.platform_id("hachinohe").await;
    let members = user
        .get_json(&format!("/api/v1/platforms/{hachinohe}/members"))
        .await;
    let summary: Vec<(String, String, Value)> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["organisation_name"].as_str().unwrap().to_string(),
                m["standing"].as_str().unwrap().to_string(),
                m["secretariat_role"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("八戸市".to_string(), "member".to_string(), json!("lead")),
            (
                "青森県 健康福祉部".to_string(),
                "member".to_string(),
                Value::Null
            ),
        ]
    );
}

#[tokio::test]
async fn municipal_staff_can_read_the_prefectural_member_list() {
    let app = TestApp::spawn().await;
    let staff = app.sign_in("hachinohe@aomori.example").await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let path = format!("/api/v1/platforms/{aomori}/members");
    let seen_by_staff = staff.get_json(&path).await;
    assert_eq!(seen_by_staff.as_array().unwrap().len(), 17);
    assert_eq!(seen_by_staff, coordinator.get_json(&path).await);
    // And the member lists of the sibling municipal platforms.
    let hirosaki = app.platform_id("hirosaki").await;
    let list = staff
        .get_json(&format!("/api/v1/platforms/{hirosaki}/members"))
        .await;
    assert_eq!(
        names(&list, "organisation_name"),
        ["弘前市", "青森県 健康福祉部"]
    );
}

#[tokio::test]
async fn organisations_are_those_of_the_network() {
    let app = TestApp::spawn().await;
    let user = app.sign_in("keieisha@aomori.example").await;
    let organisations = user.get_json("/api/v1/organisations").await;
    let list = organisations.as_array().unwrap();
    assert_eq!(list.len(), 17);
    let got: BTreeSet<String> = names(&organisations, "name").into_iter().collect();
    let expected: BTreeSet<String> = AOMORI_MEMBERS.iter().map(|(n, ..)| n.to_string()).collect();
    assert_eq!(got, expected);

    let prefecture = app.organisation_id("青森県").await;
    for org in list {
        let name = org["name"].as_str().unwrap();
        assert_eq!(org["id"], app.organisation_id(name).await.to_string());
        let (_, category, ..) = AOMORI_MEMBERS.iter().find(|(n, ..)| *n == name).unwrap();
        assert_eq!(org["category"], *category, "{org}");
        let parent = if name == "青森県 商工労働部" || name == "青森県 健康福祉部" {
            json!(prefecture)
        } else {
            Value::Null
        };
        assert_eq!(org["parent_id"], parent, "{org}");
        assert_eq!(
            org.as_object().unwrap().len(),
            4,
            "exactly the documented fields"
        );
    }
}

#[tokio::test]
async fn another_network_cannot_see_aomori() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let user = app.sign_in(IWATE_COORDINATOR).await;

    let platforms = user.get_json("/api/v1/platforms").await;
    assert_eq!(
        platforms,
        json!([
            {"id": iwate.platform_id, "slug": "iwate", "name": IWATE_PLATFORM_NAME,
             "kind": "prefectural", "parent_id": null},
            {"id": iwate.municipal_id, "slug": "morioka", "name": MORIOKA_PLATFORM_NAME,
             "kind": "municipal", "parent_id": iwate.platform_id},
        ])
    );

    for slug in ["aomori", "hachinohe"] {
        let id = app.platform_id(slug).await;
        for path in [
            format!("/api/v1/platforms/{id}"),
            format!("/api/v1/platforms/{id}/members"),
            format!("/api/v1/platforms/{id}/invitations"),
        ] {
            let r = user.get(&path).await;
            assert_eq!(
                error_code(r).await,
                (StatusCode::NOT_FOUND, "not_found".into()),
                "GET {path}"
            );
        }
    }

    let organisations = user.get_json("/api/v1/organisations").await;
    let mut got = names(&organisations, "name");
    got.sort();
    let mut expected: Vec<String> = IWATE_ORGANISATIONS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(got, expected, "only Iwate's organisations");
}

#[tokio::test]
async fn aomori_cannot_see_another_network() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    for email in [
        COORDINATOR,
        "kenko-fukushi@aomori.example",
        "hachinohe@aomori.example",
    ] {
        let user = app.sign_in(email).await;
        let platforms = user.get_json("/api/v1/platforms").await;
        let slugs = names(&platforms, "slug");
        assert_eq!(slugs.len(), 4, "{email}: {slugs:?}");
        assert!(
            !slugs.iter().any(|s| s == "iwate" || s == "morioka"),
            "{email}: {slugs:?}"
        );
        for id in [iwate.platform_id, iwate.municipal_id] {
            for path in [
                format!("/api/v1/platforms/{id}"),
                format!("/api/v1/platforms/{id}/members"),
            ] {
                let r = user.get(&path).await;
                assert_eq!(
                    error_code(r).await,
                    (StatusCode::NOT_FOUND, "not_found".into()),
                    "{email}: GET {path}"
                );
            }
        }
        let organisations = user.get_json("/api/v1/organisations").await;
        let got = names(&organisations, "name");
        assert_eq!(got.len(), 17, "{email}");
        for name in IWATE_ORGANISATIONS {
            assert!(!got.iter().any(|n| n == name), "{email} sees {name}");
        }
        let me = user.get_json("/api/v1/me").await;
        assert!(!me.to_string().contains("iwate"), "{email}: {me}");
    }
}

#[tokio::test]
async fn a_municipal_staff_member_of_another_network_reads_only_that_network() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let user = app.sign_in(MORIOKA_STAFF).await;
    let members = user
        .get_json(&format!("/api/v1/platforms/{}/members", iwate.platform_id))
        .await;
    assert_eq!(
        names(&members, "organisation_name"),
        IWATE_ORGANISATIONS.map(str::to_string)
    );
    assert_eq!(members[1]["secretariat_role"], "lead");
    assert_eq!(members[2]["standing"], "observer");
    let aomori = app.platform_id("aomori").await;
    let r = user
        .get(&format!("/api/v1/platforms/{aomori}/members"))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[tokio::test]
async fn a_user_without_any_role_sees_nothing() {
    let app = TestApp::spawn().await;
    let org = app.organisation_id("青森県町村会").await;
    let hash = server::accounts::password::hash(server::seed::DEMO_PASSWORD).unwrap();
    server::admin::add_user(&app.db, "norole@aomori.example", "役割なし", org, &hash)
        .await
        .unwrap();
    let user = app.sign_in("norole@aomori.example").await;
    assert_eq!(user.get_json("/api/v1/platforms").await, json!([]));
    assert_eq!(user.get_json("/api/v1/organisations").await, json!([]));
    let me = user.get_json("/api/v1/me").await;
    assert_eq!(me["platforms"], json!([]));
    assert_eq!(me["organisation"]["name"], "青森県町村会");
    let aomori = app.platform_id("aomori").await;
    let r = user
        .get(&format!("/api/v1/platforms/{aomori}/members"))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}
