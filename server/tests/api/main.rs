//! The integration suite: one binary, the real server over HTTP. Runs on SQLite, and on
//! PostgreSQL with `KAKEHASHI_TEST_DATABASE=postgres` (see the Makefile).

mod helpers;

mod accounts;
mod cli;
mod errors;
mod invitations;
mod notifications;
mod outreach;
mod outreach_pages;
mod pages;
mod platforms;
mod practices;
mod revocation;
mod sync;
mod thread_pages;
mod threads;
