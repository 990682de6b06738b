use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "platforms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// The programme a prefectural network runs (see `crate::programme`); none on a
    /// municipal platform, which shares its prefecture's.
    pub programme_name: Option<String>,
    /// The programme's target age band in whole years, both ends included.
    pub target_age_min: Option<i32>,
    pub target_age_max: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
