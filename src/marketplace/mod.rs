//! The marketplace: offerings of organizations (products, services, expertise, mentoring,
//! perks), their lifecycle and moderation.

pub mod api;
pub mod model;
pub mod pages;
pub mod requests;
pub mod search;
pub mod service;
