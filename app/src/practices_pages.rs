//! The good-practice library's pages: the library (Japanese search with facets,
//! highlighted snippets, and an offer to drop a filter when nothing matches), a
//! practice's page (rendered on the server, readable without JavaScript: body, results,
//! 参考にした, comments, featuring, version history) and the editor. Every form posts
//! without JavaScript; with it, the page follows the sync engine and the editor saves
//! through the outbox, so a practice can be drafted offline.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::{fetch_practice_form_page, fetch_practice_page, fetch_practices_page};
use crate::domain::{ChangeKind, Me};
use crate::i18n::{t, target_group_key as group_key, Key};
use crate::outreach::TargetGroup;
use crate::pages::{query, signed_in_page, Notice};
use crate::practices::{
    FilterKey, GoodPractice, PracticeFilter, PracticeFormPage, PracticePage, PracticeSearch,
    PracticeStatus, PracticeVisibility, PracticesPage, SnippetPart,
};
use crate::sync::{use_sync_store, NewWrite};
use crate::threads_pages::japan_time;
use crate::wareki::FiscalYear;
use crate::{tr, use_lang, Lang};

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

fn error_key(code: &str) -> Key {
    match code {
        "personal_data" => Key::PersonalDataRefused,
        "not_shared" => Key::PracticeNotShared,
        "own_practice" => Key::OwnPractice,
        other => crate::sync::refusal_key(other).unwrap_or(Key::InvalidPracticeField),
    }
}

fn visibility_key(v: PracticeVisibility) -> Key {
    match v {
        PracticeVisibility::Platform => Key::VisibilityPlatform,
        PracticeVisibility::Network => Key::VisibilityNetwork,
        PracticeVisibility::Public => Key::VisibilityPublic,
    }
}

fn status_key(s: PracticeStatus) -> Key {
    match s {
        PracticeStatus::Draft => Key::StatusDraft,
        PracticeStatus::Published => Key::StatusPublished,
    }
}

fn filter_key_label(key: FilterKey) -> Key {
    match key {
        FilterKey::Q => Key::FacetWords,
        FilterKey::TargetGroup => Key::FacetTargetGroup,
        FilterKey::Tag => Key::FacetTag,
        FilterKey::Area => Key::FacetArea,
        FilterKey::Platform => Key::FacetPlatform,
        FilterKey::Year => Key::FacetYear,
        FilterKey::Featured => Key::FacetFeatured,
    }
}

/// A facet value as a person reads it.
fn facet_label(key: FilterKey, value: &str, label: &str, lang: Lang) -> String {
    match key {
        FilterKey::TargetGroup => TargetGroup::parse(value)
            .map(|g| t(lang, group_key(g)).to_string())
            .unwrap_or_else(|| value.to_string()),
        FilterKey::Year => value
            .parse()
            .map(|y| FiscalYear(y).label(lang))
            .unwrap_or_else(|_| value.to_string()),
        _ => label.to_string(),
    }
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

// ---------------------------------------------------------------------------------------
// The library
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// A practice's page
// ---------------------------------------------------------------------------------------

fn id_param() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| Uuid::parse_str(&id).ok())
    })
}

#[component]
pub fn PracticePageView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_practice_page(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <PracticeBody page me/> }.into_any(),
    )
}

#[component]
fn PracticeBody(page: PracticePage, me: Me) -> impl IntoView {
    let store = use_sync_store();
    let id = page.practice.id;
    let from_server = page.practice.clone();
    // The store's copy once it has one (a comment or adoption elsewhere shows at once).
    let practice = Memo::new(move |_| {
        store
            .records
            .with(|r| r.practices.get(&id).cloned())
            .unwrap_or_else(|| from_server.clone())
    });
    let error = query("error");
    let versions = page.versions.clone();
    view! {
        <p>
            <a href="/practices">{tr(Key::BackToLibrary)}</a>
        </p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || {
            let p = practice.get();
            let me = me.clone();
            view! { <PracticeArticle p me/> }
        }}
        <details class="panel versions">
            <summary>{tr(Key::VersionHistory)}</summary>
            <VersionList versions/>
        </details>
    }
}

#[component]
fn VersionList(versions: Vec<crate::practices::PracticeVersion>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table>
            <thead>
                <tr>
                    <th scope="col">{tr(Key::VersionLabel)}</th>
                    <th scope="col">{tr(Key::UpdatedAt)}</th>
                    <th scope="col">{tr(Key::ChangedBy)}</th>
                    <th scope="col">{tr(Key::ChangedFields)}</th>
                </tr>
            </thead>
            <tbody>
                {versions
                    .into_iter()
                    .map(|v| {
                        let at = v.changed_at;
                        let fields = v.fields.join(", ");
                        view! {
                            <tr>
                                <td>{v.version}</td>
                                <td>{move || japan_time(at, lang.get())}</td>
                                <td>{v.changed_by.display_name}</td>
                                <td>{fields}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn PracticeArticle(p: GoodPractice, me: Me) -> impl IntoView {
    let lang = use_lang();
    let id = p.id;
    let created = p.created_at;
    let updated = p.updated_at;
    let groups = p.target_groups.clone();
    let csrf = me.csrf_token.clone();
    view! {
        <article class="practice">
            <h1>{p.title.clone()}</h1>
            <p class="meta">
                {p.featured_at.is_some().then(|| view! { <span class="badge featured">{tr(Key::FeaturedBadge)}</span> " " })}
                <span class="badge">{tr(status_key(p.status))}</span>
                " "
                <span class="badge">{tr(visibility_key(p.visibility))}</span>
            </p>
            <dl class="facts">
                <dt>{tr(Key::WrittenBy)}</dt>
                <dd>
                    {p.platform_name.clone()} " (" {p.created_by.display_name.clone()} ") "
                    {move || japan_time(created, lang.get())}
                </dd>
                <dt>{tr(Key::UpdatedAt)}</dt>
                <dd>{move || japan_time(updated, lang.get())}</dd>
                {(!p.area.is_empty())
                    .then(|| view! { <dt>{tr(Key::FieldArea)}</dt> <dd>{p.area.clone()}</dd> })}
                {(!p.period.is_empty())
                    .then(|| view! { <dt>{tr(Key::FacetYear)}</dt> <dd>{p.period.clone()}</dd> })}
                {(!groups.is_empty())
                    .then(|| {
                        view! {
                            <dt>{tr(Key::FacetTargetGroup)}</dt>
                            <dd>
                                {groups
                                    .iter()
                                    .map(|g| {
                                        let g = *g;
                                        view! { <span class="badge">{move || t(lang.get(), group_key(g))}</span> " " }
                                    })
                                    .collect_view()}
                            </dd>
                        }
                    })}
                {(!p.tags.is_empty())
                    .then(|| {
                        view! {
                            <dt>{tr(Key::FacetTag)}</dt>
                            <dd>
                                {p.tags
                                    .iter()
                                    .map(|tag| {
                                        let href = PracticeFilter { tag: Some(tag.clone()), ..Default::default() }.href();
                                        view! { <a class="tag" href=href>{tag.clone()}</a> " " }
                                    })
                                    .collect_view()}
                            </dd>
                        }
                    })}
                {p.contact_organisation
                    .clone()
                    .map(|o| view! { <dt>{tr(Key::FieldContact)}</dt> <dd>{o.name}</dd> })}
            </dl>
            {(!p.summary.is_empty()).then(|| view! { <p class="summary">{p.summary.clone()}</p> })}
            // Rendered and sanitised on the server (pulldown-cmark, then ammonia).
            <div class="markdown" inner_html=p.body_html.clone()></div>
            {(!p.results.is_empty())
                .then(|| {
                    view! {
                        <table class="results">
                            <caption>{tr(Key::FieldResults)}</caption>
                            <tbody>
                                {p.results
                                    .iter()
                                    .map(|r| {
                                        view! {
                                            <tr>
                                                <th scope="row">{r.label.clone()}</th>
                                                <td>{format!("{}{}", r.value, r.unit)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            <section class="panel adoptions" aria-labelledby="adoptions-heading">
                <h2 id="adoptions-heading">{tr(Key::AdoptionsHeading)}</h2>
                <p>{tr(Key::AdoptionCount)} ": " <strong class="adoption-count">{p.adoption_count}</strong></p>
                {(!p.adoptions.is_empty())
                    .then(|| {
                        view! {
                            <ul class="adoption-list">
                                {p.adoptions
                                    .iter()
                                    .map(|a| {
                                        let at = a.at;
                                        view! {
                                            <li>
                                                <strong>{a.platform_name.clone()}</strong> " — " {a.by.display_name.clone()} " "
                                                {move || japan_time(at, lang.get())}
                                                {(!a.note.is_empty()).then(|| format!("：{}", a.note))}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })}
                {p.adopted_by_me.then(|| view! { <p class="notice" role="status">{tr(Key::AdoptedByUs)}</p> })}
                {p.can_adopt.then(|| view! { <AdoptForm id csrf=csrf.clone()/> })}
            </section>
            <div class="actions">
                {p.can_edit
                    .then(|| {
                        view! { <a class="button" href=format!("/practices/{id}/edit")>{tr(Key::EditPractice)}</a> }
                    })}
                {p.can_feature
                    .then(|| {
                        let on = p.featured_at.is_none();
                        view! {
                            <form method="post" action=format!("/practices/{id}/feature")>
                                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                <input type="hidden" name="on" value=if on { "true" } else { "false" }/>
                                <button type="submit">
                                    {tr(if on { Key::FeaturePractice } else { Key::UnfeaturePractice })}
                                </button>
                            </form>
                        }
                    })}
            </div>
            <Attachments p=p.clone() csrf=csrf.clone()/>
            <Comments p=p.clone() csrf=csrf.clone()/>
        </article>
    }
}

/// The practice's files, and for its writers a plain form to attach one (checked by
/// content on the server, as in liaison threads).
#[component]
fn Attachments(p: GoodPractice, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let id = p.id;
    let can_edit = p.can_edit;
    view! {
        <section id="attachments" class="panel" aria-labelledby="practice-attachments-heading">
            <h2 id="practice-attachments-heading">{tr(Key::AttachmentsHeading)}</h2>
            {p.attachments.is_empty().then(|| view! { <p>{tr(Key::NoAttachments)}</p> })}
            <ul class="attachments">
                {p.attachments
                    .iter()
                    .map(|file| {
                        let at = file.created_at;
                        let remove = format!("/practices/{id}/attachments/{}/delete", file.id);
                        view! {
                            <li>
                                <a
                                    href=format!("/api/v1/practices/{id}/attachments/{}", file.id)
                                    download=file.filename.clone()
                                >
                                    {file.filename.clone()}
                                </a>
                                " "
                                <span class="meta">
                                    "(" {crate::threads_pages::human_size(file.size)} ") · "
                                    {file.uploaded_by.display_name.clone()} " · "
                                    {move || japan_time(at, lang.get())}
                                </span>
                                {can_edit
                                    .then(|| {
                                        view! {
                                            <form method="post" action=remove class="inline">
                                                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                                <button type="submit">
                                                    {tr(Key::RemoveAttachment)} <span class="visually-hidden">{file.filename.clone()}</span>
                                                </button>
                                            </form>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {can_edit
                .then(|| {
                    view! {
                        <form method="post" action=format!("/practices/{id}/attachments") enctype="multipart/form-data" class="stack">
                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                            <div class="field">
                                <label for="practice-attachment-file">{tr(Key::AttachFile)}</label>
                                <input
                                    id="practice-attachment-file"
                                    name="file"
                                    type="file"
                                    required
                                    aria-describedby="practice-attachment-hint"
                                    accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.png,.jpg,.jpeg,.gif,.webp"
                                />
                                <p id="practice-attachment-hint" class="hint">{tr(Key::AttachFileHint)}</p>
                            </div>
                            <button type="submit">{tr(Key::UploadFile)}</button>
                        </form>
                    }
                })}
        </section>
    }
}

#[component]
fn AdoptForm(id: Uuid, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let note = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let text = note.get().map(|n| n.value()).unwrap_or_default();
        if store.send(NewWrite {
            method: "POST",
            path: format!("/api/v1/practices/{id}/adoptions"),
            body: serde_json::json!({ "note": text }),
            answer_kind: Some(ChangeKind::GoodPractice),
            thread_id: None,
            summary: t(lang.get_untracked(), Key::AdoptPractice).to_string(),
        }) {
            ev.prevent_default();
        }
    };
    view! {
        <form method="post" action=format!("/practices/{id}/adoptions") class="stack" on:submit=on_submit>
            <input type="hidden" name="csrf_token" value=csrf/>
            <div class="field">
                <label for="adoption-note">{tr(Key::AdoptionNote)}</label>
                <input id="adoption-note" name="note" type="text" maxlength="1000" node_ref=note/>
            </div>
            <button type="submit" class="primary">{tr(Key::AdoptPractice)}</button>
        </form>
    }
}

#[component]
fn Comments(p: GoodPractice, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let id = p.id;
    let body = NodeRef::<leptos::html::Textarea>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(area) = body.get() else { return };
        let text = area.value();
        if text.trim().is_empty() {
            return;
        }
        if store.send(NewWrite {
            method: "POST",
            path: format!("/api/v1/practices/{id}/comments"),
            body: serde_json::json!({ "body": text }),
            answer_kind: Some(ChangeKind::GoodPractice),
            thread_id: None,
            summary: t(lang.get_untracked(), Key::PostComment).to_string(),
        }) {
            ev.prevent_default();
            area.set_value("");
        }
    };
    view! {
        <section id="comments" class="panel" aria-labelledby="comments-heading">
            <h2 id="comments-heading">{tr(Key::PracticeComments)}</h2>
            {p.comments.is_empty().then(|| view! { <p>{tr(Key::NoComments)}</p> })}
            <ul class="comments">
                {p.comments
                    .iter()
                    .map(|c| {
                        let at = c.created_at;
                        let delete = format!("/practices/{id}/comments/{}/delete", c.id);
                        view! {
                            <li>
                                <p class="meta">
                                    <strong>{c.author.display_name.clone()}</strong> " (" {c.organisation_name.clone()} ") "
                                    {move || japan_time(at, lang.get())}
                                </p>
                                <p>{c.body.clone()}</p>
                                {c.can_delete
                                    .then(|| {
                                        view! {
                                            <form method="post" action=delete>
                                                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                                <button type="submit">{tr(Key::TakeBackComment)}</button>
                                            </form>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <form method="post" action=format!("/practices/{id}/comments") class="stack" on:submit=on_submit>
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <div class="field">
                    <label for="comment-body">{tr(Key::PracticeComments)}</label>
                    <textarea id="comment-body" name="body" rows="3" maxlength="2000" required node_ref=body></textarea>
                </div>
                <button type="submit">{tr(Key::PostComment)}</button>
            </form>
        </section>
    }
}

// ---------------------------------------------------------------------------------------
// The editor
// ---------------------------------------------------------------------------------------

#[component]
pub fn PracticeNewView() -> impl IntoView {
    let page = Resource::new(|| (), |_| fetch_practice_form_page(None));
    signed_in_page(
        page,
        || None,
        |me, page| view! { <PracticeForm page me/> }.into_any(),
    )
}

#[component]
pub fn PracticeEditView() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_practice_form_page(Some(id)).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(
        page,
        || None,
        |me, page| view! { <PracticeForm page me/> }.into_any(),
    )
}

#[component]
fn PracticeForm(page: PracticeFormPage, me: Me) -> impl IntoView {
    let lang = use_lang();
    let store = use_sync_store();
    let error = query("error");
    let editing = page.practice.clone();
    let action = match &editing {
        Some(p) => format!("/practices/{}/edit", p.id),
        None => "/practices".to_string(),
    };
    let value = |f: fn(&GoodPractice) -> String| editing.as_ref().map(f).unwrap_or_default();
    let groups = editing
        .as_ref()
        .map(|p| p.target_groups.clone())
        .unwrap_or_default();
    let visibility = editing
        .as_ref()
        .map(|p| p.visibility)
        .unwrap_or(PracticeVisibility::Network);
    let status = editing
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(PracticeStatus::Draft);
    let contact = editing
        .as_ref()
        .and_then(|p| p.contact_organisation.as_ref().map(|o| o.id));
    let mut results = editing
        .as_ref()
        .map(|p| p.results.clone())
        .unwrap_or_default();
    while results.len() < 3 {
        results.push(crate::practices::PracticeResult {
            label: String::new(),
            value: f64::NAN,
            unit: String::new(),
        });
    }
    let editing_id = editing.as_ref().map(|p| p.id);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let saved = RwSignal::new(false);
    // With JavaScript the practice goes through the outbox: written offline, it is kept
    // and sent when the connection is back.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(_form) = form_ref.get() else { return };
        #[cfg(feature = "hydrate")]
        {
            let pairs = crate::outreach_pages::form_values(&_form);
            let input = crate::practices::NewGoodPractice::from_form(&pairs);
            if input.title.trim().is_empty() {
                return;
            }
            let summary = input.title.clone();
            let (method, path, body) = match editing_id {
                Some(id) => (
                    "PATCH",
                    format!("/api/v1/practices/{id}"),
                    serde_json::to_value(input.into_patch()).unwrap_or_default(),
                ),
                None => (
                    "POST",
                    "/api/v1/practices".to_string(),
                    serde_json::to_value(input).unwrap_or_default(),
                ),
            };
            if store.send(NewWrite {
                method,
                path,
                body,
                answer_kind: Some(ChangeKind::GoodPractice),
                thread_id: None,
                summary,
            }) {
                ev.prevent_default();
                saved.set(true);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, editing_id, store);
    };
    let heading = if editing.is_some() {
        Key::EditPractice
    } else {
        Key::NewPractice
    };
    let platforms = page.platforms.clone();
    let single_platform = platforms.len() == 1;
    view! {
        <h1>{tr(heading)}</h1>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || {
            saved
                .get()
                .then(|| {
                    view! {
                        <p class="notice" role="status">
                            {tr(Key::PracticeSavedInOutbox)} " "
                            <a href="/practices">{tr(Key::BackToLibrary)}</a>
                        </p>
                    }
                })
        }}
        <form method="post" action=action class="stack panel practice-form" node_ref=form_ref on:submit=on_submit>
            <input type="hidden" name="csrf_token" value=me.csrf_token.clone()/>
            {if single_platform || editing.is_some() {
                let id = editing.as_ref().map(|p| p.platform_id).unwrap_or(platforms[0].id);
                view! { <input type="hidden" name="platform_id" value=id.to_string()/> }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="practice-platform-id">{tr(Key::FieldPlatform)}</label>
                        <select id="practice-platform-id" name="platform_id">
                            {platforms
                                .iter()
                                .map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> })
                                .collect_view()}
                        </select>
                    </div>
                }
                    .into_any()
            }}
            <div class="field">
                <label for="practice-title">{tr(Key::FieldTitle)}</label>
                <input id="practice-title" name="title" type="text" required maxlength="200" value=value(|p| p.title.clone())/>
            </div>
            <div class="field">
                <label for="practice-summary">{tr(Key::FieldSummary)}</label>
                <textarea id="practice-summary" name="summary" rows="3" maxlength="1000">
                    {value(|p| p.summary.clone())}
                </textarea>
            </div>
            <div class="field">
                <label for="practice-body">{tr(Key::FieldPracticeBody)}</label>
                <textarea id="practice-body" name="body" rows="12" maxlength="50000">
                    {value(|p| p.body.clone())}
                </textarea>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldTargetGroups)}</legend>
                {TargetGroup::ALL
                    .iter()
                    .map(|g| {
                        let g = *g;
                        let input_id = format!("practice-group-{}", g.as_str());
                        view! {
                            <div class="check">
                                <input id=input_id.clone() type="checkbox" name="target_groups" value=g.as_str() checked=groups.contains(&g)/>
                                <label for=input_id>{move || t(lang.get(), group_key(g))}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <label for="practice-tags">{tr(Key::FieldTags)}</label>
                <input id="practice-tags" name="tags" type="text" maxlength="1000" value=value(|p| p.tags.join("、"))/>
            </div>
            <div class="field">
                <label for="practice-area">{tr(Key::FieldArea)}</label>
                <input id="practice-area" name="area" type="text" maxlength="200" value=value(|p| p.area.clone())/>
            </div>
            <div class="field">
                <label for="practice-period">{tr(Key::FieldPeriod)}</label>
                <input id="practice-period" name="period" type="text" maxlength="200" value=value(|p| p.period.clone())/>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldResults)}</legend>
                {results
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let value = if r.value.is_finite() { r.value.to_string() } else { String::new() };
                        view! {
                            <div class="result-row">
                                <div class="field">
                                    <label for=format!("result-label-{i}")>{tr(Key::ResultLabel)}</label>
                                    <input id=format!("result-label-{i}") name="result_label" type="text" maxlength="100" value=r.label/>
                                </div>
                                <div class="field">
                                    <label for=format!("result-value-{i}")>{tr(Key::ResultValue)}</label>
                                    <input id=format!("result-value-{i}") name="result_value" type="text" inputmode="decimal" maxlength="20" value=value/>
                                </div>
                                <div class="field">
                                    <label for=format!("result-unit-{i}")>{tr(Key::ResultUnit)}</label>
                                    <input id=format!("result-unit-{i}") name="result_unit" type="text" maxlength="20" value=r.unit/>
                                </div>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <label for="practice-contact">{tr(Key::FieldContact)}</label>
                <select id="practice-contact" name="contact_organisation_id">
                    <option value="">{tr(Key::NoContact)}</option>
                    {page
                        .organisations
                        .iter()
                        .map(|o| view! { <option value=o.id.to_string() selected=contact == Some(o.id)>{o.name.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>{tr(Key::FieldVisibility)}</legend>
                {[PracticeVisibility::Platform, PracticeVisibility::Network, PracticeVisibility::Public]
                    .into_iter()
                    .map(|v| {
                        let input_id = format!("practice-visibility-{}", v.as_str());
                        view! {
                            <div class="check">
                                <input id=input_id.clone() type="radio" name="visibility" value=v.as_str() checked=v == visibility/>
                                <label for=input_id>{tr(visibility_key(v))}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{tr(Key::FieldStatus)}</legend>
                {[PracticeStatus::Draft, PracticeStatus::Published]
                    .into_iter()
                    .map(|s| {
                        let input_id = format!("practice-status-{}", s.as_str());
                        view! {
                            <div class="check">
                                <input id=input_id.clone() type="radio" name="status" value=s.as_str() checked=s == status/>
                                <label for=input_id>{tr(status_key(s))}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="primary">{tr(Key::SavePractice)}</button>
        </form>
    }
}
