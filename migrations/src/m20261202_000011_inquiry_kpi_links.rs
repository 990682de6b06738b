//! An inquiry can gather a KPI's figures: the KPI, the 年度 (and quarter, 0 for the whole
//! year, as `kpi_actuals` counts it) and the number question whose accepted answers become
//! the organisations' shares.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000011_inquiry_kpi_links"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for column in [
            uuid_null(Inquiries::KpiId),
            integer_null(Inquiries::KpiFiscalYear),
            integer_null(Inquiries::KpiQuarter),
            integer_null(Inquiries::KpiQuestion),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Inquiries::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Inquiries::KpiId,
            Inquiries::KpiFiscalYear,
            Inquiries::KpiQuarter,
            Inquiries::KpiQuestion,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Inquiries::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Inquiries {
    Table,
    KpiId,
    KpiFiscalYear,
    KpiQuarter,
    KpiQuestion,
}
