//! Platforms (tenants), their member lists and the network's organisations.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use uuid::Uuid;

use app::domain::{ErrorBody, Member, Organisation, Platform};

use crate::accounts::Authorized;
use crate::http::{ApiPath, ApiResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/platforms", get(list_platforms))
        .route("/platforms/{id}", get(get_platform))
        .route("/platforms/{id}/members", get(list_members))
        .route("/organisations", get(list_organisations))
}

/// The platforms of the caller's prefectural network.
#[utoipa::path(get, path = "/api/v1/platforms", tag = "platforms",
    responses((status = 200, body = [Platform]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_platforms(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<Vec<Platform>>> {
    Ok(Json(actor.scope(&state.db).platforms().await?))
}

/// One platform of the caller's network.
#[utoipa::path(get, path = "/api/v1/platforms/{id}", tag = "platforms",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Platform), (status = 404, body = ErrorBody)))]
pub async fn get_platform(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Platform>> {
    Ok(Json(actor.scope(&state.db).platform(id).await?))
}

/// A platform's memberships: organisation, category, standing and secretariat role.
#[utoipa::path(get, path = "/api/v1/platforms/{id}/members", tag = "platforms",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = [Member]), (status = 404, body = ErrorBody)))]
pub async fn list_members(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Member>>> {
    Ok(Json(actor.scope(&state.db).members(id).await?))
}

/// The organisations of the caller's network.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "platforms",
    responses((status = 200, body = [Organisation]), (status = 401, body = ErrorBody)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<Vec<Organisation>>> {
    Ok(Json(actor.scope(&state.db).organisations().await?))
}

/// The names of these organisations, by id, in one query: what a record's view shows
/// beside the ids it stores. Not a read of tenant data (organisation names are the
/// network's shared member table); callers look up only ids of records already checked.
pub async fn organisation_names(
    db: &impl sea_orm::ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    use crate::entities::organisation;
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The names of these platforms, by id, in one query (see [`organisation_names`]).
pub async fn platform_names(
    db: &impl sea_orm::ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    use crate::entities::platform;
    Ok(platform::Entity::find()
        .filter(platform::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

/// The organisations a platform's secretariat works with: those with a membership on the
/// platform or, for a prefectural platform, on one of its municipal platforms (the whole
/// network), by name. KPI contributors and inquiry addressees are chosen from these.
pub async fn member_organisations(
    db: &impl sea_orm::ConnectionTrait,
    root: Uuid,
) -> Result<Vec<crate::entities::organisation::Model>, sea_orm::DbErr> {
    use crate::entities::{membership, organisation, platform};
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

    let platforms: Vec<Uuid> = platform::Entity::find()
        .filter(
            Condition::any()
                .add(platform::Column::Id.eq(root))
                .add(platform::Column::ParentId.eq(root)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let ids: std::collections::BTreeSet<Uuid> = membership::Entity::find()
        .filter(membership::Column::PlatformId.is_in(platforms))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect();
    organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await
}

/// The organisations `asked` for (each once, in the order given) if their number is in
/// `count` and every one is a member of the platform's network ([`member_organisations`]):
/// KPI contributors, inquiry addressees. Errors name `field`: 422 `invalid_field` for the
/// number, 422 `invalid_organisation` for an organisation from elsewhere.
pub async fn checked_members(
    db: &impl sea_orm::ConnectionTrait,
    platform: Uuid,
    asked: &[Uuid],
    field: &str,
    count: std::ops::RangeInclusive<usize>,
) -> ApiResult<Vec<Uuid>> {
    let mut seen = std::collections::HashSet::new();
    let out: Vec<Uuid> = asked
        .iter()
        .copied()
        .filter(|id| seen.insert(*id))
        .collect();
    if !count.contains(&out.len()) {
        return Err(crate::http::ApiError::invalid(
            "invalid_field",
            format!(
                "`{field}`: from {} to {} organisations.",
                count.start(),
                count.end()
            ),
        ));
    }
    let known: std::collections::BTreeSet<Uuid> = member_organisations(db, platform)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    if out.iter().any(|id| !known.contains(id)) {
        return Err(crate::http::ApiError::invalid(
            "invalid_organisation",
            format!("`{field}`: member organisations of the platform's network."),
        ));
    }
    Ok(out)
}

/// Takes `platform_id`'s row lock for the rest of the transaction with a write that
/// changes nothing (on SQLite the database's write lock), so that writes which check the
/// platform's other records before adding one (a pledge's next number, a plan period's
/// overlap) are serialised. Call it first in the transaction.
pub async fn lock_platform(
    txn: &impl sea_orm::ConnectionTrait,
    platform_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    use crate::entities::platform;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    platform::Entity::update_many()
        .col_expr(platform::Column::Name, Expr::col(platform::Column::Name))
        .filter(platform::Column::Id.eq(platform_id))
        .exec(txn)
        .await?;
    Ok(())
}
