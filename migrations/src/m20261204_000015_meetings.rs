//! Council meetings (協議の場, guidelines §5): one row per meeting of a platform, one per
//! invited organisation with its answer, and the agenda in order. States, kinds and
//! answers are text (as every enumeration here), times are UTC instants, so the same
//! migration holds on SQLite and PostgreSQL. Notifications may point at a meeting.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000015_meetings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Meetings::Table)
                .col(pk_uuid(Meetings::Id))
                .col(uuid(Meetings::PlatformId))
                .col(string(Meetings::Title))
                .col(string(Meetings::Kind))
                .col(timestamp_with_time_zone(Meetings::StartsAt))
                .col(timestamp_with_time_zone(Meetings::EndsAt))
                .col(string(Meetings::Place))
                .col(text_null(Meetings::OnlineUrl))
                .col(string(Meetings::State))
                .col(integer(Meetings::Version))
                .col(uuid(Meetings::CreatedBy))
                .col(timestamp_with_time_zone(Meetings::CreatedAt))
                .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Meetings::Table, Meetings::PlatformId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;
        // The compliance count reads a platform's meetings by state and start.
        m.create_index(
            Index::create()
                .name("meetings_platform_start")
                .table(Meetings::Table)
                .col(Meetings::PlatformId)
                .col(Meetings::StartsAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingInvitations::Table)
                .col(pk_uuid(MeetingInvitations::Id))
                .col(uuid(MeetingInvitations::MeetingId))
                .col(uuid(MeetingInvitations::OrganisationId))
                .col(string(MeetingInvitations::Attendance))
                .col(uuid_null(MeetingInvitations::ProxyOrganisationId))
                .col(uuid_null(MeetingInvitations::AnsweredBy))
                .col(timestamp_with_time_zone_null(
                    MeetingInvitations::AnsweredAt,
                ))
                .col(boolean(MeetingInvitations::CorrectedBySecretariat))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingInvitations::Table, MeetingInvitations::MeetingId)
                        .to(Meetings::Table, Meetings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            MeetingInvitations::Table,
                            MeetingInvitations::OrganisationId,
                        )
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;
        // One answer per organisation and meeting; and who may read a meeting is looked
        // up by organisation.
        m.create_index(
            Index::create()
                .name("meeting_invitations_one")
                .table(MeetingInvitations::Table)
                .col(MeetingInvitations::MeetingId)
                .col(MeetingInvitations::OrganisationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meeting_invitations_organisation")
                .table(MeetingInvitations::Table)
                .col(MeetingInvitations::OrganisationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingAgendaItems::Table)
                .col(pk_uuid(MeetingAgendaItems::Id))
                .col(uuid(MeetingAgendaItems::MeetingId))
                .col(integer(MeetingAgendaItems::Position))
                .col(string(MeetingAgendaItems::Title))
                .col(uuid_null(MeetingAgendaItems::PresenterOrganisationId))
                .col(uuid_null(MeetingAgendaItems::KpiId))
                .col(uuid_null(MeetingAgendaItems::PlanId))
                .col(uuid_null(MeetingAgendaItems::PlanItemId))
                .col(uuid_null(MeetingAgendaItems::ProposalId))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingAgendaItems::Table, MeetingAgendaItems::MeetingId)
                        .to(Meetings::Table, Meetings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meeting_agenda_items_position")
                .table(MeetingAgendaItems::Table)
                .col(MeetingAgendaItems::MeetingId)
                .col(MeetingAgendaItems::Position)
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(uuid_null(Notifications::MeetingId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .drop_column(Notifications::MeetingId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(MeetingAgendaItems::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MeetingInvitations::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Meetings::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Platforms {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    MeetingId,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    PlatformId,
    Title,
    Kind,
    StartsAt,
    EndsAt,
    Place,
    OnlineUrl,
    State,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MeetingInvitations {
    Table,
    Id,
    MeetingId,
    OrganisationId,
    Attendance,
    ProxyOrganisationId,
    AnsweredBy,
    AnsweredAt,
    CorrectedBySecretariat,
}

#[derive(DeriveIden)]
enum MeetingAgendaItems {
    Table,
    Id,
    MeetingId,
    Position,
    Title,
    PresenterOrganisationId,
    KpiId,
    PlanId,
    PlanItemId,
    ProposalId,
}
