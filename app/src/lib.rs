//! Kakehashi's application crate: the domain types shared by server and client, the
//! translation catalogue, 和暦 and 年度, and the Leptos pages. Server-only code sits
//! behind the `ssr` feature and never reaches the wasm build.

pub mod api;
pub mod bounded;
pub mod domain;
pub mod home;
pub mod i18n;
pub mod notifications;
pub mod outreach;
pub mod personal_data;
pub mod practices;
pub mod threads;
pub mod wareki;

mod components;
mod layout;
/// Helpers the server shares with the pages.
pub mod layout_support {
    pub use crate::layout::encode_component;
}
mod pages;
pub mod sync;
mod users_pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::api::{fetch_me, AppError};
use crate::domain::Me;
use crate::i18n::{t, Key, Lang};

/// The document around the app, rendered on the server only.
pub fn shell(options: leptos::config::LeptosOptions) -> impl IntoView {
    use leptos::hydration::{AutoReload, HydrationScripts};
    use leptos_meta::{HashedStylesheet, MetaTags};
    let lang = initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="data:,"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The language the page is shown in, shared by every component.
#[derive(Clone, Copy)]
pub struct LangSignal(pub RwSignal<Lang>);

pub fn use_lang() -> RwSignal<Lang> {
    use_context::<LangSignal>()
        .map(|l| l.0)
        .unwrap_or_else(|| RwSignal::new(Lang::default()))
}

/// A reactive catalogue lookup, for text and attributes in `view!`.
pub fn tr(key: Key) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || t(lang.get(), key)
}

/// On the server, the language comes from the request's cookie; in the browser, from the
/// `lang` attribute the server rendered, so hydration sees the same text.
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .map(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

/// The signed-in user, fetched once per page load and shared by every page.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, AppError>>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(LangSignal(lang));
    provide_context(MeResource(Resource::new(|| (), |_| fetch_me())));
    sync::provide_sync_store();

    view! {
        <Title text=move || t(lang.get(), Key::AppName)/>
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/sign-in") view=pages::SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/pledge") view=pages::PledgePage ssr=SsrMode::Async/>
                <Route path=path!("/p/:slug") view=home::HomePage ssr=SsrMode::Async/>
                <Route
                    path=path!("/p/:slug/invitations")
                    view=pages::InvitationsPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/p/:slug/users") view=users_pages::UsersPageView ssr=SsrMode::Async/>
                <Route path=path!("/threads") view=threads::ThreadsListPage ssr=SsrMode::Async/>
                <Route path=path!("/threads/:id") view=threads::ThreadPageView ssr=SsrMode::Async/>
                <Route path=path!("/practices") view=practices::PracticesListView ssr=SsrMode::Async/>
                <Route path=path!("/practices/new") view=practices::PracticeNewView ssr=SsrMode::Async/>
                <Route path=path!("/practices/:id") view=practices::PracticePageView ssr=SsrMode::Async/>
                <Route path=path!("/practices/:id/edit") view=practices::PracticeEditView ssr=SsrMode::Async/>
                <Route path=path!("/outreach") view=outreach::OutreachListView ssr=SsrMode::Async/>
                <Route path=path!("/outreach/new") view=outreach::OutreachNewView ssr=SsrMode::Async/>
                <Route path=path!("/outreach/:id") view=outreach::OutreachRequestView ssr=SsrMode::Async/>
                <Route path=path!("/outreach/:id/edit") view=outreach::OutreachEditView ssr=SsrMode::Async/>
                <Route
                    path=path!("/notifications")
                    view=notifications::NotificationsListPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/invitations/:token")
                    view=pages::AcceptInvitationPage
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
