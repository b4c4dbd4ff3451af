//! Accounts: sign-up, sign-in, verification, password reset, profile, sessions, data export and
//! erasure — the API under `/api/v1/auth` and `/api/v1/me`, and the portal's pages.

pub mod api;
pub mod mail;
pub mod pages;
pub mod service;
