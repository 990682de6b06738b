//! Kakehashi's application crate: the domain types shared by server and client, the
//! translation catalogue, 和暦 and 年度, and the Leptos pages. Server-only code sits
//! behind the `ssr` feature and never reaches the wasm build.

// Leptos views are deeply nested types; laying out a lazily loaded page's hydration future
// (`into_any` of the whole page) in release builds needs more than the default query depth.
#![recursion_limit = "256"]

pub mod api;
pub mod bounded;
pub mod domain;
mod form_pairs;
pub mod home;
pub mod i18n;
pub mod inquiries;
pub mod kpis;
pub mod meetings;
pub mod notifications;
pub mod outreach;
pub mod personal_data;
pub mod plans;
pub mod practices;
pub mod programme;
pub mod proposals;
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
use leptos_router::{path, Lazy, SsrMode};

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
                <ChunkPrefetch/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Every feature chunk (the split manifest `HydrationScripts` reads from the site), named
/// in `<meta name="kakehashi-prefetch">` for `frontend` to prefetch once the page has
/// hydrated: a first navigation to a feature then needs no download, and the service
/// worker keeps the chunks, so a feature opens offline even if it was never opened online
/// (issue 16). Not `<link rel="prefetch">` in the page itself: measured on a slow line,
/// the browser fetched the chunks while the first page's own wasm was still loading and
/// compiling, and the page answered later. Nothing without a split site.
#[component]
fn ChunkPrefetch() -> impl IntoView {
    let hrefs: Vec<String> = use_context::<leptos::WasmSplitManifest>()
        .and_then(|manifest| {
            manifest.0.try_with_value(|(pkg, routes, _)| {
                let stems: std::collections::BTreeSet<&String> =
                    routes.values().flatten().collect();
                stems
                    .into_iter()
                    .map(|stem| format!("{pkg}/{stem}.wasm"))
                    .collect()
            })
        })
        .unwrap_or_default();
    (!hrefs.is_empty()).then(|| view! { <meta name="kakehashi-prefetch" content=hrefs.join(" ")/> })
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
                <Route path=path!("/pledge") view={Lazy::<pages::PledgeRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/p/:slug") view=home::HomePage ssr=SsrMode::Async/>
                <Route
                    path=path!("/p/:slug/invitations")
                    view={Lazy::<pages::InvitationsRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route path=path!("/p/:slug/users") view={Lazy::<pages::UsersRoute>::new()} ssr=SsrMode::Async/>
                <Route
                    path=path!("/p/:slug/programme")
                    view={Lazy::<programme::ProgrammeRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route path=path!("/threads") view={Lazy::<threads::ThreadsListRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/threads/:id") view={Lazy::<threads::ThreadRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/practices") view={Lazy::<practices::PracticesListRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/practices/new") view={Lazy::<practices::PracticeNewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/practices/:id") view={Lazy::<practices::PracticeRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/practices/:id/edit") view={Lazy::<practices::PracticeEditRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inquiries") view={Lazy::<inquiries::InquiriesListRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inquiries/new") view={Lazy::<inquiries::InquiryNewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inquiries/:id") view={Lazy::<inquiries::InquiryRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/kpis") view={Lazy::<kpis::KpisListRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/plans") view={Lazy::<plans::PlansListRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/plans/new") view={Lazy::<plans::PlanNewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/plans/:id") view={Lazy::<plans::PlanRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/plans/:id/edit") view={Lazy::<plans::PlanEditRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/plans/:id/print") view={Lazy::<plans::PlanPrintRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/plans/:id/compare") view={Lazy::<plans::PlanCompareRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/proposals") view={Lazy::<proposals::ProposalsListRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/proposals/new") view={Lazy::<proposals::ProposalNewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/proposals/:id") view={Lazy::<proposals::ProposalRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/kpis/new") view={Lazy::<kpis::KpiNewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/kpis/:id") view={Lazy::<kpis::KpiRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/kpis/:id/edit") view={Lazy::<kpis::KpiEditRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/outreach") view={Lazy::<outreach::OutreachListRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/outreach/new") view={Lazy::<outreach::OutreachNewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/outreach/:id") view={Lazy::<outreach::OutreachRequestRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/outreach/:id/edit") view={Lazy::<outreach::OutreachEditRoute>::new()} ssr=SsrMode::Async/>
                <Route
                    path=path!("/notifications")
                    view={Lazy::<notifications::NotificationsRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/invitations/:token")
                    view={Lazy::<pages::AcceptInvitationRoute>::new()}
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
