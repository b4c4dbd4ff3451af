//! The embedded engine: a tantivy index in `<data_dir>/search/`, the zero-set-up default.
//!
//! The folder holds index folders (`index-<uuid>`) and a `CURRENT` file naming the live one. A
//! rebuild fills a new folder, then replaces `CURRENT` by an atomic rename: searches never see
//! a half-built index, and every operation reads `CURRENT` first, so a `quai reindex` run in
//! another process is picked up at once.
//!
//! Writes take tantivy's writer lock for the time of one batch: while another process holds it
//! (or the folder cannot be written), writes answer [`SearchError::Unavailable`] and the sync
//! jobs retry later. French analysis, typos, prefixes and synonyms come from [`super::text`].

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Count, DocSetCollector, FacetCollector, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery,
    Query as TQuery, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument,
    TantivyError, Term,
};

use super::text::{self, ANALYZER, Clause, Plan, Word};
use super::{Audience, Document, Facets, Hit, Query, Rebuild, Results, SearchEngine, SearchError};
use super::{Sort, Suggestion};

/// Memory for one writer: tantivy's minimum per thread is 15 MB.
const WRITER_BYTES: usize = 20_000_000;
const REBUILD_BYTES: usize = 100_000_000;

/// The fields, and how much a match in each weighs.
#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    visibility: Field,
    theme: Field,
    org_kind: Field,
    city_key: Field,
    facet: Field,
    title: Field,
    organization: Field,
    themes_text: Field,
    text: Field,
    city: Field,
    /// Titles, names, theme labels and cities, unstemmed: what the last word completes.
    prefix: Field,
    starts_at: Field,
    published_at: Field,
    fingerprint: Field,
    source: Field,
}

impl Fields {
    fn weighted(&self) -> [(Field, f32); 5] {
        [
            (self.title, 3.0),
            (self.organization, 2.0),
            (self.themes_text, 2.0),
            (self.city, 1.0),
            (self.text, 1.0),
        ]
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING),
        visibility: b.add_text_field("visibility", STRING),
        theme: b.add_text_field("theme", STRING),
        org_kind: b.add_text_field("org_kind", STRING),
        city_key: b.add_text_field("city_key", STRING),
        facet: b.add_facet_field("facet", FacetOptions::default()),
        title: b.add_text_field("title", words.clone()),
        organization: b.add_text_field("organization", words.clone()),
        themes_text: b.add_text_field("themes_text", words.clone()),
        text: b.add_text_field("text", words.clone()),
        city: b.add_text_field("city", words),
        prefix: b.add_text_field(
            "prefix",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(text::PREFIX_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        starts_at: b.add_i64_field("starts_at", INDEXED | FAST),
        published_at: b.add_i64_field("published_at", FAST),
        fingerprint: b.add_text_field("fingerprint", STORED),
        source: b.add_text_field("source", STORED),
    };
    (b.build(), fields)
}

fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, text::analyzer());
    index
        .tokenizers()
        .register(text::PREFIX_ANALYZER, text::prefix_analyzer());
}

/// The live index, as last opened.
struct Live {
    name: String,
    index: Index,
    reader: IndexReader,
}

struct Inner {
    root: PathBuf,
    fields: Fields,
    schema: Schema,
    live: Mutex<Option<Arc<Live>>>,
    /// One writer at a time in this process; other processes meet tantivy's lock.
    writing: Mutex<()>,
}

#[derive(Clone)]
pub struct EmbeddedEngine {
    inner: Arc<Inner>,
}

fn failed(e: impl std::fmt::Display) -> SearchError {
    SearchError::Failed(e.to_string())
}

fn io_unavailable(what: &str, e: std::io::Error) -> SearchError {
    SearchError::Unavailable(format!("{what}: {e}"))
}

/// Writer errors: a lock held elsewhere or a folder that cannot be written means "later".
fn write_error(e: TantivyError) -> SearchError {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => {
            SearchError::Unavailable("the index is being written by another process".into())
        }
        TantivyError::IoError(e) => SearchError::Unavailable(e.to_string()),
        TantivyError::OpenWriteError(e) => SearchError::Unavailable(e.to_string()),
        TantivyError::OpenDirectoryError(e) => SearchError::Unavailable(e.to_string()),
        TantivyError::LockFailure(e, _) => SearchError::Unavailable(e.to_string()),
        e => SearchError::Failed(e.to_string()),
    }
}

impl EmbeddedEngine {
    /// Opens (or creates) the index under `root`.
    pub fn open(root: &Path) -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        let engine = Self {
            inner: Arc::new(Inner {
                root: root.to_path_buf(),
                fields,
                schema,
                live: Mutex::new(None),
                writing: Mutex::new(()),
            }),
        };
        // An index that cannot be opened (another version's, a folder gone) does not stop the
        // platform: searches answer 503 until `quai reindex` (or the start-up job) rebuilds it.
        if let Err(e) = engine.inner.live() {
            tracing::warn!(error = %e, "search: the embedded index cannot be opened");
        }
        Ok(engine)
    }

    /// Whether the live index holds no document (blocking: for start-up).
    pub fn is_empty(&self) -> Result<bool, SearchError> {
        Ok(self.inner.live()?.reader.searcher().num_docs() == 0)
    }

    /// Runs blocking index work off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || work(&inner))
            .await
            .map_err(|e| SearchError::Failed(format!("search task: {e}")))?
    }
}

impl Inner {
    fn current_file(&self) -> PathBuf {
        self.root.join("CURRENT")
    }

    /// A new, empty index folder, its analyzer registered.
    fn create_index(&self) -> Result<(String, Index), SearchError> {
        let name = format!("index-{}", uuid::Uuid::new_v4().simple());
        let dir = self.root.join(&name);
        std::fs::create_dir_all(&dir).map_err(|e| io_unavailable("search folder", e))?;
        let index = Index::create_in_dir(&dir, self.schema.clone()).map_err(write_error)?;
        register(&index);
        Ok((name, index))
    }

    /// Names `name` the live index: written aside, then renamed over `CURRENT` (atomic).
    fn publish(&self, name: &str) -> Result<(), SearchError> {
        let tmp = self
            .root
            .join(format!("CURRENT.{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&tmp, name).map_err(|e| io_unavailable("search folder", e))?;
        std::fs::rename(&tmp, self.current_file()).map_err(|e| io_unavailable("search folder", e))
    }

    /// The live index: reopened when `CURRENT` names another folder; created when there is
    /// none.
    fn live(&self) -> Result<Arc<Live>, SearchError> {
        let mut live = self.live.lock().expect("search state lock");
        let name = match std::fs::read_to_string(self.current_file()) {
            Ok(name) => name.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&self.root)
                    .map_err(|e| io_unavailable("search folder", e))?;
                let (name, _) = self.create_index()?;
                self.publish(&name)?;
                name
            }
            Err(e) => return Err(io_unavailable("search folder", e)),
        };
        if let Some(l) = live.as_ref()
            && l.name == name
        {
            return Ok(l.clone());
        }
        let index = Index::open_in_dir(self.root.join(&name)).map_err(write_error)?;
        if index.schema() != self.schema {
            return Err(SearchError::Failed(
                "the search index was built by another version of Quai: run `quai reindex`".into(),
            ));
        }
        register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(failed)?;
        let fresh = Arc::new(Live {
            name,
            index,
            reader,
        });
        *live = Some(fresh.clone());
        Ok(fresh)
    }

    fn tantivy_doc(&self, doc: &Document) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &doc.id);
        d.add_text(f.kind, doc.kind.as_str());
        d.add_text(f.visibility, doc.visibility.as_str());
        d.add_facet(f.facet, Facet::from_path(["kind", doc.kind.as_str()]));
        for theme in &doc.themes {
            d.add_text(f.theme, theme);
            d.add_facet(f.facet, Facet::from_path(["theme", theme.as_str()]));
        }
        if let Some(k) = &doc.org_kind {
            d.add_text(f.org_kind, k);
        }
        if let Some(c) = doc.city_key() {
            d.add_text(f.city_key, c);
        }
        d.add_text(f.title, &doc.title);
        d.add_text(f.prefix, &doc.title);
        if let Some(o) = &doc.organization {
            d.add_text(f.organization, o);
            d.add_text(f.prefix, o);
        }
        for label in &doc.theme_labels {
            d.add_text(f.themes_text, label);
            d.add_text(f.prefix, label);
        }
        d.add_text(f.text, &doc.text);
        if let Some(c) = &doc.city {
            d.add_text(f.city, c);
            d.add_text(f.prefix, c);
        }
        if let Some(s) = doc.starts_at {
            d.add_i64(f.starts_at, s);
        }
        d.add_i64(f.published_at, doc.published_at);
        d.add_text(f.fingerprint, doc.fingerprint());
        d.add_text(
            f.source,
            serde_json::to_string(doc).expect("a document serializes"),
        );
        d
    }

    /// One batch of writes under the writer lock, committed, visible when it returns.
    fn write(
        &self,
        work: impl FnOnce(&IndexWriter<TantivyDocument>) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let _one = self.writing.lock().expect("search writer lock");
        let live = self.live()?;
        let mut writer = live
            .index
            .writer_with_num_threads::<TantivyDocument>(1, WRITER_BYTES)
            .map_err(write_error)?;
        work(&writer)?;
        writer.commit().map_err(write_error)?;
        writer.wait_merging_threads().map_err(write_error)?;
        live.reader.reload().map_err(failed)
    }

    fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.fields.id, id)
    }

    fn any_of<'a>(
        &self,
        field: Field,
        values: impl IntoIterator<Item = &'a str>,
    ) -> Box<dyn TQuery> {
        let terms: Vec<Term> = values
            .into_iter()
            .map(|v| Term::from_field_text(field, v))
            .collect();
        Box::new(ConstScoreQuery::new(
            Box::new(TermSetQuery::new(terms)),
            0.0,
        ))
    }

    /// One query word, in every searchable field: the exact stem weighs most, then a word
    /// within its typos; the last word also completes titles and names.
    fn word_query(&self, word: &Word) -> Box<dyn TQuery> {
        let mut any: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        if word.prefix && !word.raw.is_empty() {
            let term = Term::from_field_text(self.fields.prefix, &word.raw);
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
                    1.5,
                )),
            ));
        }
        for (field, weight) in self.fields.weighted() {
            let term = Term::from_field_text(field, &word.stem);
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                    2.0 * weight,
                )),
            ));
            if word.typos > 0 {
                let q = FuzzyTermQuery::new(term, word.typos, true);
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), 0.5 * weight)),
                ));
            }
        }
        Box::new(BooleanQuery::new(any))
    }

    fn phrase_query(&self, phrase: &[(usize, String)]) -> Box<dyn TQuery> {
        let mut any: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for (field, weight) in self.fields.weighted() {
            let q: Box<dyn TQuery> = if let [(_, stem)] = phrase {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, stem),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                // A slop of 1: "réseau de chaleur" and "réseau chaleur" are one expression.
                Box::new(PhraseQuery::new_with_offset_and_slop(
                    phrase
                        .iter()
                        .map(|(at, stem)| (*at, Term::from_field_text(field, stem)))
                        .collect(),
                    1,
                ))
            };
            any.push((Occur::Should, Box::new(BoostQuery::new(q, 2.0 * weight))));
        }
        Box::new(BooleanQuery::new(any))
    }

    fn clause_query(&self, clause: &Clause) -> Box<dyn TQuery> {
        match clause {
            Clause::Word(w) => self.word_query(w),
            Clause::Synonym {
                words,
                alternatives,
            } => {
                let all_words: Vec<(Occur, Box<dyn TQuery>)> = words
                    .iter()
                    .map(|w| (Occur::Must, self.word_query(w)))
                    .collect();
                let mut any: Vec<(Occur, Box<dyn TQuery>)> =
                    vec![(Occur::Should, Box::new(BooleanQuery::new(all_words)))];
                for alt in alternatives {
                    any.push((Occur::Should, self.phrase_query(alt)));
                }
                Box::new(BooleanQuery::new(any))
            }
        }
    }

    /// The text's clauses and every filter, all required.
    fn build(&self, plan: &Plan, query: &Query) -> Box<dyn TQuery> {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = plan
            .clauses
            .iter()
            .map(|c| (Occur::Must, self.clause_query(c)))
            .collect();
        must.push((
            Occur::Must,
            self.any_of(
                f.visibility,
                query.audience.sees().iter().map(|v| v.as_str()),
            ),
        ));
        if !query.kinds.is_empty() {
            must.push((
                Occur::Must,
                self.any_of(f.kind, query.kinds.iter().map(|k| k.as_str())),
            ));
        }
        if !query.themes.is_empty() {
            must.push((
                Occur::Must,
                self.any_of(f.theme, query.themes.iter().map(String::as_str)),
            ));
        }
        if !query.org_kinds.is_empty() {
            must.push((
                Occur::Must,
                self.any_of(f.org_kind, query.org_kinds.iter().map(String::as_str)),
            ));
        }
        if let Some(city) = &query.city {
            must.push((Occur::Must, self.any_of(f.city_key, [city.as_str()])));
        }
        let from = query.starts_from();
        if from.is_some() || query.to.is_some() {
            let bound = |v: Option<i64>| match v {
                Some(v) => Bound::Included(Term::from_field_i64(f.starts_at, v)),
                None => Bound::Unbounded,
            };
            must.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(RangeQuery::new(bound(from), bound(query.to))),
                    0.0,
                )),
            ));
        }
        if must.is_empty() {
            return Box::new(AllQuery);
        }
        Box::new(BooleanQuery::new(must))
    }

    fn stored(
        &self,
        searcher: &tantivy::Searcher,
        at: DocAddress,
    ) -> Result<Document, SearchError> {
        let doc: TantivyDocument = searcher.doc(at).map_err(failed)?;
        let json = doc
            .get_first(self.fields.source)
            .and_then(|v| v.as_str())
            .ok_or_else(|| failed("a stored document lost its source"))?;
        serde_json::from_str(json).map_err(failed)
    }

    fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let live = self.live()?;
        let searcher = live.reader.searcher();
        let plan = Plan::parse(&query.text);
        let q = self.build(&plan, query);
        let mut facets = FacetCollector::for_field("facet");
        facets.add_facet("/kind");
        facets.add_facet("/theme");
        let (total, counts) = searcher.search(&q, &(Count, facets)).map_err(failed)?;
        let mut addresses = Vec::new();
        if let Some(offset) = query.offset() {
            let top = TopDocs::with_limit(query.per_page.max(1)).and_offset(offset);
            addresses = match query.sort {
                Sort::Relevance if !plan.is_empty() => searcher
                    .search(&q, &top.order_by_score())
                    .map_err(failed)?
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect::<Vec<_>>(),
                Sort::Soonest => searcher
                    .search(&q, &top.order_by_fast_field::<i64>("starts_at", Order::Asc))
                    .map_err(failed)?
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect(),
                Sort::Relevance | Sort::Newest => searcher
                    .search(
                        &q,
                        &top.order_by_fast_field::<i64>("published_at", Order::Desc),
                    )
                    .map_err(failed)?
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect(),
            };
        }
        let marker = plan.marker();
        let hits = addresses
            .into_iter()
            .map(|a| self.stored(&searcher, a).map(|d| super::to_hit(d, &marker)))
            .collect::<Result<Vec<Hit>, _>>()?;
        let mut out = Facets::default();
        for (facet, n) in counts.get("/kind") {
            if let Some(name) = facet.to_path().last() {
                out.kind.insert((*name).to_owned(), n as usize);
            }
        }
        for (facet, n) in counts.get("/theme") {
            if let Some(name) = facet.to_path().last() {
                out.theme.insert((*name).to_owned(), n as usize);
            }
        }
        Ok(Results {
            hits,
            total,
            facets: out,
        })
    }

    fn suggest(
        &self,
        text: &str,
        audience: Audience,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let plan = Plan::parse(text);
        if plan.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let live = self.live()?;
        let searcher = live.reader.searcher();
        let q = self.build(&plan, &Query::new(text, audience));
        let top = searcher
            .search(&q, &TopDocs::with_limit(limit).order_by_score())
            .map_err(failed)?;
        top.into_iter()
            .map(|(_, a)| {
                self.stored(&searcher, a).map(|d| Suggestion {
                    title: d.title,
                    kind: d.kind,
                    url: d.url,
                })
            })
            .collect()
    }

    fn fingerprints(&self) -> Result<BTreeMap<String, String>, SearchError> {
        let live = self.live()?;
        let searcher = live.reader.searcher();
        let all = searcher
            .search(&AllQuery, &DocSetCollector)
            .map_err(failed)?;
        let mut out = BTreeMap::new();
        for at in all {
            let doc: TantivyDocument = searcher.doc(at).map_err(failed)?;
            let get = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            out.insert(get(self.fields.id), get(self.fields.fingerprint));
        }
        Ok(out)
    }
}

/// A new index folder being filled; `CURRENT` moves to it at `finish`.
struct EmbeddedRebuild {
    inner: Arc<Inner>,
    name: String,
    writer: Option<IndexWriter<TantivyDocument>>,
}

#[async_trait::async_trait]
impl Rebuild for EmbeddedRebuild {
    async fn add(&mut self, docs: Vec<Document>) -> Result<(), SearchError> {
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| failed("rebuild finished"))?;
        for doc in &docs {
            writer
                .add_document(self.inner.tantivy_doc(doc))
                .map_err(write_error)?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<(), SearchError> {
        let mut writer = self
            .writer
            .take()
            .ok_or_else(|| failed("rebuild finished"))?;
        let inner = self.inner.clone();
        let name = self.name.clone();
        tokio::task::spawn_blocking(move || {
            writer.commit().map_err(write_error)?;
            writer.wait_merging_threads().map_err(write_error)?;
            let previous = std::fs::read_to_string(inner.current_file()).ok();
            inner.publish(&name)?;
            inner.live()?;
            // The replaced index goes, and so do the folders of rebuilds that never finished
            // (untouched for an hour); a rebuild running now in another process is left alone.
            let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
            if let Ok(entries) = std::fs::read_dir(&inner.root) {
                for entry in entries.flatten() {
                    let file = entry.file_name();
                    let file = file.to_string_lossy();
                    let replaced = previous.as_deref().map(str::trim) == Some(file.as_ref());
                    let idle = entry
                        .metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t < stale);
                    if file.starts_with("index-") && file != name && (replaced || idle) {
                        let _ = std::fs::remove_dir_all(entry.path());
                    }
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| SearchError::Failed(format!("search task: {e}")))?
    }
}

#[async_trait::async_trait]
impl SearchEngine for EmbeddedEngine {
    fn name(&self) -> &'static str {
        "embedded"
    }

    async fn ensure_settings(&self) -> Result<(), SearchError> {
        self.blocking(|inner| inner.live().map(|_| ())).await
    }

    async fn upsert(&self, docs: &[Document]) -> Result<(), SearchError> {
        let docs = docs.to_vec();
        self.blocking(move |inner| {
            inner.write(|writer| {
                for doc in &docs {
                    writer.delete_term(inner.id_term(&doc.id));
                    writer
                        .add_document(inner.tantivy_doc(doc))
                        .map_err(write_error)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn delete(&self, ids: &[String]) -> Result<(), SearchError> {
        let ids = ids.to_vec();
        self.blocking(move |inner| {
            inner.write(|writer| {
                for id in &ids {
                    writer.delete_term(inner.id_term(id));
                }
                Ok(())
            })
        })
        .await
    }

    async fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let query = query.clone();
        self.blocking(move |inner| inner.search(&query)).await
    }

    async fn suggest(
        &self,
        text: &str,
        audience: Audience,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let text = text.to_owned();
        self.blocking(move |inner| inner.suggest(&text, audience, limit))
            .await
    }

    async fn count(&self) -> Result<usize, SearchError> {
        self.blocking(|inner| Ok(inner.live()?.reader.searcher().num_docs() as usize))
            .await
    }

    async fn fingerprints(&self) -> Result<BTreeMap<String, String>, SearchError> {
        self.blocking(|inner| inner.fingerprints()).await
    }

    async fn rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        let inner = self.inner.clone();
        let (name, writer) = self
            .blocking(|inner| {
                let (name, index) = inner.create_index()?;
                let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
                let writer = index
                    .writer_with_num_threads::<TantivyDocument>(
                        threads,
                        REBUILD_BYTES.max(threads * WRITER_BYTES),
                    )
                    .map_err(write_error)?;
                Ok((name, writer))
            })
            .await?;
        Ok(Box::new(EmbeddedRebuild {
            inner,
            name,
            writer: Some(writer),
        }))
    }

    async fn health(&self) -> Result<(), SearchError> {
        self.blocking(|inner| inner.live().map(|_| ())).await
    }
}
