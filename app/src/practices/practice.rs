//! A practice's page: body, results, 参考にした, comments, featuring, files and version
//! history. Rendered on the server and readable without JavaScript, every form a plain
//! post; with JavaScript it follows the local store, and adopting and commenting go
//! through the outbox.

use leptos::prelude::*;
use uuid::Uuid;

use super::labels::{error_key, status_key, visibility_key};
use super::{GoodPractice, PracticeFilter, PracticePage, PracticeVersion};
use crate::api::fetch_practice_page;
use crate::components::{human_size, id_param};
use crate::domain::{ChangeKind, Me};
use crate::i18n::{t, target_group_key as group_key, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::sync::{use_sync_store, NewWrite};
use crate::wareki::japan_time;
use crate::{tr, use_lang};

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
fn VersionList(versions: Vec<PracticeVersion>) -> impl IntoView {
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
                                    "(" {human_size(file.size)} ") · "
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
