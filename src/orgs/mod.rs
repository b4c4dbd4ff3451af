//! Organizations: the cluster's startups, partners and founding members, their members and
//! themes. A new organization is public once a cluster admin approves it. Its owners may give
//! it a logo ([`logo`]).

pub mod api;
mod backoffice;
mod editor;
pub mod logo;
pub mod logo_pages;
mod manage;
pub mod membership;
pub mod model;
pub mod pages;
pub mod search;
pub mod service;
