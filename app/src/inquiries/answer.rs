//! An addressee's side of an inquiry: its answer form, one field per question typed by
//! the question (a number with its unit, a text, a choice), "save draft" and "submit".
//! A colleague who opens the page later finds the draft and finishes it; the form carries
//! the version it was read at, so two colleagues saving at once cannot overwrite each
//! other (409 `edit_conflict`, shown as a notice). A submitted answer reads back as a list.

use leptos::prelude::*;

use super::labels::{answer_class, answer_key};
use super::{Inquiry, InquiryAnswer, QuestionKind};
use crate::i18n::Key;
use crate::tr;

#[component]
pub(super) fn AnswerForm(
    inquiry: Inquiry,
    own: Option<InquiryAnswer>,
    csrf: String,
) -> impl IntoView {
    let Some(own) = own else {
        return ().into_any();
    };
    let editable = inquiry.can_answer_for == Some(own.organisation_id);
    let status = own.status;
    let returned =
        (!own.return_comment.is_empty() && status.editable()).then(|| own.return_comment.clone());
    view! {
        <section aria-labelledby="your-answer">
            <h2 id="your-answer">{tr(Key::YourAnswer)} " " <span class=answer_class(status)>{tr(answer_key(status))}</span></h2>
            {returned.map(|comment| view! {
                <p class="notice error" role="alert">{tr(Key::ReturnedWithComment)} " " {comment}</p>
            })}
            {if editable {
                view! {
                    <form method="post" action=format!("/inquiries/{}/answer", inquiry.id) class="stack panel">
                        <input type="hidden" name="csrf_token" value=csrf/>
                        <input type="hidden" name="version" value=own.version.to_string()/>
                        {inquiry.questions.iter().enumerate().map(|(i, q)| {
                            let id = format!("answer-{i}");
                            let value = own.answers.get(i).cloned().unwrap_or_default();
                            let label = format!("{}. {}", i + 1, q.label);
                            let required = q.required;
                            let unit = q.unit.clone();
                            let field = match q.kind {
                                QuestionKind::Number => view! {
                                    <input id=id.clone() name="answer" type="text" inputmode="decimal" maxlength="40" value=value/>
                                    {(!unit.is_empty()).then(|| view! { " " <span>{unit}</span> })}
                                }.into_any(),
                                QuestionKind::Text => view! {
                                    <textarea id=id.clone() name="answer" rows="4" maxlength="5000">{value}</textarea>
                                }.into_any(),
                                QuestionKind::Choice => view! {
                                    <select id=id.clone() name="answer">
                                        <option value="">"—"</option>
                                        {q.choices.iter().map(|c| view! {
                                            <option value=c.clone() selected=*c == value>{c.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                }.into_any(),
                            };
                            view! {
                                <div class="field">
                                    <label for=id>{label} {required.then(|| view! { " " <span class="badge">{tr(Key::QuestionRequired)}</span> })}</label>
                                    <div>{field}</div>
                                </div>
                            }
                        }).collect_view()}
                        <div class="actions">
                            <button type="submit" name="action" value="save">{tr(Key::SaveAnswerDraft)}</button>
                            <button type="submit" name="action" value="submit">{tr(Key::SubmitAnswer)}</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! {
                    <dl class="facts">
                        {inquiry.questions.iter().enumerate().map(|(i, q)| {
                            let value = own.answers.get(i).cloned().unwrap_or_default();
                            let shown = if value.is_empty() || q.unit.is_empty() { value } else { format!("{value} {}", q.unit) };
                            view! {
                                <dt>{format!("{}. {}", i + 1, q.label)}</dt>
                                <dd class="answer-cell">{shown}</dd>
                            }
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
