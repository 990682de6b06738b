//! Connecting to SQLite (the embedded default) or PostgreSQL, and migrating.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

use crate::config::Config;

pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            DbErr::Custom(format!(
                "cannot create the data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
    }
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if config.database_url.starts_with("sqlite:") {
        // SQLite has one writer at a time; writers queue on its busy timeout. Write
        // transactions start with their write, so none has to upgrade a stale read
        // snapshot (which SQLite refuses at once instead of waiting). A pool of one
        // connection was tried and left requests waiting for ever under load.
        options.max_connections(4).min_connections(1);
    } else {
        options.max_connections(20);
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers go on while one request writes.
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    }
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// The most values one query binds for an `IN (…)` list. SQLite refuses more than 32,766
/// bound variables in a statement and PostgreSQL 65,535; a list a person can grow
/// (messages, versions, files, requests) must never reach either.
pub const IN_CHUNK: usize = 500;

/// The rows of `E` whose `column` is one of `values`: each value once, in queries of at
/// most [`IN_CHUNK`] values, so the list may be of any length. Rows come in no order.
pub async fn find_in<E, C, V>(
    db: &C,
    column: E::Column,
    values: impl IntoIterator<Item = V>,
) -> Result<Vec<E::Model>, DbErr>
where
    E: sea_orm::EntityTrait,
    C: ConnectionTrait,
    V: Into<sea_orm::Value> + Ord + Clone,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let distinct: Vec<V> = values
        .into_iter()
        .collect::<std::collections::BTreeSet<V>>()
        .into_iter()
        .collect();
    let mut rows = Vec::new();
    for chunk in distinct.chunks(IN_CHUNK) {
        rows.extend(
            E::find()
                .filter(column.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}
