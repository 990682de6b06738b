use sea_orm::entity::prelude::*;

/// An inquiry (照会) of a platform (see `crate::inquiries`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub platform_id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub instructions: String,
    pub deadline: Date,
    /// `Vec<app::inquiries::InquiryQuestion>` as JSON text.
    #[sea_orm(column_type = "Text")]
    pub questions: String,
    pub status: String,
    pub version: i32,
    pub sent_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// The KPI whose shares accepted answers become (`app::inquiries::KpiShareLink`):
    /// its 年度, quarter (0: the whole year) and the 0-based number question.
    pub kpi_id: Option<Uuid>,
    pub kpi_fiscal_year: Option<i32>,
    pub kpi_quarter: Option<i32>,
    pub kpi_question: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
