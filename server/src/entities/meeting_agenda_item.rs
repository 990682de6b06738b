use sea_orm::entity::prelude::*;

/// One agenda item of a meeting, at its position from 1 (see `crate::meetings`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_agenda_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub position: i32,
    pub title: String,
    pub presenter_organisation_id: Option<Uuid>,
    pub kpi_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub plan_item_id: Option<Uuid>,
    pub proposal_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
