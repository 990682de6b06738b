//! `/inquiries`: what the reader's organisation is asked (its to-do list: deadline, its
//! answer's state, reminders) and what the reader's platforms sent (how many answered).
//! Server-rendered; after hydration each inquiry follows the local store.

use leptos::prelude::*;

use super::labels::{answer_class, answer_key, error_key, status_key};
use super::{InquiriesPage, Inquiry, InquiryStatus};
use crate::api::fetch_inquiries_page;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::display_date;
use crate::{tr, use_lang};

#[component]
pub fn InquiriesListView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_inquiries_page());
    signed_in_page(
        page,
        || None,
        |_me, page| view! { <InquiryLists page/> }.into_any(),
    )
}

#[component]
fn InquiryLists(page: InquiriesPage) -> impl IntoView {
    let store = use_sync_store();
    let error = query("error");
    let from_server = page.inquiries.clone();
    let all = Memo::new(move |_| {
        let mut all: std::collections::BTreeMap<uuid::Uuid, Inquiry> =
            from_server.iter().map(|i| (i.id, i.clone())).collect();
        store.records.with(|r| {
            for (id, json) in &r.inquiries {
                if let Some(inquiry) = super::stored(json) {
                    all.insert(*id, inquiry);
                }
            }
        });
        let mut list: Vec<Inquiry> = all.into_values().collect();
        list.sort_by(|a, b| (a.deadline, b.created_at).cmp(&(b.deadline, a.created_at)));
        list
    });
    let to_answer = move || {
        all.get()
            .into_iter()
            .filter(|i| !i.can_manage)
            .collect::<Vec<_>>()
    };
    let sent = move || {
        all.get()
            .into_iter()
            .filter(|i| i.can_manage)
            .collect::<Vec<_>>()
    };
    view! {
        <h1>{tr(Key::InquiriesHeading)}</h1>
        <p class="lead">{tr(Key::InquiriesLead)}</p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {page.can_create.then(|| view! { <p><a class="button" href="/inquiries/new">{tr(Key::NewInquiry)}</a></p> })}
        <section aria-labelledby="inquiries-to-answer">
            <h2 id="inquiries-to-answer">{tr(Key::InquiriesToAnswer)}</h2>
            {move || {
                let list = to_answer();
                if list.is_empty() {
                    view! { <p class="empty">{tr(Key::NoInquiriesToAnswer)}</p> }.into_any()
                } else {
                    view! { <ToAnswerTable list/> }.into_any()
                }
            }}
        </section>
        {page.can_create.then(|| view! {
            <section aria-labelledby="inquiries-sent">
                <h2 id="inquiries-sent">{tr(Key::InquiriesSent)}</h2>
                {move || {
                    let list = sent();
                    if list.is_empty() {
                        view! { <p class="empty">{tr(Key::NoInquiriesSent)}</p> }.into_any()
                    } else {
                        view! { <SentTable list/> }.into_any()
                    }
                }}
            </section>
        })}
    }
}

/// An inquiry's link with its deadline and, when late, the overdue badge.
#[component]
fn TitleCell(inquiry: Inquiry, late: bool) -> impl IntoView {
    view! {
        <th scope="row">
            <a href=format!("/inquiries/{}", inquiry.id)>{inquiry.title.clone()}</a>
            {late.then(|| view! { " " <span class="badge overdue">{tr(Key::Overdue)}</span> })}
        </th>
    }
}

#[component]
fn ToAnswerTable(list: Vec<Inquiry>) -> impl IntoView {
    let lang = use_lang();
    let now = chrono::Utc::now();
    view! {
        <div class="table-scroll">
            <table>
                <caption class="visually-hidden">{tr(Key::InquiriesToAnswer)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::InquiryTitle)}</th>
                        <th scope="col">{tr(Key::InquirySender)}</th>
                        <th scope="col">{tr(Key::InquiryDeadlineShort)}</th>
                        <th scope="col">{tr(Key::AnswerStatusField)}</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|i| {
                        let own = i.answers.first().cloned();
                        let late = own.as_ref().is_some_and(|a| i.overdue(a, now));
                        let deadline = i.deadline;
                        let withdrawn = i.status == InquiryStatus::Withdrawn;
                        view! {
                            <tr>
                                <TitleCell inquiry=i.clone() late/>
                                <td>{i.platform_name.clone()}</td>
                                <td>{move || display_date(deadline, lang.get())}</td>
                                <td>
                                    {if withdrawn {
                                        view! { <span class="badge">{tr(status_key(InquiryStatus::Withdrawn))}</span> }.into_any()
                                    } else {
                                        own.map(|a| view! {
                                            <span class=answer_class(a.status)>{tr(answer_key(a.status))}</span>
                                            {a.reminded_at.is_some().then(|| view! { " " <span class="badge overdue">{tr(Key::RemindedOn)}</span> })}
                                        }.into_any()).unwrap_or_else(|| ().into_any())
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn SentTable(list: Vec<Inquiry>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-scroll">
            <table>
                <caption class="visually-hidden">{tr(Key::InquiriesSent)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::InquiryTitle)}</th>
                        <th scope="col">{tr(Key::InquiryStatusField)}</th>
                        <th scope="col">{tr(Key::InquiryDeadlineShort)}</th>
                        <th scope="col">{tr(Key::AnswersProgress)}</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|i| {
                        let done = i.answers.iter().filter(|a| !a.status.outstanding()).count();
                        let total = i.addressee_count;
                        let deadline = i.deadline;
                        let status = i.status;
                        view! {
                            <tr>
                                <TitleCell inquiry=i.clone() late=false/>
                                <td><span class="badge">{tr(status_key(status))}</span></td>
                                <td>{move || display_date(deadline, lang.get())}</td>
                                <td class="number">{format!("{done} / {total}")}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
