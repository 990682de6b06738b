//! The sync feed asks, for each record on a page, whether the record has changed since
//! (a newer change of it, whoever that change is for): only a record's latest change may
//! be served from the payloads built once for many readers (see `server::sync::views`).
//! This index answers that by record instead of scanning the log.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000008_change_log_records"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("change_log_record")
                .table(ChangeLog::Table)
                .col(ChangeLog::RecordId)
                .col(ChangeLog::Cursor)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("change_log_record")
                .table(ChangeLog::Table)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Cursor,
    RecordId,
}
