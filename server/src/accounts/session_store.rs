//! tower-sessions' store on Kakehashi's own database (SQLite or PostgreSQL through
//! sea-orm), so sessions stay server-side and survive restarts and several instances.
//! No maintained sea-orm store exists; this is the trait's four methods and nothing else.
//!
//! A session's id is the cookie's value, a bearer secret: the table keeps only its SHA-256
//! ([`row_id`]), so a copy of the database (a backup, a dump) signs nobody in.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet,
    QueryFilter,
};
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;
use uuid::Uuid;

use crate::entities::session;

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        DbSessionStore { db }
    }

    /// Deletes expired sessions; called periodically by `serve`.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sea_orm::DbErr> {
        let result = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}

/// Ends every session of `user` at once, inside the caller's transaction: each keeps only
/// the reason ([`super::SESSION_ENDED`]), so its next request is told why and signed out.
pub async fn end_sessions_of(
    conn: &impl ConnectionTrait,
    user: Uuid,
    reason: &str,
) -> std::result::Result<u64, sea_orm::DbErr> {
    let data = serde_json::json!({ super::SESSION_ENDED: reason }).to_string();
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::UserId,
            sea_orm::sea_query::Expr::value(Option::<Uuid>::None),
        )
        .col_expr(session::Column::Data, sea_orm::sea_query::Expr::value(data))
        .filter(session::Column::UserId.eq(user))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// The key a session is kept under: the SHA-256 of its id (the cookie's value), hex.
pub fn row_id(session_id: &str) -> String {
    hex::encode(Sha256::digest(session_id.as_bytes()))
}

fn stored(id: &Id) -> String {
    row_id(&id.to_string())
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn active_model(record: &Record) -> Result<session::ActiveModel> {
    let expires_at = DateTime::<Utc>::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .ok_or_else(|| Error::Encode("expiry out of range".into()))?;
    let user_id = record
        .data
        .get(super::SESSION_USER)
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok());
    Ok(session::ActiveModel {
        id: Set(stored(&record.id)),
        user_id: Set(user_id),
        data: Set(serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?),
        expires_at: Set(expires_at),
    })
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A collision of 128-bit random ids is all but impossible; retry anyway rather
        // than overwrite someone else's session.
        loop {
            let exists = session::Entity::find_by_id(stored(&record.id))
                .one(&self.db)
                .await
                .map_err(backend)?
                .is_some();
            if !exists {
                break;
            }
            record.id = Id::default();
        }
        session::Entity::insert(active_model(record)?)
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Updates an existing session only. New sessions always come through `create`
    /// (tower-sessions calls it for a fresh or cycled id), so a row that is gone was
    /// signed out or ended: a request that loaded it before must not write it back.
    async fn save(&self, record: &Record) -> Result<()> {
        let row = active_model(record)?;
        session::Entity::update_many()
            .set(session::ActiveModel { id: NotSet, ..row })
            .filter(session::Column::Id.eq(stored(&record.id)))
            // An ended session keeps its mark: the request that was in flight when it
            // ended does not overwrite it with the user it had.
            .filter(session::Column::UserId.is_not_null())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(row) = session::Entity::find_by_id(stored(id))
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        session::Entity::delete_by_id(stored(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
