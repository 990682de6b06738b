//! The notifications page (通知): what the person has been told about, newest first, each
//! linking to where it happened. Rendered on the server; after hydration it follows the
//! local store, so a new mention appears without a reload. Opening the thread marks its
//! notifications read; the page can mark one or all read (through the outbox, or a form
//! post without JavaScript).

use leptos::prelude::*;

use super::{Notification, NotificationKind, NotificationsPage};
use crate::api::fetch_notifications_page;
use crate::domain::Me;
use crate::i18n::{t, Key};
use crate::pages::signed_in_page;
use crate::sync::{use_sync_store, NewWrite};
use crate::wareki::japan_time;
use crate::{tr, use_lang};

#[component]
pub fn NotificationsListPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_notifications_page());
    signed_in_page(
        page,
        || None,
        |me, page| view! { <NotificationsView page me/> }.into_any(),
    )
}

#[component]
fn NotificationsView(page: NotificationsPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let from_server = page.notifications;
    let notifications = Memo::new(move |_| {
        if store.ready.get() {
            store.records.with(|r| r.notifications_newest_first())
        } else {
            from_server.clone()
        }
    });
    let unread = move || notifications.with(|n| n.iter().any(|n| n.read_at.is_none()));
    let csrf = StoredValue::new(me.csrf_token);
    let read_all = move |ev: leptos::ev::SubmitEvent| {
        let queued = store.send(NewWrite {
            method: "POST",
            path: "/api/v1/notifications/read".into(),
            body: serde_json::Value::Null,
            answer_kind: None,
            thread_id: None,
            summary: t(lang.get_untracked(), Key::MarkAllRead).into(),
        });
        if queued {
            ev.prevent_default();
        }
    };
    view! {
        <h1>{tr(Key::Notifications)}</h1>
        <section class="panel" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading" class="visually-hidden">{tr(Key::Notifications)}</h2>
            <Show when=unread>
                <form method="post" action="/notifications/read" on:submit=read_all>
                    <input type="hidden" name="csrf_token" value=csrf.get_value()/>
                    <button type="submit">{tr(Key::MarkAllRead)}</button>
                </form>
            </Show>
            <Show
                when=move || notifications.with(|n| !n.is_empty())
                fallback=|| view! { <p>{tr(Key::NoNotifications)}</p> }
            >
                <ul class="notifications">
                    <For
                        each=move || notifications.get()
                        key=|n| (n.id, n.read_at.is_some())
                        let:notification
                    >
                        <NotificationItem notification csrf=csrf.get_value()/>
                    </For>
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn NotificationItem(notification: Notification, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let id = notification.id;
    let unread = notification.read_at.is_none();
    let href = match (
        notification.thread_id,
        notification.message_id,
        notification.outreach_request_id,
        notification.inquiry_id,
    ) {
        (Some(thread), Some(message), _, _) => format!("/threads/{thread}#message-{message}"),
        (Some(thread), None, _, _) => format!("/threads/{thread}"),
        (None, _, Some(request), _) => format!("/outreach/{request}"),
        (None, _, None, Some(inquiry)) => format!("/inquiries/{inquiry}"),
        _ => match notification.proposal_id {
            Some(proposal) => format!("/proposals/{proposal}"),
            // Meetings have no page yet: the notification itself says what and when.
            None => "/notifications".into(),
        },
    };
    let who = notification
        .by
        .as_ref()
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let what = match notification.kind {
        NotificationKind::Mention => Key::MentionedYou,
        NotificationKind::OutreachSubmitted => Key::OutreachSubmittedNote,
        NotificationKind::OutreachRouted => Key::OutreachRoutedNote,
        NotificationKind::OutreachAnswered => Key::OutreachAnsweredNote,
        NotificationKind::OutreachReturned => Key::OutreachReturnedNote,
        NotificationKind::OutreachDeclined => Key::OutreachDeclinedNote,
        NotificationKind::InquiryReceived => Key::InquiryReceivedNote,
        NotificationKind::InquiryReminded => Key::InquiryRemindedNote,
        NotificationKind::InquiryReturned => Key::InquiryReturnedNote,
        NotificationKind::InquiryWithdrawn => Key::InquiryWithdrawnNote,
        NotificationKind::ProposalSubmitted => Key::ProposalSubmittedNote,
        NotificationKind::ProposalAnswered => Key::ProposalAnsweredNote,
        NotificationKind::MeetingInvited => Key::MeetingInvitedNote,
    };
    let at = notification.created_at;
    let read_one = move |ev: leptos::ev::SubmitEvent| {
        let queued = store.send(NewWrite {
            method: "POST",
            path: format!("/api/v1/notifications/{id}/read"),
            body: serde_json::Value::Null,
            answer_kind: None,
            thread_id: None,
            summary: t(lang.get_untracked(), Key::MarkRead).into(),
        });
        if queued {
            ev.prevent_default();
        }
    };
    view! {
        <li class=if unread { "notification unread" } else { "notification" }>
            <div class="meta">
                {unread
                    .then(|| {
                        view! { <span class="badge unread">{tr(Key::NotificationUnread)}</span> " " }
                    })}
                <span>{move || japan_time(at, lang.get())}</span>
            </div>
            <p>
                <strong>{who}</strong>
                {tr(what)}
                " — "
                <a href=href>{notification.subject.clone()}</a>
            </p>
            {(!notification.excerpt.is_empty())
                .then(|| view! { <p class="excerpt">{notification.excerpt.clone()}</p> })}
            {unread
                .then(|| {
                    view! {
                        <form method="post" action="/notifications/read" on:submit=read_one>
                            <input type="hidden" name="csrf_token" value=csrf/>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <button type="submit" class="link-button">{tr(Key::MarkRead)}</button>
                        </form>
                    }
                })}
        </li>
    }
}
