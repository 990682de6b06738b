//! The implementation plan (事業実施計画). A plan belongs to a prefectural platform; its
//! working copy is one row (sections and items as JSON text, read and written only
//! through the server's domain types); each published revision is an immutable snapshot
//! of the content; each item's progress is a row of its own, so that a responsible
//! organisation's report never races the secretariat's drafting.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000013_implementation_plans"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ImplementationPlans::Table)
                .col(pk_uuid(ImplementationPlans::Id))
                .col(uuid(ImplementationPlans::PlatformId))
                .col(uuid(ImplementationPlans::CreatedBy))
                .col(string(ImplementationPlans::Title))
                .col(integer(ImplementationPlans::PeriodStart))
                .col(integer(ImplementationPlans::PeriodEnd))
                .col(text(ImplementationPlans::Sections))
                .col(text(ImplementationPlans::Items))
                .col(integer(ImplementationPlans::Revision))
                .col(integer(ImplementationPlans::Version))
                .col(timestamp_with_time_zone(ImplementationPlans::CreatedAt))
                .col(timestamp_with_time_zone(ImplementationPlans::UpdatedAt))
                .col(timestamp_with_time_zone_null(
                    ImplementationPlans::DeletedAt,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from(ImplementationPlans::Table, ImplementationPlans::PlatformId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("implementation_plans_platform")
                .table(ImplementationPlans::Table)
                .col(ImplementationPlans::PlatformId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlanRevisions::Table)
                .col(pk_uuid(PlanRevisions::Id))
                .col(uuid(PlanRevisions::PlanId))
                .col(integer(PlanRevisions::Revision))
                .col(text(PlanRevisions::Note))
                .col(text(PlanRevisions::Content))
                .col(uuid(PlanRevisions::PublishedBy))
                .col(timestamp_with_time_zone(PlanRevisions::PublishedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanRevisions::Table, PlanRevisions::PlanId)
                        .to(ImplementationPlans::Table, ImplementationPlans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One revision of each number: two publishers at once cannot both write "3".
        m.create_index(
            Index::create()
                .name("plan_revisions_number")
                .table(PlanRevisions::Table)
                .col(PlanRevisions::PlanId)
                .col(PlanRevisions::Revision)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlanItemProgress::Table)
                .col(pk_uuid(PlanItemProgress::Id))
                .col(uuid(PlanItemProgress::PlanId))
                .col(uuid(PlanItemProgress::ItemId))
                .col(string(PlanItemProgress::Status))
                .col(text(PlanItemProgress::Note))
                .col(integer(PlanItemProgress::Version))
                .col(uuid(PlanItemProgress::UpdatedBy))
                .col(timestamp_with_time_zone(PlanItemProgress::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanItemProgress::Table, PlanItemProgress::PlanId)
                        .to(ImplementationPlans::Table, ImplementationPlans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_item_progress_item")
                .table(PlanItemProgress::Table)
                .col(PlanItemProgress::PlanId)
                .col(PlanItemProgress::ItemId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PlanItemProgress::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(PlanRevisions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ImplementationPlans::Table).to_owned())
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
enum ImplementationPlans {
    Table,
    Id,
    PlatformId,
    CreatedBy,
    Title,
    PeriodStart,
    PeriodEnd,
    Sections,
    Items,
    Revision,
    Version,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum PlanRevisions {
    Table,
    Id,
    PlanId,
    Revision,
    Note,
    Content,
    PublishedBy,
    PublishedAt,
}

#[derive(DeriveIden)]
enum PlanItemProgress {
    Table,
    Id,
    PlanId,
    ItemId,
    Status,
    Note,
    Version,
    UpdatedBy,
    UpdatedAt,
}
