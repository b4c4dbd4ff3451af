//! Thematic events: venues and rooms, events with their capacity, registrations that never
//! overbook, and a FIFO waitlist promoted at once when a seat frees up.

pub mod admission;
pub mod agenda;
pub mod agenda_api;
pub mod agenda_pages;
pub mod api;
pub mod calendar;
pub mod checkin;
pub mod door;
pub mod feeds;
pub mod mail;
pub mod mine;
pub mod model;
pub mod office;
pub mod pages;
pub mod programme;
pub mod registrations;
pub mod search;
pub mod service;
