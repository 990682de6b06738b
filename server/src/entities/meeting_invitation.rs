use sea_orm::entity::prelude::*;

/// One organisation invited to a meeting, with its answer (see `crate::meetings`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub organisation_id: Uuid,
    /// `app::meetings::Attendance` as text.
    pub attendance: String,
    pub proxy_organisation_id: Option<Uuid>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTimeUtc>,
    pub corrected_by_secretariat: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
