use sea_orm::entity::prelude::*;

/// One version of a network's confidentiality pledge (see `crate::programme`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pledges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The prefectural platform whose network it binds.
    pub network_id: Uuid,
    /// 1, 2, … per network.
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub intro: String,
    /// `Vec<String>` as JSON text.
    #[sea_orm(column_type = "Text")]
    pub clauses: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
