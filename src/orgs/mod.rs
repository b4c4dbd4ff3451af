//! Organizations: the cluster's startups, partners and founding members, their members and
//! themes. A new organization is public once a cluster admin approves it.

pub mod api;
mod backoffice;
mod manage;
pub mod membership;
pub mod model;
pub mod pages;
pub mod service;
