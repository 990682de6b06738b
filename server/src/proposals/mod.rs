//! Policy proposals (政策提案, guidelines §3: every member category proposes policy to the
//! secretariat of the prefectural platform).
//!
//! A member of a network (any role but observer) submits a proposal to the network's
//! prefectural platform, for its own organisation or, as a coordinator of a municipal
//! platform, for that platform. The secretariat (`Actor::kpi_secretariat_of`) takes it up,
//! answers it and closes it; the proposer may withdraw it until the answer. Who reads it
//! (`Scope::proposal_visible`): the secretariat, the proposing organisation, and every
//! member of the network once the secretariat publishes the answer. The secretariat's note
//! is in no one else's view, the feed's included. Another network sees nothing: 404.

pub mod forms;
pub mod routes;

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, PlatformKind, Role};
use app::notifications::NotificationKind;
use app::plans::NamedRef;
use app::proposals::{
    NewProposal, PolicyProposal, ProposalAction, ProposalAddressee, ProposalHistoryEntry,
    ProposalNoteInput, ProposalOutcome, ProposalState, ProposalStep, ProposalsPage,
    MAX_PROPOSAL_TEXT_CHARS, MAX_PROPOSAL_TITLE_CHARS,
};

use crate::entities::{platform, policy_proposal as proposal, user};
use crate::http::boundary::name;
use crate::http::input::{json, parse_json, refuse_personal_data_in, text};
use crate::http::{ApiError, ApiResult};
use crate::kpis::edit_conflict;
use crate::notifications::{notify, About};
use crate::plans::secretariat_users;
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};

/// The most target groups a proposal names (there are three).
const MAX_TARGET_GROUPS: usize = 3;

/// Tells the readers whose view of the proposal changed: the secretariat and the
/// proposing organisation always, the network when the answer is (or was until this
/// change) published to it.
async fn log_change(
    txn: &impl ConnectionTrait,
    row: &proposal::Model,
    network_too: bool,
) -> Result<(), sea_orm::DbErr> {
    let mut audience = Audience {
        users: secretariat_users(txn, row.platform_id).await?,
        organisations: vec![row.organisation_id],
        ..Default::default()
    };
    if network_too || row.answer_published {
        audience.networks.push(row.platform_id);
    }
    sync::append(
        txn,
        ChangeKind::Proposal,
        row.id,
        ChangeOp::Upsert,
        &audience,
    )
    .await?;
    Ok(())
}

/// Whether `actor` may take `action` on `row` (whatever its state): the secretariat its
/// steps; the proposing organisation withdraws, through someone who may propose to that
/// network (`proposes_there`: not an observer, see [`addressees`]).
fn may_take(
    actor: &Actor,
    row: &proposal::Model,
    action: ProposalAction,
    proposes_there: bool,
) -> bool {
    if action.by_secretariat() {
        actor.kpi_secretariat_of().contains(&row.platform_id)
    } else {
        actor.organisation.id == row.organisation_id && proposes_there
    }
}

/// The prefectural platforms `actor` may propose to (see [`addressees`]), looked up only
/// when one of `rows` is their organisation's: for anyone else it decides nothing.
async fn proposing_to(
    state: &AppState,
    actor: &Actor,
    rows: &[proposal::Model],
) -> ApiResult<BTreeSet<Uuid>> {
    if !rows
        .iter()
        .any(|r| r.organisation_id == actor.organisation.id)
    {
        return Ok(BTreeSet::new());
    }
    Ok(addressees(state, actor)
        .await?
        .into_iter()
        .map(|a| a.platform.id)
        .collect())
}

/// The proposals as `actor` sees them (the secretariat's note for the secretariat only),
/// with the names they show in two queries however many there are.
async fn views(
    state: &AppState,
    actor: &Actor,
    rows: Vec<proposal::Model>,
) -> ApiResult<Vec<PolicyProposal>> {
    let db = &state.db;
    let platforms = crate::platforms::platform_names(
        db,
        rows.iter()
            .flat_map(|r| std::iter::once(r.platform_id).chain(r.on_behalf_of)),
    )
    .await?;
    let organisations =
        crate::platforms::organisation_names(db, rows.iter().map(|r| r.organisation_id)).await?;
    let proposing = proposing_to(state, actor, &rows).await?;
    let name = |names: &std::collections::HashMap<Uuid, String>, id: Uuid| NamedRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let secretariat = actor.kpi_secretariat_of().contains(&row.platform_id);
            let state = ProposalState::parse(&row.state).unwrap_or_default();
            let proposes_there = proposing.contains(&row.platform_id);
            let actions = ProposalAction::ALL
                .iter()
                .copied()
                .filter(|a| a.next(state, row.answer_published).is_some())
                .filter(|a| may_take(actor, &row, *a, proposes_there))
                .collect();
            PolicyProposal {
                id: row.id,
                platform_id: row.platform_id,
                platform_name: name(&platforms, row.platform_id).name,
                organisation: name(&organisations, row.organisation_id),
                on_behalf_of: row.on_behalf_of.map(|id| name(&platforms, id)),
                title: row.title,
                background: row.background,
                proposal: row.proposal,
                target_groups: parse_json(&row.target_groups),
                state,
                outcome: row.outcome.as_deref().and_then(ProposalOutcome::parse),
                answer: row.answer,
                answered_at: row.answered_at,
                answer_published: row.answer_published,
                history: parse_json(&row.history),
                secretariat_note: secretariat.then_some(row.secretariat_note),
                note_version: secretariat.then(|| u32::try_from(row.note_version).unwrap_or(0)),
                version: u32::try_from(row.version).unwrap_or(0),
                actions,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        })
        .collect())
}

/// One proposal as `actor` sees it.
async fn view(state: &AppState, actor: &Actor, row: proposal::Model) -> ApiResult<PolicyProposal> {
    views(state, actor, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a view of one proposal is one proposal".into()))
}

/// The proposals the actor may read, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<PolicyProposal>> {
    let rows = proposal::Entity::find()
        .filter(actor.scope(&state.db).proposal_visible())
        .order_by_desc(proposal::Column::CreatedAt)
        .order_by_desc(proposal::Column::Id)
        .all(&state.db)
        .await?;
    views(state, actor, rows).await
}

/// One proposal, if the actor may read it (404 otherwise).
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<PolicyProposal> {
    let row = actor.scope(&state.db).proposal(id).await?;
    view(state, actor, row).await
}

/// The proposal as the sync feed sends it: what `get` answers.
pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<PolicyProposal> {
    get(state, actor, id).await
}

/// Where the actor may send a proposal: each prefectural platform of their networks where
/// they hold a role other than observer, with the municipal platforms of it they
/// coordinate (a municipal platform proposes through its secretariat).
pub async fn addressees(state: &AppState, actor: &Actor) -> ApiResult<Vec<ProposalAddressee>> {
    let role_platforms: BTreeSet<Uuid> = actor
        .roles
        .iter()
        .filter(|(_, r)| *r != Role::Observer)
        .map(|(p, _)| *p)
        .collect();
    if role_platforms.is_empty() {
        return Ok(Vec::new());
    }
    let rows = platform::Entity::find()
        .filter(platform::Column::Id.is_in(role_platforms.iter().copied()))
        .all(&state.db)
        .await?;
    let mut out: Vec<ProposalAddressee> = Vec::new();
    for row in &rows {
        let root = row.parent_id.unwrap_or(row.id);
        let index = match out.iter().position(|a| a.platform.id == root) {
            Some(i) => i,
            None => {
                out.push(ProposalAddressee {
                    platform: NamedRef {
                        id: root,
                        name: String::new(),
                    },
                    on_behalf_of: Vec::new(),
                });
                out.len() - 1
            }
        };
        let coordinates = actor
            .roles_on(row.id)
            .iter()
            .any(|r| matches!(r, Role::Coordinator | Role::Admin));
        if row.kind == PlatformKind::Municipal.as_str() && coordinates {
            out[index].on_behalf_of.push(NamedRef {
                id: row.id,
                name: row.name.clone(),
            });
        }
    }
    let names =
        crate::platforms::platform_names(&state.db, out.iter().map(|a| a.platform.id)).await?;
    for a in &mut out {
        a.platform.name = names.get(&a.platform.id).cloned().unwrap_or_default();
        a.on_behalf_of.sort_by(|x, y| x.name.cmp(&y.name));
    }
    out.sort_by(|x, y| x.platform.name.cmp(&y.platform.name));
    Ok(out)
}

/// What `/proposals` shows.
pub async fn page(state: &AppState, actor: &Actor) -> ApiResult<ProposalsPage> {
    Ok(ProposalsPage {
        proposals: list(state, actor).await?,
        addressees: addressees(state, actor).await?,
    })
}

/// The addressee and the platform proposed for, checked against what the actor may do:
/// 403 when they may not propose at all, 422 `invalid_platform` for a platform they may not
/// send to or propose for.
async fn checked_addressee(
    state: &AppState,
    actor: &Actor,
    input: &NewProposal,
) -> ApiResult<(Uuid, Option<Uuid>)> {
    let mine = addressees(state, actor).await?;
    if mine.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let invalid_platform = |message: &str| ApiError::invalid("invalid_platform", message);
    // A municipal platform proposed for names its network.
    let of_platform = input.on_behalf_of.and_then(|p| {
        mine.iter()
            .find(|a| a.on_behalf_of.iter().any(|m| m.id == p))
    });
    let addressee = match (input.platform_id, of_platform) {
        (None, Some(a)) => a,
        (Some(id), _) => mine.iter().find(|a| a.platform.id == id).ok_or_else(|| {
            invalid_platform("`platform_id`: a prefectural platform of your networks.")
        })?,
        (None, None) if mine.len() == 1 => &mine[0],
        (None, None) => {
            return Err(invalid_platform(
                "`platform_id`: you work in several networks; name the one to send it to.",
            ))
        }
    };
    let on_behalf_of = match input.on_behalf_of {
        Some(id) if addressee.on_behalf_of.iter().any(|p| p.id == id) => Some(id),
        Some(_) => {
            return Err(invalid_platform(
                "`on_behalf_of`: a municipal platform of that network you coordinate.",
            ))
        }
        None => None,
    };
    Ok((addressee.platform.id, on_behalf_of))
}

/// Submits a proposal and tells the secretariat.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewProposal,
) -> ApiResult<PolicyProposal> {
    let (platform_id, on_behalf_of) = checked_addressee(state, actor, &input).await?;
    refuse_personal_data_in(&input)?;
    let title = name("title", &input.title, MAX_PROPOSAL_TITLE_CHARS, true)?;
    let background = text(
        "background",
        &input.background,
        MAX_PROPOSAL_TEXT_CHARS,
        false,
    )?;
    let body = text("proposal", &input.proposal, MAX_PROPOSAL_TEXT_CHARS, true)?;
    if input.target_groups.len() > MAX_TARGET_GROUPS {
        return Err(ApiError::invalid(
            "invalid_field",
            "`target_groups`: each of the three target groups at most once.",
        ));
    }
    let mut groups = input.target_groups.clone();
    groups.sort();
    groups.dedup();
    let now = Utc::now();
    let history = vec![ProposalHistoryEntry {
        state: ProposalState::Submitted,
        at: now,
    }];
    let txn = state.db.begin().await?;
    let row = proposal::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform_id),
        organisation_id: Set(actor.organisation.id),
        on_behalf_of: Set(on_behalf_of),
        created_by: Set(actor.user.id),
        title: Set(title),
        background: Set(background),
        proposal: Set(body),
        target_groups: Set(json(&groups)),
        state: Set(ProposalState::Submitted.as_str().into()),
        outcome: Set(None),
        answer: Set(String::new()),
        answered_at: Set(None),
        answer_published: Set(false),
        history: Set(json(&history)),
        secretariat_note: Set(String::new()),
        note_version: Set(1),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for user in secretariat_users(&txn, platform_id).await? {
        if user != actor.user.id {
            notify(
                &txn,
                user,
                NotificationKind::ProposalSubmitted,
                About::Proposal(row.id),
                actor.user.id,
            )
            .await?;
        }
    }
    log_change(&txn, &row, false).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

fn read_version(version: u32, current: i32, what: &str) -> ApiResult<i32> {
    match i32::try_from(version) {
        Ok(v) if v == current => Ok(v),
        _ => Err(edit_conflict(what)),
    }
}

fn invalid_transition(action: ProposalAction, state: ProposalState) -> ApiError {
    ApiError::Conflict {
        code: "invalid_transition",
        message: format!("A proposal that is {state} cannot be given the step `{action}`."),
    }
}

/// Takes a step on a proposal at the version read: the secretariat reviews, answers,
/// closes and publishes; the proposing organisation withdraws. 403 for a step the reader
/// may not take, 409 `invalid_transition` for one the state does not allow, 409
/// `edit_conflict` when someone else's step came first.
pub async fn step(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: ProposalStep,
) -> ApiResult<PolicyProposal> {
    let row = actor.scope(&state.db).proposal(id).await?;
    let proposes_there = proposing_to(state, actor, std::slice::from_ref(&row))
        .await?
        .contains(&row.platform_id);
    if !may_take(actor, &row, input.action, proposes_there) {
        return Err(ApiError::Forbidden);
    }
    refuse_personal_data_in(&input)?;
    let version = read_version(input.version, row.version, "proposal")?;
    let from = ProposalState::parse(&row.state).unwrap_or_default();
    let to = input
        .action
        .next(from, row.answer_published)
        .ok_or_else(|| invalid_transition(input.action, from))?;
    let now = Utc::now();
    let mut update: proposal::ActiveModel = row.clone().into();
    let mut network_too = false;
    match input.action {
        ProposalAction::Answer => {
            let outcome = input.outcome.ok_or_else(|| {
                ApiError::invalid("invalid_field", "`outcome`: the decision is required.")
            })?;
            let answer = text("answer", &input.answer, MAX_PROPOSAL_TEXT_CHARS, true)?;
            update.outcome = Set(Some(outcome.as_str().into()));
            update.answer = Set(answer);
            update.answered_at = Set(Some(now));
            update.answer_published = Set(input.publish_answer);
        }
        ProposalAction::PublishAnswer => update.answer_published = Set(true),
        ProposalAction::UnpublishAnswer => {
            update.answer_published = Set(false);
            // Those who read it through the publication get a tombstone.
            network_too = true;
        }
        ProposalAction::Review | ProposalAction::Close | ProposalAction::Withdraw => {}
    }
    if to != from {
        let mut history: Vec<ProposalHistoryEntry> = parse_json(&row.history);
        history.push(ProposalHistoryEntry { state: to, at: now });
        update.history = Set(json(&history));
        update.state = Set(to.as_str().into());
    }
    update.version = Set(version + 1);
    update.updated_at = Set(now);
    let txn = state.db.begin().await?;
    let after = claim(&txn, id, proposal::Column::Version, version, update).await?;
    if input.action == ProposalAction::Answer {
        let proposers: Vec<Uuid> = user::Entity::find()
            .filter(user::Column::OrganisationId.eq(row.organisation_id))
            .filter(user::Column::DisabledAt.is_null())
            .all(&txn)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        for user in proposers.into_iter().filter(|u| *u != actor.user.id) {
            notify(
                &txn,
                user,
                NotificationKind::ProposalAnswered,
                About::Proposal(id),
                actor.user.id,
            )
            .await?;
        }
    }
    log_change(&txn, &after, network_too).await?;
    crate::audit::record(
        &txn,
        crate::audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "proposal.step",
            record_kind: Some("policy_proposal"),
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

/// Saves the secretariat's own note at the note version read (the proposer's steps do not
/// race it: it has a version of its own).
pub async fn write_note(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: ProposalNoteInput,
) -> ApiResult<PolicyProposal> {
    let row = actor.scope(&state.db).proposal(id).await?;
    if !actor.kpi_secretariat_of().contains(&row.platform_id) {
        return Err(ApiError::Forbidden);
    }
    refuse_personal_data_in(&input)?;
    let note_version = read_version(input.note_version, row.note_version, "note")?;
    let note = text("note", &input.note, MAX_PROPOSAL_TEXT_CHARS, false)?;
    let mut update: proposal::ActiveModel = row.clone().into();
    update.secretariat_note = Set(note);
    // Not `updated_at`: when the note was written is the secretariat's to know too.
    update.note_version = Set(note_version + 1);
    let txn = state.db.begin().await?;
    let after = claim(
        &txn,
        id,
        proposal::Column::NoteVersion,
        note_version,
        update,
    )
    .await?;
    // The note is the secretariat's: only they hear of it.
    sync::append(
        &txn,
        ChangeKind::Proposal,
        id,
        ChangeOp::Upsert,
        &Audience {
            users: secretariat_users(&txn, row.platform_id).await?,
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

/// Writes `update` only if `column` still holds `version` (the transaction's first
/// statement: on SQLite it takes the write lock before anything is read); someone else's
/// write in between is 409 `edit_conflict`. Only the columns `update` sets are written, so
/// a step and a note never overwrite each other.
async fn claim(
    txn: &impl ConnectionTrait,
    id: Uuid,
    column: proposal::Column,
    version: i32,
    update: proposal::ActiveModel,
) -> ApiResult<proposal::Model> {
    let changed = proposal::Entity::update_many()
        .set(update)
        .filter(proposal::Column::Id.eq(id))
        .filter(column.eq(version))
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(edit_conflict("proposal"));
    }
    proposal::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)
}
