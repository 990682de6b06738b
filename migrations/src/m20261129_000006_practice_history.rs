//! The good-practice library, grown: a version per change (who changed which fields,
//! and the practice as it then read), readers' comments and attachments. The folded `search_text`
//! column goes: the search index (tantivy, built from the practices themselves) replaced
//! the `LIKE` over it.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000006_practice_history"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(GoodPractices::Table)
                .drop_column(GoodPractices::SearchText)
                .to_owned(),
        )
        .await?;
        // Every home page lists the featured practices: found by index, not by a scan.
        m.create_index(
            Index::create()
                .name("good_practices_featured")
                .table(GoodPractices::Table)
                .col(GoodPractices::FeaturedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PracticeVersions::Table)
                .col(pk_uuid(PracticeVersions::Id))
                .col(uuid(PracticeVersions::PracticeId))
                .col(integer(PracticeVersions::Version))
                .col(uuid(PracticeVersions::ChangedBy))
                .col(timestamp_with_time_zone(PracticeVersions::ChangedAt))
                // JSON: the names of the fields this version changed.
                .col(text(PracticeVersions::Fields))
                // JSON: the practice's content as this version left it.
                .col(text(PracticeVersions::Snapshot))
                .foreign_key(
                    ForeignKey::create()
                        .from(PracticeVersions::Table, PracticeVersions::PracticeId)
                        .to(GoodPractices::Table, GoodPractices::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("practice_versions_practice_version")
                .table(PracticeVersions::Table)
                .col(PracticeVersions::PracticeId)
                .col(PracticeVersions::Version)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PracticeComments::Table)
                .col(pk_uuid(PracticeComments::Id))
                .col(uuid(PracticeComments::PracticeId))
                .col(uuid(PracticeComments::AuthorId))
                .col(text(PracticeComments::Body))
                .col(timestamp_with_time_zone(PracticeComments::CreatedAt))
                .col(timestamp_with_time_zone_null(PracticeComments::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PracticeComments::Table, PracticeComments::PracticeId)
                        .to(GoodPractices::Table, GoodPractices::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("practice_comments_practice")
                .table(PracticeComments::Table)
                .col(PracticeComments::PracticeId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PracticeAttachments::Table)
                .col(pk_uuid(PracticeAttachments::Id))
                .col(uuid(PracticeAttachments::PracticeId))
                .col(uuid(PracticeAttachments::UploaderId))
                .col(string(PracticeAttachments::Filename))
                .col(string(PracticeAttachments::ContentType))
                .col(big_integer(PracticeAttachments::Size))
                .col(string(PracticeAttachments::Sha256))
                .col(timestamp_with_time_zone(PracticeAttachments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PracticeAttachments::Table, PracticeAttachments::PracticeId)
                        .to(GoodPractices::Table, GoodPractices::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("practice_attachments_practice")
                .table(PracticeAttachments::Table)
                .col(PracticeAttachments::PracticeId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum GoodPractices {
    Table,
    Id,
    SearchText,
    FeaturedAt,
}

#[derive(DeriveIden)]
enum PracticeVersions {
    Table,
    Id,
    PracticeId,
    Version,
    ChangedBy,
    ChangedAt,
    Fields,
    Snapshot,
}

#[derive(DeriveIden)]
enum PracticeComments {
    Table,
    Id,
    PracticeId,
    AuthorId,
    Body,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum PracticeAttachments {
    Table,
    Id,
    PracticeId,
    UploaderId,
    Filename,
    ContentType,
    Size,
    Sha256,
    CreatedAt,
}
