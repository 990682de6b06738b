//! KPIs and their actuals (KPI・実績). A KPI belongs to a prefectural platform; its targets
//! per 年度 and its contributing organisations are JSON text read and written only through
//! the server's domain types. An actual is one organisation's share of a KPI for one 年度
//! and quarter (0: the whole year, so that the unique index holds on both databases:
//! NULLs never collide in a unique index). Figures are doubles: every value the API
//! accepts (±10^12) is exact in one.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000009_kpis"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Kpis::Table)
                .col(pk_uuid(Kpis::Id))
                .col(uuid(Kpis::PlatformId))
                .col(uuid(Kpis::CreatedBy))
                .col(string(Kpis::Name))
                .col(text(Kpis::Definition))
                .col(string(Kpis::Unit))
                .col(string(Kpis::Kind))
                .col(string(Kpis::Direction))
                .col(string(Kpis::Accumulation))
                .col(string(Kpis::Periodicity))
                .col(double_null(Kpis::Baseline))
                .col(integer_null(Kpis::BaselineFiscalYear))
                .col(integer(Kpis::PeriodStart))
                .col(integer(Kpis::PeriodEnd))
                .col(double_null(Kpis::PeriodTarget))
                .col(text(Kpis::FiscalYearTargets))
                .col(string(Kpis::Source))
                .col(text(Kpis::Contributors))
                .col(integer(Kpis::AtRiskPercent))
                .col(string(Kpis::Status))
                .col(integer(Kpis::Version))
                .col(timestamp_with_time_zone_null(Kpis::PublishedAt))
                .col(timestamp_with_time_zone(Kpis::CreatedAt))
                .col(timestamp_with_time_zone(Kpis::UpdatedAt))
                .col(timestamp_with_time_zone_null(Kpis::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Kpis::Table, Kpis::PlatformId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("kpis_platform")
                .table(Kpis::Table)
                .col(Kpis::PlatformId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(KpiActuals::Table)
                .col(pk_uuid(KpiActuals::Id))
                .col(uuid(KpiActuals::KpiId))
                .col(uuid(KpiActuals::OrganisationId))
                .col(integer(KpiActuals::FiscalYear))
                .col(integer(KpiActuals::Quarter))
                .col(double(KpiActuals::Value))
                .col(text(KpiActuals::Note))
                .col(timestamp_with_time_zone_null(KpiActuals::PublishedAt))
                .col(integer(KpiActuals::Version))
                .col(uuid(KpiActuals::EnteredBy))
                .col(timestamp_with_time_zone(KpiActuals::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(KpiActuals::Table, KpiActuals::KpiId)
                        .to(Kpis::Table, Kpis::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(KpiActuals::Table, KpiActuals::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;
        // One share per KPI, organisation, 年度 and quarter: two people entering the same
        // share at once cannot both insert it.
        m.create_index(
            Index::create()
                .name("kpi_actuals_share")
                .table(KpiActuals::Table)
                .col(KpiActuals::KpiId)
                .col(KpiActuals::OrganisationId)
                .col(KpiActuals::FiscalYear)
                .col(KpiActuals::Quarter)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(KpiActuals::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Kpis::Table).to_owned())
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
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Kpis {
    Table,
    Id,
    PlatformId,
    CreatedBy,
    Name,
    Definition,
    Unit,
    Kind,
    Direction,
    Accumulation,
    Periodicity,
    Baseline,
    BaselineFiscalYear,
    PeriodStart,
    PeriodEnd,
    PeriodTarget,
    FiscalYearTargets,
    Source,
    Contributors,
    AtRiskPercent,
    Status,
    Version,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum KpiActuals {
    Table,
    Id,
    KpiId,
    OrganisationId,
    FiscalYear,
    Quarter,
    Value,
    Note,
    PublishedAt,
    Version,
    EnteredBy,
    UpdatedAt,
}
