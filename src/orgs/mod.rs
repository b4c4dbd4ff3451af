//! Organizations: the cluster's startups, partners and founding members, their members and
//! themes. A new organization is public once a cluster admin approves it.

pub mod api;
pub mod model;
pub mod service;
