//! The outreach-request pages: server-rendered for each party, plain form posts for every
//! step, refusals (personal data above all) back on the page, and 404 for everyone else.

use reqwest::StatusCode;

use crate::helpers::*;

const HIROSAKI: &str = "hirosaki@aomori.example";
const COORDINATOR: &str = "coordinator@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const SHOKOKAI: &str = "shokokai@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";

async fn html(user: &User, path: &str) -> (StatusCode, String) {
    let r = user.get(path).await;
    let status = r.status();
    (status, r.text().await.expect("page text"))
}

async fn post_form(
    app: &TestApp,
    user: &User,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("csrf_token", user.csrf.as_str()));
    user.client
        .post(app.url(path))
        .form(&all)
        .send()
        .await
        .expect("form post")
}

fn draft_fields<'a>(title: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "placement_development"),
        ("title", title),
        ("description", description),
        ("target_groups", "long_term_unemployed"),
        ("area", "弘前市"),
        ("age_band", "45-49"),
        ("desired_work", "事務補助"),
        ("hours", "週20時間"),
        ("accommodations", "short_hours"),
        ("accommodations", "written_instructions"),
        ("start", "令和9年6月"),
        ("people", "2"),
        ("deadline", "2099-03-31"),
    ]
}

#[tokio::test]
async fn the_workflow_runs_through_the_pages() {
    let app = TestApp::spawn().await;
    let hirosaki = app.sign_in(HIROSAKI).await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let shokokai = app.sign_in(SHOKOKAI).await;

    let (status, list) = html(&hirosaki, "/outreach").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("働きかけ・受け入れ先開拓の依頼") && list.contains("/outreach/new"));
    let (_, form) = html(&hirosaki, "/outreach/new").await;
    assert!(form.contains("対象となる方（個人を特定しない情報）") && form.contains("下書きを保存"));
    // Only municipal staff draft; the coordinator's list offers no form.
    let (_, list) = html(&coordinator, "/outreach").await;
    assert!(!list.contains("/outreach/new"));

    // Personal data: refused, and the page says why; nothing is saved.
    let r = post_form(
        &app,
        &hirosaki,
        "/outreach",
        &draft_fields("受け入れ先の開拓", "本人の携帯は090-1234-5678です"),
    )
    .await;
    assert_see_other(&r, "/outreach/new?error=personal_data");
    let (_, page) = html(&hirosaki, &location(&r)).await;
    assert!(page.contains("個人を特定できる情報が含まれているため保存できませんでした。"));
    assert_eq!(
        hirosaki.get_json("/api/v1/outreach-requests").await["total"],
        0
    );
    let r = post_form(
        &app,
        &hirosaki,
        "/outreach",
        &[("kind", "placement_development"), ("title", "x")],
    )
    .await;
    assert_see_other(&r, "/outreach/new?error=invalid_deadline");

    let r = post_form(
        &app,
        &hirosaki,
        "/outreach",
        &draft_fields(
            "事務補助の受け入れ先",
            "週3日から働ける職場を探しています。",
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    let id = to.trim_start_matches("/outreach/").to_string();
    let (_, page) = html(&hirosaki, &to).await;
    assert!(page.contains("事務補助の受け入れ先") && page.contains("下書き"));
    assert!(
        page.contains("短時間勤務") && page.contains("令和"),
        "{page}"
    );
    assert!(page.contains("提出する") && page.contains(&format!("/outreach/{id}/edit")));
    let (status, edit) = html(&hirosaki, &format!("/outreach/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(edit.contains("事務補助の受け入れ先") && edit.contains("変更を保存"));

    let steps = format!("/outreach/{id}/transitions");
    let r = post_form(&app, &hirosaki, &steps, &[("action", "submit")]).await;
    assert_see_other(&r, &to);
    let (_, page) = html(&coordinator, &to).await;
    assert!(page.contains("振り分ける") && page.contains("差し戻す"));
    assert!(page.contains(KEIEISHA_ORG), "the organisations to route to");
    let (_, list) = html(&coordinator, "/outreach?state=submitted").await;
    assert!(list.contains("状態別の件数") && list.contains("要対応"));
    // The exports carry the list's filter.
    assert!(list.contains("/api/v1/outreach-requests/export.xlsx?state=submitted"));
    assert!(list.contains("/api/v1/outreach-requests/export.csv?state=submitted"));

    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await.to_string();
    let r = post_form(&app, &coordinator, &steps, &[("action", "return")]).await;
    assert_see_other(&r, &format!("{to}?error=comment_required"));
    let r = post_form(
        &app,
        &coordinator,
        &steps,
        &[("action", "route"), ("organisation_ids", &keieisha_org)],
    )
    .await;
    assert_see_other(&r, &to);

    let (_, page) = html(&keieisha, &to).await;
    assert!(page.contains("対応を開始する") && page.contains("回答を送信"));
    let r = post_form(&app, &keieisha, &steps, &[("action", "acknowledge")]).await;
    assert_see_other(&r, &to);
    let r = post_form(
        &app,
        &keieisha,
        &format!("/outreach/{id}/responses"),
        &[
            ("body", "会員企業2社が検討します。"),
            ("placements_offered", "2"),
            ("company_name", "株式会社りんご物流"),
            ("company_sector", "運輸業"),
            ("company_area", "弘前市"),
            ("company_name", "津軽事務サービス有限会社"),
            ("company_sector", "サービス業"),
            ("company_area", "黒石市"),
            ("company_name", ""),
            ("company_sector", ""),
            ("company_area", ""),
        ],
    )
    .await;
    assert_see_other(&r, &format!("{to}#responses"));
    let seen = hirosaki
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(seen["state"], "answered");
    assert_eq!(
        seen["responses"][0]["companies"].as_array().unwrap().len(),
        2
    );
    let (_, page) = html(&hirosaki, &to).await;
    assert!(page.contains("株式会社りんご物流") && page.contains("完了にする"));

    let r = post_form(
        &app,
        &hirosaki,
        &steps,
        &[
            ("action", "close"),
            ("placements", "1"),
            ("outcome_note", "1名が就職"),
        ],
    )
    .await;
    assert_see_other(&r, &to);
    let (_, page) = html(&hirosaki, &to).await;
    assert!(page.contains("完了") && page.contains("1名が就職"));

    // 青森県商工会連合会 never sees it.
    let (status, page) = html(&shokokai, &to).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("事務補助の受け入れ先"));
    let (_, list) = html(&shokokai, "/outreach").await;
    assert!(!list.contains("事務補助の受け入れ先"));
    let r = post_form(&app, &shokokai, &steps, &[("action", "withdraw")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
