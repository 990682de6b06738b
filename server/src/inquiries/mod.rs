//! Inquiries (照会, guidelines §3(1)③ and §4(4)): a platform's secretariat asks member
//! organisations of its network typed questions by a deadline; each organisation answers
//! once, as an organisation; the secretariat returns or accepts each answer.
//!
//! Visibility is the policy layer's rule (`Scope::inquiry_visible`): the sending
//! platform's secretariat sees the inquiry, drafts too, with every answer; an addressee
//! organisation sees a sent (or withdrawn) inquiry with its own answer alone. Everyone
//! else gets 404, and the feed tells them nothing of it.

pub mod export;
pub mod forms;
pub mod routes;

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use app::domain::{ChangeKind, ChangeOp};
use app::inquiries::{
    AcceptAnswer, AnswerInput, AnswerStatus, Inquiry, InquiryAnswer, InquiryFormPage,
    InquiryQuestion, InquirySender, InquiryStatus, KpiChoice, KpiShareLink, KpiShareTarget,
    NewInquiry, QuestionKind, ReturnAnswer, MAX_ADDRESSEES, MAX_ANSWER_CHARS, MAX_CHOICES,
    MAX_QUESTIONS,
};
use app::kpis::{KpiPeriodicity, KpiStatus};

use app::notifications::NotificationKind;

use crate::entities::{inquiry, inquiry_addressee, kpi, user};
use crate::http::boundary::name;
use crate::http::input::{json, parse_json, refuse_personal_data_in, text};
use crate::http::{ApiError, ApiResult};
use crate::notifications::{notify, About};
use crate::policy::Actor;
use crate::state::AppState;
use crate::sync::{self, Audience};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_INSTRUCTIONS_CHARS: usize = 5_000;
pub const MAX_LABEL_CHARS: usize = 500;
pub const MAX_UNIT_CHARS: usize = 20;
pub const MAX_CHOICE_CHARS: usize = 100;
pub const MAX_COMMENT_CHARS: usize = 1_000;

fn status_of(row: &inquiry::Model) -> InquiryStatus {
    InquiryStatus::parse(&row.status).unwrap_or(InquiryStatus::Draft)
}

fn answer_status(row: &inquiry_addressee::Model) -> AnswerStatus {
    AnswerStatus::parse(&row.status).unwrap_or(AnswerStatus::NotOpened)
}

/// Who hears of a change to the inquiry itself: the sending platform, and once sent its
/// addressee organisations.
fn audience(row: &inquiry::Model, addressees: &[Uuid]) -> Audience {
    Audience {
        platforms: vec![row.platform_id],
        organisations: if status_of(row) == InquiryStatus::Draft {
            Vec::new()
        } else {
            addressees.to_vec()
        },
        ..Default::default()
    }
}

/// Who hears of a change to one answer: the sending platform and that organisation. No
/// other addressee's view changed (each sees its own answer only).
fn answer_audience(row: &inquiry::Model, organisation: Uuid) -> Audience {
    Audience {
        platforms: vec![row.platform_id],
        organisations: vec![organisation],
        ..Default::default()
    }
}

async fn addressees_of(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Vec<inquiry_addressee::Model>, sea_orm::DbErr> {
    inquiry_addressee::Entity::find()
        .filter(inquiry_addressee::Column::InquiryId.eq(id))
        .all(db)
        .await
}

async fn log_change(
    txn: &impl ConnectionTrait,
    row: &inquiry::Model,
    op: ChangeOp,
) -> Result<(), sea_orm::DbErr> {
    let addressees: Vec<Uuid> = addressees_of(txn, row.id)
        .await?
        .into_iter()
        .map(|a| a.organisation_id)
        .collect();
    sync::append(
        txn,
        ChangeKind::Inquiry,
        row.id,
        op,
        &audience(row, &addressees),
    )
    .await?;
    Ok(())
}

/// Tells every active user of these organisations (but the one who acted) in-app, through
/// their notifications, inside the caller's transaction.
async fn notify_organisations(
    txn: &impl ConnectionTrait,
    organisations: Vec<Uuid>,
    kind: NotificationKind,
    inquiry_id: Uuid,
    by: Uuid,
) -> Result<(), sea_orm::DbErr> {
    let users = user::Entity::find()
        .filter(user::Column::OrganisationId.is_in(organisations))
        .filter(user::Column::DisabledAt.is_null())
        .all(txn)
        .await?;
    for u in users.into_iter().filter(|u| u.id != by) {
        notify(txn, u.id, kind, About::Inquiry(inquiry_id), by).await?;
    }
    Ok(())
}

fn invalid(message: String) -> ApiError {
    ApiError::invalid("invalid_field", message)
}

fn edit_conflict(what: &str) -> ApiError {
    ApiError::Conflict {
        code: "edit_conflict",
        message: format!("The {what} changed meanwhile: load it again and repeat your change."),
    }
}

fn not_open() -> ApiError {
    ApiError::Conflict {
        code: "inquiry_not_open",
        message: "The inquiry is not open for answers (a draft, or withdrawn).".into(),
    }
}

/// The questions checked: 1 to 30, each labelled, a unit only on numbers, 2 to 20
/// distinct choices on a choice and none elsewhere.
fn checked_questions(questions: Vec<InquiryQuestion>) -> ApiResult<Vec<InquiryQuestion>> {
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(invalid(format!(
            "`questions`: 1 to {MAX_QUESTIONS} questions."
        )));
    }
    questions
        .into_iter()
        .map(|q| {
            let choices: Vec<String> = q
                .choices
                .iter()
                .map(|c| name("questions[].choices[]", c, MAX_CHOICE_CHARS, true))
                .collect::<ApiResult<_>>()?;
            let distinct: BTreeSet<&String> = choices.iter().collect();
            match q.kind {
                QuestionKind::Choice
                    if choices.len() < 2
                        || choices.len() > MAX_CHOICES
                        || distinct.len() != choices.len() =>
                {
                    return Err(invalid(format!(
                        "`questions[].choices`: a choice question offers 2 to {MAX_CHOICES} different choices."
                    )))
                }
                QuestionKind::Number | QuestionKind::Text if !choices.is_empty() => {
                    return Err(invalid(
                        "`questions[].choices`: only a choice question has choices.".into(),
                    ))
                }
                _ => {}
            }
            let unit = name("questions[].unit", &q.unit, MAX_UNIT_CHARS, false)?;
            if q.kind != QuestionKind::Number && !unit.is_empty() {
                return Err(invalid(
                    "`questions[].unit`: only a number question has a unit.".into(),
                ));
            }
            Ok(InquiryQuestion {
                label: text("questions[].label", &q.label, MAX_LABEL_CHARS, true)?,
                kind: q.kind,
                unit,
                choices,
                required: q.required,
            })
        })
        .collect()
}

/// A KPI link checked: a published KPI of the sending platform, whose secretariat the
/// actor is; a 年度 of its period; a quarter when it is reported per quarter (and none
/// when not); a number question. Returns the stored form: (KPI, 年度, quarter or 0,
/// question).
async fn checked_link(
    state: &AppState,
    actor: &Actor,
    platform_id: Uuid,
    questions: &[InquiryQuestion],
    link: KpiShareLink,
) -> ApiResult<(Uuid, i32, i32, i32)> {
    let refused =
        |message: &str| ApiError::invalid("invalid_kpi", format!("`kpi_share`: {message}"));
    let kpi = actor
        .scope(&state.db)
        .kpi(link.kpi_id)
        .await
        .map_err(|_| refused("a published KPI of the sending platform."))?;
    if kpi.platform_id != platform_id
        || kpi.status != KpiStatus::Published.as_str()
        || !actor.kpi_secretariat_of().contains(&platform_id)
    {
        return Err(refused("a published KPI of the sending platform."));
    }
    let definition = crate::kpis::definition_of(&kpi);
    if !definition.years().contains(&link.fiscal_year) {
        return Err(refused("a 年度 of the KPI's period."));
    }
    let quarter = match (definition.periodicity, link.quarter) {
        (KpiPeriodicity::Quarter, Some(q @ 1..=4)) => i32::from(q),
        (KpiPeriodicity::FiscalYear, None) => 0,
        _ => {
            return Err(refused(
                "a quarter (1–4) exactly when the KPI is reported per quarter.",
            ))
        }
    };
    let question = usize::try_from(link.question).unwrap_or(usize::MAX);
    if questions.get(question).map(|q| q.kind) != Some(QuestionKind::Number) {
        return Err(refused(
            "`question`: one of the inquiry's number questions.",
        ));
    }
    Ok((kpi.id, link.fiscal_year, quarter, question as i32))
}

/// A deadline that can still be met: from today in Japan to the last date the app takes.
fn checked_deadline(deadline: chrono::NaiveDate) -> ApiResult<chrono::NaiveDate> {
    let today = app::wareki::japan_today(Utc::now());
    if deadline < today || deadline > app::bounded::InputDate::last() {
        return Err(ApiError::invalid(
            "invalid_deadline",
            format!(
                "`deadline`: a Japan date from today ({today}) to {}.",
                app::bounded::InputDate::last()
            ),
        ));
    }
    Ok(deadline)
}

/// A number as people type it in Japan: full-width digits, grouping commas, spaces.
fn read_number(written: &str) -> Option<f64> {
    let ascii: String = written
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '　'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' | 'ー' => '-',
            other => other,
        })
        .collect();
    ascii
        .parse::<f64>()
        .ok()
        .filter(|v| app::bounded::result_value_in_range(*v))
}

/// A figure written back the way it reads best: whole numbers without a decimal point.
fn write_number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// The answers checked against the questions: one per question (missing ones blank),
/// numbers in range and normalised, a choice one of the question's, text within its
/// length. Submitting needs every required question answered.
fn checked_answers(
    questions: &[InquiryQuestion],
    answers: &[String],
    submit: bool,
) -> ApiResult<Vec<String>> {
    if answers.len() > questions.len() {
        return Err(invalid(format!(
            "`answers`: one per question, at most {}.",
            questions.len()
        )));
    }
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let written = answers.get(i).map(String::as_str).unwrap_or("");
            let field = format!("answers[{i}]");
            let value = match q.kind {
                QuestionKind::Text => text(&field, written, MAX_ANSWER_CHARS, false)?,
                QuestionKind::Number => {
                    let written = name(&field, written, 40, false)?;
                    if written.is_empty() {
                        written
                    } else {
                        let value = read_number(&written).ok_or_else(|| {
                            ApiError::invalid(
                                "invalid_number",
                                format!(
                                    "`{field}`: a number from -{max} to {max}.",
                                    max = app::bounded::MAX_RESULT_VALUE
                                ),
                            )
                        })?;
                        write_number(value)
                    }
                }
                QuestionKind::Choice => {
                    let written = name(&field, written, MAX_CHOICE_CHARS, false)?;
                    if !written.is_empty() && !q.choices.contains(&written) {
                        return Err(ApiError::invalid(
                            "invalid_choice",
                            format!("`{field}`: one of the question's choices."),
                        ));
                    }
                    written
                }
            };
            if submit && q.required && value.is_empty() {
                return Err(ApiError::invalid(
                    "answer_required",
                    format!("`{field}`: this question needs an answer before submitting."),
                ));
            }
            Ok(value)
        })
        .collect()
}

/// The views of many inquiries for one reader, with a fixed number of queries: the
/// sender's secretariat sees every answer, an addressee its own.
async fn views(
    state: &AppState,
    actor: &Actor,
    rows: Vec<inquiry::Model>,
) -> ApiResult<Vec<Inquiry>> {
    let db = &state.db;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut answers: HashMap<Uuid, Vec<inquiry_addressee::Model>> = HashMap::new();
    for a in inquiry_addressee::Entity::find()
        .filter(inquiry_addressee::Column::InquiryId.is_in(ids))
        .all(db)
        .await?
    {
        answers.entry(a.inquiry_id).or_default().push(a);
    }
    let orgs = crate::platforms::organisation_names(
        db,
        answers.values().flatten().map(|a| a.organisation_id),
    )
    .await?;
    let platforms =
        crate::platforms::platform_names(db, rows.iter().map(|r| r.platform_id)).await?;
    let kpi_names: HashMap<Uuid, String> = kpi::Entity::find()
        .filter(kpi::Column::Id.is_in(rows.iter().filter_map(|r| r.kpi_id)))
        .filter(kpi::Column::Status.eq(KpiStatus::Published.as_str()))
        .filter(kpi::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|k| (k.id, k.name))
        .collect();
    let senders = actor.inquiry_sender_of();
    let mine = actor.organisation.id;
    Ok(rows
        .into_iter()
        .map(|row| {
            let all = answers.remove(&row.id).unwrap_or_default();
            let can_manage = senders.contains(&row.platform_id);
            let status = status_of(&row);
            let mut shown: Vec<InquiryAnswer> = all
                .iter()
                .filter(|a| can_manage || a.organisation_id == mine)
                .map(|a| InquiryAnswer {
                    organisation_id: a.organisation_id,
                    organisation_name: orgs.get(&a.organisation_id).cloned().unwrap_or_default(),
                    status: answer_status(a),
                    answers: parse_json(&a.answers),
                    return_comment: a.return_comment.clone(),
                    reminded_at: a.reminded_at,
                    submitted_at: a.submitted_at,
                    accepted_at: a.accepted_at,
                    version: u32::try_from(a.version).unwrap_or(0),
                    updated_at: a.updated_at,
                })
                .collect();
            shown.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));
            let can_answer_for = shown
                .iter()
                .find(|a| {
                    a.organisation_id == mine
                        && status == InquiryStatus::Sent
                        && a.status.editable()
                })
                .map(|a| a.organisation_id);
            let kpi_share = match (row.kpi_id, row.kpi_fiscal_year, row.kpi_question) {
                (Some(kpi_id), Some(fiscal_year), Some(question)) => Some(KpiShareTarget {
                    link: KpiShareLink {
                        kpi_id,
                        fiscal_year,
                        quarter: row
                            .kpi_quarter
                            .and_then(|q| u8::try_from(q).ok())
                            .filter(|q| *q > 0),
                        question: u32::try_from(question).unwrap_or(0),
                    },
                    kpi_name: kpi_names.get(&kpi_id).cloned().unwrap_or_default(),
                }),
                _ => None,
            };
            Inquiry {
                id: row.id,
                platform_id: row.platform_id,
                platform_name: platforms.get(&row.platform_id).cloned().unwrap_or_default(),
                title: row.title,
                instructions: row.instructions,
                deadline: row.deadline,
                questions: parse_json(&row.questions),
                kpi_share,
                status,
                version: u32::try_from(row.version).unwrap_or(0),
                answers: shown,
                addressee_count: u32::try_from(all.len()).unwrap_or(u32::MAX),
                can_manage,
                can_answer_for,
                sent_at: row.sent_at,
                withdrawn_at: row.withdrawn_at,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        })
        .collect())
}

async fn view(state: &AppState, actor: &Actor, row: inquiry::Model) -> ApiResult<Inquiry> {
    views(state, actor, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a view of one inquiry".into()))
}

/// The inquiries the actor may read, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<Inquiry>> {
    let rows = inquiry::Entity::find()
        .filter(actor.scope(&state.db).inquiry_visible())
        .order_by_desc(inquiry::Column::CreatedAt)
        .all(&state.db)
        .await?;
    views(state, actor, rows).await
}

/// One inquiry as the actor sees it. The first read by anyone of an addressee
/// organisation marks its answer opened, which the sender sees.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Inquiry> {
    let row = actor.scope(&state.db).inquiry(id).await?;
    if status_of(&row) == InquiryStatus::Sent {
        let txn = state.db.begin().await?;
        let opened = inquiry_addressee::Entity::update_many()
            .col_expr(
                inquiry_addressee::Column::Status,
                Expr::value(AnswerStatus::Opened.as_str()),
            )
            .col_expr(
                inquiry_addressee::Column::Version,
                Expr::col(inquiry_addressee::Column::Version).add(1),
            )
            .col_expr(
                inquiry_addressee::Column::UpdatedAt,
                Expr::value(Utc::now()),
            )
            .filter(inquiry_addressee::Column::InquiryId.eq(id))
            .filter(inquiry_addressee::Column::OrganisationId.eq(actor.organisation.id))
            .filter(inquiry_addressee::Column::Status.eq(AnswerStatus::NotOpened.as_str()))
            .exec(&txn)
            .await?
            .rows_affected;
        if opened > 0 {
            sync::append(
                &txn,
                ChangeKind::Inquiry,
                id,
                ChangeOp::Upsert,
                &answer_audience(&row, actor.organisation.id),
            )
            .await?;
            txn.commit().await?;
            state.changes.committed();
        } else {
            txn.rollback().await?;
        }
    }
    view(state, actor, row).await
}

/// The inquiry as the sync feed sends it (built once per reader class).
pub async fn for_feed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Inquiry> {
    let row = actor.scope(&state.db).inquiry(id).await?;
    view(state, actor, row).await
}

/// The platform a new inquiry is sent from: one whose secretariat the actor is.
fn sender_platform(actor: &Actor, asked: Option<Uuid>) -> ApiResult<Uuid> {
    let mine = actor.inquiry_sender_of();
    match asked {
        Some(id) if mine.contains(&id) => Ok(id),
        None if mine.len() == 1 => Ok(mine[0]),
        _ if mine.is_empty() => Err(ApiError::Forbidden),
        _ => Err(ApiError::invalid(
            "invalid_platform",
            "`platform_id`: a platform whose secretariat you are.",
        )),
    }
}

/// A draft inquiry with its addressees (who see nothing of it until it is sent).
pub async fn create(state: &AppState, actor: &Actor, input: NewInquiry) -> ApiResult<Inquiry> {
    let platform_id = sender_platform(actor, input.platform_id)?;
    refuse_personal_data_in(&input)?;
    let title = name("title", &input.title, MAX_TITLE_CHARS, true)?;
    let instructions = text(
        "instructions",
        &input.instructions,
        MAX_INSTRUCTIONS_CHARS,
        false,
    )?;
    let deadline = checked_deadline(input.deadline)?;
    let questions = checked_questions(input.questions)?;
    let link = match input.kpi_share {
        Some(link) => Some(checked_link(state, actor, platform_id, &questions, link).await?),
        None => None,
    };
    let addressees = crate::platforms::checked_members(
        &state.db,
        platform_id,
        &input.addressees,
        "addressees",
        1..=MAX_ADDRESSEES,
    )
    .await?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let row = inquiry::ActiveModel {
        id: Set(Uuid::new_v4()),
        platform_id: Set(platform_id),
        created_by: Set(actor.user.id),
        title: Set(title),
        instructions: Set(instructions),
        deadline: Set(deadline),
        questions: Set(json(&questions)),
        status: Set(InquiryStatus::Draft.as_str().into()),
        version: Set(1),
        sent_at: Set(None),
        withdrawn_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        kpi_id: Set(link.map(|l| l.0)),
        kpi_fiscal_year: Set(link.map(|l| l.1)),
        kpi_quarter: Set(link.map(|l| l.2)),
        kpi_question: Set(link.map(|l| l.3)),
    }
    .insert(&txn)
    .await?;
    let blank = json(&vec![String::new(); questions.len()]);
    for organisation in &addressees {
        inquiry_addressee::ActiveModel {
            id: Set(Uuid::new_v4()),
            inquiry_id: Set(row.id),
            organisation_id: Set(*organisation),
            status: Set(AnswerStatus::NotOpened.as_str().into()),
            answers: Set(blank.clone()),
            return_comment: Set(String::new()),
            reminded_at: Set(None),
            submitted_at: Set(None),
            accepted_at: Set(None),
            version: Set(1),
            updated_by: Set(None),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    log_change(&txn, &row, ChangeOp::Upsert).await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// The inquiry, if the actor's platform sent it (403 when they only answer it).
async fn managed(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<inquiry::Model> {
    let row = actor.scope(&state.db).inquiry(id).await?;
    if !actor.inquiry_sender_of().contains(&row.platform_id) {
        return Err(ApiError::Forbidden);
    }
    Ok(row)
}

/// Moves the inquiry from `from` to `to` at the version read (the transaction's first
/// statement, so two secretaries clicking at once serialise: the second finds it moved).
async fn move_inquiry(
    state: &AppState,
    actor: &Actor,
    row: &inquiry::Model,
    from: InquiryStatus,
    to: InquiryStatus,
) -> ApiResult<inquiry::Model> {
    let now = Utc::now();
    let mut update: inquiry::ActiveModel = row.clone().into();
    update.status = Set(to.as_str().into());
    update.version = Set(row.version + 1);
    update.updated_at = Set(now);
    match to {
        InquiryStatus::Sent => update.sent_at = Set(Some(now)),
        InquiryStatus::Withdrawn => update.withdrawn_at = Set(Some(now)),
        InquiryStatus::Draft => {}
    }
    let txn = state.db.begin().await?;
    let changed = inquiry::Entity::update_many()
        .set(update)
        .filter(inquiry::Column::Id.eq(row.id))
        .filter(inquiry::Column::Version.eq(row.version))
        .filter(inquiry::Column::Status.eq(from.as_str()))
        .filter(inquiry::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(edit_conflict("inquiry"));
    }
    let after = inquiry::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    log_change(&txn, &after, ChangeOp::Upsert).await?;
    let addressees: Vec<Uuid> = addressees_of(&txn, row.id)
        .await?
        .into_iter()
        .map(|a| a.organisation_id)
        .collect();
    let kind = match to {
        InquiryStatus::Sent => Some(NotificationKind::InquiryReceived),
        InquiryStatus::Withdrawn => Some(NotificationKind::InquiryWithdrawn),
        InquiryStatus::Draft => None,
    };
    if let Some(kind) = kind {
        notify_organisations(&txn, addressees, kind, row.id, actor.user.id).await?;
    }
    txn.commit().await?;
    state.changes.committed();
    Ok(after)
}

/// Sends a draft to its addressees (sending a sent one again changes nothing). The
/// deadline must still be ahead, or on today, in Japan.
pub async fn send(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Inquiry> {
    let row = managed(state, actor, id).await?;
    match status_of(&row) {
        InquiryStatus::Sent => return view(state, actor, row).await,
        InquiryStatus::Withdrawn => return Err(not_open()),
        InquiryStatus::Draft => {}
    }
    checked_deadline(row.deadline)?;
    let after = move_inquiry(
        state,
        actor,
        &row,
        InquiryStatus::Draft,
        InquiryStatus::Sent,
    )
    .await?;
    view(state, actor, after).await
}

/// Withdraws a sent inquiry: its addressees still see it, marked withdrawn, and can no
/// longer answer. A draft is deleted instead.
pub async fn withdraw(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Inquiry> {
    let row = managed(state, actor, id).await?;
    match status_of(&row) {
        InquiryStatus::Withdrawn => return view(state, actor, row).await,
        InquiryStatus::Draft => {
            return Err(ApiError::Conflict {
                code: "inquiry_draft",
                message: "A draft was never sent: delete it instead.".into(),
            })
        }
        InquiryStatus::Sent => {}
    }
    let after = move_inquiry(
        state,
        actor,
        &row,
        InquiryStatus::Sent,
        InquiryStatus::Withdrawn,
    )
    .await?;
    view(state, actor, after).await
}

/// Deletes a draft (a sent inquiry is withdrawn, never deleted: its addressees saw it).
pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<()> {
    let row = managed(state, actor, id).await?;
    if status_of(&row) != InquiryStatus::Draft {
        return Err(ApiError::Conflict {
            code: "inquiry_sent",
            message: "A sent inquiry is withdrawn, not deleted.".into(),
        });
    }
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let changed = inquiry::Entity::update_many()
        .col_expr(inquiry::Column::DeletedAt, Expr::value(now))
        .col_expr(inquiry::Column::Version, Expr::value(row.version + 1))
        .filter(inquiry::Column::Id.eq(id))
        .filter(inquiry::Column::Version.eq(row.version))
        .filter(inquiry::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(edit_conflict("inquiry"));
    }
    log_change(&txn, &row, ChangeOp::Delete).await?;
    txn.commit().await?;
    state.changes.committed();
    Ok(())
}

/// Takes the inquiry's row lock for the rest of the transaction with a write that
/// changes nothing, while it is still sent: answers are then serialised with a
/// withdrawal (the later of the two finds the other done).
async fn lock_open(txn: &impl ConnectionTrait, id: Uuid) -> ApiResult<()> {
    let touched = inquiry::Entity::update_many()
        .col_expr(
            inquiry::Column::Version,
            Expr::col(inquiry::Column::Version),
        )
        .filter(inquiry::Column::Id.eq(id))
        .filter(inquiry::Column::Status.eq(InquiryStatus::Sent.as_str()))
        .filter(inquiry::Column::DeletedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected;
    if touched == 0 {
        return Err(not_open());
    }
    Ok(())
}

/// Marks every answer still owed as reminded; the addressees see the reminder on the
/// inquiry and in their to-do list. Nothing owed: nothing changes.
pub async fn remind(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Inquiry> {
    let row = managed(state, actor, id).await?;
    let owing: Vec<inquiry_addressee::Model> = addressees_of(&state.db, id)
        .await?
        .into_iter()
        .filter(|a| answer_status(a).outstanding())
        .collect();
    let txn = state.db.begin().await?;
    lock_open(&txn, id).await?;
    if owing.is_empty() {
        txn.rollback().await?;
        return view(state, actor, row).await;
    }
    let now = Utc::now();
    let organisations: Vec<Uuid> = owing.iter().map(|a| a.organisation_id).collect();
    inquiry_addressee::Entity::update_many()
        .col_expr(inquiry_addressee::Column::RemindedAt, Expr::value(now))
        .col_expr(
            inquiry_addressee::Column::Version,
            Expr::col(inquiry_addressee::Column::Version).add(1),
        )
        .filter(inquiry_addressee::Column::Id.is_in(owing.iter().map(|a| a.id)))
        .exec(&txn)
        .await?;
    sync::append(
        &txn,
        ChangeKind::Inquiry,
        id,
        ChangeOp::Upsert,
        &Audience {
            platforms: vec![row.platform_id],
            organisations: organisations.clone(),
            ..Default::default()
        },
    )
    .await?;
    notify_organisations(
        &txn,
        organisations,
        NotificationKind::InquiryReminded,
        id,
        actor.user.id,
    )
    .await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// One addressee's answer row, at the version the caller read (409 `edit_conflict` when
/// someone changed it meanwhile), written by `change` in the caller's transaction.
async fn write_answer(
    txn: &impl ConnectionTrait,
    row: &inquiry::Model,
    organisation: Uuid,
    version: u32,
    change: impl FnOnce(&mut inquiry_addressee::ActiveModel),
    by: Uuid,
) -> ApiResult<()> {
    let read_at = i32::try_from(version).map_err(|_| edit_conflict("answer"))?;
    let mut update = inquiry_addressee::ActiveModel {
        version: Set(read_at + 1),
        updated_by: Set(Some(by)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    change(&mut update);
    let changed = inquiry_addressee::Entity::update_many()
        .set(update)
        .filter(inquiry_addressee::Column::InquiryId.eq(row.id))
        .filter(inquiry_addressee::Column::OrganisationId.eq(organisation))
        .filter(inquiry_addressee::Column::Version.eq(read_at))
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(edit_conflict("answer"));
    }
    sync::append(
        txn,
        ChangeKind::Inquiry,
        row.id,
        ChangeOp::Upsert,
        &answer_audience(row, organisation),
    )
    .await?;
    Ok(())
}

/// The addressee row of `organisation`, or 404 (it was not asked).
async fn addressee(
    state: &AppState,
    id: Uuid,
    organisation: Uuid,
) -> ApiResult<inquiry_addressee::Model> {
    inquiry_addressee::Entity::find()
        .filter(inquiry_addressee::Column::InquiryId.eq(id))
        .filter(inquiry_addressee::Column::OrganisationId.eq(organisation))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Saves or submits the caller's organisation's answer. Anyone of the organisation may
/// (a colleague finishes another's draft); the sender's secretariat may not answer for
/// it (403). A submitted or accepted answer is closed until it is returned.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    organisation: Uuid,
    input: AnswerInput,
) -> ApiResult<Inquiry> {
    let row = actor.scope(&state.db).inquiry(id).await?;
    if organisation != actor.organisation.id {
        // The sender sees every addressee and is told it may not; anyone else sees only
        // their own answer, so another organisation's is not there for them.
        return Err(if actor.inquiry_sender_of().contains(&row.platform_id) {
            ApiError::Forbidden
        } else {
            ApiError::NotFound
        });
    }
    let current = addressee(state, id, organisation).await?;
    if status_of(&row) != InquiryStatus::Sent {
        return Err(not_open());
    }
    if !answer_status(&current).editable() {
        return Err(ApiError::Conflict {
            code: "answer_closed",
            message: "The answer was submitted: it can be changed once the sender returns it."
                .into(),
        });
    }
    refuse_personal_data_in(&input)?;
    let questions: Vec<InquiryQuestion> = parse_json(&row.questions);
    let answers = checked_answers(&questions, &input.answers, input.submit)?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    lock_open(&txn, id).await?;
    write_answer(
        &txn,
        &row,
        organisation,
        input.version,
        |a| {
            a.answers = Set(json(&answers));
            if input.submit {
                a.status = Set(AnswerStatus::Submitted.as_str().into());
                a.submitted_at = Set(Some(now));
            } else {
                a.status = Set(AnswerStatus::Draft.as_str().into());
            }
        },
        actor.user.id,
    )
    .await?;
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// What the sender decides about a submitted answer.
enum Decision {
    /// Back to the organisation for correction, with the sender's comment (they are told).
    Return(String),
    /// Final; a figure the inquiry links to a KPI becomes the organisation's share.
    Accept,
}

/// The sender's decision on a submitted answer, at the version it read.
async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    organisation: Uuid,
    version: u32,
    decision: Decision,
) -> ApiResult<Inquiry> {
    let row = managed(state, actor, id).await?;
    let current = addressee(state, id, organisation).await?;
    if answer_status(&current) != AnswerStatus::Submitted {
        return Err(ApiError::Conflict {
            code: "answer_not_submitted",
            message: "Only a submitted answer is returned or accepted.".into(),
        });
    }
    let accepting = matches!(decision, Decision::Accept);
    let txn = state.db.begin().await?;
    lock_open(&txn, id).await?;
    let change = |a: &mut inquiry_addressee::ActiveModel| match decision {
        Decision::Return(comment) => {
            a.status = Set(AnswerStatus::Returned.as_str().into());
            a.return_comment = Set(comment);
        }
        Decision::Accept => {
            a.status = Set(AnswerStatus::Accepted.as_str().into());
            a.accepted_at = Set(Some(Utc::now()));
        }
    };
    write_answer(&txn, &row, organisation, version, change, actor.user.id).await?;
    if !accepting {
        let kind = NotificationKind::InquiryReturned;
        notify_organisations(&txn, vec![organisation], kind, id, actor.user.id).await?;
    }
    // The accepted figure becomes the organisation's share of the inquiry's KPI, in the
    // same transaction: both or neither.
    if let (true, Some(kpi_id), Some(year), Some(question)) =
        (accepting, row.kpi_id, row.kpi_fiscal_year, row.kpi_question)
    {
        let answers: Vec<String> = parse_json(&current.answers);
        let figure = usize::try_from(question)
            .ok()
            .and_then(|q| answers.get(q))
            .and_then(|a| a.parse::<f64>().ok());
        if let Some(value) = figure {
            let share = crate::kpis::AcceptedShare {
                kpi_id,
                organisation,
                fiscal_year: year,
                quarter: row.kpi_quarter.unwrap_or(0),
                value,
                note: format!("照会「{}」の回答（受理）", row.title),
                by: actor.user.id,
            };
            crate::kpis::record_accepted_share(&txn, share).await?;
        }
    }
    txn.commit().await?;
    state.changes.committed();
    view(state, actor, row).await
}

/// Returns a submitted answer to its organisation for correction, with a comment.
pub async fn return_answer(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    organisation: Uuid,
    input: ReturnAnswer,
) -> ApiResult<Inquiry> {
    refuse_personal_data_in(&input)?;
    let comment = text("comment", &input.comment, MAX_COMMENT_CHARS, true)?;
    decide(
        state,
        actor,
        id,
        organisation,
        input.version,
        Decision::Return(comment),
    )
    .await
}

/// Accepts a submitted answer: final.
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    organisation: Uuid,
    input: AcceptAnswer,
) -> ApiResult<Inquiry> {
    decide(
        state,
        actor,
        id,
        organisation,
        input.version,
        Decision::Accept,
    )
    .await
}

/// The new-inquiry form: each platform the actor may send from, with the organisations
/// it may ask.
pub async fn form_page(state: &AppState, actor: &Actor) -> ApiResult<InquiryFormPage> {
    let mine = actor.inquiry_sender_of();
    if mine.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let mut senders = Vec::new();
    for platform in actor.scope(&state.db).platforms().await? {
        if !mine.contains(&platform.id) {
            continue;
        }
        let organisations = crate::platforms::member_organisations(&state.db, platform.id)
            .await?
            .into_iter()
            .map(crate::policy::organisation_view)
            .collect();
        let kpis = if actor.kpi_secretariat_of().contains(&platform.id) {
            kpi::Entity::find()
                .filter(kpi::Column::PlatformId.eq(platform.id))
                .filter(kpi::Column::Status.eq(KpiStatus::Published.as_str()))
                .filter(kpi::Column::DeletedAt.is_null())
                .order_by_asc(kpi::Column::Name)
                .all(&state.db)
                .await?
                .into_iter()
                .map(|k| KpiChoice {
                    id: k.id,
                    quarterly: k.periodicity == KpiPeriodicity::Quarter.as_str(),
                    name: k.name,
                    period_start: k.period_start,
                    period_end: k.period_end,
                })
                .collect()
        } else {
            Vec::new()
        };
        senders.push(InquirySender {
            platform,
            organisations,
            kpis,
        });
    }
    Ok(InquiryFormPage { senders })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_type_them_in_japan() {
        assert_eq!(read_number("１，２００"), Some(1200.0));
        assert_eq!(read_number("1,200.5"), Some(1200.5));
        assert_eq!(read_number("－３"), Some(-3.0));
        assert_eq!(read_number("12人"), None);
        assert_eq!(read_number("NaN"), None);
        assert_eq!(read_number("1e13"), None);
        assert_eq!(write_number(1200.0), "1200");
        assert_eq!(write_number(0.25), "0.25");
    }

    #[test]
    fn submitting_needs_the_required_answers() {
        let questions = vec![
            InquiryQuestion {
                label: "人数".into(),
                kind: QuestionKind::Number,
                unit: "人".into(),
                choices: vec![],
                required: true,
            },
            InquiryQuestion {
                label: "状況".into(),
                kind: QuestionKind::Choice,
                unit: String::new(),
                choices: vec!["済".into(), "未".into()],
                required: false,
            },
        ];
        assert_eq!(
            checked_answers(&questions, &[], false).unwrap(),
            vec!["", ""],
            "a draft may be blank"
        );
        assert!(checked_answers(&questions, &[], true).is_err());
        assert_eq!(
            checked_answers(&questions, &["３０".into(), "済".into()], true).unwrap(),
            vec!["30", "済"]
        );
        assert!(checked_answers(&questions, &["1".into(), "たぶん".into()], true).is_err());
        assert!(checked_answers(&questions, &["1".into(), "".into(), "x".into()], false).is_err());
    }
}
