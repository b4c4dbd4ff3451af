//! Rules about the queue that people act on: listing, reviving and discarding jobs, counts.

use chrono::Utc;

use super::model::{self, JobRow, StateFilter};
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::web::pagination::PageRequest;

pub async fn list(
    pool: &Pool,
    filter: Option<StateFilter>,
    page: PageRequest,
) -> Result<(Vec<JobRow>, i64), AppError> {
    db::run(pool, move |conn| {
        Ok(model::list(
            conn,
            filter,
            Utc::now().naive_utc(),
            page.offset(),
            page.per_page,
        )?)
    })
    .await
}

/// Puts a dead job back in the queue; only dead jobs can be retried.
pub async fn retry(pool: &Pool, id: i64) -> Result<JobRow, AppError> {
    db::run(pool, move |conn| {
        let job = model::find(conn, id)?;
        if job.state != model::DEAD {
            return Err(AppError::Conflict(format!(
                "job {id} is not dead; it will run by itself"
            )));
        }
        model::revive(conn, id, Utc::now().naive_utc())?;
        Ok(model::find(conn, id)?)
    })
    .await
}

/// Removes a dead job for good; live jobs cannot be discarded.
pub async fn discard(pool: &Pool, id: i64) -> Result<(), AppError> {
    db::run(pool, move |conn| {
        let job = model::find(conn, id)?;
        if job.state != model::DEAD {
            return Err(AppError::Conflict(format!(
                "job {id} is not dead; only dead jobs can be discarded"
            )));
        }
        model::delete_dead(conn, id)?;
        Ok(())
    })
    .await
}

/// How many jobs are in each state, for `/metrics`.
pub async fn counts(pool: &Pool) -> Result<Vec<(&'static str, i64)>, AppError> {
    db::run(pool, |conn| {
        let now = Utc::now().naive_utc();
        let mut out = Vec::new();
        for (name, filter) in [
            ("queued", StateFilter::Queued),
            ("running", StateFilter::Running),
            ("failed", StateFilter::Failed),
            ("dead", StateFilter::Dead),
        ] {
            out.push((name, model::count(conn, filter, now)?));
        }
        Ok(out)
    })
    .await
}
