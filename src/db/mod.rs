//! The database: one connection type over PostgreSQL and SQLite, chosen from the URL scheme,
//! an r2d2 pool, and the embedded migrations of both backends.
//!
//! Errors of this layer are [`DbError`]: start-up problems carry a one-line message naming
//! `QUAI_DATABASE_URL`; request-time problems become 503 (unreachable) or 500 in [`crate::error`].

pub mod dialect;
pub mod migrations;
pub mod schema;

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;

use crate::config::redact_url;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// The backend type of [`DbConnection`], for boxed queries.
pub type DbBackend = MultiBackend;
pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "invalid setting `database_url` (QUAI_DATABASE_URL): unsupported scheme `{0}://`; expected postgres://…, sqlite://… or a file path"
    )]
    UnsupportedScheme(String),
    #[error("database unreachable at {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Which backend a URL names, and what to hand to that backend's `establish`.
/// Its `Debug` hides any password.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    Postgres(String),
    Sqlite(String),
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, DbError> {
        match url.split_once("://") {
            Some(("postgres" | "postgresql", _)) => Ok(Self::Postgres(url.to_owned())),
            Some(("sqlite", path)) => Ok(Self::Sqlite(path.to_owned())),
            Some((scheme, _)) => Err(DbError::UnsupportedScheme(scheme.to_owned())),
            None => match url.strip_prefix("sqlite:") {
                Some(path) => Ok(Self::Sqlite(path.to_owned())),
                None => Ok(Self::Sqlite(url.to_owned())),
            },
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    fn establish(&self) -> Result<DbConnection, DbError> {
        let unreachable = |e: diesel::ConnectionError| DbError::Unreachable {
            url: self.display(),
            message: e.to_string().trim().replace('\n', " "),
        };
        match self {
            Self::Postgres(url) => PgConnection::establish(&with_connect_timeout(url))
                .map(DbConnection::Pg)
                .map_err(unreachable),
            Self::Sqlite(path) => {
                if let Some(parent) = std::path::Path::new(path).parent()
                    && !parent.as_os_str().is_empty()
                    && !parent.exists()
                {
                    return Err(DbError::Unreachable {
                        url: self.display(),
                        message: format!("folder `{}` does not exist", parent.display()),
                    });
                }
                let mut conn = SqliteConnection::establish(path).map_err(unreachable)?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| DbError::Unreachable {
                    url: self.display(),
                    message: e.to_string(),
                })?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    /// The URL with any password hidden, for messages and logs.
    pub fn display(&self) -> String {
        match self {
            Self::Postgres(url) => redact_url(url),
            Self::Sqlite(path) => format!("sqlite://{path}"),
        }
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.display())
    }
}

/// A PostgreSQL URL with a connection timeout, unless it sets one.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&connect_timeout=5")
    } else {
        format!("{url}?connect_timeout=5")
    }
}

/// An r2d2 manager that picks the backend itself (the derived `establish` would guess).
#[derive(Debug)]
pub struct Manager {
    target: Target,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        self.target.establish()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.ping()?;
        Ok(())
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// Connects once (so that a bad URL or a down server is reported at once and precisely),
/// applies pending migrations, then builds the pool.
pub fn connect(url: &str, max_size: u32, timeout: Duration) -> Result<(Pool, Target), DbError> {
    let target = Target::parse(url)?;
    connect_and_migrate(&target)?;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(timeout)
        .test_on_check_out(true)
        .error_handler(Box::new(LogErrors))
        .build_unchecked(Manager {
            target: target.clone(),
        });
    Ok((pool, target))
}

/// One connection, pending migrations applied; returns their names.
pub fn connect_and_migrate(target: &Target) -> Result<Vec<String>, DbError> {
    let mut conn = target.establish()?;
    migrations::run_pending(&mut conn)
}

/// A single connection outside the pool (CLI, tests).
pub fn establish(url: &str) -> Result<DbConnection, DbError> {
    Target::parse(url)?.establish()
}

#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<DbError> for LogErrors {
    fn handle_error(&self, error: DbError) {
        tracing::warn!(%error, "database connection failed");
    }
}

/// Runs database work on the blocking pool with a pooled connection.
pub async fn run<T, F>(pool: &Pool, work: F) -> Result<T, crate::error::AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, crate::error::AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}
