//! What the person is told about the connection: offline, polling, session ended, the
//! writes still waiting, and the ones the server refused (rolled back, with the reason).

use leptos::prelude::*;

use super::{use_sync_store, Link};
use crate::i18n::{t, Key};
use crate::{tr, use_lang};

/// The server's reason in the person's language where the catalogue knows the code.
pub fn refusal_key(code: &str) -> Option<Key> {
    match code {
        "invalid_body" => Some(Key::ThreadInvalidBody),
        "personal_data" => Some(Key::PersonalDataRefused),
        "invalid_subject" => Some(Key::ThreadInvalidSubject),
        "invalid_platform" => Some(Key::ThreadInvalidPlatforms),
        "resolution_note_required" => Some(Key::ResolutionNoteRequired),
        "invalid_transition" => Some(Key::InvalidTransition),
        "invalid_organisation" => Some(Key::ThreadInvalidOrganisations),
        "edit_window_closed" => Some(Key::EditWindowClosed),
        "message_deleted" => Some(Key::MessageWasDeleted),
        "edit_conflict" => Some(Key::EditConflict),
        "idempotency_in_progress" => Some(Key::WriteStuck),
        "file_executable" => Some(Key::FileExecutable),
        "file_type" | "file_refused" => Some(Key::FileType),
        "file_empty" => Some(Key::FileEmpty),
        "file_too_large" | "payload_too_large" => Some(Key::FileTooLarge),
        "file_missing" => Some(Key::FileMissing),
        "not_found" => Some(Key::ErrorNotFound),
        "forbidden" => Some(Key::ErrorForbidden),
        _ => None,
    }
}

#[component]
pub fn SyncStatus() -> impl IntoView {
    let store = use_sync_store();
    let lang = use_lang();
    let pending = move || store.outbox.with(|o| o.len());
    view! {
        <div class="sync-status" aria-live="polite">
            {move || {
                (!store.online.get())
                    .then(|| view! { <p class="notice offline">{tr(Key::OfflineNotice)}</p> })
            }}
            {move || {
                (store.link.get() == Link::Polling && store.online.get())
                    .then(|| view! { <p class="notice">{tr(Key::PollingNotice)}</p> })
            }}
            {move || {
                store
                    .signed_out
                    .get()
                    .then(|| {
                        view! {
                            <p class="notice error">
                                {tr(Key::SessionEndedNotice)} " "
                                <a href="/sign-in" rel="external">{tr(Key::SignInAgain)}</a>
                            </p>
                        }
                    })
            }}
            <Show when=move || { pending() > 0 }>
                <div class="notice pending-writes">
                    <p>
                        <strong>{tr(Key::PendingWrites)}</strong>
                        ": "
                        {pending}
                    </p>
                    <ul>
                        <For each=move || store.outbox.get() key=|e| e.key let:entry>
                            <li>{entry.summary}</li>
                        </For>
                    </ul>
                </div>
            </Show>
        </div>
        <div class="sync-refusals" aria-live="assertive">
            <For each=move || store.refusals.get() key=|r| r.key let:refusal>
                {
                    let key = refusal.key;
                    let reason = refusal.message.clone();
                    let code = refusal.code.clone();
                    view! {
                        <p class="notice error refused" role="alert">
                            <strong>{tr(Key::WriteRefused)}</strong>
                            "「"
                            {refusal.summary.clone()}
                            "」: "
                            {move || match refusal_key(&code) {
                                Some(k) => t(lang.get(), k).to_string(),
                                None => reason.clone(),
                            }}
                            " "
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| store.refusals.update(|r| r.retain(|x| x.key != key))
                            >
                                {tr(Key::Dismiss)}
                            </button>
                        </p>
                    }
                }
            </For>
        </div>
    }
}
