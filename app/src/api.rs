//! The page-data server functions. Each is a thin shim: on the server it asks the
//! [`Backend`] (implemented by the `server` crate, which owns the policy layer and the
//! database) with the current request, so the same rules as the HTTP API apply.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::{
    InvitationPreview, InvitationsPage, Me, NotificationsPage, PlatformHome, ThreadPage,
    ThreadsPage, UsersPage,
};
use crate::i18n::Key;

/// What a page can be told by the server, in terms a person can be shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("confidentiality pledge required")]
    PledgeRequired,
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("internal error")]
    Internal,
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn message_key(&self) -> Key {
        match self {
            AppError::Unauthenticated | AppError::PledgeRequired => Key::ErrorSignInRequired,
            AppError::NotFound => Key::ErrorNotFound,
            AppError::Forbidden => Key::ErrorForbidden,
            AppError::Internal | AppError::Transport(_) => Key::ErrorGeneric,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
pub mod backend {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;

    use super::AppError;
    use crate::domain::{
        InvitationPreview, InvitationsPage, Me, NotificationsPage, PlatformHome, ThreadFilter,
        ThreadPage, ThreadsPage,
    };

    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;
    pub use http::request::Parts;

    /// The server's answers to the pages, under the same policy layer as the API.
    pub trait Backend: Send + Sync + 'static {
        fn me<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, Option<Me>>;
        fn platform_home<'a>(
            &'a self,
            request: &'a Parts,
            slug: String,
        ) -> BoxFuture<'a, PlatformHome>;
        fn invitations_page<'a>(
            &'a self,
            request: &'a Parts,
            slug: String,
        ) -> BoxFuture<'a, InvitationsPage>;
        /// The people with a role on a platform (its coordinators).
        fn users_page<'a>(
            &'a self,
            request: &'a Parts,
            slug: String,
        ) -> BoxFuture<'a, crate::domain::UsersPage>;
        fn invitation_preview<'a>(&'a self, token: String) -> BoxFuture<'a, InvitationPreview>;
        fn threads_page<'a>(
            &'a self,
            request: &'a Parts,
            filter: ThreadFilter,
        ) -> BoxFuture<'a, ThreadsPage>;
        /// The thread and its messages; reading it marks it read and is audited.
        fn thread_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
        ) -> BoxFuture<'a, ThreadPage>;
        fn notifications_page<'a>(&'a self, request: &'a Parts)
            -> BoxFuture<'a, NotificationsPage>;
        fn outreach_list_page<'a>(
            &'a self,
            request: &'a Parts,
            filter: crate::outreach::OutreachFilter,
        ) -> BoxFuture<'a, crate::outreach::OutreachListPage>;
        fn outreach_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
        ) -> BoxFuture<'a, crate::outreach::OutreachPage>;
        /// The drafting form; with `id`, editing that request.
        fn outreach_form_page<'a>(
            &'a self,
            request: &'a Parts,
            id: Option<uuid::Uuid>,
        ) -> BoxFuture<'a, crate::outreach::OutreachFormPage>;
        fn practices_page<'a>(
            &'a self,
            request: &'a Parts,
            filter: crate::practices::PracticeFilter,
        ) -> BoxFuture<'a, crate::practices::PracticesPage>;
        fn practice_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
        ) -> BoxFuture<'a, crate::practices::PracticePage>;
        /// The editor; with `id`, changing that practice.
        fn practice_form_page<'a>(
            &'a self,
            request: &'a Parts,
            id: Option<uuid::Uuid>,
        ) -> BoxFuture<'a, crate::practices::PracticeFormPage>;
    }

    #[derive(Clone)]
    pub struct BackendHandle(pub Arc<dyn Backend>);

    pub(crate) async fn with_request<T>(
        f: impl for<'a> FnOnce(&'a dyn Backend, &'a Parts) -> BoxFuture<'a, T>,
    ) -> Result<T, AppError> {
        let backend = leptos::prelude::use_context::<BackendHandle>().ok_or(AppError::Internal)?;
        let parts: Parts = leptos_axum::extract()
            .await
            .map_err(|_| AppError::Internal)?;
        f(backend.0.as_ref(), &parts).await
    }
}

#[server(prefix = "/sfn", endpoint = "me", input = GetUrl)]
pub async fn fetch_me() -> Result<Option<Me>, AppError> {
    backend::with_request(|b, parts| b.me(parts)).await
}

#[server(prefix = "/sfn", endpoint = "platform_home", input = GetUrl)]
pub async fn fetch_platform_home(slug: String) -> Result<PlatformHome, AppError> {
    backend::with_request(move |b, parts| b.platform_home(parts, slug)).await
}

#[server(prefix = "/sfn", endpoint = "invitations_page", input = GetUrl)]
pub async fn fetch_invitations_page(slug: String) -> Result<InvitationsPage, AppError> {
    backend::with_request(move |b, parts| b.invitations_page(parts, slug)).await
}

#[server(prefix = "/sfn", endpoint = "users_page", input = GetUrl)]
pub async fn fetch_users_page(slug: String) -> Result<UsersPage, AppError> {
    backend::with_request(move |b, parts| b.users_page(parts, slug)).await
}

#[server(prefix = "/sfn", endpoint = "invitation_preview", input = GetUrl)]
pub async fn fetch_invitation_preview(token: String) -> Result<InvitationPreview, AppError> {
    let backend = use_context::<backend::BackendHandle>().ok_or(AppError::Internal)?;
    backend.0.invitation_preview(token).await
}

#[server(prefix = "/sfn", endpoint = "threads_page", input = GetUrl)]
pub async fn fetch_threads_page(
    q: Option<String>,
    state: Option<String>,
    platform: Option<String>,
    mine: Option<String>,
    mentions: Option<String>,
) -> Result<ThreadsPage, AppError> {
    let filter = crate::domain::ThreadFilter::from_params(q, state, platform, mine, mentions);
    backend::with_request(move |b, parts| b.threads_page(parts, filter)).await
}

#[server(prefix = "/sfn", endpoint = "thread_page", input = GetUrl)]
pub async fn fetch_thread_page(id: uuid::Uuid) -> Result<ThreadPage, AppError> {
    backend::with_request(move |b, parts| b.thread_page(parts, id)).await
}

#[server(prefix = "/sfn", endpoint = "notifications_page", input = GetUrl)]
pub async fn fetch_notifications_page() -> Result<NotificationsPage, AppError> {
    backend::with_request(|b, parts| b.notifications_page(parts)).await
}

#[server(prefix = "/sfn", endpoint = "outreach_list_page", input = GetUrl)]
pub async fn fetch_outreach_list_page(
    state: Option<String>,
    kind: Option<String>,
    platform: Option<String>,
    overdue: Option<String>,
    page: Option<String>,
) -> Result<crate::outreach::OutreachListPage, AppError> {
    let filter = crate::outreach::OutreachFilter::from_params(state, kind, platform, overdue, page);
    backend::with_request(move |b, parts| b.outreach_list_page(parts, filter)).await
}

#[server(prefix = "/sfn", endpoint = "outreach_page", input = GetUrl)]
pub async fn fetch_outreach_page(
    id: uuid::Uuid,
) -> Result<crate::outreach::OutreachPage, AppError> {
    backend::with_request(move |b, parts| b.outreach_page(parts, id)).await
}

#[server(prefix = "/sfn", endpoint = "outreach_form_page", input = GetUrl)]
pub async fn fetch_outreach_form_page(
    id: Option<uuid::Uuid>,
) -> Result<crate::outreach::OutreachFormPage, AppError> {
    backend::with_request(move |b, parts| b.outreach_form_page(parts, id)).await
}

/// The library page: the search in the page's query string (name, value pairs).
#[server(prefix = "/sfn", endpoint = "practices_page", input = GetUrl)]
pub async fn fetch_practices_page(
    params: Vec<(String, String)>,
) -> Result<crate::practices::PracticesPage, AppError> {
    let filter = crate::practices::PracticeFilter::from_params(&params);
    backend::with_request(move |b, parts| b.practices_page(parts, filter)).await
}

#[server(prefix = "/sfn", endpoint = "practice_page", input = GetUrl)]
pub async fn fetch_practice_page(
    id: uuid::Uuid,
) -> Result<crate::practices::PracticePage, AppError> {
    backend::with_request(move |b, parts| b.practice_page(parts, id)).await
}

#[server(prefix = "/sfn", endpoint = "practice_form_page", input = GetUrl)]
pub async fn fetch_practice_form_page(
    id: Option<uuid::Uuid>,
) -> Result<crate::practices::PracticeFormPage, AppError> {
    backend::with_request(move |b, parts| b.practice_form_page(parts, id)).await
}
