//! The Meilisearch engine (production), through meilisearch-sdk.
//!
//! One index (`meili_index`, "quai" by default) with primary key `id` holds the documents as
//! [`Document`] plus two computed fields: `city_key` (what the city filter compares) and
//! `fingerprint` (what `search check` compares). Its settings mirror the embedded engine:
//! searchable fields by weight, the shared synonyms and stop words, typo tolerance, and the
//! `sort` ranking rule first, so that "newest" and "soonest" order strictly by date as they do
//! there.
//!
//! - Filters are written here from typed values only: every string is quoted and escaped
//!   ([`quote`]), numbers are formatted integers. The query text goes to Meilisearch as words:
//!   its phrase (`"…"`) and negation (`-word`) operators are taken out ([`words_only`]).
//! - Every write awaits its task and checks the final status: a failed task is
//!   [`SearchError::Failed`]; a server that cannot be reached, answers 5xx or 429, or does not
//!   answer within `meili_timeout` (one request, or one task to finish) is
//!   [`SearchError::Unavailable`], and the sync jobs retry.
//! - A rebuild fills `<index>_rebuild_<uuid>`, then swaps it with the live index and deletes
//!   the old one: searches never see a half-built index.
//! - Highlighting is not Meilisearch's: hits are built from the stored documents with
//!   [`super::to_hit`] and the query's [`Plan`], exactly as the embedded engine does.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::errors::{Error, ErrorCode, ErrorType, MeilisearchError};
use meilisearch_sdk::indexes::{Index, IndexesQuery};
use meilisearch_sdk::search::{MatchingStrategies, SearchResults, Selectors};
use meilisearch_sdk::settings::{
    FacetingSettings, PaginationSetting, Settings, TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::{Deserialize, Serialize};

use super::text::{self, Plan};
use super::{
    Audience, Document, Facets, Hit, Query, Rebuild, Results, SearchEngine, SearchError, Sort,
    Suggestion,
};

/// The primary key of every index.
const PRIMARY_KEY: &str = "id";

/// Searchable fields, most important first (the `attribute` ranking rule follows this order).
const SEARCHABLE: [&str; 5] = ["title", "organization", "theme_labels", "city", "text"];
const FILTERABLE: [&str; 6] = [
    "kind",
    "visibility",
    "themes",
    "org_kind",
    "city_key",
    "starts_at",
];
const SORTABLE: [&str; 2] = ["starts_at", "published_at"];
/// `sort` first: an explicit order (newest, soonest) is strict, relevance only breaks ties;
/// without a `sort` parameter the rule does nothing and relevance decides.
const RANKING_RULES: [&str; 6] = [
    "sort",
    "words",
    "typo",
    "proximity",
    "attribute",
    "exactness",
];
const FACETS: [&str; 2] = ["kind", "themes"];

/// Meilisearch caps `totalHits` (and the reachable hits) at `maxTotalHits`. Pages are served
/// up to [`super::MAX_OFFSET`] anyway; a high cap makes the total exact, as the embedded
/// engine's is, and costs only the count of the matching set.
const MAX_TOTAL_HITS: usize = 100_000;
/// Facet values returned per facet (themes are a short, fixed list).
const MAX_FACET_VALUES: usize = 500;
/// Documents per request when reading the whole index (`fingerprints`).
const PAGE: usize = 1000;
/// How often a task's status is polled.
const POLL: Duration = Duration::from_millis(50);

/// The engine: a client, the live index's name, the time allowed to each request and task.
#[derive(Clone)]
pub struct MeiliEngine {
    client: Client,
    index: String,
    timeout: Duration,
    /// Whether this process applied the settings: the first write does it, so that Meilisearch
    /// never creates the index by itself without them.
    settled: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// A document as Meilisearch stores it.
#[derive(Serialize)]
struct Stored<'a> {
    #[serde(flatten)]
    doc: &'a Document,
    city_key: Option<String>,
    fingerprint: String,
}

impl<'a> Stored<'a> {
    fn of(doc: &'a Document) -> Self {
        Self {
            doc,
            city_key: doc.city_key(),
            fingerprint: doc.fingerprint(),
        }
    }
}

/// What a suggestion reads of a document.
#[derive(Deserialize)]
struct Titled {
    title: String,
    kind: super::Kind,
    url: String,
}

/// What `fingerprints` reads of a document.
#[derive(Deserialize)]
struct Printed {
    id: String,
    #[serde(default)]
    fingerprint: Option<String>,
}

/// The SDK's errors sorted out: what may pass (a server unreachable, overloaded, out of time)
/// and what will not.
fn classify(e: Error) -> SearchError {
    match e {
        Error::HttpError(e) => SearchError::Unavailable(format!("Meilisearch: {e}")),
        Error::Timeout => {
            SearchError::Unavailable("Meilisearch: a task did not finish in time".into())
        }
        Error::MeilisearchCommunication(c) if c.status_code >= 500 || c.status_code == 429 => {
            SearchError::Unavailable(format!("Meilisearch answered {}", c.status_code))
        }
        Error::Meilisearch(m) => meili_error(m),
        e => SearchError::Failed(format!("Meilisearch: {e}")),
    }
}

/// An error Meilisearch answered to a request: its internal errors (disk full, I/O) are worth
/// a retry.
fn meili_error(m: MeilisearchError) -> SearchError {
    let text = format!("Meilisearch {}: {}", m.error_code, m.error_message);
    match m.error_type {
        ErrorType::Internal => SearchError::Unavailable(text),
        _ => SearchError::Failed(text),
    }
}

fn not_found(e: &Error) -> bool {
    matches!(e, Error::Meilisearch(m) if m.error_code == ErrorCode::IndexNotFound)
}

/// A string as a filter value: in double quotes, `\` written `\\` and `"` written `\"`, so
/// that nothing in it can end the quotes.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `field IN ["a", "b"]`, every value quoted.
fn any_of<'a>(field: &str, values: impl IntoIterator<Item = &'a str>) -> String {
    let values: Vec<String> = values.into_iter().map(quote).collect();
    format!("{field} IN [{}]", values.join(", "))
}

/// The filter of a query: what its audience sees, and every filter it asks for.
fn filter(query: &Query) -> String {
    let mut parts = vec![any_of(
        "visibility",
        query.audience.sees().iter().map(|v| v.as_str()),
    )];
    if !query.kinds.is_empty() {
        parts.push(any_of("kind", query.kinds.iter().map(|k| k.as_str())));
    }
    if !query.themes.is_empty() {
        parts.push(any_of("themes", query.themes.iter().map(String::as_str)));
    }
    if !query.org_kinds.is_empty() {
        parts.push(any_of(
            "org_kind",
            query.org_kinds.iter().map(String::as_str),
        ));
    }
    if let Some(city) = &query.city {
        parts.push(format!("city_key = {}", quote(city)));
    }
    if let Some(from) = query.starts_from() {
        parts.push(format!("starts_at >= {from}"));
    }
    if let Some(to) = query.to {
        parts.push(format!("starts_at <= {to}"));
    }
    parts.join(" AND ")
}

/// The query text as plain words: Meilisearch's phrase quotes and the `-` that excludes a word
/// become spaces (the embedded engine has neither). Hyphens inside words stay.
fn words_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = true;
    for c in text.chars() {
        let c = match c {
            '"' => ' ',
            '-' if word_start => ' ',
            c => c,
        };
        word_start = c.is_whitespace();
        out.push(c);
    }
    out
}

/// The order asked for: none for relevance with words, else by date.
fn sort_rules(sort: Sort, has_words: bool) -> &'static [&'static str] {
    match sort {
        Sort::Relevance if has_words => &[],
        Sort::Soonest => &["starts_at:asc"],
        Sort::Relevance | Sort::Newest => &["published_at:desc"],
    }
}

/// The index's settings, the live one's and a rebuild's alike.
fn settings() -> Settings {
    Settings::new()
        .with_searchable_attributes(SEARCHABLE)
        .with_filterable_attributes(FILTERABLE)
        .with_sortable_attributes(SORTABLE)
        .with_ranking_rules(RANKING_RULES)
        .with_synonyms(text::synonyms().as_map())
        .with_stop_words(text::STOP_WORDS.iter().copied())
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            ..TypoToleranceSettings::default()
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: MAX_FACET_VALUES,
            sort_facet_values_by: None,
        })
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_TOTAL_HITS,
        })
}

impl MeiliEngine {
    /// The client for `url` (no request is made): `key` is sent as a bearer token when set;
    /// `timeout` bounds every request and every wait for a task.
    pub fn new(
        url: &str,
        key: Option<&str>,
        index: &str,
        timeout: Duration,
    ) -> Result<Self, SearchError> {
        // The SDK appends paths as `{host}/indexes`: a trailing `/` would double it.
        let host = url.trim_end_matches('/');
        let client = Client::new(host, key.filter(|k| !k.is_empty()))
            .map_err(|e| SearchError::Failed(format!("Meilisearch client: {e}")))?;
        Ok(Self {
            client,
            index: index.to_owned(),
            timeout,
            settled: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        })
    }

    fn live(&self) -> Index {
        self.client.index(&self.index)
    }

    /// One request, within the timeout.
    async fn call<T>(&self, request: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        tokio::time::timeout(self.timeout, request)
            .await
            .unwrap_or(Err(Error::Timeout))
    }

    /// Waits for a task to finish (within the timeout): `Ok(Err(_))` is a task that failed.
    async fn finished(&self, task: TaskInfo) -> Result<Result<(), MeilisearchError>, SearchError> {
        let done = self
            .call(task.wait_for_completion(&self.client, Some(POLL), Some(self.timeout)))
            .await
            .map_err(classify)?;
        match done {
            Task::Failed { content } => Ok(Err(content.error)),
            Task::Succeeded { .. } => Ok(Ok(())),
            Task::Enqueued { .. } | Task::Processing { .. } => Err(classify(Error::Timeout)),
        }
    }

    /// Sends a task and awaits it; a task that failed is an error, except for `tolerated`.
    async fn run_tolerating(
        &self,
        request: impl Future<Output = Result<TaskInfo, Error>>,
        tolerated: Option<ErrorCode>,
    ) -> Result<(), SearchError> {
        let task = self.call(request).await.map_err(classify)?;
        match self.finished(task).await? {
            Ok(()) => Ok(()),
            Err(e) if Some(&e.error_code) == tolerated.as_ref() => Ok(()),
            // Whatever the cause, a task that failed is a failure (the request was accepted).
            Err(e) => Err(SearchError::Failed(format!(
                "Meilisearch task failed: {}: {}",
                e.error_code, e.error_message
            ))),
        }
    }

    /// Sends a task and awaits it.
    async fn run(
        &self,
        request: impl Future<Output = Result<TaskInfo, Error>>,
    ) -> Result<(), SearchError> {
        self.run_tolerating(request, None).await
    }

    /// Creates index `uid` with primary key `id`; one that already exists is fine.
    async fn create(&self, uid: &str) -> Result<(), SearchError> {
        self.run_tolerating(
            self.client.create_index(uid, Some(PRIMARY_KEY)),
            Some(ErrorCode::IndexAlreadyExists),
        )
        .await
    }

    /// Creates index `uid` if it does not exist yet.
    async fn create_missing(&self, uid: &str) -> Result<(), SearchError> {
        match self.call(self.client.get_index(uid)).await {
            Ok(index) => match index.primary_key.as_deref() {
                Some(key) if key != PRIMARY_KEY => Err(SearchError::Failed(format!(
                    "Meilisearch index {uid} has primary key {key}, not {PRIMARY_KEY}"
                ))),
                _ => Ok(()),
            },
            Err(e) if not_found(&e) => self.create(uid).await,
            Err(e) => Err(classify(e)),
        }
    }

    async fn put(&self, index: &Index, docs: &[Document]) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let stored: Vec<Stored> = docs.iter().map(Stored::of).collect();
        self.run(index.add_or_replace(&stored, Some(PRIMARY_KEY)))
            .await
    }

    /// Deletes the indexes of rebuilds other than `keep` left for an hour (by rebuilds that
    /// never finished), as the embedded engine removes their folders; a rebuild running now in
    /// another process is left alone. Best effort.
    async fn drop_other_rebuilds(&self, keep: &str) {
        let prefix = format!("{}_rebuild_", self.index);
        let mut query = IndexesQuery::new(&self.client);
        query.with_limit(1000);
        let indexes = match self.call(query.execute()).await {
            Ok(found) => found.results,
            Err(e) => {
                tracing::warn!(error = %e, "Meilisearch: listing the indexes failed");
                return;
            }
        };
        for index in indexes {
            let idle = index
                .updated_at
                .is_some_and(|t| t.unix_timestamp() < chrono::Utc::now().timestamp() - 3600);
            if index.uid.starts_with(&prefix) && index.uid != keep && idle {
                let uid = index.uid.clone();
                if let Err(e) = self.run(index.delete()).await {
                    tracing::warn!(error = %e, index = %uid, "Meilisearch: an old rebuild's index stays");
                }
            }
        }
    }
}

/// A rebuild: index `name`, filled, then swapped with the live one.
struct MeiliRebuild {
    engine: MeiliEngine,
    name: String,
}

#[async_trait::async_trait]
impl Rebuild for MeiliRebuild {
    async fn add(&mut self, docs: Vec<Document>) -> Result<(), SearchError> {
        let index = self.engine.client.index(&self.name);
        self.engine.put(&index, &docs).await
    }

    async fn finish(self: Box<Self>) -> Result<(), SearchError> {
        let engine = &self.engine;
        // A swap needs both indexes.
        engine.create_missing(&engine.index).await?;
        let swap = SwapIndexes {
            indexes: (engine.index.clone(), self.name.clone()),
            rename: None,
        };
        engine.run(engine.client.swap_indexes([&swap])).await?;
        // `name` now holds the old documents.
        engine.run(engine.client.index(&self.name).delete()).await?;
        engine.drop_other_rebuilds(&self.name).await;
        Ok(())
    }
}

#[async_trait::async_trait]
impl SearchEngine for MeiliEngine {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn ensure_settings(&self) -> Result<(), SearchError> {
        self.create_missing(&self.index).await?;
        self.run(self.live().set_settings(&settings())).await?;
        self.settled
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    async fn upsert(&self, docs: &[Document]) -> Result<(), SearchError> {
        if !self.settled.load(std::sync::atomic::Ordering::Relaxed) {
            self.ensure_settings().await?;
        }
        self.put(&self.live(), docs).await
    }

    async fn delete(&self, ids: &[String]) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        // No index: nothing to delete.
        self.run_tolerating(
            self.live().delete_documents(ids),
            Some(ErrorCode::IndexNotFound),
        )
        .await
    }

    async fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let plan = Plan::parse(&query.text);
        // Without words (nothing typed, or only stop words) everything filtered matches.
        let words = if plan.is_empty() {
            String::new()
        } else {
            words_only(&query.text)
        };
        let filter = filter(query);
        let per_page = query.per_page.max(1);
        let index = self.live();
        let mut request = index.search();
        request
            .with_query(&words)
            .with_filter(&filter)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_facets(Selectors::Some(&FACETS))
            .with_sort(sort_rules(query.sort, !plan.is_empty()));
        // Pages (not offset/limit): Meilisearch then counts every match (`totalHits`).
        match query.offset() {
            Some(offset) => request
                .with_page(offset / per_page + 1)
                .with_hits_per_page(per_page),
            // Beyond the last page served: no hits, but the total and the facets.
            None => request.with_page(1).with_hits_per_page(0),
        };
        let found: SearchResults<Document> = match self.call(request.execute()).await {
            Ok(found) => found,
            Err(e) if not_found(&e) => return Ok(Results::default()),
            Err(e) => return Err(classify(e)),
        };
        let marker = plan.marker();
        let hits: Vec<Hit> = found
            .hits
            .into_iter()
            .map(|h| super::to_hit(h.result, &marker))
            .collect();
        let mut facets = Facets::default();
        if let Some(mut dist) = found.facet_distribution {
            facets.kind = dist
                .remove("kind")
                .unwrap_or_default()
                .into_iter()
                .collect();
            facets.theme = dist
                .remove("themes")
                .unwrap_or_default()
                .into_iter()
                .collect();
        }
        Ok(Results {
            hits,
            total: found
                .total_hits
                .or(found.estimated_total_hits)
                .unwrap_or_default(),
            facets,
        })
    }

    async fn suggest(
        &self,
        text: &str,
        audience: Audience,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        if limit == 0 || Plan::parse(text).is_empty() {
            return Ok(Vec::new());
        }
        let words = words_only(text);
        let filter = filter(&Query::new(text, audience));
        let index = self.live();
        let mut request = index.search();
        request
            .with_query(&words)
            .with_filter(&filter)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_attributes_to_retrieve(Selectors::Some(&["title", "kind", "url"]))
            .with_limit(limit);
        match self.call(request.execute::<Titled>()).await {
            Ok(found) => Ok(found
                .hits
                .into_iter()
                .map(|h| Suggestion {
                    title: h.result.title,
                    kind: h.result.kind,
                    url: h.result.url,
                })
                .collect()),
            Err(e) if not_found(&e) => Ok(Vec::new()),
            Err(e) => Err(classify(e)),
        }
    }

    async fn count(&self) -> Result<usize, SearchError> {
        match self.call(self.live().get_stats()).await {
            Ok(stats) => Ok(stats.number_of_documents),
            Err(e) if not_found(&e) => Ok(0),
            Err(e) => Err(classify(e)),
        }
    }

    async fn fingerprints(&self) -> Result<BTreeMap<String, String>, SearchError> {
        let index = self.live();
        let mut out = BTreeMap::new();
        let mut offset = 0;
        loop {
            let mut query = DocumentsQuery::new(&index);
            query
                .with_fields(["id", "fingerprint"])
                .with_limit(PAGE)
                .with_offset(offset);
            let page = match self.call(index.get_documents_with::<Printed>(&query)).await {
                Ok(page) => page,
                Err(e) if not_found(&e) => return Ok(out),
                Err(e) => return Err(classify(e)),
            };
            let got = page.results.len();
            for doc in page.results {
                out.insert(doc.id, doc.fingerprint.unwrap_or_default());
            }
            offset += got;
            if got < PAGE || offset >= page.total as usize {
                return Ok(out);
            }
        }
    }

    async fn rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        let name = format!("{}_rebuild_{}", self.index, uuid::Uuid::new_v4().simple());
        self.create(&name).await?;
        self.run(self.client.index(&name).set_settings(&settings()))
            .await?;
        Ok(Box::new(MeiliRebuild {
            engine: self.clone(),
            name,
        }))
    }

    async fn health(&self) -> Result<(), SearchError> {
        let health = self.call(self.client.health()).await.map_err(classify)?;
        if health.status == "available" {
            Ok(())
        } else {
            Err(SearchError::Unavailable(format!(
                "Meilisearch is {}",
                health.status
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Kind, Visibility};

    #[test]
    fn quoted_values_cannot_leave_their_quotes() {
        assert_eq!(quote("amiens"), r#""amiens""#);
        assert_eq!(quote(r#"a"b"#), r#""a\"b""#);
        assert_eq!(quote(r"a\b"), r#""a\\b""#);
        // A backslash before the quote cannot escape the escape.
        assert_eq!(quote(r#"x\" OR 1"#), r#""x\\\" OR 1""#);
        let hostile = r#"" OR visibility = "admins"#;
        let q = quote(hostile);
        // Read back the way Meilisearch reads it: the value ends at the first unescaped quote.
        let inner = &q[1..];
        let mut escaped = false;
        let mut end = None;
        for (i, c) in inner.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        assert_eq!(
            end,
            Some(inner.len() - 1),
            "the value runs to the last quote"
        );
    }

    #[test]
    fn filters_are_built_from_typed_values() {
        let mut q = Query::new("", Audience::Visitor);
        assert_eq!(filter(&q), r#"visibility IN ["public"]"#);
        q.audience = Audience::Member;
        q.kinds = vec![Kind::Event, Kind::Offering];
        q.themes = vec![r#"sante" OR visibility = "admins"#.into()];
        q.org_kinds = vec!["startup".into()];
        q.city = Some("amiens".into());
        q.from = Some(100);
        q.to = Some(200);
        assert_eq!(
            filter(&q),
            concat!(
                r#"visibility IN ["public", "members"] AND kind IN ["event", "offering"]"#,
                r#" AND themes IN ["sante\" OR visibility = \"admins"]"#,
                r#" AND org_kind IN ["startup"] AND city_key = "amiens""#,
                " AND starts_at >= 100 AND starts_at <= 200",
            )
        );
    }

    #[test]
    fn soonest_starts_now_at_the_earliest() {
        let mut q = Query::new("", Audience::Admin);
        q.sort = Sort::Soonest;
        q.now = 1_000;
        q.from = Some(10);
        assert_eq!(
            filter(&q),
            r#"visibility IN ["public", "members", "admins"] AND starts_at >= 1000"#
        );
    }

    #[test]
    fn query_text_loses_meilisearch_operators() {
        assert_eq!(words_only(r#""hôpital" -santé"#), " hôpital   santé");
        assert_eq!(words_only("e-santé co-working"), "e-santé co-working");
        assert_eq!(words_only("robot "), "robot ");
        assert_eq!(words_only("--x"), "  x");
    }

    #[test]
    fn orders() {
        assert!(sort_rules(Sort::Relevance, true).is_empty());
        assert_eq!(sort_rules(Sort::Relevance, false), ["published_at:desc"]);
        assert_eq!(sort_rules(Sort::Newest, true), ["published_at:desc"]);
        assert_eq!(sort_rules(Sort::Soonest, true), ["starts_at:asc"]);
    }

    fn doc() -> Document {
        Document {
            id: "event-1".into(),
            kind: Kind::Event,
            title: "Forum".into(),
            text: String::new(),
            themes: vec!["sante".into()],
            theme_labels: vec![],
            organization: None,
            org_kind: None,
            city: Some("Abbeville ".into()),
            starts_at: Some(5),
            ends_at: None,
            published_at: 1,
            visibility: Visibility::Public,
            url: "/evenements/1".into(),
        }
    }

    #[test]
    fn stored_documents_carry_city_key_and_fingerprint() {
        let doc = doc();
        let json = serde_json::to_value(Stored::of(&doc)).expect("serializes");
        assert_eq!(json["id"], "event-1");
        assert_eq!(json["kind"], "event");
        assert_eq!(json["city_key"], "abbeville");
        assert_eq!(json["fingerprint"], doc.fingerprint());
        // What comes back from the index reads as the document.
        let back: Document = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, doc);
    }

    /// A search response as Meilisearch v1 writes it (page-based, facets) reads into hits.
    #[test]
    fn search_responses_read_as_documents() {
        let mut stored = serde_json::to_value(Stored::of(&doc())).expect("serializes");
        stored["_rankingScore"] = serde_json::json!(0.9);
        stored["organization"] = serde_json::Value::Null;
        let body = serde_json::json!({
            "hits": [stored],
            "query": "forum",
            "processingTimeMs": 1,
            "hitsPerPage": 20,
            "page": 1,
            "totalPages": 1,
            "totalHits": 1,
            "facetDistribution": {"kind": {"event": 1}, "themes": {"sante": 1}},
        });
        let found: SearchResults<Document> = serde_json::from_value(body).expect("reads");
        assert_eq!(found.total_hits, Some(1));
        assert_eq!(found.hits[0].result, doc());
        let facets = found.facet_distribution.expect("facets");
        assert_eq!(facets["themes"]["sante"], 1);
    }

    #[test]
    fn settings_as_sent() {
        let json = serde_json::to_value(settings()).expect("serializes");
        assert_eq!(
            json["searchableAttributes"],
            serde_json::json!(["title", "organization", "theme_labels", "city", "text"])
        );
        assert_eq!(json["rankingRules"][0], "sort");
        assert_eq!(json["sortableAttributes"], serde_json::json!(SORTABLE));
        assert_eq!(json["typoTolerance"]["enabled"], true);
        assert_eq!(json["pagination"]["maxTotalHits"], MAX_TOTAL_HITS);
        assert_eq!(
            json["stopWords"].as_array().map(Vec::len),
            Some(text::STOP_WORDS.len())
        );
        let synonyms = json["synonyms"].as_object().expect("synonyms");
        assert_eq!(synonyms.len(), text::synonyms().as_map().len());
        assert!(!synonyms.is_empty());
        for field in FILTERABLE {
            assert!(
                json["filterableAttributes"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|f| f == field)),
                "{field}"
            );
        }
    }

    #[test]
    fn the_url_loses_its_trailing_slash() {
        let engine = MeiliEngine::new(
            "http://127.0.0.1:7700/",
            None,
            "quai",
            Duration::from_secs(1),
        )
        .expect("a client");
        assert_eq!(engine.client.get_host(), "http://127.0.0.1:7700");
        assert_eq!(engine.client.get_api_key(), None);
    }

    fn unavailable<T: std::fmt::Debug>(r: Result<T, SearchError>) -> bool {
        matches!(r, Err(SearchError::Unavailable(_)))
    }

    /// Nothing listens on the port: every call is "unavailable", none is a failure.
    #[tokio::test]
    async fn a_closed_port_is_unavailable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let engine = MeiliEngine::new(
            &format!("http://127.0.0.1:{port}"),
            Some("key"),
            "quai",
            Duration::from_secs(5),
        )
        .expect("a client");
        assert!(unavailable(engine.health().await));
        assert!(unavailable(engine.ensure_settings().await));
        assert!(unavailable(engine.upsert(&[doc()]).await));
        assert!(unavailable(engine.delete(&["event-1".into()]).await));
        assert!(unavailable(
            engine.search(&Query::new("forum", Audience::Visitor)).await
        ));
        assert!(unavailable(engine.count().await));
        assert!(unavailable(engine.fingerprints().await));
        assert!(unavailable(engine.rebuild().await.map(|_| ())));
    }

    /// A server that takes the connection and never answers: the timeout ends the wait.
    #[tokio::test]
    async fn a_silent_server_is_unavailable_after_the_timeout() {
        // The kernel completes connections into the backlog; nobody reads or answers.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let addr = silent.local_addr().expect("its address");
        let engine = MeiliEngine::new(
            &format!("http://{addr}"),
            None,
            "quai",
            Duration::from_millis(300),
        )
        .expect("a client");
        let started = std::time::Instant::now();
        assert!(unavailable(engine.health().await));
        assert!(unavailable(engine.upsert(&[doc()]).await));
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(600), "{took:?}");
        assert!(took < Duration::from_secs(3), "{took:?}");
        drop(silent);
    }
}
