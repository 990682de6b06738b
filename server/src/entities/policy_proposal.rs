use sea_orm::entity::prelude::*;

/// A policy proposal (see `crate::proposals`): target groups and history as JSON text.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The prefectural platform whose secretariat it is addressed to.
    pub platform_id: Uuid,
    /// The proposing organisation.
    pub organisation_id: Uuid,
    /// The municipal platform it is made for, if any.
    pub on_behalf_of: Option<Uuid>,
    pub created_by: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub background: String,
    #[sea_orm(column_type = "Text")]
    pub proposal: String,
    #[sea_orm(column_type = "Text")]
    pub target_groups: String,
    pub state: String,
    pub outcome: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub answer: String,
    pub answered_at: Option<DateTimeUtc>,
    pub answer_published: bool,
    #[sea_orm(column_type = "Text")]
    pub history: String,
    #[sea_orm(column_type = "Text")]
    pub secretariat_note: String,
    pub note_version: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
