//! The worker loop: claim due jobs in batches, run them with a concurrency bound, record the
//! outcome. Runs inside `quai serve` by default, or alone as `quai worker`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::FutureExt;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::{JobContext, JobError, JobRun, Registry, model};
use crate::config::Settings;
use crate::db::{self, dialect::ClaimedJob};
use crate::telemetry::KindLabels;

/// How long running jobs may take to finish when the worker stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub concurrency: usize,
    pub poll: Duration,
    pub lock: Duration,
    pub backoff: Duration,
    pub backoff_max: Duration,
}

impl WorkerConfig {
    pub fn from_settings(s: &Settings) -> Self {
        Self {
            concurrency: s.jobs_concurrency,
            poll: Duration::from_millis(s.jobs_poll_ms),
            lock: Duration::from_secs(s.jobs_lock_seconds),
            backoff: Duration::from_millis(s.jobs_backoff_ms),
            backoff_max: Duration::from_secs(s.jobs_backoff_max_seconds),
        }
    }

    /// Exponential backoff with ±25 % jitter: `backoff · 2^(attempt-1)`, at most `backoff_max`.
    pub fn retry_delay(&self, attempt: i32) -> Duration {
        let exponent = attempt.clamp(1, 30) as u32 - 1;
        let base = self
            .backoff
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.backoff_max);
        base.mul_f64(rand::random_range(0.75..=1.25))
    }
}

/// One worker: an id of its own (so locks name their holder), a context, the known job kinds.
#[derive(Clone)]
pub struct Worker {
    id: Arc<str>,
    ctx: JobContext,
    registry: Arc<Registry>,
    config: WorkerConfig,
}

/// Stops a running worker: no new claims, jobs in flight finish.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    done: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.done.await {
            tracing::error!(error = %e, "job worker ended abnormally");
        }
    }
}

impl Worker {
    pub fn new(ctx: JobContext, registry: Registry, config: WorkerConfig) -> Self {
        let id = format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple());
        Self {
            id: id.into(),
            ctx,
            registry: Arc::new(registry),
            config,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Starts the loop on the current Tokio runtime.
    pub fn spawn(self) -> WorkerHandle {
        let (stop, stopped) = watch::channel(false);
        let done = tokio::spawn(self.run(stopped));
        WorkerHandle { stop, done }
    }

    async fn run(self, mut stopped: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, kinds = ?self.registry.kinds(), "job worker started");
        let slots = Arc::new(Semaphore::new(self.config.concurrency));
        let mut running = JoinSet::new();
        loop {
            while let Some(joined) = running.try_join_next() {
                if let Err(e) = joined {
                    tracing::error!(worker = %self.id, error = %e, "a job task ended abnormally");
                }
            }
            // Wait for a free slot (or the stop signal).
            tokio::select! {
                biased;
                _ = stopped.changed() => break,
                permit = slots.clone().acquire_owned() => drop(permit),
            }
            let free = slots.available_permits();
            match self.claim(free).await {
                Ok(jobs) if !jobs.is_empty() => {
                    for job in jobs {
                        let permit = slots
                            .clone()
                            .acquire_owned()
                            .await
                            .expect("semaphore never closes");
                        let worker = self.clone();
                        running.spawn(async move {
                            worker.execute(job).await;
                            drop(permit);
                        });
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(worker = %self.id, error = %e, "could not claim jobs"),
            }
            tokio::select! {
                biased;
                _ = stopped.changed() => break,
                _ = tokio::time::sleep(self.config.poll) => {}
            }
        }
        tracing::info!(worker = %self.id, in_flight = running.len(), "job worker stopping");
        // Jobs in flight get a short grace; the rest are abandoned and run again elsewhere
        // once their lock expires.
        let drain = async { while running.join_next().await.is_some() {} };
        if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
            tracing::warn!(worker = %self.id, abandoned = running.len(), "jobs still running at shutdown were abandoned");
            running.abort_all();
        }
        tracing::info!(worker = %self.id, "job worker stopped");
    }

    async fn claim(&self, limit: usize) -> Result<Vec<ClaimedJob>, crate::error::AppError> {
        let id = self.id.clone();
        let lock =
            chrono::Duration::from_std(self.config.lock).unwrap_or(chrono::Duration::minutes(5));
        db::run(&self.ctx.db, move |conn| {
            let now = Utc::now().naive_utc();
            Ok(db::dialect::claim_jobs(
                conn,
                &id,
                limit as i64,
                now,
                now + lock,
            )?)
        })
        .await
    }

    /// Runs one claimed job and records what happened.
    async fn execute(&self, job: ClaimedJob) {
        let started = Instant::now();
        let labels = KindLabels {
            kind: job.kind.clone(),
        };
        let outcome = if job.attempts > job.max_attempts {
            Err(JobError::Permanent(format!(
                "gave up after {} claims: its worker never reported back (crashed?)",
                job.max_attempts
            )))
        } else {
            let run = JobRun {
                id: job.id,
                attempt: job.attempts,
                created_at: job.created_at,
            };
            let future = self
                .registry
                .start(&job.kind, &job.payload, self.ctx.clone(), run);
            // Finish well before the lock expires, so that no other worker takes the job meanwhile.
            let budget = self.config.lock.mul_f64(0.8);
            let guarded = std::panic::AssertUnwindSafe(future).catch_unwind();
            match tokio::time::timeout(budget, guarded).await {
                Ok(Ok(result)) => result,
                Ok(Err(panic)) => Err(JobError::Permanent(format!(
                    "the job panicked: {}",
                    panic_message(panic.as_ref())
                ))),
                Err(_) => Err(JobError::Transient(format!("timed out after {budget:?}"))),
            }
        };
        let elapsed = started.elapsed();
        self.ctx
            .metrics
            .job_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        let id = self.id.clone();
        let (job_id, attempts, max_attempts) = (job.id, job.attempts, job.max_attempts);
        let record = match &outcome {
            Ok(()) => {
                self.ctx.metrics.jobs_completed.get_or_create(&labels).inc();
                tracing::info!(job = job_id, kind = %job.kind, attempt = attempts, elapsed_ms = elapsed.as_millis() as u64, "job done");
                db::run(&self.ctx.db, move |conn| {
                    Ok(model::complete(conn, job_id, &id, attempts)?)
                })
                .await
            }
            Err(error) => {
                self.ctx.metrics.jobs_failed.get_or_create(&labels).inc();
                let dead = matches!(error, JobError::Permanent(_)) || attempts >= max_attempts;
                let delay = self.config.retry_delay(attempts);
                if dead {
                    tracing::error!(job = job_id, kind = %job.kind, attempt = attempts, %error, "job dead");
                } else {
                    tracing::warn!(job = job_id, kind = %job.kind, attempt = attempts, %error, retry_in_ms = delay.as_millis() as u64, "job failed; will retry");
                }
                let message = error.to_string();
                db::run(&self.ctx.db, move |conn| {
                    let now = Utc::now().naive_utc();
                    let retry_at = now + chrono::Duration::from_std(delay).unwrap_or_default();
                    Ok(model::fail(
                        conn, job_id, &id, attempts, &message, retry_at, dead, now,
                    )?)
                })
                .await
            }
        };
        match record {
            Ok(0) => tracing::warn!(
                job = job_id,
                "job outcome not recorded: its lock had passed to another worker"
            ),
            Ok(_) => {}
            Err(e) => {
                tracing::error!(job = job_id, error = %e, "job outcome not recorded; it will run again after its lock expires")
            }
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .unwrap_or_else(|| "quai".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let config = WorkerConfig {
            concurrency: 1,
            poll: Duration::from_millis(10),
            lock: Duration::from_secs(60),
            backoff: Duration::from_secs(2),
            backoff_max: Duration::from_secs(60),
        };
        for (attempt, base) in [
            (1, 2.0),
            (2, 4.0),
            (3, 8.0),
            (5, 32.0),
            (9, 60.0),
            (40, 60.0),
        ] {
            let d = config.retry_delay(attempt).as_secs_f64();
            assert!(
                d >= base * 0.75 - 1e-9 && d <= base * 1.25 + 1e-9,
                "attempt {attempt}: {d}"
            );
        }
    }
}
