//! The good-practice library (好事例の把握と周知, guidelines §3(1)③⑤ and §4(4)): a
//! platform writes up what worked; as its visibility allows, the network reads it; the
//! prefectural secretariat features (周知) it across the network; other platforms mark it
//! 参考にした and the author platform sees who. Visibility is the policy layer's rule
//! (`Scope::practice`): a draft or a `platform` practice is the author platform's alone;
//! a published `network` or `public` one is every platform's of its prefectural network.

pub mod attachments;
pub mod forms;
pub mod index;
#[cfg(test)]
mod index_agreement;
pub mod markdown;
pub mod routes;
pub mod search;

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, Role};
use app::practices::{
    shared_beyond_platform, Adoption, ContactOrganisation, GoodPractice, GoodPracticePatch,
    NewAdoption, NewGoodPractice, NewPracticeComment, PracticeComment, PracticeContent,
    PracticeResult, PracticeStatus, PracticeVersion, PracticeVisibility,
};

use crate::accounts::user_summary;
use crate::entities::{
    adoption, good_practice, practice_attachment, practice_comment, practice_version, user,
};
use crate::http::input::{json, parse_json, refuse_personal_data_in, text};
use crate::http::{ApiError, ApiResult};
use crate::policy::{practice_shared, Actor};
use crate::state::AppState;
use crate::sync::{self, Audience};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_SUMMARY_CHARS: usize = 1_000;
pub const MAX_BODY_CHARS: usize = 50_000;
pub const MAX_SHORT_CHARS: usize = 200;
pub const MAX_TAGS: usize = 20;
pub const MAX_RESULTS: usize = 20;
pub const LIST_LIMIT: u64 = 200;

fn writer_role(role: Role) -> bool {
    matches!(role, Role::Staff | Role::Coordinator | Role::Admin)
}

fn secretariat_role(role: Role) -> bool {
    matches!(role, Role::Coordinator | Role::Admin)
}

/// Who hears of a change: the author platform, and the network once it is shared.
fn audience(row: &good_practice::Model) -> Audience {
    Audience {
        platforms: vec![row.platform_id],
        networks: if practice_shared(row) {
            vec![row.network_id]
        } else {
            Vec::new()
        },
        ..Default::default()
    }
}

async fn log_change(
    txn: &impl ConnectionTrait,
    before: Option<&good_practice::Model>,
    after: &good_practice::Model,
) -> Result<(), sea_orm::DbErr> {
    // Shared before and not now (drafted again, narrowed, deleted): the network gets a
    // tombstone; the feed turns it into a delete for whoever may no longer see it.
    if before.is_some_and(practice_shared)
        && (!practice_shared(after) || after.deleted_at.is_some())
    {
        sync::append(
            txn,
            ChangeKind::GoodPractice,
            after.id,
            ChangeOp::Delete,
            &Audience::network(after.network_id),
        )
        .await?;
    }
    sync::append(
        txn,
        ChangeKind::GoodPractice,
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

fn check_tags(tags: Vec<String>) -> ApiResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = crate::http::boundary::name("tags", &tag, 50, true)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "invalid_field",
            format!("`tags`: up to {MAX_TAGS}."),
        ));
    }
    Ok(out)
}

fn check_results(results: Vec<PracticeResult>) -> ApiResult<Vec<PracticeResult>> {
    if results.len() > MAX_RESULTS {
        return Err(ApiError::invalid(
            "invalid_field",
            format!("`results`: up to {MAX_RESULTS}."),
        ));
    }
    results
        .into_iter()
        .map(|r| {
            if !app::bounded::result_value_in_range(r.value) {
                return Err(ApiError::invalid(
                    "invalid_field",
                    format!(
                        "`results[].value`: a number from -{max} to {max}.",
                        max = app::bounded::MAX_RESULT_VALUE
                    ),
                ));
            }
            Ok(PracticeResult {
                label: crate::http::boundary::name("results[].label", &r.label, 100, true)?,
                value: r.value,
                unit: crate::http::boundary::name("results[].unit", &r.unit, 20, false)?,
            })
        })
        .collect()
}

async fn check_contact(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
) -> ApiResult<Option<Uuid>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let known = actor.scope(&state.db).organisations().await?;
    if !known.iter().any(|o| o.id == id) {
        return Err(ApiError::invalid(
            "invalid_organisation",
            "`contact_organisation_id`: a member organisation of your prefectural network.",
        ));
    }
    Ok(Some(id))
}

/// Builds the views of many practices with a fixed number of queries.
async fn views(
    state: &AppState,
    actor: &Actor,
    rows: Vec<good_practice::Model>,
) -> ApiResult<Vec<GoodPractice>> {
    let db = &state.db;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut adoptions: HashMap<Uuid, Vec<adoption::Model>> = HashMap::new();
    for a in adoption::Entity::find()
        .filter(adoption::Column::PracticeId.is_in(ids.clone()))
        .order_by_asc(adoption::Column::At)
        .all(db)
        .await?
    {
        adoptions.entry(a.practice_id).or_default().push(a);
    }
    let mut files: HashMap<Uuid, Vec<practice_attachment::Model>> = HashMap::new();
    for f in practice_attachment::Entity::find()
        .filter(practice_attachment::Column::PracticeId.is_in(ids.clone()))
        .order_by_asc(practice_attachment::Column::CreatedAt)
        .all(db)
        .await?
    {
        files.entry(f.practice_id).or_default().push(f);
    }
    let mut comments: HashMap<Uuid, Vec<practice_comment::Model>> = HashMap::new();
    for c in practice_comment::Entity::find()
        .filter(practice_comment::Column::PracticeId.is_in(ids))
        .filter(practice_comment::Column::DeletedAt.is_null())
        .order_by_asc(practice_comment::Column::CreatedAt)
        .all(db)
        .await?
    {
        comments.entry(c.practice_id).or_default().push(c);
    }
    let user_ids: BTreeSet<Uuid> = rows
        .iter()
        .map(|r| r.created_by)
        .chain(adoptions.values().flatten().map(|a| a.user_id))
        .chain(comments.values().flatten().map(|c| c.author_id))
        .chain(files.values().flatten().map(|f| f.uploader_id))
        .collect();
    let users: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let platform_ids: BTreeSet<Uuid> = rows
        .iter()
        .map(|r| r.platform_id)
        .chain(adoptions.values().flatten().map(|a| a.platform_id))
        .collect();
    let platforms = crate::platforms::platform_names(db, platform_ids).await?;
    let orgs = crate::platforms::organisation_names(
        db,
        rows.iter()
            .filter_map(|r| r.contact_organisation_id)
            .chain(users.values().map(|u| u.organisation_id)),
    )
    .await?;
    let mine: BTreeSet<Uuid> = actor.working_platforms().into_iter().collect();
    let summary = |id: Uuid| {
        users
            .get(&id)
            .map(user_summary)
            .ok_or_else(|| ApiError::Internal(format!("user {id} missing")))
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let own = adoptions.remove(&row.id).unwrap_or_default();
        let author_side = mine.contains(&row.platform_id);
        let mut listed = Vec::new();
        if author_side {
            for a in &own {
                listed.push(Adoption {
                    platform_id: a.platform_id,
                    platform_name: platforms.get(&a.platform_id).cloned().unwrap_or_default(),
                    by: summary(a.user_id)?,
                    note: a.note.clone(),
                    at: a.at,
                });
            }
        }
        let mut said = Vec::new();
        for c in comments.remove(&row.id).unwrap_or_default() {
            let author = users
                .get(&c.author_id)
                .ok_or_else(|| ApiError::Internal(format!("user {} missing", c.author_id)))?;
            said.push(PracticeComment {
                id: c.id,
                author: user_summary(author),
                organisation_name: orgs
                    .get(&author.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                body: c.body,
                created_at: c.created_at,
                can_delete: c.author_id == actor.user.id,
            });
        }
        let mut attached = Vec::new();
        for f in files.remove(&row.id).unwrap_or_default() {
            let by = summary(f.uploader_id)?;
            attached.push(attachments::view(f, by));
        }
        let can_edit = actor.roles_on(row.platform_id).into_iter().any(writer_role);
        let adopted_by_me = own.iter().any(|a| mine.contains(&a.platform_id));
        let can_feature = practice_shared(&row)
            && actor
                .roles_on(row.network_id)
                .into_iter()
                .any(secretariat_role);
        out.push(GoodPractice {
            id: row.id,
            platform_id: row.platform_id,
            platform_name: platforms.get(&row.platform_id).cloned().unwrap_or_default(),
            body_html: markdown::render(&row.body),
            title: row.title,
            summary: row.summary,
            body: row.body,
            target_groups: parse_json(&row.target_groups),
            tags: parse_json(&row.tags),
            area: row.area,
            period: row.period,
            results: parse_json(&row.results),
            contact_organisation: row.contact_organisation_id.map(|id| ContactOrganisation {
                id,
                name: orgs.get(&id).cloned().unwrap_or_default(),
            }),
            visibility: PracticeVisibility::parse(&row.visibility)
                .unwrap_or(PracticeVisibility::Platform),
            status: PracticeStatus::parse(&row.status).unwrap_or(PracticeStatus::Draft),
            featured_at: row.featured_at,
            version: row.version.max(0) as u32,
            created_by: summary(row.created_by)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
            adoption_count: own.len() as u64,
            adopted_by_me,
            adoptions: listed,
            comments: said,
            attachments: attached,
            can_adopt: !adopted_by_me
                && actor
                    .roles
                    .iter()
                    .any(|(p, r)| *p != row.platform_id && writer_role(*r)),
            can_edit,
            can_feature,
        });
    }
    Ok(out)
}

async fn view(
    state: &AppState,
    actor: &Actor,
    row: good_practice::Model,
) -> ApiResult<GoodPractice> {
    views(state, actor, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a view of one practice".into()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<GoodPractice> {
    let row = actor.scope(&state.db).practice(id).await?;
    view(state, actor, row).await
}

pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<GoodPractice> {
    get(state, actor, id).await
}

/// The platforms the actor may write practices for (staff, coordinator, administrator).
pub async fn writable_platforms(
    state: &AppState,
    actor: &Actor,
) -> ApiResult<Vec<app::domain::Platform>> {
    Ok(actor
        .scope(&state.db)
        .platforms()
        .await?
        .into_iter()
        .filter(|p| actor.roles_on(p.id).into_iter().any(writer_role))
        .collect())
}

/// The practices featured across the network of a platform, newest featured first, as
/// the actor may read them (every featured practice is shared with the network).
pub async fn featured(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
) -> ApiResult<Vec<GoodPractice>> {
    let network = crate::sync::network_root(&state.db, platform_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // By the featured index (few rows), then the network and the policy layer's check.
    let rows = good_practice::Entity::find()
        .filter(good_practice::Column::FeaturedAt.is_not_null())
        .order_by_desc(good_practice::Column::FeaturedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|row| row.network_id == network && actor.may_read_practice(row))
        .collect();
    views(state, actor, rows).await
}

/// The author platform: one the actor writes on (staff, coordinator, administrator).
fn author_platform(actor: &Actor, asked: Option<Uuid>) -> ApiResult<Uuid> {
    let writable: BTreeSet<Uuid> = actor
        .roles
        .iter()
        .filter(|(_, r)| writer_role(*r))
        .map(|(p, _)| *p)
        .collect();
    match asked {
        Some(id) if writable.contains(&id) => Ok(id),
        None if writable.len() == 1 => Ok(*writable.iter().next().expect("one platform")),
        _ => Err(ApiError::invalid(
            "invalid_platform",
            "`platform_id`: a platform you work on as staff or coordinator.",
        )),
    }
}

/// The content checked: lengths, tags and results. (Personal data is refused in the input
/// itself, `refuse_personal_data_in`, before this.)
fn checked(content: PracticeContent) -> ApiResult<PracticeContent> {
    let title = crate::http::boundary::name("title", &content.title, MAX_TITLE_CHARS, true)?;
    let summary = text("summary", &content.summary, MAX_SUMMARY_CHARS, false)?;
    let body = text("body", &content.body, MAX_BODY_CHARS, false)?;
    let area = crate::http::boundary::name("area", &content.area, MAX_SHORT_CHARS, false)?;
    let period = crate::http::boundary::name("period", &content.period, MAX_SHORT_CHARS, false)?;
    let tags = check_tags(content.tags)?;
    let results = check_results(content.results)?;
    let mut target_groups = content.target_groups;
    target_groups.sort();
    target_groups.dedup();
    Ok(PracticeContent {
        title,
        summary,
        body,
        target_groups,
        tags,
        area,
        period,
        results,
        ..content
    })
}

/// What a stored practice says.
fn content_of(row: &good_practice::Model) -> PracticeContent {
    PracticeContent {
        title: row.title.clone(),
        summary: row.summary.clone(),
        body: row.body.clone(),
        target_groups: parse_json(&row.target_groups),
        tags: parse_json(&row.tags),
        area: row.area.clone(),
        period: row.period.clone(),
        results: parse_json(&row.results),
        contact_organisation_id: row.contact_organisation_id,
        visibility: PracticeVisibility::parse(&row.visibility)
            .unwrap_or(PracticeVisibility::Platform),
        status: PracticeStatus::parse(&row.status).unwrap_or(PracticeStatus::Draft),
    }
}

/// Writes the content into the row being saved.
fn set_content(row: &mut good_practice::ActiveModel, content: &PracticeContent) {
    row.title = Set(content.title.clone());
    row.summary = Set(content.summary.clone());
    row.body = Set(content.body.clone());
    row.target_groups = Set(json(&content.target_groups));
    row.tags = Set(json(&content.tags));
    row.area = Set(content.area.clone());
    row.period = Set(content.period.clone());
    row.results = Set(json(&content.results));
    row.contact_organisation_id = Set(content.contact_organisation_id);
    row.visibility = Set(content.visibility.as_str().into());
    row.status = Set(content.status.as_str().into());
}

/// One entry of the version history, in the transaction of the change it records.
async fn record_version(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    row: &good_practice::Model,
    fields: Vec<String>,
) -> Result<(), sea_orm::DbErr> {
    practice_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        practice_id: Set(row.id),
        version: Set(row.version),
        changed_by: Set(actor.user.id),
        changed_at: Set(row.updated_at),
        fields: Set(json(&fields)),
        snapshot: Set(json(&content_of(row))),
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewGoodPractice,
) -> ApiResult<GoodPractice> {
    let platform_id = author_platform(actor, input.platform_id)?;
    let platform = actor.scope(&state.db).platform(platform_id).await?;
    refuse_personal_data_in(&input)?;
    let content = checked(PracticeContent {
        title: input.title,
        summary: input.summary,
        body: input.body,
        target_groups: input.target_groups,
        tags: input.tags,
        area: input.area,
        period: input.period,
        results: input.results,
        contact_organisation_id: check_contact(state, actor, input.contact_organisation_id).await?,
        visibility: input.visibility,
        status: input.status,
    })?;
    let now = Utc::now();
    let mut new = good_practice::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform.id),
        network_id: Set(platform.parent_id.unwrap_or(platform.id)),
        created_by: Set(actor.user.id),
        featured_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    };
    set_content(&mut new, &content);
    let txn = state.db.begin().await?;
    let row = new.insert(&txn).await?;
    record_version(
        &txn,
        actor,
        &row,
        PracticeContent::FIELDS.map(String::from).to_vec(),
    )
    .await?;
    log_change(&txn, None, &row).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// The practice, if the actor may change it (403 when they only read it).
async fn writable(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<good_practice::Model> {
    let row = actor.scope(&state.db).practice(id).await?;
    if !actor.roles_on(row.platform_id).into_iter().any(writer_role) {
        return Err(ApiError::Forbidden);
    }
    Ok(row)
}

pub async fn patch(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: GoodPracticePatch,
) -> ApiResult<GoodPractice> {
    let row = writable(state, actor, id).await?;
    refuse_personal_data_in(&input)?;
    let before = content_of(&row);
    let mut asked = before.clone();
    if let Some(v) = input.title {
        asked.title = v;
    }
    if let Some(v) = input.summary {
        asked.summary = v;
    }
    if let Some(v) = input.body {
        asked.body = v;
    }
    if let Some(v) = input.target_groups {
        asked.target_groups = v;
    }
    if let Some(v) = input.tags {
        asked.tags = v;
    }
    if let Some(v) = input.area {
        asked.area = v;
    }
    if let Some(v) = input.period {
        asked.period = v;
    }
    if let Some(v) = input.results {
        asked.results = v;
    }
    if let Some(v) = input.contact_organisation_id {
        asked.contact_organisation_id = check_contact(state, actor, Some(v)).await?;
    }
    if let Some(v) = input.visibility {
        asked.visibility = v;
    }
    if let Some(v) = input.status {
        asked.status = v;
    }
    let after_content = checked(asked)?;
    let fields = before.changed_fields(&after_content);
    // Nothing changed (a retried or empty patch): no new version, nothing to tell anyone.
    if fields.is_empty() {
        return view(state, actor, row).await;
    }
    let txn = state.db.begin().await?;
    let mut update: good_practice::ActiveModel = row.clone().into();
    set_content(&mut update, &after_content);
    update.version = Set(row.version + 1);
    update.updated_at = Set(Utc::now());
    // No longer shared across the network: no longer featured there either.
    if !shared_beyond_platform(after_content.status, after_content.visibility) {
        update.featured_at = Set(None);
    }
    let after = claim_version(&txn, &row, update).await?;
    record_version(&txn, actor, &after, fields).await?;
    log_change(&txn, Some(&row), &after).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

/// Writes `update` only if the practice is still at the version `row` was read at (the
/// first statement of the transaction, so on SQLite it takes the write lock before
/// anything is read); someone else's change in between is 409 `edit_conflict`, as for
/// outreach requests. Returns the practice as written.
async fn claim_version(
    txn: &impl ConnectionTrait,
    row: &good_practice::Model,
    update: good_practice::ActiveModel,
) -> ApiResult<good_practice::Model> {
    let changed = good_practice::Entity::update_many()
        .set(update)
        .filter(good_practice::Column::Id.eq(row.id))
        .filter(good_practice::Column::Version.eq(row.version))
        .filter(good_practice::Column::DeletedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(ApiError::Conflict {
            code: "edit_conflict",
            message: "The practice changed meanwhile: load it again and repeat the edit.".into(),
        });
    }
    good_practice::Entity::find_by_id(row.id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)
}

pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<()> {
    let row = writable(state, actor, id).await?;
    let txn = state.db.begin().await?;
    let mut update: good_practice::ActiveModel = row.clone().into();
    update.deleted_at = Set(Some(Utc::now()));
    update.featured_at = Set(None);
    update.version = Set(row.version + 1);
    let after = claim_version(&txn, &row, update).await?;
    log_change(&txn, Some(&row), &after).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

/// 周知: the secretariat features a shared practice across its network, or stops.
pub async fn feature(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    on: bool,
) -> ApiResult<GoodPractice> {
    let row = actor.scope(&state.db).practice(id).await?;
    if !actor
        .roles_on(row.network_id)
        .into_iter()
        .any(secretariat_role)
    {
        return Err(ApiError::Forbidden);
    }
    if on && !practice_shared(&row) {
        return Err(ApiError::Conflict {
            code: "not_shared",
            message: "Only a published practice shared with the network can be featured.".into(),
        });
    }
    let txn = state.db.begin().await?;
    // Only as it was checked: an edit in between (unsharing it, say) is 409, and a
    // practice is never featured while not shared.
    let changed = good_practice::Entity::update_many()
        .col_expr(
            good_practice::Column::FeaturedAt,
            Expr::value(on.then(Utc::now)),
        )
        .filter(good_practice::Column::Id.eq(id))
        .filter(good_practice::Column::Version.eq(row.version))
        .filter(good_practice::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(ApiError::Conflict {
            code: "edit_conflict",
            message: "The practice changed meanwhile: load it again and repeat.".into(),
        });
    }
    let after = good_practice::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    log_change(&txn, Some(&row), &after).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

/// 参考にした: one of the actor's platforms is trying the practice (once per platform).
pub async fn adopt(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: NewAdoption,
) -> ApiResult<GoodPractice> {
    let row = actor.scope(&state.db).practice(id).await?;
    let platform_id = author_platform(actor, input.platform_id)?;
    if platform_id == row.platform_id {
        return Err(ApiError::Conflict {
            code: "own_practice",
            message: "A platform does not adopt its own practice.".into(),
        });
    }
    let note = text("note", &input.note, MAX_SUMMARY_CHARS, false)?;
    refuse_personal_data_in(&input)?;
    // Once per platform, in one statement: of simultaneous adoptions one inserts, the
    // others find it there (the unique key decides), and only the first tells anyone.
    let txn = state.db.begin().await?;
    let inserted = adoption::Entity::insert(adoption::ActiveModel {
        id: Set(Uuid::new_v4()),
        practice_id: Set(id),
        platform_id: Set(platform_id),
        user_id: Set(actor.user.id),
        note: Set(note),
        at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([adoption::Column::PracticeId, adoption::Column::PlatformId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted > 0 {
        log_change(&txn, Some(&row), &row).await?;
        txn.commit().await?;
        state.changes.committed();
    } else {
        txn.rollback().await?;
    }
    get(state, actor, id).await
}

/// Who changed what, newest first: anyone who may read the practice reads the versions
/// they could read when each was recorded (`Actor::may_read_practice_version`); a draft's
/// text, or a text kept to the author platform, stays the author platform's.
pub async fn versions(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> ApiResult<Vec<PracticeVersion>> {
    let row = actor.scope(&state.db).practice(id).await?;
    let versions = practice_version::Entity::find()
        .filter(practice_version::Column::PracticeId.eq(row.id))
        .order_by_desc(practice_version::Column::Version)
        .all(&state.db)
        .await?;
    let users: HashMap<Uuid, user::Model> = crate::db::find_in::<user::Entity, _, _>(
        &state.db,
        user::Column::Id,
        versions.iter().map(|v| v.changed_by),
    )
    .await?
    .into_iter()
    .map(|u| (u.id, u))
    .collect();
    let mut shown = Vec::with_capacity(versions.len());
    for v in versions {
        let by = users
            .get(&v.changed_by)
            .ok_or_else(|| ApiError::Internal(format!("user {} missing", v.changed_by)))?;
        let content: PracticeContent = serde_json::from_str(&v.snapshot)
            .map_err(|_| ApiError::Internal(format!("version {} of {id} unreadable", v.version)))?;
        if !actor.may_read_practice_version(&row, &content) {
            continue;
        }
        shown.push(PracticeVersion {
            version: v.version.max(0) as u32,
            changed_by: user_summary(by),
            changed_at: v.changed_at,
            fields: parse_json(&v.fields),
            content,
        });
    }
    Ok(shown)
}

pub const MAX_COMMENT_CHARS: usize = 2_000;

/// A reader's comment: anyone who may read the practice may comment on it.
pub async fn comment(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: NewPracticeComment,
) -> ApiResult<PracticeComment> {
    let row = actor.scope(&state.db).practice(id).await?;
    let body = text("body", &input.body, MAX_COMMENT_CHARS, true)?;
    refuse_personal_data_in(&input)?;
    let txn = state.db.begin().await?;
    let saved = practice_comment::ActiveModel {
        id: Set(Uuid::new_v4()),
        practice_id: Set(row.id),
        author_id: Set(actor.user.id),
        body: Set(body),
        created_at: Set(Utc::now()),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    log_change(&txn, Some(&row), &row).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(PracticeComment {
        id: saved.id,
        author: user_summary(&actor.user),
        organisation_name: actor.organisation.name.clone(),
        body: saved.body,
        created_at: saved.created_at,
        can_delete: true,
    })
}

pub async fn comments(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> ApiResult<Vec<PracticeComment>> {
    Ok(get(state, actor, id).await?.comments)
}

/// Takes back one's own comment (403 for anyone else's).
pub async fn delete_comment(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    comment_id: Uuid,
) -> ApiResult<()> {
    let row = actor.scope(&state.db).practice(id).await?;
    let comment = practice_comment::Entity::find_by_id(comment_id)
        .filter(practice_comment::Column::PracticeId.eq(row.id))
        .filter(practice_comment::Column::DeletedAt.is_null())
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if comment.author_id != actor.user.id {
        return Err(ApiError::Forbidden);
    }
    let txn = state.db.begin().await?;
    // Once: of two simultaneous deletes only one changes anything (and tells anyone).
    let changed = practice_comment::Entity::update_many()
        .col_expr(
            practice_comment::Column::DeletedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(practice_comment::Column::Id.eq(comment.id))
        .filter(practice_comment::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    log_change(&txn, Some(&row), &row).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        let tags = check_tags(vec![" 就労体験 ".into(), "就労体験".into(), "農業".into()]).unwrap();
        assert_eq!(tags, vec!["就労体験".to_string(), "農業".to_string()]);
        assert!(check_tags(vec![String::new()]).is_err());
        assert!(check_tags((0..21).map(|i| format!("t{i}")).collect()).is_err());
    }
}
