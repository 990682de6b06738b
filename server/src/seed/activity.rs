//! The Aomori demo as it looks in the middle of a council year (issue: the first hour):
//! liaison threads between the prefecture and the three cities with messages, mentions
//! and read receipts; outreach requests in every state, one of them overdue; thirty good
//! practices from the generator, some featured, adopted and commented on; notifications
//! waiting. Everything is written through the same domain functions the API calls, as
//! the demo users themselves, so the policy layer checks it, the change log carries it and
//! every page and device shows it exactly as it would show their own work.

use chrono::Duration;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

use app::outreach::{OutreachAction, Transition};

use crate::admin;
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::practice_generator::PracticeGenerator;
use crate::state::AppState;
use crate::{outreach, practices, threads};

pub(super) const COORDINATOR: &str = "coordinator@aomori.example";
pub(super) const DEPUTY: &str = "shoko-rodo@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
pub(super) const AOMORI_CITY: &str = "aomori-city@aomori.example";
pub(super) const HACHINOHE: &str = "hachinohe@aomori.example";
pub(super) const HIROSAKI: &str = "hirosaki@aomori.example";
pub(super) const KEIEISHA: &str = "keieisha@aomori.example";
const SHOKOKAI: &str = "shokokai@aomori.example";

/// How many generated practices the demo library holds.
pub const PRACTICES: usize = 30;

/// A value of an API input type from its JSON, as a client would send it: the inputs'
/// own bounded types check it exactly as they check a request.
pub(super) fn input<T: DeserializeOwned>(value: Value) -> ApiResult<T> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::Internal(format!("a demo input does not parse: {e}")))
}

/// Which part of the demo a refusal came from (a bug in this file, or a rule that changed).
fn in_part(part: &str, e: ApiError) -> ApiError {
    ApiError::Internal(format!("{part}: {e}"))
}

/// The demo users, as the server would resolve them at sign-in.
pub(super) struct People {
    actors: Vec<(&'static str, Actor)>,
}

impl People {
    async fn load(state: &AppState) -> ApiResult<People> {
        let mut actors = Vec::new();
        for (email, _, _, _) in super::DEMO_USERS {
            let user = admin::user_by_email(&state.db, email)
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let actor = Actor::load(&state.db, user.id, String::new())
                .await?
                .ok_or_else(|| ApiError::Internal(format!("{email} cannot act")))?;
            actors.push((*email, actor));
        }
        Ok(People { actors })
    }

    pub(super) fn get(&self, email: &str) -> &Actor {
        &self
            .actors
            .iter()
            .find(|(e, _)| *e == email)
            .expect("every demo user is loaded")
            .1
    }
}

/// Fills an empty demo (just after [`super::demo`]) with a half-year's work.
pub async fn mid_year(state: &AppState) -> ApiResult<()> {
    let people = People::load(state).await?;
    let platform = |slug: &'static str| async move {
        admin::platform_by_slug(&state.db, slug)
            .await
            .map(|p| p.id)
            .map_err(|e| ApiError::Internal(e.to_string()))
    };
    let organisation = |name: &'static str| async move {
        admin::organisation_by_name(&state.db, name)
            .await
            .map(|o| o.id)
            .map_err(|e| ApiError::Internal(e.to_string()))
    };
    let aomori = platform("aomori").await?;
    let aomori_city = platform("aomori-city").await?;
    let hachinohe = platform("hachinohe").await?;
    let hirosaki = platform("hirosaki").await?;
    let keieisha = organisation("一般社団法人 青森県経営者協会").await?;
    let shokokai = organisation("青森県商工会連合会").await?;

    let platforms = [aomori, aomori_city, hachinohe, hirosaki];
    liaison_threads(state, &people, platforms, keieisha)
        .await
        .map_err(|e| in_part("liaison threads", e))?;
    outreach_requests(state, &people, keieisha, shokokai)
        .await
        .map_err(|e| in_part("outreach requests", e))?;
    good_practices(state, &people, platforms)
        .await
        .map_err(|e| in_part("good practices", e))?;
    let contributors = super::council::Contributors {
        labour_bureau: organisation("青森労働局").await?,
        prefecture: organisation("青森県 商工労働部").await?,
        aomori_city: organisation("青森市").await?,
        hachinohe: organisation("八戸市").await?,
        hirosaki: organisation("弘前市").await?,
    };
    let placements = super::council::kpis(state, &people, contributors)
        .await
        .map_err(|e| in_part("KPIs", e))?;
    super::council::inquiries(state, &people, contributors, placements)
        .await
        .map_err(|e| in_part("inquiries", e))?;
    // The plan's items serve the placements KPI and the regular-employment one.
    let regular = crate::kpis::list(state, people.get(COORDINATOR))
        .await?
        .into_iter()
        .find(|k| k.definition.name.contains("正規雇用"))
        .map(|k| k.id);
    let served: Vec<Uuid> = std::iter::once(placements).chain(regular).collect();
    super::plan::plan(state, &people, contributors, &served)
        .await
        .map_err(|e| in_part("implementation plan", e))?;
    super::proposals::proposals(state, &people)
        .await
        .map_err(|e| in_part("policy proposals", e))?;
    super::meetings::meetings(state, &people, placements)
        .await
        .map_err(|e| in_part("council meetings", e))?;
    Ok(())
}

async fn liaison_threads(
    state: &AppState,
    people: &People,
    [aomori, aomori_city, hachinohe, hirosaki]: [Uuid; 4],
    keieisha: Uuid,
) -> ApiResult<()> {
    // The council's own thread: the secretariat and the three cities.
    let council = threads::create(
        state,
        people.get(COORDINATOR),
        input(json!({
            "subject": "第2回協議会（10月）の議題と各市の報告事項",
            "platform_ids": [aomori, aomori_city, hachinohe, hirosaki],
            "body": "第2回協議会の議題案を共有します。各市の上半期の取組状況（相談件数、就労体験の受け入れ先数）を10月10日までにお知らせください。",
        }))?,
    )
    .await?;
    let mut last = None;
    for (who, body) in [
        (AOMORI_CITY, "青森市です。上半期の相談件数と就労体験の受け入れ先数をまとめました。資料は来週お送りします。"),
        (HACHINOHE, "八戸市です。@coordinator 就労体験の受け入れ先が2社増えましたので、協議会で紹介させてください。"),
        (LIAISON, "健康福祉部です。ひきこもり地域支援センターとの連携状況も議題に加えていただけますか。"),
        (COORDINATOR, "承知しました。議題の3番目に「福祉分野との連携」を加えます。@hirosaki 弘前市の報告事項もお待ちしています。"),
    ] {
        last = Some(threads::post_message(state, people.get(who), council.id, body).await?);
    }
    // Most have read the thread; 弘前市 has not yet (its mention waits for it).
    if let Some(last) = &last {
        for who in [AOMORI_CITY, HACHINOHE, LIAISON, COORDINATOR] {
            threads::mark_read(state, people.get(who), council.id, last.id).await?;
        }
    }

    // 八戸市 with the employers' association about work-experience places.
    let places = threads::create(
        state,
        people.get(HACHINOHE),
        input(json!({
            "subject": "就労体験の受け入れ企業の紹介（八戸市）",
            "platform_ids": [aomori, hachinohe],
            "organisation_ids": [keieisha],
            "body": "八戸市内で短時間の就労体験を受け入れていただける企業をご紹介いただけないでしょうか。製造業・物流を希望しています。",
        }))?,
    )
    .await?;
    for (who, body) in [
        (KEIEISHA, "経営者協会です。会員企業に照会し、2社から前向きな回答をいただきました。条件を整理してお知らせします。"),
        (COORDINATOR, "ありがとうございます。正式な依頼は「働きかけ・受け入れ先開拓の依頼」で事務局から回付します。"),
        (HACHINOHE, "承知しました。@keieisha 依頼を作成しましたら、よろしくお願いいたします。"),
    ] {
        threads::post_message(state, people.get(who), places.id, body).await?;
    }

    // 弘前市 asks the secretariat; answered and resolved.
    let leaflet = threads::create(
        state,
        people.get(HIROSAKI),
        input(json!({
            "subject": "相談窓口の周知用チラシの様式について",
            "platform_ids": [aomori, hirosaki],
            "body": "県で作成された周知用チラシの様式を、弘前市の窓口情報に差し替えて使ってもよいでしょうか。",
        }))?,
    )
    .await?;
    let answer = threads::post_message(
        state,
        people.get(DEPUTY),
        leaflet.id,
        "商工労働部です。差し替えてお使いください。印刷前の原稿を一度お送りいただければ確認します。",
    )
    .await?;
    threads::mark_read(state, people.get(HIROSAKI), leaflet.id, answer.id).await?;
    Ok(())
}

/// A request as `requester` drafts it: `kind`, `title`, for `area`, its deadline `days` from
/// today (Japan time; negative: already passed).
async fn draft(
    state: &AppState,
    requester: &Actor,
    (kind, title, area, days): (&str, &str, &str, i64),
) -> ApiResult<Uuid> {
    let deadline = app::wareki::japan_today(chrono::Utc::now()) + Duration::days(days);
    let body = json!({
        "kind": kind,
        "title": title,
        "description": "就職氷河期世代の方の就労に向けて、受け入れにご協力いただける事業所を探しています。",
        "target_groups": ["long_term_unemployed", "unstable_employment"],
        "area": area,
        "profile": {
            "age_band": "45-49",
            "desired_work": "軽作業・事務補助",
            "hours": "週20時間",
            "accommodations": ["short_hours", "written_instructions"],
            "start": "令和9年1月",
            "people": 2
        },
        "deadline": deadline.to_string(),
    });
    Ok(outreach::create(state, requester, input(body)?).await?.id)
}

/// `who` takes one step of request `id`; `extra`: the step's other fields.
async fn take(
    state: &AppState,
    who: &Actor,
    id: Uuid,
    action: OutreachAction,
    extra: Value,
) -> ApiResult<()> {
    let mut body = json!({ "action": action.as_str() });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    outreach::transition(state, who, id, input::<Transition>(body)?).await?;
    Ok(())
}

/// A request drafted and sent to the secretariat by `requester` (see [`draft`]).
async fn submitted(
    state: &AppState,
    requester: &Actor,
    spec: (&str, &str, &str, i64),
) -> ApiResult<Uuid> {
    let id = draft(state, requester, spec).await?;
    take(state, requester, id, OutreachAction::Submit, json!({})).await?;
    Ok(id)
}

/// A request sent by `requester` and routed by `secretariat` to `organisations`.
async fn routed(
    state: &AppState,
    (requester, secretariat): (&Actor, &Actor),
    spec: (&str, &str, &str, i64),
    organisations: Value,
) -> ApiResult<Uuid> {
    let id = submitted(state, requester, spec).await?;
    let mut route = json!({ "organisation_ids": organisations });
    if organisations.as_array().is_some_and(|o| o.len() > 1) {
        route["comment"] = json!("両団体に照会をお願いします。");
    }
    take(state, secretariat, id, OutreachAction::Route, route).await?;
    Ok(id)
}

async fn outreach_requests(
    state: &AppState,
    people: &People,
    keieisha: Uuid,
    shokokai: Uuid,
) -> ApiResult<()> {
    use OutreachAction::{Acknowledge, Close, Decline, Withdraw};
    let (coordinator, city, hachinohe, hirosaki) = (
        people.get(COORDINATOR),
        people.get(AOMORI_CITY),
        people.get(HACHINOHE),
        people.get(HIROSAKI),
    );
    let (employers, commerce) = (people.get(KEIEISHA), people.get(SHOKOKAI));

    // A draft, not yet sent.
    let spec = ("connection", "介護分野の職場見学先（下書き）", "青森市", 60);
    draft(state, city, spec).await?;

    // Submitted: waiting for the secretariat to route it (the coordinator's to-do).
    let spec = (
        "recruitment_event",
        "合同企業説明会への出展企業の募集",
        "八戸市",
        45,
    );
    submitted(state, hachinohe, spec).await?;

    // Routed to both organisations, deadline passed: overdue.
    let spec = (
        "placement_development",
        "短時間勤務が可能な事務補助の受け入れ先",
        "弘前市",
        -10,
    );
    routed(
        state,
        (hirosaki, coordinator),
        spec,
        json!([keieisha, shokokai]),
    )
    .await?;

    // Answered by the employers' association.
    let spec = (
        "placement_development",
        "製造業での就労体験の受け入れ",
        "八戸市",
        30,
    );
    let r = routed(state, (hachinohe, coordinator), spec, json!([keieisha])).await?;
    take(state, employers, r, Acknowledge, json!({})).await?;
    outreach::respond(
        state,
        employers,
        r,
        input(json!({
            "body": "会員企業2社が受け入れ可能です。いずれも週3日からの体験に対応できます。",
            "placements_offered": 2,
            "companies": [{"name": "八戸精密工業株式会社", "sector": "製造業", "area": "八戸市"},
                          {"name": "株式会社三八ロジスティクス", "sector": "物流", "area": "八戸市"}],
            "next_steps": "企業見学の日程を調整します。"
        }))?,
    )
    .await?;

    // Closed with placements, by the city that asked.
    let spec = (
        "placement_development",
        "小売店での品出し業務の受け入れ",
        "青森市",
        -30,
    );
    let r = routed(state, (city, coordinator), spec, json!([shokokai])).await?;
    let answer = json!({"body": "会員の小売店3店舗が受け入れ可能です。", "placements_offered": 3});
    outreach::respond(state, commerce, r, input(answer)?).await?;
    let outcome =
        json!({"outcome": {"placements": 2, "note": "2名が就労体験を経て採用されました。"}});
    take(state, city, r, Close, outcome).await?;

    // Declined by the association of commerce.
    let spec = (
        "accommodation",
        "障害特性に配慮した職場環境づくりの相談",
        "弘前市",
        20,
    );
    let r = routed(state, (hirosaki, coordinator), spec, json!([shokokai])).await?;
    let reason = json!({"comment": "今回は会員内で対応できる事業所がありませんでした。"});
    take(state, commerce, r, Decline, reason).await?;

    // Withdrawn by the city that asked.
    let spec = (
        "recruitment_event",
        "冬季の合同面接会（中止）",
        "青森市",
        15,
    );
    let r = submitted(state, city, spec).await?;
    let reason = json!({"comment": "会場の都合で開催を見送ります。"});
    take(state, city, r, Withdraw, reason).await?;
    Ok(())
}

async fn good_practices(
    state: &AppState,
    people: &People,
    [aomori, aomori_city, hachinohe, hirosaki]: [Uuid; 4],
) -> ApiResult<()> {
    let authors = [
        (COORDINATOR, aomori, None),
        (AOMORI_CITY, aomori_city, Some("青森市")),
        (HACHINOHE, hachinohe, Some("八戸市")),
        (HIROSAKI, hirosaki, Some("弘前市")),
    ];
    let mut generator = PracticeGenerator::new(2026, chrono::Utc::now());
    let mut published = Vec::new();
    for i in 0..PRACTICES {
        let (who, platform, home) = authors[i % authors.len()];
        let content = generator.practice(home).content;
        let mut body = serde_json::to_value(&content)
            .map_err(|e| ApiError::Internal(format!("a generated practice: {e}")))?;
        body["platform_id"] = json!(platform);
        let practice = practices::create(state, people.get(who), input(body)?).await?;
        if app::practices::shared_beyond_platform(practice.status, practice.visibility) {
            published.push((practice.id, practice.platform_id));
        }
    }
    // The secretariat features a few of those shared with the network; cities adopt and
    // comment on others'.
    let coordinator = people.get(COORDINATOR);
    for (id, _) in published.iter().take(3) {
        practices::feature(state, coordinator, *id, true).await?;
    }
    let mut adopted = 0;
    for (id, from) in &published {
        if adopted == 3 {
            break;
        }
        let (who, platform) = match adopted {
            0 => (HACHINOHE, hachinohe),
            1 => (HIROSAKI, hirosaki),
            _ => (AOMORI_CITY, aomori_city),
        };
        // A platform does not adopt its own practice.
        if *from == platform {
            continue;
        }
        let adopter = people.get(who);
        practices::adopt(
            state,
            adopter,
            *id,
            input(
                json!({"note": "来年度の事業計画に取り入れる予定です。", "platform_id": platform}),
            )?,
        )
        .await?;
        practices::comment(
            state,
            adopter,
            *id,
            input(json!({"body": "実施にあたっての課題があれば教えてください。"}))?,
        )
        .await?;
        adopted += 1;
    }
    Ok(())
}
