//! Liaison threads (連絡調整, guidelines §3 and §4(4)): the prefectural platform and the
//! municipal platforms (and organisations brought in) liaise in threads only their
//! participants see. Visibility is the policy layer's rule (`Scope::thread`); this module
//! owns the writes, the views and the change-log entries that make them live.

pub mod attachments;
pub mod forms;
pub mod receipts;
pub mod routes;
pub mod search;
pub mod unread;

pub use unread::UnreadBook;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, LikeExpr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp, Role};
use app::notifications::NotificationKind;
use app::personal_data::{FreeText, PersonalDataKind};
use app::threads::{
    LiaisonThread, Message, NewThread, Participant, ParticipantChoices, ThreadPatch, ThreadState,
};

use crate::accounts::user_summary;
use crate::audit;
use crate::db::find_in;
use crate::entities::{
    attachment, liaison_thread, membership, message, message_mention, organisation, platform,
    read_marker, thread_participant, user, user_role,
};
use crate::http::input::{refuse_findings, text};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};

pub const EDIT_WINDOW_MINUTES: i64 = 15;
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 10_000;
/// The longest search text (`q`) of the thread list, in characters: longer than any
/// subject, far below what a database's pattern matcher refuses.
pub const MAX_QUERY_CHARS: usize = 200;

pub use app::threads::ThreadFilter;

async fn active_participants(
    db: &impl ConnectionTrait,
    thread_id: Uuid,
) -> Result<Vec<thread_participant::Model>, sea_orm::DbErr> {
    thread_participant::Entity::find()
        .filter(thread_participant::Column::ThreadId.eq(thread_id))
        .filter(thread_participant::Column::RemovedAt.is_null())
        .all(db)
        .await
}

fn audience_of(participants: &[thread_participant::Model]) -> Audience {
    Audience {
        platforms: participants.iter().filter_map(|p| p.platform_id).collect(),
        organisations: participants
            .iter()
            .filter_map(|p| p.organisation_id)
            .collect(),
        ..Default::default()
    }
}

fn can_manage(
    actor: &Actor,
    thread: &liaison_thread::Model,
    participants: &[thread_participant::Model],
) -> bool {
    thread.created_by == actor.user.id
        || participants.iter().filter_map(|p| p.platform_id).any(|p| {
            actor
                .roles_on(p)
                .iter()
                .any(|r| matches!(r, Role::Coordinator | Role::Admin))
        })
}

/// The users who take part: those working on a participant platform (not as
/// responders) and those of participant organisations, with their organisation's name.
async fn participant_users(
    db: &impl ConnectionTrait,
    participants: &[thread_participant::Model],
) -> Result<BTreeMap<Uuid, String>, sea_orm::DbErr> {
    let platforms: Vec<Uuid> = participants.iter().filter_map(|p| p.platform_id).collect();
    let organisations: Vec<Uuid> = participants
        .iter()
        .filter_map(|p| p.organisation_id)
        .collect();
    let by_role: BTreeSet<Uuid> = user_role::Entity::find()
        .filter(user_role::Column::PlatformId.is_in(platforms))
        .filter(user_role::Column::Role.ne(Role::Responder.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let users = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::Id.is_in(by_role))
                .add(user::Column::OrganisationId.is_in(organisations)),
        )
        .filter(user::Column::DisabledAt.is_null())
        .all(db)
        .await?;
    let org_names: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(users.iter().map(|u| u.organisation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(users
        .into_iter()
        .map(|u| {
            (
                u.id,
                org_names
                    .get(&u.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect())
}

async fn thread_view(
    db: &impl ConnectionTrait,
    actor: &Actor,
    row: liaison_thread::Model,
) -> ApiResult<LiaisonThread> {
    let participants = active_participants(db, row.id).await?;
    let platform_ids: Vec<Uuid> = participants.iter().filter_map(|p| p.platform_id).collect();
    let organisation_ids: Vec<Uuid> = participants
        .iter()
        .filter_map(|p| p.organisation_id)
        .collect();
    let mut named = Vec::new();
    for p in platform::Entity::find()
        .filter(platform::Column::Id.is_in(platform_ids.clone()))
        .order_by_asc(platform::Column::Slug)
        .all(db)
        .await?
    {
        named.push(Participant {
            kind: "platform".into(),
            id: p.id,
            name: p.name,
        });
    }
    for o in organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(organisation_ids.clone()))
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await?
    {
        named.push(Participant {
            kind: "organisation".into(),
            id: o.id,
            name: o.name,
        });
    }
    let creator = user::Entity::find_by_id(row.created_by)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::Internal("thread without creator".into()))?;
    let live = || {
        message::Entity::find()
            .filter(message::Column::ThreadId.eq(row.id))
            .filter(message::Column::DeletedAt.is_null())
    };
    let message_count = live().count(db).await?;
    let marker = read_marker::Entity::find()
        .filter(read_marker::Column::ThreadId.eq(row.id))
        .filter(read_marker::Column::UserId.eq(actor.user.id))
        .one(db)
        .await?;
    let mut unread = live().filter(message::Column::AuthorId.ne(actor.user.id));
    if let Some(marker) = marker {
        unread = unread.filter(message::Column::CreatedAt.gt(marker.message_created_at));
    }
    let unread = unread.count(db).await?;
    let files = attachment::Entity::find()
        .filter(attachment::Column::ThreadId.eq(row.id))
        .order_by_asc(attachment::Column::CreatedAt)
        .all(db)
        .await?;
    let uploaders: HashMap<Uuid, user::Model> =
        find_in::<user::Entity, _, _>(db, user::Column::Id, files.iter().map(|f| f.uploader_id))
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    let attachments = files
        .into_iter()
        .filter_map(|f| {
            let by = uploaders.get(&f.uploader_id)?;
            Some(attachments::view(f, user_summary(by)))
        })
        .collect();
    Ok(LiaisonThread {
        can_manage: can_manage(actor, &row, &participants),
        id: row.id,
        subject: row.subject,
        state: ThreadState::parse(&row.state).unwrap_or(ThreadState::Open),
        resolution_note: row.resolution_note,
        platform_ids,
        organisation_ids,
        participants: named,
        created_by: user_summary(&creator),
        created_at: row.created_at,
        last_message_at: row.last_message_at,
        message_count,
        unread,
        attachments,
    })
}

/// Who a thread may include: the caller's network and its member organisations.
pub async fn choices(state: &AppState, actor: &Actor) -> ApiResult<ParticipantChoices> {
    let scope = actor.scope(&state.db);
    Ok(ParticipantChoices {
        platforms: scope.platforms().await?,
        organisations: scope.organisations().await?,
    })
}

async fn message_views(
    db: &impl ConnectionTrait,
    thread_id: Uuid,
    rows: Vec<message::Model>,
) -> ApiResult<Vec<Message>> {
    let participants = active_participants(db, thread_id).await?;
    let readers = participant_users(db, &participants).await?;
    let markers: HashMap<Uuid, chrono::DateTime<Utc>> = read_marker::Entity::find()
        .filter(read_marker::Column::ThreadId.eq(thread_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.message_created_at))
        .collect();
    // Lists of ids of any length: each id once, in chunks (see `db::find_in`).
    let authors: HashMap<Uuid, user::Model> =
        find_in::<user::Entity, _, _>(db, user::Column::Id, rows.iter().map(|m| m.author_id))
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    let org_names: HashMap<Uuid, String> = find_in::<organisation::Entity, _, _>(
        db,
        organisation::Column::Id,
        authors.values().map(|u| u.organisation_id),
    )
    .await?
    .into_iter()
    .map(|o| (o.id, o.name))
    .collect();
    let mut mentions: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for m in find_in::<message_mention::Entity, _, _>(
        db,
        message_mention::Column::MessageId,
        rows.iter().map(|m| m.id),
    )
    .await?
    {
        mentions.entry(m.message_id).or_default().push(m.user_id);
    }
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let author = authors
            .get(&row.author_id)
            .ok_or_else(|| ApiError::Internal("message without author".into()))?;
        let others: Vec<(&Uuid, &String)> = readers
            .iter()
            .filter(|(id, _)| **id != row.author_id)
            .collect();
        let read: Vec<&(&Uuid, &String)> = others
            .iter()
            .filter(|(id, _)| markers.get(id).is_some_and(|at| *at >= row.created_at))
            .collect();
        let read_by_organisations: BTreeSet<String> =
            read.iter().map(|(_, org)| (*org).clone()).collect();
        let deleted = row.deleted_at.is_some();
        views.push(Message {
            id: row.id,
            thread_id: row.thread_id,
            author: user_summary(author),
            author_organisation: org_names
                .get(&author.organisation_id)
                .cloned()
                .unwrap_or_default(),
            body: if deleted { String::new() } else { row.body },
            created_at: row.created_at,
            edited_at: row.edited_at,
            deleted,
            mentions: if deleted {
                Vec::new()
            } else {
                mentions.remove(&row.id).unwrap_or_default()
            },
            read_count: read.len() as u64,
            reader_count: others.len() as u64,
            read_by_organisations: read_by_organisations.into_iter().collect(),
        });
    }
    Ok(views)
}

fn check_subject(subject: &str) -> ApiResult<String> {
    // A subject is a name people click: one line, no invisible format characters.
    if let Some(c) = subject
        .chars()
        .find(|&c| crate::http::boundary::is_forbidden_in_name(c))
    {
        return Err(ApiError::invalid(
            "invalid_field",
            format!(
                "`subject`: contains the control or format character U+{:04X}, which cannot be kept; remove it.",
                c as u32
            ),
        ));
    }
    let subject = subject.trim();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(ApiError::invalid(
            "invalid_subject",
            format!("`subject`: give a subject of 1 to {MAX_SUBJECT_CHARS} characters."),
        ));
    }
    // Something a reader can see, not only blank fillers.
    crate::http::boundary::name("subject", subject, MAX_SUBJECT_CHARS, true)
}

/// The personal-data rule (guidelines §6) for text written in a thread: 422
/// `personal_data` naming the field. The e-mail address of a Kakehashi account passes: a
/// mention (`@kenko-fukushi@aomori.example`) or a colleague's address is a member's own
/// contact, not data about a person being supported.
async fn refuse_personal_data(state: &AppState, fields: &[(String, String)]) -> ApiResult<()> {
    let findings = app::personal_data::scan(fields.iter().map(|(f, t)| (f.as_str(), t.as_str())));
    let addresses: Vec<String> = findings
        .iter()
        .filter(|f| f.kind == PersonalDataKind::EmailAddress)
        .map(|f| f.found.to_lowercase())
        .collect();
    let accounts: BTreeSet<String> = if addresses.is_empty() {
        BTreeSet::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Email.is_in(addresses))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|u| u.email)
            .collect()
    };
    let left: Vec<_> = findings
        .into_iter()
        .filter(|f| {
            !(f.kind == PersonalDataKind::EmailAddress
                && accounts.contains(&f.found.to_lowercase()))
        })
        .collect();
    refuse_findings(&left)
}

fn check_body(body: &str) -> ApiResult<String> {
    let trimmed = body.trim();
    if trimmed.is_empty() || body.chars().count() > MAX_BODY_CHARS {
        return Err(ApiError::invalid(
            "invalid_body",
            format!("`body`: write a message of 1 to {MAX_BODY_CHARS} characters."),
        ));
    }
    Ok(body.trim_end().to_string())
}

/// Checks proposed participants against the actor's network.
async fn check_participants(
    state: &AppState,
    actor: &Actor,
    platform_ids: &[Uuid],
    organisation_ids: &[Uuid],
) -> ApiResult<(BTreeSet<Uuid>, BTreeSet<Uuid>)> {
    let platforms: BTreeSet<Uuid> = platform_ids.iter().copied().collect();
    let organisations: BTreeSet<Uuid> = organisation_ids.iter().copied().collect();
    if platforms.is_empty() || !platforms.iter().all(|p| actor.network.contains(p)) {
        return Err(ApiError::invalid(
            "invalid_platform",
            "`platform_ids`: name one or more platforms of your prefectural network.",
        ));
    }
    let network_orgs: BTreeSet<Uuid> = membership::Entity::find()
        .filter(membership::Column::PlatformId.is_in(actor.network.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect();
    if !organisations.iter().all(|o| network_orgs.contains(o)) {
        return Err(ApiError::invalid(
            "invalid_organisation",
            "`organisation_ids`: name organisations of your prefectural network.",
        ));
    }
    Ok((platforms, organisations))
}

fn takes_part(actor: &Actor, platforms: &BTreeSet<Uuid>, organisations: &BTreeSet<Uuid>) -> bool {
    actor
        .working_platforms()
        .iter()
        .any(|p| platforms.contains(p))
        || organisations.contains(&actor.organisation.id)
}

/// Appends the thread's change for its current participants, and tombstones for parties
/// just removed (the feed turns what they can no longer see into deletes).
async fn log_thread(
    txn: &impl ConnectionTrait,
    thread_id: Uuid,
    removed: Audience,
) -> Result<(), sea_orm::DbErr> {
    let participants = active_participants(txn, thread_id).await?;
    if removed != Audience::default() {
        sync::append(
            txn,
            ChangeKind::Thread,
            thread_id,
            ChangeOp::Delete,
            &removed,
        )
        .await?;
    }
    sync::append(
        txn,
        ChangeKind::Thread,
        thread_id,
        ChangeOp::Upsert,
        &audience_of(&participants),
    )
    .await?;
    Ok(())
}

async fn log_message(
    txn: &impl ConnectionTrait,
    thread_id: Uuid,
    message_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    let participants = active_participants(txn, thread_id).await?;
    sync::append(
        txn,
        ChangeKind::Message,
        message_id,
        ChangeOp::Upsert,
        &audience_of(&participants),
    )
    .await?;
    Ok(())
}

/// `@local-part` or `@email` of a participant user.
async fn mentioned_users(
    db: &impl ConnectionTrait,
    thread_id: Uuid,
    body: &str,
) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    let tokens: BTreeSet<String> = body
        .split(|c: char| c.is_whitespace() || "、。,()（）「」".contains(c))
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| w.trim_end_matches(['.', ':', '!', '?']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    let participants = active_participants(db, thread_id).await?;
    let ids: Vec<Uuid> = participant_users(db, &participants)
        .await?
        .into_keys()
        .collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(users
        .into_iter()
        .filter(|u| {
            let local = u.email.split('@').next().unwrap_or_default();
            tokens.contains(&u.email) || tokens.contains(local)
        })
        .map(|u| u.id)
        .collect())
}

async fn insert_message(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    thread_id: Uuid,
    body: String,
) -> ApiResult<message::Model> {
    let now = Utc::now();
    let row = message::ActiveModel {
        id: Set(Uuid::new_v4()),
        thread_id: Set(thread_id),
        author_id: Set(actor.user.id),
        search_text: Set(search::fold(&body)),
        body: Set(body),
        created_at: Set(now),
        edited_at: Set(None),
        deleted_at: Set(None),
    }
    .insert(txn)
    .await?;
    for user_id in mentioned_users(txn, thread_id, &row.body).await? {
        if user_id == actor.user.id {
            continue;
        }
        message_mention::ActiveModel {
            id: Set(Uuid::new_v4()),
            message_id: Set(row.id),
            thread_id: Set(thread_id),
            user_id: Set(user_id),
        }
        .insert(txn)
        .await?;
        crate::notifications::notify(
            txn,
            user_id,
            NotificationKind::Mention,
            crate::notifications::About::Message {
                thread_id,
                message_id: row.id,
            },
            actor.user.id,
        )
        .await?;
    }
    liaison_thread::Entity::update_many()
        .col_expr(liaison_thread::Column::LastMessageAt, Expr::value(now))
        .col_expr(liaison_thread::Column::UpdatedAt, Expr::value(now))
        .filter(liaison_thread::Column::Id.eq(thread_id))
        .exec(txn)
        .await?;
    Ok(row)
}

pub async fn create(state: &AppState, actor: &Actor, input: NewThread) -> ApiResult<LiaisonThread> {
    let subject = check_subject(&input.subject)?;
    let body = input.body.as_deref().map(check_body).transpose()?;
    refuse_personal_data(state, &input.free_text()).await?;
    let (platforms, organisations) =
        check_participants(state, actor, &input.platform_ids, &input.organisation_ids).await?;
    if !takes_part(actor, &platforms, &organisations) {
        return Err(ApiError::invalid(
            "not_a_participant",
            "Include your own platform (or your organisation) among the participants.",
        ));
    }
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let thread = liaison_thread::ActiveModel {
        id: Set(Uuid::new_v4()),
        search_text: Set(search::fold(&subject)),
        subject: Set(subject),
        state: Set(ThreadState::Open.as_str().into()),
        resolution_note: Set(None),
        created_by: Set(actor.user.id),
        created_at: Set(now),
        updated_at: Set(now),
        last_message_at: Set(None),
    }
    .insert(&txn)
    .await?;
    add_participants(&txn, thread.id, &platforms, &organisations).await?;
    let first = match body {
        Some(body) => Some(insert_message(&txn, actor, thread.id, body).await?),
        None => None,
    };
    log_thread(&txn, thread.id, Audience::default()).await?;
    if let Some(first) = &first {
        log_message(&txn, thread.id, first.id).await?;
    }
    txn.commit().await?;
    state.changes.committed();
    let row = actor.scope(&state.db).thread(thread.id).await?;
    thread_view(&state.db, actor, row).await
}

async fn add_participants(
    txn: &impl ConnectionTrait,
    thread_id: Uuid,
    platforms: &BTreeSet<Uuid>,
    organisations: &BTreeSet<Uuid>,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let rows = platforms
        .iter()
        .map(|p| (Some(*p), None))
        .chain(organisations.iter().map(|o| (None, Some(*o))))
        .map(
            |(platform_id, organisation_id)| thread_participant::ActiveModel {
                id: Set(Uuid::new_v4()),
                thread_id: Set(thread_id),
                platform_id: Set(platform_id),
                organisation_id: Set(organisation_id),
                added_at: Set(now),
                removed_at: Set(None),
            },
        )
        .collect::<Vec<_>>();
    if !rows.is_empty() {
        thread_participant::Entity::insert_many(rows)
            .exec(txn)
            .await?;
    }
    Ok(())
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: ThreadFilter,
) -> ApiResult<Vec<LiaisonThread>> {
    let scope = actor.scope(&state.db);
    let mut query = liaison_thread::Entity::find()
        .filter(liaison_thread::Column::Id.in_subquery(scope.thread_ids_visible()));
    if let Some(state_filter) = filter.state {
        query = query.filter(liaison_thread::Column::State.eq(state_filter.as_str()));
    }
    if filter.mine {
        query = query.filter(liaison_thread::Column::CreatedBy.eq(actor.user.id));
    }
    if let Some(platform_id) = filter.platform {
        query = query.filter(
            liaison_thread::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(thread_participant::Column::ThreadId)
                    .from(thread_participant::Entity)
                    .and_where(thread_participant::Column::PlatformId.eq(platform_id))
                    .and_where(thread_participant::Column::RemovedAt.is_null())
                    .to_owned(),
            ),
        );
    }
    if filter.mentions {
        query = query.filter(
            liaison_thread::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(message_mention::Column::ThreadId)
                    .from(message_mention::Entity)
                    .and_where(message_mention::Column::UserId.eq(actor.user.id))
                    .to_owned(),
            ),
        );
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        crate::http::input::bounded_query("q", q, MAX_QUERY_CHARS)?;
        let pattern = search::like_pattern(q);
        let in_messages = sea_orm::sea_query::Query::select()
            .column(message::Column::ThreadId)
            .from(message::Entity)
            .and_where(message::Column::DeletedAt.is_null())
            .and_where(
                message::Column::SearchText.like(LikeExpr::new(pattern.clone()).escape('\\')),
            )
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(liaison_thread::Column::SearchText.like(LikeExpr::new(pattern).escape('\\')))
                .add(liaison_thread::Column::Id.in_subquery(in_messages)),
        );
    }
    let rows = query
        .order_by_desc(liaison_thread::Column::UpdatedAt)
        .limit(200)
        .all(&state.db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        views.push(thread_view(&state.db, actor, row).await?);
    }
    Ok(views)
}

async fn audit_read(state: &AppState, actor: &Actor, thread_id: Uuid) -> ApiResult<()> {
    audit::record(
        &state.db,
        audit::Entry {
            actor_user_id: Some(actor.user.id),
            action: "thread_read",
            record_kind: Some("liaison_thread"),
            record_id: Some(thread_id),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<LiaisonThread> {
    let row = actor.scope(&state.db).thread(id).await?;
    audit_read(state, actor, id).await?;
    thread_view(&state.db, actor, row).await
}

/// The thread as the sync feed shows it to this actor (no audit: the feed is not a read
/// by a person, and its pulls would drown the log).
/// The thread of each of these messages (absent: no such message).
pub async fn threads_of_messages(
    db: &impl ConnectionTrait,
    messages: &[Uuid],
) -> Result<HashMap<Uuid, Uuid>, sea_orm::DbErr> {
    let mut threads = HashMap::new();
    for chunk in messages.chunks(500) {
        let rows: Vec<(Uuid, Uuid)> = message::Entity::find()
            .select_only()
            .column(message::Column::Id)
            .column(message::Column::ThreadId)
            .filter(message::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        threads.extend(rows);
    }
    Ok(threads)
}

/// For each of `threads`, how many live messages by others `user` has not read (past
/// their read marker): what [`thread_view`] counts for one thread, for a page of threads in
/// two queries. Threads with none are absent. The sync feed uses it to personalise thread
/// payloads built once for many readers (`sync::views`).
pub async fn unread_counts(
    db: &impl ConnectionTrait,
    user: Uuid,
    threads: &[Uuid],
) -> Result<HashMap<Uuid, u64>, sea_orm::DbErr> {
    if threads.is_empty() {
        return Ok(HashMap::new());
    }
    let markers: HashMap<Uuid, chrono::DateTime<Utc>> = read_marker::Entity::find()
        .filter(read_marker::Column::UserId.eq(user))
        .filter(read_marker::Column::ThreadId.is_in(threads.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.thread_id, m.message_created_at))
        .collect();
    let mut past_marker = Condition::any();
    for thread in threads {
        let mut this = Condition::all().add(message::Column::ThreadId.eq(*thread));
        if let Some(at) = markers.get(thread) {
            this = this.add(message::Column::CreatedAt.gt(*at));
        }
        past_marker = past_marker.add(this);
    }
    let counts: Vec<(Uuid, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::ThreadId)
        .column_as(message::Column::Id.count(), "unread")
        .filter(message::Column::DeletedAt.is_null())
        .filter(message::Column::AuthorId.ne(user))
        .filter(past_marker)
        .group_by(message::Column::ThreadId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(thread, n)| (thread, u64::try_from(n).unwrap_or(0)))
        .collect())
}

pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<LiaisonThread> {
    let row = actor.scope(&state.db).thread(id).await?;
    thread_view(&state.db, actor, row).await
}

/// Many messages as the sync feed shows them to this actor, grouped by thread so a page of
/// a thousand messages costs a few queries per thread rather than a dozen per message:
/// `None` for each one the actor may not see (or that no longer exists).
pub async fn messages_for_feed(
    state: &AppState,
    actor: &Actor,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Option<Message>>> {
    let mut by_thread: BTreeMap<Uuid, Vec<message::Model>> = BTreeMap::new();
    for row in find_in::<message::Entity, _, _>(&state.db, message::Column::Id, ids.iter().copied())
        .await?
    {
        by_thread.entry(row.thread_id).or_default().push(row);
    }
    let mut out: HashMap<Uuid, Option<Message>> = ids.iter().map(|id| (*id, None)).collect();
    let scope = actor.scope(&state.db);
    for (thread, rows) in by_thread {
        match scope.thread(thread).await {
            Ok(_) => {
                for view in message_views(&state.db, thread, rows).await? {
                    out.insert(view.id, Some(view));
                }
            }
            Err(ApiError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

pub async fn message_for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Message> {
    let row = message::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    actor.scope(&state.db).thread(row.thread_id).await?;
    let thread_id = row.thread_id;
    message_views(&state.db, thread_id, vec![row])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

pub async fn patch(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: ThreadPatch,
) -> ApiResult<LiaisonThread> {
    let row = actor.scope(&state.db).thread(id).await?;
    let participants = active_participants(&state.db, id).await?;
    let manager = can_manage(actor, &row, &participants);
    let changes_participants = input.platform_ids.is_some() || input.organisation_ids.is_some();
    if changes_participants && !manager {
        return Err(ApiError::Forbidden);
    }
    if input.subject.is_some() && !manager {
        return Err(ApiError::Forbidden);
    }
    let subject = input.subject.as_deref().map(check_subject).transpose()?;
    let resolution_note = input
        .resolution_note
        .as_deref()
        .map(|note| text("resolution_note", note, MAX_BODY_CHARS, false))
        .transpose()?;
    refuse_personal_data(state, &input.free_text()).await?;
    let current = ThreadState::parse(&row.state).unwrap_or(ThreadState::Open);
    let next_state = match input.state {
        None => None,
        Some(next) => {
            let allowed = matches!(
                (current, next),
                (
                    ThreadState::Open | ThreadState::Reopened,
                    ThreadState::Resolved
                ) | (ThreadState::Resolved, ThreadState::Reopened)
            );
            if !allowed {
                return Err(ApiError::Conflict {
                    code: "invalid_transition",
                    message: format!("A thread that is {current} cannot become {next}."),
                });
            }
            if next == ThreadState::Resolved && resolution_note.as_deref().is_none_or(str::is_empty)
            {
                return Err(ApiError::invalid(
                    "resolution_note_required",
                    "`resolution_note`: say how the matter was resolved.",
                ));
            }
            Some(next)
        }
    };
    let (platforms, organisations) = if changes_participants {
        let platforms = input
            .platform_ids
            .clone()
            .unwrap_or_else(|| participants.iter().filter_map(|p| p.platform_id).collect());
        let organisations = input.organisation_ids.clone().unwrap_or_else(|| {
            participants
                .iter()
                .filter_map(|p| p.organisation_id)
                .collect()
        });
        let checked = check_participants(state, actor, &platforms, &organisations).await?;
        (Some(checked.0), Some(checked.1))
    } else {
        (None, None)
    };

    let now = Utc::now();
    let txn = state.db.begin().await?;
    let mut update: liaison_thread::ActiveModel = row.clone().into();
    if let Some(subject) = subject {
        update.search_text = Set(search::fold(&subject));
        update.subject = Set(subject);
    }
    if let Some(next) = next_state {
        update.state = Set(next.as_str().into());
        if next == ThreadState::Resolved {
            update.resolution_note = Set(resolution_note);
        }
    }
    update.updated_at = Set(now);
    // The thread row first: its lock serialises simultaneous changes of one thread (and
    // SQLite's write lock is taken before anything is read). A change of state is made
    // only from the state it was checked against; otherwise 409 `edit_conflict`.
    let mut claim = liaison_thread::Entity::update_many()
        .set(update)
        .filter(liaison_thread::Column::Id.eq(id));
    if next_state.is_some() {
        claim = claim.filter(liaison_thread::Column::State.eq(row.state.as_str()));
    }
    if claim.exec(&txn).await?.rows_affected == 0 {
        return Err(ApiError::Conflict {
            code: "edit_conflict",
            message: "The thread changed meanwhile: load it again and repeat the change.".into(),
        });
    }
    // Participants as they are now, under that lock (not as read before it): two
    // simultaneous additions add each newcomer once.
    let participants = active_participants(&txn, id).await?;
    let mut removed = Audience::default();
    if let (Some(platforms), Some(organisations)) = (platforms, organisations) {
        for p in &participants {
            let keep = match (p.platform_id, p.organisation_id) {
                (Some(pid), _) => platforms.contains(&pid),
                (_, Some(oid)) => organisations.contains(&oid),
                _ => true,
            };
            if !keep {
                thread_participant::Entity::update_many()
                    .col_expr(thread_participant::Column::RemovedAt, Expr::value(now))
                    .filter(thread_participant::Column::Id.eq(p.id))
                    .exec(&txn)
                    .await?;
                removed.platforms.extend(p.platform_id);
                removed.organisations.extend(p.organisation_id);
            }
        }
        let existing_platforms: BTreeSet<Uuid> =
            participants.iter().filter_map(|p| p.platform_id).collect();
        let existing_orgs: BTreeSet<Uuid> = participants
            .iter()
            .filter_map(|p| p.organisation_id)
            .collect();
        let new_platforms: BTreeSet<Uuid> =
            platforms.difference(&existing_platforms).copied().collect();
        let new_orgs: BTreeSet<Uuid> = organisations.difference(&existing_orgs).copied().collect();
        add_participants(&txn, id, &new_platforms, &new_orgs).await?;
        // Newcomers need the messages too, not only the thread.
        if !new_platforms.is_empty() || !new_orgs.is_empty() {
            let newcomers = Audience {
                platforms: new_platforms.into_iter().collect(),
                organisations: new_orgs.into_iter().collect(),
                ..Default::default()
            };
            for m in message::Entity::find()
                .filter(message::Column::ThreadId.eq(id))
                .all(&txn)
                .await?
            {
                sync::append(
                    &txn,
                    ChangeKind::Message,
                    m.id,
                    ChangeOp::Upsert,
                    &newcomers,
                )
                .await?;
            }
        }
    }
    let remaining = active_participants(&txn, id).await?;
    if remaining.iter().all(|p| p.platform_id.is_none()) {
        return Err(ApiError::invalid(
            "invalid_platform",
            "`platform_ids`: a thread keeps at least one platform.",
        ));
    }
    log_thread(&txn, id, removed).await?;
    txn.commit().await?;
    state.changes.committed();
    match actor.scope(&state.db).thread(id).await {
        Ok(row) => thread_view(&state.db, actor, row).await,
        // The actor removed their own platform: the change is made, the thread is gone.
        Err(ApiError::NotFound) => Err(ApiError::NotFound),
        Err(e) => Err(e),
    }
}

pub async fn post_message(
    state: &AppState,
    actor: &Actor,
    thread_id: Uuid,
    body: &str,
) -> ApiResult<Message> {
    actor.scope(&state.db).thread(thread_id).await?;
    let body = check_body(body)?;
    refuse_personal_data(state, &[("body".into(), body.clone())]).await?;
    let txn = state.db.begin().await?;
    let row = insert_message(&txn, actor, thread_id, body).await?;
    log_message(&txn, thread_id, row.id).await?;
    log_thread(&txn, thread_id, Audience::default()).await?;
    txn.commit().await?;
    state.changes.committed();
    message_for_feed(state, actor, row.id).await
}

/// Messages per page unless asked otherwise, and the most a page holds.
pub const MESSAGES_PAGE: u64 = 100;
pub const MAX_MESSAGES_PAGE: u64 = 200;

/// One page of a thread's messages, oldest first: the newest `limit`, or the `limit`
/// just before the message `before`. `older` is the cursor of the page before this one
/// (its oldest message), if there is such a page.
#[derive(Debug, Clone)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub older: Option<Uuid>,
}

/// A page of a thread's messages; an audited read.
pub async fn list_messages(
    state: &AppState,
    actor: &Actor,
    thread_id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> ApiResult<MessagePage> {
    actor.scope(&state.db).thread(thread_id).await?;
    audit_read(state, actor, thread_id).await?;
    messages_page(state, actor, thread_id, before, limit).await
}

/// A person opens the thread: an audited read that moves their read marker to the newest
/// message, without building the message views (the page builds them once afterwards).
pub async fn open_for_reading(state: &AppState, actor: &Actor, thread_id: Uuid) -> ApiResult<()> {
    actor.scope(&state.db).thread(thread_id).await?;
    audit_read(state, actor, thread_id).await?;
    let newest = message::Entity::find()
        .filter(message::Column::ThreadId.eq(thread_id))
        .order_by_desc(message::Column::CreatedAt)
        .order_by_desc(message::Column::Id)
        .one(&state.db)
        .await?;
    if let Some(newest) = newest {
        mark_read(state, actor, thread_id, newest.id).await?;
    }
    crate::notifications::mark_read(state, actor, crate::notifications::Which::Thread(thread_id))
        .await
}

/// A page of messages without an audit entry: for the page that has just read the thread
/// once and shows the read receipts its own reading changed. A thread of any length is
/// read a page at a time: each query binds a page's worth of values at most.
pub async fn messages_page(
    state: &AppState,
    actor: &Actor,
    thread_id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> ApiResult<MessagePage> {
    actor.scope(&state.db).thread(thread_id).await?;
    if !(1..=MAX_MESSAGES_PAGE).contains(&limit) {
        return Err(ApiError::invalid(
            "invalid_query",
            format!("`limit`: 1 to {MAX_MESSAGES_PAGE} messages."),
        ));
    }
    let mut query = message::Entity::find().filter(message::Column::ThreadId.eq(thread_id));
    if let Some(before) = before {
        let at = message::Entity::find_by_id(before)
            .filter(message::Column::ThreadId.eq(thread_id))
            .one(&state.db)
            .await?
            .ok_or_else(|| {
                ApiError::invalid(
                    "invalid_query",
                    "`before`: the id of a message of this thread, from an earlier page.",
                )
            })?;
        // Messages are ordered by (created_at, id); strictly before that one.
        query = query.filter(
            Condition::any()
                .add(message::Column::CreatedAt.lt(at.created_at))
                .add(
                    Condition::all()
                        .add(message::Column::CreatedAt.eq(at.created_at))
                        .add(message::Column::Id.lt(at.id)),
                ),
        );
    }
    let mut rows = query
        .order_by_desc(message::Column::CreatedAt)
        .order_by_desc(message::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let has_older = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    rows.reverse();
    let older = if has_older {
        rows.first().map(|m| m.id)
    } else {
        None
    };
    Ok(MessagePage {
        messages: message_views(&state.db, thread_id, rows).await?,
        older,
    })
}

/// A message of a thread the actor takes part in; 404 otherwise.
async fn visible_message(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<message::Model> {
    let row = message::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    actor.scope(&state.db).thread(row.thread_id).await?;
    Ok(row)
}

/// The thread of a message the actor may see (where a message form goes back to).
pub async fn thread_of_message(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Uuid> {
    Ok(visible_message(state, actor, id).await?.thread_id)
}

pub async fn edit_message(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    body: &str,
) -> ApiResult<Message> {
    let row = visible_message(state, actor, id).await?;
    if row.author_id != actor.user.id {
        return Err(ApiError::Forbidden);
    }
    if row.deleted_at.is_some() {
        return Err(ApiError::Conflict {
            code: "message_deleted",
            message: "This message was deleted and cannot be edited.".into(),
        });
    }
    if Utc::now() - row.created_at > Duration::minutes(EDIT_WINDOW_MINUTES) {
        return Err(ApiError::Conflict {
            code: "edit_window_closed",
            message: format!(
                "Messages can be edited for {EDIT_WINDOW_MINUTES} minutes after posting."
            ),
        });
    }
    let body = check_body(body)?;
    refuse_personal_data(state, &[("body".into(), body.clone())]).await?;
    let thread_id = row.thread_id;
    let txn = state.db.begin().await?;
    // Only while it is not deleted: a delete that won the race keeps its tombstone empty.
    let changed = message::Entity::update_many()
        .col_expr(
            message::Column::SearchText,
            Expr::value(search::fold(&body)),
        )
        .col_expr(message::Column::Body, Expr::value(body))
        .col_expr(message::Column::EditedAt, Expr::value(Some(Utc::now())))
        .filter(message::Column::Id.eq(row.id))
        .filter(message::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(ApiError::Conflict {
            code: "message_deleted",
            message: "This message was deleted and cannot be edited.".into(),
        });
    }
    log_message(&txn, thread_id, row.id).await?;
    txn.commit().await?;
    state.changes.committed();
    message_for_feed(state, actor, row.id).await
}

pub async fn delete_message(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<()> {
    let row = visible_message(state, actor, id).await?;
    if row.author_id != actor.user.id {
        return Err(ApiError::Forbidden);
    }
    if row.deleted_at.is_some() {
        return Ok(());
    }
    let thread_id = row.thread_id;
    let txn = state.db.begin().await?;
    // A tombstone: the text goes, the place in the conversation stays. Once: of two
    // simultaneous deletes only one changes anything (and tells anyone).
    let changed = message::Entity::update_many()
        .col_expr(message::Column::Body, Expr::value(String::new()))
        .col_expr(message::Column::SearchText, Expr::value(String::new()))
        .col_expr(message::Column::DeletedAt, Expr::value(Some(Utc::now())))
        .filter(message::Column::Id.eq(row.id))
        .filter(message::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    message_mention::Entity::delete_many()
        .filter(message_mention::Column::MessageId.eq(row.id))
        .exec(&txn)
        .await?;
    log_message(&txn, thread_id, row.id).await?;
    log_thread(&txn, thread_id, Audience::default()).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

pub async fn mark_read(
    state: &AppState,
    actor: &Actor,
    thread_id: Uuid,
    message_id: Uuid,
) -> ApiResult<()> {
    actor.scope(&state.db).thread(thread_id).await?;
    let message = message::Entity::find_by_id(message_id)
        .filter(message::Column::ThreadId.eq(thread_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "invalid_message",
                "`message_id`: not a message of this thread.",
            )
        })?;
    let now = Utc::now();
    // Where the marker was: every message of someone else between it and the new one is
    // now read by one more person (their 既読 changes for everyone).
    let was = read_marker::Entity::find()
        .filter(read_marker::Column::ThreadId.eq(thread_id))
        .filter(read_marker::Column::UserId.eq(actor.user.id))
        .one(&state.db)
        .await?
        .map(|m| m.message_created_at);
    let txn = state.db.begin().await?;
    // One statement (no look first, so nothing to race): the marker is created, or moved
    // forward; markers only move forward, so reading an old message again changes
    // nothing and tells nobody (open pages refetch on every change; no change, no echo).
    let moved = read_marker::Entity::insert(read_marker::ActiveModel {
        id: Set(Uuid::new_v4()),
        thread_id: Set(thread_id),
        user_id: Set(actor.user.id),
        message_id: Set(message.id),
        message_created_at: Set(message.created_at),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([read_marker::Column::ThreadId, read_marker::Column::UserId])
            .update_columns([
                read_marker::Column::MessageId,
                read_marker::Column::MessageCreatedAt,
                read_marker::Column::UpdatedAt,
            ])
            .action_and_where(sea_orm::sea_query::ExprTrait::lt(
                Expr::col((read_marker::Entity, read_marker::Column::MessageCreatedAt)),
                message.created_at,
            ))
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if moved == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    // The reader's unread count changes for them now; read counts (既読) change for
    // everyone, sent coalesced with other readers' (see `receipts`).
    sync::append(
        &txn,
        ChangeKind::Thread,
        thread_id,
        ChangeOp::Upsert,
        &Audience::user(actor.user.id),
    )
    .await?;
    txn.commit().await?;
    state.changes.committed();
    let mut newly_read = message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(message::Column::ThreadId.eq(thread_id))
        .filter(message::Column::AuthorId.ne(actor.user.id))
        .filter(message::Column::CreatedAt.lte(message.created_at));
    if let Some(was) = was {
        newly_read = newly_read.filter(message::Column::CreatedAt.gt(was));
    }
    let newly_read: Vec<Uuid> = newly_read.into_tuple().all(&state.db).await?;
    state.receipts.read(thread_id, newly_read);
    Ok(())
}
