use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "good_practices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The author platform.
    pub platform_id: Uuid,
    /// The root of its prefectural network.
    pub network_id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// Markdown.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// JSON: `["unstable_employment", ...]`.
    #[sea_orm(column_type = "Text")]
    pub target_groups: String,
    /// JSON: `["就労体験", ...]`.
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub area: String,
    pub period: String,
    /// JSON: `[{"label","value","unit"}]`.
    #[sea_orm(column_type = "Text")]
    pub results: String,
    pub contact_organisation_id: Option<Uuid>,
    pub visibility: String,
    pub status: String,
    pub featured_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
