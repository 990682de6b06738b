//! Small helpers more than one feature's pages need, kept once so that the pages of
//! threads, outreach and practices read ids, form values and sizes the same way.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::i18n::{t, Key};
use crate::{tr, use_lang};

/// The `:id` of the page's route, when it is a UUID.
pub(crate) fn id_param() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    })
}

/// A file size as a person reads it: 512 B, 12 KB, 3.4 MB.
pub(crate) fn human_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.0} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// The values a form would send, as the browser has them: `(name, value)` pairs, with
/// unchecked boxes left out.
#[cfg(feature = "hydrate")]
pub(crate) fn form_values(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    use wasm_bindgen::JsCast;
    let Ok(list) = form.query_selector_all("input, textarea, select") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for node in (0..list.length()).filter_map(|i| list.item(i)) {
        if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
            let kind = input.type_();
            if (kind == "checkbox" || kind == "radio") && !input.checked() {
                continue;
            }
            out.push((input.name(), input.value()));
        } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            out.push((area.name(), area.value()));
        } else if let Some(select) = node.dyn_ref::<web_sys::HtmlSelectElement>() {
            out.push((select.name(), select.value()));
        }
    }
    out
}

/// Declares a feature's pages as one chunk of wasm that the browser loads on first
/// navigation to any of them (issue 16: the first page carries only what it shows).
///
/// ```ignore
/// lazy_pages! {
///     ThreadsChunkPage, threads_pages, __preload_threads_pages;
///     /// `/threads`
///     ThreadsListRoute => ThreadsListPage,
///     /// `/threads/:id`
///     ThreadRoute => ThreadPageView,
/// }
/// ```
///
/// makes the route types `ThreadsListRoute` and `ThreadRoute`, which the router takes as
/// `view={Lazy::<ThreadsListRoute>::new()}`, and one lazily loaded function
/// `threads_pages(ThreadsChunkPage)` that builds either page: `cargo xtask site` splits its code
/// (what no other feature shares) into `split_threads_pages_….wasm`. One function per
/// feature, not per route, keeps the pieces few: the splitter makes a chunk of its own for
/// every combination of splits that share code. The third name is the function Leptos's
/// `#[lazy]` makes beside it (`__preload_` and the function's name) to load the chunk
/// without building a page: the router awaits it before it hydrates or shows the route,
/// so the page is never hydrated before its code is there. The server renders the pages as before;
/// `frontend`'s `hydrate_lazy` loads the chunk of a page loaded directly before hydrating.
macro_rules! lazy_pages {
    ($which:ident, $loader:ident, $preload:ident; $($(#[$meta:meta])* $route:ident => $page:ident),+ $(,)?) => {
        /// Which of the feature's pages the chunk's function builds.
        #[derive(Clone, Copy)]
        #[repr(u8)]
        pub enum $which {
            $($route),+
        }

        #[leptos::lazy]
        fn $loader(page: $which) -> leptos::prelude::AnyView {
            use leptos::prelude::*;
            match page {
                $($which::$route => leptos::view! { <$page/> }.into_any(),)+
            }
        }

        $(
            $(#[$meta])*
            pub struct $route;

            impl leptos_router::LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> leptos::prelude::AnyView {
                    $loader($which::$route).await
                }

                async fn preload() {
                    // Only the browser's build splits (and so has the preload function).
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )+
    };
}
pub(crate) use lazy_pages;

/// A `<select>` of an enumeration with its label, each option named from the catalogue.
/// Generic, so each feature's chunk holds only the copies it uses.
#[component]
pub(crate) fn EnumSelect<T: Copy + PartialEq + Send + Sync + 'static>(
    id: &'static str,
    name: &'static str,
    label: Key,
    all: &'static [T],
    selected: T,
    as_str: fn(T) -> &'static str,
    key: fn(T) -> Key,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=id>{tr(label)}</label>
            <select id=id name=name>
                {all.iter().map(|v| {
                    let v = *v;
                    view! { <option value=as_str(v) selected=v == selected>{move || t(lang.get(), key(v))}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
