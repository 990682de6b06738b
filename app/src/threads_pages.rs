//! Liaison-thread pages: the list (search, state filter, a form to start a thread) and a
//! thread (messages with 既読 n/m, a composer). Both render completely on the server and
//! post plain forms; after hydration they listen to the event stream and refetch when
//! something they may see changes, so new messages appear without a reload.

use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::{fetch_thread_page, fetch_threads_page};
use crate::domain::{LiaisonThread, Message, ThreadPage, ThreadState, ThreadsPage};
use crate::i18n::{t, Key, Lang};
use crate::pages::{query, signed_in_page, Notice};
use crate::wareki::display_date;
use crate::{tr, use_lang};

fn state_key(state: ThreadState) -> Key {
    match state {
        ThreadState::Open => Key::StateOpen,
        ThreadState::Resolved => Key::StateResolved,
        ThreadState::Reopened => Key::StateReopened,
    }
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

/// After hydration: refetch whenever the event stream says something visible changed.
fn refetch_on_change(refetch: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        if let Ok(source) = web_sys::EventSource::new("/api/v1/events") {
            let callback =
                Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| refetch());
            let _ = source
                .add_event_listener_with_callback("change", callback.as_ref().unchecked_ref());
            callback.forget();
            let source = send_wrapper::SendWrapper::new(source);
            on_cleanup(move || source.close());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = refetch;
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
    // Only the list follows live changes: the forms keep what the person is typing.
    let threads = RwSignal::new(page.threads.clone());
    refetch_on_change(move || {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = fetch_threads_page(q.get_untracked(), state.get_untracked()).await {
                threads.set(fresh.threads);
            }
        });
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
    let names = thread
        .participants
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join("、");
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
        |me, page| {
            let csrf = me.csrf_token;
            view! { <ThreadView page csrf/> }.into_any()
        },
    )
}

#[component]
fn ThreadView(page: ThreadPage, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let thread = page.thread;
    let state = thread.state;
    let names = thread
        .participants
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    // Only the messages follow live changes: the composer keeps focus and the draft.
    let messages = RwSignal::new(page.messages);
    let thread_id = thread.id;
    refetch_on_change(move || {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = fetch_thread_page(thread_id).await {
                messages.set(fresh.messages);
            }
        });
    });
    let action = format!("/threads/{}/messages", thread.id);
    view! {
        <h1>{thread.subject.clone()}</h1>
        <p class="meta">
            <span class="badge">{move || t(lang.get(), state_key(state))}</span>
            " "
            <span>{tr(Key::Participants)} ": " {names}</span>
        </p>
        {thread
            .resolution_note
            .clone()
            .map(|note| view! { <p class="notice">{note}</p> })}
        <section aria-labelledby="messages-heading" class="panel">
            <h2 id="messages-heading">{tr(Key::MessagesHeading)}</h2>
            <p class="count" role="status">{tr(Key::LiveUpdates)}</p>
            <Show
                when=move || messages.with(|m| !m.is_empty())
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
                </ol>
            </Show>
        </section>
        {move || error.get().map(|_| view! { <Notice key=Key::ThreadInvalidBody error=true/> })}
        <form method="post" action=action class="stack panel" id="composer">
            <input type="hidden" name="csrf_token" value=csrf/>
            <div class="field">
                <label for="message-body">{tr(Key::MessageLabel)}</label>
                <textarea id="message-body" name="body" rows="4" required maxlength="10000"></textarea>
            </div>
            <button type="submit" class="primary">{tr(Key::SendMessage)}</button>
        </form>
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
