//! The good-practice library, first part: visibility (the matrix of author platform,
//! another municipal platform, the secretariat, an economic organisation and another
//! network, on every endpoint and the sync feed), featuring rights, adoptions seen by the
//! author platform, personal data refused, and Markdown rendered safely.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sync::{ids, pull_all};

const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const COORDINATOR: &str = "coordinator@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";

fn practice(title: &str, visibility: &str, status: &str) -> Value {
    json!({
        "title": title,
        "summary": "就労体験から始めて、3か月で正規雇用につながった取り組み。",
        "body": "## 取り組み\n\n- 週2日の就労体験\n- 職場見学\n\n[報告書](https://example.jp/report.pdf)",
        "target_groups": ["long_term_unemployed"],
        "tags": ["就労体験", "農業"],
        "area": "八戸市",
        "period": "令和6年度",
        "results": [{"label": "正規雇用", "value": 3, "unit": "名"}],
        "visibility": visibility,
        "status": status
    })
}

async fn create(user: &User, body: Value) -> String {
    let r = user.post("/api/v1/practices", &body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_string()
}

async fn listed(user: &User, query: &str) -> Vec<String> {
    user.get_json(&format!("/api/v1/practices{query}")).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_visibility_reaches_exactly_its_readers() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let mut starts = Vec::new();
    for u in [&hirosaki, &coordinator, &keieisha, &iwate] {
        starts.push(pull_all(u, 0).await.1);
    }

    let shared = create(
        &hachinohe,
        practice("農業法人での就労体験", "network", "published"),
    )
    .await;
    let own = create(
        &hachinohe,
        practice("市内だけの事例", "platform", "published"),
    )
    .await;
    let draft = create(&hachinohe, practice("書きかけの事例", "network", "draft")).await;

    // The author platform reads all three.
    let mine = listed(&hachinohe, "").await;
    for id in [&shared, &own, &draft] {
        assert!(mine.contains(id));
    }
    // The network (another municipal platform, the secretariat, an economic
    // organisation) reads the published, shared one only; another network nothing.
    for (i, (who, user, sees_shared)) in [
        ("弘前市", &hirosaki, true),
        ("secretariat", &coordinator, true),
        ("economic organisation", &keieisha, true),
        ("another network", &iwate, false),
    ]
    .into_iter()
    .enumerate()
    {
        let list = listed(user, "").await;
        assert_eq!(list.contains(&shared), sees_shared, "{who} list");
        assert!(!list.contains(&own) && !list.contains(&draft), "{who} list");
        let (changes, _) = pull_all(user, starts[i]).await;
        let synced = ids(&changes, "good_practice", "upsert");
        assert_eq!(synced.contains(&shared), sees_shared, "{who} feed");
        assert!(
            !changes
                .iter()
                .any(|c| c["id"] == own.as_str() || c["id"] == draft.as_str()),
            "{who} feed"
        );
        for id in [&own, &draft] {
            let path = format!("/api/v1/practices/{id}");
            assert_eq!(
                user.get(&path).await.status(),
                StatusCode::NOT_FOUND,
                "{who} GET"
            );
            assert_eq!(
                user.patch(&path, &json!({"title": "x"})).await.status(),
                StatusCode::NOT_FOUND,
                "{who} PATCH"
            );
            assert_eq!(
                user.delete(&path).await.status(),
                StatusCode::NOT_FOUND,
                "{who} DELETE"
            );
            let r = user.post(&format!("{path}/feature"), &json!(null)).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} feature");
            let r = user.post(&format!("{path}/adoptions"), &json!({})).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} adopt");
        }
        // Readers of the shared one may not change it.
        if sees_shared {
            let path = format!("/api/v1/practices/{shared}");
            assert_eq!(
                user.patch(&path, &json!({"title": "x"})).await.status(),
                StatusCode::FORBIDDEN,
                "{who}"
            );
            assert_eq!(
                user.delete(&path).await.status(),
                StatusCode::FORBIDDEN,
                "{who}"
            );
        }
    }

    // Narrowed to the platform, it leaves the network's view and feeds (as a delete).
    let (_, before) = pull_all(&hirosaki, 0).await;
    let r = hachinohe
        .patch(
            &format!("/api/v1/practices/{shared}"),
            &json!({"visibility": "platform"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (changes, _) = pull_all(&hirosaki, before).await;
    assert!(ids(&changes, "good_practice", "delete").contains(&shared));
    assert_eq!(
        hirosaki
            .get(&format!("/api/v1/practices/{shared}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_secretariat_features_and_platforms_adopt() {
    let app = TestApp::spawn().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let liaison = app.sign_in(LIAISON).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let id = create(
        &hachinohe,
        practice("就労体験の受け入れ", "network", "published"),
    )
    .await;
    let path = format!("/api/v1/practices/{id}");

    // Featuring is the secretariat's (coordinators of the prefectural platform).
    for (who, user) in [
        ("author", &hachinohe),
        ("other platform", &hirosaki),
        ("prefectural staff", &liaison),
        ("organisation", &keieisha),
    ] {
        let r = user.post(&format!("{path}/feature"), &json!(null)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let r = coordinator
        .post(&format!("{path}/feature"), &json!(null))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let featured = listed(&hirosaki, "?featured=true").await;
    assert_eq!(featured, vec![id.clone()]);
    assert!(!hirosaki.get_json(&path).await["featured_at"].is_null());
    let r = coordinator.delete(&format!("{path}/feature")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(listed(&hirosaki, "?featured=true").await.is_empty());
    // Only what the network can read can be featured.
    let own = create(&hachinohe, practice("市内の事例", "platform", "published")).await;
    let r = coordinator
        .post(&format!("/api/v1/practices/{own}/feature"), &json!(null))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // 参考にした: once per platform; the author platform sees who, others only how many.
    let r = hirosaki
        .post(
            &format!("{path}/adoptions"),
            &json!({"note": "来年度から試行します"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let again = hirosaki
        .post(&format!("{path}/adoptions"), &json!({}))
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let seen = hirosaki.get_json(&path).await;
    assert_eq!(seen["adoption_count"], 1);
    assert_eq!(seen["adopted_by_me"], true);
    assert_eq!(
        seen["adoptions"],
        json!([]),
        "only the author platform sees who"
    );
    let by_author = hachinohe.get_json(&path).await;
    assert_eq!(
        by_author["adoptions"][0]["platform_name"],
        "弘前市 就職氷河期世代活躍支援プラットフォーム"
    );
    assert_eq!(by_author["adoptions"][0]["note"], "来年度から試行します");
    let r = hachinohe
        .post(&format!("{path}/adoptions"), &json!({}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "own_practice".into())
    );
}

#[tokio::test]
async fn markdown_is_rendered_safely_and_personal_data_refused() {
    let app = TestApp::spawn().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let mut body = practice("安全な表示", "network", "published");
    body["body"] = json!(
        "<script>alert(1)</script>\n\n[押す](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\n**太字**"
    );
    let id = create(&hachinohe, body).await;
    let seen = hachinohe.get_json(&format!("/api/v1/practices/{id}")).await;
    let html = seen["body_html"].as_str().unwrap().to_lowercase();
    assert!(html.contains("<strong>太字</strong>"), "{html}");
    // Raw HTML is shown as text (escaped); no tag carries script, a script URL or a handler.
    assert!(html.contains("&lt;script&gt;"), "{html}");
    let tags: Vec<&str> = html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
        .collect();
    for tag in tags {
        for bad in ["script", "javascript:", "img", "onerror"] {
            assert!(!tag.contains(bad), "<{tag}> in {html}");
        }
    }
    // The Markdown is kept as written.
    assert!(seen["body"].as_str().unwrap().contains("<script>"));

    let mut body = practice("連絡先つきの事例", "network", "published");
    body["summary"] = json!("詳しくは担当の山田（090-1234-5678）まで");
    let r = hachinohe.post("/api/v1/practices", &body).await;
    let (status, code) = error_code(r).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "personal_data")
    );
    let r = hachinohe
        .patch(
            &format!("/api/v1/practices/{id}"),
            &json!({"body": "本人 taro@example.jp"}),
        )
        .await;
    assert_eq!(error_code(r).await.1, "personal_data");
}
