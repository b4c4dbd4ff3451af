//! Themes: the shared vocabulary of the cluster (énergie, santé, numérique…), in French and English.

pub mod api;
pub mod model;
pub mod service;
