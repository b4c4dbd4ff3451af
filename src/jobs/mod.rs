//! The durable job queue: work that happens after the request (emails, search sync,
//! reminders, expiries).
//!
//! A job is enqueued with [`enqueue`] on the caller's connection, inside the caller's
//! transaction, so it exists exactly when the change that causes it does. Workers
//! ([`worker::Worker`]) claim due jobs in batches, run them with a concurrency bound, delete them
//! on success, retry transient failures with exponential backoff, and mark a job dead after
//! `max_attempts` or at once on a permanent failure. A worker that dies leaves its jobs locked
//! until `locked_until`; then another worker takes them. Jobs must therefore be idempotent.
//!
//! Errors: a job's `run` returns [`JobError`]; queue operations return diesel errors.

pub mod model;
pub mod service;
pub mod worker;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::Settings;
use crate::db::{DbConnection, Pool, dialect};
use crate::mail::Mailer;
use crate::telemetry::Metrics;

/// How a job run failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another try later (a server down, a 4xx SMTP answer, a timeout).
    #[error("{0}")]
    Transient(String),
    /// Will never succeed (a 5xx SMTP answer, a payload that cannot be read).
    #[error("{0}")]
    Permanent(String),
}

/// What a running job may use.
#[derive(Clone)]
pub struct JobContext {
    pub db: Pool,
    /// For the links of emails (`AuthState::link_token`).
    pub auth: Arc<crate::auth::AuthState>,
    pub mailer: Arc<Mailer>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// The search engine and the documents' sources, for the sync jobs.
    pub search: crate::search::Search,
}

/// Which run of which job this is.
#[derive(Clone, Copy, Debug)]
pub struct JobRun {
    pub id: i64,
    pub attempt: i32,
    pub created_at: NaiveDateTime,
}

/// A kind of job: its name in the table, its payload (the type itself), and an idempotent run.
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    const KIND: &'static str;
    const MAX_ATTEMPTS: i32 = 10;

    fn run(self, ctx: JobContext, run: JobRun)
    -> impl Future<Output = Result<(), JobError>> + Send;
}

/// When and how a job is enqueued.
#[derive(Clone, Debug, Default)]
pub struct EnqueueOptions {
    /// Not before this time (reminders, expiries); now when `None`.
    pub run_at: Option<NaiveDateTime>,
    /// At most one job with this key exists at a time; a second enqueue is a no-op.
    pub dedup_key: Option<String>,
}

/// Writes a job on the caller's connection (in the caller's transaction, if any).
/// Returns the new job's id, or `None` when a job with the same dedup key already exists.
pub fn enqueue<J: Job>(
    conn: &mut DbConnection,
    job: &J,
    options: EnqueueOptions,
) -> Result<Option<i64>, diesel::result::Error> {
    let payload = serde_json::to_string(job)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let now = Utc::now().naive_utc();
    dialect::insert_job(
        conn,
        &dialect::JobInsert {
            kind: J::KIND,
            payload: &payload,
            run_at: options.run_at.unwrap_or(now),
            max_attempts: J::MAX_ATTEMPTS,
            dedup_key: options.dedup_key.as_deref(),
            now,
        },
    )
}

type BoxedRun = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type Handler = Arc<dyn Fn(&str, JobContext, JobRun) -> BoxedRun + Send + Sync>;

/// The kinds of job a worker knows how to run.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
}

impl Registry {
    pub fn register<J: Job>(mut self) -> Self {
        let handler: Handler =
            Arc::new(
                |payload, ctx, run| match serde_json::from_str::<J>(payload) {
                    Ok(job) => Box::pin(job.run(ctx, run)),
                    Err(e) => {
                        let message = format!("unreadable {} payload: {e}", J::KIND);
                        Box::pin(async move { Err(JobError::Permanent(message)) })
                    }
                },
            );
        self.handlers.insert(J::KIND, handler);
        self
    }

    fn start(&self, kind: &str, payload: &str, ctx: JobContext, run: JobRun) -> BoxedRun {
        match self.handlers.get(kind) {
            Some(handler) => handler(payload, ctx, run),
            None => {
                let message = format!("no handler for job kind `{kind}`");
                Box::pin(async move { Err(JobError::Permanent(message)) })
            }
        }
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }
}
