//! KPIs and their actuals (KPI・実績・進捗管理, guidelines §3(1)② and §4(2)). The
//! secretariat of a prefectural platform defines its KPIs and publishes them to the
//! network; each contributing organisation enters its own share per 年度 (or quarter);
//! the secretariat publishes the shares of a year. Visibility is the policy layer's rule
//! (`Actor::may_read_kpi`, `Actor::may_read_kpi_actual`): a draft KPI and an unpublished
//! share are the secretariat's (and the share its organisation's); another network sees
//! nothing. The progress arithmetic is `app::kpis::progress`, computed from the shares
//! the reader may see.

pub mod forms;
pub mod routes;

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, Organisation};
use app::kpis::{
    progress::progress, Kpi, KpiAccumulation, KpiActual, KpiActualInput, KpiContributor,
    KpiDefinition, KpiDirection, KpiFormPage, KpiKind, KpiPeriodicity, KpiStatus, KpiTarget,
    KpiUpdate, NewKpi, PublishActuals, FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, MAX_CONTRIBUTORS,
    MAX_PERIOD_YEARS,
};

use crate::entities::{kpi, kpi_actual};
use crate::http::boundary::name;
use crate::http::input::{json, parse_json, refuse_personal_data_in, text};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DEFINITION_CHARS: usize = 5_000;
pub const MAX_UNIT_CHARS: usize = 20;
pub const MAX_SOURCE_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 1_000;

/// Who hears of a change: the secretariat's platform, and the network once published.
/// (Every contributing organisation's users work in the network, so they hear through it;
/// naming the organisations would reach their members in other networks too.)
fn audience(row: &kpi::Model) -> Audience {
    Audience {
        platforms: vec![row.platform_id],
        networks: if published(row) {
            vec![row.platform_id]
        } else {
            Vec::new()
        },
        ..Default::default()
    }
}

/// Who hears of a change to an unpublished share only: the secretariat's platform and
/// the share's organisation. Nobody else's view of the KPI changed, and telling the
/// network would say who reported when.
fn share_audience(row: &kpi::Model, organisation: Uuid) -> Audience {
    Audience {
        platforms: vec![row.platform_id],
        organisations: vec![organisation],
        ..Default::default()
    }
}

fn published(row: &kpi::Model) -> bool {
    row.status == KpiStatus::Published.as_str()
}

fn contributors_of(row: &kpi::Model) -> Vec<Uuid> {
    parse_json(&row.contributors)
}

async fn log_change(
    txn: &impl ConnectionTrait,
    before: Option<&kpi::Model>,
    after: &kpi::Model,
) -> Result<(), sea_orm::DbErr> {
    // Published before and deleted now: the network gets a tombstone too.
    if before.is_some_and(published) && after.deleted_at.is_some() {
        sync::append(
            txn,
            ChangeKind::Kpi,
            after.id,
            ChangeOp::Delete,
            &Audience::network(after.platform_id),
        )
        .await?;
    }
    sync::append(
        txn,
        ChangeKind::Kpi,
        after.id,
        if after.deleted_at.is_some() {
            ChangeOp::Delete
        } else {
            ChangeOp::Upsert
        },
        &audience(after),
    )
    .await?;
    Ok(())
}

fn invalid(message: String) -> ApiError {
    ApiError::invalid("invalid_field", message)
}

fn figure(field: &str, value: f64) -> ApiResult<f64> {
    if app::bounded::result_value_in_range(value) {
        Ok(value)
    } else {
        Err(invalid(format!(
            "`{field}`: a number from -{max} to {max}.",
            max = app::bounded::MAX_RESULT_VALUE
        )))
    }
}

pub(crate) fn fiscal_year(field: &str, year: i32) -> ApiResult<i32> {
    if (FIRST_FISCAL_YEAR..=LAST_FISCAL_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(invalid(format!(
            "`{field}`: a 年度 from {FIRST_FISCAL_YEAR} to {LAST_FISCAL_YEAR} (the year it starts in)."
        )))
    }
}

/// The definition checked: lengths, figures, the period and its targets, the threshold.
/// Contributors are checked against the network by `platforms::checked_members`.
fn checked(def: KpiDefinition) -> ApiResult<KpiDefinition> {
    let period_start = fiscal_year("period_start", def.period_start)?;
    let period_end = fiscal_year("period_end", def.period_end)?;
    if period_end < period_start || period_end - period_start + 1 > MAX_PERIOD_YEARS {
        return Err(invalid(format!(
            "`period_end`: from `period_start` to {MAX_PERIOD_YEARS} years after it."
        )));
    }
    let mut targets: Vec<KpiTarget> = Vec::new();
    for t in def.fiscal_year_targets {
        let year = fiscal_year("fiscal_year_targets[].fiscal_year", t.fiscal_year)?;
        if !(period_start..=period_end).contains(&year)
            || targets.iter().any(|o| o.fiscal_year == year)
        {
            return Err(invalid(
                "`fiscal_year_targets[].fiscal_year`: one target per 年度 of the period.".into(),
            ));
        }
        targets.push(KpiTarget {
            fiscal_year: year,
            target: figure("fiscal_year_targets[].target", t.target)?,
        });
    }
    targets.sort_by_key(|t| t.fiscal_year);
    // Running sums compared with one year's baseline mean nothing: what is to be reduced
    // is counted each year.
    if def.direction == KpiDirection::LowerIsBetter
        && def.accumulation == KpiAccumulation::Cumulative
    {
        return Err(invalid(
            "`accumulation`: a lower-is-better KPI is counted each year on its own (`annual`)."
                .into(),
        ));
    }
    if !(1..=100).contains(&def.at_risk_percent) {
        return Err(invalid("`at_risk_percent`: from 1 to 100.".into()));
    }
    Ok(KpiDefinition {
        name: name("name", &def.name, MAX_NAME_CHARS, true)?,
        definition: text("definition", &def.definition, MAX_DEFINITION_CHARS, false)?,
        unit: name("unit", &def.unit, MAX_UNIT_CHARS, true)?,
        baseline: def.baseline.map(|b| figure("baseline", b)).transpose()?,
        baseline_fiscal_year: def
            .baseline_fiscal_year
            .map(|y| fiscal_year("baseline_fiscal_year", y))
            .transpose()?,
        period_start,
        period_end,
        period_target: def
            .period_target
            .map(|t| figure("period_target", t))
            .transpose()?,
        fiscal_year_targets: targets,
        source: name("source", &def.source, MAX_SOURCE_CHARS, false)?,
        ..def
    })
}

/// The definition a stored KPI holds.
pub(crate) fn definition_of(row: &kpi::Model) -> KpiDefinition {
    KpiDefinition {
        name: row.name.clone(),
        definition: row.definition.clone(),
        unit: row.unit.clone(),
        kind: KpiKind::parse(&row.kind).unwrap_or(KpiKind::Output),
        direction: KpiDirection::parse(&row.direction).unwrap_or(KpiDirection::HigherIsBetter),
        accumulation: KpiAccumulation::parse(&row.accumulation)
            .unwrap_or(KpiAccumulation::Cumulative),
        periodicity: KpiPeriodicity::parse(&row.periodicity).unwrap_or(KpiPeriodicity::FiscalYear),
        baseline: row.baseline,
        baseline_fiscal_year: row.baseline_fiscal_year,
        period_start: row.period_start,
        period_end: row.period_end,
        period_target: row.period_target,
        fiscal_year_targets: parse_json(&row.fiscal_year_targets),
        source: row.source.clone(),
        contributors: contributors_of(row),
        at_risk_percent: u32::try_from(row.at_risk_percent).unwrap_or(90),
    }
}

fn set_definition(row: &mut kpi::ActiveModel, def: &KpiDefinition) {
    row.name = Set(def.name.clone());
    row.definition = Set(def.definition.clone());
    row.unit = Set(def.unit.clone());
    row.kind = Set(def.kind.as_str().into());
    row.direction = Set(def.direction.as_str().into());
    row.accumulation = Set(def.accumulation.as_str().into());
    row.periodicity = Set(def.periodicity.as_str().into());
    row.baseline = Set(def.baseline);
    row.baseline_fiscal_year = Set(def.baseline_fiscal_year);
    row.period_start = Set(def.period_start);
    row.period_end = Set(def.period_end);
    row.period_target = Set(def.period_target);
    row.fiscal_year_targets = Set(json(&def.fiscal_year_targets));
    row.source = Set(def.source.clone());
    row.contributors = Set(json(&def.contributors));
    // 1–100, checked.
    row.at_risk_percent = Set(def.at_risk_percent as i32);
}

/// The views of many KPIs for one reader, with a fixed number of queries: each with the
/// shares of its contributors the reader may see, and the progress those give.
async fn views(state: &AppState, actor: &Actor, rows: Vec<kpi::Model>) -> ApiResult<Vec<Kpi>> {
    let db = &state.db;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut shares: HashMap<Uuid, Vec<kpi_actual::Model>> = HashMap::new();
    for a in kpi_actual::Entity::find()
        .filter(kpi_actual::Column::KpiId.is_in(ids))
        .order_by_asc(kpi_actual::Column::FiscalYear)
        .order_by_asc(kpi_actual::Column::Quarter)
        .all(db)
        .await?
    {
        shares.entry(a.kpi_id).or_default().push(a);
    }
    let org_ids: BTreeSet<Uuid> = rows.iter().flat_map(contributors_of).collect();
    let orgs = crate::platforms::organisation_names(db, org_ids).await?;
    let platforms =
        crate::platforms::platform_names(db, rows.iter().map(|r| r.platform_id)).await?;
    let secretariat = actor.kpi_secretariat_of();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let definition = definition_of(&row);
        let actuals: Vec<KpiActual> = shares
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| {
                definition.contributors.contains(&a.organisation_id)
                    && fits(&definition, a)
                    && actor.may_read_kpi_actual(&row, a)
            })
            .map(|a| KpiActual {
                id: a.id,
                organisation_id: a.organisation_id,
                organisation_name: orgs.get(&a.organisation_id).cloned().unwrap_or_default(),
                fiscal_year: a.fiscal_year,
                quarter: u8::try_from(a.quarter).ok().filter(|q| *q > 0),
                value: a.value,
                note: a.note,
                published: a.published_at.is_some(),
                version: u32::try_from(a.version).unwrap_or(0),
                updated_at: a.updated_at,
            })
            .collect();
        let can_edit = secretariat.contains(&row.platform_id);
        let can_enter_for: Vec<Uuid> = if can_edit {
            definition.contributors.clone()
        } else if published(&row) && definition.contributors.contains(&actor.organisation.id) {
            vec![actor.organisation.id]
        } else {
            Vec::new()
        };
        out.push(Kpi {
            id: row.id,
            platform_id: row.platform_id,
            platform_name: platforms.get(&row.platform_id).cloned().unwrap_or_default(),
            status: KpiStatus::parse(&row.status).unwrap_or(KpiStatus::Draft),
            version: u32::try_from(row.version).unwrap_or(0),
            contributors: definition
                .contributors
                .iter()
                .map(|id| KpiContributor {
                    id: *id,
                    name: orgs.get(id).cloned().unwrap_or_default(),
                })
                .collect(),
            progress: progress(&definition, &actuals),
            definition,
            actuals,
            can_edit,
            can_enter_for,
            published_at: row.published_at,
            updated_at: row.updated_at,
        });
    }
    Ok(out)
}

/// Whether a stored share belongs to the KPI as defined now: a year of its period, a
/// quarter when it is reported by quarter and the whole year when not.
fn fits(definition: &KpiDefinition, share: &kpi_actual::Model) -> bool {
    definition.years().contains(&share.fiscal_year)
        && match definition.periodicity {
            KpiPeriodicity::Quarter => (1..=4).contains(&share.quarter),
            KpiPeriodicity::FiscalYear => share.quarter == 0,
        }
}

async fn view(state: &AppState, actor: &Actor, row: kpi::Model) -> ApiResult<Kpi> {
    views(state, actor, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a view of one KPI".into()))
}

/// The KPIs the actor may read, published first, then by name.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<Kpi>> {
    let rows = kpi::Entity::find()
        .filter(actor.scope(&state.db).kpi_visible())
        .order_by_asc(kpi::Column::Name)
        .all(&state.db)
        .await?;
    let mut kpis = views(state, actor, rows).await?;
    kpis.sort_by_key(|k| k.status != KpiStatus::Published);
    Ok(kpis)
}

/// One KPI as the actor sees it. A read that shows figures not yet published is audited
/// (guidelines §6).
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Kpi> {
    let row = actor.scope(&state.db).kpi(id).await?;
    let kpi = view(state, actor, row).await?;
    let unpublished = kpi.actuals.iter().filter(|a| !a.published).count();
    if unpublished > 0 {
        crate::audit::record(
            &state.db,
            crate::audit::Entry {
                actor_user_id: Some(actor.user.id),
                action: "kpi.read_unpublished",
                record_kind: Some("kpi"),
                record_id: Some(kpi.id),
                platform_id: Some(kpi.platform_id),
                detail: Some(serde_json::json!({ "unpublished_shares": unpublished })),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(kpi)
}

/// The KPI as the sync feed sends it (built once per reader class, so not audited per
/// read: the feed's own reads are the change log's).
pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Kpi> {
    let row = actor.scope(&state.db).kpi(id).await?;
    view(state, actor, row).await
}

/// The prefectural platform a new KPI is for: one whose secretariat the actor is.
pub(crate) fn secretariat_platform(actor: &Actor, asked: Option<Uuid>) -> ApiResult<Uuid> {
    let mine = actor.kpi_secretariat_of();
    match asked {
        Some(id) if mine.contains(&id) => Ok(id),
        None if mine.len() == 1 => Ok(mine[0]),
        _ if mine.is_empty() => Err(ApiError::Forbidden),
        _ => Err(ApiError::invalid(
            "invalid_platform",
            "`platform_id`: a prefectural platform whose secretariat you are.",
        )),
    }
}

pub async fn create(state: &AppState, actor: &Actor, input: NewKpi) -> ApiResult<Kpi> {
    let platform_id = secretariat_platform(actor, input.platform_id)?;
    refuse_personal_data_in(&input)?;
    let mut definition = checked(input.definition)?;
    definition.contributors = crate::platforms::checked_members(
        &state.db,
        platform_id,
        &definition.contributors,
        "contributors",
        0..=MAX_CONTRIBUTORS,
    )
    .await?;
    let now = Utc::now();
    let mut new = kpi::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform_id),
        created_by: Set(actor.user.id),
        status: Set(KpiStatus::Draft.as_str().into()),
        version: Set(1),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    };
    set_definition(&mut new, &definition);
    let txn = state.db.begin().await?;
    let row = new.insert(&txn).await?;
    log_change(&txn, None, &row).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// The KPI, if the actor runs it (403 when they only read it).
async fn managed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<kpi::Model> {
    let row = actor.scope(&state.db).kpi(id).await?;
    if !actor.kpi_secretariat_of().contains(&row.platform_id) {
        return Err(ApiError::Forbidden);
    }
    Ok(row)
}

pub(crate) fn edit_conflict(what: &str) -> ApiError {
    ApiError::Conflict {
        code: "edit_conflict",
        message: format!("The {what} changed meanwhile: load it again and repeat your change."),
    }
}

/// Writes `update` only if the KPI is still at `version` (the first statement of the
/// transaction, so on SQLite it takes the write lock before anything is read); someone
/// else's change in between is 409 `edit_conflict`. Returns the KPI as written.
async fn claim_version(
    txn: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    update: kpi::ActiveModel,
) -> ApiResult<kpi::Model> {
    let changed = kpi::Entity::update_many()
        .set(update)
        .filter(kpi::Column::Id.eq(id))
        .filter(kpi::Column::Version.eq(version))
        .filter(kpi::Column::DeletedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(edit_conflict("KPI"));
    }
    kpi::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Saves the definition as a whole, if the KPI is still at the version the editor read.
pub async fn update(state: &AppState, actor: &Actor, id: Uuid, input: KpiUpdate) -> ApiResult<Kpi> {
    let row = managed(state, actor, id).await?;
    refuse_personal_data_in(&input)?;
    let mut definition = checked(input.definition)?;
    definition.contributors = crate::platforms::checked_members(
        &state.db,
        row.platform_id,
        &definition.contributors,
        "contributors",
        0..=MAX_CONTRIBUTORS,
    )
    .await?;
    let read_at = i32::try_from(input.version).map_err(|_| edit_conflict("KPI"))?;
    if read_at != row.version {
        return Err(edit_conflict("KPI"));
    }
    let before = definition_of(&row);
    if definition == before {
        return view(state, actor, row).await;
    }
    // Shares are entered per year (or quarter) of the period: a change that would leave
    // some of them outside it, or counted twice, is refused while they exist.
    let shares = kpi_actual::Entity::find()
        .filter(kpi_actual::Column::KpiId.eq(id))
        .all(&state.db)
        .await?;
    if shares.iter().any(|s| !fits(&definition, s)) {
        return Err(ApiError::Conflict {
            code: "kpi_has_actuals",
            message: "Figures were reported for years or quarters this change would drop: \
                      keep the period and reporting unit, or clear those figures first."
                .into(),
        });
    }
    let mut update: kpi::ActiveModel = row.clone().into();
    set_definition(&mut update, &definition);
    update.version = Set(read_at + 1);
    update.updated_at = Set(Utc::now());
    let txn = state.db.begin().await?;
    let after = claim_version(&txn, id, read_at, update).await?;
    log_change(&txn, Some(&row), &after).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

/// Publishes a draft KPI to every member of its network (a published one stays so).
pub async fn publish(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Kpi> {
    let row = managed(state, actor, id).await?;
    if published(&row) {
        return view(state, actor, row).await;
    }
    let now = Utc::now();
    let mut update: kpi::ActiveModel = row.clone().into();
    update.status = Set(KpiStatus::Published.as_str().into());
    update.published_at = Set(Some(now));
    update.updated_at = Set(now);
    update.version = Set(row.version + 1);
    let txn = state.db.begin().await?;
    let after = claim_version(&txn, id, row.version, update).await?;
    log_change(&txn, Some(&row), &after).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

/// Removes a KPI with its shares from every reader (kept in the database, marked deleted).
pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<()> {
    let row = managed(state, actor, id).await?;
    let mut update: kpi::ActiveModel = row.clone().into();
    update.deleted_at = Set(Some(Utc::now()));
    update.version = Set(row.version + 1);
    let txn = state.db.begin().await?;
    let after = claim_version(&txn, id, row.version, update).await?;
    log_change(&txn, Some(&row), &after).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

/// Takes the KPI's row lock for the rest of the transaction (the first statement: on
/// SQLite the write lock, on PostgreSQL the row) with a write that changes nothing, so
/// that writes of its shares are serialised and each is checked against what the others
/// committed — and only while the KPI is still at `version`, the definition the caller's
/// input was checked against (409 `edit_conflict` when it changed or went meanwhile).
async fn lock_kpi(txn: &impl ConnectionTrait, id: Uuid, version: i32) -> ApiResult<()> {
    let touched = kpi::Entity::update_many()
        .col_expr(kpi::Column::Version, Expr::col(kpi::Column::Version))
        .filter(kpi::Column::Id.eq(id))
        .filter(kpi::Column::Version.eq(version))
        .filter(kpi::Column::DeletedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected;
    if touched == 0 {
        return Err(edit_conflict("KPI"));
    }
    Ok(())
}

/// Enters, corrects or clears one share. The caller's own organisation's share (or any
/// contributor's, for the secretariat) of a published KPI (or a draft, for the
/// secretariat). A share entered or changed is unpublished until the secretariat
/// publishes its year again. Two people entering the same share at once: the second is
/// 409 `edit_conflict`, whichever database.
pub async fn enter_actual(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: KpiActualInput,
) -> ApiResult<Kpi> {
    let row = actor.scope(&state.db).kpi(id).await?;
    let secretariat = actor.kpi_secretariat_of().contains(&row.platform_id);
    let definition = definition_of(&row);
    if !definition.contributors.contains(&input.organisation_id) {
        return Err(ApiError::invalid(
            "not_contributor",
            "`organisation_id`: an organisation contributing to this KPI.",
        ));
    }
    if !secretariat && (input.organisation_id != actor.organisation.id || !published(&row)) {
        return Err(ApiError::Forbidden);
    }
    refuse_personal_data_in(&input)?;
    let year = fiscal_year("fiscal_year", input.fiscal_year)?;
    if !definition.years().contains(&year) {
        return Err(invalid("`fiscal_year`: a 年度 of the KPI's period.".into()));
    }
    let quarter = match (definition.periodicity, input.quarter) {
        (KpiPeriodicity::Quarter, Some(q @ 1..=4)) => i32::from(q),
        (KpiPeriodicity::FiscalYear, None) => 0,
        (KpiPeriodicity::Quarter, _) => {
            return Err(invalid("`quarter`: 1 to 4 (Q1 = April–June).".into()))
        }
        (KpiPeriodicity::FiscalYear, Some(_)) => {
            return Err(invalid(
                "`quarter`: this KPI is reported per 年度; leave it out.".into(),
            ))
        }
    };
    let value = input.value.map(|v| figure("value", v)).transpose()?;
    let note = text("note", &input.note, MAX_NOTE_CHARS, false)?;
    let read_at = input
        .version
        .map(i32::try_from)
        .transpose()
        .map_err(|_| edit_conflict("share"))?;

    let txn = state.db.begin().await?;
    lock_kpi(&txn, id, row.version).await?;
    let existing = kpi_actual::Entity::find()
        .filter(kpi_actual::Column::KpiId.eq(id))
        .filter(kpi_actual::Column::OrganisationId.eq(input.organisation_id))
        .filter(kpi_actual::Column::FiscalYear.eq(year))
        .filter(kpi_actual::Column::Quarter.eq(quarter))
        .one(&txn)
        .await?;
    let now = Utc::now();
    // Whether the network saw this share before: then it must hear that it changed.
    let was_published = existing.as_ref().is_some_and(|s| s.published_at.is_some());
    match (existing, value) {
        (Some(share), _) if Some(share.version) != read_at => {
            return Err(edit_conflict("share"));
        }
        (None, _) if read_at.is_some() => return Err(edit_conflict("share")),
        // Clearing what is not there: nothing to do, nothing to tell.
        (None, None) => {
            txn.rollback().await?;
            let row = actor.scope(&state.db).kpi(id).await?;
            return view(state, actor, row).await;
        }
        (Some(share), None) => {
            kpi_actual::Entity::delete_by_id(share.id)
                .exec(&txn)
                .await?;
        }
        (Some(share), Some(value)) => {
            let unchanged = share.value == value && share.note == note;
            let mut update: kpi_actual::ActiveModel = share.clone().into();
            update.value = Set(value);
            update.note = Set(note);
            update.version = Set(share.version + 1);
            update.entered_by = Set(actor.user.id);
            update.updated_at = Set(now);
            if !unchanged {
                update.published_at = Set(None);
            }
            update.update(&txn).await?;
        }
        (None, Some(value)) => {
            kpi_actual::ActiveModel {
                id: Set(Uuid::new_v4()),
                kpi_id: Set(id),
                organisation_id: Set(input.organisation_id),
                fiscal_year: Set(year),
                quarter: Set(quarter),
                value: Set(value),
                note: Set(note),
                published_at: Set(None),
                version: Set(1),
                entered_by: Set(actor.user.id),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    let audience = if was_published {
        audience(&row)
    } else {
        share_audience(&row, input.organisation_id)
    };
    sync::append(&txn, ChangeKind::Kpi, id, ChangeOp::Upsert, &audience).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// One organisation's figure for a KPI, from an inquiry answer the secretariat accepted.
pub(crate) struct AcceptedShare {
    pub kpi_id: Uuid,
    pub organisation: Uuid,
    pub fiscal_year: i32,
    /// 1–4, or 0 for the whole 年度.
    pub quarter: i32,
    pub value: f64,
    /// Shown beside the share: where the figure came from.
    pub note: String,
    /// The user who accepted the answer.
    pub by: Uuid,
}

/// An inquiry's accepted answer entered as one organisation's share (see
/// `crate::inquiries`), in the accepting transaction: the KPI's row is locked first, as
/// [`enter_actual`] does, and the share written whatever version it is at (the
/// secretariat's acceptance is the figure). A KPI no longer published is 409
/// `kpi_not_published`; an organisation that does not contribute, or a year or quarter
/// the KPI does not count, adds nothing. The share is unpublished until its year is
/// published again. `quarter` is 0 for the whole 年度.
pub(crate) async fn record_accepted_share(
    txn: &impl ConnectionTrait,
    share: AcceptedShare,
) -> ApiResult<()> {
    let AcceptedShare {
        kpi_id,
        organisation,
        fiscal_year,
        quarter,
        value,
        note,
        by,
    } = share;
    let touched = kpi::Entity::update_many()
        .col_expr(kpi::Column::Version, Expr::col(kpi::Column::Version))
        .filter(kpi::Column::Id.eq(kpi_id))
        .filter(kpi::Column::Status.eq(KpiStatus::Published.as_str()))
        .filter(kpi::Column::DeletedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected;
    if touched == 0 {
        return Err(ApiError::Conflict {
            code: "kpi_not_published",
            message: "The inquiry's KPI is no longer published: its figure cannot be entered."
                .into(),
        });
    }
    let row = kpi::Entity::find_by_id(kpi_id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let definition = definition_of(&row);
    let share_shape = kpi_actual::Model {
        id: Uuid::nil(),
        kpi_id,
        organisation_id: organisation,
        fiscal_year,
        quarter,
        value,
        note: String::new(),
        published_at: None,
        version: 0,
        entered_by: by,
        updated_at: Utc::now(),
    };
    if !definition.contributors.contains(&organisation)
        || !fits(&definition, &share_shape)
        || !app::bounded::result_value_in_range(value)
    {
        return Ok(());
    }
    let existing = kpi_actual::Entity::find()
        .filter(kpi_actual::Column::KpiId.eq(kpi_id))
        .filter(kpi_actual::Column::OrganisationId.eq(organisation))
        .filter(kpi_actual::Column::FiscalYear.eq(fiscal_year))
        .filter(kpi_actual::Column::Quarter.eq(quarter))
        .one(txn)
        .await?;
    let now = Utc::now();
    let was_published = existing.as_ref().is_some_and(|s| s.published_at.is_some());
    match existing {
        Some(share) if share.value == value => return Ok(()),
        Some(share) => {
            let mut update: kpi_actual::ActiveModel = share.clone().into();
            update.value = Set(value);
            update.note = Set(note);
            update.version = Set(share.version + 1);
            update.entered_by = Set(by);
            update.updated_at = Set(now);
            update.published_at = Set(None);
            update.update(txn).await?;
        }
        None => {
            kpi_actual::ActiveModel {
                id: Set(Uuid::new_v4()),
                kpi_id: Set(kpi_id),
                organisation_id: Set(organisation),
                fiscal_year: Set(fiscal_year),
                quarter: Set(quarter),
                value: Set(value),
                note: Set(note),
                published_at: Set(None),
                version: Set(1),
                entered_by: Set(by),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
    }
    let audience = if was_published {
        audience(&row)
    } else {
        share_audience(&row, organisation)
    };
    sync::append(txn, ChangeKind::Kpi, kpi_id, ChangeOp::Upsert, &audience).await?;
    Ok(())
}

/// The secretariat publishes every unpublished share of one 年度 to the network.
pub async fn publish_actuals(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: PublishActuals,
) -> ApiResult<Kpi> {
    let row = managed(state, actor, id).await?;
    if !published(&row) {
        return Err(ApiError::Conflict {
            code: "kpi_not_published",
            message: "Publish the KPI before its actuals.".into(),
        });
    }
    let year = fiscal_year("fiscal_year", input.fiscal_year)?;
    let txn = state.db.begin().await?;
    lock_kpi(&txn, id, row.version).await?;
    let published_now = kpi_actual::Entity::update_many()
        .col_expr(kpi_actual::Column::PublishedAt, Expr::value(Utc::now()))
        .filter(kpi_actual::Column::KpiId.eq(id))
        .filter(kpi_actual::Column::FiscalYear.eq(year))
        .filter(kpi_actual::Column::OrganisationId.is_in(contributors_of(&row)))
        .filter(kpi_actual::Column::PublishedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if published_now == 0 {
        txn.rollback().await?;
        return view(state, actor, row).await;
    }
    log_change(&txn, Some(&row), &row).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// The editor: the KPI being changed (its secretariat only), the prefectural platforms
/// the actor may define KPIs for, and the organisations that may contribute.
pub async fn form_page(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
) -> ApiResult<KpiFormPage> {
    let kpi = match id {
        Some(id) => {
            let row = managed(state, actor, id).await?;
            Some(view(state, actor, row).await?)
        }
        None => None,
    };
    let mine = actor.kpi_secretariat_of();
    if mine.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let scope = actor.scope(&state.db);
    let platforms: Vec<app::domain::Platform> = scope
        .platforms()
        .await?
        .into_iter()
        .filter(|p| mine.contains(&p.id))
        .collect();
    let root = kpi.as_ref().map(|k| k.platform_id).unwrap_or(mine[0]);
    let organisations: Vec<Organisation> = crate::platforms::member_organisations(&state.db, root)
        .await?
        .into_iter()
        .map(crate::policy::organisation_view)
        .collect();
    Ok(KpiFormPage {
        kpi,
        platforms,
        organisations,
    })
}
