use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub thread_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    pub outreach_request_id: Option<Uuid>,
    pub inquiry_id: Option<Uuid>,
    pub proposal_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    /// Who caused it.
    pub actor_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
