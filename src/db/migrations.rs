//! Embedded migrations: `migrations/postgres` and `migrations/sqlite`, the same names in both.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConnection, DbError};

pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

fn failed(e: impl std::fmt::Display) -> DbError {
    DbError::Migration(e.to_string())
}

/// Applies what is pending; returns the names applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES).map_err(failed)?,
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map_err(failed)?,
    };
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// Rolls every migration back, newest first; returns how many were reverted.
pub fn revert_all(conn: &mut DbConnection) -> Result<usize, DbError> {
    let reverted = match conn {
        DbConnection::Pg(c) => c.revert_all_migrations(POSTGRES).map_err(failed)?,
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE).map_err(failed)?,
    };
    Ok(reverted.len())
}
