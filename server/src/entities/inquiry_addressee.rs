use sea_orm::entity::prelude::*;

/// One organisation asked by an inquiry, with its answer (see `crate::inquiries`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_addressees")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub inquiry_id: Uuid,
    pub organisation_id: Uuid,
    pub status: String,
    /// `Vec<String>`, one per question, as JSON text.
    #[sea_orm(column_type = "Text")]
    pub answers: String,
    #[sea_orm(column_type = "Text")]
    pub return_comment: String,
    pub reminded_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
