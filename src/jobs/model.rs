//! Rows and queries of `jobs` (the backend-specific claim and insert are in `db::dialect`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::jobs;

pub const QUEUED: &str = "queued";
pub const DEAD: &str = "dead";

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    #[serde(skip)]
    pub payload: String,
    pub state: String,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    #[serde(skip)]
    pub locked_by: Option<String>,
    pub dedup_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Success: the job is done and goes away — if this worker still holds it.
/// `attempt` is the claim's attempt number: a late answer from an earlier claim of the same
/// job by the same worker matches nothing.
pub fn complete(
    conn: &mut DbConnection,
    id: i64,
    worker: &str,
    attempt: i32,
) -> QueryResult<usize> {
    diesel::delete(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::locked_by.eq(worker))
            .filter(jobs::attempts.eq(attempt)),
    )
    .execute(conn)
}

/// A failed attempt: back to the queue at `retry_at`, or dead when `dead` is set.
#[allow(clippy::too_many_arguments)]
pub fn fail(
    conn: &mut DbConnection,
    id: i64,
    worker: &str,
    attempt: i32,
    error: &str,
    retry_at: NaiveDateTime,
    dead: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::locked_by.eq(worker))
            .filter(jobs::attempts.eq(attempt)),
    )
    .set((
        jobs::state.eq(if dead { DEAD } else { QUEUED }),
        jobs::run_at.eq(retry_at),
        jobs::last_error.eq(error),
        jobs::locked_until.eq(None::<NaiveDateTime>),
        jobs::locked_by.eq(None::<String>),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Which jobs a listing shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StateFilter {
    /// Waiting to run, never failed.
    Queued,
    /// Claimed by a worker right now.
    Running,
    /// Failed at least once, waiting for a retry.
    Failed,
    /// Given up; needs a person.
    Dead,
}

fn filtered(
    filter: Option<StateFilter>,
    now: NaiveDateTime,
) -> jobs::BoxedQuery<'static, crate::db::DbBackend> {
    let query = jobs::table.into_boxed();
    let running = jobs::locked_until.gt(now);
    match filter {
        None => query,
        Some(StateFilter::Dead) => query.filter(jobs::state.eq(DEAD)),
        Some(StateFilter::Running) => query.filter(jobs::state.eq(QUEUED)).filter(running),
        Some(StateFilter::Failed) => query
            .filter(jobs::state.eq(QUEUED))
            .filter(jobs::last_error.is_not_null())
            .filter(jobs::locked_until.is_null().or(jobs::locked_until.le(now))),
        Some(StateFilter::Queued) => query
            .filter(jobs::state.eq(QUEUED))
            .filter(jobs::last_error.is_null())
            .filter(jobs::locked_until.is_null().or(jobs::locked_until.le(now))),
    }
}

pub fn list(
    conn: &mut DbConnection,
    filter: Option<StateFilter>,
    now: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<JobRow>, i64)> {
    let items = filtered(filter, now)
        .order(jobs::id.asc())
        .offset(offset)
        .limit(limit)
        .select(JobRow::as_select())
        .load(conn)?;
    let total = filtered(filter, now).count().get_result(conn)?;
    Ok((items, total))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<JobRow> {
    jobs::table.find(id).select(JobRow::as_select()).first(conn)
}

pub fn count(conn: &mut DbConnection, filter: StateFilter, now: NaiveDateTime) -> QueryResult<i64> {
    filtered(Some(filter), now).count().get_result(conn)
}

/// A dead job goes back to the queue with a fresh set of attempts.
pub fn revive(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::state.eq(DEAD)),
    )
    .set((
        jobs::state.eq(QUEUED),
        jobs::attempts.eq(0),
        jobs::run_at.eq(now),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)
}

pub fn delete_dead(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::state.eq(DEAD)),
    )
    .execute(conn)
}
