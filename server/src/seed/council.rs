//! The council's own figures in the Aomori demo (issue: plan, KPIs, inquiries): three KPIs
//! of the second-stage plan (令和5–7年度, extended to 令和8年度) with the shares the
//! organisations reported for 令和5 and 令和6年度 (published), and 令和7年度 partly
//! reported (not yet published, so the secretariat has something to do); one KPI is
//! behind its target. Written through the same domain functions as the API, as the demo
//! users themselves.

use serde_json::json;
use uuid::Uuid;

use super::activity::{input, People, AOMORI_CITY, COORDINATOR, DEPUTY, HACHINOHE, HIROSAKI};
use crate::http::ApiResult;
use crate::kpis;
use crate::state::AppState;

/// The organisations the demo KPIs add up, by name.
#[derive(Clone, Copy)]
pub struct Contributors {
    pub labour_bureau: Uuid,
    pub prefecture: Uuid,
    pub aomori_city: Uuid,
    pub hachinohe: Uuid,
    pub hirosaki: Uuid,
}

/// Returns the placements KPI (就職者数), which the demo inquiry feeds.
pub async fn kpis(state: &AppState, people: &People, orgs: Contributors) -> ApiResult<Uuid> {
    let coordinator = people.get(COORDINATOR);
    let Contributors {
        labour_bureau,
        prefecture,
        aomori_city,
        hachinohe,
        hirosaki,
    } = orgs;

    // An outcome KPI, cumulative over the period: 青森労働局's placements into regular
    // work plus the prefecture's own (as the plan counts them).
    let regular = kpis::create(
        state,
        coordinator,
        input(json!({
            "name": "就職氷河期世代の正規雇用者数（累計）",
            "definition": "ハローワークの紹介により正規雇用で就職した就職氷河期世代（35〜54歳）の数と、県の就職支援事業を通じた正規雇用就職者数の合計。計画期間の累計。",
            "unit": "人",
            "kind": "outcome",
            "direction": "higher_is_better",
            "accumulation": "cumulative",
            "periodicity": "fiscal_year",
            "baseline": 3620,
            "baseline_fiscal_year": 2022,
            "period_start": 2023,
            "period_end": 2026,
            "period_target": 4000,
            "source": "青森労働局 職業安定業務統計、県商工労働部 事業実績",
            "contributors": [labour_bureau, prefecture],
            "at_risk_percent": 90,
        }))?,
    )
    .await?;
    // An output KPI with a target per 年度: placements through the three cities'
    // welfare-to-work support and Hello Work.
    let placements = kpis::create(
        state,
        coordinator,
        input(json!({
            "name": "生活困窮者等の就労支援による就職者数",
            "definition": "福祉と就労の一体的支援（生活困窮者自立支援事業、ハローワークとの連携）を通じて就職した就職氷河期世代の数。年度ごと。",
            "unit": "人",
            "kind": "output",
            "direction": "higher_is_better",
            "accumulation": "annual",
            "periodicity": "fiscal_year",
            "period_start": 2023,
            "period_end": 2026,
            "fiscal_year_targets": [
                {"fiscal_year": 2023, "target": 240},
                {"fiscal_year": 2024, "target": 260},
                {"fiscal_year": 2025, "target": 280},
                {"fiscal_year": 2026, "target": 300}
            ],
            "source": "各市 自立相談支援機関の支援実績",
            "contributors": [aomori_city, hachinohe, hirosaki],
            "at_risk_percent": 90,
        }))?,
    )
    .await?;
    // Behind target: places for work experience found by the cities.
    let places = kpis::create(
        state,
        coordinator,
        input(json!({
            "name": "就労体験・職場見学の受入事業所数（累計）",
            "definition": "各市が開拓し、就労体験または職場見学を受け入れた事業所の数（延べではなく実数）。計画期間の累計。",
            "unit": "事業所",
            "kind": "output",
            "direction": "higher_is_better",
            "accumulation": "cumulative",
            "periodicity": "fiscal_year",
            "period_start": 2023,
            "period_end": 2026,
            "period_target": 200,
            "source": "各市の業務記録",
            "contributors": [aomori_city, hachinohe, hirosaki],
            "at_risk_percent": 90,
        }))?,
    )
    .await?;
    for kpi in [&regular, &placements, &places] {
        kpis::publish(state, coordinator, kpi.id).await?;
    }

    // (KPI, who enters, for which organisation, 年度, figure, note)
    let shares = [
        (regular.id, COORDINATOR, labour_bureau, 2023, 842.0, ""),
        (regular.id, DEPUTY, prefecture, 2023, 131.0, ""),
        (regular.id, COORDINATOR, labour_bureau, 2024, 901.0, ""),
        (
            regular.id,
            DEPUTY,
            prefecture,
            2024,
            148.0,
            "県事業の対象を45歳以上に拡大",
        ),
        (
            regular.id,
            COORDINATOR,
            labour_bureau,
            2025,
            455.0,
            "上半期（4〜9月）の速報値",
        ),
        (placements.id, AOMORI_CITY, aomori_city, 2023, 118.0, ""),
        (placements.id, HACHINOHE, hachinohe, 2023, 76.0, ""),
        (placements.id, HIROSAKI, hirosaki, 2023, 52.0, ""),
        (placements.id, AOMORI_CITY, aomori_city, 2024, 121.0, ""),
        (placements.id, HACHINOHE, hachinohe, 2024, 80.0, ""),
        (
            placements.id,
            HIROSAKI,
            hirosaki,
            2024,
            49.0,
            "相談員1名欠員",
        ),
        (places.id, AOMORI_CITY, aomori_city, 2023, 21.0, ""),
        (places.id, HACHINOHE, hachinohe, 2023, 14.0, ""),
        (places.id, HIROSAKI, hirosaki, 2023, 9.0, ""),
        (places.id, AOMORI_CITY, aomori_city, 2024, 17.0, ""),
        (
            places.id,
            HACHINOHE,
            hachinohe,
            2024,
            12.0,
            "農業法人2社が新たに受入",
        ),
        (places.id, HACHINOHE, hachinohe, 2025, 6.0, "上半期"),
    ];
    for (kpi, who, organisation, year, value, note) in shares {
        kpis::enter_actual(
            state,
            people.get(who),
            kpi,
            input(json!({
                "organisation_id": organisation,
                "fiscal_year": year,
                "value": value,
                "note": note,
            }))?,
        )
        .await?;
    }
    for kpi in [&regular, &placements, &places] {
        for year in [2023, 2024] {
            kpis::publish_actuals(
                state,
                coordinator,
                kpi.id,
                input(json!({"fiscal_year": year}))?,
            )
            .await?;
        }
    }
    Ok(placements.id)
}

/// An inquiry (照会) of the secretariat to the three cities about the first half of this
/// 年度, half answered: 八戸市 submitted (waiting for the secretariat to accept), 青森市
/// saved a draft, 弘前市 has not opened it yet. Its deadline is ten days ahead of the day
/// the demo is loaded, so it is never overdue on a fresh demo. Its first question is linked
/// to the placements KPI's share for this 年度 (the last of the plan period once past it):
/// accepting 八戸市's answer enters 八戸市's figure.
pub async fn inquiries(
    state: &AppState,
    people: &People,
    orgs: Contributors,
    placements: Uuid,
) -> ApiResult<()> {
    use crate::inquiries;
    let coordinator = people.get(COORDINATOR);
    let today = app::wareki::japan_today(chrono::Utc::now());
    let deadline = today + chrono::Days::new(10);
    let fiscal_year = app::wareki::FiscalYear::of(today).0.clamp(2023, 2026);
    let inquiry = inquiries::create(
        state,
        coordinator,
        input(json!({
            "title": "上半期の就労支援実績の照会",
            "instructions": "4月から9月までの実績を、各市の業務記録からご回答ください。\n\
                             人数は延べではなく実人数でお願いします。回答は県のKPI（就職者数）の集計に使います。",
            "deadline": deadline.to_string(),
            "questions": [
                {"label": "就労支援による就職者数（実人数）", "kind": "number", "unit": "人", "required": true},
                {"label": "就労体験の受け入れ事業所数", "kind": "number", "unit": "事業所"},
                {"label": "当事者向けセミナーの実施", "kind": "choice",
                 "choices": ["実施済み", "下半期に予定", "予定なし"], "required": true},
                {"label": "取組の成果と課題", "kind": "text"},
            ],
            "addressees": [orgs.aomori_city, orgs.hachinohe, orgs.hirosaki],
            "kpi_share": {"kpi_id": placements, "fiscal_year": fiscal_year, "question": 0},
        }))?,
    )
    .await?;
    inquiries::send(state, coordinator, inquiry.id).await?;
    // 八戸市 opens it, saves a draft, and submits it.
    let hachinohe = people.get(HACHINOHE);
    let opened = inquiries::get(state, hachinohe, inquiry.id).await?;
    let version = opened.answers.first().map(|a| a.version).unwrap_or(1);
    let answered = inquiries::answer(
        state,
        hachinohe,
        inquiry.id,
        orgs.hachinohe,
        input(json!({
            "answers": ["38", "12", "実施済み",
                        "農業法人での就労体験が定着につながった。交通手段のない地域への支援が課題。"],
            "submit": true,
            "version": version,
        }))?,
    )
    .await?;
    debug_assert!(answered
        .answers
        .iter()
        .all(|a| a.organisation_id == orgs.hachinohe));
    // 青森市 saves what it has so far.
    let aomori = people.get(AOMORI_CITY);
    let opened = inquiries::get(state, aomori, inquiry.id).await?;
    let version = opened.answers.first().map(|a| a.version).unwrap_or(1);
    inquiries::answer(
        state,
        aomori,
        inquiry.id,
        orgs.aomori_city,
        input(json!({
            "answers": ["51", "", "下半期に予定", ""],
            "submit": false,
            "version": version,
        }))?,
    )
    .await?;
    Ok(())
}
