//! Accounts: passwords, sessions, the actor extractors, sign-in and sign-out, the
//! confidentiality pledge, and invitations.

pub mod forms;
pub mod invitations;
pub mod limits;
pub mod password;
pub mod revocation;
pub mod routes;
pub mod session_store;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::Method;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use tower_sessions::Session;
use uuid::Uuid;

use app::domain::{Me, Pledge, SessionCreated, UserSummary};

use crate::audit;
use crate::entities::user;
use crate::http::{ApiError, ApiResult, ClientAddr};
use crate::policy::{organisation_view, Actor};
use crate::state::AppState;

pub const SESSION_USER: &str = "user_id";
pub const SESSION_CSRF: &str = "csrf";
pub const SESSION_SIGNED_IN_AT: &str = "signed_in_at";
pub const SESSION_SEEN_AT: &str = "seen_at";
/// Set, instead of the user, on the sessions of someone whose role was revoked or whose
/// account was disabled: the next request with that cookie is told why (401
/// `session_ended`), and for a disabled account its browser store is cleared too.
pub const SESSION_ENDED: &str = "ended";
/// Why a session was ended, as stored under [`SESSION_ENDED`].
pub const ENDED_ROLE_REVOKED: &str = "role_revoked";
pub const ENDED_ACCOUNT_DISABLED: &str = "account_disabled";
/// How often activity is written back, extending the idle expiry: not on every request.
const TOUCH_EVERY_SECS: i64 = 60;
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Sent with every sign-out: the browser drops the local store and the outbox of the
/// person who signed out (IndexedDB and the rest of the origin's storage), so nothing of
/// theirs stays on a shared office PC.
pub const CLEAR_SITE_DATA: (&str, &str) = ("clear-site-data", "\"storage\"");

/// The actor behind this session, if the session is signed in and within its absolute
/// lifetime; an expired or orphaned session is emptied.
pub async fn session_actor(state: &AppState, session: &Session) -> ApiResult<Option<Actor>> {
    let ended: Option<String> = session.get(SESSION_ENDED).await.map_err(session_error)?;
    if let Some(reason) = ended {
        // Told once: the session is gone afterwards.
        session.flush().await.map_err(session_error)?;
        return Err(ApiError::SessionEnded {
            clear_storage: reason == ENDED_ACCOUNT_DISABLED,
        });
    }
    let user_id: Option<Uuid> = session.get(SESSION_USER).await.map_err(session_error)?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let signed_in_at: i64 = session
        .get(SESSION_SIGNED_IN_AT)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    let now = Utc::now().timestamp();
    let age = now.saturating_sub(signed_in_at);
    if age < 0 || age as u64 > state.config.session_absolute.as_secs() {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    // tower-sessions extends the idle expiry only when the session changes.
    let seen_at: i64 = session
        .get(SESSION_SEEN_AT)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    if now - seen_at >= TOUCH_EVERY_SECS {
        session
            .insert(SESSION_SEEN_AT, now)
            .await
            .map_err(session_error)?;
    }
    let csrf: String = session
        .get(SESSION_CSRF)
        .await
        .map_err(session_error)?
        .unwrap_or_default();
    match Actor::load(&state.db, user_id, csrf).await? {
        Some(actor) => Ok(Some(actor)),
        None => {
            session.flush().await.map_err(session_error)?;
            Ok(None)
        }
    }
}

/// What an open event stream needs to know about its session: the actor as of now, and
/// when the session expires at the latest (idle or absolute), or `None` when the session
/// is gone (signed out, ended, expired) or the account is disabled. Read from the
/// session store directly: the stream's own request does not keep its session alive.
pub async fn stream_entitlement(
    state: &AppState,
    session_id: &str,
    user_id: Uuid,
) -> ApiResult<Option<(Actor, chrono::DateTime<Utc>)>> {
    use crate::entities::session as session_row;
    let Some(row) = session_row::Entity::find_by_id(session_store::row_id(session_id))
        .filter(session_row::Column::ExpiresAt.gt(Utc::now()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if row.user_id != Some(user_id) {
        return Ok(None);
    }
    let data: serde_json::Value = serde_json::from_str(&row.data).unwrap_or_default();
    let signed_in_at = data[SESSION_SIGNED_IN_AT].as_i64().unwrap_or(0);
    // The same whole-second rule as `session_actor` (expired once the age in seconds
    // exceeds the lifetime), so the stream never ends while the session still answers.
    let absolute = chrono::DateTime::<Utc>::from_timestamp(signed_in_at, 0)
        .map(|at| {
            at + chrono::Duration::from_std(state.config.session_absolute)
                .unwrap_or(chrono::Duration::zero())
                + chrono::Duration::seconds(1)
        })
        .unwrap_or_default();
    let deadline = absolute.min(row.expires_at);
    if deadline <= Utc::now() {
        return Ok(None);
    }
    // A stream ends when a new pledge version is owed (its re-check finds it).
    Ok(Actor::load(&state.db, user_id, String::new())
        .await?
        .filter(Actor::pledge_accepted)
        .map(|actor| (actor, deadline)))
}

pub fn session_error(e: tower_sessions::session::Error) -> ApiError {
    ApiError::Internal(format!("session: {e}"))
}

fn session_of(parts: &Parts) -> ApiResult<Session> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("session layer missing".into()))
}

/// Compares without leaking, through timing, how much of the token was right.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty()
        && expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A signed-in user, pledge or not (for `me`, the pledge and sign-out). Unsafe methods
/// must carry the session's CSRF token in `X-CSRF-Token`.
pub struct SignedIn(pub Actor);

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let session = session_of(parts)?;
        let actor = session_actor(&state, &session)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if is_unsafe(&parts.method) {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !tokens_match(&actor.csrf_token, given) {
                return Err(ApiError::Csrf);
            }
        }
        Ok(SignedIn(actor))
    }
}

/// A signed-in user who has accepted the confidentiality pledge: every tenant API.
pub struct Authorized(pub Actor);

impl<S> FromRequestParts<S> for Authorized
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let SignedIn(actor) = SignedIn::from_request_parts(parts, state).await?;
        if !actor.pledge_accepted() {
            return Err(ApiError::PledgeRequired);
        }
        Ok(Authorized(actor))
    }
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An e-mail address as a person types it, wherever one is accepted (sign-in, an
/// invitation, `kakehashi add-user`): surrounding spaces are dropped and it is lower
/// cased, but an address that holds a space, a line break, a control character or an
/// invisible format character (zero-width space, BOM, soft hyphen, tag characters: the
/// makings of a look-alike account) is refused with 422 `invalid_field` naming `field`.
pub fn checked_email(field: &str, email: &str) -> ApiResult<String> {
    let email = normalise_email(email);
    if let Some(c) = email
        .chars()
        .find(|&c| c.is_whitespace() || crate::http::boundary::is_forbidden_in_name(c))
    {
        return Err(ApiError::invalid(
            "invalid_field",
            format!(
                "`{field}`: an e-mail address cannot hold U+{:04X} (a space, line break or invisible character); type the address again.",
                c as u32
            ),
        ));
    }
    Ok(email)
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}

/// Where the user stands with the pledge: accepted once (the built-in text) and every
/// network's current version they owe, with its text (what the pledge page shows).
pub async fn pledge_of(db: &impl ConnectionTrait, actor: &Actor) -> ApiResult<Pledge> {
    let due = if actor.pledges_due.is_empty() {
        Vec::new()
    } else {
        crate::programme::pledges_due(db, actor.user.id, &actor.network_roots).await?
    };
    Ok(Pledge {
        accepted: actor.user.pledge_accepted_at.is_some() && due.is_empty(),
        accepted_at: actor.user.pledge_accepted_at,
        due,
    })
}

pub fn user_summary(user: &user::Model) -> UserSummary {
    UserSummary {
        id: user.id,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
    }
}

/// Checks the credentials under the sign-in limits and, when right, starts a fresh
/// session (a new id, so a session fixed before sign-in is worthless).
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    addr: ClientAddr,
    email: &str,
    password: &str,
) -> ApiResult<SessionCreated> {
    let email = checked_email("email", email)?;
    if let Some(retry_after_secs) = state.sign_in_limiter.retry_after(&email, addr.0) {
        return Err(ApiError::RateLimited { retry_after_secs });
    }
    let user = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    // An unknown email costs the same hash as a wrong password and gets the same answer.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let candidate = password.to_string();
    let verified = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => password::verify(&candidate, &hash),
        None => {
            password::burn_time(&candidate);
            false
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("password task: {e}")))?;
    let user = match user {
        Some(user) if verified && user.disabled_at.is_none() => user,
        other => {
            // Only someone who knows the password learns that the account is disabled.
            let disabled = verified && other.as_ref().is_some_and(|u| u.disabled_at.is_some());
            state.sign_in_limiter.record_failure(&email, addr.0);
            audit::record(
                &state.db,
                audit::Entry {
                    actor_user_id: other.map(|u| u.id),
                    action: "sign_in_failed",
                    remote_addr: Some(addr.0.to_string()),
                    detail: disabled.then(|| serde_json::json!({"reason": "account_disabled"})),
                    ..Default::default()
                },
            )
            .await?;
            return Err(if disabled {
                ApiError::AccountDisabled
            } else {
                ApiError::InvalidCredentials
            });
        }
    };

    // Nothing of an earlier session (e.g. an `ended` mark) carries into the new one.
    session.clear().await;
    session.cycle_id().await.map_err(session_error)?;
    let csrf = new_token();
    session
        .insert(SESSION_USER, user.id)
        .await
        .map_err(session_error)?;
    session
        .insert(SESSION_CSRF, csrf.clone())
        .await
        .map_err(session_error)?;
    session
        .insert(SESSION_SIGNED_IN_AT, Utc::now().timestamp())
        .await
        .map_err(session_error)?;
    audit::record(
        &state.db,
        audit::Entry {
            actor_user_id: Some(user.id),
            action: "sign_in",
            remote_addr: Some(addr.0.to_string()),
            ..Default::default()
        },
    )
    .await?;
    let actor = Actor::load(&state.db, user.id, csrf.clone())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(SessionCreated {
        user: user_summary(&user),
        pledge: pledge_of(&state.db, &actor).await?,
        csrf_token: csrf,
    })
}

pub async fn sign_out(state: &AppState, session: &Session, actor: Option<&Actor>) -> ApiResult<()> {
    if let Some(actor) = actor {
        audit::record(
            &state.db,
            audit::Entry {
                actor_user_id: Some(actor.user.id),
                action: "sign_out",
                ..Default::default()
            },
        )
        .await?;
    }
    session.flush().await.map_err(session_error)?;
    if let Some(actor) = actor {
        // The event streams of this session end now (on every instance).
        crate::sync::notify_account(&state.db, actor.user.id).await?;
        state.changes.account_changed(actor.user.id);
    }
    Ok(())
}

pub async fn me(state: &AppState, actor: &Actor) -> ApiResult<Me> {
    Ok(Me {
        user: user_summary(&actor.user),
        organisation: organisation_view(actor.organisation.clone()),
        platforms: actor.scope(&state.db).my_platforms().await?,
        csrf_token: actor.csrf_token.clone(),
        pledge: pledge_of(&state.db, actor).await?,
    })
}

/// Records the pledge (guidelines §6): the built-in one once (accepting again keeps the
/// first time), and of the network versions the user owes, those in `shown`, the ids the
/// pledge page showed them; `None` (an API client that showed what `GET /me` gave it)
/// accepts every version owed when the request began. A version saved since is not
/// accepted: the person is asked again. Audited once per acceptance.
pub async fn accept_pledge(
    state: &AppState,
    actor: &Actor,
    shown: Option<Vec<Uuid>>,
) -> ApiResult<Pledge> {
    let accepting: Vec<Uuid> = match shown {
        Some(shown) => actor
            .pledges_due
            .iter()
            .copied()
            .filter(|id| shown.contains(id))
            .collect(),
        None => actor.pledges_due.clone(),
    };
    let now = Utc::now();
    let txn = state.db.begin().await?;
    // Once, in one statement: of two simultaneous acceptances the first time stays.
    let first_time = user::Entity::update_many()
        .col_expr(user::Column::PledgeAcceptedAt, Expr::value(Some(now)))
        .filter(user::Column::Id.eq(actor.user.id))
        .filter(user::Column::PledgeAcceptedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        > 0;
    crate::programme::record_acceptances(&txn, actor.user.id, &accepting).await?;
    if first_time || !accepting.is_empty() {
        audit::record(
            &txn,
            audit::Entry {
                actor_user_id: Some(actor.user.id),
                action: "pledge_accepted",
                record_kind: Some("user"),
                record_id: Some(actor.user.id),
                detail: (!accepting.is_empty())
                    .then(|| serde_json::json!({ "pledge_versions": accepting })),
                ..Default::default()
            },
        )
        .await?;
    }
    txn.commit().await?;
    let actor = Actor::load(&state.db, actor.user.id, actor.csrf_token.clone())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    pledge_of(&state.db, &actor).await
}
