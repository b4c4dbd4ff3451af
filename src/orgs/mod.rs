//! Organizations: the cluster's startups, partners and founding members, their members and
//! themes. A new organization is public once a cluster admin approves it. Its owners may give
//! it a logo ([`logo`]).

pub mod api;
pub mod logo;
pub mod logo_pages;
pub mod model;
pub mod service;
