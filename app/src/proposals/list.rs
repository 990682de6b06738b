//! `/proposals`: the proposals the reader may see, newest first, with their state; and
//! `/proposals/new`, the form to submit one. After hydration the list follows the local
//! store, so a step the secretariat takes shows at once.

use leptos::prelude::*;

use super::labels::{error_key, state_class, state_key};
use super::{PolicyProposal, ProposalsPage, MAX_PROPOSAL_TEXT_CHARS, MAX_PROPOSAL_TITLE_CHARS};
use crate::api::fetch_proposals_page;
use crate::domain::{Me, TargetGroup};
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::wareki::japan_time;
use crate::{tr, use_lang};

#[component]
pub fn ProposalsListView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_proposals_page());
    signed_in_page(
        page,
        || None,
        |_me, page| view! { <ProposalList page/> }.into_any(),
    )
}

#[component]
pub fn ProposalNewView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_proposals_page());
    signed_in_page(
        page,
        || None,
        |me, page| view! { <ProposalForm page me/> }.into_any(),
    )
}

#[component]
fn ProposalList(page: ProposalsPage) -> impl IntoView {
    let store = use_sync_store();
    let lang = use_lang();
    let from_server = page.proposals.clone();
    let proposals = Memo::new(move |_| {
        let mut all: std::collections::BTreeMap<uuid::Uuid, PolicyProposal> =
            from_server.iter().map(|p| (p.id, p.clone())).collect();
        if store.ready.get() {
            store.records.with(|r| {
                for (id, json) in &r.proposals {
                    if let Some(p) = super::stored(json) {
                        all.insert(*id, p);
                    }
                }
            });
        }
        let mut list: Vec<PolicyProposal> = all.into_values().collect();
        list.sort_by_key(|p| std::cmp::Reverse(p.created_at));
        list
    });
    view! {
        <h1>{tr(Key::ProposalsHeading)}</h1>
        <p class="lead">{tr(Key::ProposalsLead)}</p>
        {(!page.addressees.is_empty()).then(|| view! { <p><a class="button" href="/proposals/new">{tr(Key::NewProposal)}</a></p> })}
        {move || {
            let list = proposals.get();
            if list.is_empty() {
                return view! { <p class="empty">{tr(Key::NoProposals)}</p> }.into_any();
            }
            view! {
                <div class="table-scroll">
                    <table class="proposal-list">
                        <caption class="visually-hidden">{tr(Key::ProposalsHeading)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{tr(Key::ProposalTitle)}</th>
                                <th scope="col">{tr(Key::ProposalProposer)}</th>
                                <th scope="col">{tr(Key::ProposalStateField)}</th>
                                <th scope="col">{tr(Key::ProposalSubmittedOn)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|p| {
                                let at = p.created_at;
                                let proposer = match &p.on_behalf_of {
                                    Some(platform) => format!("{}（{}）", platform.name, p.organisation.name),
                                    None => p.organisation.name.clone(),
                                };
                                view! {
                                    <tr>
                                        <th scope="row"><a href=format!("/proposals/{}", p.id)>{p.title.clone()}</a></th>
                                        <td>{proposer}</td>
                                        <td><span class=state_class(p.state)>{tr(state_key(p.state))}</span></td>
                                        <td>{move || japan_time(at, lang.get())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
    }
}

/// The form to submit a proposal: where to, for whom, the text and the target groups.
#[component]
fn ProposalForm(page: ProposalsPage, me: Me) -> impl IntoView {
    let error = query("error");
    if page.addressees.is_empty() {
        return view! {
            <h1>{tr(Key::NewProposal)}</h1>
            <p class="notice">{tr(Key::ProposalCannotPropose)}</p>
        }
        .into_any();
    }
    let several = page.addressees.len() > 1;
    let on_behalf = page.addressees.iter().any(|a| !a.on_behalf_of.is_empty());
    view! {
        <p><a href="/proposals">{tr(Key::BackToProposals)}</a></p>
        <h1>{tr(Key::NewProposal)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        <form method="post" action="/proposals" class="stack panel">
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            // One network: it goes there. Several: the reader chooses, and a municipal
            // platform proposed for names its own network (grouped by it below).
            {if several {
                view! {
                    <div class="field">
                        <label for="proposal-platform">{tr(Key::ProposalAddressee)}</label>
                        <select id="proposal-platform" name="platform_id">
                            {page.addressees.iter().map(|a| view! {
                                <option value=a.platform.id.to_string()>{a.platform.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }.into_any()
            } else {
                view! {
                    <p><strong>{tr(Key::ProposalAddressee)}"："</strong>{page.addressees[0].platform.name.clone()}</p>
                    <input type="hidden" name="platform_id" value=page.addressees[0].platform.id.to_string()/>
                }.into_any()
            }}
            {on_behalf.then(|| view! {
                <div class="field">
                    <label for="proposal-behalf">{tr(Key::ProposalOnBehalfOf)}</label>
                    <select id="proposal-behalf" name="on_behalf_of">
                        <option value="">{tr(Key::ProposalOwnOrganisation)}</option>
                        {page.addressees.iter().filter(|a| !a.on_behalf_of.is_empty()).map(|a| view! {
                            <optgroup label=a.platform.name.clone()>
                                {a.on_behalf_of.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field">
                <label for="proposal-title">{tr(Key::ProposalTitle)}</label>
                <input id="proposal-title" name="title" type="text" required maxlength=MAX_PROPOSAL_TITLE_CHARS.to_string()/>
            </div>
            <div class="field">
                <label for="proposal-background">{tr(Key::ProposalBackground)}</label>
                <textarea id="proposal-background" name="background" rows="4" maxlength=MAX_PROPOSAL_TEXT_CHARS.to_string()></textarea>
            </div>
            <div class="field">
                <label for="proposal-body">{tr(Key::ProposalBody)}</label>
                <textarea id="proposal-body" name="proposal" rows="6" required maxlength=MAX_PROPOSAL_TEXT_CHARS.to_string()></textarea>
            </div>
            <fieldset>
                <legend>{tr(Key::ProposalTargetGroups)}</legend>
                {TargetGroup::ALL.iter().map(|g| {
                    let id = format!("proposal-group-{}", g.as_str());
                    view! {
                        <div class="check">
                            <input type="checkbox" id=id.clone() name="target_groups" value=g.as_str()/>
                            <label for=id>{tr(crate::i18n::target_group_key(*g))}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <p class="muted">{tr(Key::ProfileHint)}</p>
            <button type="submit">{tr(Key::ProposalSubmitButton)}</button>
        </form>
    }
    .into_any()
}
