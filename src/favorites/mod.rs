//! Favourites: the organizations and themes a person follows, and what is new from them
//! ("Mes favoris").

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
