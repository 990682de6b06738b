//! The sync engine: the change log (a monotonic cursor per committed change), who each
//! change is for (its audience), and the idempotency keys of unsafe API calls.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_sync"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChangeLog::Table)
                .col(big_pk_auto(ChangeLog::Cursor))
                // "platform" | "membership" | later "thread", "message", ...
                .col(string(ChangeLog::Kind))
                .col(uuid(ChangeLog::RecordId))
                // "upsert" | "delete"
                .col(string(ChangeLog::Op))
                .col(timestamp_with_time_zone(ChangeLog::At))
                .to_owned(),
        )
        .await?;

        // One row per party a change is for: a whole prefectural network, a platform, an
        // organisation or one user (a user losing access gets their own tombstones).
        m.create_table(
            Table::create()
                .table(ChangeAudience::Table)
                .col(big_pk_auto(ChangeAudience::Id))
                .col(big_integer(ChangeAudience::Cursor))
                .col(uuid_null(ChangeAudience::NetworkId))
                .col(uuid_null(ChangeAudience::PlatformId))
                .col(uuid_null(ChangeAudience::OrganisationId))
                .col(uuid_null(ChangeAudience::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeAudience::Table, ChangeAudience::Cursor)
                        .to(ChangeLog::Table, ChangeLog::Cursor)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("change_audience_network", ChangeAudience::NetworkId),
            ("change_audience_platform", ChangeAudience::PlatformId),
            (
                "change_audience_organisation",
                ChangeAudience::OrganisationId,
            ),
            ("change_audience_user", ChangeAudience::UserId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(ChangeAudience::Table)
                    .col(col)
                    .col(ChangeAudience::Cursor)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(pk_uuid(IdempotencyKeys::Id))
                .col(uuid(IdempotencyKeys::UserId))
                .col(string(IdempotencyKeys::Key))
                // SHA-256 of method, path and body: the same key with another body is refused.
                .col(string(IdempotencyKeys::RequestHash))
                // Null while the first request is still running.
                .col(integer_null(IdempotencyKeys::Status))
                .col(text_null(IdempotencyKeys::ResponseBody))
                .col(string_null(IdempotencyKeys::ContentType))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idempotency_keys_user_key")
                .table(IdempotencyKeys::Table)
                .col(IdempotencyKeys::UserId)
                .col(IdempotencyKeys::Key)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Cursor,
    Kind,
    RecordId,
    Op,
    At,
}

#[derive(DeriveIden)]
enum ChangeAudience {
    Table,
    Id,
    Cursor,
    NetworkId,
    PlatformId,
    OrganisationId,
    UserId,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    UserId,
    Key,
    RequestHash,
    Status,
    ResponseBody,
    ContentType,
    CreatedAt,
}
