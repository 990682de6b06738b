//! Liaison-thread pages: the list (search, state filter, a form to start a thread) and a
//! thread (messages with 既読 n/m, a composer). Both render completely on the server and
//! post plain forms. After hydration they render from the local store the sync engine
//! keeps (so changes appear live), and a message is written through the outbox: shown at
//! once as pending, kept on the device while offline, sent exactly once.

use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::{fetch_thread_page, fetch_threads_page};
use crate::domain::{
    AttachmentInfo, ChangeKind, LiaisonThread, Me, Message, ParticipantChoices, ThreadFilter,
    ThreadPage, ThreadState, ThreadsPage,
};
use crate::i18n::{t, Key, Lang};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::{use_sync_store, NewWrite};
use crate::wareki::display_date;
use crate::{tr, use_lang};

fn state_key(state: ThreadState) -> Key {
    match state {
        ThreadState::Open => Key::StateOpen,
        ThreadState::Resolved => Key::StateResolved,
        ThreadState::Reopened => Key::StateReopened,
    }
}

/// The participants' names as a Japanese list (読点-separated).
fn participant_names(thread: &LiaisonThread) -> String {
    thread
        .participants
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// Japan has one offset all year (no summer time), so the client needs no tz database.
pub(crate) fn japan_time(at: DateTime<Utc>, lang: Lang) -> String {
    let jst = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    let local = at.with_timezone(&jst);
    format!(
        "{} {}",
        display_date(local.date_naive(), lang),
        local.format("%H:%M")
    )
}

/// The list page's query string: `(q, state, platform, mine, mentions)`.
type ListParams = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn list_params() -> Memo<ListParams> {
    let (q, state, platform, mine, mentions) = (
        query("q"),
        query("state"),
        query("platform"),
        query("mine"),
        query("mentions"),
    );
    Memo::new(move |_| {
        (
            q.get(),
            state.get(),
            platform.get(),
            mine.get(),
            mentions.get(),
        )
    })
}

async fn fetch_listed(params: ListParams) -> Result<ThreadsPage, crate::api::AppError> {
    let (q, state, platform, mine, mentions) = params;
    fetch_threads_page(q, state, platform, mine, mentions).await
}

#[component]
pub fn ThreadsListPage() -> impl IntoView {
    let params = list_params();
    let page = Resource::new(move || params.get(), fetch_listed);
    signed_in_page(
        page,
        || None,
        |me, page| view! { <ThreadsView page me/> }.into_any(),
    )
}

#[component]
fn ThreadsView(page: ThreadsPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let params = list_params();
    let filter = Memo::new(move |_| {
        let (q, state, platform, mine, mentions) = params.get();
        ThreadFilter::from_params(q, state, platform, mine, mentions)
    });
    let error = query("error");
    let notice = query("notice");
    let store = use_sync_store();
    let me_id = me.user.id;
    // The list comes from the local store once it has caught up, filtered as the server
    // would; a word search is the server's to answer, asked again whenever the store
    // changes. The forms are left alone, so what the person is typing stays.
    let searching = move || filter.with(ThreadFilter::searches);
    let searched = store.refreshed(page.threads.clone(), searching, move || async move {
        fetch_listed(params.get_untracked())
            .await
            .ok()
            .map(|p| p.threads)
    });
    let threads = Memo::new(move |_| {
        if store.ready.get() && !searching() {
            filter.with(|f| store.records.with(|r| r.threads_matching(f, me_id)))
        } else {
            searched.get()
        }
    });
    let csrf = me.csrf_token;
    let q = move || filter.with(|f| f.q.clone().unwrap_or_default());
    let state = move || filter.with(|f| f.state);
    let platform = move || filter.with(|f| f.platform);
    let states = [
        ThreadState::Open,
        ThreadState::Resolved,
        ThreadState::Reopened,
    ];
    let choices = page.choices.clone();
    view! {
        <h1>{tr(Key::Threads)}</h1>
        {move || {
            error
                .get()
                .map(|code| {
                    let key = crate::sync::refusal_key(&code).unwrap_or(Key::ThreadInvalidPlatforms);
                    view! { <Notice key error=true/> }
                })
        }}
        {move || {
            (notice.get().as_deref() == Some("left_thread"))
                .then(|| view! { <Notice key=Key::LeftThread/> })
        }}
        <form method="get" action="/threads" class="panel filters" role="search">
            <div class="field">
                <label for="thread-q">{tr(Key::SearchThreads)}</label>
                <input id="thread-q" name="q" type="search" value=q/>
            </div>
            <div class="field">
                <label for="thread-state">{tr(Key::StateFilter)}</label>
                <select id="thread-state" name="state">
                    <option value="" selected=move || state().is_none()>
                        {tr(Key::StateAll)}
                    </option>
                    {states
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() selected=move || state() == Some(s)>
                                    {move || t(lang.get(), state_key(s))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="thread-platform">{tr(Key::PlatformFilter)}</label>
                <select id="thread-platform" name="platform">
                    <option value="" selected=move || platform().is_none()>
                        {tr(Key::PlatformAll)}
                    </option>
                    {page
                        .choices
                        .platforms
                        .iter()
                        .map(|p| {
                            let id = p.id;
                            view! {
                                <option value=id.to_string() selected=move || platform() == Some(id)>
                                    {p.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="check">
                <input
                    id="thread-mine"
                    type="checkbox"
                    name="mine"
                    value="1"
                    checked=move || filter.with(|f| f.mine)
                />
                <label for="thread-mine">{tr(Key::MineFilter)}</label>
            </div>
            <div class="check">
                <input
                    id="thread-mentions"
                    type="checkbox"
                    name="mentions"
                    value="1"
                    checked=move || filter.with(|f| f.mentions)
                />
                <label for="thread-mentions">{tr(Key::MentionsFilter)}</label>
            </div>
            <button type="submit" class="primary">{tr(Key::SearchSubmit)}</button>
        </form>
        <section class="panel" aria-labelledby="thread-list-heading">
            <h2 id="thread-list-heading">{tr(Key::ThreadList)}</h2>
            <p class="count" role="status">{tr(Key::LiveUpdates)}</p>
            <Show
                when=move || threads.with(|t| !t.is_empty())
                fallback=|| view! { <p>{tr(Key::NoThreads)}</p> }
            >
                <ul class="thread-list">
                    <For
                        each=move || threads.get()
                        key=|t| (t.id, t.unread, t.state, t.last_message_at, t.subject.clone())
                        let:thread
                    >
                        <ThreadRow thread/>
                    </For>
                </ul>
            </Show>
        </section>
        <section class="panel" aria-labelledby="new-thread-heading">
            <h2 id="new-thread-heading">{tr(Key::NewThread)}</h2>
            <form method="post" action="/threads" class="stack">
                <input type="hidden" name="csrf_token" value=csrf/>
                <div class="field">
                    <label for="thread-subject">{tr(Key::Subject)}</label>
                    <input id="thread-subject" name="subject" type="text" required maxlength="200"/>
                </div>
                <ParticipantFields choices prefix="new" platforms=Vec::new() organisations=Vec::new()/>
                <div class="field">
                    <label for="thread-body">{tr(Key::FirstMessage)}</label>
                    <textarea id="thread-body" name="body" rows="4"></textarea>
                </div>
                <button type="submit" class="primary">{tr(Key::CreateThread)}</button>
            </form>
        </section>
    }
}

#[component]
fn ThreadRow(thread: LiaisonThread) -> impl IntoView {
    let lang = use_lang();
    let href = format!("/threads/{}", thread.id);
    let state = thread.state;
    let unread = thread.unread;
    let at = thread.last_message_at.unwrap_or(thread.created_at);
    let names = participant_names(&thread);
    view! {
        <li>
            <a href=href class="thread-subject">{thread.subject.clone()}</a>
            " "
            <span class="badge">{move || t(lang.get(), state_key(state))}</span>
            {(unread > 0)
                .then(|| {
                    view! {
                        " "
                        <span class="badge unread">{unread} " " {tr(Key::UnreadCount)}</span>
                    }
                })}
            <div class="meta">
                <span>{names}</span>
                " · "
                <span>{move || japan_time(at, lang.get())}</span>
            </div>
        </li>
    }
}

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

/// The platform and organisation checkboxes of a thread's participants (new or changed).
#[component]
fn ParticipantFields(
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
fn ParticipantsPanel(
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

pub(crate) fn human_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.0} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
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
