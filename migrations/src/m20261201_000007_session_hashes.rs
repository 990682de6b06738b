//! Sessions are kept by the SHA-256 of their id, not the id itself (the id is the cookie's
//! value, so a copy of the database must not be enough to sign in as anyone). Rows kept
//! under a clear id can never be found again: they are deleted, and their people sign in
//! once more.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000007_session_hashes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.execute(Query::delete().from_table(Sessions::Table).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Hashed ids mean nothing to the older code either.
        m.execute(Query::delete().from_table(Sessions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
}
