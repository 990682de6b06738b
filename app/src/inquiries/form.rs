//! `/inquiries/new`: a new inquiry (a platform's secretariat): title, instructions, the
//! deadline, a table of typed questions and the organisations asked. A plain form post,
//! with or without JavaScript; it saves a draft, which is sent from its page.

use leptos::prelude::*;

use super::labels::{error_key, question_kind_key};
use super::{InquiryFormPage, QuestionKind, FORM_QUESTION_ROWS};
use crate::api::fetch_inquiry_form_page;
use crate::domain::Me;
use crate::i18n::{t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::{tr, use_lang};

#[component]
pub fn InquiryNewView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_inquiry_form_page());
    signed_in_page(
        page,
        || None,
        |me, page| view! { <InquiryForm page me/> }.into_any(),
    )
}

#[component]
fn InquiryForm(page: InquiryFormPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let default_deadline =
        (crate::wareki::japan_today(chrono::Utc::now()) + chrono::Days::new(14)).to_string();
    let senders = page.senders.clone();
    let one_sender = senders.len() == 1;
    view! {
        <h1>{tr(Key::NewInquiry)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        <form method="post" action="/inquiries" class="stack panel inquiry-form">
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            {if one_sender {
                let id = senders.first().map(|s| s.platform.id).unwrap_or_default();
                view! { <input type="hidden" name="platform_id" value=id.to_string()/> }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="inquiry-platform">{tr(Key::InquiryPlatform)}</label>
                        <select id="inquiry-platform" name="platform_id">
                            {senders.iter().map(|s| view! { <option value=s.platform.id.to_string()>{s.platform.name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                }.into_any()
            }}
            <div class="field">
                <label for="inquiry-title">{tr(Key::InquiryTitle)}</label>
                <input id="inquiry-title" name="title" type="text" required maxlength="200"/>
            </div>
            <div class="field">
                <label for="inquiry-instructions">{tr(Key::InquiryInstructions)}</label>
                <textarea id="inquiry-instructions" name="instructions" rows="5" maxlength="5000"></textarea>
            </div>
            <div class="field">
                <label for="inquiry-deadline">{tr(Key::InquiryDeadline)}</label>
                <input id="inquiry-deadline" name="deadline" type="date" required value=default_deadline/>
            </div>
            <fieldset>
                <legend>{tr(Key::InquiryQuestions)}</legend>
                <p class="hint">{tr(Key::InquiryQuestionsHint)}</p>
                {(0..FORM_QUESTION_ROWS).map(|i| {
                    let id = |what: &str| format!("inquiry-q{i}-{what}");
                    view! {
                        <fieldset class="question-row">
                            <legend>{move || format!("{} {}", t(lang.get(), Key::QuestionLabel), i + 1)}</legend>
                            <div class="field">
                                <label for=id("label")>{tr(Key::QuestionLabel)}</label>
                                <input id=id("label") name="q_label" type="text" maxlength="500"/>
                            </div>
                            <div class="field">
                                <label for=id("kind")>{tr(Key::QuestionKindField)}</label>
                                <select id=id("kind") name="q_kind">
                                    {QuestionKind::ALL.iter().map(|k| {
                                        let k = *k;
                                        view! { <option value=k.as_str()>{move || t(lang.get(), question_kind_key(k))}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for=id("unit")>{tr(Key::QuestionUnit)}</label>
                                <input id=id("unit") name="q_unit" type="text" maxlength="20"/>
                            </div>
                            <div class="field">
                                <label for=id("choices")>{tr(Key::QuestionChoices)}</label>
                                <textarea id=id("choices") name="q_choices" rows="3"></textarea>
                            </div>
                            <div class="check">
                                <input id=id("required") type="checkbox" name="q_required" value=i.to_string()/>
                                <label for=id("required")>{tr(Key::QuestionRequired)}</label>
                            </div>
                        </fieldset>
                    }
                }).collect_view()}
            </fieldset>
            <KpiLinkFields senders=senders.clone()/>
            <fieldset>
                <legend>{tr(Key::InquiryAddressees)}</legend>
                <p class="hint">{tr(Key::InquiryAddresseesHint)}</p>
                {senders.iter().map(|s| {
                    let platform = (!one_sender).then(|| s.platform.name.clone());
                    view! {
                        {platform.map(|name| view! { <h3>{name}</h3> })}
                        {s.organisations.iter().map(|o| {
                            let input_id = format!("inquiry-addressee-{}-{}", s.platform.id, o.id);
                            view! {
                                <div class="check">
                                    <input id=input_id.clone() type="checkbox" name="addressees" value=o.id.to_string()/>
                                    <label for=input_id>{o.name.clone()}</label>
                                </div>
                            }
                        }).collect_view()}
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit">{tr(Key::SaveInquiryDraft)}</button>
        </form>
    }
}

/// The optional KPI link: which published KPI, 年度, quarter and number question. Shown
/// only to a sender whose platform has published KPIs (the prefectural secretariat).
#[component]
fn KpiLinkFields(senders: Vec<super::InquirySender>) -> impl IntoView {
    let lang = use_lang();
    let many = senders.len() > 1;
    let kpis: Vec<(String, super::KpiChoice)> = senders
        .iter()
        .flat_map(|s| {
            s.kpis.iter().map(move |k| {
                (
                    if many {
                        format!("{}：{}", s.platform.name, k.name)
                    } else {
                        k.name.clone()
                    },
                    k.clone(),
                )
            })
        })
        .collect();
    if kpis.is_empty() {
        return ().into_any();
    }
    let first = kpis
        .iter()
        .map(|(_, k)| k.period_start)
        .min()
        .unwrap_or(2000);
    let last = kpis.iter().map(|(_, k)| k.period_end).max().unwrap_or(2000);
    let this_year = crate::wareki::FiscalYear::of(crate::wareki::japan_today(chrono::Utc::now())).0;
    view! {
        <fieldset>
            <legend>{tr(Key::InquiryKpiLink)}</legend>
            <p class="hint">{tr(Key::InquiryKpiLinkHint)}</p>
            <div class="field">
                <label for="inquiry-kpi">{tr(Key::Kpis)}</label>
                <select id="inquiry-kpi" name="kpi_id">
                    <option value="">{tr(Key::InquiryKpiNone)}</option>
                    {kpis.into_iter().map(|(name, k)| view! { <option value=k.id.to_string()>{name}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="inquiry-kpi-year">{tr(Key::FiscalYearHeading)}</label>
                <select id="inquiry-kpi-year" name="kpi_fiscal_year">
                    {(first..=last).map(|y| view! {
                        <option value=y.to_string() selected=y == this_year.clamp(first, last)>{move || crate::wareki::FiscalYear(y).label(lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="inquiry-kpi-quarter">{tr(Key::InquiryKpiQuarter)}</label>
                <select id="inquiry-kpi-quarter" name="kpi_quarter">
                    <option value="">{tr(Key::InquiryKpiWholeYear)}</option>
                    {(1..=4).map(|q| view! { <option value=q.to_string()>{format!("Q{q}")}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="inquiry-kpi-question">{tr(Key::InquiryKpiQuestion)}</label>
                <select id="inquiry-kpi-question" name="kpi_question">
                    {(1..=FORM_QUESTION_ROWS).map(|n| view! {
                        <option value=n.to_string()>{move || format!("{} {n}", t(lang.get(), Key::QuestionLabel))}</option>
                    }).collect_view()}
                </select>
            </div>
        </fieldset>
    }
    .into_any()
}
