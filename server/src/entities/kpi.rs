use sea_orm::entity::prelude::*;

/// A KPI of a prefectural platform (see `crate::kpis`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kpis")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The prefectural platform (the root of its network).
    pub platform_id: Uuid,
    pub created_by: Uuid,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    pub unit: String,
    pub kind: String,
    pub direction: String,
    pub accumulation: String,
    pub periodicity: String,
    #[sea_orm(column_type = "Double")]
    pub baseline: Option<f64>,
    pub baseline_fiscal_year: Option<i32>,
    pub period_start: i32,
    pub period_end: i32,
    #[sea_orm(column_type = "Double")]
    pub period_target: Option<f64>,
    /// JSON: `[{"fiscal_year","target"}]`.
    #[sea_orm(column_type = "Text")]
    pub fiscal_year_targets: String,
    pub source: String,
    /// JSON: organisation ids.
    #[sea_orm(column_type = "Text")]
    pub contributors: String,
    pub at_risk_percent: i32,
    pub status: String,
    pub version: i32,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
