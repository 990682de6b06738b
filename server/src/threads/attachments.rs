//! Attachments of liaison threads: PDF, Office documents and images up to 20 MiB, checked
//! by content (magic bytes, through `infer`), never by name; executables and unknown
//! types are refused with a message saying why. Files live on disk under the attachments
//! directory (default `DATA_DIR/attachments`) and are served only to participants.

use std::path::PathBuf;

use axum::extract::Multipart;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use app::domain::AttachmentInfo;

use crate::entities::attachment;
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// What people exchange in liaison: documents and pictures.
const ALLOWED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
];

/// The MIME type of allowed content, or why it is refused.
pub fn check_content(bytes: &[u8]) -> Result<&'static str, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::invalid("file_refused", "The file is empty."));
    }
    if infer::is_app(bytes) {
        return Err(ApiError::invalid(
            "file_refused",
            "This file is an executable program, whatever its name says; programs cannot be attached.",
        ));
    }
    match infer::get(bytes) {
        Some(kind) if ALLOWED.contains(&kind.mime_type()) => Ok(kind.mime_type()),
        Some(kind) => Err(ApiError::invalid(
            "file_refused",
            format!(
                "Files of type {} cannot be attached: use PDF, Office documents or images.",
                kind.mime_type()
            ),
        )),
        None => Err(ApiError::invalid(
            "file_refused",
            "The file's type could not be recognised from its content: use PDF, Office documents or images.",
        )),
    }
}

fn storage_path(state: &AppState, id: Uuid) -> PathBuf {
    state.config.attachments_dir.join(id.to_string())
}

/// A file name safe to keep and to send back: no directories, no control characters.
fn clean_filename(name: Option<&str>) -> String {
    let base = name
        .unwrap_or("attachment")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("attachment");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if cleaned.trim().is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

pub fn view(row: attachment::Model) -> AttachmentInfo {
    AttachmentInfo {
        id: row.id,
        thread_id: row.thread_id,
        message_id: row.message_id,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size as u64,
        created_at: row.created_at,
    }
}

/// A body cut off by the size limit is "too large"; anything else is unreadable input.
fn upload_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest(format!("The upload could not be read: {}", e.body_text()))
    }
}

pub async fn upload(
    state: &AppState,
    actor: &Actor,
    thread_id: Uuid,
    mut multipart: Multipart,
) -> ApiResult<AttachmentInfo> {
    actor.scope(&state.db).thread(thread_id).await?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(upload_error(e)),
        };
        if field.name() != Some("file") {
            continue;
        }
        let filename = clean_filename(field.file_name());
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_BYTES {
                        return Err(ApiError::PayloadTooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(upload_error(e)),
            }
        }
        file = Some((filename, bytes));
        break;
    }
    let Some((filename, bytes)) = file else {
        return Err(ApiError::invalid(
            "file_missing",
            "Send the file in a multipart field named `file`.",
        ));
    };
    let content_type = check_content(&bytes)?;

    let id = Uuid::new_v4();
    let path = storage_path(state, id);
    let dir = state.config.attachments_dir.clone();
    let temp = dir.join(format!(".{id}.part"));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::Internal(format!("attachments directory: {e}")))?;
    tokio::fs::write(&temp, &bytes)
        .await
        .map_err(|e| ApiError::Internal(format!("writing an attachment: {e}")))?;
    tokio::fs::rename(&temp, &path)
        .await
        .map_err(|e| ApiError::Internal(format!("storing an attachment: {e}")))?;
    let row = attachment::ActiveModel {
        id: Set(id),
        thread_id: Set(thread_id),
        message_id: Set(None),
        uploader_id: Set(actor.user.id),
        filename: Set(filename),
        content_type: Set(content_type.to_string()),
        size: Set(bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(&bytes))),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await;
    match row {
        Ok(row) => Ok(view(row)),
        Err(e) => {
            // Nothing half-written: no row, no file.
            let _ = tokio::fs::remove_file(&path).await;
            Err(e.into())
        }
    }
}

/// The file and its record, for a participant of its thread.
pub async fn download(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> ApiResult<(attachment::Model, Vec<u8>)> {
    let row = attachment::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    actor.scope(&state.db).thread(row.thread_id).await?;
    let bytes = tokio::fs::read(storage_path(state, row.id))
        .await
        .map_err(|e| ApiError::Internal(format!("reading an attachment: {e}")))?;
    Ok((row, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            check_content(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj").unwrap(),
            "application/pdf"
        );
        let elf = [
            0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0,
        ];
        let err = check_content(&elf).unwrap_err();
        assert!(err.to_string().contains("file_refused"));
        assert!(check_content(b"just some text, not a document").is_err());
        assert_eq!(clean_filename(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_filename(Some("報告書.pdf")), "報告書.pdf");
    }
}
