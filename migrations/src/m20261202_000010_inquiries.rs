//! Inquiries (照会) and their addressees. An inquiry belongs to the platform that sends it;
//! its questions are JSON text read and written only through the server's domain types.
//! Each addressee organisation has one row holding its answer (JSON text, one string per
//! question) and where the answer stands, so that the sender's roll-up is one query and
//! two colleagues saving the same answer are serialised on that row's version.
//!
//! Organisations gain their 全国地方公共団体コード (six digits with the check digit, for a
//! local government and its departments; none for other bodies): exports of answers are
//! ordered by it, as prefectures order their tables. Notifications can be about an
//! inquiry (sent, reminded, returned, withdrawn).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000010_inquiries"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organisations::Table)
                .add_column(string_null(Organisations::LocalGovernmentCode))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Inquiries::Table)
                .col(pk_uuid(Inquiries::Id))
                .col(uuid(Inquiries::PlatformId))
                .col(uuid(Inquiries::CreatedBy))
                .col(string(Inquiries::Title))
                .col(text(Inquiries::Instructions))
                .col(date(Inquiries::Deadline))
                .col(text(Inquiries::Questions))
                .col(string(Inquiries::Status))
                .col(integer(Inquiries::Version))
                .col(timestamp_with_time_zone_null(Inquiries::SentAt))
                .col(timestamp_with_time_zone_null(Inquiries::WithdrawnAt))
                .col(timestamp_with_time_zone(Inquiries::CreatedAt))
                .col(timestamp_with_time_zone(Inquiries::UpdatedAt))
                .col(timestamp_with_time_zone_null(Inquiries::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Inquiries::Table, Inquiries::PlatformId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("inquiries_platform")
                .table(Inquiries::Table)
                .col(Inquiries::PlatformId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(InquiryAddressees::Table)
                .col(pk_uuid(InquiryAddressees::Id))
                .col(uuid(InquiryAddressees::InquiryId))
                .col(uuid(InquiryAddressees::OrganisationId))
                .col(string(InquiryAddressees::Status))
                .col(text(InquiryAddressees::Answers))
                .col(text(InquiryAddressees::ReturnComment))
                .col(timestamp_with_time_zone_null(InquiryAddressees::RemindedAt))
                .col(timestamp_with_time_zone_null(
                    InquiryAddressees::SubmittedAt,
                ))
                .col(timestamp_with_time_zone_null(InquiryAddressees::AcceptedAt))
                .col(integer(InquiryAddressees::Version))
                .col(uuid_null(InquiryAddressees::UpdatedBy))
                .col(timestamp_with_time_zone(InquiryAddressees::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(InquiryAddressees::Table, InquiryAddressees::InquiryId)
                        .to(Inquiries::Table, Inquiries::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(InquiryAddressees::Table, InquiryAddressees::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;
        // One answer per organisation and inquiry.
        m.create_index(
            Index::create()
                .name("inquiry_addressees_answer")
                .table(InquiryAddressees::Table)
                .col(InquiryAddressees::InquiryId)
                .col(InquiryAddressees::OrganisationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(uuid_null(Notifications::InquiryId))
                .to_owned(),
        )
        .await?;
        // An organisation's to-do list.
        m.create_index(
            Index::create()
                .name("inquiry_addressees_organisation")
                .table(InquiryAddressees::Table)
                .col(InquiryAddressees::OrganisationId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .drop_column(Notifications::InquiryId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(InquiryAddressees::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Inquiries::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Organisations::Table)
                .drop_column(Organisations::LocalGovernmentCode)
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
enum Organisations {
    Table,
    Id,
    LocalGovernmentCode,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    InquiryId,
}

#[derive(DeriveIden)]
enum Inquiries {
    Table,
    Id,
    PlatformId,
    CreatedBy,
    Title,
    Instructions,
    Deadline,
    Questions,
    Status,
    Version,
    SentAt,
    WithdrawnAt,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum InquiryAddressees {
    Table,
    Id,
    InquiryId,
    OrganisationId,
    Status,
    Answers,
    ReturnComment,
    RemindedAt,
    SubmittedAt,
    AcceptedAt,
    Version,
    UpdatedBy,
    UpdatedAt,
}
