//! The liaison-threads list: search, filters and the form that starts a thread. Rendered
//! on the server from the server's answer; after hydration it lists from the local store
//! (filtered as the server would), so a new thread or message shows without a reload.

use leptos::prelude::*;

use super::participants::ParticipantFields;
use super::{participant_names, state_key, LiaisonThread, ThreadFilter, ThreadState, ThreadsPage};
use crate::api::fetch_threads_page;
use crate::domain::Me;
use crate::i18n::{t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::japan_time;
use crate::{tr, use_lang};

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
