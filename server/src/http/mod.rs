//! HTTP plumbing shared by every feature: the one error type, the JSON extractor that
//! turns bad input into a clear 4xx, and the client address.

pub mod boundary;
pub mod error;
pub mod extract;
pub mod input;

pub use error::{ApiError, ApiResult};
pub use extract::{ApiForm, ApiJson, ApiPath, ApiQuery, ClientAddr};
