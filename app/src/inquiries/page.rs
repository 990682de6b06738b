//! An inquiry's page. For its sender's secretariat: the questions, the actions of its
//! state (send or delete a draft; remind or withdraw a sent one) and each organisation's
//! answer with return and accept. For an addressee: the questions and its answer form
//! (`super::answer`). Every form is a plain post; with JavaScript the page follows the
//! local store, so an answer submitted elsewhere shows at once.

use leptos::prelude::*;

use super::answer::AnswerForm;
use super::labels::{answer_class, answer_key, error_key, question_kind_key, status_key};
use super::{AnswerStatus, Inquiry, InquiryAnswer, InquiryStatus};
use crate::api::fetch_inquiry_page;
use crate::components::id_param;
use crate::domain::Me;
use crate::i18n::{t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::{display_date, japan_time};
use crate::{tr, use_lang};

#[component]
pub fn InquiryPageView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_inquiry_page(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, inquiry| view! { <InquiryBody inquiry me/> }.into_any(),
    )
}

#[component]
fn InquiryBody(inquiry: Inquiry, me: Me) -> impl IntoView {
    let store = use_sync_store();
    let id = inquiry.id;
    let from_server = inquiry.clone();
    let current = Memo::new(move |_| {
        store
            .records
            .with(|r| r.inquiries.get(&id).and_then(super::stored))
            .unwrap_or_else(|| from_server.clone())
    });
    let error = query("error");
    let saved = query("saved");
    let reminded = query("reminded");
    view! {
        <p><a href="/inquiries">{tr(Key::BackToInquiries)}</a></p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || saved.get().map(|_| view! { <Notice key=Key::InquirySaved/> })}
        {move || reminded.get().map(|_| view! { <Notice key=Key::InquiryReminded/> })}
        {move || {
            let inquiry = current.get();
            let csrf = me.csrf_token.clone();
            view! { <InquiryArticle inquiry csrf/> }
        }}
    }
}

#[component]
fn InquiryArticle(inquiry: Inquiry, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let deadline = inquiry.deadline;
    let sent_at = inquiry.sent_at;
    let late = inquiry
        .answers
        .iter()
        .any(|a| inquiry.overdue(a, chrono::Utc::now()));
    let own = (!inquiry.can_manage)
        .then(|| inquiry.answers.first().cloned())
        .flatten();
    view! {
        <article class="inquiry">
            <h1>{inquiry.title.clone()}</h1>
            <dl class="facts">
                <dt>{tr(Key::InquirySender)}</dt>
                <dd>{inquiry.platform_name.clone()}</dd>
                <dt>{tr(Key::InquiryDeadlineShort)}</dt>
                <dd>
                    {move || display_date(deadline, lang.get())}
                    {late.then(|| view! { " " <span class="badge overdue">{tr(Key::Overdue)}</span> })}
                </dd>
                {inquiry.kpi_share.clone().filter(|t| !t.kpi_name.is_empty()).map(|target| {
                    let year = crate::wareki::FiscalYear(target.link.fiscal_year);
                    let quarter = target.link.quarter.map(|q| format!(" Q{q}")).unwrap_or_default();
                    let question = target.link.question as usize + 1;
                    view! {
                        <dt>{tr(Key::InquiryKpiLinked)}</dt>
                        <dd>
                            <a href=format!("/kpis/{}", target.link.kpi_id)>{target.kpi_name.clone()}</a>
                            " " {move || year.label(lang.get())} {quarter.clone()}
                            " (" {move || format!("{} {question}", t(lang.get(), Key::QuestionLabel))} ")"
                        </dd>
                    }
                })}
                <dt>{tr(Key::InquiryStatusField)}</dt>
                <dd>
                    <span class="badge">{tr(status_key(inquiry.status))}</span>
                    {sent_at.map(|at| view! { " " {move || japan_time(at, lang.get())} })}
                </dd>
            </dl>
            {(inquiry.status == InquiryStatus::Withdrawn)
                .then(|| view! { <Notice key=Key::InquiryWithdrawnNotice/> })}
            {(!inquiry.instructions.is_empty()).then(|| view! {
                <h2>{tr(Key::InquiryInstructions)}</h2>
                <p class="inquiry-instructions">{inquiry.instructions.clone()}</p>
            })}
            {if inquiry.can_manage {
                view! {
                    <ManageActions inquiry=inquiry.clone() csrf=csrf.clone()/>
                    <Questions inquiry=inquiry.clone()/>
                    <AnswersTable inquiry=inquiry.clone() csrf=csrf.clone()/>
                }.into_any()
            } else {
                view! { <AnswerForm inquiry=inquiry.clone() own csrf=csrf.clone()/> }.into_any()
            }}
        </article>
    }
}

/// A one-button form posting `action` to the inquiry's manage route.
#[component]
fn ActionButton(id: uuid::Uuid, csrf: String, action: &'static str, label: Key) -> impl IntoView {
    view! {
        <form method="post" action=format!("/inquiries/{id}/manage") class="inline">
            <input type="hidden" name="csrf_token" value=csrf/>
            <input type="hidden" name="action" value=action/>
            <button type="submit">{tr(label)}</button>
        </form>
    }
}

#[component]
fn ManageActions(inquiry: Inquiry, csrf: String) -> impl IntoView {
    let id = inquiry.id;
    let owing = inquiry.answers.iter().any(|a| a.status.outstanding());
    view! {
        <div class="actions">
            {match inquiry.status {
                InquiryStatus::Draft => view! {
                    <ActionButton id csrf=csrf.clone() action="send" label=Key::SendInquiry/>
                    <ActionButton id csrf=csrf.clone() action="delete" label=Key::DeleteInquiryDraft/>
                }.into_any(),
                InquiryStatus::Sent => view! {
                    {owing.then(|| view! { <ActionButton id csrf=csrf.clone() action="remind" label=Key::RemindAddressees/> })}
                    <ActionButton id csrf=csrf.clone() action="withdraw" label=Key::WithdrawInquiry/>
                }.into_any(),
                InquiryStatus::Withdrawn => ().into_any(),
            }}
        </div>
    }
}

/// The questions as a table: number, question, type (with unit or choices), required.
#[component]
pub(super) fn Questions(inquiry: Inquiry) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2>{tr(Key::InquiryQuestions)}</h2>
        <div class="table-scroll">
            <table class="inquiry-questions">
                <caption class="visually-hidden">{tr(Key::InquiryQuestions)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{tr(Key::QuestionLabel)}</th>
                        <th scope="col">{tr(Key::QuestionKindField)}</th>
                        <th scope="col">{tr(Key::QuestionRequired)}</th>
                    </tr>
                </thead>
                <tbody>
                    {inquiry.questions.iter().enumerate().map(|(i, q)| {
                        let kind = q.kind;
                        let detail = if q.unit.is_empty() { q.choices.join(" / ") } else { q.unit.clone() };
                        let required = q.required;
                        view! {
                            <tr>
                                <td class="number">{i + 1}</td>
                                <th scope="row">{q.label.clone()}</th>
                                <td>{move || t(lang.get(), question_kind_key(kind))} {(!detail.is_empty()).then(|| format!("（{detail}）"))}</td>
                                <td>{required.then(|| tr(Key::QuestionRequired))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Every addressee's answer, one row each, with return and accept for submitted ones.
#[component]
fn AnswersTable(inquiry: Inquiry, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let questions = inquiry.questions.clone();
    let open = inquiry.status == InquiryStatus::Sent;
    let download = format!("{}.xlsx", inquiry.title);
    view! {
        <h2>{tr(Key::AnswersHeading)}</h2>
        <p><a href=format!("/api/v1/inquiries/{}/export.xlsx", inquiry.id) download=download>{tr(Key::ExportAnswers)}</a></p>
        <div class="table-scroll">
            <table class="inquiry-answers">
                <caption class="visually-hidden">{tr(Key::AnswersHeading)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Key::KpiContributor)}</th>
                        <th scope="col">{tr(Key::AnswerStatusField)}</th>
                        {questions.iter().enumerate().map(|(i, q)| view! {
                            <th scope="col" title=q.label.clone()>{format!("{}. {}", i + 1, q.label)}</th>
                        }).collect_view()}
                        <th scope="col"><span class="visually-hidden">{tr(Key::InquiryStatusField)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {inquiry.answers.iter().map(|a: &InquiryAnswer| {
                        let status = a.status;
                        let reminded = a.reminded_at;
                        let units: Vec<String> = questions.iter().map(|q| q.unit.clone()).collect();
                        let org = a.organisation_id;
                        let version = a.version.to_string();
                        let comment_id = format!("return-comment-{org}");
                        let csrf = csrf.clone();
                        view! {
                            <tr>
                                <th scope="row">{a.organisation_name.clone()}</th>
                                <td>
                                    <span class=answer_class(status)>{tr(answer_key(status))}</span>
                                    {reminded.map(|at| view! { <br/><small>{tr(Key::RemindedOn)} " " {move || japan_time(at, lang.get())}</small> })}
                                </td>
                                {a.answers.iter().zip(units).map(|(value, unit)| {
                                    let blank = value.is_empty();
                                    let shown = if unit.is_empty() { value.clone() } else { format!("{value} {unit}") };
                                    view! {
                                        <td class="answer-cell">
                                            {if blank { view! { <span class="muted">{tr(Key::AnswerBlank)}</span> }.into_any() } else { shown.into_any() }}
                                        </td>
                                    }
                                }).collect_view()}
                                <td>
                                    {(open && status == AnswerStatus::Submitted).then(|| view! {
                                        <form method="post" action=format!("/inquiries/{}/answers/{org}", inquiry.id) class="stack">
                                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                            <input type="hidden" name="version" value=version.clone()/>
                                            <button type="submit" name="action" value="accept">{tr(Key::AcceptAnswerButton)}</button>
                                            <div class="field">
                                                <label for=comment_id.clone()>{tr(Key::ReturnComment)}</label>
                                                <textarea id=comment_id.clone() name="comment" rows="2" maxlength="1000"></textarea>
                                            </div>
                                            <button type="submit" name="action" value="return">{tr(Key::ReturnAnswerButton)}</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
