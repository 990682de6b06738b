//! The append-only audit log (guidelines §6): sign-ins, failed sign-ins, pledges,
//! invitations, and later every read of a confidential record.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, NotSet};
use uuid::Uuid;

use crate::entities::audit_log;

#[derive(Debug, Default)]
pub struct Entry<'a> {
    pub actor_user_id: Option<Uuid>,
    pub action: &'a str,
    pub record_kind: Option<&'a str>,
    pub record_id: Option<Uuid>,
    pub platform_id: Option<Uuid>,
    pub remote_addr: Option<String>,
    pub detail: Option<serde_json::Value>,
}

pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        id: NotSet,
        at: Set(Utc::now()),
        actor_user_id: Set(entry.actor_user_id),
        action: Set(entry.action.to_string()),
        record_kind: Set(entry.record_kind.map(str::to_string)),
        record_id: Set(entry.record_id),
        platform_id: Set(entry.platform_id),
        remote_addr: Set(entry.remote_addr),
        detail: Set(entry.detail),
    }
    .insert(db)
    .await?;
    Ok(())
}
