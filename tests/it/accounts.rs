//! Accounts API.
