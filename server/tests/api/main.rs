//! The integration suite: one binary, the real server over HTTP. Runs on SQLite, and on
//! PostgreSQL with `KAKEHASHI_TEST_DATABASE=postgres` (see the Makefile).

mod helpers;

mod accounts;
mod cli;
mod concurrency;
mod demo;
mod errors;
mod home;
mod input_boundary;
mod inquiries;
mod invitations;
mod kpis;
mod meetings;
mod notifications;
mod numbers_dates;
mod outreach;
mod outreach_pages;
mod outreach_states;
mod pages;
mod plans;
mod platforms;
mod practices;
mod programme;
mod proposals;
mod pushed;
mod revocation;
mod server_functions;
mod shared_payloads;
mod sync;
mod thread_pages;
mod threads;
mod visibility;
