//! Building the application: state, router and listener. Used by `kakehashi serve` and
//! by the integration tests (port 0, a fresh database each).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use app::api::backend::BackendHandle;

use crate::accounts::limits::SignInLimiter;
use crate::accounts::session_store::DbSessionStore;
use crate::backend::PageBackend;
use crate::config::Config;
use crate::http::ApiError;
use crate::practices::index::PracticeIndex;
use crate::state::AppState;
use crate::sync::hub::ChangeHub;
use crate::sync::views::ViewCache;
use crate::{
    accounts, db, notifications, openapi, outreach, platforms, practices, sync, threads, web,
};

/// JSON bodies of the API are small; uploads (later) get their own limit.
pub const API_BODY_LIMIT: usize = 1024 * 1024;
pub const SESSION_COOKIE: &str = "kakehashi_session";

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
}

/// Leptos options from the environment (`LEPTOS_*`), defaulting to the site `cargo xtask`
/// builds (`target/site`). Hashed asset names are used when the site's own `hash.txt`
/// (written with it by `cargo xtask site`, so it always matches) or else one beside the
/// binary (where cargo-leptos puts it) exists; a debug and a release server thus serve the
/// same built site.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("kakehashi").build());
    if std::env::var("LEPTOS_OUTPUT_NAME").is_err() {
        options.output_name = "kakehashi".into();
    }
    if std::env::var("LEPTOS_SITE_ROOT").is_err() {
        options.site_root = "target/site".into();
    }
    if std::env::var("LEPTOS_HASH_FILES").is_err() {
        let beside_binary = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .filter(|path| path.exists());
        let in_site = std::path::Path::new(options.site_root.as_ref())
            .join(options.hash_file.as_ref())
            .canonicalize()
            .ok();
        // Leptos joins `hash_file` onto the binary's directory; an absolute path replaces it.
        if let Some(in_site) = &in_site {
            options.hash_file = in_site.to_string_lossy().as_ref().into();
        }
        options.hash_files = beside_binary.is_some() || in_site.is_some();
    }
    options.site_addr = config.addr;
    options
}

impl Application {
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        Self::build_with(config, db).await
    }

    pub async fn build_with(
        config: Config,
        db: DatabaseConnection,
    ) -> Result<Application, StartupError> {
        let listener = TcpListener::bind(config.addr).await?;
        let mut config = config;
        config.addr = listener.local_addr()?;
        let leptos = leptos_options(&config);
        // Built before the first request, so the first search does not wait for it.
        let practices = Arc::new(PracticeIndex::new()?);
        practices.catch_up(&db).await?;
        let state = AppState {
            db,
            sign_in_limiter: Arc::new(SignInLimiter::new(config.sign_in_limits)),
            changes: Arc::new(ChangeHub::default()),
            views: Arc::new(ViewCache::default()),
            receipts: Arc::default(),
            practices,
            config: Arc::new(config),
            leptos,
        };
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.state.config.addr
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.state.changes.start(self.state.db.clone());
        self.state
            .receipts
            .start(self.state.db.clone(), self.state.changes.clone());
        let store = DbSessionStore::new(self.state.db.clone());
        let db = self.state.db.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "could not delete expired sessions");
                }
                if let Err(e) = sync::idempotency::delete_old(&db).await {
                    tracing::warn!(error = %e, "could not delete old idempotency keys");
                }
            }
        });
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(accounts::routes::router())
        .merge(platforms::router())
        .merge(sync::routes::router())
        .merge(threads::routes::router())
        .merge(notifications::router())
        .merge(crate::home::router())
        .merge(outreach::routes::router())
        .merge(practices::routes::router())
        .merge(crate::kpis::routes::router())
        .merge(crate::inquiries::routes::router())
        .merge(crate::plans::routes::router())
        .merge(crate::proposals::routes::router())
        .merge(crate::meetings::routes::router())
        .merge(crate::programme::routes::router())
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .fallback(api_not_found)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sync::idempotency::layer,
        ))
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT));

    let options = state.leptos.clone();
    let routes = generate_route_list(app::App);
    let backend = BackendHandle(Arc::new(PageBackend(state.clone())));
    let context = move || provide_context(backend.clone());
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || app::shell(options.clone())
        })
        .route("/p/{slug}/invitations", post(web::create_invitation))
        .route("/invitations/{token}", post(web::accept_invitation))
        .route(
            "/p/{slug}/users/{user_id}/revoke",
            post(accounts::forms::revoke_role),
        )
        .route(
            "/p/{slug}/users/{user_id}/disable",
            post(accounts::forms::disable_user),
        )
        .route(
            "/p/{slug}/users/{user_id}/enable",
            post(accounts::forms::enable_user),
        )
        .route("/threads", post(threads::forms::create_thread))
        .route("/threads/{id}/messages", post(threads::forms::post_message))
        .route(
            "/threads/{id}/state",
            post(threads::forms::change_thread_state),
        )
        .route(
            "/threads/{id}/participants",
            post(threads::forms::change_participants),
        )
        .route(
            "/threads/{id}/attachments",
            post(threads::forms::upload_attachment).layer(DefaultBodyLimit::max(
                threads::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/messages/{id}/edit", post(threads::forms::edit_message))
        .route(
            "/messages/{id}/delete",
            post(threads::forms::delete_message),
        )
        .route(
            "/notifications/read",
            post(notifications::read_notifications),
        )
        .route("/practices", post(practices::forms::create_practice))
        .route(
            "/practices/{id}/edit",
            post(practices::forms::edit_practice),
        )
        .route(
            "/practices/{id}/adoptions",
            post(practices::forms::adopt_practice),
        )
        .route(
            "/practices/{id}/comments",
            post(practices::forms::comment_practice),
        )
        .route(
            "/practices/{id}/comments/{comment_id}/delete",
            post(practices::forms::delete_practice_comment),
        )
        .route(
            "/practices/{id}/feature",
            post(practices::forms::feature_practice),
        )
        .route(
            "/practices/{id}/attachments",
            post(practices::forms::upload_practice_attachment).layer(DefaultBodyLimit::max(
                threads::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/practices/{id}/attachments/{attachment_id}/delete",
            post(practices::forms::delete_practice_attachment),
        )
        .route("/inquiries", post(crate::inquiries::forms::create_inquiry))
        .route(
            "/inquiries/{id}/manage",
            post(crate::inquiries::forms::manage_inquiry),
        )
        .route(
            "/inquiries/{id}/answer",
            post(crate::inquiries::forms::answer_inquiry),
        )
        .route(
            "/inquiries/{id}/answers/{organisation_id}",
            post(crate::inquiries::forms::decide_answer),
        )
        .route(
            "/p/{slug}/programme",
            post(crate::programme::forms::update_programme),
        )
        .route(
            "/p/{slug}/pledges",
            post(crate::programme::forms::new_pledge),
        )
        .route("/proposals", post(crate::proposals::forms::submit))
        .route("/proposals/{id}/steps", post(crate::proposals::forms::step))
        .route("/proposals/{id}/note", post(crate::proposals::forms::note))
        .route("/plans", post(crate::plans::forms::create_plan))
        .route("/plans/{id}/edit", post(crate::plans::forms::edit_plan))
        .route("/plans/{id}/items", post(crate::plans::forms::write_item))
        .route(
            "/plans/{id}/publish",
            post(crate::plans::forms::publish_plan),
        )
        .route(
            "/plans/{id}/items/{item_id}/progress",
            post(crate::plans::forms::report_progress),
        )
        .route("/kpis", post(crate::kpis::forms::create_kpi))
        .route("/kpis/{id}/edit", post(crate::kpis::forms::edit_kpi))
        .route("/kpis/{id}/publish", post(crate::kpis::forms::publish_kpi))
        .route("/kpis/{id}/actuals", post(crate::kpis::forms::enter_actual))
        .route(
            "/kpis/{id}/actuals/publish",
            post(crate::kpis::forms::publish_actuals),
        )
        .route("/outreach", post(outreach::forms::create_outreach))
        .route("/outreach/{id}/edit", post(outreach::forms::edit_outreach))
        .route(
            "/outreach/{id}/transitions",
            post(outreach::forms::outreach_transition),
        )
        .route(
            "/outreach/{id}/responses",
            post(outreach::forms::outreach_response),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::page_gate,
        ));

    let pkg_dir =
        std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache_forever = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    let assets = Router::new()
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_forever),
        ));

    let secure = state.config.secure_cookies();
    let idle = time::Duration::seconds(state.config.session_idle.as_secs() as i64);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(idle));

    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/", get(web::root))
        .route("/auth/sign-in", post(web::sign_in))
        .route("/auth/sign-out", post(web::sign_out))
        .route("/auth/pledge", post(web::pledge))
        .route("/lang/{code}", get(web::set_language))
        .merge(pages)
        .merge(assets)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        .layer(sessions)
        // Before sessions and routing: a forbidden character in the address is refused
        // for every route (API, pages, server functions) alike.
        .layer(axum::middleware::from_fn(
            crate::http::boundary::check_address,
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn api_not_found(method: Method, uri: Uri) -> ApiError {
    tracing::debug!(%method, %uri, "no such API route");
    ApiError::NotFound
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Why the server could not start: configuration, database or socket.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Index(#[from] crate::practices::index::IndexError),
}
