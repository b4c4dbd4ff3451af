//! Quai: the innovation platform of Amiens Cluster.
//!
//! Infrastructure: [`config`], [`db`], [`error`], [`telemetry`], [`jobs`], [`mail`], [`auth`], [`web`].
//! Features: [`themes`], [`admin`]. Features use the infrastructure; the infrastructure never imports a feature
//! (the home page in [`web::home`] is the one page that shows several features together).

pub mod admin;
pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod telemetry;
pub mod themes;
pub mod web;
