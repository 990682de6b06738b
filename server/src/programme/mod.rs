//! A prefectural network's programme (事業名, target ages) and its versioned
//! confidentiality pledge (guidelines §6 「秘密の保持」): data of each network, edited by its
//! secretariat (issue 17). See `app::programme` for the wire types.
//!
//! Who may do what: any member of the network reads the programme and every version of
//! the pledge (they are asked to accept it); its secretariat (a coordinator or
//! administrator of the prefectural platform, as for KPIs) edits them; another network
//! gets 404. A new pledge version asks everyone of the network to accept again: their
//! next request is refused with `pledge_required` and their open event streams end.

pub mod forms;
pub mod routes;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

use app::domain::PledgeText;
use app::programme::{
    NetworkProgramme, NewPledge, ProgrammeInput, ProgrammePage, MAX_PLEDGE_CLAUSES,
    MAX_PLEDGE_CLAUSE_CHARS, MAX_PLEDGE_INTRO_CHARS, MAX_PLEDGE_NOTE_CHARS,
    MAX_PROGRAMME_NAME_CHARS, MAX_TARGET_AGE, MIN_TARGET_AGE,
};

use crate::audit;
use crate::entities::{platform, pledge, pledge_acceptance, user_role};
use crate::http::boundary::name;
use crate::http::input::{json, parse_json, refuse_personal_data_in, text};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

/// The programme of a network, from its prefectural platform's row.
pub fn programme_view(root: &platform::Model) -> NetworkProgramme {
    let age = |v: Option<i32>| v.and_then(|v| u8::try_from(v).ok());
    NetworkProgramme {
        network_id: root.id,
        programme_name: root.programme_name.clone().unwrap_or_default(),
        target_age_min: age(root.target_age_min),
        target_age_max: age(root.target_age_max),
    }
}

fn pledge_view(row: pledge::Model, network_name: &str) -> PledgeText {
    PledgeText {
        id: row.id,
        network_id: row.network_id,
        network_name: network_name.to_string(),
        version: u32::try_from(row.version).unwrap_or(0),
        intro: row.intro,
        clauses: parse_json(&row.clauses),
        note: row.note,
        created_at: row.created_at,
    }
}

/// The prefectural platform at the root of the network `platform_id` belongs to, if the
/// actor may see it (404 otherwise).
async fn network_root(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
) -> ApiResult<platform::Model> {
    let platform = actor.scope(&state.db).platform(platform_id).await?;
    let root = platform.parent_id.unwrap_or(platform.id);
    platform::Entity::find_by_id(root)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The programme of the network whose prefectural platform is `root` (empty when there
/// is none such).
pub async fn programme_of(db: &impl ConnectionTrait, root: Uuid) -> ApiResult<NetworkProgramme> {
    Ok(platform::Entity::find_by_id(root)
        .one(db)
        .await?
        .map(|row| programme_view(&row))
        .unwrap_or_default())
}

/// What `/p/:slug/programme` shows: the network's programme and every pledge version.
pub async fn page(state: &AppState, actor: &Actor, platform_id: Uuid) -> ApiResult<ProgrammePage> {
    let root = network_root(state, actor, platform_id).await?;
    let pledges = pledge::Entity::find()
        .filter(pledge::Column::NetworkId.eq(root.id))
        .order_by_desc(pledge::Column::Version)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|row| pledge_view(row, &root.name))
        .collect();
    Ok(ProgrammePage {
        can_edit: actor.kpi_secretariat_of().contains(&root.id),
        programme: programme_view(&root),
        network: crate::policy::platform_view(root),
        pledges,
    })
}

/// [`page`] for the platform a page's slug names.
pub async fn page_by_slug(state: &AppState, actor: &Actor, slug: &str) -> ApiResult<ProgrammePage> {
    let platform = actor.scope(&state.db).platform_by_slug(slug).await?;
    page(state, actor, platform.id).await
}

/// The network's root, when the actor is its secretariat: 404 when they may not see the
/// platform, 403 when they may but do not run the network.
async fn managed_root(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
) -> ApiResult<platform::Model> {
    let root = network_root(state, actor, platform_id).await?;
    if !actor.kpi_secretariat_of().contains(&root.id) {
        return Err(ApiError::Forbidden);
    }
    Ok(root)
}

/// An age of the band: whole years from [`MIN_TARGET_AGE`] to [`MAX_TARGET_AGE`].
fn checked_band(min: Option<u8>, max: Option<u8>) -> ApiResult<(Option<i32>, Option<i32>)> {
    let range = MIN_TARGET_AGE..=MAX_TARGET_AGE;
    let fits = |v: Option<u8>| v.is_none_or(|v| range.contains(&v));
    if !fits(min) || !fits(max) || matches!((min, max), (Some(a), Some(b)) if a > b) {
        return Err(ApiError::invalid(
            "invalid_age_band",
            format!(
                "`target_age_min`, `target_age_max`: whole years from {MIN_TARGET_AGE} to {MAX_TARGET_AGE}, the first not above the second (either may be left open)."
            ),
        ));
    }
    Ok((min.map(i32::from), max.map(i32::from)))
}

/// Renames the network's programme or changes its age band (the secretariat). Audited.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
    input: ProgrammeInput,
) -> ApiResult<NetworkProgramme> {
    let root = managed_root(state, actor, platform_id).await?;
    refuse_personal_data_in(&input)?;
    let programme_name = name(
        "programme_name",
        &input.programme_name,
        MAX_PROGRAMME_NAME_CHARS,
        true,
    )?;
    let (min, max) = checked_band(input.target_age_min, input.target_age_max)?;
    let txn = state.db.begin().await?;
    let mut row: platform::ActiveModel = root.clone().into();
    row.programme_name = Set(Some(programme_name));
    row.target_age_min = Set(min);
    row.target_age_max = Set(max);
    let updated = row.update(&txn).await?;
    audit::record(
        &txn,
        audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "programme_changed",
            record_kind: Some("platform"),
            record_id: Some(root.id),
            platform_id: Some(root.id),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(programme_view(&updated))
}

/// Saves a new version of the network's pledge (the secretariat). Everyone of the network
/// is asked to accept it before their next page; their event streams end now. Two
/// secretaries saving at once get two versions, one after the other (the network's row is
/// locked first). Audited.
pub async fn new_pledge(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
    input: NewPledge,
) -> ApiResult<PledgeText> {
    let root = managed_root(state, actor, platform_id).await?;
    refuse_personal_data_in(&input)?;
    let intro = text("intro", &input.intro, MAX_PLEDGE_INTRO_CHARS, true)?;
    if input.clauses.is_empty() || input.clauses.len() > MAX_PLEDGE_CLAUSES {
        return Err(ApiError::invalid(
            "invalid_pledge",
            format!("`clauses`: give 1 to {MAX_PLEDGE_CLAUSES} clauses."),
        ));
    }
    let clauses = input
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| name(&format!("clauses[{i}]"), c, MAX_PLEDGE_CLAUSE_CHARS, true))
        .collect::<ApiResult<Vec<String>>>()?;
    let note = text("note", &input.note, MAX_PLEDGE_NOTE_CHARS, false)?;

    let txn = state.db.begin().await?;
    // Serialises two secretaries: the second waits here and numbers after the first.
    crate::platforms::lock_platform(&txn, root.id).await?;
    let last = pledge::Entity::find()
        .filter(pledge::Column::NetworkId.eq(root.id))
        .order_by_desc(pledge::Column::Version)
        .one(&txn)
        .await?
        .map(|p| p.version)
        .unwrap_or(0);
    let row = pledge::ActiveModel {
        id: Set(Uuid::new_v4()),
        network_id: Set(root.id),
        version: Set(last + 1),
        intro: Set(intro),
        clauses: Set(json(&clauses)),
        note: Set(note),
        created_by: Set(actor.user.id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "pledge_version_created",
            record_kind: Some("pledge"),
            record_id: Some(row.id),
            platform_id: Some(root.id),
            detail: Some(serde_json::json!({ "version": row.version })),
            ..Default::default()
        },
    )
    .await?;
    // Everyone who works in the network: their streams re-check and end (pledge owed).
    let (_, network) = crate::policy::network_of(&txn, std::iter::once(root.id)).await?;
    let people: BTreeSet<Uuid> = user_role::Entity::find()
        .filter(user_role::Column::PlatformId.is_in(network))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    for user in &people {
        crate::sync::notify_account(&txn, *user).await?;
    }
    txn.commit().await?;
    for user in people {
        state.changes.account_changed(user);
    }
    Ok(pledge_view(row, &root.name))
}

/// The current pledge versions of these networks that the user has not accepted: what
/// the pledge page asks for. A network with no stored version asks for the built-in
/// pledge, which `users.pledge_accepted_at` records.
pub async fn pledges_due(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    roots: &BTreeSet<Uuid>,
) -> Result<Vec<PledgeText>, sea_orm::DbErr> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let mut current: HashMap<Uuid, pledge::Model> = HashMap::new();
    for row in pledge::Entity::find()
        .filter(pledge::Column::NetworkId.is_in(roots.iter().copied()))
        .all(db)
        .await?
    {
        match current.get(&row.network_id) {
            Some(newer) if newer.version >= row.version => {}
            _ => {
                current.insert(row.network_id, row);
            }
        }
    }
    if current.is_empty() {
        return Ok(Vec::new());
    }
    let accepted: BTreeSet<Uuid> = pledge_acceptance::Entity::find()
        .filter(pledge_acceptance::Column::UserId.eq(user_id))
        .filter(pledge_acceptance::Column::PledgeId.is_in(current.values().map(|p| p.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.pledge_id)
        .collect();
    let due: Vec<pledge::Model> = current
        .into_values()
        .filter(|p| !accepted.contains(&p.id))
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let names: HashMap<Uuid, String> = platform::Entity::find()
        .filter(platform::Column::Id.is_in(due.iter().map(|p| p.network_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut due: Vec<PledgeText> = due
        .into_iter()
        .map(|p| {
            let network = names.get(&p.network_id).cloned().unwrap_or_default();
            pledge_view(p, &network)
        })
        .collect();
    due.sort_by(|a, b| a.network_name.cmp(&b.network_name));
    Ok(due)
}

/// Records that the user accepted these pledge versions (those the page showed them), in
/// the caller's transaction. Accepting one again keeps the first time.
pub async fn record_acceptances(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    pledges: &[Uuid],
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    for id in pledges {
        // Two tabs accepting at once: the second insert does nothing.
        pledge_acceptance::Entity::insert(pledge_acceptance::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            pledge_id: Set(*id),
            accepted_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                pledge_acceptance::Column::UserId,
                pledge_acceptance::Column::PledgeId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// A network's programme and the first version of its pledge, as `kakehashi seed` and the
/// administrator's tools set them up (no actor: the caller is trusted).
pub async fn set_up_network(
    db: &impl ConnectionTrait,
    root: &platform::Model,
    programme: &NetworkProgramme,
    intro: &str,
    clauses: &[&str],
    created_by: Uuid,
) -> Result<(), sea_orm::DbErr> {
    let mut row: platform::ActiveModel = root.clone().into();
    row.programme_name = Set(Some(programme.programme_name.clone()));
    row.target_age_min = Set(programme.target_age_min.map(i32::from));
    row.target_age_max = Set(programme.target_age_max.map(i32::from));
    row.update(db).await?;
    pledge::ActiveModel {
        id: Set(Uuid::new_v4()),
        network_id: Set(root.id),
        version: Set(1),
        intro: Set(intro.to_string()),
        clauses: Set(json(&clauses)),
        note: Set(String::new()),
        created_by: Set(created_by),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}
