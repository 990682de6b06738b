//! Policy proposals in the demo (issue: meetings, proposals, needs): three proposals to the
//! Aomori secretariat in different states. 青森市's was answered (partly adopted) and the
//! answer published to the network; the employers' association's is under review, with
//! the secretariat's own note; 八戸市's has just been submitted. Written through the same
//! domain functions as the API, as the demo users themselves.

use serde_json::json;

use super::activity::{input, People, AOMORI_CITY, COORDINATOR, HACHINOHE, KEIEISHA};
use crate::http::ApiResult;
use crate::proposals;
use crate::state::AppState;

pub async fn proposals(state: &AppState, people: &People) -> ApiResult<()> {
    let coordinator = people.get(COORDINATOR);

    let answered = proposals::create(
        state,
        people.get(AOMORI_CITY),
        input(json!({
            "title": "長期無業者の把握に使う民生委員調査の共通様式",
            "background": "市町村ごとに調査の項目と時期が異なり、県全体の状況を比べられない。青森市では令和6年度に独自様式で調査したが、近隣町村との比較ができなかった。",
            "proposal": "県が民生委員調査の共通様式（対象年齢、把握する項目、集計の単位）を示し、市町村プラットフォームが同じ様式で把握できるようにすること。集計は市町村単位の人数のみとし、個人が特定されないようにすること。",
            "target_groups": ["long_term_unemployed", "social_participation"],
        }))?,
    )
    .await?;
    let answered = proposals::step(
        state,
        coordinator,
        answered.id,
        input(json!({"version": answered.version, "action": "review"}))?,
    )
    .await?;
    proposals::step(
        state,
        coordinator,
        answered.id,
        input(json!({
            "version": answered.version,
            "action": "answer",
            "outcome": "partly_adopted",
            "answer": "共通様式は令和8年度の把握から健康福祉部が示します（集計は市町村単位の人数のみ）。調査の時期は市町村の実情に合わせ、統一しません。協議会で様式案を報告します。",
            "publish_answer": true,
        }))?,
    )
    .await?;

    let reviewing = proposals::create(
        state,
        people.get(KEIEISHA),
        input(json!({
            "title": "正社員として採用した企業への県独自の奨励金",
            "background": "国の特定求職者雇用開発助成金は要件が複雑で、県内の中小企業の利用が少ない。",
            "proposal": "就職氷河期世代を正社員として採用し、1年以上定着した県内中小企業に、県独自の奨励金を支給すること。申請は商工団体を通じて一括で受け付けること。",
            "target_groups": ["unstable_employment"],
        }))?,
    )
    .await?;
    let reviewing = proposals::step(
        state,
        coordinator,
        reviewing.id,
        input(json!({"version": reviewing.version, "action": "review"}))?,
    )
    .await?;
    proposals::write_note(
        state,
        coordinator,
        reviewing.id,
        input(json!({
            "note_version": reviewing.note_version,
            "note": "商工労働部で予算要求の可否を確認中。次回協議会の議題候補。",
        }))?,
    )
    .await?;

    proposals::create(
        state,
        people.get(HACHINOHE),
        input(json!({
            "title": "市町村プラットフォーム合同のオンライン相談会",
            "proposal": "相談窓口の少ない町村の住民も利用できるよう、市町村プラットフォームが合同で月1回のオンライン相談会を開き、県プラットフォームが告知を支援すること。",
        }))?,
    )
    .await?;
    Ok(())
}
