//! `/proposals/:id`: one proposal, its history and answer, and the steps the reader may
//! take (the secretariat: review, answer, close, publish; the proposer: withdraw), with
//! the secretariat's own note. Every form is a plain post, so the page works without
//! JavaScript; with it, the page follows the local store, so the proposer sees each step
//! the secretariat takes as it happens.

use leptos::prelude::*;

use super::labels::{action_key, error_key, groups_label, outcome_key, state_class, state_key};
use super::{PolicyProposal, ProposalAction, ProposalOutcome, MAX_PROPOSAL_TEXT_CHARS};
use crate::api::fetch_proposal_page;
use crate::components::id_param;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::japan_time;
use crate::{tr, use_lang};

#[component]
pub fn ProposalPageView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_proposal_page(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, proposal| view! { <ProposalBody proposal csrf=me.csrf_token.clone()/> }.into_any(),
    )
}

#[component]
fn ProposalBody(proposal: PolicyProposal, csrf: String) -> impl IntoView {
    let store = use_sync_store();
    let id = proposal.id;
    let from_server = proposal.clone();
    // The newer of the server's copy and the store's (a form post's answer can be ahead of
    // the feed); `None` once the store, having held it, no longer does: the reader may no
    // longer see it (an answer no longer published).
    let held = StoredValue::new(false);
    let current = Memo::new(move |_| {
        let stored = store
            .records
            .with(|r| r.proposals.get(&id).and_then(super::stored));
        match stored {
            Some(p) => {
                held.set_value(true);
                let newer =
                    (p.version, p.note_version) >= (from_server.version, from_server.note_version);
                Some(if newer { p } else { from_server.clone() })
            }
            None if held.get_value() && store.ready.get() => None,
            None => Some(from_server.clone()),
        }
    });
    let error = query("error");
    let saved = query("saved");
    view! {
        <p><a href="/proposals">{tr(Key::BackToProposals)}</a></p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || saved.get().map(|_| view! { <Notice key=Key::ProposalSaved/> })}
        {move || match current.get() {
            Some(p) => view! { <ProposalDocument p csrf=csrf.clone()/> }.into_any(),
            None => view! { <p class="notice">{tr(Key::ProposalGone)}</p> }.into_any(),
        }}
    }
}

#[component]
fn ProposalDocument(p: PolicyProposal, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let groups = p.target_groups.clone();
    let proposer = match &p.on_behalf_of {
        Some(platform) => format!("{}（{}）", platform.name, p.organisation.name),
        None => p.organisation.name.clone(),
    };
    let created = p.created_at;
    let answer = p.outcome.map(|outcome| {
        let at = p.answered_at;
        view! {
            <section class="panel" aria-labelledby="proposal-answer">
                <h2 id="proposal-answer">{tr(Key::ProposalAnswerHeading)}</h2>
                <p><strong>{tr(Key::ProposalOutcomeField)}"："</strong>{tr(outcome_key(outcome))}</p>
                <p class="prewrap">{p.answer.clone()}</p>
                {at.map(|at| view! { <p class="muted">{move || japan_time(at, lang.get())}</p> })}
                <p class="muted">{if p.answer_published { tr(Key::ProposalAnswerPublished) } else { tr(Key::ProposalAnswerPrivate) }}</p>
            </section>
        }
    });
    let history = p.history.clone();
    view! {
        <article class="proposal">
            <h1>{p.title.clone()}</h1>
            <p><span class=state_class(p.state)>{tr(state_key(p.state))}</span></p>
            <dl class="facts">
                <dt>{tr(Key::ProposalAddressee)}</dt><dd>{p.platform_name.clone()}</dd>
                <dt>{tr(Key::ProposalProposer)}</dt><dd>{proposer}</dd>
                <dt>{tr(Key::ProposalTargetGroups)}</dt><dd>{move || groups_label(&groups, lang.get())}</dd>
                <dt>{tr(Key::ProposalSubmittedOn)}</dt><dd>{move || japan_time(created, lang.get())}</dd>
            </dl>
            {(!p.background.is_empty()).then(|| view! {
                <h2>{tr(Key::ProposalBackground)}</h2>
                <p class="prewrap">{p.background.clone()}</p>
            })}
            <h2>{tr(Key::ProposalBody)}</h2>
            <p class="prewrap">{p.proposal.clone()}</p>
            {answer}
            <Steps p=p.clone() csrf=csrf.clone()/>
            <SecretariatNote p=p.clone() csrf/>
            <section aria-labelledby="proposal-history">
                <h2 id="proposal-history">{tr(Key::ProposalHistory)}</h2>
                <ol class="history">
                    {history.into_iter().map(|h| {
                        let at = h.at;
                        view! { <li>{move || japan_time(at, lang.get())}" "{tr(state_key(h.state))}</li> }
                    }).collect_view()}
                </ol>
            </section>
        </article>
    }
}

/// The steps the reader may take: the answer form, and a button for each other step.
#[component]
fn Steps(p: PolicyProposal, csrf: String) -> impl IntoView {
    if p.actions.is_empty() {
        return ().into_any();
    }
    let action = format!("/proposals/{}/steps", p.id);
    let version = p.version.to_string();
    let answer_form = p.actions.contains(&ProposalAction::Answer).then(|| {
        view! {
            <form method="post" action=action.clone() class="stack panel">
                <h2>{tr(Key::ProposalAnswerHeading)}</h2>
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <input type="hidden" name="version" value=version.clone()/>
                <input type="hidden" name="action" value="answer"/>
                <div class="field">
                    <label for="proposal-outcome">{tr(Key::ProposalOutcomeField)}</label>
                    <select id="proposal-outcome" name="outcome" required>
                        <option value="" selected disabled>{tr(Key::ProposalChooseOutcome)}</option>
                        {ProposalOutcome::ALL.iter().map(|o| view! { <option value=o.as_str()>{tr(outcome_key(*o))}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="proposal-answer-text">{tr(Key::ProposalAnswerField)}</label>
                    <textarea id="proposal-answer-text" name="answer" rows="6" required maxlength=MAX_PROPOSAL_TEXT_CHARS.to_string()></textarea>
                </div>
                <div class="check">
                    <input type="checkbox" id="proposal-publish" name="publish_answer" value="true"/>
                    <label for="proposal-publish">{tr(Key::ProposalPublishNow)}</label>
                </div>
                <button type="submit">{tr(Key::ProposalAnswerButton)}</button>
            </form>
        }
    });
    let buttons = p
        .actions
        .iter()
        .filter(|a| **a != ProposalAction::Answer)
        .map(|a| {
            let class = if *a == ProposalAction::Withdraw {
                "danger"
            } else {
                ""
            };
            view! {
                <form method="post" action=action.clone() class="inline">
                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                    <input type="hidden" name="version" value=version.clone()/>
                    <input type="hidden" name="action" value=a.as_str()/>
                    <button type="submit" class=class>{tr(action_key(*a))}</button>
                </form>
            }
        })
        .collect_view();
    view! {
        <div class="actions">{buttons}</div>
        {answer_form}
    }
    .into_any()
}

/// The secretariat's own note: only its readers get it from the server at all.
#[component]
fn SecretariatNote(p: PolicyProposal, csrf: String) -> impl IntoView {
    let Some(note) = p.secretariat_note.clone() else {
        return ().into_any();
    };
    view! {
        <form method="post" action=format!("/proposals/{}/note", p.id) class="stack panel">
            <input type="hidden" name="csrf_token" value=csrf/>
            <input type="hidden" name="note_version" value=p.note_version.unwrap_or(0).to_string()/>
            <div class="field">
                <label for="proposal-note">{tr(Key::ProposalNoteHeading)}</label>
                <textarea id="proposal-note" name="note" rows="3" maxlength=MAX_PROPOSAL_TEXT_CHARS.to_string()>{note}</textarea>
            </div>
            <button type="submit">{tr(Key::ProposalSaveNote)}</button>
        </form>
    }
    .into_any()
}
