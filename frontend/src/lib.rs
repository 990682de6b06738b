//! The wasm entry point: hydrates the server-rendered page. Everything else lives in `app`.

// Leptos views are deeply nested types; laying out their hydration futures in release
// builds needs more than the default query depth.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
