//! Small helpers more than one feature's pages need, kept once so that the pages of
//! threads, outreach and practices read ids, form values and sizes the same way.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

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
