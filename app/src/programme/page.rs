//! `/p/:slug/programme`: the network's programme and its pledge, with every earlier
//! version of the pledge. The secretariat edits both here with plain form posts (with or
//! without JavaScript); everyone else of the network reads them.

use leptos::prelude::*;

use super::{
    age_band, ProgrammePage, MAX_PLEDGE_CLAUSE_CHARS, MAX_PLEDGE_INTRO_CHARS,
    MAX_PLEDGE_NOTE_CHARS, MAX_PROGRAMME_NAME_CHARS, MAX_TARGET_AGE, MIN_TARGET_AGE,
};
use crate::api::fetch_programme_page;
use crate::domain::PledgeText;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page, slug_param, version_label, Notice, PledgeVersion};
use crate::wareki::display_date;
use crate::{tr, use_lang};

#[component]
pub fn ProgrammePageView() -> impl IntoView {
    let slug = slug_param();
    let page = Resource::new(slug.clone(), fetch_programme_page);
    signed_in_page(
        page,
        move || Some(slug()),
        |me, page| view! { <ProgrammeView page csrf=me.csrf_token/> }.into_any(),
    )
}

/// The catalogue's words for a refusal of this page's forms.
fn error_key(code: &str) -> Key {
    match code {
        "invalid_age_band" => Key::ProgrammeErrorAgeBand,
        "invalid_pledge" => Key::PledgeErrorClauses,
        other => crate::sync::refusal_key(other).unwrap_or(Key::ProgrammeErrorInvalid),
    }
}

#[component]
fn ProgrammeView(page: ProgrammePage, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let saved = query("saved");
    let slug = page.network.slug.clone();
    let programme = page.programme.clone();
    let current = page.pledges.first().cloned();
    let earlier: Vec<PledgeText> = page.pledges.iter().skip(1).cloned().collect();
    let band = age_band(programme.target_age_min, programme.target_age_max);
    let age = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();

    let programme_view = if page.can_edit {
        view! {
            <form method="post" action=format!("/p/{slug}/programme") class="stack">
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <div class="field">
                    <label for="programme-name">{tr(Key::ProgrammeName)}</label>
                    <input
                        id="programme-name"
                        name="programme_name"
                        maxlength=MAX_PROGRAMME_NAME_CHARS
                        required
                        value=programme.programme_name.clone()
                        aria-describedby="programme-name-hint"
                    />
                    <p class="hint" id="programme-name-hint">{tr(Key::ProgrammeNameHint)}</p>
                </div>
                <fieldset>
                    <legend>{tr(Key::ProgrammeAgeBand)}</legend>
                    <div class="field inline">
                        <label for="age-min">{tr(Key::ProgrammeAgeFrom)}</label>
                        <input id="age-min" name="target_age_min" type="number" inputmode="numeric"
                            min=MIN_TARGET_AGE max=MAX_TARGET_AGE value=age(programme.target_age_min)/>
                        <label for="age-max">{tr(Key::ProgrammeAgeTo)}</label>
                        <input id="age-max" name="target_age_max" type="number" inputmode="numeric"
                            min=MIN_TARGET_AGE max=MAX_TARGET_AGE value=age(programme.target_age_max)/>
                    </div>
                </fieldset>
                <button type="submit" class="primary">{tr(Key::ProgrammeSave)}</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <dl class="facts">
                <dt>{tr(Key::ProgrammeName)}</dt>
                <dd>
                    {if programme.is_named() {
                        programme.programme_name.clone().into_any()
                    } else {
                        tr(Key::ProgrammeUnnamed).into_any()
                    }}
                </dd>
                <dt>{tr(Key::ProgrammeAgeBand)}</dt>
                <dd>
                    {match band.clone() {
                        Some(band) => view! { {band} {tr(Key::AgeUnit)} }.into_any(),
                        None => tr(Key::ProgrammeAgeOpen).into_any(),
                    }}
                </dd>
            </dl>
        }
        .into_any()
    };

    let pledge_form = page.can_edit.then(|| {
        let (intro, clauses) = current
            .as_ref()
            .map(|p| (p.intro.clone(), p.clauses.join("\n")))
            .unwrap_or_default();
        view! {
            <section class="panel" aria-labelledby="new-pledge-heading">
                <h2 id="new-pledge-heading">{tr(Key::PledgeNewVersion)}</h2>
                <p class="hint">{tr(Key::PledgeNewVersionHint)}</p>
                <form method="post" action=format!("/p/{slug}/pledges") class="stack">
                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                    <div class="field">
                        <label for="pledge-intro">{tr(Key::PledgeIntroLabel)}</label>
                        <textarea id="pledge-intro" name="intro" rows="3" required
                            maxlength=MAX_PLEDGE_INTRO_CHARS>{intro}</textarea>
                    </div>
                    <div class="field">
                        <label for="pledge-clauses">{tr(Key::PledgeClausesLabel)}</label>
                        <textarea id="pledge-clauses" name="clauses" rows="6" required
                            aria-describedby="pledge-clauses-hint"
                            maxlength=MAX_PLEDGE_CLAUSE_CHARS * super::MAX_PLEDGE_CLAUSES>{clauses}</textarea>
                        <p class="hint" id="pledge-clauses-hint">{tr(Key::PledgeClausesHint)}</p>
                    </div>
                    <div class="field">
                        <label for="pledge-note">{tr(Key::PledgeNoteLabel)}</label>
                        <input id="pledge-note" name="note" maxlength=MAX_PLEDGE_NOTE_CHARS/>
                    </div>
                    <button type="submit" class="primary">{tr(Key::PledgeSaveVersion)}</button>
                </form>
            </section>
        }
    });

    view! {
        <h1>{tr(Key::ProgrammeTitle)}</h1>
        <p class="meta">{page.network.name.clone()}</p>
        {move || saved.get().map(|_| view! { <Notice key=Key::ProgrammeSaved/> })}
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        <section class="panel" aria-labelledby="programme-heading">
            <h2 id="programme-heading">{tr(Key::ProgrammeHeading)}</h2>
            {programme_view}
        </section>
        <section class="panel" aria-labelledby="pledge-heading">
            <h2 id="pledge-heading">{tr(Key::PledgeCurrent)}</h2>
            {match current.clone() {
                Some(pledge) => view! { <PledgeVersion pledge/> }.into_any(),
                None => view! { <p>{tr(Key::PledgeBuiltIn)}</p> }.into_any(),
            }}
        </section>
        {pledge_form}
        {(!earlier.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="pledge-history-heading">
                <h2 id="pledge-history-heading">{tr(Key::PledgeHistory)}</h2>
                <ul class="plain">
                    {earlier.into_iter().map(|pledge| {
                        let created = crate::wareki::japan_today(pledge.created_at);
                        let version = pledge.version;
                        view! {
                            <li>
                                <details>
                                    <summary>
                                        {move || version_label(lang.get(), version)}
                                        " · " {move || display_date(created, lang.get())}
                                    </summary>
                                    <PledgeVersion pledge/>
                                </details>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
