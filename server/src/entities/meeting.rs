use sea_orm::entity::prelude::*;

/// A council meeting (see `crate::meetings`): kind and state as their text names.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The platform holding it.
    pub platform_id: Uuid,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// Empty when there is none.
    pub place: String,
    #[sea_orm(column_type = "Text")]
    pub online_url: Option<String>,
    pub state: String,
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
