//! Attachments of liaison threads: PDF, Office documents and images up to 20 MiB, checked
//! by content (magic bytes, through `infer`), never by name; executables and unknown
//! types are refused with a message saying why. Files live on disk under the attachments
//! directory (default `DATA_DIR/attachments`) and are served only to participants.

use std::path::PathBuf;

use axum::extract::Multipart;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, DbErr, EntityTrait, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use app::domain::UserSummary;
use app::threads::AttachmentInfo;

use crate::accounts::user_summary;
use crate::entities::attachment;
use crate::http::{boundary, ApiError, ApiResult};
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

/// Why a file is refused. The API answers `file_refused` with the message; the page
/// shows the reason's own translated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    Executable,
    /// A type that is recognised but not a document or a picture.
    NotAllowed(&'static str),
    Unknown,
}

impl Refusal {
    /// The code the thread page is sent back with (`?error=`).
    pub fn page_code(self) -> &'static str {
        match self {
            Refusal::Empty => "file_empty",
            Refusal::Executable => "file_executable",
            Refusal::NotAllowed(_) | Refusal::Unknown => "file_type",
        }
    }

    fn message(self) -> String {
        match self {
            Refusal::Empty => "The file is empty.".into(),
            Refusal::Executable => "This file is an executable program, whatever its name says; programs cannot be attached.".into(),
            Refusal::NotAllowed(mime) => format!(
                "Files of type {mime} cannot be attached: use PDF, Office documents or images."
            ),
            Refusal::Unknown => "The file's type could not be recognised from its content: use PDF, Office documents or images.".into(),
        }
    }
}

/// The MIME type of allowed content, or why it is refused.
pub fn inspect(bytes: &[u8]) -> Result<&'static str, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if infer::is_app(bytes) {
        return Err(Refusal::Executable);
    }
    match infer::get(bytes) {
        Some(kind) if ALLOWED.contains(&kind.mime_type()) => Ok(kind.mime_type()),
        Some(kind) => Err(Refusal::NotAllowed(kind.mime_type())),
        None => Err(Refusal::Unknown),
    }
}

/// [`inspect`] as the API's error.
pub fn check_content(bytes: &[u8]) -> Result<&'static str, ApiError> {
    inspect(bytes).map_err(|r| ApiError::invalid("file_refused", r.message()))
}

fn storage_path(state: &AppState, id: Uuid) -> PathBuf {
    state.config.attachments_dir.join(id.to_string())
}

/// A checked file as it is kept: what its record holds.
pub struct Kept {
    pub id: Uuid,
    pub filename: String,
    pub content_type: &'static str,
    pub size: i64,
    pub sha256: String,
}

/// Keeps an uploaded file whole or not at all: it is checked, written to disk, then
/// `record` inserts its row (and logs the change) in one transaction; should that fail,
/// the file is removed again. Thread and practice attachments differ only in `record`.
pub async fn keep<T>(
    state: &AppState,
    upload: Upload,
    record: impl AsyncFnOnce(&DatabaseTransaction, Kept) -> Result<T, DbErr>,
) -> ApiResult<T> {
    let Some((filename, bytes)) = upload.file else {
        return Err(ApiError::invalid(
            "file_missing",
            "Send the file in a multipart field named `file`.",
        ));
    };
    let content_type = check_content(&bytes)?;
    let kept = Kept {
        id: Uuid::new_v4(),
        // The saved name agrees with the content: a PDF is kept as `….pdf`.
        filename: boundary::download_name(&filename, content_type),
        content_type,
        size: bytes.len() as i64,
        sha256: hex::encode(Sha256::digest(&bytes)),
    };
    let path = write_file(state, kept.id, &bytes).await?;
    let saved = async {
        let txn = state.db.begin().await?;
        let out = record(&txn, kept).await?;
        txn.commit().await?;
        Ok::<_, DbErr>(out)
    }
    .await;
    match saved {
        Ok(out) => {
            state.changes.committed();
            Ok(out)
        }
        Err(e) => {
            // Nothing half-written: no row, no file.
            let _ = tokio::fs::remove_file(&path).await;
            Err(e.into())
        }
    }
}

/// Writes a file under its id, whole or not at all (a temporary name, then a rename).
async fn write_file(state: &AppState, id: Uuid, bytes: &[u8]) -> ApiResult<PathBuf> {
    let path = storage_path(state, id);
    let dir = state.config.attachments_dir.clone();
    let temp = dir.join(format!(".{id}.part"));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::Internal(format!("attachments directory: {e}")))?;
    tokio::fs::write(&temp, bytes)
        .await
        .map_err(|e| ApiError::Internal(format!("writing an attachment: {e}")))?;
    tokio::fs::rename(&temp, &path)
        .await
        .map_err(|e| ApiError::Internal(format!("storing an attachment: {e}")))?;
    Ok(path)
}

pub async fn read_file(state: &AppState, id: Uuid) -> ApiResult<Vec<u8>> {
    tokio::fs::read(storage_path(state, id))
        .await
        .map_err(|e| ApiError::Internal(format!("reading an attachment: {e}")))
}

/// Removes a file whose record is gone; a file already missing is no error.
pub async fn remove_file(state: &AppState, id: Uuid) {
    if let Err(e) = tokio::fs::remove_file(storage_path(state, id)).await {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(%id, error = %e, "an attachment's file could not be removed");
        }
    }
}

/// A file as a download: its type, its name (RFC 5987), never sniffed, never cached.
pub fn file_response(
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(ct) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, ct);
    }
    // Records kept before names were cleaned are offered cleaned, with the content's
    // extension, too.
    let filename = boundary::download_name(filename, content_type);
    let encoded = crate::http::extract::percent_encode(&filename);
    if let Ok(cd) = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")) {
        headers.insert(header::CONTENT_DISPOSITION, cd);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

pub fn view(row: attachment::Model, uploaded_by: UserSummary) -> AttachmentInfo {
    AttachmentInfo {
        id: row.id,
        thread_id: row.thread_id,
        message_id: row.message_id,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size as u64,
        uploaded_by,
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

/// What a multipart upload carried: the file (field `file`) and the form's other text
/// fields (the page's form sends its `csrf_token` before the file).
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a multipart body up to the first `file` field, never more than [`MAX_BYTES`].
pub async fn read(mut multipart: Multipart) -> ApiResult<Upload> {
    let mut upload = Upload::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(upload_error(e)),
        };
        let name = field.name().unwrap_or_default().to_string();
        boundary::check_text(&name, &name, false)?;
        if name != "file" {
            if field.file_name().is_none() && upload.fields.len() < 16 {
                let text = field.text().await.map_err(upload_error)?;
                boundary::check_text(&name, &text, true)?;
                upload
                    .fields
                    .push((name, text.chars().take(1000).collect()));
            }
            continue;
        }
        // A browser sends the file's name; the person did not type it: cleaned, not refused.
        let filename = boundary::clean_filename(field.file_name());
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
        upload.file = Some((filename, bytes));
        break;
    }
    Ok(upload)
}

/// Keeps a checked file of a thread the actor takes part in; participants see it live.
pub async fn store(
    state: &AppState,
    actor: &Actor,
    thread_id: Uuid,
    upload: Upload,
) -> ApiResult<AttachmentInfo> {
    actor.scope(&state.db).thread(thread_id).await?;
    let row = keep(state, upload, async |txn, kept| {
        let row = attachment::ActiveModel {
            id: Set(kept.id),
            thread_id: Set(thread_id),
            message_id: Set(None),
            uploader_id: Set(actor.user.id),
            filename: Set(kept.filename),
            content_type: Set(kept.content_type.to_string()),
            size: Set(kept.size),
            sha256: Set(kept.sha256),
            created_at: Set(Utc::now()),
        }
        .insert(txn)
        .await?;
        // The thread carries its attachments: its participants' pages show the file live.
        super::log_thread(txn, thread_id, crate::sync::Audience::default()).await?;
        Ok(row)
    })
    .await?;
    Ok(view(row, user_summary(&actor.user)))
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
    let bytes = read_file(state, row.id).await?;
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
        let mut elf = vec![
            0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0,
        ];
        elf.resize(64, 0);
        let err = check_content(&elf).unwrap_err();
        assert!(err.to_string().contains("file_refused"));
        assert_eq!(inspect(&elf), Err(Refusal::Executable));
        assert_eq!(inspect(b""), Err(Refusal::Empty));
        assert_eq!(
            inspect(b"just some text, not a document"),
            Err(Refusal::Unknown)
        );
        assert_eq!(
            inspect(b"PK\x03\x04").map_err(Refusal::page_code),
            Err("file_type")
        );
        assert_eq!(boundary::clean_filename(Some("報告書.pdf")), "報告書.pdf");
    }
}
