//! Outreach and placement requests (働きかけ・受け入れ先開拓の依頼, guidelines §3(2) and
//! §4(4)). A municipal platform drafts and submits a request; the prefectural secretariat
//! routes it to economic organisations (or returns it); each organisation acknowledges,
//! answers or declines; the requester closes it with an outcome. The rules of who may
//! take which step in which state are `app::outreach`'s (shared with the pages); this
//! module owns the writes, the views, the notifications and the change-log entries.
//! Visibility is the policy layer's (`Scope::outreach_request`).

pub mod export;
pub mod forms;
pub mod routes;

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::sea_query::{Expr, Order};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, PlatformKind, Role, TargetGroup};
use app::notifications::NotificationKind;
use app::outreach::{
    self as rules, Company, NewOutreachRequest, NewResponse, OutreachAction, OutreachKind,
    OutreachList, OutreachPatch, OutreachRecipient, OutreachRequest, OutreachResponse,
    OutreachState, Parts, Profile, RecipientStatus, TimelineEntry, Transition,
};

use crate::accounts::user_summary;
use crate::entities::{
    membership, organisation, outreach_event, outreach_recipient, outreach_request,
    outreach_response, platform, user, user_role,
};
use crate::http::boundary::name;
use crate::http::input::{json, parse_json, refuse_personal_data_in, text};
use crate::http::{ApiError, ApiResult};
use crate::notifications::{self, About};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 5_000;
pub const MAX_SHORT_CHARS: usize = 200;
pub use app::bounded::{Page, People, PerPage, Placements};
/// How often a transition is tried again when another one changed the request between
/// reading and writing it.
const TRANSITION_ATTEMPTS: usize = 5;

pub use app::outreach::overdue;

pub use app::outreach::OutreachFilter as ListFilter;

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

fn check_profile(profile: Profile) -> ApiResult<Profile> {
    let mut accommodations = profile.accommodations;
    accommodations.sort();
    accommodations.dedup();
    Ok(Profile {
        age_band: name("profile.age_band", &profile.age_band, 20, false)?,
        desired_work: name(
            "profile.desired_work",
            &profile.desired_work,
            MAX_SHORT_CHARS,
            false,
        )?,
        hours: name("profile.hours", &profile.hours, MAX_SHORT_CHARS, false)?,
        accommodations,
        accommodations_note: text(
            "profile.accommodations_note",
            &profile.accommodations_note,
            MAX_TEXT_CHARS,
            false,
        )?,
        start: name("profile.start", &profile.start, MAX_SHORT_CHARS, false)?,
        people: profile.people,
    })
}

fn dedup_groups(mut groups: Vec<TargetGroup>) -> Vec<TargetGroup> {
    groups.sort();
    groups.dedup();
    groups
}

/// The member organisations of the actor's networks (who a request may go to).
async fn network_organisations(
    db: &impl ConnectionTrait,
    network: &BTreeSet<Uuid>,
) -> ApiResult<BTreeSet<Uuid>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::PlatformId.is_in(network.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect())
}

async fn check_organisations(
    state: &AppState,
    actor: &Actor,
    ids: &[Uuid],
) -> ApiResult<Vec<Uuid>> {
    let known = network_organisations(&state.db, &actor.network).await?;
    let ids: BTreeSet<Uuid> = ids.iter().copied().collect();
    if !ids.iter().all(|id| known.contains(id)) {
        return Err(ApiError::invalid(
            "invalid_organisation",
            "`organisation_ids`: name member organisations of your prefectural network.",
        ));
    }
    Ok(ids.into_iter().collect())
}

// ---------------------------------------------------------------------------------------
// Who is who on a request
// ---------------------------------------------------------------------------------------

fn requester_role(role: Role) -> bool {
    matches!(role, Role::Staff | Role::Coordinator | Role::Admin)
}

fn secretariat_role(role: Role) -> bool {
    matches!(role, Role::Coordinator | Role::Admin)
}

fn parts(
    actor: &Actor,
    row: &outreach_request::Model,
    recipients: &[outreach_recipient::Model],
) -> Parts {
    Parts {
        requester: actor
            .roles_on(row.platform_id)
            .into_iter()
            .any(requester_role),
        secretariat: actor
            .roles_on(row.network_id)
            .into_iter()
            .any(secretariat_role),
        responder: recipients
            .iter()
            .find(|t| t.organisation_id == actor.organisation.id)
            .and_then(|t| RecipientStatus::parse(&t.status)),
    }
}

fn audience(row: &outreach_request::Model, recipients: &[outreach_recipient::Model]) -> Audience {
    Audience {
        platforms: vec![row.platform_id, row.network_id],
        organisations: recipients.iter().map(|t| t.organisation_id).collect(),
        ..Default::default()
    }
}

/// Users working on a platform in one of these roles.
async fn users_with_role_on(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    roles: &[Role],
) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    let ids: BTreeSet<Uuid> = user_role::Entity::find()
        .filter(user_role::Column::PlatformId.eq(platform_id))
        .filter(user_role::Column::Role.is_in(roles.iter().map(|r| r.as_str())))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    active_users(db, ids).await
}

async fn users_of_organisations(
    db: &impl ConnectionTrait,
    organisations: &[Uuid],
) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::OrganisationId.is_in(organisations.iter().copied()))
        .filter(user::Column::DisabledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

async fn active_users(
    db: &impl ConnectionTrait,
    ids: BTreeSet<Uuid>,
) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::DisabledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

async fn notify_all(
    txn: &impl ConnectionTrait,
    users: Vec<Uuid>,
    except: Uuid,
    kind: NotificationKind,
    request_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    for user_id in users.into_iter().filter(|u| *u != except) {
        notifications::notify(txn, user_id, kind, About::Outreach(request_id), except).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------

/// Builds the views of many requests with a fixed number of queries, whatever their count.
async fn views(
    state: &AppState,
    actor: &Actor,
    rows: Vec<outreach_request::Model>,
) -> ApiResult<Vec<OutreachRequest>> {
    let db = &state.db;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut recipients: HashMap<Uuid, Vec<outreach_recipient::Model>> = HashMap::new();
    for t in outreach_recipient::Entity::find()
        .filter(outreach_recipient::Column::RequestId.is_in(ids.clone()))
        .order_by_asc(outreach_recipient::Column::RoutedAt)
        .all(db)
        .await?
    {
        recipients.entry(t.request_id).or_default().push(t);
    }
    let mut responses: HashMap<Uuid, Vec<outreach_response::Model>> = HashMap::new();
    for r in outreach_response::Entity::find()
        .filter(outreach_response::Column::RequestId.is_in(ids.clone()))
        .order_by_asc(outreach_response::Column::CreatedAt)
        .all(db)
        .await?
    {
        responses.entry(r.request_id).or_default().push(r);
    }
    let mut events: HashMap<Uuid, Vec<outreach_event::Model>> = HashMap::new();
    for e in outreach_event::Entity::find()
        .filter(outreach_event::Column::RequestId.is_in(ids.clone()))
        .order_by_asc(outreach_event::Column::At)
        .all(db)
        .await?
    {
        events.entry(e.request_id).or_default().push(e);
    }
    let user_ids: BTreeSet<Uuid> = rows
        .iter()
        .map(|r| r.created_by)
        .chain(responses.values().flatten().map(|r| r.author_id))
        .chain(events.values().flatten().map(|e| e.actor_id))
        .collect();
    let users: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let org_ids: BTreeSet<Uuid> = recipients
        .values()
        .flatten()
        .map(|t| t.organisation_id)
        .chain(responses.values().flatten().map(|r| r.organisation_id))
        .chain(events.values().flatten().filter_map(|e| e.organisation_id))
        .collect();
    let orgs = crate::platforms::organisation_names(db, org_ids).await?;
    let platforms =
        crate::platforms::platform_names(db, rows.iter().map(|r| r.platform_id)).await?;
    let summary = |id: Uuid| {
        users
            .get(&id)
            .map(user_summary)
            .ok_or_else(|| ApiError::Internal(format!("user {id} missing")))
    };
    let org_name = |id: Uuid| orgs.get(&id).cloned().unwrap_or_default();
    let today = state.config.today_in_japan();

    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let own_recipients = recipients.remove(&row.id).unwrap_or_default();
        let own_responses = responses.remove(&row.id).unwrap_or_default();
        let own_events = events.remove(&row.id).unwrap_or_default();
        let state_now = OutreachState::parse(&row.state).unwrap_or(OutreachState::Draft);
        let parts = parts(actor, &row, &own_recipients);
        // An economic organisation answering a request sees its own part of it only: which
        // other organisations were asked, and what they answered, is the requester's and
        // the secretariat's to know (guidelines §6: each member's information is its own).
        let only_own = ![row.platform_id, row.network_id].iter().any(|p| {
            actor
                .roles_on(*p)
                .into_iter()
                .any(|role| role != Role::Responder)
        });
        let own_org = actor.organisation.id;
        let concerns_caller = |org: Option<Uuid>| !only_own || org.is_none_or(|o| o == own_org);
        let own_recipients: Vec<_> = own_recipients
            .into_iter()
            .filter(|t| concerns_caller(Some(t.organisation_id)))
            .collect();
        let own_responses = own_responses
            .into_iter()
            .filter(|r| concerns_caller(Some(r.organisation_id)));
        let own_events = own_events
            .into_iter()
            .filter(|e| concerns_caller(e.organisation_id));
        let suggested: Vec<Uuid> = parse_json::<Vec<Uuid>>(&row.suggested_organisations)
            .into_iter()
            .filter(|o| concerns_caller(Some(*o)))
            .collect();
        let mut response_views = Vec::new();
        for r in own_responses {
            response_views.push(OutreachResponse {
                id: r.id,
                organisation_id: r.organisation_id,
                organisation_name: org_name(r.organisation_id),
                author: summary(r.author_id)?,
                body: r.body,
                placements_offered: Placements::saturating(r.placements_offered.into()).get(),
                companies: parse_json::<Vec<Company>>(&r.companies),
                conditions: r.conditions,
                next_steps: r.next_steps,
                created_at: r.created_at,
            });
        }
        let mut timeline = Vec::new();
        for e in own_events {
            timeline.push(TimelineEntry {
                action: e.action,
                by: summary(e.actor_id)?,
                organisation_name: e.organisation_id.map(org_name),
                comment: e.comment,
                at: e.at,
            });
        }
        out.push(OutreachRequest {
            id: row.id,
            platform_id: row.platform_id,
            platform_name: platforms.get(&row.platform_id).cloned().unwrap_or_default(),
            kind: OutreachKind::parse(&row.kind).unwrap_or(OutreachKind::PlacementDevelopment),
            title: row.title,
            description: row.description,
            target_groups: parse_json(&row.target_groups),
            area: row.area,
            profile: parse_json(&row.profile),
            deadline: row.deadline,
            state: state_now,
            overdue: overdue(row.deadline, state_now, today),
            suggested_organisation_ids: suggested,
            organisations: own_recipients
                .iter()
                .map(|t| OutreachRecipient {
                    organisation_id: t.organisation_id,
                    name: org_name(t.organisation_id),
                    status: RecipientStatus::parse(&t.status).unwrap_or(RecipientStatus::Pending),
                    comment: t.comment.clone(),
                    updated_at: t.updated_at,
                })
                .collect(),
            responses: response_views,
            timeline,
            outcome: row.outcome_placements.map(|p| rules::Outcome {
                placements: Placements::saturating(p.into()),
                note: row.outcome_note.clone().unwrap_or_default(),
            }),
            created_by: summary(row.created_by)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
            actions: rules::available(parts, state_now),
            can_answer: rules::may_answer(state_now, parts.responder),
            can_edit: parts.requester && state_now.is_editable(),
        });
    }
    Ok(out)
}

async fn view(
    state: &AppState,
    actor: &Actor,
    row: outreach_request::Model,
) -> ApiResult<OutreachRequest> {
    views(state, actor, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a view of one request".into()))
}

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<OutreachRequest> {
    let row = actor.scope(&state.db).outreach_request(id).await?;
    view(state, actor, row).await
}

/// The request as the sync feed shows it to this actor (404 when they may not see it).
pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<OutreachRequest> {
    get(state, actor, id).await
}

/// Every request the filter finds (for exports): the list's pages, read to the end.
pub async fn all(
    state: &AppState,
    actor: &Actor,
    filter: ListFilter,
) -> ApiResult<Vec<OutreachRequest>> {
    let mut items = Vec::new();
    let mut page = 0;
    loop {
        let list = list(
            state,
            actor,
            ListFilter {
                // Past the last page the list is empty and the loop has ended.
                page: Page::saturating(page.into()),
                per_page: PerPage::saturating(PerPage::MAX.into()),
                ..filter.clone()
            },
        )
        .await?;
        let done = (page + 1) * list.per_page >= list.total || page >= Page::MAX;
        items.extend(list.items);
        if done {
            return Ok(items);
        }
        page += 1;
    }
}

/// The caller's requests, open ones first, soonest deadline first; filtered and paged.
pub async fn list(state: &AppState, actor: &Actor, filter: ListFilter) -> ApiResult<OutreachList> {
    use outreach_request::Column as C;
    let scope = actor.scope(&state.db);
    let mut query =
        outreach_request::Entity::find().filter(C::Id.in_subquery(scope.outreach_ids_visible()));
    if let Some(s) = filter.state {
        query = query.filter(C::State.eq(s.as_str()));
    }
    if let Some(k) = filter.kind {
        query = query.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(p) = filter.platform {
        query = query.filter(C::PlatformId.eq(p));
    }
    if let Some(o) = filter.organisation {
        query = query.filter(
            C::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(outreach_recipient::Column::RequestId)
                    .from(outreach_recipient::Entity)
                    .and_where(outreach_recipient::Column::OrganisationId.eq(o))
                    .to_owned(),
            ),
        );
        // Who else a request went to is not a responder's to know (see `views`): another
        // organisation's filter finds only the requests the caller sees as requester,
        // secretariat or observer, so its count says nothing about the others.
        if o != actor.organisation.id {
            let working = actor.working_platforms();
            query = query.filter(
                Condition::any()
                    .add(C::PlatformId.is_in(working.clone()))
                    .add(C::NetworkId.is_in(working)),
            );
        }
    }
    let finished = [
        OutreachState::Closed,
        OutreachState::Withdrawn,
        OutreachState::Declined,
    ]
    .map(|s| s.as_str());
    if filter.overdue {
        query = query
            .filter(C::Deadline.lt(state.config.today_in_japan()))
            .filter(C::State.is_not_in(finished))
            .filter(C::State.ne(OutreachState::Draft.as_str()));
    }
    let per_page = filter.per_page.get();
    let total = query.clone().count(&state.db).await?;
    let rows = query
        .order_by(
            Expr::Case(Box::new(Expr::case(C::State.is_in(finished), 1).finally(0))),
            Order::Asc,
        )
        .order_by_asc(C::Deadline)
        .order_by_desc(C::CreatedAt)
        // Both are bounded (`app::bounded`): at most 20,000,000, far inside a signed offset.
        .offset(filter.page.get() * per_page)
        .limit(per_page)
        .all(&state.db)
        .await?;
    Ok(OutreachList {
        items: views(state, actor, rows).await?,
        total,
        page: filter.page.get(),
        per_page,
    })
}

// ---------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------

async fn record(
    txn: &impl ConnectionTrait,
    request_id: Uuid,
    actor: &Actor,
    action: &str,
    organisation_id: Option<Uuid>,
    comment: Option<String>,
) -> Result<(), sea_orm::DbErr> {
    outreach_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        request_id: Set(request_id),
        actor_id: Set(actor.user.id),
        action: Set(action.to_string()),
        organisation_id: Set(organisation_id),
        comment: Set(comment),
        at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

async fn log_change(txn: &impl ConnectionTrait, request_id: Uuid) -> Result<(), sea_orm::DbErr> {
    let row = outreach_request::Entity::find_by_id(request_id)
        .one(txn)
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("outreach request".into()))?;
    let recipients = outreach_recipient::Entity::find()
        .filter(outreach_recipient::Column::RequestId.eq(request_id))
        .all(txn)
        .await?;
    sync::append(
        txn,
        ChangeKind::OutreachRequest,
        request_id,
        ChangeOp::Upsert,
        &audience(&row, &recipients),
    )
    .await?;
    Ok(())
}

/// The municipal platforms the actor may request for (as staff or coordinator).
pub async fn requesting_platforms(
    state: &AppState,
    actor: &Actor,
) -> ApiResult<Vec<app::domain::Platform>> {
    let candidates: BTreeSet<Uuid> = actor
        .roles
        .iter()
        .filter(|(_, r)| requester_role(*r))
        .map(|(p, _)| *p)
        .collect();
    Ok(platform::Entity::find()
        .filter(platform::Column::Id.is_in(candidates))
        .filter(platform::Column::Kind.eq(PlatformKind::Municipal.as_str()))
        .order_by_asc(platform::Column::Slug)
        .all(&state.db)
        .await?
        .into_iter()
        .map(crate::policy::platform_view)
        .collect())
}

/// The platform a request comes from: one the actor works on as staff or coordinator,
/// and a municipal one.
async fn requesting_platform(
    state: &AppState,
    actor: &Actor,
    asked: Option<Uuid>,
) -> ApiResult<app::domain::Platform> {
    let mut municipal = requesting_platforms(state, actor).await?;
    let chosen = match asked {
        Some(id) => municipal.into_iter().find(|p| p.id == id),
        None if municipal.len() == 1 => municipal.pop(),
        None => None,
    };
    chosen.ok_or_else(|| {
        ApiError::invalid(
            "invalid_platform",
            "`platform_id`: a municipal platform you work on as staff or coordinator.",
        )
    })
}

/// The organisations a request may go to: the members of the actor's networks.
pub async fn organisation_choices(
    state: &AppState,
    actor: &Actor,
) -> ApiResult<Vec<app::domain::Organisation>> {
    actor.scope(&state.db).organisations().await
}

/// For the secretariat: the requests of their networks by state, and each addressed
/// organisation's statuses. `None` for everyone else.
pub async fn summary(state: &AppState, actor: &Actor) -> ApiResult<Option<rules::OutreachSummary>> {
    let roots: Vec<Uuid> = actor
        .network_roots
        .iter()
        .copied()
        .filter(|root| actor.roles_on(*root).into_iter().any(secretariat_role))
        .collect();
    if roots.is_empty() {
        return Ok(None);
    }
    // Through the policy layer like every other read, though the secretariat sees all
    // of its networks' requests anyway.
    let rows = outreach_request::Entity::find()
        .filter(outreach_request::Column::NetworkId.is_in(roots))
        .filter(
            outreach_request::Column::Id.in_subquery(actor.scope(&state.db).outreach_ids_visible()),
        )
        .all(&state.db)
        .await?;
    let mut by_state: Vec<(OutreachState, u64)> =
        OutreachState::ALL.iter().map(|s| (*s, 0)).collect();
    for row in &rows {
        if let Some(entry) = by_state.iter_mut().find(|(s, _)| s.as_str() == row.state) {
            entry.1 += 1;
        }
    }
    // Every request of the networks: ids in chunks, however many there are.
    let recipients = crate::db::find_in::<outreach_recipient::Entity, _, _>(
        &state.db,
        outreach_recipient::Column::RequestId,
        rows.iter().map(|r| r.id),
    )
    .await?;
    let names: HashMap<Uuid, String> = crate::db::find_in::<organisation::Entity, _, _>(
        &state.db,
        organisation::Column::Id,
        recipients.iter().map(|t| t.organisation_id),
    )
    .await?
    .into_iter()
    .map(|o| (o.id, o.name))
    .collect();
    let mut by_organisation: Vec<rules::OrganisationCounts> = Vec::new();
    for t in &recipients {
        let name = names.get(&t.organisation_id).cloned().unwrap_or_default();
        let at = match by_organisation.iter().position(|c| c.name == name) {
            Some(at) => at,
            None => {
                by_organisation.push(rules::OrganisationCounts {
                    name,
                    pending: 0,
                    acknowledged: 0,
                    answered: 0,
                    declined: 0,
                });
                by_organisation.len() - 1
            }
        };
        let counts = &mut by_organisation[at];
        match RecipientStatus::parse(&t.status) {
            Some(RecipientStatus::Pending) => counts.pending += 1,
            Some(RecipientStatus::Acknowledged) => counts.acknowledged += 1,
            Some(RecipientStatus::Answered) => counts.answered += 1,
            Some(RecipientStatus::Declined) => counts.declined += 1,
            None => {}
        }
    }
    by_organisation.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Some(rules::OutreachSummary {
        by_state,
        by_organisation,
    }))
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewOutreachRequest,
) -> ApiResult<OutreachRequest> {
    let platform = requesting_platform(state, actor, input.platform_id).await?;
    let title = name("title", &input.title, MAX_TITLE_CHARS, true)?;
    let description = text("description", &input.description, MAX_TEXT_CHARS, false)?;
    let area = name("area", &input.area, MAX_SHORT_CHARS, false)?;
    refuse_personal_data_in(&input)?;
    let profile = check_profile(input.profile)?;
    let suggested = check_organisations(state, actor, &input.organisation_ids).await?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let row = outreach_request::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform.id),
        network_id: Set(platform.parent_id.unwrap_or(platform.id)),
        created_by: Set(actor.user.id),
        kind: Set(input.kind.as_str().into()),
        title: Set(title),
        description: Set(description),
        target_groups: Set(json(&dedup_groups(input.target_groups))),
        area: Set(area),
        profile: Set(json(&profile)),
        deadline: Set(input.deadline.get()),
        suggested_organisations: Set(json(&suggested)),
        state: Set(OutreachState::Draft.as_str().into()),
        outcome_placements: Set(None),
        outcome_note: Set(None),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record(&txn, row.id, actor, "created", None, None).await?;
    log_change(&txn, row.id).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// Changes the request itself: the requester, while draft or returned.
pub async fn patch(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: OutreachPatch,
) -> ApiResult<OutreachRequest> {
    let row = actor.scope(&state.db).outreach_request(id).await?;
    let recipients = recipients_of(&state.db, id).await?;
    if !parts(actor, &row, &recipients).requester {
        return Err(ApiError::Forbidden);
    }
    let current = OutreachState::parse(&row.state).unwrap_or(OutreachState::Draft);
    if !current.is_editable() {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            message: format!("A request that is {current} cannot be edited."),
        });
    }
    let title = input
        .title
        .as_deref()
        .map(|t| name("title", t, MAX_TITLE_CHARS, true))
        .transpose()?;
    let description = input
        .description
        .as_deref()
        .map(|t| text("description", t, MAX_TEXT_CHARS, false))
        .transpose()?;
    let area = input
        .area
        .as_deref()
        .map(|t| name("area", t, MAX_SHORT_CHARS, false))
        .transpose()?;
    refuse_personal_data_in(&input)?;
    let profile = input.profile.map(check_profile).transpose()?;
    let suggested = match &input.organisation_ids {
        Some(ids) => Some(check_organisations(state, actor, ids).await?),
        None => None,
    };

    let txn = state.db.begin().await?;
    let mut update: outreach_request::ActiveModel = row.clone().into();
    if let Some(kind) = input.kind {
        update.kind = Set(kind.as_str().into());
    }
    if let Some(t) = title {
        update.title = Set(t);
    }
    if let Some(t) = description {
        update.description = Set(t);
    }
    if let Some(t) = area {
        update.area = Set(t);
    }
    if let Some(p) = profile {
        update.profile = Set(json(&p));
    }
    if let Some(g) = input.target_groups {
        update.target_groups = Set(json(&dedup_groups(g)));
    }
    if let Some(d) = input.deadline {
        update.deadline = Set(d.get());
    }
    if let Some(s) = suggested {
        update.suggested_organisations = Set(json(&s));
    }
    update.version = Set(row.version + 1);
    update.updated_at = Set(Utc::now());
    // Only if nobody moved it on meanwhile (a submit in another tab).
    let changed = outreach_request::Entity::update_many()
        .set(update)
        .filter(outreach_request::Column::Id.eq(id))
        .filter(outreach_request::Column::Version.eq(row.version))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(ApiError::Conflict {
            code: "edit_conflict",
            message: "The request changed meanwhile: load it again and repeat the edit.".into(),
        });
    }
    record(&txn, id, actor, "edited", None, None).await?;
    log_change(&txn, id).await?;
    txn.commit().await?;
    state.changes.committed();
    get(state, actor, id).await
}

/// Claims a request at the version a step's checks read, inside the step's transaction
/// (optionally moving it to `state`): false when someone else's step committed in between,
/// and the caller must read again or refuse. Nothing else of the step may be written
/// before this.
async fn claim(
    txn: &impl ConnectionTrait,
    row: &outreach_request::Model,
    state: Option<OutreachState>,
    now: chrono::DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let mut update = outreach_request::Entity::update_many()
        .col_expr(
            outreach_request::Column::Version,
            Expr::value(row.version + 1),
        )
        .col_expr(outreach_request::Column::UpdatedAt, Expr::value(now));
    if let Some(state) = state {
        update = update.col_expr(outreach_request::Column::State, Expr::value(state.as_str()));
    }
    let claimed = update
        .filter(outreach_request::Column::Id.eq(row.id))
        .filter(outreach_request::Column::Version.eq(row.version))
        .exec(txn)
        .await?
        .rows_affected;
    Ok(claimed == 1)
}

async fn recipients_of(
    db: &impl ConnectionTrait,
    request_id: Uuid,
) -> Result<Vec<outreach_recipient::Model>, sea_orm::DbErr> {
    outreach_recipient::Entity::find()
        .filter(outreach_recipient::Column::RequestId.eq(request_id))
        .all(db)
        .await
}

fn invalid_transition(action: OutreachAction, state: OutreachState) -> ApiError {
    ApiError::Conflict {
        code: "invalid_transition",
        message: format!("`{action}` does not fit a request that is {state}."),
    }
}

fn required_comment(comment: Option<&str>, action: OutreachAction) -> ApiResult<String> {
    let comment = comment.unwrap_or_default().trim();
    if comment.is_empty() {
        return Err(ApiError::invalid(
            "comment_required",
            format!("`comment`: say why ({action})."),
        ));
    }
    text("comment", comment, MAX_TEXT_CHARS, true)
}

/// Takes one step of the workflow. Concurrent steps on one request are serialised by its
/// version: a step writes only if the request is still as it read it, and otherwise reads
/// it again and checks again (two coordinators routing at once: both organisations are
/// added, once each; two closing at once: one closes, the other gets 409).
pub async fn transition(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: Transition,
) -> ApiResult<OutreachRequest> {
    // Whoever may not see the request learns nothing, not even what is wrong with the step.
    actor.scope(&state.db).outreach_request(id).await?;
    let action = input.action;
    let comment = match action {
        OutreachAction::Return | OutreachAction::Decline => {
            Some(required_comment(input.comment.as_deref(), action)?)
        }
        _ => input
            .comment
            .as_deref()
            .map(|c| text("comment", c, MAX_TEXT_CHARS, false))
            .transpose()?
            .filter(|c| !c.is_empty()),
    };
    let outcome = match action {
        OutreachAction::Close => {
            let outcome = input.outcome.clone().ok_or_else(|| {
                ApiError::invalid(
                    "outcome_required",
                    "`outcome`: the placements made and a note.",
                )
            })?;
            Some(rules::Outcome {
                placements: outcome.placements,
                note: text("outcome.note", &outcome.note, MAX_TEXT_CHARS, false)?,
            })
        }
        _ => None,
    };
    refuse_personal_data_in(&input)?;
    let routed_to = match action {
        OutreachAction::Route => {
            let ids = input.organisation_ids.clone().unwrap_or_default();
            if ids.is_empty() {
                return Err(ApiError::invalid(
                    "invalid_organisation",
                    "`organisation_ids`: name one or more organisations to route to.",
                ));
            }
            check_organisations(state, actor, &ids).await?
        }
        _ => Vec::new(),
    };

    for _ in 0..TRANSITION_ATTEMPTS {
        let row = actor.scope(&state.db).outreach_request(id).await?;
        let recipients = recipients_of(&state.db, id).await?;
        let parts = parts(actor, &row, &recipients);
        let current = OutreachState::parse(&row.state).unwrap_or(OutreachState::Draft);
        if !rules::role_allows(parts, action) {
            return Err(ApiError::Forbidden);
        }
        if !rules::state_allows(current, parts.responder, action) {
            return Err(invalid_transition(action, current));
        }
        if let Some(o) = &outcome {
            if !rules::outcome_allowed(current, o.placements) {
                return Err(ApiError::Conflict {
                    code: "invalid_transition",
                    message: format!(
                        "A request that is {current} has no answer, so it made no placements: \
                         close it with 0 placements, or withdraw it."
                    ),
                });
            }
        }
        let now = Utc::now();
        let txn = state.db.begin().await?;
        // Claim the request at the version read; someone else's step in between means
        // reading again.
        if !claim(&txn, &row, None, now).await? {
            txn.rollback().await?;
            continue;
        }
        let next: OutreachState;
        match action {
            OutreachAction::Submit => {
                next = OutreachState::Submitted;
                let secretariat =
                    users_with_role_on(&txn, row.network_id, &[Role::Coordinator, Role::Admin])
                        .await?;
                notify_all(
                    &txn,
                    secretariat,
                    actor.user.id,
                    NotificationKind::OutreachSubmitted,
                    id,
                )
                .await?;
            }
            OutreachAction::Route => {
                // Routed again after an answer, it stays answered.
                next = if current == OutreachState::Answered {
                    OutreachState::Answered
                } else {
                    OutreachState::Routed
                };
                let existing: BTreeSet<Uuid> =
                    recipients.iter().map(|t| t.organisation_id).collect();
                let new: Vec<Uuid> = routed_to
                    .iter()
                    .copied()
                    .filter(|o| !existing.contains(o))
                    .collect();
                if new.is_empty() {
                    return Err(ApiError::Conflict {
                        code: "already_routed",
                        message: "The request already went to every organisation named.".into(),
                    });
                }
                for org in &new {
                    outreach_recipient::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        request_id: Set(id),
                        organisation_id: Set(*org),
                        status: Set(RecipientStatus::Pending.as_str().into()),
                        comment: Set(None),
                        routed_at: Set(now),
                        updated_at: Set(now),
                    }
                    .insert(&txn)
                    .await?;
                    record(&txn, id, actor, "route", Some(*org), comment.clone()).await?;
                }
                let users = users_of_organisations(&txn, &new).await?;
                notify_all(
                    &txn,
                    users,
                    actor.user.id,
                    NotificationKind::OutreachRouted,
                    id,
                )
                .await?;
            }
            OutreachAction::Return => {
                next = OutreachState::Returned;
                notify_requesters(&txn, &row, actor, NotificationKind::OutreachReturned).await?;
            }
            OutreachAction::Acknowledge | OutreachAction::Decline => {
                let status = if action == OutreachAction::Acknowledge {
                    RecipientStatus::Acknowledged
                } else {
                    RecipientStatus::Declined
                };
                outreach_recipient::Entity::update_many()
                    .col_expr(
                        outreach_recipient::Column::Status,
                        Expr::value(status.as_str()),
                    )
                    .col_expr(
                        outreach_recipient::Column::Comment,
                        Expr::value(comment.clone()),
                    )
                    .col_expr(outreach_recipient::Column::UpdatedAt, Expr::value(now))
                    .filter(outreach_recipient::Column::RequestId.eq(id))
                    .filter(outreach_recipient::Column::OrganisationId.eq(actor.organisation.id))
                    .exec(&txn)
                    .await?;
                let statuses: Vec<RecipientStatus> = recipients
                    .iter()
                    .map(|t| {
                        if t.organisation_id == actor.organisation.id {
                            status
                        } else {
                            RecipientStatus::parse(&t.status).unwrap_or(RecipientStatus::Pending)
                        }
                    })
                    .collect();
                next = rules::settle(current, &statuses);
                if action == OutreachAction::Decline {
                    notify_requesters(&txn, &row, actor, NotificationKind::OutreachDeclined)
                        .await?;
                }
            }
            OutreachAction::Close => {
                next = OutreachState::Closed;
            }
            OutreachAction::Withdraw => {
                next = OutreachState::Withdrawn;
            }
        }
        let mut update = outreach_request::Entity::update_many()
            .col_expr(outreach_request::Column::State, Expr::value(next.as_str()))
            .filter(outreach_request::Column::Id.eq(id));
        if let Some(o) = &outcome {
            update = update
                .col_expr(
                    outreach_request::Column::OutcomePlacements,
                    Expr::value(o.placements.stored()),
                )
                .col_expr(
                    outreach_request::Column::OutcomeNote,
                    Expr::value(o.note.clone()),
                );
        }
        update.exec(&txn).await?;
        if action != OutreachAction::Route {
            let org = matches!(
                action,
                OutreachAction::Acknowledge | OutreachAction::Decline
            )
            .then_some(actor.organisation.id);
            let note = match (&comment, &outcome) {
                (Some(c), _) => Some(c.clone()),
                (None, Some(o)) => Some(format!("{}: {}", o.placements, o.note)),
                _ => None,
            };
            record(&txn, id, actor, action.as_str(), org, note).await?;
        }
        log_change(&txn, id).await?;
        txn.commit().await?;
        state.changes.committed();
        return get(state, actor, id).await;
    }
    Err(ApiError::Conflict {
        code: "busy",
        message: "Others are changing this request right now: try again.".into(),
    })
}

/// Users working on the requesting platform (not responders or observers), told about a
/// step that needs them.
async fn notify_requesters(
    txn: &impl ConnectionTrait,
    row: &outreach_request::Model,
    actor: &Actor,
    kind: NotificationKind,
) -> Result<(), sea_orm::DbErr> {
    let users = users_with_role_on(
        txn,
        row.platform_id,
        &[Role::Staff, Role::Coordinator, Role::Admin],
    )
    .await?;
    notify_all(txn, users, actor.user.id, kind, row.id).await
}

/// An addressed organisation answers (again, if it likes): the request becomes answered
/// and the requesting platform is told. The answer is written only if the request is
/// still at the version its checks read (409 `edit_conflict` otherwise, nothing kept), so
/// an answer never lands on a request closed or withdrawn in the same instant, and of
/// two answers sent at once one lands and the other is sent again on purpose.
pub async fn respond(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: NewResponse,
) -> ApiResult<OutreachResponse> {
    let row = actor.scope(&state.db).outreach_request(id).await?;
    let recipients = recipients_of(&state.db, id).await?;
    let parts = parts(actor, &row, &recipients);
    let current = OutreachState::parse(&row.state).unwrap_or(OutreachState::Draft);
    if parts.responder.is_none() {
        return Err(ApiError::Forbidden);
    }
    if !rules::may_answer(current, parts.responder) {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            message: format!("A request that is {current} cannot be answered now."),
        });
    }
    let body = text("body", &input.body, MAX_TEXT_CHARS, true)?;
    let conditions = input
        .conditions
        .as_deref()
        .map(|t| text("conditions", t, MAX_TEXT_CHARS, false))
        .transpose()?
        .filter(|t| !t.is_empty());
    let next_steps = input
        .next_steps
        .as_deref()
        .map(|t| text("next_steps", t, MAX_TEXT_CHARS, false))
        .transpose()?
        .filter(|t| !t.is_empty());
    if input.companies.len() > 100 {
        return Err(ApiError::invalid(
            "invalid_field",
            "`companies`: up to 100.",
        ));
    }
    let mut companies = Vec::with_capacity(input.companies.len());
    for (i, c) in input.companies.iter().enumerate() {
        companies.push(Company {
            name: name(
                &format!("companies[{i}].name"),
                &c.name,
                MAX_SHORT_CHARS,
                true,
            )?,
            sector: name(
                &format!("companies[{i}].sector"),
                &c.sector,
                MAX_SHORT_CHARS,
                false,
            )?,
            area: name(
                &format!("companies[{i}].area"),
                &c.area,
                MAX_SHORT_CHARS,
                false,
            )?,
        });
    }
    refuse_personal_data_in(&input)?;

    let now = Utc::now();
    let txn = state.db.begin().await?;
    // The checks above hold only for the request as read: claim it at that version, in
    // this transaction, before writing anything. A close, withdrawal, routing or another
    // answer that committed in between has moved the version on, and this answer is
    // refused (nothing is kept) rather than landing on a request that changed under it.
    if !claim(&txn, &row, Some(OutreachState::Answered), now).await? {
        txn.rollback().await?;
        return Err(ApiError::Conflict {
            code: "edit_conflict",
            message: "The request changed while you were answering: load it again and send the answer again if it is still open.".into(),
        });
    }
    let response = outreach_response::ActiveModel {
        id: Set(Uuid::new_v4()),
        request_id: Set(id),
        organisation_id: Set(actor.organisation.id),
        author_id: Set(actor.user.id),
        body: Set(body),
        placements_offered: Set(input.placements_offered.stored()),
        companies: Set(json(&companies)),
        conditions: Set(conditions),
        next_steps: Set(next_steps),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    outreach_recipient::Entity::update_many()
        .col_expr(
            outreach_recipient::Column::Status,
            Expr::value(RecipientStatus::Answered.as_str()),
        )
        .col_expr(outreach_recipient::Column::UpdatedAt, Expr::value(now))
        .filter(outreach_recipient::Column::RequestId.eq(id))
        .filter(outreach_recipient::Column::OrganisationId.eq(actor.organisation.id))
        .exec(&txn)
        .await?;
    record(
        &txn,
        id,
        actor,
        "answered",
        Some(actor.organisation.id),
        None,
    )
    .await?;
    notify_requesters(&txn, &row, actor, NotificationKind::OutreachAnswered).await?;
    log_change(&txn, id).await?;
    txn.commit().await?;
    state.changes.committed();
    let view = get(state, actor, id).await?;
    view.responses
        .into_iter()
        .find(|r| r.id == response.id)
        .ok_or_else(|| ApiError::Internal("the answer just written".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::wareki::japan_today;
    use chrono::{NaiveDate, TimeZone};

    #[test]
    fn deadlines_are_japan_dates_across_the_fiscal_year_boundary() {
        // 2027-03-31 23:59 in Japan is still the old fiscal year's last day…
        let last_evening = Utc.with_ymd_and_hms(2027, 3, 31, 14, 59, 0).unwrap();
        // …and 2027-04-01 00:00 in Japan is 15:00 UTC the day before.
        let new_year = Utc.with_ymd_and_hms(2027, 3, 31, 15, 0, 0).unwrap();
        let deadline = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        assert_eq!(japan_today(last_evening), deadline);
        assert_eq!(
            japan_today(new_year),
            NaiveDate::from_ymd_opt(2027, 4, 1).unwrap()
        );
        let routed = OutreachState::Routed;
        assert!(!overdue(deadline, routed, japan_today(last_evening)));
        assert!(overdue(deadline, routed, japan_today(new_year)));
        assert!(!overdue(
            deadline,
            OutreachState::Closed,
            japan_today(new_year)
        ));
        assert!(!overdue(
            deadline,
            OutreachState::Draft,
            japan_today(new_year)
        ));
    }
}
