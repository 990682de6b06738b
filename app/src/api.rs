//! The page-data server functions. Each is a thin shim: on the server it asks the
//! [`Backend`] (implemented by the `server` crate, which owns the policy layer and the
//! database) with the current request, so the same rules as the HTTP API apply.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::Bytes;
use serde::{Deserialize, Serialize};

use crate::domain::{ErrorBody, ErrorDetail, InvitationPreview, InvitationsPage, Me, UsersPage};
use crate::i18n::Key;
use crate::notifications::NotificationsPage;
use crate::threads::{ThreadPage, ThreadsPage};

/// What a page can be told by the server, in terms a person can be shown. Over HTTP
/// (`/sfn/...`) it answers as the API does: the API's status and its error body
/// `{"error":{"code","message"}}`, which the client reads back into this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 400: the arguments could not be read (an id that is not a UUID).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401
    #[error("sign-in required")]
    Unauthenticated,
    /// 403 `pledge_required`
    #[error("confidentiality pledge required")]
    PledgeRequired,
    /// 403
    #[error("forbidden")]
    Forbidden,
    /// 404: nothing there, or nothing the caller may see.
    #[error("not found")]
    NotFound,
    /// 409 with the API's code (`invalid_transition`, `edit_conflict`, ...).
    #[error("conflict ({code}): {message}")]
    Conflict { code: String, message: String },
    /// 422 with the API's code (`invalid_field`, `invalid_query`, ...).
    #[error("unprocessable ({code}): {message}")]
    Invalid { code: String, message: String },
    /// 500: the log has the cause.
    #[error("internal error")]
    Internal,
    /// On the client only: the server could not be reached or its answer not read.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn message_key(&self) -> Key {
        match self {
            AppError::Unauthenticated | AppError::PledgeRequired => Key::ErrorSignInRequired,
            AppError::NotFound => Key::ErrorNotFound,
            AppError::Forbidden => Key::ErrorForbidden,
            AppError::BadRequest(_) | AppError::Invalid { .. } => Key::ErrorInvalidInput,
            AppError::Conflict { .. } => Key::ErrorConflict,
            AppError::Internal | AppError::Transport(_) => Key::ErrorGeneric,
        }
    }

    /// The HTTP status the API gives the same refusal.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthenticated => 401,
            AppError::PledgeRequired | AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::Invalid { .. } => 422,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// The API's stable code.
    pub fn code(&self) -> &str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthenticated => "unauthenticated",
            AppError::PledgeRequired => "pledge_required",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { code, .. } | AppError::Invalid { code, .. } => code,
            AppError::Internal | AppError::Transport(_) => "internal",
        }
    }

    /// The API's message (English, for programs and logs; pages show [`Self::message_key`]).
    pub fn message(&self) -> String {
        match self {
            AppError::BadRequest(m) => m.clone(),
            AppError::Unauthenticated => "Sign in first (POST /api/v1/session).".into(),
            AppError::PledgeRequired => {
                "Accept the confidentiality pledge first (POST /api/v1/me/pledge).".into()
            }
            AppError::Forbidden => "Your role does not allow this.".into(),
            AppError::NotFound => "There is nothing here, or you may not see it.".into(),
            AppError::Conflict { message, .. } | AppError::Invalid { message, .. } => {
                message.clone()
            }
            AppError::Internal | AppError::Transport(_) => {
                "Something went wrong on our side; nothing was changed. Please try again.".into()
            }
        }
    }

    /// The API's error body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.message(),
            },
        }
    }

    /// An error body read back. The body carries no status, so a code this type does not
    /// name is a 422 (what a read can be refused with); the client shows it the same way.
    pub fn from_body(body: ErrorBody) -> Self {
        let ErrorDetail { code, message } = body.error;
        match code.as_str() {
            "bad_request" => AppError::BadRequest(message),
            "unauthenticated" | "invalid_credentials" => AppError::Unauthenticated,
            "pledge_required" => AppError::PledgeRequired,
            "forbidden" | "csrf" => AppError::Forbidden,
            "not_found" => AppError::NotFound,
            "internal" => AppError::Internal,
            // The API's 409 codes (`ApiError::Conflict`).
            "invalid_transition"
            | "edit_conflict"
            | "already_routed"
            | "busy"
            | "edit_window_closed"
            | "idempotency_in_progress"
            | "message_deleted"
            | "not_shared"
            | "own_practice" => AppError::Conflict { code, message },
            _ => AppError::Invalid { code, message },
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The server could not read the arguments: the caller's mistake.
            ServerFnErrorErr::Args(e) => {
                AppError::BadRequest(format!("The arguments are not valid: {e}"))
            }
            ServerFnErrorErr::MissingArg(e) => {
                AppError::BadRequest(format!("An argument is missing: {e}"))
            }
            // The client could not reach the server or read its answer.
            ServerFnErrorErr::Request(e)
            | ServerFnErrorErr::Deserialization(e)
            | ServerFnErrorErr::Serialization(e) => AppError::Transport(e),
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Response(_) => AppError::Internal,
        }
    }

    /// Written as the API writes errors. On the server this runs exactly when a server
    /// function answers with an error (the pages' own rendering never calls it), so it
    /// also gives that answer the API's status instead of server_fn's blanket 500.
    fn ser(&self) -> Bytes {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(self.status()) {
                response.set_status(status);
            }
        }
        Bytes::from(serde_json::to_vec(&self.body()).expect("an error body serialises"))
    }

    fn de(data: Bytes) -> Self {
        match serde_json::from_slice::<ErrorBody>(&data) {
            Ok(body) => AppError::from_body(body),
            Err(e) => AppError::Transport(format!("unreadable error body: {e}")),
        }
    }
}

#[cfg(feature = "ssr")]
pub mod backend {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;

    use super::AppError;
    use crate::domain::{InvitationPreview, InvitationsPage, Me};
    use crate::notifications::NotificationsPage;
    use crate::threads::{ThreadFilter, ThreadPage, ThreadsPage};

    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;
    pub use http::request::Parts;

    /// The server's answers to the pages, under the same policy layer as the API.
    pub trait Backend: Send + Sync + 'static {
        fn me<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, Option<Me>>;
        fn platform_home<'a>(
            &'a self,
            request: &'a Parts,
            slug: String,
        ) -> BoxFuture<'a, crate::home::PlatformHome>;
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
        /// The sign-in form's token of this browser's session (made on first ask), so a
        /// sign-in cannot be posted from another site.
        fn sign_in_token<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, String>;
        fn threads_page<'a>(
            &'a self,
            request: &'a Parts,
            filter: ThreadFilter,
        ) -> BoxFuture<'a, ThreadsPage>;
        /// The thread and a page of its messages (the newest, or those just before the
        /// message `before`); reading it marks it read and is audited.
        fn thread_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
            before: Option<uuid::Uuid>,
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
        fn kpis_page<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, crate::kpis::KpisPage>;
        /// The programme and pledge versions of the network the slug's platform is in.
        fn programme_page<'a>(
            &'a self,
            request: &'a Parts,
            slug: String,
        ) -> BoxFuture<'a, crate::programme::ProgrammePage>;
        /// One KPI; a read showing unpublished figures is audited.
        fn kpi_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
        ) -> BoxFuture<'a, crate::kpis::Kpi>;
        /// The KPI editor; with `id`, changing that KPI.
        fn kpi_form_page<'a>(
            &'a self,
            request: &'a Parts,
            id: Option<uuid::Uuid>,
        ) -> BoxFuture<'a, crate::kpis::KpiFormPage>;
        fn inquiries_page<'a>(
            &'a self,
            request: &'a Parts,
        ) -> BoxFuture<'a, crate::inquiries::InquiriesPage>;
        /// One inquiry; an addressee's first read marks its answer opened.
        fn inquiry_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
        ) -> BoxFuture<'a, crate::inquiries::Inquiry>;
        fn inquiry_form_page<'a>(
            &'a self,
            request: &'a Parts,
        ) -> BoxFuture<'a, crate::inquiries::InquiryFormPage>;
        fn plans_page<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, crate::plans::PlansPage>;
        fn proposals_page<'a>(
            &'a self,
            request: &'a Parts,
        ) -> BoxFuture<'a, crate::proposals::ProposalsPage>;
        fn proposal_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
        ) -> BoxFuture<'a, crate::proposals::PolicyProposal>;
        /// One plan: the default view (`revision` 0) or a published revision.
        fn plan_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
            revision: u32,
        ) -> BoxFuture<'a, crate::plans::ImplementationPlan>;
        fn plan_compare_page<'a>(
            &'a self,
            request: &'a Parts,
            id: uuid::Uuid,
            from: u32,
            to: u32,
        ) -> BoxFuture<'a, crate::plans::PlanComparison>;
        /// The plan editor; with `id`, changing that plan.
        fn plan_form_page<'a>(
            &'a self,
            request: &'a Parts,
            id: Option<uuid::Uuid>,
        ) -> BoxFuture<'a, crate::plans::PlanFormPage>;
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
pub async fn fetch_platform_home(slug: String) -> Result<crate::home::PlatformHome, AppError> {
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

/// The sign-in page's hidden `csrf_token`.
#[server(prefix = "/sfn", endpoint = "sign_in_token", input = GetUrl)]
pub async fn fetch_sign_in_token() -> Result<String, AppError> {
    backend::with_request(|b, parts| b.sign_in_token(parts)).await
}

#[server(prefix = "/sfn", endpoint = "threads_page", input = GetUrl)]
pub async fn fetch_threads_page(
    q: Option<String>,
    state: Option<String>,
    platform: Option<String>,
    mine: Option<String>,
    mentions: Option<String>,
) -> Result<ThreadsPage, AppError> {
    let filter = crate::threads::ThreadFilter::parse_params(q, state, platform, mine, mentions)?;
    backend::with_request(move |b, parts| b.threads_page(parts, filter)).await
}

#[server(prefix = "/sfn", endpoint = "thread_page", input = GetUrl)]
pub async fn fetch_thread_page(
    id: uuid::Uuid,
    before: Option<uuid::Uuid>,
) -> Result<ThreadPage, AppError> {
    backend::with_request(move |b, parts| b.thread_page(parts, id, before)).await
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
    let filter =
        crate::outreach::OutreachFilter::parse_params(state, kind, platform, overdue, page)?;
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

/// The library page: the search in the page's query string (name, value pairs). An empty
/// search sends no query string at all (the client's navigation to `/practices`), so the
/// list defaults to empty rather than failing to decode.
#[server(prefix = "/sfn", endpoint = "practices_page", input = GetUrl)]
pub async fn fetch_practices_page(
    #[server(default)] params: Vec<(String, String)>,
) -> Result<crate::practices::PracticesPage, AppError> {
    let filter = crate::practices::PracticeFilter::parse_params(&params)?;
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

#[server(prefix = "/sfn", endpoint = "programme_page", input = GetUrl)]
pub async fn fetch_programme_page(
    slug: String,
) -> Result<crate::programme::ProgrammePage, AppError> {
    backend::with_request(move |b, parts| b.programme_page(parts, slug)).await
}

#[server(prefix = "/sfn", endpoint = "kpis_page", input = GetUrl)]
pub async fn fetch_kpis_page() -> Result<crate::kpis::KpisPage, AppError> {
    backend::with_request(|b, parts| b.kpis_page(parts)).await
}

#[server(prefix = "/sfn", endpoint = "kpi_page", input = GetUrl)]
pub async fn fetch_kpi_page(id: uuid::Uuid) -> Result<crate::kpis::Kpi, AppError> {
    backend::with_request(move |b, parts| b.kpi_page(parts, id)).await
}

#[server(prefix = "/sfn", endpoint = "kpi_form_page", input = GetUrl)]
pub async fn fetch_kpi_form_page(
    id: Option<uuid::Uuid>,
) -> Result<crate::kpis::KpiFormPage, AppError> {
    backend::with_request(move |b, parts| b.kpi_form_page(parts, id)).await
}

#[server(prefix = "/sfn", endpoint = "proposals_page", input = GetUrl)]
pub async fn fetch_proposals_page() -> Result<crate::proposals::ProposalsPage, AppError> {
    backend::with_request(|b, parts| b.proposals_page(parts)).await
}

#[server(prefix = "/sfn", endpoint = "proposal_page", input = GetUrl)]
pub async fn fetch_proposal_page(
    id: uuid::Uuid,
) -> Result<crate::proposals::PolicyProposal, AppError> {
    backend::with_request(move |b, parts| b.proposal_page(parts, id)).await
}

#[server(prefix = "/sfn", endpoint = "plans_page", input = GetUrl)]
pub async fn fetch_plans_page() -> Result<crate::plans::PlansPage, AppError> {
    backend::with_request(|b, parts| b.plans_page(parts)).await
}

#[server(prefix = "/sfn", endpoint = "plan_page", input = GetUrl)]
pub async fn fetch_plan_page(
    id: uuid::Uuid,
    revision: u32,
) -> Result<crate::plans::ImplementationPlan, AppError> {
    backend::with_request(move |b, parts| b.plan_page(parts, id, revision)).await
}

#[server(prefix = "/sfn", endpoint = "plan_compare_page", input = GetUrl)]
pub async fn fetch_plan_compare_page(
    id: uuid::Uuid,
    from: u32,
    to: u32,
) -> Result<crate::plans::PlanComparison, AppError> {
    backend::with_request(move |b, parts| b.plan_compare_page(parts, id, from, to)).await
}

#[server(prefix = "/sfn", endpoint = "plan_form_page", input = GetUrl)]
pub async fn fetch_plan_form_page(
    id: Option<uuid::Uuid>,
) -> Result<crate::plans::PlanFormPage, AppError> {
    backend::with_request(move |b, parts| b.plan_form_page(parts, id)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_travel_as_the_apis_body_and_come_back_the_same() {
        let cases = [
            AppError::BadRequest("The arguments are not valid: id".into()),
            AppError::Unauthenticated,
            AppError::PledgeRequired,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Conflict {
                code: "invalid_transition".into(),
                message: "no".into(),
            },
            AppError::Invalid {
                code: "invalid_query".into(),
                message: "`page` must be a whole number from 0 to 100000".into(),
            },
            AppError::Internal,
        ];
        let statuses = [400, 401, 403, 403, 404, 409, 422, 500];
        for (error, status) in cases.into_iter().zip(statuses) {
            assert_eq!(error.status(), status, "{error:?}");
            let bytes = error.ser();
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(body["error"]["code"], error.code(), "{body}");
            assert!(body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
            assert_eq!(AppError::de(bytes), error);
        }
        // Reading the arguments is the caller's mistake; reaching the server is not.
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Args("id".into())).status(),
            400
        );
        assert!(matches!(
            AppError::from_server_fn_error(ServerFnErrorErr::Request("offline".into())),
            AppError::Transport(_)
        ));
        assert!(matches!(
            AppError::de(Bytes::from_static(b"<html>")),
            AppError::Transport(_)
        ));
    }
}

#[server(prefix = "/sfn", endpoint = "inquiries_page", input = GetUrl)]
pub async fn fetch_inquiries_page() -> Result<crate::inquiries::InquiriesPage, AppError> {
    backend::with_request(|b, parts| b.inquiries_page(parts)).await
}

#[server(prefix = "/sfn", endpoint = "inquiry_page", input = GetUrl)]
pub async fn fetch_inquiry_page(id: uuid::Uuid) -> Result<crate::inquiries::Inquiry, AppError> {
    backend::with_request(move |b, parts| b.inquiry_page(parts, id)).await
}

#[server(prefix = "/sfn", endpoint = "inquiry_form_page", input = GetUrl)]
pub async fn fetch_inquiry_form_page() -> Result<crate::inquiries::InquiryFormPage, AppError> {
    backend::with_request(|b, parts| b.inquiry_form_page(parts)).await
}
