//! Liaison threads (連絡調整): threads with participant platforms and organisations,
//! messages (tombstoned, never erased), read markers, attachments, mentions and in-app
//! notifications. `search_text` columns hold the NFKC-folded, lower-cased text the
//! Japanese substring search runs on, the same on SQLite and PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000003_threads"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LiaisonThreads::Table)
                .col(pk_uuid(LiaisonThreads::Id))
                .col(string(LiaisonThreads::Subject))
                .col(string(LiaisonThreads::State))
                .col(text_null(LiaisonThreads::ResolutionNote))
                .col(uuid(LiaisonThreads::CreatedBy))
                .col(timestamp_with_time_zone(LiaisonThreads::CreatedAt))
                .col(timestamp_with_time_zone(LiaisonThreads::UpdatedAt))
                .col(timestamp_with_time_zone_null(LiaisonThreads::LastMessageAt))
                .col(text(LiaisonThreads::SearchText))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ThreadParticipants::Table)
                .col(pk_uuid(ThreadParticipants::Id))
                .col(uuid(ThreadParticipants::ThreadId))
                .col(uuid_null(ThreadParticipants::PlatformId))
                .col(uuid_null(ThreadParticipants::OrganisationId))
                .col(timestamp_with_time_zone(ThreadParticipants::AddedAt))
                .col(timestamp_with_time_zone_null(ThreadParticipants::RemovedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ThreadParticipants::Table, ThreadParticipants::ThreadId)
                        .to(LiaisonThreads::Table, LiaisonThreads::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("thread_participants_thread")
                .table(ThreadParticipants::Table)
                .col(ThreadParticipants::ThreadId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("thread_participants_platform")
                .table(ThreadParticipants::Table)
                .col(ThreadParticipants::PlatformId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("thread_participants_organisation")
                .table(ThreadParticipants::Table)
                .col(ThreadParticipants::OrganisationId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Messages::Table)
                .col(pk_uuid(Messages::Id))
                .col(uuid(Messages::ThreadId))
                .col(uuid(Messages::AuthorId))
                .col(text(Messages::Body))
                .col(timestamp_with_time_zone(Messages::CreatedAt))
                .col(timestamp_with_time_zone_null(Messages::EditedAt))
                .col(timestamp_with_time_zone_null(Messages::DeletedAt))
                .col(text(Messages::SearchText))
                .foreign_key(
                    ForeignKey::create()
                        .from(Messages::Table, Messages::ThreadId)
                        .to(LiaisonThreads::Table, LiaisonThreads::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("messages_thread_created")
                .table(Messages::Table)
                .col(Messages::ThreadId)
                .col(Messages::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MessageMentions::Table)
                .col(pk_uuid(MessageMentions::Id))
                .col(uuid(MessageMentions::MessageId))
                .col(uuid(MessageMentions::ThreadId))
                .col(uuid(MessageMentions::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("message_mentions_user")
                .table(MessageMentions::Table)
                .col(MessageMentions::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReadMarkers::Table)
                .col(pk_uuid(ReadMarkers::Id))
                .col(uuid(ReadMarkers::ThreadId))
                .col(uuid(ReadMarkers::UserId))
                .col(uuid(ReadMarkers::MessageId))
                .col(timestamp_with_time_zone(ReadMarkers::MessageCreatedAt))
                .col(timestamp_with_time_zone(ReadMarkers::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("read_markers_thread_user")
                .table(ReadMarkers::Table)
                .col(ReadMarkers::ThreadId)
                .col(ReadMarkers::UserId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(pk_uuid(Attachments::Id))
                .col(uuid(Attachments::ThreadId))
                .col(uuid_null(Attachments::MessageId))
                .col(uuid(Attachments::UploaderId))
                .col(string(Attachments::Filename))
                .col(string(Attachments::ContentType))
                .col(big_integer(Attachments::Size))
                .col(string(Attachments::Sha256))
                .col(timestamp_with_time_zone(Attachments::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(pk_uuid(Notifications::Id))
                .col(uuid(Notifications::UserId))
                // "mention" now; outreach routing, answers... later.
                .col(string(Notifications::Kind))
                .col(uuid_null(Notifications::ThreadId))
                .col(uuid_null(Notifications::MessageId))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notifications_user_created")
                .table(Notifications::Table)
                .col(Notifications::UserId)
                .col(Notifications::CreatedAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum LiaisonThreads {
    Table,
    Id,
    Subject,
    State,
    ResolutionNote,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    LastMessageAt,
    SearchText,
}

#[derive(DeriveIden)]
enum ThreadParticipants {
    Table,
    Id,
    ThreadId,
    PlatformId,
    OrganisationId,
    AddedAt,
    RemovedAt,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    ThreadId,
    AuthorId,
    Body,
    CreatedAt,
    EditedAt,
    DeletedAt,
    SearchText,
}

#[derive(DeriveIden)]
enum MessageMentions {
    Table,
    Id,
    MessageId,
    ThreadId,
    UserId,
}

#[derive(DeriveIden)]
enum ReadMarkers {
    Table,
    Id,
    ThreadId,
    UserId,
    MessageId,
    MessageCreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ThreadId,
    MessageId,
    UploaderId,
    Filename,
    ContentType,
    Size,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    ThreadId,
    MessageId,
    CreatedAt,
    ReadAt,
}
