//! The good-practice library (好事例): practices with their visibility, featuring (周知)
//! and adoptions (参考にした). Lists the practice carries (target groups, tags, results)
//! are JSON text, read and written only through the server's domain types; `search_text`
//! holds the folded title, summary, body and tags the Japanese search runs on.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000005_practices"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GoodPractices::Table)
                .col(pk_uuid(GoodPractices::Id))
                .col(uuid(GoodPractices::PlatformId))
                .col(uuid(GoodPractices::NetworkId))
                .col(uuid(GoodPractices::CreatedBy))
                .col(string(GoodPractices::Title))
                .col(text(GoodPractices::Summary))
                .col(text(GoodPractices::Body))
                .col(text(GoodPractices::TargetGroups))
                .col(text(GoodPractices::Tags))
                .col(string(GoodPractices::Area))
                .col(string(GoodPractices::Period))
                .col(text(GoodPractices::Results))
                .col(uuid_null(GoodPractices::ContactOrganisationId))
                .col(string(GoodPractices::Visibility))
                .col(string(GoodPractices::Status))
                .col(timestamp_with_time_zone_null(GoodPractices::FeaturedAt))
                .col(integer(GoodPractices::Version))
                .col(text(GoodPractices::SearchText))
                .col(timestamp_with_time_zone(GoodPractices::CreatedAt))
                .col(timestamp_with_time_zone(GoodPractices::UpdatedAt))
                .col(timestamp_with_time_zone_null(GoodPractices::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(GoodPractices::Table, GoodPractices::PlatformId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, column) in [
            ("good_practices_platform", GoodPractices::PlatformId),
            ("good_practices_network", GoodPractices::NetworkId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(GoodPractices::Table)
                    .col(column)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(Adoptions::Table)
                .col(pk_uuid(Adoptions::Id))
                .col(uuid(Adoptions::PracticeId))
                .col(uuid(Adoptions::PlatformId))
                .col(uuid(Adoptions::UserId))
                .col(text(Adoptions::Note))
                .col(timestamp_with_time_zone(Adoptions::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(Adoptions::Table, Adoptions::PracticeId)
                        .to(GoodPractices::Table, GoodPractices::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A platform marks a practice adopted once.
        m.create_index(
            Index::create()
                .name("adoptions_practice_platform")
                .table(Adoptions::Table)
                .col(Adoptions::PracticeId)
                .col(Adoptions::PlatformId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Platforms {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum GoodPractices {
    Table,
    Id,
    PlatformId,
    NetworkId,
    CreatedBy,
    Title,
    Summary,
    Body,
    TargetGroups,
    Tags,
    Area,
    Period,
    Results,
    ContactOrganisationId,
    Visibility,
    Status,
    FeaturedAt,
    Version,
    SearchText,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Adoptions {
    Table,
    Id,
    PracticeId,
    PlatformId,
    UserId,
    Note,
    At,
}
