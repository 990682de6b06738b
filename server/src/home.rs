//! The home page's to-do list (`GET /api/v1/to-do` and the platform home page): what
//! needs the signed-in person now. Everything it reads goes through the policy layer as
//! the lists it summarises do, and [`app::home::ToDo::gather`] decides what counts, the
//! same function the browser runs over its local store.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use app::bounded::{Page, PerPage};
use app::domain::ErrorBody;
use app::home::ToDo;
use app::notifications::NotificationKind;

use crate::accounts::Authorized;
use crate::http::ApiResult;
use crate::policy::Actor;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/to-do", get(get_to_do))
}

/// What needs the caller now: unread mentions, outreach requests waiting for their step,
/// overdue requests they take part in, and their unread messages (each list at most
/// [`app::home::TO_DO_SHOWN`] long, with its total).
#[utoipa::path(get, path = "/api/v1/to-do", tag = "home",
    responses((status = 200, body = ToDo), (status = 401, body = ErrorBody)))]
pub async fn get_to_do(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<ToDo>> {
    let today = Utc::now().with_timezone(&Tokyo).date_naive();
    Ok(Json(to_do(&state, &actor, today).await?))
}

/// The caller's to-do list as of `today` (a Japan date). Reads the unread mention
/// notifications (the newest [`crate::notifications::LIST_LIMIT`]), the first page of the
/// caller's requests at its largest (open ones come first, so every open request of a
/// platform with up to that many) and the unread count of each of their threads.
pub async fn to_do(state: &AppState, actor: &Actor, today: NaiveDate) -> ApiResult<ToDo> {
    let mentions =
        crate::notifications::unread_of_kind(state, actor, NotificationKind::Mention).await?;
    let requests = crate::outreach::list(
        state,
        actor,
        crate::outreach::ListFilter {
            page: Page::saturating(0),
            per_page: PerPage::saturating(PerPage::MAX.into()),
            ..Default::default()
        },
    )
    .await?
    .items;
    let threads = visible_thread_ids(state, actor).await?;
    let unread = crate::threads::unread_counts(&state.db, actor.user.id, &threads).await?;
    Ok(ToDo::gather(
        &mentions,
        unread.into_values(),
        &requests,
        today,
    ))
}

async fn visible_thread_ids(state: &AppState, actor: &Actor) -> ApiResult<Vec<Uuid>> {
    use crate::entities::liaison_thread as lt;
    Ok(lt::Entity::find()
        .select_only()
        .column(lt::Column::Id)
        .filter(lt::Column::Id.in_subquery(actor.scope(&state.db).thread_ids_visible()))
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await?)
}
