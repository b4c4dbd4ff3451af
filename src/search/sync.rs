//! Keeping the index equal to the database.
//!
//! - [`touch`], in the writer's transaction, enqueues a [`SyncDocument`] job (one per document
//!   at a time: the dedup key is released when the job starts, so a later change gets its own).
//! - The job reads the row *now*, upserts its document (or deletes it), then reads it again: if
//!   it changed meanwhile, it goes round again. Whatever order two jobs of one document finish
//!   in, the last write to the index is a state read after the last change.
//! - [`reindex`] builds a new index from the database and swaps it in, then runs [`check`] with
//!   `fix` to catch the changes made while it was building.
//! - [`check`] compares every document's fingerprint with the index and repairs drift.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Document, Kind, Search, SearchError};
use crate::db::{self, DbConnection, Pool};
use crate::error::AppError;
use crate::jobs::{EnqueueOptions, Job, JobContext, JobError, JobRun, enqueue};

/// Re-reads one row and makes the index agree with it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SyncDocument {
    pub kind: Kind,
    pub id: i64,
}

/// Enqueues the sync of row `id` of `kind`, on the caller's connection (in its transaction).
///
/// No dedup key: a queued job of the same document may be claimed and run before this
/// transaction commits, reading the row as it was; this change needs a job of its own, which
/// becomes visible to the workers only when the change does.
pub fn touch(conn: &mut DbConnection, kind: Kind, id: i64) -> diesel::QueryResult<()> {
    enqueue(conn, &SyncDocument { kind, id }, EnqueueOptions::default())?;
    Ok(())
}

fn transient(e: impl std::fmt::Display) -> JobError {
    JobError::Transient(e.to_string())
}

impl Job for SyncDocument {
    const KIND: &'static str = "search_sync";
    /// With backoff capped at `jobs_backoff_max_seconds` (an hour by default), about two days
    /// of an engine down before a sync is given up (and `quai search check --fix` repairs it).
    const MAX_ATTEMPTS: i32 = 60;

    async fn run(self, ctx: JobContext, _run: JobRun) -> Result<(), JobError> {
        let changed = sync_one(&ctx.db, &ctx.search, self.kind, self.id)
            .await
            .map_err(|e| match e {
                SyncError::Engine(e) => transient(e),
                SyncError::Database(e) => transient(e),
                SyncError::NoSource(kind) => {
                    JobError::Permanent(format!("no search source for `{}`", kind.as_str()))
                }
            })?;
        tracing::debug!(
            kind = self.kind.as_str(),
            id = self.id,
            changed,
            "search sync"
        );
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Engine(#[from] SearchError),
    #[error("database: {0}")]
    Database(String),
    #[error("no search source for `{}`", .0.as_str())]
    NoSource(Kind),
}

impl From<AppError> for SyncError {
    fn from(e: AppError) -> Self {
        SyncError::Database(e.to_string())
    }
}

async fn load(
    db: &Pool,
    search: &Search,
    kind: Kind,
    id: i64,
) -> Result<Option<Document>, SyncError> {
    let search = search.clone();
    Ok(db::run(db, move |conn| {
        let source = search
            .source(kind)
            .ok_or_else(|| AppError::internal("no source"))?;
        Ok(source.load(conn, id)?)
    })
    .await?)
}

/// Makes the index agree with row `id` of `kind`, then enqueues the documents that show
/// something of it. Returns whether the row is findable.
pub async fn sync_one(db: &Pool, search: &Search, kind: Kind, id: i64) -> Result<bool, SyncError> {
    let findable = reconcile(db, search, kind, id).await?;
    let search2 = search.clone();
    db::run(db, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            for source in search2.sources.iter() {
                for dependent in source.dependents(conn, kind, id)? {
                    touch(conn, source.kind(), dependent)?;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        Ok(())
    })
    .await?;
    Ok(findable)
}

/// Makes the index agree with row `id` of `kind` as it is now: read, write, read again.
async fn reconcile(db: &Pool, search: &Search, kind: Kind, id: i64) -> Result<bool, SyncError> {
    if search.source(kind).is_none() {
        return Err(SyncError::NoSource(kind));
    }
    let mut doc = load(db, search, kind, id).await?;
    // Bounded: a row rewritten faster than it can be indexed leaves the rest to its own job.
    for _ in 0..5 {
        match &doc {
            Some(d) => search.engine.upsert(std::slice::from_ref(d)).await?,
            None => search.engine.delete(&[kind.doc_id(id)]).await?,
        }
        let again = load(db, search, kind, id).await?;
        if again == doc {
            break;
        }
        doc = again;
    }
    Ok(doc.is_some())
}

/// Every findable document of the database, by id.
pub async fn documents(
    db: &Pool,
    search: &Search,
    mut progress: impl FnMut(usize, usize),
) -> Result<BTreeMap<String, Document>, SyncError> {
    let mut all = BTreeMap::new();
    for source in search.sources.iter() {
        let kind = source.kind();
        let s = search.clone();
        let ids = db::run(db, move |conn| {
            Ok(s.source(kind)
                .map(|src| src.ids(conn))
                .transpose()?
                .unwrap_or_default())
        })
        .await?;
        let total = ids.len();
        for (n, chunk) in ids.chunks(200).enumerate() {
            let chunk = chunk.to_vec();
            let s = search.clone();
            let docs = db::run(db, move |conn| {
                let Some(src) = s.source(kind) else {
                    return Ok(Vec::new());
                };
                let mut out = Vec::with_capacity(chunk.len());
                for id in chunk {
                    if let Some(d) = src.load(conn, id)? {
                        out.push(d);
                    }
                }
                Ok(out)
            })
            .await?;
            for d in docs {
                all.insert(d.id.clone(), d);
            }
            progress(((n + 1) * 200).min(total), total);
        }
    }
    Ok(all)
}

/// What `check` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// In the database, not in the index.
    pub missing: Vec<String>,
    /// In both, but the index holds an older version.
    pub stale: Vec<String>,
    /// In the index, not findable any more.
    pub extra: Vec<String>,
    /// Documents compared.
    pub documents: usize,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.extra.is_empty()
    }
}

/// Compares the database with the index; with `fix`, upserts what is missing or stale and
/// deletes what should not be there.
pub async fn check(db: &Pool, search: &Search, fix: bool) -> Result<Drift, SyncError> {
    let expected = documents(db, search, |_, _| {}).await?;
    let indexed = search.engine.fingerprints().await?;
    let mut drift = Drift {
        documents: expected.len(),
        ..Drift::default()
    };
    for (id, doc) in &expected {
        match indexed.get(id) {
            None => drift.missing.push(id.clone()),
            Some(f) if *f != doc.fingerprint() => drift.stale.push(id.clone()),
            Some(_) => {}
        }
    }
    drift.extra = indexed
        .keys()
        .filter(|id| !expected.contains_key(*id))
        .cloned()
        .collect();
    if fix {
        // Each drifted document is made to agree with its row as it is *now*: the snapshot
        // above may be older than a change that withdrew it.
        let mut foreign = Vec::new();
        for id in drift.missing.iter().chain(&drift.stale).chain(&drift.extra) {
            match Kind::parse_doc_id(id) {
                Some((kind, row)) if search.source(kind).is_some() => {
                    reconcile(db, search, kind, row).await?;
                }
                _ => foreign.push(id.clone()),
            }
        }
        for chunk in foreign.chunks(500) {
            search.engine.delete(chunk).await?;
        }
    }
    Ok(drift)
}

/// Builds a new index from the database and swaps it in; searches go on meanwhile. Changes
/// made during the build are caught by a `check --fix` after the swap. Returns the number of
/// documents indexed.
pub async fn reindex(
    db: &Pool,
    search: &Search,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize, SyncError> {
    match search.engine.ensure_settings().await {
        Ok(()) => {}
        // The embedded live index is replaced whole: it need not open.
        Err(e) if search.engine.name() == "embedded" => {
            tracing::warn!(error = %e, "search: the embedded index is replaced");
        }
        Err(e) => return Err(e.into()),
    }
    let docs = documents(db, search, &mut progress).await?;
    let mut rebuild = search.engine.rebuild().await?;
    let total = docs.len();
    let docs: Vec<Document> = docs.into_values().collect();
    for chunk in docs.chunks(1000) {
        rebuild.add(chunk.to_vec()).await?;
    }
    rebuild.finish().await?;
    check(db, search, true).await?;
    Ok(total)
}

/// Rebuilds the index from the database, in the worker (after start-up found no index).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RebuildIndex;

impl Job for RebuildIndex {
    const KIND: &'static str = "search_rebuild";

    async fn run(self, ctx: JobContext, _run: JobRun) -> Result<(), JobError> {
        let n = reindex(&ctx.db, &ctx.search, |_, _| {})
            .await
            .map_err(transient)?;
        tracing::info!(
            documents = n,
            engine = ctx.search.engine.name(),
            "search index rebuilt"
        );
        Ok(())
    }
}

/// Enqueues a [`RebuildIndex`] (once, whoever asks).
pub fn enqueue_rebuild(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    enqueue(
        conn,
        &RebuildIndex,
        EnqueueOptions {
            run_at: None,
            dedup_key: Some("search:rebuild".into()),
        },
    )?;
    Ok(())
}

/// At start-up: the index's settings applied, and an empty index filled from the database.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PrepareIndex;

impl Job for PrepareIndex {
    const KIND: &'static str = "search_prepare";

    async fn run(self, ctx: JobContext, _run: JobRun) -> Result<(), JobError> {
        let engine = &ctx.search.engine;
        let usable = match engine.ensure_settings().await {
            Ok(()) => true,
            // An embedded index that cannot be opened (another version's, a folder gone) is
            // rebuilt.
            Err(e) if engine.name() == "embedded" => {
                tracing::warn!(error = %e, "search: the embedded index is rebuilt");
                false
            }
            Err(e) => return Err(transient(e)),
        };
        if usable && engine.count().await.map_err(transient)? > 0 {
            return Ok(());
        }
        let n = reindex(&ctx.db, &ctx.search, |_, _| {})
            .await
            .map_err(transient)?;
        if n > 0 {
            tracing::info!(
                documents = n,
                engine = ctx.search.engine.name(),
                "search index filled"
            );
        }
        Ok(())
    }
}

/// Enqueues a [`PrepareIndex`] (once, however many processes start) when there is something
/// to do: Meilisearch's settings to apply, or an empty embedded index while the database has
/// rows to find.
pub fn enqueue_prepare(conn: &mut DbConnection, search: &Search) -> diesel::QueryResult<()> {
    if search.preparation == super::Preparation::FillIfRows {
        let mut rows = false;
        for source in search.sources.iter() {
            if !source.ids(conn)?.is_empty() {
                rows = true;
                break;
            }
        }
        if !rows {
            return Ok(());
        }
    }
    enqueue(
        conn,
        &PrepareIndex,
        EnqueueOptions {
            run_at: None,
            dedup_key: Some("search:prepare".into()),
        },
    )?;
    Ok(())
}
