//! HTTP plumbing shared by every feature: the one error type, the JSON extractor that
//! turns bad input into a clear 4xx, and the client address.

pub mod boundary;
pub mod error;
pub mod extract;
pub mod input;

pub use error::{ApiError, ApiResult};
pub use extract::{ApiForm, ApiJson, ApiPath, ApiQuery, ClientAddr};

/// The MIME type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A generated workbook as a download: its type, `Content-Disposition` with an ASCII
/// `fallback` file name and the real (Japanese) `title` in RFC 5987 form, and no caching
/// (it holds tenant data).
pub fn xlsx_download(fallback: &str, title: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    let name = extract::percent_encode(&format!("{title}.xlsx"));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{name}"
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
