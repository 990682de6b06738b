//! What every request can reach. Built once per server (and once per test server): no
//! global singletons, so each test gets its own database.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use crate::accounts::limits::SignInLimiter;
use crate::config::Config;
use crate::practices::index::PracticeIndex;
use crate::sync::hub::ChangeHub;
use crate::sync::views::ViewCache;
use crate::threads::receipts::ReadReceipts;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub sign_in_limiter: Arc<SignInLimiter>,
    pub changes: Arc<ChangeHub>,
    /// Sync payloads built once per reader class (see `sync::views`).
    pub views: Arc<ViewCache>,
    /// Read receipts waiting to be sent to everyone (see `threads::receipts`).
    pub receipts: Arc<ReadReceipts>,
    /// The good-practice search index, following the change log.
    pub practices: Arc<PracticeIndex>,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
