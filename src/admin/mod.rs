//! The back office: what cluster staff (and, until accounts exist, operators holding the
//! `QUAI_ADMIN_TOKEN`) see and do: the job queue, a test email.

pub mod api;
pub mod mail;
pub mod pages;
pub mod service;
