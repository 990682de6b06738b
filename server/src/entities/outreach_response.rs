use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outreach_responses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub organisation_id: Uuid,
    pub author_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub placements_offered: i32,
    /// JSON: `[{"name","sector","area"}]`.
    #[sea_orm(column_type = "Text")]
    pub companies: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub conditions: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub next_steps: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
