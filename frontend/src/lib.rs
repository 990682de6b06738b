//! The wasm entry point: hydrates the server-rendered page. Everything else lives in `app`.

// Leptos views are deeply nested types; laying out their hydration futures in release
// builds needs more than the default query depth.
#![recursion_limit = "256"]

/// Hydrates the page. A page loaded directly may be a lazily loaded feature route
/// (`app::components::lazy_pages!`), so hydration is asynchronous: the route's chunk loads
/// first (what Leptos's `hydrate_lazy` does). When it is done, `<html>` gets
/// `data-hydrated`: the page now answers input, which the browser tests and the first-page
/// benchmark (docs/benchmarks.md) wait for.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let document = leptos::prelude::document();
        let body = document.body().expect("a server-rendered page has a body");
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        if let Some(root) = document.document_element() {
            // Only a marker: a page that cannot set it works the same.
            let _ = root.set_attribute("data-hydrated", "");
        }
        prefetch_chunks(&document);
    });
}

/// Asks the browser to fetch every feature chunk when it is idle, now that the page's own
/// code has loaded and run: the chunks the server named in `<meta name="kakehashi-prefetch">`
/// (the site's own paths, space-separated), each as a `<link rel="prefetch">`. A page
/// without the list (an unsplit site) prefetches nothing.
fn prefetch_chunks(document: &web_sys::Document) {
    let Ok(Some(meta)) = document.query_selector(r#"meta[name="kakehashi-prefetch"]"#) else {
        return;
    };
    let Ok(Some(head)) = document.query_selector("head") else {
        return;
    };
    let links: String = meta
        .get_attribute("content")
        .unwrap_or_default()
        .split_whitespace()
        // The site's own `/pkg/...wasm` paths; anything else is not ours to fetch.
        .filter(|href| href.starts_with('/') && !href.contains(['"', '<', '>', '&']))
        .map(|href| format!(r#"<link rel="prefetch" href="{href}" crossorigin="">"#))
        .collect();
    // Only a hint: a browser that refuses it loads each chunk on first navigation instead.
    let _ = head.insert_adjacent_html("beforeend", &links);
}
