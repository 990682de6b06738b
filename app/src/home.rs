//! The platform home page: first what needs the signed-in person now (their to-do list),
//! then the good practices the secretariat features, then the member directory. Every
//! part is rendered complete on the server and, once the local store has caught up,
//! follows the store, so a mention or a request reaching its next step shows without a
//! reload.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::fetch_platform_home;
use crate::domain::{Member, MemberCategory, SecretariatRole, Standing};
use crate::i18n::{category_key, kind_key, outreach_state_key, secretariat_key, t, Key};
use crate::notifications::{Notification, NotificationKind};
use crate::outreach::{OutreachRequest, OutreachState};
use crate::pages::{signed_in_page, slug_param};
use crate::wareki::{display_date, FiscalYear};
use crate::{tr, use_lang};

/// What the home page of a platform needs, in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformHome {
    /// Today in Japan time, so the page names the current 年度 as Japan sees it.
    pub today: chrono::NaiveDate,
    pub platform: crate::domain::Platform,
    pub parent: Option<crate::domain::Platform>,
    pub members: Vec<Member>,
    pub can_invite: bool,
    /// Good practices the secretariat features (周知) across the network: they lead the
    /// page, newest featured first.
    pub featured: Vec<crate::practices::GoodPractice>,
    /// What needs the signed-in person now.
    pub to_do: ToDo,
    /// The programme of the platform's prefectural network (its name and target ages).
    pub programme: crate::programme::NetworkProgramme,
}

/// How many items each part of the to-do list shows; the rest are counted and linked.
pub const TO_DO_SHOWN: usize = 5;

/// What needs the signed-in person now, worked out by [`ToDo::gather`] from what they may
/// see (the server for the first render, the local store after): never anything of
/// another platform's that the policy layer did not already give them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ToDo {
    /// Unread notifications that someone mentioned them (`@`), newest first.
    pub mentions: Vec<Notification>,
    pub mentions_total: usize,
    /// Outreach requests waiting for their step ([`OutreachRequest::needs_action`]),
    /// soonest deadline first.
    pub awaiting: Vec<RequestToDo>,
    pub awaiting_total: usize,
    /// Open requests they take part in that are past their deadline (Japan time) and not
    /// already listed as awaiting them, longest overdue first.
    pub overdue: Vec<RequestToDo>,
    pub overdue_total: usize,
    /// Unread messages over all their threads, and in how many threads.
    pub unread_messages: u64,
    pub unread_threads: usize,
}

/// One outreach request as the to-do list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RequestToDo {
    pub id: Uuid,
    pub title: String,
    /// The requesting platform.
    pub platform_name: String,
    pub state: OutreachState,
    /// A Japan date.
    pub deadline: NaiveDate,
    pub overdue: bool,
}

impl RequestToDo {
    fn of(request: &OutreachRequest, overdue: bool) -> Self {
        RequestToDo {
            id: request.id,
            title: request.title.clone(),
            platform_name: request.platform_name.clone(),
            state: request.state,
            deadline: request.deadline,
            overdue,
        }
    }
}

impl ToDo {
    /// The to-do list from the person's notifications, the unread count of each of their
    /// threads and their outreach requests, as the policy layer gave them (personalised:
    /// `actions`, `can_answer`), with `today` the Japan date deadlines are judged by.
    pub fn gather<'a>(
        notifications: impl IntoIterator<Item = &'a Notification>,
        unread_by_thread: impl IntoIterator<Item = u64>,
        requests: impl IntoIterator<Item = &'a OutreachRequest>,
        today: NaiveDate,
    ) -> ToDo {
        let mut mentions: Vec<&Notification> = notifications
            .into_iter()
            .filter(|n| n.kind == NotificationKind::Mention && n.read_at.is_none())
            .collect();
        mentions.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));

        let mut awaiting: Vec<RequestToDo> = Vec::new();
        let mut overdue: Vec<RequestToDo> = Vec::new();
        for request in requests {
            let late = crate::outreach::overdue(request.deadline, request.state, today);
            if request.needs_action() {
                awaiting.push(RequestToDo::of(request, late));
            } else if late && takes_part(request) {
                overdue.push(RequestToDo::of(request, late));
            }
        }
        awaiting.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.id.cmp(&b.id)));
        overdue.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.id.cmp(&b.id)));

        let (unread_messages, unread_threads) = unread_by_thread
            .into_iter()
            .filter(|n| *n > 0)
            .fold((0, 0), |(messages, threads), n| (messages + n, threads + 1));

        ToDo {
            mentions_total: mentions.len(),
            mentions: mentions.into_iter().take(TO_DO_SHOWN).cloned().collect(),
            awaiting_total: awaiting.len(),
            awaiting: awaiting.into_iter().take(TO_DO_SHOWN).collect(),
            overdue_total: overdue.len(),
            overdue: overdue.into_iter().take(TO_DO_SHOWN).collect(),
            unread_messages,
            unread_threads,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.mentions_total == 0
            && self.awaiting_total == 0
            && self.overdue_total == 0
            && self.unread_messages == 0
    }
}

/// Whether the person has a part in the request beyond seeing it: they may act on it
/// (the secretariat, the requesting platform) or answer it (an addressed organisation).
fn takes_part(request: &OutreachRequest) -> bool {
    request.can_answer || request.can_edit || !request.actions.is_empty()
}

/// The to-do list: the server's until the local store has caught up, then the store's.
#[component]
fn ToDoList(from_server: ToDo) -> impl IntoView {
    let lang = use_lang();
    let store = crate::sync::use_sync_store();
    let to_do = Memo::new(move |_| {
        if store.ready.get() {
            let today = crate::wareki::japan_today(chrono::Utc::now());
            store.records.with(|r| {
                ToDo::gather(
                    r.notifications.values(),
                    r.threads.values().map(|t| t.unread),
                    r.outreach.values(),
                    today,
                )
            })
        } else {
            from_server.clone()
        }
    });
    let more = move |total: usize, shown: usize, href: &'static str, key: Key| {
        (total > shown).then(|| {
            view! {
                <p class="more">
                    <a href=href>{move || t(lang.get(), key)} " (" {total - shown} ")"</a>
                </p>
            }
        })
    };
    let mentions = move || {
        let list = to_do.with(|d| d.mentions.clone());
        let total = to_do.with(|d| d.mentions_total);
        (total > 0).then(|| {
            let shown = list.len();
            view! {
                <section class="to-do-part" aria-labelledby="to-do-mentions">
                    <h3 id="to-do-mentions">{tr(Key::ToDoMentions)} " " <span class="count">{total}</span></h3>
                    <ul>
                        {list
                            .into_iter()
                            .map(|n| {
                                let href = match (n.thread_id, n.message_id) {
                                    (Some(thread), Some(message)) => {
                                        format!("/threads/{thread}#message-{message}")
                                    }
                                    (Some(thread), None) => format!("/threads/{thread}"),
                                    _ => "/notifications".to_string(),
                                };
                                let who = n.by.map(|u| u.display_name).unwrap_or_default();
                                view! {
                                    <li>
                                        <a href=href>{n.subject}</a>
                                        " — "
                                        <span class="meta">{who}</span>
                                        {(!n.excerpt.is_empty())
                                            .then(|| view! { <span class="excerpt">{n.excerpt}</span> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {more(total, shown, "/notifications", Key::ToDoAllNotifications)}
                </section>
            }
        })
    };
    let requests = move |list: Vec<RequestToDo>,
                         total: usize,
                         heading: Key,
                         id: &'static str,
                         href: &'static str| {
        (total > 0).then(|| {
            let shown = list.len();
            view! {
                <section class="to-do-part" aria-labelledby=id>
                    <h3 id=id>{tr(heading)} " " <span class="count">{total}</span></h3>
                    <ul>
                        {list
                            .into_iter()
                            .map(|r| {
                                let state = r.state;
                                let deadline = r.deadline;
                                view! {
                                    <li>
                                        <a href=format!("/outreach/{}", r.id)>{r.title}</a>
                                        " — "
                                        <span class="meta">
                                            {r.platform_name} " · "
                                            <span class="badge">{move || t(lang.get(), outreach_state_key(state))}</span>
                                            " · " {tr(Key::FieldDeadline)} ": "
                                            {move || display_date(deadline, lang.get())}
                                        </span>
                                        {r.overdue.then(|| view! { " " <span class="badge overdue">{tr(Key::Overdue)}</span> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {more(total, shown, href, Key::ToDoAllRequests)}
                </section>
            }
        })
    };
    let awaiting = move || {
        let (list, total) = to_do.with(|d| (d.awaiting.clone(), d.awaiting_total));
        requests(
            list,
            total,
            Key::ToDoAwaiting,
            "to-do-awaiting",
            "/outreach",
        )
    };
    let overdue = move || {
        let (list, total) = to_do.with(|d| (d.overdue.clone(), d.overdue_total));
        requests(
            list,
            total,
            Key::ToDoOverdue,
            "to-do-overdue",
            "/outreach?overdue=1",
        )
    };
    let unread = move || {
        let (messages, threads) = to_do.with(|d| (d.unread_messages, d.unread_threads));
        (messages > 0).then(|| {
            view! {
                <p class="to-do-unread">
                    <a href="/threads">
                        {tr(Key::ToDoUnreadMessages)} " " {messages} " · "
                        {tr(Key::ToDoUnreadThreads)} " " {threads}
                    </a>
                </p>
            }
        })
    };
    view! {
        <section class="panel to-do" aria-labelledby="to-do-heading">
            <h2 id="to-do-heading">{tr(Key::ToDoHeading)}</h2>
            <Show
                when=move || !to_do.with(ToDo::is_empty)
                fallback=|| view! { <p>{tr(Key::ToDoNothing)}</p> }
            >
                {mentions}
                {awaiting}
                {overdue}
                {unread}
            </Show>
        </section>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let slug = slug_param();
    let home = Resource::new(slug.clone(), fetch_platform_home);
    signed_in_page(
        home,
        move || Some(slug()),
        |_, home| view! { <PlatformHomeView home/> }.into_any(),
    )
}

#[component]
fn PlatformHomeView(home: PlatformHome) -> impl IntoView {
    let lang = use_lang();
    let filter = RwSignal::new(String::new());
    // The server's list until the local store has caught up; then the store, so a member
    // added or changed elsewhere shows without a reload.
    let store = crate::sync::use_sync_store();
    let platform_id = home.platform.id;
    let from_server = home.members.clone();
    let members = Memo::new(move |_| {
        if store.ready.get() {
            store.records.with(|r| r.members_of(platform_id))
        } else {
            from_server.clone()
        }
    });
    let matches = move |m: &Member| {
        let f = filter.read();
        let f = f.trim();
        f.is_empty() || m.organisation_name.contains(f)
    };
    let shown = move || members.with(|ms| ms.iter().filter(|m| matches(m)).count());
    let fiscal_year = FiscalYear::of(home.today);
    let kind = home.platform.kind;

    let secretariat = move || {
        let mut s: Vec<(SecretariatRole, Member)> = members.with(|ms| {
            ms.iter()
                .filter(|m| matches(m))
                .filter_map(|m| m.secretariat_role.map(|r| (r, m.clone())))
                .collect()
        });
        s.sort_by_key(|(r, _)| *r);
        s.into_iter()
            .map(|(role, m)| {
                view! {
                    <li>
                        <span class="org">{m.organisation_name}</span>
                        " "
                        <span class="badge">{move || t(lang.get(), secretariat_key(role))}</span>
                    </li>
                }
            })
            .collect_view()
    };

    let by_category = move || {
        MemberCategory::ALL
            .iter()
            .filter_map(|category| {
                let rows: Vec<Member> = members.with(|ms| {
                    ms.iter()
                        .filter(|m| m.standing == Standing::Member && m.category == *category)
                        .filter(|m| matches(m))
                        .cloned()
                        .collect()
                });
                if rows.is_empty() {
                    return None;
                }
                let category = *category;
                let heading_id = format!("category-{}", category.as_str());
                let labelled_by = heading_id.clone();
                Some(view! {
                    <section class="category" aria-labelledby=labelled_by>
                        <h3 id=heading_id>{move || t(lang.get(), category_key(category))}</h3>
                        <ul class="org-list">
                            {rows
                                .into_iter()
                                .map(|m| view! { <li>{m.organisation_name}</li> })
                                .collect_view()}
                        </ul>
                    </section>
                })
            })
            .collect_view()
    };

    let observers = move || {
        members
            .with(|ms| {
                ms.iter()
                    .filter(|m| m.standing == Standing::Observer)
                    .filter(|m| matches(m))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .into_iter()
            .map(|m| view! { <li>{m.organisation_name}</li> })
            .collect_view()
    };
    let has_members = move || members.with(|m| !m.is_empty());

    let server_name = home.platform.name.clone();
    let name = move || {
        store
            .records
            .with(|r| r.platforms.get(&platform_id).map(|p| p.name.clone()))
            .filter(|_| store.ready.get())
            .unwrap_or_else(|| server_name.clone())
    };
    view! {
        <h1>{name}</h1>
        <p class="meta">
            <span>{move || t(lang.get(), kind_key(kind))}</span>
            {home
                .parent
                .clone()
                .map(|parent| {
                    view! {
                        " · "
                        <span>{tr(Key::ParentPlatform)} ": " {parent.name}</span>
                    }
                })}
            " · "
            <span>{tr(Key::FiscalYearNow)} ": " {move || fiscal_year.label(lang.get())}</span>
        </p>
        <p class="meta programme">
            {home.programme.is_named().then(|| home.programme.programme_name.clone())}
            {crate::programme::age_band(home.programme.target_age_min, home.programme.target_age_max)
                .map(|band| view! { " (" {tr(Key::ProgrammeAgeBand)} " " {band} {tr(Key::AgeUnit)} ")" })}
            " "
            <a href=format!("/p/{}/programme", home.platform.slug)>{tr(Key::ProgrammeLink)}</a>
        </p>
        <ToDoList from_server=home.to_do.clone()/>
        <FeaturedPractices from_server=home.featured.clone()/>
        <Show
            when=has_members
            fallback=|| view! { <p>{tr(Key::NoMembers)}</p> }
        >
            <div class="field filter">
                <label for="member-filter">{tr(Key::FilterMembers)}</label>
                <input
                    id="member-filter"
                    type="search"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
                <p class="count" aria-live="polite">
                    {shown} " " {tr(Key::MembersShown)}
                </p>
            </div>
            <Show when=move || shown() == 0>
                <p>{tr(Key::FilterNoMatch)}</p>
            </Show>
            <section aria-labelledby="secretariat-heading" class="panel">
                <h2 id="secretariat-heading">{tr(Key::Secretariat)}</h2>
                <ul class="org-list">{secretariat}</ul>
            </section>
            <section aria-labelledby="members-heading" class="panel">
                <h2 id="members-heading">{tr(Key::Members)}</h2>
                {by_category}
            </section>
            <section aria-labelledby="observers-heading" class="panel">
                <h2 id="observers-heading">{tr(Key::Observers)}</h2>
                <ul class="org-list">{observers}</ul>
            </section>
        </Show>
    }
}

/// 周知: the practices the secretariat features lead every platform's home page; the
/// store's copy once it has caught up, so featuring and unfeaturing show at once.
#[component]
fn FeaturedPractices(from_server: Vec<crate::practices::GoodPractice>) -> impl IntoView {
    let store = crate::sync::use_sync_store();
    let featured = Memo::new(move |_| {
        if store.ready.get() {
            let mut list: Vec<crate::practices::GoodPractice> = store.records.with(|r| {
                r.practices
                    .values()
                    .filter(|p| p.featured_at.is_some())
                    .cloned()
                    .collect()
            });
            list.sort_by_key(|p| std::cmp::Reverse(p.featured_at));
            list
        } else {
            from_server.clone()
        }
    });
    view! {
        <Show when=move || featured.with(|f| !f.is_empty())>
            <section class="panel featured-practices" aria-labelledby="featured-heading">
                <h2 id="featured-heading">{tr(Key::FeaturedHeading)}</h2>
                <ul>
                    {move || {
                        featured
                            .get()
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <li>
                                        <a href=format!("/practices/{}", p.id)>{p.title}</a>
                                        " — "
                                        {p.platform_name}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::UserSummary;
    use crate::outreach::{OutreachAction, OutreachKind, Profile};

    fn user(name: &str) -> UserSummary {
        UserSummary {
            id: Uuid::new_v4(),
            email: format!("{name}@example.jp"),
            display_name: name.into(),
        }
    }

    fn mention(minute: u32, read: bool) -> Notification {
        let at = Utc.with_ymd_and_hms(2026, 10, 1, 9, minute, 0).unwrap();
        Notification {
            id: Uuid::new_v4(),
            kind: NotificationKind::Mention,
            thread_id: Some(Uuid::new_v4()),
            message_id: Some(Uuid::new_v4()),
            outreach_request_id: None,
            inquiry_id: None,
            proposal_id: None,
            meeting_id: None,
            subject: format!("subject {minute}"),
            excerpt: String::new(),
            by: Some(user("author")),
            created_at: at,
            read_at: read.then_some(at),
        }
    }

    fn request(
        state: OutreachState,
        deadline: (i32, u32, u32),
        actions: &[OutreachAction],
        can_answer: bool,
    ) -> OutreachRequest {
        let at = Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap();
        OutreachRequest {
            id: Uuid::new_v4(),
            platform_id: Uuid::new_v4(),
            platform_name: "青森市".into(),
            kind: OutreachKind::PlacementDevelopment,
            title: "受け入れ先の開拓".into(),
            description: String::new(),
            target_groups: Vec::new(),
            area: String::new(),
            profile: Profile::default(),
            deadline: NaiveDate::from_ymd_opt(deadline.0, deadline.1, deadline.2).unwrap(),
            state,
            overdue: false,
            suggested_organisation_ids: Vec::new(),
            organisations: Vec::new(),
            responses: Vec::new(),
            timeline: Vec::new(),
            outcome: None,
            created_by: user("city"),
            created_at: at,
            updated_at: at,
            actions: actions.to_vec(),
            can_answer,
            can_edit: false,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, 15).unwrap()
    }

    #[test]
    fn only_unread_mentions_count_newest_first_and_the_list_is_capped() {
        let mut notifications: Vec<Notification> = (0..8).map(|m| mention(m, false)).collect();
        notifications.push(mention(30, true));
        let mut routed = mention(40, false);
        routed.kind = NotificationKind::OutreachRouted;
        notifications.push(routed);
        let to_do = ToDo::gather(&notifications, [], [], today());
        assert_eq!(to_do.mentions_total, 8);
        assert_eq!(to_do.mentions.len(), TO_DO_SHOWN);
        assert_eq!(to_do.mentions[0].subject, "subject 7");
        assert!(to_do.mentions.iter().all(|n| n.read_at.is_none()));
    }

    #[test]
    fn requests_are_split_into_awaiting_and_overdue_by_what_the_person_may_do() {
        use OutreachAction as A;
        let submit = request(
            OutreachState::Draft,
            (2026, 11, 1),
            &[A::Submit, A::Withdraw],
            false,
        );
        let answer = request(OutreachState::Routed, (2026, 10, 20), &[A::Decline], true);
        // Past its deadline, the organisation waiting on it is not this person: overdue,
        // not awaiting (withdrawing is never waited for).
        let late = request(OutreachState::Routed, (2026, 10, 1), &[A::Withdraw], false);
        // Past its deadline but only seen (no part in it): not listed.
        let seen = request(OutreachState::Routed, (2026, 10, 2), &[], false);
        // Closed: never listed, even past its deadline.
        let closed = request(OutreachState::Closed, (2026, 9, 1), &[], false);
        let requests = [submit.clone(), answer.clone(), late.clone(), seen, closed];
        let to_do = ToDo::gather([], [], &requests, today());
        let ids = |list: &[RequestToDo]| list.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(
            ids(&to_do.awaiting),
            vec![answer.id, submit.id],
            "soonest deadline first"
        );
        assert_eq!(ids(&to_do.overdue), vec![late.id]);
        assert!(to_do.overdue[0].overdue);
        assert!(!to_do.awaiting[0].overdue);
    }

    #[test]
    fn an_awaiting_request_past_its_deadline_is_marked_overdue_once() {
        let late = request(
            OutreachState::Submitted,
            (2026, 10, 14),
            &[OutreachAction::Route, OutreachAction::Return],
            false,
        );
        let to_do = ToDo::gather([], [], [&late], today());
        assert_eq!(to_do.awaiting_total, 1);
        assert!(to_do.awaiting[0].overdue);
        assert_eq!(to_do.overdue_total, 0, "listed once, where the person acts");
    }

    #[test]
    fn unread_messages_are_summed_over_threads_with_any() {
        let to_do = ToDo::gather([], [0, 3, 0, 2], [], today());
        assert_eq!((to_do.unread_messages, to_do.unread_threads), (5, 2));
        assert!(!to_do.is_empty());
        assert!(ToDo::gather([], [0, 0], [], today()).is_empty());
    }
}
