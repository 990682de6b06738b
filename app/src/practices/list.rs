//! The good-practice library: Japanese search with facets, highlighted snippets, and an
//! offer to drop a filter when nothing matches. The server ranks and counts; after
//! hydration the search is asked for again whenever the sync engine hears of a change.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::labels::{error_key, facet_label, filter_key_label};
use super::{
    FilterKey, PracticeFilter, PracticeSearch, PracticeStatus, PracticesPage, SnippetPart,
};
use crate::api::fetch_practices_page;
use crate::domain::TargetGroup;
use crate::i18n::{t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::use_sync_store;
use crate::{tr, use_lang};

/// The query-string names the library reads.
const FILTER_NAMES: [&str; 8] = [
    "q",
    "target_group",
    "tag",
    "area",
    "platform",
    "year",
    "featured",
    "offset",
];

fn filter_params() -> Memo<Vec<(String, String)>> {
    let map = use_query_map();
    Memo::new(move |_| {
        let map = map.read();
        FILTER_NAMES
            .iter()
            .filter_map(|name| map.get(name).map(|v| (name.to_string(), v)))
            .collect()
    })
}

/// The filter with one facet set to a value (and back to the first page).
fn with_value(filter: &PracticeFilter, key: FilterKey, value: &str) -> PracticeFilter {
    let mut f = filter.without(key);
    match key {
        FilterKey::Q => f.q = Some(value.to_string()),
        FilterKey::TargetGroup => f.target_group = TargetGroup::parse(value),
        FilterKey::Tag => f.tag = Some(value.to_string()),
        FilterKey::Area => f.area = Some(value.to_string()),
        FilterKey::Platform => f.platform = Uuid::parse_str(value).ok(),
        FilterKey::Year => f.year = value.parse().ok(),
        FilterKey::Featured => f.featured = true,
    }
    f
}

#[component]
fn Snippet(parts: Vec<SnippetPart>) -> impl IntoView {
    view! {
        <p class="snippet">
            {parts
                .into_iter()
                .map(|p| {
                    if p.hit {
                        view! { <mark>{p.text}</mark> }.into_any()
                    } else {
                        view! { <span>{p.text}</span> }.into_any()
                    }
                })
                .collect_view()}
        </p>
    }
}

#[component]
pub fn PracticesListView() -> impl IntoView {
    let params = filter_params();
    let page = Resource::new(move || params.get(), fetch_practices_page);
    signed_in_page(
        page,
        || None,
        |_, page| view! { <PracticesBody page/> }.into_any(),
    )
}

#[component]
fn PracticesBody(page: PracticesPage) -> impl IntoView {
    let lang = use_lang();
    let params = filter_params();
    let store = use_sync_store();
    // The server's answer (ranked, counted); asked again when the store hears of a
    // change, so a practice written or adopted elsewhere shows without a reload.
    let found = store.refreshed(
        page.search.clone(),
        || true,
        move || async move {
            fetch_practices_page(params.get_untracked())
                .await
                .ok()
                .map(|p| p.search)
        },
    );
    let filter = Memo::new(move |_| PracticeFilter::from_params(&params.get()));
    let error = query("error");
    let words = move || filter.with(|f| f.words().unwrap_or_default().to_string());
    view! {
        <h1>{tr(Key::PracticesHeading)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {page
            .can_write
            .then(|| {
                view! {
                    <p>
                        <a class="button primary" href="/practices/new">{tr(Key::NewPractice)}</a>
                    </p>
                }
            })}
        <form method="get" action="/practices" class="panel filters" role="search">
            <div class="field">
                <label for="practice-q">{tr(Key::PracticeSearchWords)}</label>
                <input
                    id="practice-q"
                    type="search"
                    name="q"
                    maxlength=PracticeFilter::MAX_QUERY_CHARS
                    value=words
                />
            </div>
            // The facet filters stay while the words change.
            {move || {
                let f = filter.get();
                let mut kept: Vec<(&'static str, String)> = Vec::new();
                if let Some(g) = f.target_group {
                    kept.push(("target_group", g.as_str().to_string()));
                }
                if let Some(v) = f.tag {
                    kept.push(("tag", v));
                }
                if let Some(v) = f.area {
                    kept.push(("area", v));
                }
                if let Some(v) = f.platform {
                    kept.push(("platform", v.to_string()));
                }
                if let Some(v) = f.year {
                    kept.push(("year", v.to_string()));
                }
                if f.featured {
                    kept.push(("featured", "true".into()));
                }
                kept.into_iter()
                    .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
                    .collect_view()
            }}
            <button type="submit">{tr(Key::PracticeSearchButton)}</button>
        </form>
        <div class="library">
            <section class="library-results" aria-live="polite">
                {move || {
                    let search = found.get();
                    let f = filter.get();
                    view! { <Results search filter=f/> }
                }}
            </section>
            <aside class="facets panel" aria-labelledby="facets-heading">
                <h2 id="facets-heading">{tr(Key::NarrowDown)}</h2>
                {move || {
                    let search = found.get();
                    let f = filter.get();
                    let lang = lang.get();
                    let groups = [
                        (FilterKey::TargetGroup, search.facets.target_group.clone()),
                        (FilterKey::Tag, search.facets.tag.clone()),
                        (FilterKey::Area, search.facets.area.clone()),
                        (FilterKey::Platform, search.facets.platform.clone()),
                        (FilterKey::Year, search.facets.year.clone()),
                    ];
                    groups
                        .into_iter()
                        .filter(|(key, counts)| !counts.is_empty() || f.active().contains(key))
                        .map(|(key, counts)| {
                            let active = f.active().contains(&key);
                            let remove = f.without(key).href();
                            view! {
                                <section class="facet">
                                    <h3>{t(lang, filter_key_label(key))}</h3>
                                    {active
                                        .then(|| {
                                            view! {
                                                <p>
                                                    <a href=remove>{t(lang, Key::RemoveFilter)}</a>
                                                </p>
                                            }
                                        })}
                                    <ul>
                                        {counts
                                            .into_iter()
                                            .map(|c| {
                                                let href = with_value(&f, key, &c.value).href();
                                                let label = facet_label(key, &c.value, &c.label, lang);
                                                view! {
                                                    <li>
                                                        <a href=href>{label} " (" {c.count} ")"</a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                            }
                        })
                        .collect_view()
                }}
            </aside>
        </div>
    }
}

#[component]
fn Results(search: PracticeSearch, filter: PracticeFilter) -> impl IntoView {
    let lang = use_lang();
    let total = search.total;
    let offset = filter.offset;
    let shown = search.items.len() as u64;
    let previous = (offset > 0).then(|| {
        let mut f = filter.clone();
        f.offset = offset.saturating_sub(20);
        f.href()
    });
    // Past the deepest page the server serves, the person narrows the search instead.
    let next =
        (offset + shown < total && offset + shown <= PracticeFilter::MAX_OFFSET).then(|| {
            let mut f = filter.clone();
            f.offset = offset + shown;
            f.href()
        });
    let empty = search.items.is_empty();
    let relaxations = search.relaxations.clone();
    let relax_filter = filter.clone();
    view! {
        <p class="count">
            <strong>{total}</strong>
            " "
            {tr(Key::PracticeHits)}
        </p>
        {empty
            .then(|| {
                view! {
                    <div class="notice" role="status">
                        <p>{tr(Key::NoPracticesFound)}</p>
                        {(!relaxations.is_empty())
                            .then(|| {
                                view! {
                                    <p>{tr(Key::DropFilterOffer)}</p>
                                    <ul>
                                        {relaxations
                                            .iter()
                                            .map(|r| {
                                                let href = relax_filter.without(r.drop).href();
                                                let key = filter_key_label(r.drop);
                                                let n = r.total;
                                                view! {
                                                    <li>
                                                        <a href=href>
                                                            {move || t(lang.get(), key)} " — " {tr(Key::RemoveFilter)} " (" {n} ")"
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })}
                    </div>
                }
            })}
        <ol class="practice-list">
            {search
                .items
                .into_iter()
                .map(|hit| {
                    let p = hit.practice;
                    let href = format!("/practices/{}", p.id);
                    view! {
                        <li>
                            <article class="practice-card">
                                <h2>
                                    <a href=href>
                                        {hit
                                            .title_marked
                                            .into_iter()
                                            .map(|part| {
                                                if part.hit {
                                                    view! { <mark>{part.text}</mark> }.into_any()
                                                } else {
                                                    part.text.into_any()
                                                }
                                            })
                                            .collect_view()}
                                    </a>
                                </h2>
                                <p class="meta">
                                    {p.featured_at.is_some().then(|| view! { <span class="badge featured">{tr(Key::FeaturedBadge)}</span> " " })}
                                    {(p.status == PracticeStatus::Draft).then(|| view! { <span class="badge">{tr(Key::StatusDraft)}</span> " " })}
                                    {p.platform_name.clone()}
                                    {(!p.area.is_empty()).then(|| format!(" · {}", p.area))}
                                    " · " {tr(Key::AdoptionCount)} ": " {p.adoption_count}
                                </p>
                                <Snippet parts=hit.snippet/>
                            </article>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <nav class="pager" aria-label=move || t(lang.get(), Key::PracticesHeading)>
            {previous.map(|href| view! { <a href=href>{tr(Key::PreviousPage)}</a> " " })}
            {next.map(|href| view! { <a href=href>{tr(Key::NextPage)}</a> })}
        </nav>
    }
}
