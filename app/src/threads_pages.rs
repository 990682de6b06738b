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
use crate::domain::{ChangeKind, LiaisonThread, Me, Message, ThreadPage, ThreadState, ThreadsPage};
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
fn japan_time(at: DateTime<Utc>, lang: Lang) -> String {
    let jst = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    let local = at.with_timezone(&jst);
    format!(
        "{} {}",
        display_date(local.date_naive(), lang),
        local.format("%H:%M")
    )
}

#[component]
pub fn ThreadsListPage() -> impl IntoView {
    let q = query("q");
    let state = query("state");
    let page = Resource::new(
        move || (q.get(), state.get()),
        |(q, s)| fetch_threads_page(q, s),
    );
    signed_in_page(
        page,
        || None,
        |me, page| {
            let csrf = me.csrf_token;
            view! { <ThreadsView page csrf/> }.into_any()
        },
    )
}

#[component]
fn ThreadsView(page: ThreadsPage, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let q = query("q");
    let state = query("state");
    let error = query("error");
    let store = use_sync_store();
    // The plain list comes from the local store once it has caught up; a search is the
    // server's to answer, asked again whenever the store changes. The forms are left
    // alone, so what the person is typing stays.
    let searched = RwSignal::new(page.threads.clone());
    let searching = move || !q.get().unwrap_or_default().trim().is_empty();
    Effect::new(move |first: Option<()>| {
        store.records.track();
        if first.is_some() && searching() {
            leptos::task::spawn_local(async move {
                let fresh = fetch_threads_page(q.get_untracked(), state.get_untracked()).await;
                if let Ok(fresh) = fresh {
                    searched.set(fresh.threads);
                }
            });
        }
    });
    let threads = Memo::new(move |_| {
        if store.ready.get() && !searching() {
            let state = state.get().and_then(|s| ThreadState::parse(&s));
            store.records.with(|r| r.threads_in(state))
        } else {
            searched.get()
        }
    });
    let states = [
        ThreadState::Open,
        ThreadState::Resolved,
        ThreadState::Reopened,
    ];
    let platforms = page.platforms.clone();
    view! {
        <h1>{tr(Key::Threads)}</h1>
        {move || {
            error
                .get()
                .map(|code| {
                    let key = match code.as_str() {
                        "invalid_subject" => Key::ThreadInvalidSubject,
                        "invalid_body" => Key::ThreadInvalidBody,
                        _ => Key::ThreadInvalidPlatforms,
                    };
                    view! { <Notice key error=true/> }
                })
        }}
        <form method="get" action="/threads" class="panel filters" role="search">
            <div class="field">
                <label for="thread-q">{tr(Key::SearchThreads)}</label>
                <input id="thread-q" name="q" type="search" value=move || q.get().unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="thread-state">{tr(Key::StateFilter)}</label>
                <select id="thread-state" name="state">
                    <option value="" selected=move || state.get().unwrap_or_default().is_empty()>
                        {tr(Key::StateAll)}
                    </option>
                    {states
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() selected=move || state.get().as_deref() == Some(s.as_str())>
                                    {move || t(lang.get(), state_key(s))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
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
                <fieldset>
                    <legend>{tr(Key::ParticipantPlatforms)}</legend>
                    {platforms
                        .into_iter()
                        .map(|p| {
                            let id = format!("thread-platform-{}", p.slug);
                            view! {
                                <div class="check">
                                    <input id=id.clone() type="checkbox" name="platform_ids" value=p.id.to_string()/>
                                    <label for=id>{p.name}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
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
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => fetch_thread_page(id).await,
            None => Err(crate::api::AppError::NotFound),
        }
    });
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
    let thread = Memo::new(move |_| {
        if store.ready.get() {
            store.records.with(|r| r.threads.get(&thread_id).cloned())
        } else {
            Some(server_thread.clone())
        }
    });
    let messages = Memo::new(move |_| {
        if store.ready.get() {
            store.records.with(|r| r.messages_of(thread_id))
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
    // Read by the pending items, which are rebuilt whenever the outbox changes.
    // Resolving and reopening go through the outbox too; without JavaScript, a form post.
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
    let state_action = format!("/threads/{thread_id}/state");
    let csrf = me.csrf_token.clone();
    let author = StoredValue::new(me.user.display_name.clone());
    let organisation = StoredValue::new(me.organisation.name.clone());
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
        <section aria-labelledby="messages-heading" class="panel">
            <h2 id="messages-heading">{tr(Key::MessagesHeading)}</h2>
            <p class="count" role="status">{tr(Key::LiveUpdates)}</p>
            <Show
                when=move || messages.with(|m| !m.is_empty()) || pending.with(|p| !p.is_empty())
                fallback=|| view! { <p>{tr(Key::NoMessages)}</p> }
            >
                <ol class="messages">
                    <For
                        each=move || messages.get()
                        key=|m| (m.id, m.edited_at, m.deleted, m.read_count)
                        let:message
                    >
                        <MessageItem message/>
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
        </section>
        {move || {
            error
                .get()
                .map(|code| {
                    let key = crate::sync::refusal_key(&code).unwrap_or(Key::ThreadInvalidBody);
                    view! { <Notice key error=true/> }
                })
        }}
        <form method="post" action=action class="stack panel" id="composer" on:submit=on_submit>
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            <div class="field">
                <label for="message-body">{tr(Key::MessageLabel)}</label>
                <textarea id="message-body" name="body" rows="4" required maxlength="10000" node_ref=body_ref></textarea>
            </div>
            <button type="submit" class="primary">{tr(Key::SendMessage)}</button>
        </form>
        <section aria-labelledby="state-heading" class="panel">
            <h2 id="state-heading">{tr(Key::ThreadStateHeading)}</h2>
            {move || {
                let action = state_action.clone();
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

#[component]
fn MessageItem(message: Message) -> impl IntoView {
    let lang = use_lang();
    let at = message.created_at;
    let edited = message.edited_at.is_some();
    let read = format!("{}/{}", message.read_count, message.reader_count);
    let orgs = message.read_by_organisations.join("、");
    view! {
        <li class="message" id=format!("message-{}", message.id)>
            <div class="meta">
                <strong>{message.author.display_name.clone()}</strong>
                " (" {message.author_organisation.clone()} ") · "
                <span>{move || japan_time(at, lang.get())}</span>
                {edited.then(|| view! { " · " <span class="badge">{tr(Key::Edited)}</span> })}
            </div>
            {if message.deleted {
                view! { <p class="body deleted">{tr(Key::DeletedMessage)}</p> }.into_any()
            } else {
                view! { <p class="body">{linkified(&message.body)}</p> }.into_any()
            }}
            <div class="meta read-receipt" title=orgs>
                {tr(Key::ReadReceipt)} " " {read}
            </div>
        </li>
    }
}
