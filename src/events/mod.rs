//! Thematic events: venues and rooms, events with their capacity, registrations that never
//! overbook, and a FIFO waitlist promoted at once when a seat frees up.

pub mod api;
pub mod calendar;
pub mod mail;
pub mod model;
pub mod office;
pub mod pages;
pub mod service;
