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
            let r = user.delete(&format!("{path}/feature")).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} unfeature");
            for sub in ["versions", "comments"] {
                let r = user.get(&format!("{path}/{sub}")).await;
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {sub}");
            }
            let r = user
                .post(
                    &format!("{path}/comments"),
                    &json!({"body": "参考になります"}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} comment");
            let r = user
                .upload(
                    &format!("{path}/attachments"),
                    "a.pdf",
                    "application/pdf",
                    b"%PDF-1.4\n",
                )
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} attach");
            // The server-rendered pages say nothing of it either.
            for page in [format!("/practices/{id}"), format!("/practices/{id}/edit")] {
                let r = user.get(&page).await;
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {page}");
                let html = r.text().await.unwrap();
                assert!(
                    !html.contains("市内だけ") && !html.contains("書きかけ"),
                    "{who} {page}"
                );
            }
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

/// Titles and totals of a search, best first.
async fn search(user: &User, query: &str) -> (Vec<String>, u64, Value) {
    let v = user.get_json(&format!("/api/v1/practices?{query}")).await;
    let titles = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect();
    (titles, v["total"].as_u64().expect("total"), v)
}

fn q(words: &str) -> String {
    format!("q={}", urlencode(words))
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The snippet of the first hit with the matched pieces in brackets.
fn marked_snippet(v: &Value) -> String {
    v["items"][0]["snippet"]
        .as_array()
        .expect("snippet")
        .iter()
        .map(|p| {
            let t = p["text"].as_str().unwrap();
            if p["hit"] == true {
                format!("[{t}]")
            } else {
                t.to_string()
            }
        })
        .collect()
}

fn facet(v: &Value, name: &str) -> Vec<(String, String, u64)> {
    v["facets"][name]
        .as_array()
        .expect("facet")
        .iter()
        .map(|f| {
            (
                f["value"].as_str().unwrap().to_string(),
                f["label"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn japanese_search_ranks_folds_highlights_and_counts() {
    let app = TestApp::spawn().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;

    let mut in_body = practice("農業法人との連携", "network", "published");
    in_body["summary"] = json!("地域の農業法人と組んだ取り組み。");
    in_body["body"] = json!("就労支援を重ねた。就労支援の記録。就労支援の振り返り。");
    in_body["tags"] = json!(["農業"]);
    create(&hachinohe, in_body).await;
    let mut in_title = practice("就労支援の入口づくり", "network", "published");
    in_title["summary"] = json!("相談窓口の案内を見直した。");
    in_title["body"] = json!("ＫＰＩを毎月確認した。");
    in_title["tags"] = json!(["相談", "農業"]);
    in_title["target_groups"] = json!(["social_participation"]);
    create(&hachinohe, in_title).await;
    let mut cafe = practice("地域のカフェでの職場体験", "network", "published");
    cafe["summary"] = json!("ｶﾌｪの協力で週1日の体験。");
    cafe["body"] = json!("店舗での接客と調理の補助。");
    cafe["tags"] = json!(["職場体験"]);
    cafe["area"] = json!("弘前市");
    create(&hirosaki, cafe).await;

    // A two-character word finds the longer compound; the title match ranks first.
    let (titles, total, v) = search(&hirosaki, &q("就労")).await;
    assert_eq!(total, 2, "{v}");
    assert_eq!(titles[0], "就労支援の入口づくり");
    assert_eq!(titles[1], "農業法人との連携");
    // The snippet quotes where the word is, marked.
    let second = &v["items"][1]["snippet"];
    assert!(second.to_string().contains("\"hit\":true"), "{second}");

    // Width and case fold: ＫＰＩ is found as kpi, and the reverse.
    let (titles, _, v) = search(&hirosaki, &q("kpi")).await;
    assert_eq!(titles, vec!["就労支援の入口づくり".to_string()]);
    assert_eq!(marked_snippet(&v), "[ＫＰＩ]を毎月確認した。");
    // Half-width katakana and its usual form find each other.
    let (titles, _, v) = search(&hachinohe, &q("カフェ")).await;
    assert_eq!(titles, vec!["地域のカフェでの職場体験".to_string()]);
    assert_eq!(marked_snippet(&v), "[ｶﾌｪ]の協力で週1日の体験。");
    let (titles, _, _) = search(&hachinohe, &q("ｶﾌｪ")).await;
    assert_eq!(titles, vec!["地域のカフェでの職場体験".to_string()]);
    // Every word must match; a one-character word works too.
    let (titles, _, _) = search(&hachinohe, &q("就労　農業法人")).await;
    assert_eq!(titles, vec!["農業法人との連携".to_string()]);
    let (titles, _, _) = search(&hachinohe, &q("窓")).await;
    assert_eq!(titles, vec!["就労支援の入口づくり".to_string()]);
    // The characters of a word must stand together.
    assert_eq!(search(&hachinohe, &q("支就")).await.1, 0);

    // Facets count the whole result.
    let (_, total, v) = search(&hirosaki, "").await;
    assert_eq!(total, 3);
    let tags = facet(&v, "tag");
    assert_eq!(tags[0], ("農業".into(), "農業".into(), 2), "{tags:?}");
    assert!(tags.contains(&("職場体験".into(), "職場体験".into(), 1)));
    let platforms = facet(&v, "platform");
    assert_eq!(platforms.len(), 2);
    assert_eq!(
        platforms[0].1,
        "八戸市 就職氷河期世代活躍支援プラットフォーム"
    );
    assert_eq!(platforms[0].2, 2);
    let groups = facet(&v, "target_group");
    assert!(groups.contains(&(
        "social_participation".into(),
        "social_participation".into(),
        1
    )));
    assert!(facet(&v, "area").contains(&("弘前市".into(), "弘前市".into(), 1)));
    let years = facet(&v, "year");
    assert_eq!(years.len(), 1);
    assert_eq!(years[0].2, 3);

    // Filters narrow; the facet value is what to filter by.
    let (titles, _, _) = search(&hirosaki, &format!("tag={}", urlencode("相談"))).await;
    assert_eq!(titles, vec!["就労支援の入口づくり".to_string()]);
    let (_, total, _) = search(&hirosaki, &format!("year={}", years[0].0)).await;
    assert_eq!(total, 3);
    let (_, total, _) = search(&hirosaki, &format!("platform={}", platforms[0].0)).await;
    assert_eq!(total, 2);
    let (_, total, _) = search(&hirosaki, "target_group=social_participation").await;
    assert_eq!(total, 1);

    // Nothing found: said so, with what dropping a filter would find.
    let (titles, total, v) = search(
        &hirosaki,
        &format!("{}&tag={}", q("カフェ"), urlencode("相談")),
    )
    .await;
    assert!(titles.is_empty());
    assert_eq!(total, 0);
    assert_eq!(
        v["relaxations"],
        json!([{"drop": "q", "total": 1}, {"drop": "tag", "total": 1}])
    );
    let (_, total, v) = search(&hirosaki, &q("存在しない言葉")).await;
    assert_eq!(total, 0);
    assert_eq!(v["relaxations"], json!([{"drop": "q", "total": 3}]));

    // A bad filter is a clear error.
    let r = hirosaki.get("/api/v1/practices?target_group=nobody").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = hirosaki.get("/api/v1/practices?year=soon").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The ranking holds offset + 20 results in memory: a page deeper than the limit is
    // refused, not attempted (this offset once aborted the server: an allocation of
    // 48 TB).
    let (status, code) = error_code(
        hirosaki
            .get(&format!(
                "/api/v1/practices?{}&offset=1000000000000",
                q("就労")
            ))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "offset_too_large")
    );
    // Words are bounded like every other input: in number and in length.
    for words in ["あ ".repeat(11), "就労".repeat(51)] {
        let r = hirosaki
            .get(&format!("/api/v1/practices?{}", q(&words)))
            .await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "query_too_long".into()),
            "{words}"
        );
    }
    let (_, total, _) = search(&hirosaki, &q(&"就労 ".repeat(10))).await;
    assert!(total > 0, "ten words are still a search");
    let (_, total, _) = search(&hirosaki, "offset=10000").await;
    assert_eq!(total, 3, "the deepest page allowed still answers");
}

#[tokio::test]
async fn search_holds_nothing_the_caller_may_not_read() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;

    let mut shared = practice("共有の事例 伴走型支援", "network", "published");
    shared["tags"] = json!(["共有タグ"]);
    create(&hachinohe, shared).await;
    for (title, visibility, status) in [
        ("市内だけの伴走型支援", "platform", "published"),
        ("書きかけの伴走型支援", "network", "draft"),
    ] {
        let mut private = practice(title, visibility, status);
        private["tags"] = json!(["内部タグ"]);
        private["area"] = json!("内部地区");
        create(&hachinohe, private).await;
    }
    let deleted = create(
        &hachinohe,
        practice("消した伴走型支援", "network", "published"),
    )
    .await;
    let r = hachinohe
        .delete(&format!("/api/v1/practices/{deleted}"))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    assert_eq!(search(&hachinohe, &q("伴走型")).await.1, 3);
    for (who, user, expected) in [
        ("弘前市", &hirosaki, 1),
        ("secretariat", &coordinator, 1),
        ("economic organisation", &keieisha, 1),
        ("another network", &iwate, 0),
    ] {
        for query in [q("伴走型"), String::new(), q("内部")] {
            let (titles, total, v) = search(user, &query).await;
            let text = v.to_string();
            assert!(
                !text.contains("市内だけ")
                    && !text.contains("書きかけ")
                    && !text.contains("消した"),
                "{who} {query}: {text}"
            );
            assert!(
                !text.contains("内部タグ") && !text.contains("内部地区"),
                "{who} {query}: facets {text}"
            );
            assert!(total <= expected, "{who} {query}: {titles:?}");
        }
        assert_eq!(search(user, &q("伴走型")).await.1, expected, "{who}");
        // Dropping a filter never counts what the caller may not read.
        let (_, total, v) = search(
            user,
            &format!("{}&tag={}", q("伴走型"), urlencode("内部タグ")),
        )
        .await;
        assert_eq!(total, 0, "{who}");
        let relaxed: u64 = v["relaxations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["total"].as_u64().unwrap())
            .max()
            .unwrap_or(0);
        assert!(relaxed <= expected, "{who}: {v}");
    }
}

#[tokio::test]
async fn every_instance_finds_what_another_just_wrote() {
    let app = TestApp::spawn().await;
    let second = app.spawn_instance().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in_at(&second, HIROSAKI).await;
    // The second instance has answered a search before the practice exists.
    assert_eq!(search(&hirosaki, &q("就労体験")).await.1, 0);
    let id = create(
        &hachinohe,
        practice("就労体験の受け入れ", "network", "published"),
    )
    .await;
    let (titles, _, _) = search(&hirosaki, &q("就労体験")).await;
    assert_eq!(titles, vec!["就労体験の受け入れ".to_string()]);
    // A change and a delete reach it too.
    let r = hachinohe
        .patch(
            &format!("/api/v1/practices/{id}"),
            &json!({"title": "職場体験の受け入れ"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(search(&hirosaki, &q("就労体験の受")).await.1, 0);
    assert_eq!(search(&hirosaki, &q("職場体験")).await.1, 1);
    let r = hachinohe.delete(&format!("/api/v1/practices/{id}")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(search(&hirosaki, &q("職場体験")).await.1, 0);
}

#[tokio::test]
async fn the_version_history_says_who_changed_what() {
    let app = TestApp::spawn().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let id = create(
        &hachinohe,
        practice("就労体験の受け入れ", "network", "published"),
    )
    .await;
    let path = format!("/api/v1/practices/{id}");
    let r = hachinohe
        .patch(
            &path,
            &json!({"title": "職場体験の受け入れ", "tags": ["職場体験"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // The same patch again changes nothing and adds no version.
    let again = hachinohe
        .patch(&path, &json!({"title": "職場体験の受け入れ"}))
        .await;
    assert_eq!(again.json::<Value>().await.unwrap()["version"], 2);

    let versions = hirosaki.get_json(&format!("{path}/versions")).await;
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["fields"], json!(["title", "tags"]));
    assert_eq!(versions[0]["changed_by"]["email"], HACHINOHE);
    assert_eq!(versions[0]["content"]["title"], "職場体験の受け入れ");
    assert_eq!(versions[1]["version"], 1);
    assert_eq!(versions[1]["content"]["title"], "就労体験の受け入れ");
    assert_eq!(versions[1]["fields"].as_array().unwrap().len(), 11);

    // A platform-only practice's history is the author platform's alone.
    let own = create(&hachinohe, practice("市内の事例", "platform", "published")).await;
    let r = hirosaki
        .get(&format!("/api/v1/practices/{own}/versions"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn readers_comment_and_take_their_comments_back() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let id = create(
        &hachinohe,
        practice("就労体験の受け入れ", "network", "published"),
    )
    .await;
    let path = format!("/api/v1/practices/{id}/comments");
    let (_, start) = pull_all(&hachinohe, 0).await;

    let r = hirosaki
        .post(
            &path,
            &json!({"body": "受け入れ先の探し方を教えてください。"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let comment: Value = r.json().await.unwrap();
    assert_eq!(comment["organisation_name"], "弘前市");
    let listed = hachinohe.get_json(&path).await;
    assert_eq!(listed[0]["body"], "受け入れ先の探し方を教えてください。");
    assert_eq!(listed[0]["can_delete"], false);
    // The author platform hears of it through the feed, with the comment in the record.
    let (changes, _) = pull_all(&hachinohe, start).await;
    let record = changes
        .iter()
        .find(|c| c["id"] == id.as_str())
        .expect("the practice changed");
    assert_eq!(
        record["data"]["comments"][0]["body"],
        "受け入れ先の探し方を教えてください。"
    );

    // Bad input and personal data are refused; another network cannot see it at all.
    let r = hirosaki.post(&path, &json!({"body": "  "})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = hirosaki
        .post(&path, &json!({"body": "本人の電話は090-1234-5678です"}))
        .await;
    assert_eq!(error_code(r).await.1, "personal_data");
    let r = iwate.post(&path, &json!({"body": "見せてください"})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(iwate.get(&path).await.status(), StatusCode::NOT_FOUND);

    // Only its author takes a comment back.
    let one = format!("{path}/{}", comment["id"].as_str().unwrap());
    assert_eq!(hachinohe.delete(&one).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(iwate.delete(&one).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(hirosaki.delete(&one).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(hirosaki.get_json(&path).await, json!([]));
    assert_eq!(hirosaki.delete(&one).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn attachments_follow_the_practice_and_the_thread_rules() {
    let app = TestApp::spawn().await;
    let _iwate = app.add_iwate_network().await;
    let hachinohe = app.sign_in(HACHINOHE).await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let iwate = app.sign_in(IWATE_COORDINATOR).await;
    let id = create(
        &hachinohe,
        practice("就労体験の受け入れ", "network", "published"),
    )
    .await;
    let own = create(&hachinohe, practice("市内の事例", "platform", "published")).await;
    let files = format!("/api/v1/practices/{id}/attachments");
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n".to_vec();

    // The author platform attaches; readers may not, and an executable is refused by content.
    let r = hachinohe
        .upload(&files, "報告書.pdf", "application/pdf", &pdf)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let file: Value = r.json().await.unwrap();
    let mut elf = vec![
        0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0,
    ];
    elf.resize(64, 0);
    let r = hachinohe
        .upload(&files, "report.pdf", "application/pdf", &elf)
        .await;
    assert_eq!(error_code(r).await.1, "file_refused");
    let r = hirosaki
        .upload(&files, "mine.pdf", "application/pdf", &pdf)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = iwate
        .upload(&files, "theirs.pdf", "application/pdf", &pdf)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Readers see and download it; another network and a platform-only practice: 404.
    let seen = hirosaki.get_json(&format!("/api/v1/practices/{id}")).await;
    assert_eq!(seen["attachments"][0]["filename"], "報告書.pdf");
    let one = format!("{files}/{}", file["id"].as_str().unwrap());
    let r = hirosaki.get(&one).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
    assert_eq!(iwate.get(&one).await.status(), StatusCode::NOT_FOUND);
    let r = hachinohe
        .upload(
            &format!("/api/v1/practices/{own}/attachments"),
            "内部.pdf",
            "application/pdf",
            &pdf,
        )
        .await;
    let inner: Value = r.json().await.unwrap();
    let inner_path = format!(
        "/api/v1/practices/{own}/attachments/{}",
        inner["id"].as_str().unwrap()
    );
    assert_eq!(
        hirosaki.get(&inner_path).await.status(),
        StatusCode::NOT_FOUND
    );
    // The file is addressed through its own practice only.
    let crossed = format!(
        "/api/v1/practices/{id}/attachments/{}",
        inner["id"].as_str().unwrap()
    );
    assert_eq!(
        hachinohe.get(&crossed).await.status(),
        StatusCode::NOT_FOUND
    );

    // Only the author platform removes it; then it is gone.
    assert_eq!(hirosaki.delete(&one).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        hachinohe.delete(&one).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(hirosaki.get(&one).await.status(), StatusCode::NOT_FOUND);
    let seen = hirosaki.get_json(&format!("/api/v1/practices/{id}")).await;
    assert_eq!(seen["attachments"], json!([]));
}
