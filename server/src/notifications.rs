//! Notifications (通知): what a person is told about, kept until they read it. Each one
//! belongs to one user and travels in the sync feed to that user only, so the
//! navigation's badge and the list update live. A notification about a thread the user
//! no longer takes part in is not theirs to see any more: 404, and a delete in the feed.
//! Liaison threads notify mentions; outreach requests notify the steps that need someone.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, ErrorBody};
use app::notifications::{Notification, NotificationKind};

use crate::accounts::{user_summary, Authorized};
use crate::entities::{
    inquiry, liaison_thread, meeting, message, notification, outreach_request, policy_proposal,
    user,
};
use crate::http::{ApiError, ApiPath, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};
use crate::web::{see_other, PageForm};

/// How many the list shows: the newest; older ones stay in the database.
pub const LIST_LIMIT: u64 = 100;
const EXCERPT_CHARS: usize = 80;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list_notifications))
        .route("/notifications/read", post(read_all))
        .route("/notifications/{id}/read", post(read_one))
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = [Notification]), (status = 401, body = ErrorBody)))]
pub async fn list_notifications(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(list(&state, &actor).await?))
}

/// Mark one notification read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn read_one(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    visible_one(&state, &actor, id).await?;
    mark_read(&state, &actor, Which::One(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn read_all(
    State(state): State<AppState>,
    Authorized(actor): Authorized,
) -> ApiResult<StatusCode> {
    mark_read(&state, &actor, Which::All).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a notification is about.
pub enum About {
    Message { thread_id: Uuid, message_id: Uuid },
    Outreach(Uuid),
    Inquiry(Uuid),
    Proposal(Uuid),
    Meeting(Uuid),
}

/// Records a notification for a user inside the caller's transaction, and sends it to
/// them (and only them) through the feed.
pub async fn notify(
    txn: &impl ConnectionTrait,
    user_id: Uuid,
    kind: NotificationKind,
    about: About,
    by: Uuid,
) -> Result<(), sea_orm::DbErr> {
    let id = Uuid::new_v4();
    let (mut thread_id, mut message_id) = (None, None);
    let (mut outreach_request_id, mut inquiry_id, mut proposal_id, mut meeting_id) =
        (None, None, None, None);
    match about {
        About::Message {
            thread_id: thread,
            message_id: message,
        } => (thread_id, message_id) = (Some(thread), Some(message)),
        About::Outreach(request) => outreach_request_id = Some(request),
        About::Inquiry(inquiry) => inquiry_id = Some(inquiry),
        About::Proposal(proposal) => proposal_id = Some(proposal),
        About::Meeting(meeting) => meeting_id = Some(meeting),
    }
    notification::Entity::insert(notification::ActiveModel {
        id: sea_orm::ActiveValue::Set(id),
        user_id: sea_orm::ActiveValue::Set(user_id),
        kind: sea_orm::ActiveValue::Set(kind.as_str().into()),
        thread_id: sea_orm::ActiveValue::Set(thread_id),
        message_id: sea_orm::ActiveValue::Set(message_id),
        outreach_request_id: sea_orm::ActiveValue::Set(outreach_request_id),
        inquiry_id: sea_orm::ActiveValue::Set(inquiry_id),
        proposal_id: sea_orm::ActiveValue::Set(proposal_id),
        meeting_id: sea_orm::ActiveValue::Set(meeting_id),
        actor_id: sea_orm::ActiveValue::Set(Some(by)),
        created_at: sea_orm::ActiveValue::Set(Utc::now()),
        read_at: sea_orm::ActiveValue::Set(None),
    })
    .exec(txn)
    .await?;
    sync::append(
        txn,
        ChangeKind::Notification,
        id,
        ChangeOp::Upsert,
        &Audience::user(user_id),
    )
    .await?;
    Ok(())
}

/// The actor's notifications about what they may still see: the thread or the request
/// through the policy layer's visible sets, in the query itself.
fn visible_to(actor: &Actor, state: &AppState) -> sea_orm::Select<notification::Entity> {
    let scope = actor.scope(&state.db);
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user.id))
        .filter(
            Condition::any()
                .add(notification::Column::ThreadId.in_subquery(scope.thread_ids_visible()))
                .add(
                    notification::Column::OutreachRequestId
                        .in_subquery(scope.outreach_ids_visible()),
                )
                .add(notification::Column::InquiryId.in_subquery(scope.inquiry_ids_visible()))
                .add(notification::Column::ProposalId.in_subquery(scope.proposal_ids_visible()))
                .add(notification::Column::MeetingId.in_subquery(scope.meeting_ids_visible()))
                .add(
                    Condition::all()
                        .add(notification::Column::ThreadId.is_null())
                        .add(notification::Column::OutreachRequestId.is_null())
                        .add(notification::Column::InquiryId.is_null())
                        .add(notification::Column::ProposalId.is_null())
                        .add(notification::Column::MeetingId.is_null()),
                ),
        )
}

async fn views(state: &AppState, rows: Vec<notification::Model>) -> ApiResult<Vec<Notification>> {
    let subjects: HashMap<Uuid, String> = liaison_thread::Entity::find()
        .filter(liaison_thread::Column::Id.is_in(rows.iter().filter_map(|r| r.thread_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.subject))
        .collect();
    let titles: HashMap<Uuid, String> = outreach_request::Entity::find()
        .filter(
            outreach_request::Column::Id.is_in(rows.iter().filter_map(|r| r.outreach_request_id)),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.title))
        .collect();
    let inquiry_titles: HashMap<Uuid, String> = inquiry::Entity::find()
        .filter(inquiry::Column::Id.is_in(rows.iter().filter_map(|r| r.inquiry_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.title))
        .collect();
    let proposal_titles: HashMap<Uuid, String> = policy_proposal::Entity::find()
        .filter(policy_proposal::Column::Id.is_in(rows.iter().filter_map(|r| r.proposal_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let meeting_titles: HashMap<Uuid, String> = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(rows.iter().filter_map(|r| r.meeting_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.title))
        .collect();
    let messages: HashMap<Uuid, message::Model> = message::Entity::find()
        .filter(message::Column::Id.is_in(rows.iter().filter_map(|r| r.message_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let authors: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(
            user::Column::Id.is_in(
                messages
                    .values()
                    .map(|m| m.author_id)
                    .chain(rows.iter().filter_map(|r| r.actor_id)),
            ),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let message = row.message_id.and_then(|id| messages.get(&id));
            Notification {
                id: row.id,
                kind: NotificationKind::parse(&row.kind).unwrap_or(NotificationKind::Mention),
                thread_id: row.thread_id,
                message_id: row.message_id,
                outreach_request_id: row.outreach_request_id,
                inquiry_id: row.inquiry_id,
                proposal_id: row.proposal_id,
                meeting_id: row.meeting_id,
                subject: row
                    .thread_id
                    .and_then(|id| subjects.get(&id).cloned())
                    .or_else(|| {
                        row.outreach_request_id
                            .and_then(|id| titles.get(&id).cloned())
                    })
                    .or_else(|| {
                        row.inquiry_id
                            .and_then(|id| inquiry_titles.get(&id).cloned())
                    })
                    .or_else(|| {
                        row.proposal_id
                            .and_then(|id| proposal_titles.get(&id).cloned())
                    })
                    .or_else(|| {
                        row.meeting_id
                            .and_then(|id| meeting_titles.get(&id).cloned())
                    })
                    .unwrap_or_default(),
                excerpt: message
                    .map(|m| m.body.chars().take(EXCERPT_CHARS).collect())
                    .unwrap_or_default(),
                by: row
                    .actor_id
                    .or(message.map(|m| m.author_id))
                    .and_then(|id| authors.get(&id))
                    .map(user_summary),
                created_at: row.created_at,
                read_at: row.read_at,
            }
        })
        .collect())
}

/// The caller's notifications, newest first, about what they may still see.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<Notification>> {
    let rows = visible_to(actor, state)
        .order_by_desc(notification::Column::CreatedAt)
        .limit(LIST_LIMIT)
        .all(&state.db)
        .await?;
    views(state, rows).await
}

/// The caller's unread notifications of one kind, newest first (at most [`LIST_LIMIT`]).
pub async fn unread_of_kind(
    state: &AppState,
    actor: &Actor,
    kind: NotificationKind,
) -> ApiResult<Vec<Notification>> {
    let rows = visible_to(actor, state)
        .filter(notification::Column::Kind.eq(kind.as_str()))
        .filter(notification::Column::ReadAt.is_null())
        .order_by_desc(notification::Column::CreatedAt)
        .limit(LIST_LIMIT)
        .all(&state.db)
        .await?;
    views(state, rows).await
}

/// One notification of the actor's, if they may still see what it is about.
async fn visible_one(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<notification::Model> {
    visible_to(actor, state)
        .filter(notification::Column::Id.eq(id))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One notification as the feed shows it to its user; 404 to anyone else.
pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Notification> {
    let row = visible_one(state, actor, id).await?;
    views(state, vec![row])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

pub enum Which {
    One(Uuid),
    /// Everything about one thread: the person has opened it.
    Thread(Uuid),
    All,
}

/// Marks the caller's unread notifications read; each one that changes is sent again.
pub async fn mark_read(state: &AppState, actor: &Actor, which: Which) -> ApiResult<()> {
    let now = Utc::now();
    let mut unread = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(actor.user.id))
        .filter(notification::Column::ReadAt.is_null());
    unread = match which {
        Which::One(id) => unread.filter(notification::Column::Id.eq(id)),
        Which::Thread(thread_id) => unread.filter(notification::Column::ThreadId.eq(thread_id)),
        Which::All => unread,
    };
    // The write first, with no list of ids to bind (a person may have any number
    // unread); it takes the lock (SQLite's write lock, PostgreSQL's row locks), so of two
    // simultaneous calls each notification is marked, and sent again, by one of them
    // only: the one whose time it now carries.
    let txn = state.db.begin().await?;
    let marked = unread.exec(&txn).await?.rows_affected;
    if marked == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    let ids: Vec<Uuid> = notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user.id))
        .filter(notification::Column::ReadAt.eq(now))
        .select_only()
        .column(notification::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    for id in ids {
        sync::append(
            &txn,
            ChangeKind::Notification,
            id,
            ChangeOp::Upsert,
            &Audience::user(actor.user.id),
        )
        .await?;
    }
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

/// Mark notifications read from the notifications page: one (`id`) or all.
pub async fn read_notifications(
    State(state): State<AppState>,
    form: PageForm,
) -> ApiResult<Response> {
    let actor = &form.actor;
    let which = match form.field("id").map(Uuid::parse_str) {
        Some(Ok(id)) => Which::One(id),
        Some(Err(_)) => return Err(ApiError::NotFound),
        None => Which::All,
    };
    mark_read(&state, actor, which).await?;
    Ok(see_other("/notifications"))
}
