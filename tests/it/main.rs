//! Integration tests: the real HTTP app against a real database (SQLite by default,
//! PostgreSQL with `QUAI_TEST_DATABASE_URL`).

mod common;

mod account_pages;
mod accounts;
mod authorization;
mod browser;
mod browser_accounts;
mod browser_event_office;
mod browser_events;
mod browser_marketplace;
mod browser_mentoring;
mod browser_search;
mod cli;
mod demo;
mod errors;
mod event_admission;
mod event_agenda;
mod event_office;
mod event_pages;
mod events;
mod favorites;
mod foundation;
mod jobs;
mod logos;
mod mail;
mod marketplace;
mod marketplace_pages;
mod matching_rounds;
mod members;
mod mentoring;
mod mentoring_pages;
mod migrations;
mod orgs;
mod pages;
mod requests;
mod round_pages;
mod search_contract;
mod search_pages;
mod search_sync;
mod secrets_in_logs;
mod themes;
