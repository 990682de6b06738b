//! The Aomori implementation plan in the demo (issue: plan, KPIs, inquiries): the second
//! stage (令和5–7年度) published as revision 1, then extended to 令和8年度 with a new item
//! and published as revision 2 with its note; items under each target group served by the
//! demo KPIs, their progress reported by the secretariat and by 青森市 for its own item
//! (one stopped, one done). Written through the same domain functions as the API, as the
//! demo users themselves.

use serde_json::json;
use uuid::Uuid;

use super::activity::{input, People, AOMORI_CITY, COORDINATOR, DEPUTY};
use super::council::Contributors;
use crate::http::ApiResult;
use crate::plans;
use crate::state::AppState;

const PURPOSE: &str = "就職氷河期世代の方々は、雇用環境が厳しい時期に就職活動を行い、現在も不本意ながら不安定な仕事に就いている、無業の状態にある、社会参加に向けた支援を必要とするなど、様々な課題に直面している。\n\n本計画は、青森県就職氷河期世代活躍支援プラットフォームの構成員が、それぞれの支援策を持ち寄り、一人ひとりの状況に応じた切れ目のない支援を行うための取組を定めるものである。";
const PERIOD_1: &str = "令和5年度から令和7年度までの3年間とする。";
const PERIOD_2: &str = "令和5年度から令和8年度までの4年間とする。\n\n国の支援の枠組みが令和8年度から新たな段階に移ることを踏まえ、令和7年度第2回協議会の承認を得て1年間延長した。";
const SITUATION: &str = "- 県内の35〜54歳の不本意非正規雇用者は推計約1万1千人（令和4年就業構造基本調査）。\n- 長期無業者の把握は市町村ごとに差があり、民生委員調査を行った市町村は一部にとどまる。\n- 支援機関の間で、相談から就職、定着までの情報の引き継ぎが十分でない。";
const GOALS: &str = "三つの対象ごとに、次の目標と主な取組を定める。KPIは別表のとおり。";
const GRANTS: &str = "地域就職氷河期世代支援加速化交付金を活用し、県及び市町村が次の事業を実施する。\n\n| 事業 | 実施主体 |\n|---|---|\n| 就職氷河期世代向け職場体験 | 県 |\n| ひきこもり支援拠点の運営 | 青森市、八戸市 |";
const GOVERNANCE: &str = "事務局（主担当：青森労働局、副担当：青森県商工労働部）が各事業の進捗を四半期ごとに取りまとめ、年2回の協議会で報告する。KPIの実績は毎年度、構成員の報告をもとに公表する。";
const MUNICIPAL: &str = "市町村プラットフォームと、支援対象者の状況、好事例、受け入れ先の開拓について情報を共有し、照会により実績を取りまとめる。";

fn sections(period: &str) -> serde_json::Value {
    json!([
        {"section": "purpose", "body": PURPOSE},
        {"section": "period", "body": period},
        {"section": "situation_and_issues", "body": SITUATION},
        {"section": "goals_and_measures", "body": GOALS},
        {"section": "grant_projects", "body": GRANTS},
        {"section": "governance_and_progress", "body": GOVERNANCE},
        {"section": "municipal_cooperation", "body": MUNICIPAL},
        {"section": "other", "body": "この計画に定めのない事項は、協議会で協議して定める。"},
    ])
}

/// Writes the plan; `kpis` are the demo KPIs (placements first).
pub async fn plan(
    state: &AppState,
    people: &People,
    orgs: Contributors,
    kpis: &[Uuid],
) -> ApiResult<()> {
    let coordinator = people.get(COORDINATOR);
    let deputy = people.get(DEPUTY);
    let title = "青森県就職氷河期世代活躍支援プラットフォーム事業実施計画（第2期）";
    let mut plan = plans::create(
        state,
        coordinator,
        input(json!({
            "title": title,
            "period_start": 2023,
            "period_end": 2025,
            "sections": sections(PERIOD_1),
        }))?,
    )
    .await?;
    let kpi = |i: usize| kpis.get(i).copied().into_iter().collect::<Vec<_>>();
    let items = [
        (Some("unstable_employment"), "ハローワークの専門窓口によるチーム支援", "キャリアコンサルタント、職業相談員、就職支援コーディネーターがチームで担当し、求人開拓から定着まで支援する。", vec![orgs.labour_bureau], vec![2023, 2024, 2025], None, kpi(0)),
        (Some("unstable_employment"), "正社員化に取り組む企業への助成の周知", "キャリアアップ助成金、特定求職者雇用開発助成金の活用を経済団体を通じて周知する。", vec![orgs.labour_bureau, orgs.prefecture], vec![2023, 2024, 2025], Some(1200.0), kpi(1)),
        (Some("long_term_unemployed"), "職場体験と就労準備支援", "長期無業の方が短時間の職場体験から始め、生活リズムと自信を取り戻せるよう支援する。", vec![orgs.prefecture], vec![2024, 2025], Some(8600.0), kpi(0)),
        (Some("long_term_unemployed"), "地域若者サポートステーションとの連携", "対象年齢の上限を超えた方への支援をサポステと市町村が引き継ぐ。", vec![orgs.prefecture, orgs.hachinohe], vec![2023], None, vec![]),
        (Some("social_participation"), "ひきこもり支援拠点の運営と居場所づくり", "市の支援拠点で相談と居場所を提供し、家族会と連携する。", vec![orgs.aomori_city], vec![2023, 2024, 2025], Some(5400.0), vec![]),
        (None, "支援情報の一元的な発信", "プラットフォームの構成員の支援策をまとめ、県の広報と各市町村の窓口で周知する。", vec![orgs.prefecture, orgs.hirosaki], vec![2023, 2024, 2025], Some(900.0), vec![]),
    ];
    for (group, title, description, responsible, schedule, budget, kpis) in items {
        plan = plans::add_item(
            state,
            coordinator,
            plan.id,
            input(json!({
                "version": plan.version,
                "target_group": group,
                "title": title,
                "description": description,
                "responsible": responsible,
                "schedule": schedule,
                "budget": budget,
                "kpis": kpis,
            }))?,
        )
        .await?;
    }
    plan = plans::publish(
        state,
        coordinator,
        plan.id,
        input(
            json!({ "version": plan.version, "note": "令和5年度第1回協議会（令和5年6月）で承認" }),
        )?,
    )
    .await?;
    let item_ids: Vec<Uuid> = plan.content.items.iter().map(|i| i.id).collect();

    // Revision 2: the period extended a year, the schedules with it, one item added.
    plan = plans::update(
        state,
        deputy,
        plan.id,
        input(json!({
            "version": plan.version,
            "title": title,
            "period_start": 2023,
            "period_end": 2026,
            "sections": [{"section": "period", "body": PERIOD_2}],
        }))?,
    )
    .await?;
    plan = plans::add_item(
        state,
        deputy,
        plan.id,
        input(json!({
            "version": plan.version,
            "target_group": "unstable_employment",
            "title": "中高年世代向け リスキリングと職業訓練の拡充",
            "description": "令和8年度からの国の新たな支援の枠組みに合わせ、在職者も受講しやすい夜間・オンラインの訓練を拡充する。",
            "responsible": [orgs.labour_bureau, orgs.prefecture],
            "schedule": [2026],
            "budget": 15000,
            "kpis": kpi(0),
        }))?,
    )
    .await?;
    plan = plans::publish(
        state,
        coordinator,
        plan.id,
        input(json!({
            "version": plan.version,
            "note": "計画期間を令和8年度まで延長し、リスキリングの事業を追加（令和7年度第2回協議会で承認）",
        }))?,
    )
    .await?;

    // Progress: the secretariat's reports, and 青森市's own for its item.
    let reports = [
        (
            0,
            "in_progress",
            "令和6年度は専門窓口で812人を支援、うち正規雇用で就職324人。",
        ),
        (1, "in_progress", "経済団体の会報で年2回周知。"),
        (2, "in_progress", "令和6年度の参加者21人、うち就職9人。"),
        (
            3,
            "stopped",
            "サポステの事業再編により令和5年度で終了。市の相談窓口が引き継いだ。",
        ),
        (
            5,
            "done",
            "支援情報の特設ページを公開し、各市町村窓口にリーフレットを配布。",
        ),
    ];
    for (i, status, note) in reports {
        plans::report_progress(
            state,
            coordinator,
            plan.id,
            item_ids[i],
            input(json!({ "status": status, "note": note, "version": 0 }))?,
        )
        .await?;
    }
    plans::report_progress(
        state,
        people.get(AOMORI_CITY),
        plan.id,
        item_ids[4],
        input(json!({
            "status": "in_progress",
            "note": "居場所の開所日を週2日から週3日に拡大。家族会との共催で相談会を年4回開催。",
            "version": 0,
        }))?,
    )
    .await?;
    Ok(())
}
