use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outreach_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The requesting (municipal) platform.
    pub platform_id: Uuid,
    /// The root of its prefectural network, whose secretariat routes it.
    pub network_id: Uuid,
    pub created_by: Uuid,
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// JSON: `["unstable_employment", ...]`.
    #[sea_orm(column_type = "Text")]
    pub target_groups: String,
    pub area: String,
    /// JSON: the anonymised profile.
    #[sea_orm(column_type = "Text")]
    pub profile: String,
    pub deadline: Date,
    /// JSON: the organisations the requester suggested.
    #[sea_orm(column_type = "Text")]
    pub suggested_organisations: String,
    pub state: String,
    pub outcome_placements: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome_note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
