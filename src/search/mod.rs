//! Search over everything: one [`SearchEngine`] contract, two engines.
//!
//! - [`embedded::EmbeddedEngine`] (tantivy, the default) keeps its index in `<data_dir>/search/`.
//! - [`meili::MeiliEngine`] (meilisearch-sdk) when `QUAI_MEILI_URL` is set: production.
//!
//! Features describe what they publish as [`Document`]s through a [`Source`] registered in
//! `app.rs`; search knows no feature. A write that changes something findable calls [`touch`]
//! in its own transaction: a [`sync::SyncDocument`] job then reads the current row and upserts
//! (or deletes) its document. Search being down never fails a write: the job waits and retries.
//!
//! Queries are built server-side from typed values ([`Query`]); text never becomes query syntax.
//! Every document carries a [`Visibility`] and every query an [`Audience`]: a search never
//! returns what its asker may not see.

pub mod api;
pub mod embedded;
pub mod meili;
pub mod pages;
pub mod sync;
pub mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::DbConnection;

pub use sync::touch;

/// What kind of thing a document is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Organization,
    Offering,
    Event,
    Mentor,
    Project,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Organization,
        Kind::Offering,
        Kind::Event,
        Kind::Mentor,
        Kind::Project,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::Offering => "offering",
            Kind::Event => "event",
            Kind::Mentor => "mentor",
            Kind::Project => "project",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The plural shown on facets and result groups.
    pub fn label(self, lang: &str) -> &'static str {
        match (self, lang == "en") {
            (Kind::Organization, false) => "Organisations",
            (Kind::Organization, true) => "Organizations",
            (Kind::Offering, false) => "Offres",
            (Kind::Offering, true) => "Offerings",
            (Kind::Event, false) => "Événements",
            (Kind::Event, true) => "Events",
            (Kind::Mentor, false) => "Mentors",
            (Kind::Mentor, true) => "Mentors",
            (Kind::Project, false) => "Projets",
            (Kind::Project, true) => "Projects",
        }
    }

    /// The document id of row `id` of this kind (`event-12`): letters, digits and `-` only, as
    /// Meilisearch wants its primary keys.
    pub fn doc_id(self, id: i64) -> String {
        format!("{}-{id}", self.as_str())
    }

    /// The kind and row of a document id (`event-12`).
    pub fn parse_doc_id(doc_id: &str) -> Option<(Kind, i64)> {
        let (kind, id) = doc_id.rsplit_once('-')?;
        Some((Kind::parse(kind)?, id.parse().ok()?))
    }
}

/// Who may find a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone, visitors included.
    Public,
    /// Signed-in accounts with a verified address.
    Members,
    /// The cluster's staff.
    Admins,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
            Visibility::Admins => "admins",
        }
    }
}

/// Who is asking, hence which visibilities a search may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Visitor,
    Member,
    Admin,
}

impl Audience {
    pub fn sees(self) -> &'static [Visibility] {
        match self {
            Audience::Visitor => &[Visibility::Public],
            Audience::Member => &[Visibility::Public, Visibility::Members],
            Audience::Admin => &[Visibility::Public, Visibility::Members, Visibility::Admins],
        }
    }

    pub fn may_see(self, visibility: Visibility) -> bool {
        self.sees().contains(&visibility)
    }
}

/// One findable thing, as the engines store it. Built by a feature's [`Source`]; the engines
/// never interpret `text` as anything but words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// `kind-rowid`, see [`Kind::doc_id`].
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// Plain text (Markdown already flattened): summary, description.
    pub text: String,
    /// Theme slugs.
    pub themes: Vec<String>,
    /// Theme labels, French and English, so that words find themes.
    pub theme_labels: Vec<String>,
    /// The organization's name (itself, for an organization).
    pub organization: Option<String>,
    /// `startup`, `partner` or `founding_member`.
    pub org_kind: Option<String>,
    pub city: Option<String>,
    /// Unix seconds: when it happens (events).
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    /// Unix seconds: when it was published, for "newest first".
    pub published_at: i64,
    pub visibility: Visibility,
    /// The page of the thing, from the site's root (`/evenements/…`).
    pub url: String,
}

impl Document {
    /// A fingerprint of the whole document: `search check` compares it with the index.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_vec(self).expect("a document serializes");
        hex::encode(&Sha256::digest(&json)[..12])
    }

    /// The city as filters compare it: lower case, no accents.
    pub fn city_key(&self) -> Option<String> {
        self.city
            .as_deref()
            .map(text::fold)
            .filter(|c| !c.is_empty())
    }
}

/// How results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (the default).
    #[default]
    Relevance,
    /// Most recently published first.
    Newest,
    /// Upcoming dated things (events) soonest first; what has started is left out.
    Soonest,
}

/// A search, every part typed and checked before it reaches an engine.
#[derive(Clone, Debug)]
pub struct Query {
    pub text: String,
    pub kinds: Vec<Kind>,
    /// Theme slugs; a document matches when it has any of them.
    pub themes: Vec<String>,
    pub org_kinds: Vec<String>,
    /// Folded with [`text::fold`].
    pub city: Option<String>,
    /// Unix seconds, on `starts_at`.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub sort: Sort,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
    pub audience: Audience,
    /// Unix seconds, for `Sort::Soonest`.
    pub now: i64,
}

impl Query {
    pub fn new(text: &str, audience: Audience) -> Self {
        Self {
            text: text.to_owned(),
            kinds: Vec::new(),
            themes: Vec::new(),
            org_kinds: Vec::new(),
            city: None,
            from: None,
            to: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
            audience,
            now: chrono::Utc::now().timestamp(),
        }
    }

    /// The first hit's place, or `None` when the page lies beyond what any engine returns.
    pub fn offset(&self) -> Option<usize> {
        self.page
            .checked_sub(1)?
            .checked_mul(self.per_page)
            .filter(|o| *o < MAX_OFFSET)
    }

    /// The lower bound on `starts_at`: `from`, or now when sorting soonest first.
    pub fn starts_from(&self) -> Option<i64> {
        match (self.sort, self.from) {
            (Sort::Soonest, Some(from)) => Some(from.max(self.now)),
            (Sort::Soonest, None) => Some(self.now),
            (_, from) => from,
        }
    }
}

/// Results deeper than this are not served (Meilisearch's default `maxTotalHits` is 1,000).
pub const MAX_OFFSET: usize = 1000;

/// One result.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// The title as safe HTML, matched words in `<mark>`.
    pub title_html: String,
    /// A passage of the text as safe HTML, matched words in `<mark>`.
    pub snippet_html: String,
    pub themes: Vec<String>,
    pub organization: Option<String>,
    pub city: Option<String>,
    /// RFC 3339, for events.
    pub starts_at: Option<String>,
    pub url: String,
}

/// A stored document as a result, its title and a passage highlighted.
pub fn to_hit(doc: Document, marker: &[text::Word]) -> Hit {
    Hit {
        title_html: text::highlight(&doc.title, marker),
        snippet_html: text::snippet(&doc.text, marker, SNIPPET_WORDS),
        starts_at: doc
            .starts_at
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map(|d| d.to_rfc3339()),
        id: doc.id,
        kind: doc.kind,
        title: doc.title,
        themes: doc.themes,
        organization: doc.organization,
        city: doc.city,
        url: doc.url,
    }
}

/// Words in a result's passage.
pub const SNIPPET_WORDS: usize = 28;

/// What a search found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Documents matching, all pages.
    pub total: usize,
    /// Matching documents per kind and per theme slug.
    pub facets: Facets,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub kind: BTreeMap<String, usize>,
    pub theme: BTreeMap<String, usize>,
}

/// A completion for the search box.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub title: String,
    pub kind: Kind,
    pub url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine cannot be reached or is busy: try again later.
    #[error("search engine unavailable: {0}")]
    Unavailable(String),
    /// The engine refused or failed the work (a failed task, a broken index).
    #[error("search engine failure: {0}")]
    Failed(String),
}

/// A rebuild in progress: documents go into a new index that replaces the live one at
/// [`Rebuild::finish`]; searches meanwhile use the live index.
#[async_trait::async_trait]
pub trait Rebuild: Send {
    async fn add(&mut self, docs: Vec<Document>) -> Result<(), SearchError>;
    /// Swaps the new index in and drops the old one.
    async fn finish(self: Box<Self>) -> Result<(), SearchError>;
}

/// What every engine does. Every write is complete when the call returns (Meilisearch tasks
/// are awaited and their final status checked).
#[async_trait::async_trait]
pub trait SearchEngine: Send + Sync {
    fn name(&self) -> &'static str;
    /// Creates the index if needed and applies its settings (fields, synonyms, typos).
    async fn ensure_settings(&self) -> Result<(), SearchError>;
    /// Inserts or replaces whole documents, by id.
    async fn upsert(&self, docs: &[Document]) -> Result<(), SearchError>;
    /// Removes documents by id; unknown ids are not an error.
    async fn delete(&self, ids: &[String]) -> Result<(), SearchError>;
    async fn search(&self, query: &Query) -> Result<Results, SearchError>;
    /// Titles completing what is typed (the last word as a prefix).
    async fn suggest(
        &self,
        text: &str,
        audience: Audience,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError>;
    /// How many documents the index holds.
    async fn count(&self) -> Result<usize, SearchError>;
    /// Every indexed document's id and fingerprint, for `search check`.
    async fn fingerprints(&self) -> Result<BTreeMap<String, String>, SearchError>;
    /// Starts building a replacement index.
    async fn rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError>;
    /// Whether the engine answers.
    async fn health(&self) -> Result<(), SearchError>;
}

/// Where the documents of one kind come from: implemented by the features.
pub trait Source: Send + Sync {
    fn kind(&self) -> Kind;
    /// The document of row `id`, or `None` when that row is not findable (a draft, deleted).
    fn load(&self, conn: &mut DbConnection, id: i64) -> diesel::QueryResult<Option<Document>>;
    /// Every row that may be findable (`load` decides), in id order.
    fn ids(&self, conn: &mut DbConnection) -> diesel::QueryResult<Vec<i64>>;
    /// This kind's rows whose document shows something of row `id` of kind `of` (an offering
    /// shows its organization's name): they are re-indexed after it.
    fn dependents(
        &self,
        _conn: &mut DbConnection,
        _of: Kind,
        _id: i64,
    ) -> diesel::QueryResult<Vec<i64>> {
        Ok(Vec::new())
    }
}

/// What start-up does for the index (through a [`sync::PrepareIndex`] job).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preparation {
    Nothing,
    /// An empty embedded index: filled when the database has findable rows.
    FillIfRows,
    /// Meilisearch's settings to apply, or an embedded index that cannot be opened.
    Always,
}

/// The engine and the sources: what the app, the jobs and the commands share.
#[derive(Clone)]
pub struct Search {
    pub engine: Arc<dyn SearchEngine>,
    pub sources: Arc<Vec<Box<dyn Source>>>,
    /// What start-up should do for the index.
    pub preparation: Preparation,
}

impl Search {
    pub fn source(&self, kind: Kind) -> Option<&dyn Source> {
        self.sources
            .iter()
            .find(|s| s.kind() == kind)
            .map(|s| s.as_ref())
    }

    /// The engine the settings ask for: Meilisearch when `meili_url` is set, else the embedded
    /// index in `<data_dir>/search`.
    pub fn from_settings(
        settings: &crate::config::Settings,
        sources: Vec<Box<dyn Source>>,
    ) -> Result<Self, SearchError> {
        let (engine, preparation): (Arc<dyn SearchEngine>, Preparation) = match &settings.meili_url
        {
            Some(url) => (
                Arc::new(meili::MeiliEngine::new(
                    url.as_str(),
                    settings.meili_key.as_ref().map(|k| k.expose()),
                    &settings.meili_index,
                    std::time::Duration::from_secs(settings.meili_timeout),
                )?),
                Preparation::Always,
            ),
            None => {
                let engine = embedded::EmbeddedEngine::open(&settings.data_dir.join("search"))?;
                let preparation = match engine.is_empty() {
                    Ok(false) => Preparation::Nothing,
                    Ok(true) => Preparation::FillIfRows,
                    Err(_) => Preparation::Always,
                };
                (Arc::new(engine), preparation)
            }
        };
        Ok(Self {
            engine,
            sources: Arc::new(sources),
            preparation,
        })
    }
}
