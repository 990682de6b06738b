//! The implementation plan (事業実施計画, guidelines §3(1)① and §4(2): the secretariat
//! drafts the plan with the members and manages the progress of every project in it).
//!
//! A plan belongs to a prefectural platform. Its working copy is the secretariat's
//! (`Actor::kpi_secretariat_of`: coordinators and administrators there); publishing it
//! writes the next revision, an immutable snapshot every member of the network reads
//! (`Scope::plan_visible`). Another network sees nothing: 404, nothing in lists or the
//! feed. An item's progress is kept beside the revisions and is reported by the
//! secretariat or, for a published item, by an organisation responsible for it.

pub mod compare;
pub mod forms;
pub mod report;
pub mod routes;

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, Role};
use app::plans::{
    ImplementationPlan, NamedRef, NewPlan, PlanContent, PlanFormPage, PlanItem, PlanItemInput,
    PlanItemProgress, PlanItemStatus, PlanItemWrite, PlanProgressInput, PlanRevisionSummary,
    PlanSection, PlanSectionInput, PlanSectionText, PlanUpdate, PublishPlan, MAX_PLAN_ITEMS,
    MAX_PLAN_YEARS, MAX_SECTION_CHARS,
};

use crate::entities::{
    implementation_plan as plan, kpi, plan_item_progress, plan_revision, user_role,
};
use crate::http::boundary::name;
use crate::http::input::{json, parse_json, refuse_personal_data_in, text};
use crate::http::{ApiError, ApiResult};
use crate::kpis::{edit_conflict, fiscal_year, secretariat_platform};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
pub const MAX_NOTE_CHARS: usize = 1_000;
pub const MAX_RESPONSIBLE: usize = 20;
pub const MAX_ITEM_KPIS: usize = 10;
/// The largest budget, in thousands of yen (a trillion: far past any prefecture's).
pub const MAX_BUDGET: f64 = 1e12;

fn invalid(message: String) -> ApiError {
    ApiError::invalid("invalid_field", message)
}

/// The users who run `platform_id`'s plans: its coordinators and administrators.
pub(crate) async fn secretariat_users(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    let mut users: Vec<Uuid> = user_role::Entity::find()
        .filter(user_role::Column::PlatformId.eq(platform_id))
        .filter(user_role::Column::Role.is_in([Role::Coordinator.as_str(), Role::Admin.as_str()]))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    users.sort();
    users.dedup();
    Ok(users)
}

/// Tells the readers whose view of the plan changed. A working-copy change reaches the
/// secretariat alone (the network's view is the published revision, unchanged); a
/// publication, a deletion or progress on a published item reaches the network too.
async fn log_change(
    txn: &impl ConnectionTrait,
    row: &plan::Model,
    network_sees_it: bool,
) -> Result<(), sea_orm::DbErr> {
    let mut audience = Audience {
        users: secretariat_users(txn, row.platform_id).await?,
        ..Default::default()
    };
    if network_sees_it {
        audience.networks.push(row.platform_id);
    }
    let op = if row.deleted_at.is_some() {
        ChangeOp::Delete
    } else {
        ChangeOp::Upsert
    };
    sync::append(txn, ChangeKind::Plan, row.id, op, &audience).await?;
    Ok(())
}

/// The eight sections in the official order, each with its text (empty when unwritten).
fn all_sections(stored: Vec<PlanSectionText>, with_html: bool) -> Vec<PlanSectionText> {
    PlanSection::ALL
        .iter()
        .map(|section| {
            let body = stored
                .iter()
                .find(|s| s.section == *section)
                .map(|s| s.body.clone())
                .unwrap_or_default();
            PlanSectionText {
                section: *section,
                html: if with_html {
                    crate::practices::markdown::render(&body)
                } else {
                    String::new()
                },
                body,
            }
        })
        .collect()
}

/// The working copy's content (sections without HTML: as stored and compared).
fn working_copy(row: &plan::Model) -> PlanContent {
    PlanContent {
        title: row.title.clone(),
        period_start: row.period_start,
        period_end: row.period_end,
        sections: all_sections(parse_json(&row.sections), false),
        items: parse_json(&row.items),
    }
}

/// A stored revision's content (as written when published).
fn revision_content(rev: &plan_revision::Model) -> Option<PlanContent> {
    serde_json::from_str(&rev.content).ok()
}

/// The content as a page shows it: every section with its HTML.
fn rendered(mut content: PlanContent) -> PlanContent {
    content.sections = all_sections(content.sections, true);
    content
}

async fn revisions_of(
    db: &impl ConnectionTrait,
    plan_id: Uuid,
) -> Result<Vec<plan_revision::Model>, sea_orm::DbErr> {
    plan_revision::Entity::find()
        .filter(plan_revision::Column::PlanId.eq(plan_id))
        .order_by_desc(plan_revision::Column::Revision)
        .all(db)
        .await
}

/// Which content a view shows: the working copy (0, the secretariat's) or a revision.
#[derive(Clone, Copy)]
enum Shown {
    /// The working copy for the secretariat, the latest revision for everyone else.
    Default,
    Revision(u32),
}

/// The names of the organisations and KPIs `contents` refer to, as far as the reader may
/// see them (a draft KPI's name stays the secretariat's).
async fn names(
    state: &AppState,
    actor: &Actor,
    contents: &[&PlanContent],
) -> ApiResult<(Vec<NamedRef>, Vec<NamedRef>)> {
    let items = contents.iter().flat_map(|c| c.items.iter());
    let org_ids: BTreeSet<Uuid> = items
        .clone()
        .flat_map(|i| i.input.responsible.iter().copied())
        .collect();
    let kpi_ids: BTreeSet<Uuid> = items.flat_map(|i| i.input.kpis.iter().copied()).collect();
    let orgs = crate::platforms::organisation_names(&state.db, org_ids).await?;
    let kpis = if kpi_ids.is_empty() {
        Vec::new()
    } else {
        kpi::Entity::find()
            .filter(kpi::Column::Id.is_in(kpi_ids))
            .filter(actor.scope(&state.db).kpi_visible())
            .all(&state.db)
            .await?
    };
    let mut orgs: Vec<NamedRef> = orgs
        .into_iter()
        .map(|(id, name)| NamedRef { id, name })
        .collect();
    orgs.sort_by(|a, b| a.name.cmp(&b.name));
    let kpis = kpis
        .into_iter()
        .map(|k| NamedRef {
            id: k.id,
            name: k.name,
        })
        .collect();
    Ok((orgs, kpis))
}

/// The plan as the actor sees it.
async fn view(
    state: &AppState,
    actor: &Actor,
    row: plan::Model,
    shown: Shown,
) -> ApiResult<ImplementationPlan> {
    let db = &state.db;
    let secretariat = actor.kpi_secretariat_of().contains(&row.platform_id);
    let revisions = revisions_of(db, row.id).await?;
    let latest = revisions.first().and_then(revision_content);
    let working = working_copy(&row);
    let (shown_revision, content) = match shown {
        Shown::Default if secretariat => (0, working.clone()),
        Shown::Default => (
            u32::try_from(row.revision).unwrap_or(0),
            latest.clone().ok_or(ApiError::NotFound)?,
        ),
        Shown::Revision(n) => {
            let content = revisions
                .iter()
                .find(|r| r.revision == n as i32)
                .and_then(revision_content)
                .ok_or(ApiError::NotFound)?;
            (n, content)
        }
    };
    let item_ids: Vec<Uuid> = content.items.iter().map(|i| i.id).collect();
    let progress: Vec<PlanItemProgress> = plan_item_progress::Entity::find()
        .filter(plan_item_progress::Column::PlanId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| item_ids.contains(&p.item_id))
        .map(|p| PlanItemProgress {
            item_id: p.item_id,
            status: PlanItemStatus::parse(&p.status).unwrap_or_default(),
            note: p.note,
            version: u32::try_from(p.version).unwrap_or(0),
            updated_at: Some(p.updated_at),
        })
        .collect();
    let can_report: Vec<Uuid> = if secretariat {
        item_ids.clone()
    } else {
        latest
            .as_ref()
            .map(|c| {
                c.items
                    .iter()
                    .filter(|i| i.input.responsible.contains(&actor.organisation.id))
                    .map(|i| i.id)
                    .filter(|id| item_ids.contains(id))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (organisations, kpis) = names(state, actor, &[&content]).await?;
    let platform_name = crate::platforms::platform_names(db, [row.platform_id])
        .await?
        .remove(&row.platform_id)
        .unwrap_or_default();
    Ok(ImplementationPlan {
        id: row.id,
        platform_id: row.platform_id,
        platform_name,
        shown_revision,
        revision: u32::try_from(row.revision).unwrap_or(0),
        version: u32::try_from(row.version).unwrap_or(0),
        unpublished_changes: secretariat && latest.as_ref() != Some(&working),
        content: rendered(content),
        progress,
        revisions: revisions
            .iter()
            .map(|r| PlanRevisionSummary {
                revision: u32::try_from(r.revision).unwrap_or(0),
                note: r.note.clone(),
                published_at: r.published_at,
            })
            .collect(),
        organisations,
        kpis,
        can_edit: secretariat,
        can_report,
        updated_at: row.updated_at,
    })
}

/// The plans the actor may read, newest period first.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<ImplementationPlan>> {
    let rows = plan::Entity::find()
        .filter(actor.scope(&state.db).plan_visible())
        .order_by_desc(plan::Column::PeriodStart)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(view(state, actor, row, Shown::Default).await?);
    }
    Ok(out)
}

/// One plan: the working copy for its secretariat, the latest revision for the network.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<ImplementationPlan> {
    let row = actor.scope(&state.db).plan(id).await?;
    view(state, actor, row, Shown::Default).await
}

/// The plan as the sync feed sends it: what `get` answers.
pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<ImplementationPlan> {
    get(state, actor, id).await
}

/// One published revision (1 ≤ `revision` ≤ the latest; 404 otherwise).
pub async fn get_revision(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    revision: u32,
) -> ApiResult<ImplementationPlan> {
    let row = actor.scope(&state.db).plan(id).await?;
    if revision == 0 || revision as i64 > i64::from(row.revision) {
        return Err(ApiError::NotFound);
    }
    view(state, actor, row, Shown::Revision(revision)).await
}

/// The plan, if the actor runs it (403 when they only read it).
async fn managed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<plan::Model> {
    let row = actor.scope(&state.db).plan(id).await?;
    if !actor.kpi_secretariat_of().contains(&row.platform_id) {
        return Err(ApiError::Forbidden);
    }
    Ok(row)
}

/// The title and period checked: a title, 年度 within the window, at most ten years.
fn checked_heading(title: &str, start: i32, end: i32) -> ApiResult<(String, i32, i32)> {
    let title = name("title", title, MAX_TITLE_CHARS, true)?;
    let start = fiscal_year("period_start", start)?;
    let end = fiscal_year("period_end", end)?;
    if end < start || end - start + 1 > MAX_PLAN_YEARS {
        return Err(invalid(format!(
            "`period_end`: from `period_start` to {MAX_PLAN_YEARS} years after it."
        )));
    }
    Ok((title, start, end))
}

/// The sections as written merged into `stored` (sections left out keep their text).
fn merged_sections(
    stored: Vec<PlanSectionText>,
    written: &[PlanSectionInput],
) -> ApiResult<Vec<PlanSectionText>> {
    let mut out = all_sections(stored, false);
    for (i, input) in written.iter().enumerate() {
        if written[..i].iter().any(|w| w.section == input.section) {
            return Err(invalid(format!(
                "`sections[{i}].section`: each section once."
            )));
        }
        let body = text(
            &format!("sections[{i}].body"),
            &input.body,
            MAX_SECTION_CHARS,
            false,
        )?;
        if let Some(s) = out.iter_mut().find(|s| s.section == input.section) {
            s.body = body;
        }
    }
    Ok(out)
}

/// Another plan of the platform whose period overlaps `start..=end`: 409.
async fn refuse_overlap(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    except: Option<Uuid>,
    start: i32,
    end: i32,
) -> ApiResult<()> {
    let mut query = plan::Entity::find()
        .filter(plan::Column::PlatformId.eq(platform_id))
        .filter(plan::Column::DeletedAt.is_null())
        .filter(plan::Column::PeriodStart.lte(end))
        .filter(plan::Column::PeriodEnd.gte(start));
    if let Some(id) = except {
        query = query.filter(plan::Column::Id.ne(id));
    }
    if query.one(db).await?.is_some() {
        return Err(ApiError::Conflict {
            code: "plan_period_overlap",
            message: "Another plan of this platform covers some of these years: one plan per \
                      period. Extend that plan with a revision instead."
                .into(),
        });
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewPlan,
) -> ApiResult<ImplementationPlan> {
    let platform_id = secretariat_platform(actor, input.platform_id)?;
    refuse_personal_data_in(&input)?;
    let (title, start, end) = checked_heading(&input.title, input.period_start, input.period_end)?;
    let sections = merged_sections(Vec::new(), &input.sections)?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    // Serialises plan creation per database (SQLite: the write lock; PostgreSQL: the
    // platform's row), so that two overlapping plans cannot both pass the check.
    crate::platforms::lock_platform(&txn, platform_id).await?;
    refuse_overlap(&txn, platform_id, None, start, end).await?;
    let row = plan::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform_id),
        created_by: Set(actor.user.id),
        title: Set(title),
        period_start: Set(start),
        period_end: Set(end),
        sections: Set(json(&sections)),
        items: Set(json(&Vec::<PlanItem>::new())),
        revision: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    log_change(&txn, &row, false).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row, Shown::Default).await
}

/// Writes `update` only if the plan is still at `version` (the first statement of the
/// transaction: on SQLite it takes the write lock before anything is read); someone
/// else's change in between is 409 `edit_conflict`. Returns the plan as written.
async fn claim_version(
    txn: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    update: plan::ActiveModel,
) -> ApiResult<plan::Model> {
    let changed = plan::Entity::update_many()
        .set(update)
        .filter(plan::Column::Id.eq(id))
        .filter(plan::Column::Version.eq(version))
        .filter(plan::Column::DeletedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(edit_conflict("plan"));
    }
    plan::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)
}

fn read_version(version: u32, row: &plan::Model) -> ApiResult<i32> {
    match i32::try_from(version) {
        Ok(v) if v == row.version => Ok(v),
        _ => Err(edit_conflict("plan")),
    }
}

/// Saves the working copy's `update` at `version`, with a new version, and tells the
/// secretariat.
async fn save_working_copy(
    state: &AppState,
    row: &plan::Model,
    version: i32,
    mut update: plan::ActiveModel,
) -> ApiResult<plan::Model> {
    update.version = Set(version + 1);
    update.updated_at = Set(Utc::now());
    let txn = state.db.begin().await?;
    let after = claim_version(&txn, row.id, version, update).await?;
    log_change(&txn, &after, false).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(after)
}

/// Saves the working copy's title, period and sections at the version the editor read.
/// Every item's schedule must stay within the period.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: PlanUpdate,
) -> ApiResult<ImplementationPlan> {
    let row = managed(state, actor, id).await?;
    refuse_personal_data_in(&input)?;
    let version = read_version(input.version, &row)?;
    let (title, start, end) = checked_heading(&input.title, input.period_start, input.period_end)?;
    let sections = merged_sections(parse_json(&row.sections), &input.sections)?;
    let items: Vec<PlanItem> = parse_json(&row.items);
    if items
        .iter()
        .any(|i| i.input.schedule.iter().any(|y| !(start..=end).contains(y)))
    {
        return Err(ApiError::Conflict {
            code: "plan_items_outside_period",
            message: "Some items are scheduled in years this period would drop: change their \
                      schedule first."
                .into(),
        });
    }
    let mut update: plan::ActiveModel = row.clone().into();
    update.title = Set(title);
    update.period_start = Set(start);
    update.period_end = Set(end);
    update.sections = Set(json(&sections));
    update.version = Set(version + 1);
    update.updated_at = Set(Utc::now());
    let txn = state.db.begin().await?;
    // The platform's lock first, as `create` takes it: a period checked against the other
    // plans stays free until this commits.
    crate::platforms::lock_platform(&txn, row.platform_id).await?;
    refuse_overlap(&txn, row.platform_id, Some(id), start, end).await?;
    let after = claim_version(&txn, id, version, update).await?;
    log_change(&txn, &after, false).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after, Shown::Default).await
}

/// One item checked: its text, that its organisations are members of the network, its
/// years within the period, its budget and that its KPIs are the platform's.
async fn checked_item(
    state: &AppState,
    row: &plan::Model,
    input: PlanItemInput,
) -> ApiResult<PlanItemInput> {
    let title = name("title", &input.title, MAX_TITLE_CHARS, true)?;
    let description = text(
        "description",
        &input.description,
        MAX_DESCRIPTION_CHARS,
        false,
    )?;
    let responsible = crate::platforms::checked_members(
        &state.db,
        row.platform_id,
        &input.responsible,
        "responsible",
        0..=MAX_RESPONSIBLE,
    )
    .await?;
    let mut schedule: Vec<i32> = input.schedule.clone();
    schedule.sort_unstable();
    schedule.dedup();
    if schedule
        .iter()
        .any(|y| !(row.period_start..=row.period_end).contains(y))
    {
        return Err(invalid(
            "`schedule`: 年度 of the plan period, each once.".into(),
        ));
    }
    if let Some(b) = input.budget {
        if !(b.is_finite() && (0.0..=MAX_BUDGET).contains(&b)) {
            return Err(invalid(
                "`budget`: thousands of yen, from 0 to 1,000,000,000,000.".into(),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    let mut kpis = input.kpis.clone();
    kpis.retain(|k| seen.insert(*k));
    if kpis.len() > MAX_ITEM_KPIS {
        return Err(invalid(format!("`kpis`: at most {MAX_ITEM_KPIS}.")));
    }
    if !kpis.is_empty() {
        let found = kpi::Entity::find()
            .filter(kpi::Column::Id.is_in(kpis.clone()))
            .filter(kpi::Column::PlatformId.eq(row.platform_id))
            .filter(kpi::Column::DeletedAt.is_null())
            .all(&state.db)
            .await?
            .len();
        if found != kpis.iter().collect::<BTreeSet<_>>().len() {
            return Err(ApiError::invalid(
                "invalid_kpi",
                "`kpis`: KPIs of the plan's own platform.",
            ));
        }
    }
    Ok(PlanItemInput {
        target_group: input.target_group,
        title,
        description,
        responsible,
        schedule,
        budget: input.budget,
        kpis,
    })
}

/// Adds an item to the working copy (last of its group) at the plan's `version`.
pub async fn add_item(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: PlanItemWrite,
) -> ApiResult<ImplementationPlan> {
    let row = managed(state, actor, id).await?;
    refuse_personal_data_in(&input)?;
    let version = read_version(input.version, &row)?;
    let item = checked_item(state, &row, input.item).await?;
    let mut items: Vec<PlanItem> = parse_json(&row.items);
    if items.len() >= MAX_PLAN_ITEMS {
        return Err(invalid(format!(
            "A plan holds at most {MAX_PLAN_ITEMS} items."
        )));
    }
    items.push(PlanItem {
        id: Uuid::new_v4(),
        input: item,
    });
    let mut update: plan::ActiveModel = row.clone().into();
    update.items = Set(json(&items));
    let after = save_working_copy(state, &row, version, update).await?;
    view(state, actor, after, Shown::Default).await
}

/// Changes an item of the working copy at the plan's `version`.
pub async fn update_item(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    item_id: Uuid,
    input: PlanItemWrite,
) -> ApiResult<ImplementationPlan> {
    let row = managed(state, actor, id).await?;
    refuse_personal_data_in(&input)?;
    let version = read_version(input.version, &row)?;
    let mut items: Vec<PlanItem> = parse_json(&row.items);
    let index = items
        .iter()
        .position(|i| i.id == item_id)
        .ok_or(ApiError::NotFound)?;
    items[index].input = checked_item(state, &row, input.item).await?;
    let mut update: plan::ActiveModel = row.clone().into();
    update.items = Set(json(&items));
    let after = save_working_copy(state, &row, version, update).await?;
    view(state, actor, after, Shown::Default).await
}

/// Removes an item from the working copy at the plan's `version` (published revisions
/// keep it).
pub async fn remove_item(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    item_id: Uuid,
    version: u32,
) -> ApiResult<ImplementationPlan> {
    let row = managed(state, actor, id).await?;
    let version = read_version(version, &row)?;
    let mut items: Vec<PlanItem> = parse_json(&row.items);
    let before = items.len();
    items.retain(|i| i.id != item_id);
    if items.len() == before {
        return Err(ApiError::NotFound);
    }
    let mut update: plan::ActiveModel = row.clone().into();
    update.items = Set(json(&items));
    let after = save_working_copy(state, &row, version, update).await?;
    view(state, actor, after, Shown::Default).await
}

/// Publishes the working copy, as read at `version`, as the next revision: every member
/// of the network reads it from then on. The first needs no note; every later one says
/// what changed (409 `plan_unchanged` when nothing did).
pub async fn publish(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: PublishPlan,
) -> ApiResult<ImplementationPlan> {
    let row = managed(state, actor, id).await?;
    refuse_personal_data_in(&input)?;
    let version = read_version(input.version, &row)?;
    let note = text("note", &input.note, MAX_NOTE_CHARS, row.revision > 0)?;
    let content = working_copy(&row);
    let latest = revisions_of(&state.db, id).await?;
    if latest.first().and_then(revision_content).as_ref() == Some(&content) {
        return Err(ApiError::Conflict {
            code: "plan_unchanged",
            message: "The working copy is the latest revision: nothing to publish.".into(),
        });
    }
    let now = Utc::now();
    let next = row.revision + 1;
    let mut update: plan::ActiveModel = row.clone().into();
    update.revision = Set(next);
    update.version = Set(version + 1);
    update.updated_at = Set(now);
    let txn = state.db.begin().await?;
    let after = claim_version(&txn, id, version, update).await?;
    plan_revision::ActiveModel {
        id: Set(Uuid::new_v4()),
        plan_id: Set(id),
        revision: Set(next),
        note: Set(note),
        content: Set(json(&content)),
        published_by: Set(actor.user.id),
        published_at: Set(now),
    }
    .insert(&txn)
    .await?;
    log_change(&txn, &after, true).await?;
    crate::audit::record(
        &txn,
        crate::audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "plan.publish",
            record_kind: Some("implementation_plan"),
            record_id: Some(id),
            platform_id: Some(row.platform_id),
            detail: Some(serde_json::json!({ "revision": next })),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after, Shown::Default).await
}

/// Removes a plan never published (a published plan is a record of the council: 409
/// `plan_published`).
pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<()> {
    let row = managed(state, actor, id).await?;
    if row.revision > 0 {
        return Err(ApiError::Conflict {
            code: "plan_published",
            message: "A published plan stays on record: publish a revision instead.".into(),
        });
    }
    let mut update: plan::ActiveModel = row.clone().into();
    update.deleted_at = Set(Some(Utc::now()));
    update.version = Set(row.version + 1);
    let txn = state.db.begin().await?;
    let after = claim_version(&txn, id, row.version, update).await?;
    log_change(&txn, &after, false).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

/// Reports an item's status and note. The secretariat for any item of the working copy
/// or the latest revision; an organisation responsible for an item of the latest
/// revision for that item. Saved only at the progress version read (0 for none yet):
/// two people reporting at once, the second is 409 `edit_conflict`.
pub async fn report_progress(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    item_id: Uuid,
    input: PlanProgressInput,
) -> ApiResult<ImplementationPlan> {
    let row = actor.scope(&state.db).plan(id).await?;
    progress_permission(&state.db, actor, &row, item_id).await?;
    refuse_personal_data_in(&input)?;
    let note = text("note", &input.note, MAX_NOTE_CHARS, false)?;
    let read_at = i32::try_from(input.version).map_err(|_| edit_conflict("progress"))?;
    let txn = state.db.begin().await?;
    // The plan's row lock first (a write that changes nothing), so that reports on the
    // same item are serialised and each is checked against what the others committed; and
    // the permission again under it, against the revision published meanwhile, if any.
    let touched = plan::Entity::update_many()
        .col_expr(plan::Column::Version, Expr::col(plan::Column::Version))
        .filter(plan::Column::Id.eq(id))
        .filter(plan::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if touched == 0 {
        return Err(ApiError::NotFound);
    }
    let row = plan::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let published_item = progress_permission(&txn, actor, &row, item_id).await?;
    let existing = plan_item_progress::Entity::find()
        .filter(plan_item_progress::Column::PlanId.eq(id))
        .filter(plan_item_progress::Column::ItemId.eq(item_id))
        .one(&txn)
        .await?;
    let now = Utc::now();
    match existing {
        Some(p) if p.version != read_at => return Err(edit_conflict("progress")),
        Some(p) => {
            let mut update: plan_item_progress::ActiveModel = p.clone().into();
            update.status = Set(input.status.as_str().into());
            update.note = Set(note);
            update.version = Set(p.version + 1);
            update.updated_by = Set(actor.user.id);
            update.updated_at = Set(now);
            update.update(&txn).await?;
        }
        None if read_at != 0 => return Err(edit_conflict("progress")),
        None => {
            plan_item_progress::ActiveModel {
                id: Set(Uuid::new_v4()),
                plan_id: Set(id),
                item_id: Set(item_id),
                status: Set(input.status.as_str().into()),
                note: Set(note),
                version: Set(1),
                updated_by: Set(actor.user.id),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    log_change(&txn, &row, published_item).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row, Shown::Default).await
}

/// Whether the actor may report on `item_id` of the plan: the secretariat for an item of
/// the working copy or the latest revision; an organisation responsible for it in the
/// latest revision. Returns whether the item is published (so the network hears of it);
/// 403 for an item the reader sees but may not report on, 404 for one they cannot see.
async fn progress_permission(
    db: &impl ConnectionTrait,
    actor: &Actor,
    row: &plan::Model,
    item_id: Uuid,
) -> ApiResult<bool> {
    let secretariat = actor.kpi_secretariat_of().contains(&row.platform_id);
    let latest = revisions_of(db, row.id)
        .await?
        .first()
        .and_then(revision_content);
    let published_item = latest
        .as_ref()
        .and_then(|c| c.items.iter().find(|i| i.id == item_id));
    let allowed = if secretariat {
        published_item.is_some() || working_copy(row).items.iter().any(|i| i.id == item_id)
    } else {
        published_item.is_some_and(|i| i.input.responsible.contains(&actor.organisation.id))
    };
    match (allowed, published_item.is_some()) {
        (true, published) => Ok(published),
        (false, true) => Err(ApiError::Forbidden),
        (false, false) => Err(ApiError::NotFound),
    }
}

/// The editor: the plan being changed (its secretariat only), the member organisations
/// that may be responsible for items, and the platform's KPIs.
pub async fn form_page(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
) -> ApiResult<PlanFormPage> {
    let plan = match id {
        Some(id) => {
            let row = managed(state, actor, id).await?;
            Some(view(state, actor, row, Shown::Default).await?)
        }
        None => None,
    };
    let mine = actor.kpi_secretariat_of();
    let root = match &plan {
        Some(p) => p.platform_id,
        None => *mine.first().ok_or(ApiError::Forbidden)?,
    };
    let organisations = crate::platforms::member_organisations(&state.db, root)
        .await?
        .into_iter()
        .map(|o| NamedRef {
            id: o.id,
            name: o.name,
        })
        .collect();
    let kpis = kpi::Entity::find()
        .filter(kpi::Column::PlatformId.eq(root))
        .filter(kpi::Column::DeletedAt.is_null())
        .order_by_asc(kpi::Column::Name)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|k| NamedRef {
            id: k.id,
            name: k.name,
        })
        .collect();
    Ok(PlanFormPage {
        plan,
        organisations,
        kpis,
    })
}
