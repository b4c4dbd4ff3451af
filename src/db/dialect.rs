//! The few statements that differ between PostgreSQL and SQLite, and nowhere else.

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;

use super::DbConnection;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Cheap round trip used by `/readyz`.
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    let row: Count = diesel::sql_query("SELECT CAST(1 AS BIGINT) AS n").get_result(conn)?;
    debug_assert_eq!(row.n, 1);
    Ok(())
}

/// The server's own name and version, shown by `quai migrate` and in logs.
pub fn server_version(conn: &mut DbConnection) -> diesel::QueryResult<String> {
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let sql = match conn {
        DbConnection::Pg(_) => "SELECT version() AS v",
        DbConnection::Sqlite(_) => "SELECT 'SQLite ' || sqlite_version() AS v",
    };
    let row: Version = diesel::sql_query(sql).get_result(conn)?;
    Ok(row.v)
}

/// Runs the same statement on either backend, each with its own SQL text (placeholders
/// `$1` on PostgreSQL, `?1` on SQLite) and its own concrete connection.
macro_rules! per_backend {
    ($conn:expr, pg: $pg:expr, sqlite: $sqlite:expr, |$c:ident, $sql:ident| $body:expr) => {
        match $conn {
            DbConnection::Pg($c) => {
                let $sql = $pg;
                $body
            }
            DbConnection::Sqlite($c) => {
                let $sql = $sqlite;
                $body
            }
        }
    };
}

#[derive(diesel::QueryableByName)]
struct InsertedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// A job row to insert.
pub struct JobInsert<'a> {
    pub kind: &'a str,
    pub payload: &'a str,
    pub run_at: chrono::NaiveDateTime,
    pub max_attempts: i32,
    pub dedup_key: Option<&'a str>,
    pub now: chrono::NaiveDateTime,
}

/// Inserts a job; a job with the same `dedup_key` already there wins (returns `None`).
pub fn insert_job(
    conn: &mut DbConnection,
    job: &JobInsert<'_>,
) -> diesel::QueryResult<Option<i64>> {
    use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
    per_backend!(conn,
        pg: "INSERT INTO jobs (kind, payload, state, run_at, attempts, max_attempts, dedup_key, created_at, updated_at) \
             VALUES ($1, $2, 'queued', $3, 0, $4, $5, $6, $6) ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
        sqlite: "INSERT INTO jobs (kind, payload, state, run_at, attempts, max_attempts, dedup_key, created_at, updated_at) \
             VALUES (?1, ?2, 'queued', ?3, 0, ?4, ?5, ?6, ?6) ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
        |c, sql| {
            let rows: Vec<InsertedId> = diesel::sql_query(sql)
                .bind::<Text, _>(job.kind)
                .bind::<Text, _>(job.payload)
                .bind::<Timestamp, _>(job.run_at)
                .bind::<Integer, _>(job.max_attempts)
                .bind::<Nullable<Text>, _>(job.dedup_key)
                .bind::<Timestamp, _>(job.now)
                .load(c)?;
            Ok(rows.first().map(|r| r.id))
        }
    )
}

/// A job claimed by a worker.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct ClaimedJob {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub payload: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub max_attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    pub created_at: chrono::NaiveDateTime,
}

/// Claims up to `limit` due jobs for `worker` until `locked_until`, counting the attempt. The
/// dedup key is released: once a job has started, a new job with the same key is new work.
/// PostgreSQL skips rows other workers are claiming (`FOR UPDATE SKIP LOCKED`); SQLite runs
/// the guarded UPDATE as one write, so two claims never overlap.
pub fn claim_jobs(
    conn: &mut DbConnection,
    worker: &str,
    limit: i64,
    now: chrono::NaiveDateTime,
    locked_until: chrono::NaiveDateTime,
) -> diesel::QueryResult<Vec<ClaimedJob>> {
    use diesel::sql_types::{Text, Timestamp};
    let mut claimed = per_backend!(conn,
        pg: "UPDATE jobs SET locked_until = $1, locked_by = $2, attempts = attempts + 1, updated_at = $3, dedup_key = NULL \
             WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3 \
                          AND (locked_until IS NULL OR locked_until < $3) \
                          ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING id, kind, payload, attempts, max_attempts, created_at",
        sqlite: "UPDATE jobs SET locked_until = ?1, locked_by = ?2, attempts = attempts + 1, updated_at = ?3, dedup_key = NULL \
             WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ?3 \
                          AND (locked_until IS NULL OR locked_until < ?3) \
                          ORDER BY run_at, id LIMIT ?4) \
             RETURNING id, kind, payload, attempts, max_attempts, created_at",
        |c, sql| diesel::sql_query(sql)
            .bind::<Timestamp, _>(locked_until)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load::<ClaimedJob>(c)
    )?;
    claimed.sort_by_key(|j| j.id);
    Ok(claimed)
}

/// Inserts a login session and returns its id.
pub fn insert_session(
    conn: &mut DbConnection,
    user_id: i64,
    user_agent: &str,
    ip: &str,
    now: chrono::NaiveDateTime,
    expires_at: chrono::NaiveDateTime,
) -> diesel::QueryResult<i64> {
    use diesel::sql_types::{Text, Timestamp};
    per_backend!(conn,
        pg: "INSERT INTO sessions (user_id, user_agent, ip, created_at, last_used_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
        sqlite: "INSERT INTO sessions (user_id, user_agent, ip, created_at, last_used_at, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?4, ?5) RETURNING id",
        |c, sql| {
            let row: InsertedId = diesel::sql_query(sql)
                .bind::<BigInt, _>(user_id)
                .bind::<Text, _>(user_agent)
                .bind::<Text, _>(ip)
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(expires_at)
                .get_result(c)?;
            Ok(row.id)
        }
    )
}

/// Counts one hit in a fixed window and returns the window's total so far.
pub fn hit_counter(
    conn: &mut DbConnection,
    bucket: &str,
    window_start: chrono::NaiveDateTime,
) -> diesel::QueryResult<i32> {
    use diesel::sql_types::{Integer, Text, Timestamp};
    #[derive(diesel::QueryableByName)]
    struct Hits {
        #[diesel(sql_type = Integer)]
        hits: i32,
    }
    per_backend!(conn,
        pg: "INSERT INTO rate_counters (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits",
        sqlite: "INSERT INTO rate_counters (bucket, window_start, hits) VALUES (?1, ?2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits",
        |c, sql| {
            let row: Hits = diesel::sql_query(sql)
                .bind::<Text, _>(bucket)
                .bind::<Timestamp, _>(window_start)
                .get_result(c)?;
            Ok(row.hits)
        }
    )
}

/// A transaction that writes: on SQLite it takes the write lock at `BEGIN IMMEDIATE` (a deferred
/// transaction that reads then writes fails at once with "database is locked" when another
/// connection wrote in between); on PostgreSQL an ordinary transaction. `work` must not open
/// transactions of its own.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    match conn {
        DbConnection::Pg(_) => conn.transaction(work),
        DbConnection::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match work(conn) {
                Ok(value) => {
                    conn.batch_execute("COMMIT")?;
                    Ok(value)
                }
                Err(e) => {
                    if let Err(rollback) = conn.batch_execute("ROLLBACK") {
                        tracing::error!(error = %rollback, "rollback failed");
                    }
                    Err(e)
                }
            }
        }
    }
}

/// Serialises the transactions that touch one key (PostgreSQL: an advisory lock held until the
/// transaction ends; SQLite: the write lock of [`write_transaction`] already does it).
pub fn lock_key(conn: &mut DbConnection, key: &str) -> diesel::QueryResult<()> {
    use diesel::sql_types::Text;
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<Text, _>(key)
            .execute(c)?;
    }
    Ok(())
}
