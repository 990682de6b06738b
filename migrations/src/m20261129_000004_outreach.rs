//! Outreach and placement requests to economic organisations (働きかけ・受け入れ先開拓の
//! 依頼): the request (with its anonymised profile), the organisations it is routed to
//! (each with its own status), their answers, and the timeline of every step. Lists that
//! the request carries (target groups, accommodations, companies) are JSON text, read and
//! written only through the server's domain types. `version` orders concurrent
//! transitions: an update names the version it read. Notifications gain the request
//! they are about and who caused them.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_outreach"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OutreachRequests::Table)
                .col(pk_uuid(OutreachRequests::Id))
                .col(uuid(OutreachRequests::PlatformId))
                .col(uuid(OutreachRequests::NetworkId))
                .col(uuid(OutreachRequests::CreatedBy))
                .col(string(OutreachRequests::Kind))
                .col(string(OutreachRequests::Title))
                .col(text(OutreachRequests::Description))
                .col(text(OutreachRequests::TargetGroups))
                .col(string(OutreachRequests::Area))
                .col(text(OutreachRequests::Profile))
                .col(date(OutreachRequests::Deadline))
                .col(text(OutreachRequests::SuggestedOrganisations))
                .col(string(OutreachRequests::State))
                .col(integer_null(OutreachRequests::OutcomePlacements))
                .col(text_null(OutreachRequests::OutcomeNote))
                .col(integer(OutreachRequests::Version))
                .col(timestamp_with_time_zone(OutreachRequests::CreatedAt))
                .col(timestamp_with_time_zone(OutreachRequests::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OutreachRequests::Table, OutreachRequests::PlatformId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, column) in [
            ("outreach_requests_platform", OutreachRequests::PlatformId),
            ("outreach_requests_network", OutreachRequests::NetworkId),
            ("outreach_requests_deadline", OutreachRequests::Deadline),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(OutreachRequests::Table)
                    .col(column)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(OutreachRecipients::Table)
                .col(pk_uuid(OutreachRecipients::Id))
                .col(uuid(OutreachRecipients::RequestId))
                .col(uuid(OutreachRecipients::OrganisationId))
                .col(string(OutreachRecipients::Status))
                .col(text_null(OutreachRecipients::Comment))
                .col(timestamp_with_time_zone(OutreachRecipients::RoutedAt))
                .col(timestamp_with_time_zone(OutreachRecipients::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OutreachRecipients::Table, OutreachRecipients::RequestId)
                        .to(OutreachRequests::Table, OutreachRequests::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One status per organisation and request, however many times it is routed.
        m.create_index(
            Index::create()
                .name("outreach_recipients_request_organisation")
                .table(OutreachRecipients::Table)
                .col(OutreachRecipients::RequestId)
                .col(OutreachRecipients::OrganisationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outreach_recipients_organisation")
                .table(OutreachRecipients::Table)
                .col(OutreachRecipients::OrganisationId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OutreachResponses::Table)
                .col(pk_uuid(OutreachResponses::Id))
                .col(uuid(OutreachResponses::RequestId))
                .col(uuid(OutreachResponses::OrganisationId))
                .col(uuid(OutreachResponses::AuthorId))
                .col(text(OutreachResponses::Body))
                .col(integer(OutreachResponses::PlacementsOffered))
                .col(text(OutreachResponses::Companies))
                .col(text_null(OutreachResponses::Conditions))
                .col(text_null(OutreachResponses::NextSteps))
                .col(timestamp_with_time_zone(OutreachResponses::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OutreachResponses::Table, OutreachResponses::RequestId)
                        .to(OutreachRequests::Table, OutreachRequests::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outreach_responses_request")
                .table(OutreachResponses::Table)
                .col(OutreachResponses::RequestId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OutreachEvents::Table)
                .col(pk_uuid(OutreachEvents::Id))
                .col(uuid(OutreachEvents::RequestId))
                .col(uuid(OutreachEvents::ActorId))
                .col(string(OutreachEvents::Action))
                .col(uuid_null(OutreachEvents::OrganisationId))
                .col(text_null(OutreachEvents::Comment))
                .col(timestamp_with_time_zone(OutreachEvents::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(OutreachEvents::Table, OutreachEvents::RequestId)
                        .to(OutreachRequests::Table, OutreachRequests::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outreach_events_request")
                .table(OutreachEvents::Table)
                .col(OutreachEvents::RequestId)
                .col(OutreachEvents::At)
                .to_owned(),
        )
        .await?;

        // One column per statement: SQLite alters one at a time.
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(uuid_null(Notifications::OutreachRequestId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(uuid_null(Notifications::ActorId))
                .to_owned(),
        )
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
enum Notifications {
    Table,
    OutreachRequestId,
    ActorId,
}

#[derive(DeriveIden)]
enum OutreachRequests {
    Table,
    Id,
    PlatformId,
    NetworkId,
    CreatedBy,
    Kind,
    Title,
    Description,
    TargetGroups,
    Area,
    Profile,
    Deadline,
    SuggestedOrganisations,
    State,
    OutcomePlacements,
    OutcomeNote,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OutreachRecipients {
    Table,
    Id,
    RequestId,
    OrganisationId,
    Status,
    Comment,
    RoutedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OutreachResponses {
    Table,
    Id,
    RequestId,
    OrganisationId,
    AuthorId,
    Body,
    PlacementsOffered,
    Companies,
    Conditions,
    NextSteps,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutreachEvents {
    Table,
    Id,
    RequestId,
    ActorId,
    Action,
    OrganisationId,
    Comment,
    At,
}
