//! The pages. Each reads its data through the server functions in [`crate::api`] and
//! renders completely on the server (`SsrMode::Async`), so it reads without JavaScript;
//! every change is a plain form post, so it works without JavaScript too.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{fetch_invitation_preview, fetch_invitations_page, AppError};
use crate::domain::{InvitationPreview, InvitationsPage as InvitationsData, Me, Role};
use crate::i18n::{invitation_status_key, role_key, t, Key};
use crate::layout::{Layout, PublicLayout};
use crate::users_pages::UsersPageView;
use crate::wareki::display_date;
use crate::{tr, use_lang, MeResource};

pub(crate) fn query(name: &'static str) -> Memo<Option<String>> {
    let q = use_query_map();
    Memo::new(move |_| q.read().get(name))
}

#[component]
pub(crate) fn Notice(#[prop(into)] key: Key, #[prop(optional)] error: bool) -> impl IntoView {
    view! {
        <p class=if error { "notice error" } else { "notice" } role=if error { "alert" } else { "status" }>
            {tr(key)}
        </p>
    }
}

/// Gives the server-rendered page the status its content deserves.
fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(_code) {
            response.set_status(status);
        }
    }
}

/// What a page shows when the server said no.
#[component]
pub(crate) fn ErrorView(error: AppError) -> impl IntoView {
    // The page answers with the refusal's status (sign-in and pledge redirect instead).
    match &error {
        AppError::Unauthenticated | AppError::PledgeRequired => {}
        other if (400..500).contains(&other.status()) => set_status(other.status()),
        _ => {}
    }
    match error {
        AppError::Unauthenticated => view! { <Redirect path="/sign-in"/> }.into_any(),
        AppError::PledgeRequired => view! { <Redirect path="/pledge"/> }.into_any(),
        other => view! {
            <section class="panel">
                <Notice key=other.message_key() error=true/>
                <p>
                    <a href="/" rel="external">{tr(Key::BackHome)}</a>
                </p>
            </section>
        }
        .into_any(),
    }
}

pub(crate) fn me_resource() -> Resource<Result<Option<Me>, AppError>> {
    expect_context::<MeResource>().0
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <PublicLayout>
            <h1>{tr(Key::ErrorNotFound)}</h1>
            <p>
                <a href="/" rel="external">{tr(Key::BackHome)}</a>
            </p>
        </PublicLayout>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let error = query("error");
    let notice = query("notice");
    let next = query("next");
    let token = Resource::new(|| (), |_| crate::api::fetch_sign_in_token());
    let error_key = Memo::new(move |_| {
        error.get().map(|code| match code.as_str() {
            "rate_limited" => Key::SignInRateLimited,
            "missing" => Key::SignInMissing,
            "expired" => Key::SignInExpired,
            "account_disabled" => Key::SignInAccountDisabled,
            _ => Key::SignInInvalid,
        })
    });
    let notice_key = move || {
        notice.get().and_then(|code| match code.as_str() {
            "signed_out" => Some(Key::SignedOut),
            "expired" => Some(Key::SessionExpired),
            "invited" => Some(Key::InvitationAcceptedSignIn),
            "session_ended" => Some(Key::SessionEndedByCoordinator),
            _ => None,
        })
    };
    view! {
        <PublicLayout>
            <h1>{tr(Key::SignInTitle)}</h1>
            <p class="lead">{tr(Key::AppTagline)}</p>
            {move || notice_key().map(|key| view! { <Notice key/> })}
            {move || error_key.get().map(|key| view! { <Notice key error=true/> })}
            <form method="post" action="/auth/sign-in" class="stack panel">
                // The token of this browser's session: a post from another site has none
                // (login CSRF).
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let token = token.await.unwrap_or_default();
                        view! { <input type="hidden" name="csrf_token" value=token/> }
                    })}
                </Suspense>
                <input type="hidden" name="next" value=move || next.get().unwrap_or_default()/>
                <div class="field">
                    <label for="email">{tr(Key::Email)}</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        required
                        aria-invalid=move || error_key.get().is_some().then_some("true")
                    />
                </div>
                <div class="field">
                    <label for="password">{tr(Key::Password)}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-invalid=move || error_key.get().is_some().then_some("true")
                    />
                </div>
                <button type="submit" class="primary">{tr(Key::SignInSubmit)}</button>
            </form>
        </PublicLayout>
    }
}

crate::components::lazy_pages! {
    PledgeChunkPage, pledge_pages, __preload_pledge_pages;
    /// `/pledge`: a person accepts the pledge (once, and again when a network revises it):
    /// a chunk of its own, since a home page loaded every day need not carry it.
    PledgeRoute => PledgePage,
}

#[component]
pub fn PledgePage() -> impl IntoView {
    let me = me_resource();
    let error = query("error");
    view! {
        <Suspense fallback=|| view! { <p>{tr(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => {
                        let csrf = me.csrf_token.clone();
                        let due = me.pledge.due.clone();
                        // Accepted before, asked again: a network revised its pledge.
                        let revised = me.pledge.accepted_at.is_some() && !due.is_empty();
                        let several = due.len() > 1;
                        let shown = due
                            .iter()
                            .map(|p| view! { <input type="hidden" name="pledge" value=p.id.to_string()/> })
                            .collect_view();
                        let texts = if due.is_empty() {
                            view! {
                                <p>{tr(Key::PledgeIntro)}</p>
                                <ol>
                                    <li>{tr(Key::PledgeClause1)}</li>
                                    <li>{tr(Key::PledgeClause2)}</li>
                                    <li>{tr(Key::PledgeClause3)}</li>
                                </ol>
                            }
                                .into_any()
                        } else {
                            due.into_iter()
                                .map(|pledge| {
                                    view! {
                                        {several.then(|| view! { <h2>{pledge.network_name.clone()}</h2> })}
                                        <PledgeVersion pledge/>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        };
                        view! {
                            <PublicLayout>
                                <h1>{tr(Key::PledgeTitle)}</h1>
                                {revised.then(|| view! { <Notice key=Key::PledgeRevised/> })}
                                {move || {
                                    error.get().map(|_| view! { <Notice key=Key::PledgeMustAgree error=true/> })
                                }}
                                <section class="panel pledge">
                                    {texts}
                                    <form method="post" action="/auth/pledge" class="stack">
                                        <input type="hidden" name="csrf_token" value=csrf/>
                                        {shown}
                                        <div class="check">
                                            <input id="agree" name="agree" type="checkbox" value="yes" required/>
                                            <label for="agree">{tr(Key::PledgeAgree)}</label>
                                        </div>
                                        <button type="submit" class="primary">{tr(Key::PledgeSubmit)}</button>
                                    </form>
                                </section>
                            </PublicLayout>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    Err(error) => view! { <PublicLayout><ErrorView error/></PublicLayout> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A pledge version's name: 第2版, Version 2.
pub(crate) fn version_label(lang: crate::i18n::Lang, version: u32) -> String {
    match lang {
        crate::i18n::Lang::Ja => format!("第{version}版"),
        crate::i18n::Lang::En => format!("Version {version}"),
    }
}

/// One version of a network's pledge as the people asked to accept it read it.
#[component]
pub(crate) fn PledgeVersion(pledge: crate::domain::PledgeText) -> impl IntoView {
    let lang = crate::use_lang();
    let created = crate::wareki::japan_today(pledge.created_at);
    let version = pledge.version;
    view! {
        <p class="meta">
            {move || version_label(lang.get(), version)} " · "
            {move || crate::wareki::display_date(created, lang.get())}
        </p>
        {(!pledge.note.is_empty()).then(|| view! {
            <p><strong>{tr(Key::PledgeNoteLabel)} ": "</strong>{pledge.note.clone()}</p>
        })}
        <p>{pledge.intro.clone()}</p>
        <ol>
            {pledge.clauses.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
        </ol>
    }
}

pub(crate) fn slug_param() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("slug").unwrap_or_default()
}

/// A page for a signed-in user: waits for the user and the page's data, frames the
/// content in [`Layout`] (on the platform `current` names), and shows what the server
/// refused instead of the content.
pub(crate) fn signed_in_page<T, F>(
    data: Resource<Result<T, AppError>>,
    current: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
    content: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(Me, T) -> AnyView + Clone + Send + Sync + 'static,
{
    let me = me_resource();
    let store = crate::sync::use_sync_store();
    view! {
        <Suspense fallback=|| view! { <p>{tr(Key::Loading)}</p> }>
            {move || {
                let current = current();
                let content = content.clone();
                Suspend::new(async move {
                    match (me.await, data.await) {
                        (Ok(Some(me)), Ok(data)) => {
                            store.start(&me);
                            let shown = content(me.clone(), data);
                            view! { <Layout me current=current>{shown}</Layout> }.into_any()
                        }
                        (Ok(Some(me)), Err(error)) => {
                            store.start(&me);
                            view! {
                                <Layout me current=current>
                                    <ErrorView error/>
                                </Layout>
                            }
                                .into_any()
                        }
                        (Ok(None), _) => view! { <Redirect path="/sign-in"/> }.into_any(),
                        (Err(error), _) => view! { <PublicLayout><ErrorView error/></PublicLayout> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

crate::components::lazy_pages! {
    AdminChunkPage, admin_pages, __preload_admin_pages;
    /// `/p/:slug/invitations`: invitations of the platform.
    InvitationsRoute => InvitationsPage,
    /// `/p/:slug/users`: the platform's people.
    UsersRoute => UsersPageView,
}

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let slug = slug_param();
    let data = Resource::new(slug.clone(), fetch_invitations_page);
    signed_in_page(
        data,
        move || Some(slug()),
        |me, data| {
            let csrf = me.csrf_token;
            view! { <InvitationsView data csrf/> }.into_any()
        },
    )
}

#[component]
fn InvitationsView(data: InvitationsData, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let created = query("created");
    let error = query("error");
    let action = format!("/p/{}/invitations", data.platform.slug);
    let roles = [
        Role::Staff,
        Role::Coordinator,
        Role::Responder,
        Role::Observer,
    ];
    let rows = data
        .invitations
        .iter()
        .cloned()
        .map(|inv| {
            let expires = inv.expires_at.date_naive();
            view! {
                <tr>
                    <td>{inv.email}</td>
                    <td>{inv.organisation_name}</td>
                    <td>{move || t(lang.get(), role_key(inv.role))}</td>
                    <td>{move || t(lang.get(), invitation_status_key(inv.status))}</td>
                    <td>{move || display_date(expires, lang.get())}</td>
                </tr>
            }
        })
        .collect_view();
    let has_rows = !data.invitations.is_empty();
    view! {
        <h1>{tr(Key::Invitations)} " — " {data.platform.name.clone()}</h1>
        {move || {
            created
                .get()
                .map(|token| {
                    let path = format!("/invitations/{token}");
                    view! {
                        <div class="notice" role="status">
                            <p>{tr(Key::InviteCreated)}</p>
                            <p>
                                <a href=path.clone() rel="external" class="invite-link">{path.clone()}</a>
                            </p>
                        </div>
                    }
                })
        }}
        {move || {
            error
                .get()
                .map(|code| {
                    let key = if code == "invalid_email" { Key::InviteInvalidEmail } else { Key::InviteFailed };
                    view! { <Notice key error=true/> }
                })
        }}
        <section class="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{tr(Key::InviteTitle)}</h2>
            <form method="post" action=action class="stack">
                <input type="hidden" name="csrf_token" value=csrf/>
                <div class="field">
                    <label for="invite-email">{tr(Key::InviteEmail)}</label>
                    <input id="invite-email" name="email" type="email" required autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="invite-role">{tr(Key::InviteRole)}</label>
                    <select id="invite-role" name="role">
                        {roles
                            .into_iter()
                            .map(|role| {
                                view! {
                                    <option value=role.as_str()>{move || t(lang.get(), role_key(role))}</option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="invite-organisation">{tr(Key::InviteOrganisation)}</label>
                    <select id="invite-organisation" name="organisation_id">
                        {data
                            .organisations
                            .iter()
                            .map(|o| view! { <option value=o.id.to_string()>{o.name.clone()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="primary">{tr(Key::InviteSubmit)}</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="invite-list-heading">
            <h2 id="invite-list-heading">{tr(Key::InviteList)}</h2>
            <Show when=move || has_rows fallback=|| view! { <p>{tr(Key::InviteNone)}</p> }>
                <div class="table-scroll">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{tr(Key::Email)}</th>
                                <th scope="col">{tr(Key::InviteOrganisation)}</th>
                                <th scope="col">{tr(Key::InviteRole)}</th>
                                <th scope="col">{tr(Key::InviteStatusHeading)}</th>
                                <th scope="col">{tr(Key::InviteExpires)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows.clone()}</tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

crate::components::lazy_pages! {
    InviteeChunkPage, invitee_pages, __preload_invitee_pages;
    /// `/invitations/:token`: an invitee accepts (before any sign-in).
    AcceptInvitationRoute => AcceptInvitationPage,
}

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, fetch_invitation_preview);
    let error = query("error");
    view! {
        <PublicLayout>
            <h1>{tr(Key::AcceptTitle)}</h1>
            <Suspense fallback=|| view! { <p>{tr(Key::Loading)}</p> }>
                {move || {
                    let token = token();
                    Suspend::new(async move {
                        match preview.await {
                            Ok(preview) => view! { <AcceptForm preview token error/> }.into_any(),
                            Err(_) => view! { <Notice key=Key::InvitationInvalid error=true/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </PublicLayout>
    }
}

#[component]
fn AcceptForm(
    preview: InvitationPreview,
    token: String,
    error: Memo<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let role = preview.role;
    let error_key = move || {
        error.get().map(|code| match code.as_str() {
            "password_too_short" => Key::PasswordTooShort,
            "passwords_differ" => Key::PasswordsDiffer,
            "display_name_missing" => Key::DisplayNameMissing,
            _ => Key::InvitationInvalid,
        })
    };
    let existing = preview.existing_user;
    view! {
        <section class="panel">
            <p>{tr(Key::AcceptIntro)}</p>
            <dl class="facts">
                <dt>{tr(Key::Email)}</dt>
                <dd>{preview.email.clone()}</dd>
                <dt>{tr(Key::AcceptPlatform)}</dt>
                <dd>{preview.platform_name.clone()}</dd>
                <dt>{tr(Key::InviteOrganisation)}</dt>
                <dd>{preview.organisation_name.clone()}</dd>
                <dt>{tr(Key::InviteRole)}</dt>
                <dd>{move || t(lang.get(), role_key(role))}</dd>
            </dl>
        </section>
        {move || error_key().map(|key| view! { <Notice key error=true/> })}
        <form method="post" action=format!("/invitations/{token}") class="stack panel">
            {if existing {
                view! { <p>{tr(Key::AcceptExisting)}</p> }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="display-name">{tr(Key::DisplayName)}</label>
                        <input id="display-name" name="display_name" type="text" required autocomplete="name"/>
                    </div>
                    <div class="field">
                        <label for="new-password">{tr(Key::NewPassword)}</label>
                        <input id="new-password" name="password" type="password" required minlength="12" autocomplete="new-password"/>
                    </div>
                    <div class="field">
                        <label for="confirm-password">{tr(Key::ConfirmPassword)}</label>
                        <input id="confirm-password" name="password_confirm" type="password" required minlength="12" autocomplete="new-password"/>
                    </div>
                }
                    .into_any()
            }}
            <button type="submit" class="primary">
                {move || t(lang.get(), if existing { Key::AcceptExistingSubmit } else { Key::AcceptSubmit })}
            </button>
        </form>
    }
}
