//! The OpenAPI 3.1 document, generated from the handlers' annotations and the shared
//! domain types. A test checks that every API route is in it.

use utoipa::OpenApi;

use crate::{
    accounts, home, inquiries, kpis, notifications, outreach, platforms, practices, sync, threads,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kakehashi API",
        description = "The shared workspace of the employment ice-age generation support platforms. \
            Errors are `{\"error\":{\"code\",\"message\"}}`. Unsafe calls made with the session \
            cookie carry `X-CSRF-Token`.",
    ),
    paths(
        accounts::routes::create_session,
        accounts::routes::delete_session,
        accounts::routes::get_me,
        accounts::routes::accept_pledge,
        accounts::routes::list_invitations,
        accounts::routes::create_invitation,
        accounts::routes::preview_invitation,
        accounts::routes::accept_invitation,
        accounts::routes::list_platform_users,
        accounts::routes::revoke_role,
        accounts::routes::disable_user,
        accounts::routes::enable_user,
        platforms::list_platforms,
        platforms::get_platform,
        platforms::list_members,
        platforms::list_organisations,
        sync::routes::sync,
        sync::routes::events,
        threads::routes::list_threads,
        threads::routes::create_thread,
        threads::routes::get_thread,
        threads::routes::patch_thread,
        threads::routes::list_messages,
        threads::routes::post_message,
        threads::routes::edit_message,
        threads::routes::delete_message,
        threads::routes::mark_read,
        threads::routes::upload_attachment,
        threads::routes::get_attachment,
        notifications::list_notifications,
        notifications::read_one,
        notifications::read_all,
        home::get_to_do,
        outreach::routes::list_requests,
        outreach::routes::create_request,
        outreach::routes::get_request,
        outreach::routes::patch_request,
        outreach::routes::transition,
        outreach::routes::respond,
        outreach::routes::export_xlsx,
        outreach::routes::export_csv,
        practices::routes::list_practices,
        practices::routes::create_practice,
        practices::routes::get_practice,
        practices::routes::patch_practice,
        practices::routes::delete_practice,
        practices::routes::feature_practice,
        practices::routes::unfeature_practice,
        practices::routes::adopt_practice,
        practices::routes::practice_versions,
        practices::routes::list_comments,
        practices::routes::create_comment,
        practices::routes::delete_comment,
        practices::routes::upload_attachment,
        practices::routes::get_attachment,
        practices::routes::delete_attachment,
        inquiries::routes::list_inquiries,
        inquiries::routes::create_inquiry,
        inquiries::routes::get_inquiry,
        inquiries::routes::delete_inquiry,
        inquiries::routes::export_answers,
        inquiries::routes::send_inquiry,
        inquiries::routes::withdraw_inquiry,
        inquiries::routes::remind_addressees,
        inquiries::routes::answer_inquiry,
        inquiries::routes::return_answer,
        inquiries::routes::accept_answer,
        kpis::routes::list_kpis,
        kpis::routes::create_kpi,
        kpis::routes::get_kpi,
        kpis::routes::update_kpi,
        kpis::routes::delete_kpi,
        kpis::routes::publish_kpi,
        kpis::routes::enter_actual,
        kpis::routes::publish_actuals,
    ),
    components(schemas(app::domain::ChangeEvent)),
    tags(
        (name = "accounts", description = "Sign-in, the signed-in user, the pledge, invitations"),
        (name = "platforms", description = "Platforms, members and organisations"),
        (name = "threads", description = "Liaison threads (連絡調整) across platforms"),
        (name = "outreach", description = "Outreach and placement requests to economic organisations (働きかけ・受け入れ先開拓の依頼)"),
        (name = "practices", description = "The good-practice library (好事例): visibility, featuring (周知), adoption (参考にした)"),
        (name = "inquiries", description = "Inquiries (照会): typed questions a platform's secretariat asks member organisations, their answers, returns and acceptance"),
        (name = "kpis", description = "KPIs (KPI・実績・進捗管理): definitions, each organisation's share per 年度, progress against targets"),
        (name = "notifications", description = "A person's notifications (mentions), kept until read"),
        (name = "home", description = "What needs the signed-in person now (the home page's to-do list)"),
        (name = "sync", description = "The change feed and live events. Unsafe calls accept `Idempotency-Key` (a UUID)."),
    )
)]
pub struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
