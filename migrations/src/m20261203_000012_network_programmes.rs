//! A prefectural network's programme and its confidentiality pledge are data, not code
//! (issue 17): since 2025 several prefectures renamed their councils (就職氷河期世代活躍支援
//! → 中高年世代活躍応援, ages 35–59) for the national programme that starts in FY2026.
//!
//! The prefectural platform gains the programme's name and its target age band. Each
//! network's pledge (guidelines §6 「秘密の保持」) is kept in versions: a new text is a new
//! row and never replaces an old one, and every person of the network is asked to accept
//! the current version again (one row per person and version accepted). A network with
//! no stored version asks for the built-in pledge, whose acceptance is the user's
//! `pledge_accepted_at`.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000012_network_programmes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for column in [
            string_null(Platforms::ProgrammeName),
            integer_null(Platforms::TargetAgeMin),
            integer_null(Platforms::TargetAgeMax),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Platforms::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(Pledges::Table)
                .col(pk_uuid(Pledges::Id))
                .col(uuid(Pledges::NetworkId))
                .col(integer(Pledges::Version))
                .col(text(Pledges::Intro))
                .col(text(Pledges::Clauses))
                .col(text(Pledges::Note))
                .col(uuid(Pledges::CreatedBy))
                .col(timestamp_with_time_zone(Pledges::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Pledges::Table, Pledges::NetworkId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;
        // Two secretaries saving a new version at once: one of them is version n + 1.
        m.create_index(
            Index::create()
                .name("pledges_network_version")
                .table(Pledges::Table)
                .col(Pledges::NetworkId)
                .col(Pledges::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PledgeAcceptances::Table)
                .col(pk_uuid(PledgeAcceptances::Id))
                .col(uuid(PledgeAcceptances::UserId))
                .col(uuid(PledgeAcceptances::PledgeId))
                .col(timestamp_with_time_zone(PledgeAcceptances::AcceptedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PledgeAcceptances::Table, PledgeAcceptances::PledgeId)
                        .to(Pledges::Table, Pledges::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("pledge_acceptances_user_pledge")
                .table(PledgeAcceptances::Table)
                .col(PledgeAcceptances::UserId)
                .col(PledgeAcceptances::PledgeId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PledgeAcceptances::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Pledges::Table).to_owned())
            .await?;
        for column in [
            Platforms::ProgrammeName,
            Platforms::TargetAgeMin,
            Platforms::TargetAgeMax,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Platforms::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Platforms {
    Table,
    Id,
    ProgrammeName,
    TargetAgeMin,
    TargetAgeMax,
}

#[derive(DeriveIden)]
enum Pledges {
    Table,
    Id,
    NetworkId,
    Version,
    Intro,
    Clauses,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PledgeAcceptances {
    Table,
    Id,
    UserId,
    PledgeId,
    AcceptedAt,
}
