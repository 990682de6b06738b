//! A practice's attachments, under the liaison threads' rules (`threads::attachments`):
//! PDF, Office documents and images up to 20 MiB, checked by content, kept on disk under
//! the attachments directory. The author platform's writers attach and remove them;
//! whoever may read the practice may download them (anyone else gets 404).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use app::practices::PracticeAttachment;

use crate::accounts::user_summary;
use crate::entities::practice_attachment;
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;
use crate::threads::attachments::{self as files, Upload};

pub fn view(
    row: practice_attachment::Model,
    uploaded_by: app::domain::UserSummary,
) -> PracticeAttachment {
    PracticeAttachment {
        id: row.id,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size.max(0) as u64,
        uploaded_by,
        created_at: row.created_at,
    }
}

/// Keeps a checked file of a practice the actor writes for; readers see it live.
pub async fn store(
    state: &AppState,
    actor: &Actor,
    practice_id: Uuid,
    upload: Upload,
) -> ApiResult<PracticeAttachment> {
    let practice = super::writable(state, actor, practice_id).await?;
    let row = files::keep(state, upload, async |txn, kept| {
        let row = practice_attachment::ActiveModel {
            id: Set(kept.id),
            practice_id: Set(practice.id),
            uploader_id: Set(actor.user.id),
            filename: Set(kept.filename),
            content_type: Set(kept.content_type.to_string()),
            size: Set(kept.size),
            sha256: Set(kept.sha256),
            created_at: Set(Utc::now()),
        }
        .insert(txn)
        .await?;
        super::log_change(txn, Some(&practice), &practice).await?;
        Ok(row)
    })
    .await?;
    Ok(view(row, user_summary(&actor.user)))
}

/// The file and its record, for whoever may read the practice.
pub async fn download(
    state: &AppState,
    actor: &Actor,
    practice_id: Uuid,
    id: Uuid,
) -> ApiResult<(practice_attachment::Model, Vec<u8>)> {
    let practice = actor.scope(&state.db).practice(practice_id).await?;
    let row = practice_attachment::Entity::find_by_id(id)
        .filter(practice_attachment::Column::PracticeId.eq(practice.id))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = files::read_file(state, row.id).await?;
    Ok((row, bytes))
}

/// Removes an attachment (the author platform's writers).
pub async fn remove(state: &AppState, actor: &Actor, practice_id: Uuid, id: Uuid) -> ApiResult<()> {
    let practice = super::writable(state, actor, practice_id).await?;
    let row = practice_attachment::Entity::find_by_id(id)
        .filter(practice_attachment::Column::PracticeId.eq(practice.id))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let txn = state.db.begin().await?;
    // Of two simultaneous removals only the one that deleted the row tells anyone.
    let removed = practice_attachment::Entity::delete_by_id(row.id)
        .exec(&txn)
        .await?
        .rows_affected;
    if removed == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    super::log_change(&txn, Some(&practice), &practice).await?;
    txn.commit().await?;
    state.changes.committed();
    files::remove_file(state, row.id).await;
    Ok(())
}
