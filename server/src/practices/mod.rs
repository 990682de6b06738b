//! The good-practice library (好事例の把握と周知, guidelines §3(1)③⑤ and §4(4)): a
//! platform writes up what worked; as its visibility allows, the network reads it; the
//! prefectural secretariat features (周知) it across the network; other platforms mark it
//! 参考にした and the author platform sees who. Visibility is the policy layer's rule
//! (`Scope::practice`): a draft or a `platform` practice is the author platform's alone;
//! a published `network` or `public` one is every platform's of its prefectural network.

pub mod markdown;
pub mod routes;

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, Role};
use app::outreach::TargetGroup;
use app::practices::{
    Adoption, ContactOrganisation, GoodPractice, GoodPracticePatch, NewAdoption, NewGoodPractice,
    PracticeResult, PracticeStatus, PracticeVisibility,
};

use crate::accounts::user_summary;
use crate::entities::{adoption, good_practice, organisation, platform, user};
use crate::http::input::{json, parse_json, refuse_personal_data, text};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};
use crate::threads::search;

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

fn shared(row: &good_practice::Model) -> bool {
    row.status == PracticeStatus::Published.as_str()
        && row.visibility != PracticeVisibility::Platform.as_str()
}

/// Who hears of a change: the author platform, and the network once it is shared.
fn audience(row: &good_practice::Model) -> Audience {
    Audience {
        platforms: vec![row.platform_id],
        networks: if shared(row) {
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
    if before.is_some_and(shared) && (!shared(after) || after.deleted_at.is_some()) {
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
        let tag = text("tags", &tag, 50, true)?;
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
            if !r.value.is_finite() {
                return Err(ApiError::invalid(
                    "invalid_field",
                    "`results[].value`: a number.",
                ));
            }
            Ok(PracticeResult {
                label: text("results[].label", &r.label, 100, true)?,
                value: r.value,
                unit: text("results[].unit", &r.unit, 20, false)?,
            })
        })
        .collect()
}

fn search_text(title: &str, summary: &str, body: &str, tags: &[String]) -> String {
    search::fold(&format!("{title}\n{summary}\n{body}\n{}", tags.join(" ")))
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
        .filter(adoption::Column::PracticeId.is_in(ids))
        .order_by_asc(adoption::Column::At)
        .all(db)
        .await?
    {
        adoptions.entry(a.practice_id).or_default().push(a);
    }
    let user_ids: BTreeSet<Uuid> = rows
        .iter()
        .map(|r| r.created_by)
        .chain(adoptions.values().flatten().map(|a| a.user_id))
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
    let platforms: HashMap<Uuid, String> = platform::Entity::find()
        .filter(platform::Column::Id.is_in(platform_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let orgs: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(
            organisation::Column::Id.is_in(rows.iter().filter_map(|r| r.contact_organisation_id)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
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
        let can_edit = actor.roles_on(row.platform_id).into_iter().any(writer_role);
        let can_feature = shared(&row)
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
            adopted_by_me: own.iter().any(|a| mine.contains(&a.platform_id)),
            adoptions: listed,
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

/// Filters of the list. Ranking, facets and snippets come with the library's search.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub q: Option<String>,
    pub target_group: Option<TargetGroup>,
    pub tag: Option<String>,
    pub platform: Option<Uuid>,
    pub featured: bool,
}

/// The practices the caller may read: featured first, then the most recently changed.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: ListFilter,
) -> ApiResult<(Vec<GoodPractice>, u64)> {
    use good_practice::Column as C;
    let mut query = good_practice::Entity::find()
        .filter(C::Id.in_subquery(actor.scope(&state.db).practice_ids_visible()));
    if let Some(p) = filter.platform {
        query = query.filter(C::PlatformId.eq(p));
    }
    if filter.featured {
        query = query.filter(C::FeaturedAt.is_not_null());
    }
    // JSON lists are matched as their quoted items.
    if let Some(g) = filter.target_group {
        query = query.filter(C::TargetGroups.like(format!("%\"{}\"%", g.as_str())));
    }
    if let Some(tag) = filter.tag.as_deref().filter(|t| !t.trim().is_empty()) {
        let quoted = json(&tag.trim());
        query = query.filter(
            C::Tags.like(LikeExpr::new(format!("%{}%", escape_like(&quoted))).escape('\\')),
        );
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        query =
            query.filter(C::SearchText.like(LikeExpr::new(search::like_pattern(q)).escape('\\')));
    }
    let total = query.clone().count(&state.db).await?;
    let rows = query
        .order_by_desc(C::FeaturedAt)
        .order_by_desc(C::UpdatedAt)
        .limit(LIST_LIMIT)
        .all(&state.db)
        .await?;
    Ok((views(state, actor, rows).await?, total))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
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

pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewGoodPractice,
) -> ApiResult<GoodPractice> {
    let platform_id = author_platform(actor, input.platform_id)?;
    let platform = actor.scope(&state.db).platform(platform_id).await?;
    let title = text("title", &input.title, MAX_TITLE_CHARS, true)?;
    let summary = text("summary", &input.summary, MAX_SUMMARY_CHARS, false)?;
    let body = text("body", &input.body, MAX_BODY_CHARS, false)?;
    let area = text("area", &input.area, MAX_SHORT_CHARS, false)?;
    let period = text("period", &input.period, MAX_SHORT_CHARS, false)?;
    let tags = check_tags(input.tags)?;
    let results = check_results(input.results)?;
    let tag_text = tags.join(" ");
    let labels: String = results
        .iter()
        .map(|r| r.label.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    refuse_personal_data([
        ("title", title.as_str()),
        ("summary", summary.as_str()),
        ("body", body.as_str()),
        ("area", area.as_str()),
        ("period", period.as_str()),
        ("tags", tag_text.as_str()),
        ("results", labels.as_str()),
    ])?;
    let contact = check_contact(state, actor, input.contact_organisation_id).await?;
    let mut groups = input.target_groups;
    groups.sort();
    groups.dedup();
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let row = good_practice::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform.id),
        network_id: Set(platform.parent_id.unwrap_or(platform.id)),
        created_by: Set(actor.user.id),
        search_text: Set(search_text(&title, &summary, &body, &tags)),
        title: Set(title),
        summary: Set(summary),
        body: Set(body),
        target_groups: Set(json(&groups)),
        tags: Set(json(&tags)),
        area: Set(area),
        period: Set(period),
        results: Set(json(&results)),
        contact_organisation_id: Set(contact),
        visibility: Set(input.visibility.as_str().into()),
        status: Set(input.status.as_str().into()),
        featured_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    }
    .insert(&txn)
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
    let title = match &input.title {
        Some(t) => text("title", t, MAX_TITLE_CHARS, true)?,
        None => row.title.clone(),
    };
    let summary = match &input.summary {
        Some(t) => text("summary", t, MAX_SUMMARY_CHARS, false)?,
        None => row.summary.clone(),
    };
    let body = match &input.body {
        Some(t) => text("body", t, MAX_BODY_CHARS, false)?,
        None => row.body.clone(),
    };
    let area = match &input.area {
        Some(t) => text("area", t, MAX_SHORT_CHARS, false)?,
        None => row.area.clone(),
    };
    let period = match &input.period {
        Some(t) => text("period", t, MAX_SHORT_CHARS, false)?,
        None => row.period.clone(),
    };
    let tags = match input.tags {
        Some(t) => check_tags(t)?,
        None => parse_json(&row.tags),
    };
    let results = match input.results {
        Some(r) => check_results(r)?,
        None => parse_json(&row.results),
    };
    let tag_text = tags.join(" ");
    let labels: String = results
        .iter()
        .map(|r| r.label.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    refuse_personal_data([
        ("title", title.as_str()),
        ("summary", summary.as_str()),
        ("body", body.as_str()),
        ("area", area.as_str()),
        ("period", period.as_str()),
        ("tags", tag_text.as_str()),
        ("results", labels.as_str()),
    ])?;
    let contact = match input.contact_organisation_id {
        Some(id) => check_contact(state, actor, Some(id)).await?,
        None => row.contact_organisation_id,
    };
    let txn = state.db.begin().await?;
    let mut update: good_practice::ActiveModel = row.clone().into();
    update.search_text = Set(search_text(&title, &summary, &body, &tags));
    update.title = Set(title);
    update.summary = Set(summary);
    update.body = Set(body);
    update.area = Set(area);
    update.period = Set(period);
    update.tags = Set(json(&tags));
    update.results = Set(json(&results));
    update.contact_organisation_id = Set(contact);
    if let Some(mut groups) = input.target_groups {
        groups.sort();
        groups.dedup();
        update.target_groups = Set(json(&groups));
    }
    if let Some(v) = input.visibility {
        update.visibility = Set(v.as_str().into());
    }
    if let Some(s) = input.status {
        update.status = Set(s.as_str().into());
    }
    update.version = Set(row.version + 1);
    update.updated_at = Set(Utc::now());
    let mut after = update.update(&txn).await?;
    // No longer shared across the network: no longer featured there either.
    if !shared(&after) && after.featured_at.is_some() {
        let mut unfeature: good_practice::ActiveModel = after.clone().into();
        unfeature.featured_at = Set(None);
        after = unfeature.update(&txn).await?;
    }
    log_change(&txn, Some(&row), &after).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, after).await
}

pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<()> {
    let row = writable(state, actor, id).await?;
    let txn = state.db.begin().await?;
    let mut update: good_practice::ActiveModel = row.clone().into();
    update.deleted_at = Set(Some(Utc::now()));
    update.featured_at = Set(None);
    let after = update.update(&txn).await?;
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
    if on && !shared(&row) {
        return Err(ApiError::Conflict {
            code: "not_shared",
            message: "Only a published practice shared with the network can be featured.".into(),
        });
    }
    let txn = state.db.begin().await?;
    good_practice::Entity::update_many()
        .col_expr(
            good_practice::Column::FeaturedAt,
            Expr::value(on.then(Utc::now)),
        )
        .filter(good_practice::Column::Id.eq(id))
        .exec(&txn)
        .await?;
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
    refuse_personal_data([("note", note.as_str())])?;
    let exists = adoption::Entity::find()
        .filter(adoption::Column::PracticeId.eq(id))
        .filter(adoption::Column::PlatformId.eq(platform_id))
        .one(&state.db)
        .await?
        .is_some();
    if !exists {
        let txn = state.db.begin().await?;
        adoption::ActiveModel {
            id: Set(Uuid::new_v4()),
            practice_id: Set(id),
            platform_id: Set(platform_id),
            user_id: Set(actor.user.id),
            note: Set(note),
            at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        log_change(&txn, Some(&row), &row).await?;
        txn.commit().await?;
        state.changes.committed();
    }
    get(state, actor, id).await
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
