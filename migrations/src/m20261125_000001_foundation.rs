//! The foundation: platforms (tenants), organisations and their memberships, users and
//! their per-platform roles, server-side sessions, invitations and the audit log.
//!
//! Later features attach to these: liaison threads name participant platforms and
//! organisations, outreach requests name a requesting platform and recipient
//! organisations, good practices an author platform. Every tenant record carries a
//! `platform_id`, and the sync engine's change log (a later migration) records an
//! audience in the same terms (platform, organisation, role).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_foundation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Platforms::Table)
                .col(pk_uuid(Platforms::Id))
                .col(string_uniq(Platforms::Slug))
                .col(string(Platforms::Name))
                // "prefectural" | "municipal"
                .col(string(Platforms::Kind))
                .col(uuid_null(Platforms::ParentId))
                .col(timestamp_with_time_zone(Platforms::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Platforms::Table, Platforms::ParentId)
                        .to(Platforms::Table, Platforms::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Organisations::Table)
                .col(pk_uuid(Organisations::Id))
                .col(string(Organisations::Name))
                // "economic" | "labour" | "support" | "municipal" | "government"
                .col(string(Organisations::Category))
                // A department (青森県 商工労働部) belongs to its parent body (青森県).
                .col(uuid_null(Organisations::ParentId))
                .col(timestamp_with_time_zone(Organisations::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Organisations::Table, Organisations::ParentId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(pk_uuid(Memberships::Id))
                .col(uuid(Memberships::PlatformId))
                .col(uuid(Memberships::OrganisationId))
                // "member" | "observer"
                .col(string(Memberships::Standing))
                // null | "lead" | "deputy"
                .col(string_null(Memberships::SecretariatRole))
                .col(integer(Memberships::Position).default(0))
                .col(timestamp_with_time_zone(Memberships::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Memberships::Table, Memberships::PlatformId)
                        .to(Platforms::Table, Platforms::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Memberships::Table, Memberships::OrganisationId)
                        .to(Organisations::Table, Organisations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("memberships_platform_organisation")
                .table(Memberships::Table)
                .col(Memberships::PlatformId)
                .col(Memberships::OrganisationId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(uuid(Users::OrganisationId))
                // Stored lower-cased; unique across the installation.
                .col(string_uniq(Users::Email))
                .col(string(Users::DisplayName))
                .col(string(Users::PasswordHash))
                .col(timestamp_with_time_zone_null(Users::PledgeAcceptedAt))
                .col(timestamp_with_time_zone_null(Users::DisabledAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Users::Table, Users::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserRoles::Table)
                .col(pk_uuid(UserRoles::Id))
                .col(uuid(UserRoles::UserId))
                .col(uuid(UserRoles::PlatformId))
                // "coordinator" | "staff" | "responder" | "observer" | "admin"
                .col(string(UserRoles::Role))
                .col(timestamp_with_time_zone(UserRoles::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(UserRoles::Table, UserRoles::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(UserRoles::Table, UserRoles::PlatformId)
                        .to(Platforms::Table, Platforms::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("user_roles_user_platform_role")
                .table(UserRoles::Table)
                .col(UserRoles::UserId)
                .col(UserRoles::PlatformId)
                .col(UserRoles::Role)
                .unique()
                .to_owned(),
        )
        .await?;

        // tower-sessions records: the cookie carries only the id; the data stays here.
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string(Sessions::Id).primary_key())
                .col(uuid_null(Sessions::UserId))
                .col(text(Sessions::Data))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_expires_at")
                .table(Sessions::Table)
                .col(Sessions::ExpiresAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(pk_uuid(Invitations::Id))
                .col(uuid(Invitations::PlatformId))
                .col(uuid(Invitations::OrganisationId))
                .col(string(Invitations::Email))
                .col(string(Invitations::Role))
                // SHA-256 of the token in the link; the token itself is never stored.
                .col(string_uniq(Invitations::TokenHash))
                .col(uuid(Invitations::InvitedBy))
                .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                .col(uuid_null(Invitations::AcceptedUserId))
                .col(timestamp_with_time_zone_null(Invitations::RevokedAt))
                .col(timestamp_with_time_zone(Invitations::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitations::Table, Invitations::PlatformId)
                        .to(Platforms::Table, Platforms::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitations::Table, Invitations::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;

        // Append-only (guidelines §6): sign-ins and reads/writes of confidential records.
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(uuid_null(AuditLog::ActorUserId))
                .col(string(AuditLog::Action))
                .col(string_null(AuditLog::RecordKind))
                .col(uuid_null(AuditLog::RecordId))
                .col(uuid_null(AuditLog::PlatformId))
                .col(string_null(AuditLog::RemoteAddr))
                .col(json_null(AuditLog::Detail))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_actor_at")
                .table(AuditLog::Table)
                .col(AuditLog::ActorUserId)
                .col(AuditLog::At)
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
    Slug,
    Name,
    Kind,
    ParentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    Category,
    ParentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    PlatformId,
    OrganisationId,
    Standing,
    SecretariatRole,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    OrganisationId,
    Email,
    DisplayName,
    PasswordHash,
    PledgeAcceptedAt,
    DisabledAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    Id,
    UserId,
    PlatformId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    PlatformId,
    OrganisationId,
    Email,
    Role,
    TokenHash,
    InvitedBy,
    ExpiresAt,
    AcceptedAt,
    AcceptedUserId,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    Action,
    RecordKind,
    RecordId,
    PlatformId,
    RemoteAddr,
    Detail,
}
