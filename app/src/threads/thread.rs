//! One thread's page: messages with 既読 n/m, the composer, files, 対応状況 and (for
//! coordinators) the participants. Rendered completely on the server; after hydration it
//! follows the local store, and a message is written through the outbox: shown at once as
//! pending, kept on the device while offline, sent exactly once.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::participants::ParticipantsPanel;
use super::{
    participant_names, state_key, AttachmentInfo, LiaisonThread, Message, ThreadPage, ThreadState,
};
use crate::api::fetch_thread_page;
use crate::components::human_size;
use crate::domain::{ChangeKind, Me};
use crate::i18n::{t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::{use_sync_store, NewWrite};
use crate::wareki::japan_time;
use crate::{tr, use_lang};

#[component]
pub fn ThreadPageView() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let before = query("before");
    let page = Resource::new(
        move || (id(), before.get().and_then(|b| Uuid::parse_str(&b).ok())),
        |(id, before)| async move {
            match id {
                Some(id) => fetch_thread_page(id, before).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <ThreadView page me/> }.into_any(),
    )
}

#[component]
fn ThreadView(page: ThreadPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let store = use_sync_store();
    let thread_id = page.thread.id;
    let action = format!("/threads/{thread_id}/messages");
    // Kept for the heading when the thread has gone from the store (a removed participant).
    let subject = page.thread.subject.clone();
    // Until the store has caught up, what the server sent; from then on, the store.
    let server_thread = page.thread;
    let server_messages = page.messages;
    // The store holds every message of the thread; the page shows the window the server
    // sent (a page of 100): from its oldest message when older ones exist, and up to its
    // newest when it is an older page. New messages arrive on the newest page only.
    let from = page
        .older
        .and_then(|_| server_messages.first().map(|m| (m.created_at, m.id)));
    let to = page
        .before
        .and_then(|_| server_messages.last().map(|m| (m.created_at, m.id)));
    let older = page.older;
    let paged_back = page.before.is_some();
    let thread = Memo::new(move |_| {
        if store.ready.get() {
            store.records.with(|r| r.threads.get(&thread_id).cloned())
        } else {
            Some(server_thread.clone())
        }
    });
    let messages = Memo::new(move |_| {
        if store.ready.get() {
            store
                .records
                .with(|r| r.messages_in_window(thread_id, from, to))
        } else {
            server_messages.clone()
        }
    });
    let pending = Memo::new(move |_| store.pending_messages(thread_id));
    // What arrives while the page is open has been seen: say so (既読 for the others).
    Effect::new(move |before: Option<Option<Uuid>>| {
        let newest = messages.with(|m| m.last().map(|m| m.id));
        if let (Some(before), Some(newest)) = (before, newest) {
            if before != Some(newest) && store.ready.get_untracked() {
                store.mark_read(thread_id, newest);
            }
        }
        newest
    });
    let body_ref = NodeRef::<leptos::html::Textarea>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(textarea) = body_ref.get() else {
            return;
        };
        let body = textarea.value();
        let queued = store.send(NewWrite {
            method: "POST",
            path: format!("/api/v1/threads/{thread_id}/messages"),
            body: serde_json::json!({ "body": body }),
            answer_kind: Some(ChangeKind::Message),
            thread_id: Some(thread_id),
            summary: body.clone(),
        });
        // Without a running engine the form posts as it does without JavaScript.
        if queued {
            ev.prevent_default();
            textarea.set_value("");
        }
    };
    let csrf = StoredValue::new(me.csrf_token.clone());
    let author = StoredValue::new(me.user.display_name.clone());
    let organisation = StoredValue::new(me.organisation.name.clone());
    let me_id = me.user.id;
    let choices = page.choices;
    view! {
        <h1>{move || thread.get().map(|t| t.subject).unwrap_or_else(|| subject.clone())}</h1>
        {move || {
            thread
                .get()
                .map(|thread| {
                    let state = thread.state;
                    let names = participant_names(&thread);
                    view! {
                        <p class="meta">
                            <span class="badge">{move || t(lang.get(), state_key(state))}</span>
                            " "
                            <span>{tr(Key::Participants)} ": " {names}</span>
                        </p>
                        {thread.resolution_note.clone().map(|note| view! { <p class="notice">{note}</p> })}
                    }
                        .into_any()
                })
                .unwrap_or_else(|| view! { <p class="notice error">{tr(Key::ThreadGone)}</p> }.into_any())
        }}
        {move || {
            error
                .get()
                .map(|code| {
                    let key = crate::sync::refusal_key(&code).unwrap_or(Key::ThreadInvalidBody);
                    view! { <Notice key error=true/> }
                })
        }}
        <section aria-labelledby="messages-heading" class="panel">
            <h2 id="messages-heading">{tr(Key::MessagesHeading)}</h2>
            <p class="count" role="status">{tr(Key::LiveUpdates)}</p>
            // Plain links: older pages work without JavaScript.
            {older
                .map(|older| {
                    view! {
                        <p class="older-messages">
                            <a href=format!("/threads/{thread_id}?before={older}")>
                                {tr(Key::OlderMessages)}
                            </a>
                        </p>
                    }
                })}
            <Show
                when=move || messages.with(|m| !m.is_empty()) || pending.with(|p| !p.is_empty())
                fallback=|| view! { <p>{tr(Key::NoMessages)}</p> }
            >
                <ol class="messages">
                    // Keyed by id only: a message that changes (read, edited) updates in
                    // place, so an edit form open on it stays open with what is typed.
                    <For each=move || messages.get() key=|m| m.id let:message>
                        <MessageItem message messages me=me_id csrf=csrf.get_value()/>
                    </For>
                    <For each=move || pending.get() key=|e| e.key let:entry>
                        <li class="message pending">
                            <div class="meta">
                                <strong>{author.get_value()}</strong>
                                " (" {organisation.get_value()} ") · "
                                <span class="badge">{tr(Key::PendingBadge)}</span>
                            </div>
                            <p class="body">{entry.summary}</p>
                        </li>
                    </For>
                </ol>
            </Show>
            {paged_back
                .then(|| {
                    view! {
                        <p class="newer-messages">
                            <a href=format!("/threads/{thread_id}")>{tr(Key::NewestMessages)}</a>
                        </p>
                    }
                })}
        </section>
        <form method="post" action=action class="stack panel" id="composer" on:submit=on_submit>
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            <div class="field">
                <label for="message-body">{tr(Key::MessageLabel)}</label>
                <textarea id="message-body" name="body" rows="4" required maxlength="10000" node_ref=body_ref></textarea>
            </div>
            <button type="submit" class="primary">{tr(Key::SendMessage)}</button>
        </form>
        <AttachmentsPanel thread_id csrf=csrf.get_value() thread/>
        <StatePanel thread_id csrf=csrf.get_value() thread/>
        {move || {
            thread
                .with(|t| t.as_ref().filter(|t| t.can_manage).map(|t| (t.platform_ids.clone(), t.organisation_ids.clone())))
                .filter(|_| !choices.platforms.is_empty())
                .map(|(platforms, organisations)| {
                    view! {
                        <ParticipantsPanel
                            thread_id
                            csrf=csrf.get_value()
                            choices=choices.clone()
                            platforms
                            organisations
                        />
                    }
                })
        }}
    }
}

/// The thread's files, live, and a plain form to attach one (checked by content on the
/// server; a refusal comes back with its reason).
#[component]
fn AttachmentsPanel(
    thread_id: Uuid,
    csrf: String,
    thread: Memo<Option<LiaisonThread>>,
) -> impl IntoView {
    let lang = use_lang();
    let files = move || {
        thread.with(|t| {
            t.as_ref()
                .map(|t| t.attachments.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section aria-labelledby="attachments-heading" class="panel" id="attachments">
            <h2 id="attachments-heading">{tr(Key::AttachmentsHeading)}</h2>
            <Show
                when=move || !files().is_empty()
                fallback=|| view! { <p>{tr(Key::NoAttachments)}</p> }
            >
                <ul class="attachments">
                    <For each=files key=|a: &AttachmentInfo| a.id let:file>
                        <li>
                            <a href=format!("/api/v1/attachments/{}", file.id) download=file.filename.clone()>
                                {file.filename.clone()}
                            </a>
                            " "
                            <span class="meta">
                                "(" {human_size(file.size)} ") · " {tr(Key::UploadedBy)} ": "
                                {file.uploaded_by.display_name.clone()} " · "
                                {move || japan_time(file.created_at, lang.get())}
                            </span>
                        </li>
                    </For>
                </ul>
            </Show>
            <form
                method="post"
                action=format!("/threads/{thread_id}/attachments")
                enctype="multipart/form-data"
                class="stack"
            >
                <input type="hidden" name="csrf_token" value=csrf/>
                <div class="field">
                    <label for="attachment-file">{tr(Key::AttachFile)}</label>
                    <input
                        id="attachment-file"
                        name="file"
                        type="file"
                        required
                        aria-describedby="attachment-hint"
                        accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.png,.jpg,.jpeg,.gif,.webp"
                    />
                    <p id="attachment-hint" class="hint">{tr(Key::AttachFileHint)}</p>
                </div>
                <button type="submit">{tr(Key::UploadFile)}</button>
            </form>
        </section>
    }
}

/// 対応状況: resolve with a note, or reopen; through the outbox, a form post without JS.
#[component]
fn StatePanel(thread_id: Uuid, csrf: String, thread: Memo<Option<LiaisonThread>>) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let note_ref = NodeRef::<leptos::html::Textarea>::new();
    let change_state = move |ev: leptos::ev::SubmitEvent, next: ThreadState| {
        let note = (next == ThreadState::Resolved)
            .then(|| note_ref.get().map(|n| n.value()))
            .flatten();
        let mut body = serde_json::json!({ "state": next.as_str() });
        if let Some(note) = &note {
            body["resolution_note"] = serde_json::json!(note);
        }
        let label = t(
            lang.get_untracked(),
            match next {
                ThreadState::Resolved => Key::ResolveThread,
                _ => Key::ReopenThread,
            },
        );
        let queued = store.send(NewWrite {
            method: "PATCH",
            path: format!("/api/v1/threads/{thread_id}"),
            body,
            answer_kind: Some(ChangeKind::Thread),
            thread_id: Some(thread_id),
            summary: match &note {
                Some(note) => format!("{label}: {note}"),
                None => label.to_string(),
            },
        });
        if queued {
            ev.prevent_default();
        }
    };
    let action = format!("/threads/{thread_id}/state");
    view! {
        <section aria-labelledby="state-heading" class="panel">
            <h2 id="state-heading">{tr(Key::ThreadStateHeading)}</h2>
            {move || {
                let action = action.clone();
                let csrf = csrf.clone();
                match thread.get().map(|t| t.state) {
                    Some(ThreadState::Resolved) => {
                        view! {
                            <form
                                method="post"
                                action=action
                                on:submit=move |ev| change_state(ev, ThreadState::Reopened)
                            >
                                <input type="hidden" name="csrf_token" value=csrf/>
                                <input type="hidden" name="state" value="reopened"/>
                                <button type="submit">{tr(Key::ReopenThread)}</button>
                            </form>
                        }
                            .into_any()
                    }
                    Some(_) => {
                        view! {
                            <form
                                method="post"
                                action=action
                                class="stack"
                                on:submit=move |ev| change_state(ev, ThreadState::Resolved)
                            >
                                <input type="hidden" name="csrf_token" value=csrf/>
                                <input type="hidden" name="state" value="resolved"/>
                                <div class="field">
                                    <label for="resolution-note">{tr(Key::ResolutionNote)}</label>
                                    <textarea
                                        id="resolution-note"
                                        name="resolution_note"
                                        rows="3"
                                        required
                                        maxlength="2000"
                                        node_ref=note_ref
                                    ></textarea>
                                </div>
                                <button type="submit">{tr(Key::ResolveThread)}</button>
                            </form>
                        }
                            .into_any()
                    }
                    None => ().into_any(),
                }
            }}
        </section>
    }
}

/// Plain text with its links made clickable; line breaks kept by the stylesheet.
fn linkified(body: &str) -> impl IntoView {
    body.split_inclusive(char::is_whitespace)
        .map(|piece| {
            let word = piece.trim_end();
            if word.starts_with("https://") || word.starts_with("http://") {
                let rest = piece[word.len()..].to_string();
                view! {
                    <a href=word.to_string() rel="noopener noreferrer nofollow" target="_blank">{word.to_string()}</a>
                    {rest}
                }
                .into_any()
            } else {
                piece.to_string().into_any()
            }
        })
        .collect_view()
}

/// Messages can be edited this long after posting (the server holds the same rule).
const EDIT_WINDOW_MINUTES: i64 = 15;

#[component]
fn MessageItem(
    /// As first shown; what changes later is read from `messages`.
    message: Message,
    messages: Memo<Vec<Message>>,
    me: Uuid,
    csrf: String,
) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let id = message.id;
    let at = message.created_at;
    let current = Memo::new(move |_| {
        messages
            .with(|ms| ms.iter().find(|m| m.id == id).cloned())
            .unwrap_or_else(|| message.clone())
    });
    let own = current.with_untracked(|m| m.author.id == me);
    let editable = own && chrono::Utc::now() - at < chrono::Duration::minutes(EDIT_WINDOW_MINUTES);
    let path = format!("/api/v1/messages/{id}");
    // An edit or delete of this message waiting in the outbox.
    let pending = {
        let path = path.clone();
        move || store.outbox.with(|o| o.iter().any(|e| e.path == path))
    };
    let edit_ref = NodeRef::<leptos::html::Textarea>::new();
    let on_edit = {
        let path = path.clone();
        move |ev: leptos::ev::SubmitEvent| {
            let Some(textarea) = edit_ref.get() else {
                return;
            };
            let body = textarea.value();
            let queued = store.send(NewWrite {
                method: "PATCH",
                path: path.clone(),
                body: serde_json::json!({ "body": body }),
                answer_kind: Some(ChangeKind::Message),
                thread_id: None,
                summary: body.clone(),
            });
            if queued {
                ev.prevent_default();
            }
        }
    };
    let on_delete = {
        let path = path.clone();
        move |ev: leptos::ev::SubmitEvent| {
            let summary = format!(
                "{}: {}",
                t(lang.get_untracked(), Key::DeleteMessage),
                current.with_untracked(|m| m.body.clone())
            );
            let queued = store.send(NewWrite {
                method: "DELETE",
                path: path.clone(),
                body: serde_json::Value::Null,
                answer_kind: None,
                thread_id: None,
                summary,
            });
            if queued {
                ev.prevent_default();
            }
        }
    };
    let (author, organisation) =
        current.with_untracked(|m| (m.author.display_name.clone(), m.author_organisation.clone()));
    let first_body = current.with_untracked(|m| m.body.clone());
    let details_ref = NodeRef::<leptos::html::Details>::new();
    // A memo, so that only deleting (not a read receipt) rebuilds the forms below.
    let deleted = Memo::new(move |_| current.with(|m| m.deleted));
    // Gone once the message is deleted (here or elsewhere): nothing left to change.
    let actions = move || {
        let (on_edit, on_delete, csrf, first_body) = (
            on_edit.clone(),
            on_delete.clone(),
            csrf.clone(),
            first_body.clone(),
        );
        let on_edit = move |ev: leptos::ev::SubmitEvent| {
            on_edit(ev);
            // Sent (or waiting to be): the form has done its job.
            if let Some(details) = details_ref.get() {
                details.set_open(false);
            }
        };
        let edit = editable.then(|| {
            view! {
                <details class="message-action" node_ref=details_ref>
                    <summary>{tr(Key::EditMessage)}</summary>
                    <form method="post" action=format!("/messages/{id}/edit") class="stack" on:submit=on_edit>
                        <input type="hidden" name="csrf_token" value=csrf.clone()/>
                        <div class="field">
                            <label for=format!("edit-{id}")>{tr(Key::EditedMessageLabel)}</label>
                            <textarea
                                id=format!("edit-{id}")
                                name="body"
                                rows="3"
                                required
                                maxlength="10000"
                                node_ref=edit_ref
                            >
                                {first_body}
                            </textarea>
                        </div>
                        <button type="submit">{tr(Key::SaveEdit)}</button>
                    </form>
                </details>
            }
        });
        (own && !deleted.get()).then(|| {
            view! {
                <div class="message-actions">
                    {edit}
                    <details class="message-action">
                        <summary>{tr(Key::DeleteMessage)}</summary>
                        <form method="post" action=format!("/messages/{id}/delete") on:submit=on_delete>
                            <input type="hidden" name="csrf_token" value=csrf/>
                            <p>{tr(Key::ConfirmDelete)}</p>
                            <button type="submit" class="danger">{tr(Key::ConfirmDeleteSubmit)}</button>
                        </form>
                    </details>
                </div>
            }
        })
    };
    view! {
        <li class="message" id=format!("message-{id}")>
            <div class="meta">
                <strong>{author}</strong>
                " (" {organisation} ") · "
                <span>{move || japan_time(at, lang.get())}</span>
                {move || {
                    current
                        .with(|m| m.edited_at.is_some() && !m.deleted)
                        .then(|| view! { " · " <span class="badge">{tr(Key::Edited)}</span> })
                }}
                {move || pending().then(|| view! { " · " <span class="badge">{tr(Key::PendingBadge)}</span> })}
            </div>
            {move || {
                current
                    .with(|m| {
                        if m.deleted {
                            view! { <p class="body deleted">{tr(Key::DeletedMessage)}</p> }.into_any()
                        } else {
                            view! { <p class="body">{linkified(&m.body)}</p> }.into_any()
                        }
                    })
            }}
            {move || {
                current
                    .with(|m| {
                        let read = format!("{}/{}", m.read_count, m.reader_count);
                        let orgs = m.read_by_organisations.join("、");
                        view! {
                            <div class="meta read-receipt" title=orgs>
                                {tr(Key::ReadReceipt)} " " {read}
                            </div>
                        }
                    })
            }}
            {actions}
        </li>
    }
}
