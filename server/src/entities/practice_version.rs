use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub practice_id: Uuid,
    pub version: i32,
    pub changed_by: Uuid,
    pub changed_at: DateTimeUtc,
    /// JSON: the names of the fields this version changed.
    #[sea_orm(column_type = "Text")]
    pub fields: String,
    /// JSON: `app::practices::PracticeContent` as this version left it.
    #[sea_orm(column_type = "Text")]
    pub snapshot: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
