//! Kakehashi's schema. The same migrations run on SQLite (the embedded default) and on
//! PostgreSQL, so they use only portable column types: UUIDs, text for enumerations
//! (validated by the server's domain types), timestamps with time zone, and JSON.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_sync;
mod m20261125_000003_threads;
mod m20261129_000004_outreach;
mod m20261129_000005_practices;
mod m20261129_000006_practice_history;
mod m20261201_000007_session_hashes;
mod m20261201_000008_change_log_records;
mod m20261202_000009_kpis;
mod m20261202_000010_inquiries;
mod m20261202_000011_inquiry_kpi_links;
mod m20261203_000012_network_programmes;
mod m20261203_000013_implementation_plans;
mod m20261203_000014_policy_proposals;
mod m20261204_000015_meetings;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_sync::Migration),
            Box::new(m20261125_000003_threads::Migration),
            Box::new(m20261129_000004_outreach::Migration),
            Box::new(m20261129_000005_practices::Migration),
            Box::new(m20261129_000006_practice_history::Migration),
            Box::new(m20261201_000007_session_hashes::Migration),
            Box::new(m20261201_000008_change_log_records::Migration),
            Box::new(m20261202_000009_kpis::Migration),
            Box::new(m20261202_000010_inquiries::Migration),
            Box::new(m20261202_000011_inquiry_kpi_links::Migration),
            Box::new(m20261203_000012_network_programmes::Migration),
            Box::new(m20261203_000013_implementation_plans::Migration),
            Box::new(m20261203_000014_policy_proposals::Migration),
            Box::new(m20261204_000015_meetings::Migration),
        ]
    }
}
