//! The pages' server functions, answered under the same policy layer as the HTTP API.

use chrono::Utc;
use chrono_tz::Asia::Tokyo;
use tower_sessions::Session;

use app::api::backend::{Backend, BoxFuture, Parts};
use app::api::AppError;
use app::domain::{InvitationPreview, InvitationsPage, Me};
use app::notifications::NotificationsPage;
use app::threads::{ThreadFilter, ThreadPage, ThreadsPage};

use crate::accounts::{self, invitations, session_actor};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

pub struct PageBackend(pub AppState);

impl PageBackend {
    async fn actor(&self, request: &Parts) -> ApiResult<Option<Actor>> {
        let session = request
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("session layer missing".into()))?;
        session_actor(&self.0, &session).await
    }

    /// As the API's `Authorized`: signed in and pledged. (Reads only: no CSRF needed.)
    async fn authorized(&self, request: &Parts) -> ApiResult<Actor> {
        let actor = self
            .actor(request)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if !actor.pledge_accepted() {
            return Err(ApiError::PledgeRequired);
        }
        Ok(actor)
    }
}

impl Backend for PageBackend {
    fn me<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, Option<Me>> {
        Box::pin(
            async move {
                let Some(actor) = self.actor(request).await? else {
                    return Ok(None);
                };
                Ok(Some(accounts::me(&self.0, &actor).await?))
            }
            .map_err_app(),
        )
    }

    fn platform_home<'a>(
        &'a self,
        request: &'a Parts,
        slug: String,
    ) -> BoxFuture<'a, app::home::PlatformHome> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                let scope = actor.scope(&self.0.db);
                let platform = scope.platform_by_slug(&slug).await?;
                let parent = match platform.parent_id {
                    Some(id) => Some(scope.platform(id).await?),
                    None => None,
                };
                let members = scope.members(platform.id).await?;
                let featured = crate::practices::featured(&self.0, &actor, platform.id).await?;
                let today = Utc::now().with_timezone(&Tokyo).date_naive();
                let to_do = crate::home::to_do(&self.0, &actor, today).await?;
                let root = platform.parent_id.unwrap_or(platform.id);
                let programme = crate::programme::programme_of(&self.0.db, root).await?;
                Ok(app::home::PlatformHome {
                    programme,
                    featured,
                    to_do,
                    today,
                    can_invite: actor.can_invite_on(platform.id),
                    platform,
                    parent,
                    members,
                })
            }
            .map_err_app(),
        )
    }

    fn invitations_page<'a>(
        &'a self,
        request: &'a Parts,
        slug: String,
    ) -> BoxFuture<'a, InvitationsPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                let scope = actor.scope(&self.0.db);
                let platform = scope.platform_by_slug(&slug).await?;
                let invitations = invitations::list(&self.0, &actor, platform.id).await?;
                let organisations = scope
                    .members(platform.id)
                    .await?
                    .into_iter()
                    .map(|m| app::domain::Organisation {
                        id: m.organisation_id,
                        name: m.organisation_name,
                        category: m.category,
                        parent_id: None,
                    })
                    .collect();
                Ok(InvitationsPage {
                    platform,
                    invitations,
                    organisations,
                })
            }
            .map_err_app(),
        )
    }

    fn users_page<'a>(
        &'a self,
        request: &'a Parts,
        slug: String,
    ) -> BoxFuture<'a, app::domain::UsersPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                let platform = actor.scope(&self.0.db).platform_by_slug(&slug).await?;
                let users = crate::accounts::revocation::list(&self.0, &actor, platform.id).await?;
                Ok(app::domain::UsersPage { platform, users })
            }
            .map_err_app(),
        )
    }

    fn threads_page<'a>(
        &'a self,
        request: &'a Parts,
        filter: ThreadFilter,
    ) -> BoxFuture<'a, ThreadsPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                Ok(ThreadsPage {
                    threads: crate::threads::list(&self.0, &actor, filter).await?,
                    choices: crate::threads::choices(&self.0, &actor).await?,
                })
            }
            .map_err_app(),
        )
    }

    fn thread_page<'a>(
        &'a self,
        request: &'a Parts,
        id: uuid::Uuid,
        before: Option<uuid::Uuid>,
    ) -> BoxFuture<'a, ThreadPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                // Opening the thread is reading it (audited), up to its newest message;
                // the messages are then listed once, with the receipts that reading moved.
                crate::threads::open_for_reading(&self.0, &actor, id).await?;
                let thread = crate::threads::for_feed(&self.0, &actor, id).await?;
                let page = crate::threads::messages_page(
                    &self.0,
                    &actor,
                    id,
                    before,
                    crate::threads::MESSAGES_PAGE,
                )
                .await?;
                let choices = if thread.can_manage {
                    crate::threads::choices(&self.0, &actor).await?
                } else {
                    Default::default()
                };
                Ok(ThreadPage {
                    thread,
                    messages: page.messages,
                    choices,
                    older: page.older,
                    before,
                })
            }
            .map_err_app(),
        )
    }

    fn notifications_page<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, NotificationsPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                Ok(NotificationsPage {
                    notifications: crate::notifications::list(&self.0, &actor).await?,
                })
            }
            .map_err_app(),
        )
    }

    fn outreach_list_page<'a>(
        &'a self,
        request: &'a Parts,
        filter: app::outreach::OutreachFilter,
    ) -> BoxFuture<'a, app::outreach::OutreachListPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                let state = &self.0;
                Ok(app::outreach::OutreachListPage {
                    list: crate::outreach::list(state, &actor, filter).await?,
                    summary: crate::outreach::summary(state, &actor).await?,
                    platforms: actor.scope(&state.db).platforms().await?,
                    can_create: !crate::outreach::requesting_platforms(state, &actor)
                        .await?
                        .is_empty(),
                })
            }
            .map_err_app(),
        )
    }

    fn outreach_page<'a>(
        &'a self,
        request: &'a Parts,
        id: uuid::Uuid,
    ) -> BoxFuture<'a, app::outreach::OutreachPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                let request = crate::outreach::get(&self.0, &actor, id).await?;
                let organisations = if request
                    .actions
                    .contains(&app::outreach::OutreachAction::Route)
                {
                    crate::outreach::organisation_choices(&self.0, &actor).await?
                } else {
                    Vec::new()
                };
                Ok(app::outreach::OutreachPage {
                    request,
                    organisations,
                })
            }
            .map_err_app(),
        )
    }

    fn outreach_form_page<'a>(
        &'a self,
        request: &'a Parts,
        id: Option<uuid::Uuid>,
    ) -> BoxFuture<'a, app::outreach::OutreachFormPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                let editing = match id {
                    Some(id) => {
                        let request = crate::outreach::get(&self.0, &actor, id).await?;
                        if !request.can_edit {
                            return Err(crate::http::ApiError::Forbidden);
                        }
                        Some(request)
                    }
                    None => None,
                };
                Ok(app::outreach::OutreachFormPage {
                    platforms: crate::outreach::requesting_platforms(&self.0, &actor).await?,
                    organisations: crate::outreach::organisation_choices(&self.0, &actor).await?,
                    request: editing,
                })
            }
            .map_err_app(),
        )
    }

    fn invitation_preview<'a>(&'a self, token: String) -> BoxFuture<'a, InvitationPreview> {
        Box::pin(async move { invitations::preview(&self.0, &token).await }.map_err_app())
    }

    fn sign_in_token<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, String> {
        Box::pin(
            async move {
                let session = request
                    .extensions
                    .get::<Session>()
                    .cloned()
                    .ok_or_else(|| ApiError::Internal("session layer missing".into()))?;
                crate::web::sign_in_token(&session).await
            }
            .map_err_app(),
        )
    }

    fn practices_page<'a>(
        &'a self,
        request: &'a Parts,
        filter: app::practices::PracticeFilter,
    ) -> BoxFuture<'a, app::practices::PracticesPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                Ok(app::practices::PracticesPage {
                    search: crate::practices::search::search(&self.0, &actor, filter).await?,
                    can_write: !crate::practices::writable_platforms(&self.0, &actor)
                        .await?
                        .is_empty(),
                })
            }
            .map_err_app(),
        )
    }

    fn practice_page<'a>(
        &'a self,
        request: &'a Parts,
        id: uuid::Uuid,
    ) -> BoxFuture<'a, app::practices::PracticePage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                Ok(app::practices::PracticePage {
                    practice: crate::practices::get(&self.0, &actor, id).await?,
                    versions: crate::practices::versions(&self.0, &actor, id).await?,
                })
            }
            .map_err_app(),
        )
    }

    fn practice_form_page<'a>(
        &'a self,
        request: &'a Parts,
        id: Option<uuid::Uuid>,
    ) -> BoxFuture<'a, app::practices::PracticeFormPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                let practice = match id {
                    Some(id) => {
                        let practice = crate::practices::get(&self.0, &actor, id).await?;
                        if !practice.can_edit {
                            return Err(crate::http::ApiError::Forbidden);
                        }
                        Some(practice)
                    }
                    None => None,
                };
                let platforms = crate::practices::writable_platforms(&self.0, &actor).await?;
                if platforms.is_empty() {
                    return Err(crate::http::ApiError::Forbidden);
                }
                Ok(app::practices::PracticeFormPage {
                    practice,
                    platforms,
                    organisations: actor.scope(&self.0.db).organisations().await?,
                })
            }
            .map_err_app(),
        )
    }

    fn inquiries_page<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, app::inquiries::InquiriesPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                Ok(app::inquiries::InquiriesPage {
                    inquiries: crate::inquiries::list(&self.0, &actor).await?,
                    can_create: !actor.inquiry_sender_of().is_empty(),
                })
            }
            .map_err_app(),
        )
    }

    fn inquiry_page<'a>(
        &'a self,
        request: &'a Parts,
        id: uuid::Uuid,
    ) -> BoxFuture<'a, app::inquiries::Inquiry> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::inquiries::get(&self.0, &actor, id).await
            }
            .map_err_app(),
        )
    }

    fn inquiry_form_page<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, app::inquiries::InquiryFormPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::inquiries::form_page(&self.0, &actor).await
            }
            .map_err_app(),
        )
    }

    fn plans_page<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, app::plans::PlansPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                Ok(app::plans::PlansPage {
                    plans: crate::plans::list(&self.0, &actor).await?,
                    can_create: !actor.kpi_secretariat_of().is_empty(),
                })
            }
            .map_err_app(),
        )
    }

    fn proposals_page<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, app::proposals::ProposalsPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::proposals::page(&self.0, &actor).await
            }
            .map_err_app(),
        )
    }

    fn proposal_page<'a>(
        &'a self,
        request: &'a Parts,
        id: uuid::Uuid,
    ) -> BoxFuture<'a, app::proposals::PolicyProposal> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::proposals::get(&self.0, &actor, id).await
            }
            .map_err_app(),
        )
    }

    fn plan_page<'a>(
        &'a self,
        request: &'a Parts,
        id: uuid::Uuid,
        revision: u32,
    ) -> BoxFuture<'a, app::plans::ImplementationPlan> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                if revision == 0 {
                    crate::plans::get(&self.0, &actor, id).await
                } else {
                    crate::plans::get_revision(&self.0, &actor, id, revision).await
                }
            }
            .map_err_app(),
        )
    }

    fn plan_compare_page<'a>(
        &'a self,
        request: &'a Parts,
        id: uuid::Uuid,
        from: u32,
        to: u32,
    ) -> BoxFuture<'a, app::plans::PlanComparison> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::plans::compare::compare(&self.0, &actor, id, from, to).await
            }
            .map_err_app(),
        )
    }

    fn plan_form_page<'a>(
        &'a self,
        request: &'a Parts,
        id: Option<uuid::Uuid>,
    ) -> BoxFuture<'a, app::plans::PlanFormPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::plans::form_page(&self.0, &actor, id).await
            }
            .map_err_app(),
        )
    }

    fn kpis_page<'a>(&'a self, request: &'a Parts) -> BoxFuture<'a, app::kpis::KpisPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                Ok(app::kpis::KpisPage {
                    kpis: crate::kpis::list(&self.0, &actor).await?,
                    can_create: !actor.kpi_secretariat_of().is_empty(),
                })
            }
            .map_err_app(),
        )
    }

    fn programme_page<'a>(
        &'a self,
        request: &'a Parts,
        slug: String,
    ) -> BoxFuture<'a, app::programme::ProgrammePage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::programme::page_by_slug(&self.0, &actor, &slug).await
            }
            .map_err_app(),
        )
    }

    fn kpi_page<'a>(&'a self, request: &'a Parts, id: uuid::Uuid) -> BoxFuture<'a, app::kpis::Kpi> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::kpis::get(&self.0, &actor, id).await
            }
            .map_err_app(),
        )
    }

    fn kpi_form_page<'a>(
        &'a self,
        request: &'a Parts,
        id: Option<uuid::Uuid>,
    ) -> BoxFuture<'a, app::kpis::KpiFormPage> {
        Box::pin(
            async move {
                let actor = self.authorized(request).await?;
                crate::kpis::form_page(&self.0, &actor, id).await
            }
            .map_err_app(),
        )
    }
}

/// Turns the API's error into the pages' error at the end of a future.
trait MapErrApp<T> {
    fn map_err_app(self) -> impl std::future::Future<Output = Result<T, AppError>> + Send;
}

impl<T, F> MapErrApp<T> for F
where
    F: std::future::Future<Output = ApiResult<T>> + Send,
{
    async fn map_err_app(self) -> Result<T, AppError> {
        self.await.map_err(AppError::from)
    }
}
