//! Embedded migrations: `migrations/postgres` and `migrations/sqlite`, the same names in both.

use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConnection, DbError};

pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Any constant: the advisory lock that makes processes starting together take turns.
const MIGRATION_LOCK: i64 = 7_261_001;

fn failed(e: impl std::fmt::Display) -> DbError {
    DbError::Migration(e.to_string())
}

fn names<V: std::fmt::Display>(applied: Vec<V>) -> Vec<String> {
    applied.into_iter().map(|v| v.to_string()).collect()
}

/// Applies what is pending; returns the names applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    match conn {
        DbConnection::Pg(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(c)?;
            let applied = c
                .run_pending_migrations(POSTGRES)
                .map(names)
                .map_err(failed);
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(c)?;
            applied
        }
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(names).map_err(failed),
    }
}

/// Rolls every migration back, newest first; returns how many were reverted.
pub fn revert_all(conn: &mut DbConnection) -> Result<usize, DbError> {
    let reverted = match conn {
        DbConnection::Pg(c) => c.revert_all_migrations(POSTGRES).map_err(failed)?.len(),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE).map_err(failed)?.len(),
    };
    Ok(reverted)
}
