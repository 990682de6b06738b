use sea_orm::entity::prelude::*;

/// A plan's working copy (see `crate::plans`): sections and items as JSON text.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "implementation_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub platform_id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    pub period_start: i32,
    pub period_end: i32,
    #[sea_orm(column_type = "Text")]
    pub sections: String,
    #[sea_orm(column_type = "Text")]
    pub items: String,
    /// The latest published revision; 0 while never published.
    pub revision: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
