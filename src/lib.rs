//! Quai: the innovation platform of Amiens Cluster.
//!
//! Infrastructure: [`config`], [`db`], [`error`], [`telemetry`], [`jobs`], [`mail`], [`auth`], [`web`].
//! Features: [`home`], [`themes`], [`accounts`], [`orgs`], [`marketplace`], [`favorites`],
//! [`admin`]. Features use the infrastructure; the
//! infrastructure never imports a feature. [`app`] wires them together.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod events;
pub mod favorites;
pub mod home;
pub mod jobs;
pub mod mail;
pub mod marketplace;
pub mod mentoring;
pub mod orgs;
pub mod search;
pub mod telemetry;
pub mod themes;
pub mod web;
