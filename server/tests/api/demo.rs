//! The demo as `make run` loads it (issue: the first hour): half a year of work, written
//! through the domain as the demo users, so that each of them signs in to a platform in
//! use with something to do — on both databases.

use std::collections::BTreeSet;

use crate::helpers::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_mid_year_demo_gives_every_demo_user_something_to_do() {
    let app = TestApp::spawn().await;
    server::seed::activity::mid_year(&app.state)
        .await
        .expect("the mid-year demo loads");

    // The secretariat: requests in every state but draft (a city's own until it is
    // sent), one overdue and one waiting for it to route; threads and mentions waiting.
    let coordinator = app.sign_in("coordinator@aomori.example").await;
    let requests = coordinator
        .get_json("/api/v1/outreach-requests?per_page=100")
        .await;
    let items = requests["items"].as_array().expect("items");
    let states: BTreeSet<&str> = items.iter().map(|r| r["state"].as_str().unwrap()).collect();
    for state in [
        "submitted",
        "routed",
        "answered",
        "closed",
        "declined",
        "withdrawn",
    ] {
        assert!(states.contains(state), "a request {state}: {states:?}");
    }
    assert!(items.iter().any(|r| r["overdue"] == true), "one is overdue");
    let city = app.sign_in("aomori-city@aomori.example").await;
    let drafts = city.get_json("/api/v1/outreach-requests?state=draft").await;
    assert_eq!(drafts["total"], 1, "青森市 has a draft: {drafts}");

    for who in [
        "coordinator@aomori.example",
        "hirosaki@aomori.example",
        "keieisha@aomori.example",
    ] {
        let user = app.sign_in(who).await;
        let notifications = user.get_json("/api/v1/notifications").await;
        assert!(
            notifications.as_array().is_some_and(|n| !n.is_empty()),
            "{who} has notifications waiting"
        );
    }
    let hirosaki = app.sign_in("hirosaki@aomori.example").await;
    let threads = hirosaki.get_json("/api/v1/threads").await;
    let threads = threads["items"]
        .as_array()
        .or(threads.as_array())
        .cloned()
        .unwrap_or_default();
    assert!(threads.len() >= 2, "弘前市 takes part in threads");
    assert!(
        threads
            .iter()
            .any(|t| t["unread"].as_u64().unwrap_or(0) > 0),
        "弘前市 has unread messages"
    );
    for who in ["keieisha@aomori.example", "shokokai@aomori.example"] {
        let user = app.sign_in(who).await;
        let theirs = user.get_json("/api/v1/outreach-requests").await;
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["state"] == "routed"),
            "{who} has a request to answer: {theirs}"
        );
    }
    // A library in use: generated practices, some featured, some adopted.
    let hachinohe = app.sign_in("hachinohe@aomori.example").await;
    let library = hachinohe.get_json("/api/v1/practices").await;
    assert!(
        library["total"].as_u64().unwrap() >= 20,
        "{}",
        library["total"]
    );
    let featured = hachinohe.get_json("/api/v1/practices?featured=true").await;
    assert_eq!(featured["total"], 3, "{featured}");
    // The council's KPIs: three published, with two years of published shares from
    // several organisations, one behind target, and this year's first figure waiting for
    // the secretariat to publish it.
    let kpis = hachinohe.get_json("/api/v1/kpis").await;
    let kpis = kpis.as_array().unwrap();
    assert_eq!(kpis.len(), 3, "{kpis:?}");
    assert!(kpis.iter().all(|k| k["status"] == "published"));
    assert!(kpis.iter().any(|k| k["progress"]["status"] == "behind"));
    for k in kpis {
        let reporters: std::collections::BTreeSet<&str> = k["actuals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["published"] == true)
            .map(|a| a["organisation_name"].as_str().unwrap())
            .collect();
        assert!(
            reporters.len() >= 2,
            "{}: {reporters:?}",
            k["definition"]["name"]
        );
        let years = k["progress"]["years"].as_array().unwrap();
        assert!(years[0]["actual"].is_number() && years[1]["actual"].is_number());
    }
    let secretariat_view = coordinator.get_json("/api/v1/kpis").await;
    assert!(
        secretariat_view
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|k| k["actuals"].as_array().unwrap().iter())
            .any(|a| a["published"] == false),
        "a figure waits for the secretariat"
    );
    // An inquiry half answered: 八戸市 submitted, 青森市 has a draft, 弘前市 has not
    // opened it; each city sees its own answer only.
    let sent = coordinator.get_json("/api/v1/inquiries").await;
    let inquiry = &sent.as_array().unwrap()[0];
    assert_eq!(inquiry["status"], "sent");
    let states: std::collections::BTreeMap<&str, &str> = inquiry["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["organisation_name"].as_str().unwrap(),
                a["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("八戸市", "submitted"),
            ("弘前市", "not_opened"),
            ("青森市", "draft")
        ]
        .into(),
    );
    let hirosaki = app.sign_in("hirosaki@aomori.example").await;
    let asked = hirosaki.get_json("/api/v1/inquiries").await;
    assert_eq!(asked[0]["answers"].as_array().unwrap().len(), 1);
    assert_eq!(
        asked[0]["can_answer_for"],
        json!(app.organisation_id("弘前市").await)
    );
    // The second-stage plan, extended to 令和8年度 as revision 2, every group with items
    // in progress, one stopped and one done; 青森市 reported its own item.
    let plans = hirosaki.get_json("/api/v1/plans").await;
    let plan = &plans.as_array().unwrap()[0];
    assert_eq!(plan["revision"], 2);
    assert_eq!(plan["content"]["period_end"], 2026);
    assert_eq!(
        plan["revisions"][0]["note"]
            .as_str()
            .map(|n| n.contains("延長")),
        Some(true)
    );
    let statuses: Vec<&str> = plan["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    for status in ["in_progress", "stopped", "done"] {
        assert!(statuses.contains(&status), "{status}: {statuses:?}");
    }
    for group in [
        "unstable_employment",
        "long_term_unemployed",
        "social_participation",
    ] {
        assert!(
            plan["content"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["target_group"] == group),
            "{group}"
        );
    }
    let compared = hirosaki
        .get_json(&format!(
            "/api/v1/plans/{}/compare?from=1&to=2",
            plan["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        compared["sections"][1]["changed"], true,
        "the period section was revised"
    );
    // Three proposals in three states: the secretariat sees all and its note; 弘前市 sees
    // only the one whose answer was published; 八戸市 its own.
    let proposals = coordinator.get_json("/api/v1/proposals").await;
    let mut states: Vec<&str> = proposals
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["state"].as_str().unwrap())
        .collect();
    states.sort();
    assert_eq!(states, ["answered", "submitted", "under_review"]);
    assert!(proposals
        .as_array()
        .unwrap()
        .iter()
        .any(|p| !p["secretariat_note"]
            .as_str()
            .unwrap_or_default()
            .is_empty()));
    let published = hirosaki.get_json("/api/v1/proposals").await;
    assert_eq!(published.as_array().unwrap().len(), 1);
    assert_eq!(published[0]["outcome"], "partly_adopted");
    assert_eq!(published[0]["secretariat_note"], Value::Null);
    // Council meetings: two held in the previous 年度 and one planned in this one, with
    // answers (one by proxy) and agenda items linking a KPI and a proposal; this year's
    // count is owed, and the held ones are last year's.
    let meetings = coordinator.get_json("/api/v1/meetings").await;
    let list = meetings["meetings"].as_array().expect("meetings");
    let states: Vec<&str> = list.iter().map(|m| m["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["planned", "held", "held"], "newest first");
    let this_year = meetings["compliance"][0]["fiscal_year"].as_i64().unwrap();
    assert_eq!(list[0]["fiscal_year"].as_i64(), Some(this_year));
    for held in &list[1..] {
        assert_eq!(held["fiscal_year"].as_i64(), Some(this_year - 1));
    }
    assert_eq!(meetings["compliance"][0]["held"], 0);
    assert_eq!(meetings["compliance"][0]["met"], false);
    let answers: Vec<&Value> = list
        .iter()
        .flat_map(|m| m["invitations"].as_array().unwrap())
        .filter(|i| i["attendance"] != "unanswered")
        .collect();
    assert!(answers
        .iter()
        .any(|i| i["attendance"] == "proxy" && i["proxy"]["name"] != ""));
    let links: Vec<&Value> = list
        .iter()
        .flat_map(|m| m["agenda"].as_array().unwrap())
        .collect();
    assert!(links
        .iter()
        .any(|a| a["kpi"]["name"].as_str().is_some_and(|n| !n.is_empty())));
    assert!(links.iter().any(|a| a["proposal"]["name"]
        .as_str()
        .is_some_and(|n| !n.is_empty())));
    // Each kind of demo user signs in to a to-do list with something on it.
    for (who, part) in [
        ("coordinator@aomori.example", "awaiting_total"),
        ("aomori-city@aomori.example", "awaiting_total"),
        ("keieisha@aomori.example", "awaiting_total"),
        ("hirosaki@aomori.example", "unread_messages"),
    ] {
        let user = app.sign_in(who).await;
        let to_do = user.get_json("/api/v1/to-do").await;
        assert!(
            to_do[part].as_u64().unwrap_or(0) > 0,
            "{who} has {part}: {to_do}"
        );
    }
    // All of it reaches a new device through the feed, as the pages' own data.
    let (changes, _) = crate::sync::pull_all(&coordinator, 0).await;
    for kind in [
        "thread",
        "message",
        "outreach_request",
        "good_practice",
        "notification",
        "kpi",
        "proposal",
        "meeting",
    ] {
        assert!(
            changes.iter().any(|c| c["kind"] == kind),
            "the feed carries {kind}s"
        );
    }
}
