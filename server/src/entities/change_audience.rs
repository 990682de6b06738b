use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "change_audience")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cursor: i64,
    pub network_id: Option<Uuid>,
    pub platform_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
