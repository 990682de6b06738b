//! The frame every signed-in page shares: skip link, header, platform switcher, language
//! switch and sign-out. It works without JavaScript (links and form posts); after
//! hydration the language switches in place.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::domain::Me;
use crate::i18n::{t, Key, Lang};
use crate::sync::{use_sync_store, SyncStatus};
use crate::{tr, use_lang};

#[component]
pub fn Layout(
    me: Me,
    #[prop(into, default = None)] current: Option<String>,
    children: Children,
) -> impl IntoView {
    let store = use_sync_store();
    let current_platform = current
        .as_deref()
        .and_then(|slug| me.platform(slug))
        .cloned();
    let can_invite = current_platform
        .as_ref()
        .is_some_and(|p| me.can_invite_on(p.id));
    let home_href = current_platform
        .as_ref()
        .or(me.platforms.first())
        .map(|p| format!("/p/{}", p.slug))
        .unwrap_or_else(|| "/".to_string());
    let invitations_href = current_platform
        .as_ref()
        .map(|p| format!("/p/{}/invitations", p.slug));
    let users_href = current_platform
        .as_ref()
        .map(|p| format!("/p/{}/users", p.slug));
    let switcher = (me.platforms.len() > 1).then(|| {
        let links = me
            .platforms
            .iter()
            .map(|p| {
                let is_current = Some(&p.slug) == current.as_ref();
                view! {
                    <li>
                        <a
                            href=format!("/p/{}", p.slug)
                            aria-current=is_current.then_some("page")
                        >
                            {p.name.clone()}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <nav class="platform-switcher" aria-label=tr(Key::PlatformSwitcher)>
                <ul>{links}</ul>
            </nav>
        }
    });

    view! {
        <a class="skip-link" href="#main">{tr(Key::SkipToContent)}</a>
        <header class="site-header">
            <div class="brand">
                <a href=home_href.clone()>{tr(Key::AppName)}</a>
            </div>
            <nav class="main-nav" aria-label=tr(Key::MainNavigation)>
                <ul>
                    <li>
                        <a href=home_href>{tr(Key::Home)}</a>
                    </li>
                    <li>
                        <a href="/threads">
                            {tr(Key::Threads)}
                            <NavCount
                                count=Signal::derive(move || store.records.with(|r| r.unread_total() as usize))
                                label=Key::UnreadInNav
                            />
                        </a>
                    </li>
                    <li>
                        <a href="/outreach">
                            {tr(Key::Outreach)}
                            <NavCount
                                count=Signal::derive(move || store.records.with(|r| r.outreach_needing_action()))
                                label=Key::OutreachNeedsActionInNav
                            />
                            <NavCount
                                count=Signal::derive(move || store.records.with(|r| r.outreach_overdue()))
                                label=Key::OutreachOverdueInNav
                                overdue=true
                            />
                        </a>
                    </li>
                    <li>
                        <a href="/practices">{tr(Key::Practices)}</a>
                    </li>
                    <li>
                        <a href="/plans">{tr(Key::Plans)}</a>
                    </li>
                    <li>
                        <a href="/kpis">{tr(Key::Kpis)}</a>
                    </li>
                    <li>
                        <a href="/inquiries">
                            {tr(Key::Inquiries)}
                            <NavCount
                                count=Signal::derive(move || store.records.with(|r| r.inquiries_to_answer()))
                                label=Key::InquiriesInNav
                            />
                        </a>
                    </li>
                    <li>
                        <a href="/proposals">{tr(Key::Proposals)}</a>
                    </li>
                    <li>
                        <a href="/notifications">
                            {tr(Key::Notifications)}
                            <NavCount
                                count=Signal::derive(move || store.records.with(|r| r.unread_notifications()))
                                label=Key::NotificationsInNav
                            />
                        </a>
                    </li>
                    {invitations_href
                        .filter(|_| can_invite)
                        .map(|href| {
                            view! {
                                <li>
                                    <a href=href>{tr(Key::Invitations)}</a>
                                </li>
                            }
                        })}
                    {users_href
                        .filter(|_| can_invite)
                        .map(|href| {
                            view! {
                                <li>
                                    <a href=href>{tr(Key::Users)}</a>
                                </li>
                            }
                        })}
                </ul>
            </nav>
            <div class="account">
                <span class="who">
                    <span class="visually-hidden">{tr(Key::SignedInAs)}</span>
                    {me.user.display_name.clone()}
                    " ("
                    {me.organisation.name.clone()}
                    ")"
                </span>
                <LanguageSwitch/>
                <form method="post" action="/auth/sign-out" class="inline">
                    <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
                    <button type="submit" class="link-button">
                        {tr(Key::SignOut)}
                    </button>
                </form>
            </div>
        </header>
        {switcher}
        <main id="main" tabindex="-1">
            <SyncStatus/>
            {children()}
        </main>
    }
}

/// A count after a navigation link (unread, waiting), once the local store knows it.
#[component]
fn NavCount(
    count: Signal<usize>,
    label: Key,
    /// Shown as a warning (past a deadline) rather than as news.
    #[prop(optional)]
    overdue: bool,
) -> impl IntoView {
    let store = use_sync_store();
    move || {
        let count = count.get();
        (store.ready.get() && count > 0).then(|| {
            view! {
                " "
                <span class=if overdue { "badge overdue" } else { "badge unread" }>
                    {count}
                    <span class="visually-hidden">{tr(label)}</span>
                </span>
            }
        })
    }
}

/// The frame of pages seen before signing in.
#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">{tr(Key::SkipToContent)}</a>
        <header class="site-header">
            <div class="brand">
                <span>{tr(Key::AppName)}</span>
            </div>
            <div class="account">
                <LanguageSwitch/>
            </div>
        </header>
        <main id="main" tabindex="-1" class="narrow">
            {children()}
        </main>
    }
}

/// A link to the other language. Without JavaScript it goes through `/lang/{code}`, which
/// sets the cookie and comes back; after hydration it switches in place.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let other = move || match lang.get() {
        Lang::Ja => Lang::En,
        Lang::En => Lang::Ja,
    };
    let href = move || {
        let back = format!("{}{}", location.pathname.get(), location.search.get());
        format!("/lang/{}?next={}", other().code(), encode_component(&back))
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let next = other();
        remember_lang(next);
        lang.set(next);
    };
    view! {
        <a
            class="lang-switch"
            href=href
            rel="external"
            hreflang=move || other().code()
            lang=move || other().code()
            on:click=on_click
        >
            <span class="visually-hidden">{move || t(lang.get(), Key::Language)} ": "</span>
            {move || match other() {
                Lang::Ja => t(Lang::Ja, Key::LangJa),
                Lang::En => t(Lang::En, Key::LangEn),
            }}
        </a>
    }
}

/// Stores the choice the way the server reads it, and tells assistive technology.
fn remember_lang(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang.code());
            }
            if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
                let _ = html.set_cookie(&format!(
                    "{}={}; path=/; max-age=31536000; samesite=lax",
                    Lang::COOKIE,
                    lang.code()
                ));
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

/// Percent-encodes a path for a query value (RFC 3986 unreserved characters kept).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
