use sea_orm::entity::prelude::*;

/// One organisation's share of a KPI for one 年度 and quarter (see `crate::kpis`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_actuals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kpi_id: Uuid,
    pub organisation_id: Uuid,
    pub fiscal_year: i32,
    /// 1–4, or 0 for the whole 年度.
    pub quarter: i32,
    #[sea_orm(column_type = "Double")]
    pub value: f64,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub published_at: Option<DateTimeUtc>,
    pub version: i32,
    pub entered_by: Uuid,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
