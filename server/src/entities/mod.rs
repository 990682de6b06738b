//! sea-orm entities: server-side rows, mapped to the shared wire types in `app::domain`
//! at one boundary (the feature modules). No entity is ever an API response.

pub mod adoption;
pub mod attachment;
pub mod audit_log;
pub mod change_audience;
pub mod change_log;
pub mod good_practice;
pub mod idempotency_key;
pub mod inquiry;
pub mod inquiry_addressee;
pub mod invitation;
pub mod kpi;
pub mod kpi_actual;
pub mod liaison_thread;
pub mod membership;
pub mod message;
pub mod message_mention;
pub mod notification;
pub mod organisation;
pub mod outreach_event;
pub mod outreach_recipient;
pub mod outreach_request;
pub mod outreach_response;
pub mod platform;
pub mod pledge;
pub mod pledge_acceptance;
pub mod practice_attachment;
pub mod practice_comment;
pub mod practice_version;
pub mod read_marker;
pub mod session;
pub mod thread_participant;
pub mod user;
pub mod user_role;
