//! Mentoring: partner experts matched with startup projects, fairly and explainably, and
//! followed to the end.
//!
//! - [`model`]: rows and queries (mentor profiles, projects, mentorships, sessions, feedback,
//!   matching rounds);
//! - [`scoring`]: the explainable score of a (project, mentor) pair;
//! - [`matching`]: the optimal assignment of a round (and the greedy one it is compared with);
//! - [`service`]: profiles, projects and suggestions; [`workflow`]: requests to feedback, with
//!   their emails ([`mail`]) and jobs; [`rounds`]: the admins' matching rounds;
//! - [`api`], [`pages`] and [`round_pages`]: HTTP; [`search`]: mentors and projects as search
//!   documents.

pub mod api;
pub mod mail;
pub mod matching;
pub mod model;
pub mod pages;
pub mod portal;
pub mod round_pages;
pub mod rounds;
pub mod scoring;
pub mod search;
pub mod service;
pub mod workflow;
