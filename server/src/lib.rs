//! Kakehashi's server: the HTTP API under `/api/v1`, the pages (through leptos_axum), the
//! policy layer every read of tenant data goes through, persistence (sea-orm on SQLite or
//! PostgreSQL), and what the `kakehashi` command runs.

// Leptos views are deeply nested types; laying out their futures in release builds needs
// more than the default query depth.
#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod backend;
pub mod config;
pub mod db;
pub mod entities;
pub mod home;
pub mod http;
pub mod inquiries;
pub mod kpis;
pub mod meetings;
pub mod notifications;
pub mod openapi;
pub mod outreach;
pub mod plans;
pub mod platforms;
pub mod policy;
pub mod practice_generator;
pub mod practices;
pub mod programme;
pub mod proposals;
pub mod seed;
pub mod startup;
pub mod state;
pub mod sync;
pub mod threads;
pub mod web;
