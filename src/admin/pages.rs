//! The back office's pages.

use actix_web::web;

/// Registers the back-office pages.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
