//! The portal's account pages (sign-up, sign-in, verification, password reset, account).

use actix_web::web;

/// Registers the account pages.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
