//! Council meetings (協議の場, guidelines §5: 原則として年2回以上協議の場を設ける, more
//! when needed).
//!
//! The secretariat of a platform (its coordinators and administrators,
//! `Actor::meeting_secretariat_of`; prefectural or municipal) plans a meeting with its
//! agenda and invites organisations (by default every member and observer of the
//! platform). Each invited organisation answers for itself until the meeting starts;
//! afterwards only the secretariat corrects the answers, and the answer says so. The
//! secretariat marks the meeting held (once it has started) or cancelled, and reopens a
//! cancelled one. Who reads a meeting (`Scope::meeting_visible`): those working on the
//! platform and the users of the invited organisations; another network sees nothing
//! (404, and nothing in lists, counts or the feed).
//!
//! Compliance: per platform, the held meetings starting in the current 年度 (April to
//! March, Japan time, by the server's clock `Config::now`), against the two of §5.

pub mod ics;
pub mod routes;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, Standing};
use app::kpis::{FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR};
use app::meetings::{
    AgendaItem, AgendaItemInput, Attendance, AttendanceInput, Meeting, MeetingAction,
    MeetingCompliance, MeetingInvitation, MeetingKind, MeetingState, MeetingStep, MeetingUpdate,
    MeetingsPage, NewMeeting, MAX_AGENDA_ITEMS, MAX_MEETING_HOURS, MAX_MEETING_TEXT_CHARS,
    MAX_ONLINE_URL_CHARS, MEETINGS_PER_FISCAL_YEAR,
};
use app::notifications::NotificationKind;
use app::plans::{NamedRef, PlanItem};
use app::wareki::{japan_today, FiscalYear};

use crate::entities::{
    implementation_plan as plan, kpi, meeting, meeting_agenda_item as agenda_item,
    meeting_invitation as invitation, membership, policy_proposal as proposal, user,
};
use crate::http::boundary::name;
use crate::http::input::{parse_json, refuse_personal_data_in};
use crate::http::{ApiError, ApiResult};
use crate::kpis::edit_conflict;
use crate::notifications::{notify, About};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};

/// The most organisations a meeting invites: a prefectural network's whole member list
/// with room to spare.
const MAX_INVITED: usize = 500;

/// The instant a Japan date begins (Japan keeps +09:00 all year).
fn japan_midnight(date: chrono::NaiveDate) -> DateTime<Utc> {
    let japan = chrono::FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    japan
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .expect("a fixed offset has one local time")
        .with_timezone(&Utc)
}

/// The instants a 年度 starts and ends (exclusive): 1 April 00:00 and the next 1 April
/// 00:00, Japan time.
fn fiscal_year_bounds(year: FiscalYear) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        japan_midnight(year.start()),
        japan_midnight(FiscalYear(year.0 + 1).start()),
    )
}

/// Tells every reader of the meeting: those working on its platform (the secretariat
/// among them) and the users of the invited organisations. Each gets it as they may see
/// it, built for them by the feed.
async fn log_change(
    txn: &impl ConnectionTrait,
    row: &meeting::Model,
) -> Result<(), sea_orm::DbErr> {
    let organisations: Vec<Uuid> = invitation::Entity::find()
        .filter(invitation::Column::MeetingId.eq(row.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|i| i.organisation_id)
        .collect();
    let audience = Audience {
        platforms: vec![row.platform_id],
        organisations,
        ..Default::default()
    };
    sync::append(
        txn,
        ChangeKind::Meeting,
        row.id,
        ChangeOp::Upsert,
        &audience,
    )
    .await?;
    Ok(())
}

/// The meetings as `actor` sees them, with every name they show in a fixed number of
/// queries however many meetings there are.
async fn views(
    state: &AppState,
    actor: &Actor,
    rows: Vec<meeting::Model>,
) -> ApiResult<Vec<Meeting>> {
    let db = &state.db;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut invitations: HashMap<Uuid, Vec<invitation::Model>> = HashMap::new();
    for row in invitation::Entity::find()
        .filter(invitation::Column::MeetingId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        invitations.entry(row.meeting_id).or_default().push(row);
    }
    let mut agenda: HashMap<Uuid, Vec<agenda_item::Model>> = HashMap::new();
    for row in agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.is_in(ids.iter().copied()))
        .order_by_asc(agenda_item::Column::Position)
        .all(db)
        .await?
    {
        agenda.entry(row.meeting_id).or_default().push(row);
    }
    let platforms =
        crate::platforms::platform_names(db, rows.iter().map(|r| r.platform_id)).await?;
    let organisations = crate::platforms::organisation_names(
        db,
        invitations
            .values()
            .flatten()
            .flat_map(|i| std::iter::once(i.organisation_id).chain(i.proxy_organisation_id))
            .chain(
                agenda
                    .values()
                    .flatten()
                    .filter_map(|a| a.presenter_organisation_id),
            ),
    )
    .await?;
    let links = LinkNames::visible_to(state, actor, agenda.values().flatten()).await?;
    let now = state.config.now();
    let secretariat = actor.meeting_secretariat_of();
    let named = |names: &HashMap<Uuid, String>, id: Uuid| NamedRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut invited = invitations.remove(&row.id).unwrap_or_default();
            invited.sort_by(|a, b| {
                let name = |i: &invitation::Model| organisations.get(&i.organisation_id).cloned();
                name(a).cmp(&name(b))
            });
            let state = MeetingState::parse(&row.state).unwrap_or_default();
            let may_manage = secretariat.contains(&row.platform_id);
            let own_invited = invited
                .iter()
                .any(|i| i.organisation_id == actor.organisation.id);
            let may_answer_for =
                (own_invited && state == MeetingState::Planned && now < row.starts_at)
                    .then_some(actor.organisation.id);
            Meeting {
                id: row.id,
                platform: named(&platforms, row.platform_id),
                title: row.title,
                kind: MeetingKind::parse(&row.kind).unwrap_or_default(),
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                fiscal_year: FiscalYear::of(japan_today(row.starts_at)).0,
                place: row.place,
                online_url: row.online_url,
                state,
                version: u32::try_from(row.version).unwrap_or(0),
                invitations: invited
                    .into_iter()
                    .map(|i| MeetingInvitation {
                        organisation: named(&organisations, i.organisation_id),
                        attendance: Attendance::parse(&i.attendance).unwrap_or_default(),
                        proxy: i.proxy_organisation_id.map(|p| named(&organisations, p)),
                        answered_at: i.answered_at,
                        corrected_by_secretariat: i.corrected_by_secretariat,
                    })
                    .collect(),
                agenda: agenda
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| AgendaItem {
                        position: u32::try_from(a.position).unwrap_or(0),
                        title: a.title,
                        presenter: a
                            .presenter_organisation_id
                            .map(|p| named(&organisations, p)),
                        kpi: a.kpi_id.map(|id| named(&links.kpis, id)),
                        plan_id: a.plan_id,
                        plan_item: a.plan_item_id.map(|id| named(&links.plan_items, id)),
                        proposal: a.proposal_id.map(|id| named(&links.proposals, id)),
                    })
                    .collect(),
                may_manage,
                may_answer_for: if may_manage {
                    may_answer_for.or(Some(actor.organisation.id))
                } else {
                    may_answer_for
                },
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        })
        .collect())
}

/// The names of the records agenda items link to, for those the reader may see: an
/// agenda is read by every invited organisation, and a proposal under review or a draft
/// KPI is not theirs to read, so its title is not shown to them through the agenda.
#[derive(Default)]
struct LinkNames {
    kpis: HashMap<Uuid, String>,
    plan_items: HashMap<Uuid, String>,
    proposals: HashMap<Uuid, String>,
}

impl LinkNames {
    async fn visible_to<'a>(
        state: &AppState,
        actor: &Actor,
        items: impl Iterator<Item = &'a agenda_item::Model>,
    ) -> ApiResult<LinkNames> {
        let items: Vec<&agenda_item::Model> = items.collect();
        let mut names = LinkNames::default();
        let scope = actor.scope(&state.db);
        let kpi_ids: BTreeSet<Uuid> = items.iter().filter_map(|a| a.kpi_id).collect();
        if !kpi_ids.is_empty() {
            for row in kpi::Entity::find()
                .filter(kpi::Column::Id.is_in(kpi_ids))
                .filter(scope.kpi_visible())
                .all(&state.db)
                .await?
            {
                names.kpis.insert(row.id, row.name);
            }
        }
        let proposal_ids: BTreeSet<Uuid> = items.iter().filter_map(|a| a.proposal_id).collect();
        if !proposal_ids.is_empty() {
            for row in proposal::Entity::find()
                .filter(proposal::Column::Id.is_in(proposal_ids))
                .filter(scope.proposal_visible())
                .all(&state.db)
                .await?
            {
                names.proposals.insert(row.id, row.title);
            }
        }
        let plan_ids: BTreeSet<Uuid> = items
            .iter()
            .filter(|a| a.plan_item_id.is_some())
            .filter_map(|a| a.plan_id)
            .collect();
        if !plan_ids.is_empty() {
            for row in plan::Entity::find()
                .filter(plan::Column::Id.is_in(plan_ids))
                .filter(scope.plan_visible())
                .all(&state.db)
                .await?
            {
                let plan_items: Vec<PlanItem> = parse_json(&row.items);
                for item in plan_items {
                    names.plan_items.insert(item.id, item.input.title);
                }
            }
        }
        Ok(names)
    }
}

/// One meeting as `actor` sees it.
async fn view(state: &AppState, actor: &Actor, row: meeting::Model) -> ApiResult<Meeting> {
    views(state, actor, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a view of one meeting is one meeting".into()))
}

/// The meetings the actor may read, newest first, and the compliance they may see.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<MeetingsPage> {
    let rows = meeting::Entity::find()
        .filter(actor.scope(&state.db).meeting_visible())
        .order_by_desc(meeting::Column::StartsAt)
        .order_by_desc(meeting::Column::Id)
        .all(&state.db)
        .await?;
    Ok(MeetingsPage {
        meetings: views(state, actor, rows).await?,
        compliance: compliance(state, actor).await?,
    })
}

/// For each platform whose count the actor may see (`Scope::meeting_compliance_platforms`):
/// the held meetings starting in the current 年度, Japan time, against the two of §5.
/// The prefectural platform first, then the municipal ones by name.
pub async fn compliance(state: &AppState, actor: &Actor) -> ApiResult<Vec<MeetingCompliance>> {
    let mut platforms = actor
        .scope(&state.db)
        .meeting_compliance_platforms()
        .await?;
    platforms
        .sort_by(|a, b| (a.parent_id.is_some(), &a.name).cmp(&(b.parent_id.is_some(), &b.name)));
    let year = FiscalYear::of(japan_today(state.config.now()));
    let (from, until) = fiscal_year_bounds(year);
    let mut held: HashMap<Uuid, u32> = HashMap::new();
    for row in meeting::Entity::find()
        .filter(meeting::Column::PlatformId.is_in(platforms.iter().map(|p| p.id)))
        .filter(meeting::Column::State.eq(MeetingState::Held.as_str()))
        .filter(meeting::Column::StartsAt.gte(from))
        .filter(meeting::Column::StartsAt.lt(until))
        .all(&state.db)
        .await?
    {
        *held.entry(row.platform_id).or_default() += 1;
    }
    Ok(platforms
        .into_iter()
        .map(|p| {
            let count = held.get(&p.id).copied().unwrap_or(0);
            MeetingCompliance {
                platform: NamedRef {
                    id: p.id,
                    name: p.name,
                },
                fiscal_year: year.0,
                held: count,
                required: MEETINGS_PER_FISCAL_YEAR,
                met: count >= MEETINGS_PER_FISCAL_YEAR,
            }
        })
        .collect())
}

/// One meeting, if the actor may read it (404 otherwise).
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Meeting> {
    let row = actor.scope(&state.db).meeting(id).await?;
    view(state, actor, row).await
}

/// The meeting as the sync feed sends it: what `get` answers.
pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Meeting> {
    get(state, actor, id).await
}

/// The details every write of a meeting checks, as they are saved.
struct Details {
    title: String,
    kind: MeetingKind,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    place: String,
    online_url: Option<String>,
}

fn invalid(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::invalid(code, message)
}

/// An instant a meeting may start or end at: in a 年度 the app takes (2000 to 2100), to
/// the second (the database keeps no more, and comparisons of stored text stay exact).
fn instant(field: &str, at: DateTime<Utc>) -> ApiResult<DateTime<Utc>> {
    let year = FiscalYear::of(japan_today(at)).0;
    if !(FIRST_FISCAL_YEAR..=LAST_FISCAL_YEAR).contains(&year) {
        return Err(invalid(
            "invalid_field",
            format!("`{field}`: a time in a 年度 from {FIRST_FISCAL_YEAR} to {LAST_FISCAL_YEAR}."),
        ));
    }
    Ok(Utc.timestamp_opt(at.timestamp(), 0).single().unwrap_or(at))
}

/// An online meeting's link: empty for none, otherwise an absolute `https://` URL with a
/// host and no user name or password (422 `invalid_url`), kept as the URL parser writes
/// it (spaces and non-ASCII percent-encoded).
fn online_url(value: &str) -> ApiResult<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let refused = || {
        invalid(
            "invalid_url",
            format!("`online_url`: an https:// link of at most {MAX_ONLINE_URL_CHARS} characters."),
        )
    };
    if value.chars().count() > MAX_ONLINE_URL_CHARS {
        return Err(refused());
    }
    let url = url::Url::parse(value).map_err(|_| refused())?;
    if url.scheme() != "https"
        || url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(refused());
    }
    let written = url.to_string();
    if written.chars().count() > MAX_ONLINE_URL_CHARS {
        return Err(refused());
    }
    Ok(Some(written))
}

fn checked_details(
    title: &str,
    kind: MeetingKind,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    place: &str,
    url: &str,
) -> ApiResult<Details> {
    let title = name("title", title, MAX_MEETING_TEXT_CHARS, true)?;
    let place = name("place", place, MAX_MEETING_TEXT_CHARS, false)?;
    let starts_at = instant("starts_at", starts_at)?;
    let ends_at = instant("ends_at", ends_at)?;
    if ends_at <= starts_at || ends_at - starts_at > Duration::hours(MAX_MEETING_HOURS) {
        return Err(invalid(
            "invalid_period",
            format!("`ends_at`: after `starts_at`, at most {MAX_MEETING_HOURS} hours later."),
        ));
    }
    Ok(Details {
        title,
        kind,
        starts_at,
        ends_at,
        place,
        online_url: online_url(url)?,
    })
}

/// The organisations of the platform's network (the prefectural platform and its municipal
/// ones): who may be invited or present an item.
async fn network_organisations(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
) -> ApiResult<(Uuid, BTreeSet<Uuid>)> {
    let root = sync::network_root(db, platform_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let organisations = crate::platforms::member_organisations(db, root)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    Ok((root, organisations))
}

/// An agenda item checked, as it is saved (without its ids).
struct CheckedItem {
    title: String,
    presenter: Option<Uuid>,
    kpi: Option<Uuid>,
    plan: Option<(Uuid, Uuid)>,
    proposal: Option<Uuid>,
}

/// The agenda checked: at most 50 items, each with a title; a presenter of the network;
/// at most one link, to a KPI, plan item or proposal of the network that the secretariat
/// writing it may see (422 `invalid_link` otherwise; another network's record is refused
/// in the same words as one that does not exist).
async fn checked_agenda(
    state: &AppState,
    actor: &Actor,
    root: Uuid,
    organisations: &BTreeSet<Uuid>,
    items: &[AgendaItemInput],
) -> ApiResult<Vec<CheckedItem>> {
    if items.len() > MAX_AGENDA_ITEMS {
        return Err(invalid(
            "invalid_field",
            format!("`agenda`: at most {MAX_AGENDA_ITEMS} items."),
        ));
    }
    let scope = actor.scope(&state.db);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |f: &str| format!("agenda[{i}].{f}");
        let title = name(&field("title"), &item.title, MAX_MEETING_TEXT_CHARS, true)?;
        if let Some(p) = item.presenter_organisation_id {
            if !organisations.contains(&p) {
                return Err(invalid(
                    "invalid_organisation",
                    format!(
                        "`{}`: an organisation of the platform's network.",
                        field("presenter_organisation_id")
                    ),
                ));
            }
        }
        let links = [
            item.kpi_id.is_some(),
            item.plan_item_id.is_some() || item.plan_id.is_some(),
            item.proposal_id.is_some(),
        ];
        let refused = |what: &str| invalid("invalid_link", format!("`{}`: {what}", field("link")));
        if links.iter().filter(|l| **l).count() > 1 {
            return Err(refused(
                "link at most one of a KPI, a plan item and a proposal.",
            ));
        }
        let kpi = match item.kpi_id {
            Some(id) => match scope.kpi(id).await {
                Ok(k) if k.platform_id == root => Some(id),
                Ok(_) | Err(ApiError::NotFound) => {
                    return Err(refused("a KPI of the platform's network."))
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        let plan = match (item.plan_id, item.plan_item_id) {
            (None, None) => None,
            (Some(plan_id), Some(item_id)) => match scope.plan(plan_id).await {
                Ok(p)
                    if p.platform_id == root
                        && parse_json::<Vec<PlanItem>>(&p.items)
                            .iter()
                            .any(|it| it.id == item_id) =>
                {
                    Some((plan_id, item_id))
                }
                Ok(_) | Err(ApiError::NotFound) => {
                    return Err(refused("an item of a plan of the platform's network."))
                }
                Err(e) => return Err(e),
            },
            _ => {
                return Err(refused(
                    "a plan item needs both `plan_id` and `plan_item_id`.",
                ))
            }
        };
        let proposal = match item.proposal_id {
            Some(id) => match scope.proposal(id).await {
                Ok(p) if p.platform_id == root => Some(id),
                Ok(_) | Err(ApiError::NotFound) => {
                    return Err(refused("a proposal to the platform's network."))
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        out.push(CheckedItem {
            title,
            presenter: item.presenter_organisation_id,
            kpi,
            plan,
            proposal,
        });
    }
    Ok(out)
}

async fn insert_agenda(
    txn: &impl ConnectionTrait,
    meeting_id: Uuid,
    items: Vec<CheckedItem>,
) -> Result<(), sea_orm::DbErr> {
    for (position, item) in items.into_iter().enumerate() {
        agenda_item::ActiveModel {
            id: Set(Uuid::new_v4()),
            meeting_id: Set(meeting_id),
            position: Set(i32::try_from(position + 1).unwrap_or(i32::MAX)),
            title: Set(item.title),
            presenter_organisation_id: Set(item.presenter),
            kpi_id: Set(item.kpi),
            plan_id: Set(item.plan.map(|(p, _)| p)),
            plan_item_id: Set(item.plan.map(|(_, i)| i)),
            proposal_id: Set(item.proposal),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The platform the actor may plan a meeting of: 403 when they run no platform at all,
/// 422 `invalid_platform` for one they do not run (another network's alike).
fn checked_platform(actor: &Actor, platform_id: Uuid) -> ApiResult<Uuid> {
    let runs = actor.meeting_secretariat_of();
    if runs.is_empty() {
        return Err(ApiError::Forbidden);
    }
    if !runs.contains(&platform_id) {
        return Err(invalid(
            "invalid_platform",
            "`platform_id`: a platform whose secretariat you are.",
        ));
    }
    Ok(platform_id)
}

/// The organisations invited: as asked (each once; every one of the platform's network,
/// 422 `invalid_organisation` otherwise) or, by default, every member and observer of the
/// platform itself.
async fn invited(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    organisations: &BTreeSet<Uuid>,
    asked: Option<&[Uuid]>,
) -> ApiResult<Vec<Uuid>> {
    let Some(asked) = asked else {
        let mut members: Vec<Uuid> = membership::Entity::find()
            .filter(membership::Column::PlatformId.eq(platform_id))
            .filter(
                membership::Column::Standing
                    .is_in([Standing::Member.as_str(), Standing::Observer.as_str()]),
            )
            .order_by_asc(membership::Column::Position)
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.organisation_id)
            .collect();
        members.dedup();
        return Ok(members);
    };
    if asked.len() > MAX_INVITED {
        return Err(invalid(
            "invalid_field",
            format!("`invited_organisation_ids`: at most {MAX_INVITED} organisations."),
        ));
    }
    let mut out: Vec<Uuid> = Vec::with_capacity(asked.len());
    for id in asked {
        if !organisations.contains(id) {
            return Err(invalid(
                "invalid_organisation",
                "`invited_organisation_ids`: organisations of the platform's network.",
            ));
        }
        if !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Plans a meeting with its agenda and invitations, and tells the invited organisations'
/// users (an in-app notification each).
pub async fn create(state: &AppState, actor: &Actor, input: NewMeeting) -> ApiResult<Meeting> {
    let platform_id = checked_platform(actor, input.platform_id)?;
    refuse_personal_data_in(&input)?;
    let details = checked_details(
        &input.title,
        input.kind,
        input.starts_at,
        input.ends_at,
        &input.place,
        &input.online_url,
    )?;
    let (root, organisations) = network_organisations(&state.db, platform_id).await?;
    let agenda = checked_agenda(state, actor, root, &organisations, &input.agenda).await?;
    let guests = invited(
        &state.db,
        platform_id,
        &organisations,
        input.invited_organisation_ids.as_deref(),
    )
    .await?;
    let now = Utc::now();
    let id = Uuid::new_v4();
    let txn = state.db.begin().await?;
    let row = meeting::ActiveModel {
        id: Set(id),
        platform_id: Set(platform_id),
        title: Set(details.title),
        kind: Set(details.kind.as_str().into()),
        starts_at: Set(details.starts_at),
        ends_at: Set(details.ends_at),
        place: Set(details.place),
        online_url: Set(details.online_url),
        state: Set(MeetingState::Planned.as_str().into()),
        version: Set(1),
        created_by: Set(actor.user.id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for organisation in &guests {
        invitation::ActiveModel {
            id: Set(Uuid::new_v4()),
            meeting_id: Set(id),
            organisation_id: Set(*organisation),
            attendance: Set(Attendance::Unanswered.as_str().into()),
            proxy_organisation_id: Set(None),
            answered_by: Set(None),
            answered_at: Set(None),
            corrected_by_secretariat: Set(false),
        }
        .insert(&txn)
        .await?;
    }
    insert_agenda(&txn, id, agenda).await?;
    let told: Vec<Uuid> = user::Entity::find()
        .filter(user::Column::OrganisationId.is_in(guests.iter().copied()))
        .filter(user::Column::DisabledAt.is_null())
        .all(&txn)
        .await?
        .into_iter()
        .map(|u| u.id)
        .filter(|u| *u != actor.user.id)
        .collect();
    for user in told {
        notify(
            &txn,
            user,
            NotificationKind::MeetingInvited,
            About::Meeting(id),
            actor.user.id,
        )
        .await?;
    }
    log_change(&txn, &row).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

fn read_version(version: u32, current: i32) -> ApiResult<i32> {
    match i32::try_from(version) {
        Ok(v) if v == current => Ok(v),
        _ => Err(edit_conflict("meeting")),
    }
}

/// The meeting, for its secretariat: 404 for those who may not see it, 403 for a reader
/// who does not run it.
async fn to_manage(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<meeting::Model> {
    let row = actor.scope(&state.db).meeting(id).await?;
    if !actor.meeting_secretariat_of().contains(&row.platform_id) {
        return Err(ApiError::Forbidden);
    }
    Ok(row)
}

/// Rewrites a planned meeting's details and agenda at the version read: 409
/// `edit_conflict` when someone else's change came first, 409 `meeting_not_planned` once
/// it is held or cancelled (a held meeting has been counted; reopen a cancelled one
/// first).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: MeetingUpdate,
) -> ApiResult<Meeting> {
    let row = to_manage(state, actor, id).await?;
    refuse_personal_data_in(&input)?;
    let version = read_version(input.version, row.version)?;
    if row.state != MeetingState::Planned.as_str() {
        return Err(ApiError::Conflict {
            code: "meeting_not_planned",
            message: format!("A meeting that is {} cannot be changed.", row.state),
        });
    }
    let details = checked_details(
        &input.title,
        input.kind,
        input.starts_at,
        input.ends_at,
        &input.place,
        &input.online_url,
    )?;
    let (root, organisations) = network_organisations(&state.db, row.platform_id).await?;
    let agenda = checked_agenda(state, actor, root, &organisations, &input.agenda).await?;
    let mut update: meeting::ActiveModel = row.clone().into();
    update.title = Set(details.title);
    update.kind = Set(details.kind.as_str().into());
    update.starts_at = Set(details.starts_at);
    update.ends_at = Set(details.ends_at);
    update.place = Set(details.place);
    update.online_url = Set(details.online_url);
    update.version = Set(version + 1);
    update.updated_at = Set(Utc::now());
    let txn = state.db.begin().await?;
    let after = claim(&txn, id, version, update).await?;
    agenda_item::Entity::delete_many()
        .filter(agenda_item::Column::MeetingId.eq(id))
        .exec(&txn)
        .await?;
    insert_agenda(&txn, id, agenda).await?;
    log_change(&txn, &after).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

/// Takes a step at the version read: hold (once started: 422 `not_started` before),
/// cancel, reopen. 409 `invalid_transition` for a step the state does not allow, 409
/// `edit_conflict` when someone else's change came first.
pub async fn step(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: MeetingStep,
) -> ApiResult<Meeting> {
    let row = to_manage(state, actor, id).await?;
    let version = read_version(input.version, row.version)?;
    let from = MeetingState::parse(&row.state).unwrap_or_default();
    let to = input.action.next(from).ok_or_else(|| ApiError::Conflict {
        code: "invalid_transition",
        message: format!(
            "A meeting that is {from} cannot be given the step `{}`.",
            input.action
        ),
    })?;
    let now = state.config.now();
    if input.action == MeetingAction::Hold && now < row.starts_at {
        return Err(invalid(
            "not_started",
            "The meeting has not started yet: it can be marked held once it has.",
        ));
    }
    let mut update: meeting::ActiveModel = row.clone().into();
    update.state = Set(to.as_str().into());
    update.version = Set(version + 1);
    update.updated_at = Set(Utc::now());
    let txn = state.db.begin().await?;
    let after = claim(&txn, id, version, update).await?;
    log_change(&txn, &after).await?;
    crate::audit::record(
        &txn,
        crate::audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "meeting.step",
            record_kind: Some("meeting"),
            record_id: Some(id),
            platform_id: Some(row.platform_id),
            detail: Some(serde_json::json!({ "action": input.action.as_str() })),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

/// Records an invited organisation's answer. Its own users answer for it while the
/// meeting is planned and has not started; after that (or for another organisation) only
/// the secretariat writes the answer, and it is marked as corrected by the secretariat.
/// 403 for another organisation's answer, 409 `answers_closed` for one's own after the
/// start, 409 `meeting_cancelled`, 422 `invalid_organisation` for an organisation not
/// invited, 422 `invalid_proxy` for a proxy that is missing, not wanted, the organisation
/// itself or not a member of the platform.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: AttendanceInput,
) -> ApiResult<Meeting> {
    let row = actor.scope(&state.db).meeting(id).await?;
    let organisation = input.organisation_id.unwrap_or(actor.organisation.id);
    let secretariat = actor.meeting_secretariat_of().contains(&row.platform_id);
    let own = organisation == actor.organisation.id;
    if !own && !secretariat {
        return Err(ApiError::Forbidden);
    }
    if row.state == MeetingState::Cancelled.as_str() {
        return Err(ApiError::Conflict {
            code: "meeting_cancelled",
            message: "The meeting is cancelled: reopen it to take answers.".into(),
        });
    }
    let open = row.state == MeetingState::Planned.as_str() && state.config.now() < row.starts_at;
    let corrected = !(own && open);
    if corrected && !secretariat {
        return Err(ApiError::Conflict {
            code: "answers_closed",
            message: "The meeting has started: the secretariat corrects answers now.".into(),
        });
    }
    let Some(invitation_row) = invitation::Entity::find()
        .filter(invitation::Column::MeetingId.eq(id))
        .filter(invitation::Column::OrganisationId.eq(organisation))
        .one(&state.db)
        .await?
    else {
        return Err(if secretariat {
            invalid(
                "invalid_organisation",
                "`organisation_id`: an organisation invited to the meeting.",
            )
        } else {
            ApiError::Forbidden
        });
    };
    let proxy = match (input.attendance, input.proxy_organisation_id) {
        (Attendance::Unanswered, _) => {
            return Err(invalid(
                "invalid_field",
                "`attendance`: attending, absent or proxy.",
            ))
        }
        (Attendance::Proxy, Some(p)) if p != organisation => {
            let member = membership::Entity::find()
                .filter(membership::Column::PlatformId.eq(row.platform_id))
                .filter(membership::Column::OrganisationId.eq(p))
                .filter(membership::Column::Standing.eq(Standing::Member.as_str()))
                .one(&state.db)
                .await?;
            if member.is_none() {
                return Err(invalid(
                    "invalid_proxy",
                    "`proxy_organisation_id`: a member organisation of the platform.",
                ));
            }
            Some(p)
        }
        (Attendance::Proxy, _) => return Err(invalid(
            "invalid_proxy",
            "`proxy_organisation_id`: another member organisation of the platform attends for it.",
        )),
        (_, Some(_)) => {
            return Err(invalid(
                "invalid_proxy",
                "`proxy_organisation_id`: only with `proxy`.",
            ))
        }
        (_, None) => None,
    };
    let mut update: invitation::ActiveModel = invitation_row.into();
    update.attendance = Set(input.attendance.as_str().into());
    update.proxy_organisation_id = Set(proxy);
    update.answered_by = Set(Some(actor.user.id));
    update.answered_at = Set(Some(Utc::now()));
    update.corrected_by_secretariat = Set(corrected);
    let txn = state.db.begin().await?;
    // The answer's write first: on SQLite it takes the write lock before anything is read.
    update.update(&txn).await?;
    log_change(&txn, &row).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// The meeting as one iCalendar event (see [`ics`]), for anyone who may read it.
pub async fn calendar(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<String> {
    let row = actor.scope(&state.db).meeting(id).await?;
    let meeting = view(state, actor, row).await?;
    Ok(ics::calendar(&[meeting], &state.config.public_url))
}

/// Writes `update` only if the meeting is still at `version` (the transaction's first
/// statement: on SQLite it takes the write lock before anything is read); someone else's
/// write in between is 409 `edit_conflict`.
async fn claim(
    txn: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    update: meeting::ActiveModel,
) -> ApiResult<meeting::Model> {
    let changed = meeting::Entity::update_many()
        .set(update)
        .filter(meeting::Column::Id.eq(id))
        .filter(meeting::Column::Version.eq(version))
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(edit_conflict("meeting"));
    }
    meeting::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fiscal_year_runs_from_1_april_to_1_april_japan_time() {
        let (from, until) = fiscal_year_bounds(FiscalYear(2025));
        assert_eq!(from.to_rfc3339(), "2025-03-31T15:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-03-31T15:00:00+00:00");
    }

    #[test]
    fn only_https_links_with_a_host() {
        assert_eq!(
            online_url(" https://meet.example.jp/a b ")
                .unwrap()
                .as_deref(),
            Some("https://meet.example.jp/a%20b")
        );
        assert_eq!(online_url("").unwrap(), None);
        for bad in [
            "javascript:alert(1)",
            "http://meet.example.jp/",
            "https://user:pw@meet.example.jp/",
            "https://",
            "https:// meet.example.jp/",
            "data:text/html,hi",
            "meet.example.jp",
        ] {
            assert!(online_url(bad).is_err(), "{bad}");
        }
    }
}
