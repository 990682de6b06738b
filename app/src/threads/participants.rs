//! Who takes part in a thread: the checkboxes a new thread and a changed one share, and
//! the panel where coordinators change the participants (through the outbox, or a plain
//! form post without JavaScript).

use leptos::prelude::*;
use uuid::Uuid;

use super::ParticipantChoices;
use crate::domain::ChangeKind;
use crate::i18n::{t, Key};
use crate::sync::{use_sync_store, NewWrite};
use crate::{tr, use_lang};

/// The platform and organisation checkboxes of a thread's participants (new or changed).
#[component]
pub(super) fn ParticipantFields(
    choices: ParticipantChoices,
    /// Keeps the ids of two forms on one page apart.
    prefix: &'static str,
    /// Checked at first.
    platforms: Vec<Uuid>,
    organisations: Vec<Uuid>,
) -> impl IntoView {
    let boxes = move |name: &'static str, items: Vec<(Uuid, String)>, checked: Vec<Uuid>| {
        items
            .into_iter()
            .map(|(id, label)| {
                let input_id = format!("{prefix}-{name}-{id}");
                view! {
                    <div class="check">
                        <input
                            id=input_id.clone()
                            type="checkbox"
                            name=name
                            value=id.to_string()
                            checked=checked.contains(&id)
                        />
                        <label for=input_id>{label}</label>
                    </div>
                }
            })
            .collect_view()
    };
    let platform_items = choices
        .platforms
        .iter()
        .map(|p| (p.id, p.name.clone()))
        .collect();
    let organisation_items: Vec<(Uuid, String)> = choices
        .organisations
        .iter()
        .map(|o| (o.id, o.name.clone()))
        .collect();
    let has_organisations = !organisation_items.is_empty();
    view! {
        <fieldset>
            <legend>{tr(Key::ParticipantPlatforms)}</legend>
            {boxes("platform_ids", platform_items, platforms)}
        </fieldset>
        {has_organisations
            .then(|| {
                view! {
                    <fieldset>
                        <legend>{tr(Key::ParticipantOrganisations)}</legend>
                        {boxes("organisation_ids", organisation_items, organisations)}
                    </fieldset>
                }
            })}
    }
}

/// The ids of a form's checked boxes called `name`, as the browser has them.
#[cfg(feature = "hydrate")]
fn checked_ids(form: &web_sys::HtmlFormElement, name: &str) -> Vec<Uuid> {
    use wasm_bindgen::JsCast;
    let Ok(list) = form.query_selector_all(&format!("input[name=\"{name}\"]:checked")) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlInputElement>().ok())
        .filter_map(|input| Uuid::parse_str(&input.value()).ok())
        .collect()
}

/// Coordinators of a participant platform (and the thread's creator) add and remove
/// participants; a removed party loses the thread from view and from its device.
#[component]
pub(super) fn ParticipantsPanel(
    thread_id: Uuid,
    csrf: String,
    choices: ParticipantChoices,
    platforms: Vec<Uuid>,
    organisations: Vec<Uuid>,
) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(form) = form_ref.get() else {
            return;
        };
        // Handlers run only in the browser; the server build never calls this one.
        #[cfg(feature = "hydrate")]
        let body = serde_json::json!({
            "platform_ids": checked_ids(&form, "platform_ids"),
            "organisation_ids": checked_ids(&form, "organisation_ids"),
        });
        #[cfg(not(feature = "hydrate"))]
        let body = {
            drop(form);
            serde_json::Value::Null
        };
        let queued = store.send(NewWrite {
            method: "PATCH",
            path: format!("/api/v1/threads/{thread_id}"),
            body,
            answer_kind: Some(ChangeKind::Thread),
            thread_id: Some(thread_id),
            summary: t(lang.get_untracked(), Key::ManageParticipants).to_string(),
        });
        if queued {
            ev.prevent_default();
        }
    };
    view! {
        <section aria-labelledby="participants-heading" class="panel">
            <h2 id="participants-heading">{tr(Key::ManageParticipants)}</h2>
            <form
                method="post"
                action=format!("/threads/{thread_id}/participants")
                class="stack"
                node_ref=form_ref
                on:submit=on_submit
            >
                <input type="hidden" name="csrf_token" value=csrf/>
                <ParticipantFields choices prefix="manage" platforms organisations/>
                <button type="submit">{tr(Key::SaveParticipants)}</button>
            </form>
        </section>
    }
}
