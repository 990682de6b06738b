//! Policy proposals (政策提案): one row per proposal, addressed to the secretariat of a
//! prefectural platform by a member organisation. Its steps are a short JSON history on
//! the row; the secretariat's own note has a version of its own, so that writing it never
//! makes a proposer's withdrawal fail. Notifications may point at a proposal.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000014_policy_proposals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PolicyProposals::Table)
                .col(pk_uuid(PolicyProposals::Id))
                .col(uuid(PolicyProposals::PlatformId))
                .col(uuid(PolicyProposals::OrganisationId))
                .col(uuid_null(PolicyProposals::OnBehalfOf))
                .col(uuid(PolicyProposals::CreatedBy))
                .col(string(PolicyProposals::Title))
                .col(text(PolicyProposals::Background))
                .col(text(PolicyProposals::Proposal))
                .col(text(PolicyProposals::TargetGroups))
                .col(string(PolicyProposals::State))
                .col(string_null(PolicyProposals::Outcome))
                .col(text(PolicyProposals::Answer))
                .col(timestamp_with_time_zone_null(PolicyProposals::AnsweredAt))
                .col(boolean(PolicyProposals::AnswerPublished))
                .col(text(PolicyProposals::History))
                .col(text(PolicyProposals::SecretariatNote))
                .col(integer(PolicyProposals::NoteVersion))
                .col(integer(PolicyProposals::Version))
                .col(timestamp_with_time_zone(PolicyProposals::CreatedAt))
                .col(timestamp_with_time_zone(PolicyProposals::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PolicyProposals::Table, PolicyProposals::PlatformId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PolicyProposals::Table, PolicyProposals::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("policy_proposals_platform")
                .table(PolicyProposals::Table)
                .col(PolicyProposals::PlatformId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("policy_proposals_organisation")
                .table(PolicyProposals::Table)
                .col(PolicyProposals::OrganisationId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(uuid_null(Notifications::ProposalId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .drop_column(Notifications::ProposalId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(PolicyProposals::Table).to_owned())
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
    ProposalId,
}

#[derive(DeriveIden)]
enum PolicyProposals {
    Table,
    Id,
    PlatformId,
    OrganisationId,
    OnBehalfOf,
    CreatedBy,
    Title,
    Background,
    Proposal,
    TargetGroups,
    State,
    Outcome,
    Answer,
    AnsweredAt,
    AnswerPublished,
    History,
    SecretariatNote,
    NoteVersion,
    Version,
    CreatedAt,
    UpdatedAt,
}
