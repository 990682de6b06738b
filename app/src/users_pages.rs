//! `/p/:slug/users`: the people holding a role on a platform, for its coordinators, with a
//! revoke button per role and a disable (or enable) button per account. Every button is a
//! plain form post with a required confirmation box, so it works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::fetch_users_page;
use crate::domain::{PlatformUser, UsersPage};
use crate::i18n::{role_key, t, Key};
use crate::pages::{query, signed_in_page, Notice};
use crate::{tr, use_lang};

#[component]
pub fn UsersPageView() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, fetch_users_page);
    signed_in_page(
        data,
        move || Some(slug()),
        |me, data| {
            let csrf = me.csrf_token;
            view! { <UsersView data csrf/> }.into_any()
        },
    )
}

fn error_key(code: &str) -> Key {
    match code {
        "confirm_required" => Key::ErrorConfirmRequired,
        "last_coordinator" => Key::ErrorLastCoordinator,
        "cannot_disable_self" => Key::ErrorCannotDisableSelf,
        _ => Key::ErrorUserActionFailed,
    }
}

fn done_key(code: &str) -> Option<Key> {
    match code {
        "revoked" => Some(Key::RevokeDone),
        "disabled" => Some(Key::DisableDone),
        "enabled" => Some(Key::EnableDone),
        _ => None,
    }
}

/// A confirmation box the form cannot be sent without (the server checks it too).
#[component]
fn Confirm(id: String) -> impl IntoView {
    let label_for = id.clone();
    view! {
        <label class="confirm" for=label_for>
            <input id=id type="checkbox" name="confirm" value="yes" required/>
            " "
            {tr(Key::ConfirmAction)}
        </label>
    }
    .into_any()
}

#[component]
fn UserRow(user: PlatformUser, base: String, csrf: String) -> impl IntoView {
    let lang = use_lang();
    let roles = user
        .roles
        .iter()
        .copied()
        .map(|role| {
            let action = format!("{base}/{}/revoke", user.id);
            let confirm_id = format!("confirm-revoke-{}-{}", user.id, role.as_str());
            let csrf = csrf.clone();
            view! {
                <li>
                    <form method="post" action=action class="inline">
                        <input type="hidden" name="csrf_token" value=csrf/>
                        <input type="hidden" name="role" value=role.as_str()/>
                        <span class="badge">{move || t(lang.get(), role_key(role))}</span>
                        " "
                        <Confirm id=confirm_id/>
                        " "
                        <button type="submit" class="danger">{tr(Key::RevokeRole)}</button>
                    </form>
                </li>
            }
            .into_any()
        })
        .collect_view();
    let account = user.may_disable.then(|| {
        let (path, label, danger) = if user.disabled {
            ("enable", Key::EnableUser, false)
        } else {
            ("disable", Key::DisableUser, true)
        };
        let action = format!("{base}/{}/{path}", user.id);
        let confirm_id = format!("confirm-{path}-{}", user.id);
        view! {
            <form method="post" action=action class="inline">
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <Confirm id=confirm_id/>
                " "
                <button type="submit" class=if danger { "danger" } else { "" }>{tr(label)}</button>
            </form>
        }
        .into_any()
    });
    let status = if user.disabled {
        Key::UserDisabled
    } else {
        Key::UserActive
    };
    view! {
        <tr>
            <th scope="row">{user.display_name.clone()} <br/> <small>{user.email.clone()}</small></th>
            <td>{user.organisation_name.clone()}</td>
            <td>
                <ul class="plain">{roles}</ul>
            </td>
            <td>{tr(status)} {account}</td>
        </tr>
    }
    .into_any()
}

#[component]
fn UsersView(data: UsersPage, csrf: String) -> impl IntoView {
    let error = query("error");
    let done = query("done");
    let base = format!("/p/{}/users", data.platform.slug);
    let has_rows = !data.users.is_empty();
    let rows = data
        .users
        .iter()
        .cloned()
        .map(|user| view! { <UserRow user base=base.clone() csrf=csrf.clone()/> }.into_any())
        .collect_view();
    view! {
        <h1>{tr(Key::UsersTitle)} " — " {data.platform.name.clone()}</h1>
        <p>{tr(Key::UsersIntro)}</p>
        {move || error.get().map(|code| view! { <Notice key=error_key(&code) error=true/> })}
        {move || done.get().and_then(|code| done_key(&code)).map(|key| view! { <Notice key/> })}
        {if has_rows {
            view! {
                <div class="table-scroll">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{tr(Key::UserName)}</th>
                                <th scope="col">{tr(Key::InviteOrganisation)}</th>
                                <th scope="col">{tr(Key::UserRoles)}</th>
                                <th scope="col">{tr(Key::UserAccount)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
                .into_any()
        } else {
            view! { <p>{tr(Key::UsersNone)}</p> }.into_any()
        }}
    }
}
