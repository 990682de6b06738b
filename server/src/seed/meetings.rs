//! Council meetings in the demo (issue: meetings, proposals, needs): あおもりPF held its
//! two meetings of the previous 年度 (so the compliance summary shows last year met and
//! this year still owed), and one is planned in the current 年度. The held meetings'
//! attendance was recorded by the secretariat afterwards, one member attending by proxy;
//! the planned one is answered by the organisations themselves. Agenda items link the
//! placements KPI and the answered proposal. Written through the same domain functions
//! as the API, as the demo users themselves.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;

use app::proposals::ProposalState;
use app::wareki::{japan_today, FiscalYear};

use super::activity::{input, People, AOMORI_CITY, COORDINATOR, KEIEISHA};
use crate::http::{ApiError, ApiResult};
use crate::meetings;
use crate::state::AppState;

/// 14:00 Japan time on a date, as an RFC 3339 instant.
fn at_two_pm(date: NaiveDate) -> String {
    let japan = chrono::FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    japan
        .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(14, 0, 0).expect("14:00")))
        .single()
        .expect("a fixed offset has one local time")
        .to_rfc3339()
}

fn ends(date: NaiveDate) -> String {
    let japan = chrono::FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    japan
        .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(16, 0, 0).expect("16:00")))
        .single()
        .expect("a fixed offset has one local time")
        .to_rfc3339()
}

pub async fn meetings(state: &AppState, people: &People, placements: Uuid) -> ApiResult<()> {
    let coordinator = people.get(COORDINATOR);
    let missing = |e: crate::admin::AdminError| ApiError::Internal(e.to_string());
    let aomori = crate::admin::platform_by_slug(&state.db, "aomori")
        .await
        .map_err(missing)?
        .id;
    let mut ids = Vec::new();
    for name in [
        "青森県 健康福祉部",
        "青森市",
        "八戸市",
        "日本労働組合総連合会青森県連合会",
    ] {
        ids.push(
            crate::admin::organisation_by_name(&state.db, name)
                .await
                .map_err(missing)?
                .id,
        );
    }
    let [liaison, aomori_city, hachinohe, rengo] = ids[..] else {
        return Err(ApiError::Internal("four organisations".into()));
    };
    let answered = crate::proposals::list(state, coordinator)
        .await?
        .into_iter()
        .find(|p| p.state == ProposalState::Answered)
        .map(|p| p.id);

    let today = japan_today(state.config.now());
    let this_year = FiscalYear::of(today);
    let last_year = FiscalYear(this_year.0 - 1);
    let first = last_year.start() + Duration::days(105);
    let second = last_year.end() - Duration::days(45);
    for (date, title, kind) in [
        (first, "令和{}年度 第1回 協議会", "regular"),
        (second, "令和{}年度 第2回 協議会", "regular"),
    ] {
        let title = title.replacen("{}", &(last_year.0 - 2018).to_string(), 1);
        let meeting = meetings::create(
            state,
            coordinator,
            input(json!({
                "platform_id": aomori,
                "title": title,
                "kind": kind,
                "starts_at": at_two_pm(date),
                "ends_at": ends(date),
                "place": "青森合同庁舎 2階 大会議室",
                "agenda": [
                    {"title": "KPIの進捗（正社員就職者数）", "presenter_organisation_id": liaison,
                     "kpi_id": placements},
                    {"title": "市町村プラットフォームの取組報告", "presenter_organisation_id": aomori_city},
                    {"title": "意見交換"},
                ],
            }))?,
        )
        .await?;
        // Recorded by the secretariat after the meeting: organisations answer only
        // before it starts.
        for (org, answer, proxy) in [
            (aomori_city, "attending", None),
            (hachinohe, "absent", None),
            (rengo, "proxy", Some(liaison)),
        ] {
            meetings::answer(
                state,
                coordinator,
                meeting.id,
                input(json!({"organisation_id": org, "attendance": answer,
                             "proxy_organisation_id": proxy}))?,
            )
            .await?;
        }
        meetings::step(
            state,
            coordinator,
            meeting.id,
            input(json!({"version": meeting.version, "action": "hold"}))?,
        )
        .await?;
    }

    // This year's first: a month ahead, inside the 年度.
    let date = (today + Duration::days(30)).min(this_year.end());
    let mut agenda = vec![json!({"title": "KPIの進捗（正社員就職者数）", "kpi_id": placements})];
    if let Some(proposal) = answered {
        agenda.push(
            json!({"title": "政策提案への回答（民生委員調査の共通様式）",
                           "presenter_organisation_id": liaison, "proposal_id": proposal}),
        );
    }
    agenda.push(json!({"title": "次年度の事業実施計画について"}));
    let planned = meetings::create(
        state,
        coordinator,
        input(json!({
            "platform_id": aomori,
            "title": format!("令和{}年度 第1回 協議会", this_year.0 - 2018),
            "kind": "regular",
            "starts_at": at_two_pm(date),
            "ends_at": ends(date),
            "place": "青森合同庁舎 2階 大会議室",
            "online_url": "https://meet.example.jp/aomori-pf",
            "agenda": agenda,
        }))?,
    )
    .await?;
    if planned.starts_at > Utc::now() {
        for (who, answer, proxy) in [
            (KEIEISHA, "attending", None),
            (AOMORI_CITY, "proxy", Some(liaison)),
        ] {
            meetings::answer(
                state,
                people.get(who),
                planned.id,
                input(json!({"attendance": answer, "proxy_organisation_id": proxy}))?,
            )
            .await?;
        }
    }
    Ok(())
}
