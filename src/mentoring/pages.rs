//! The mentoring pages: the mentor directory and profiles, the portal's mentoring space for
//! startups and mentors, mentorship pages.

use actix_web::web;

pub fn configure(_cfg: &mut web::ServiceConfig) {}
