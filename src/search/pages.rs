//! `/recherche`: the search page.
//!
//! The query is read and checked exactly as the API does it ([`api::parse`]) and run by
//! [`api::run`], so the page and `/api/v1/search` never disagree. Without a kind the results
//! come grouped by kind (a few of each, with a link to all of them); with kinds chosen they are
//! one paginated list. Facet counts are disjunctive: the kind counts ignore the chosen kinds
//! and the theme counts the chosen themes, so that ticking a box never hides its neighbours.
//!
//! The page always answers with HTML: a parameter it does not understand gives the page with a
//! message (422), the engine being down gives the page with an apology (503).

use crate::telemetry::Metrics;
use std::collections::BTreeMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};

use super::api::{self, SearchAnswer};
use super::{Hit, Kind, Query, Sort};
use crate::app::AppState;
use crate::auth::MaybeUser;
use crate::error::{AppError, FieldErrors};
use crate::themes::model::Theme;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

/// Results of each kind shown when they are grouped.
const GROUP_SIZE: usize = 4;
/// Results a page of one kind shows.
const PER_PAGE: usize = 20;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/recherche").route(web::get().to(search)));
}

/// One result as the page shows it.
pub struct ResultCard {
    pub href: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// Escaped HTML with `<mark>`: rendered with `|safe`.
    pub title_html: String,
    /// Escaped HTML with `<mark>`: rendered with `|safe`.
    pub snippet_html: String,
    pub organization: Option<String>,
    pub city: Option<String>,
    /// « jeudi 12 mars 2026, 18 h 30 », for events.
    pub when: Option<String>,
    /// (slug, label)
    pub themes: Vec<(String, String)>,
}

/// The results of one kind, when no kind is chosen.
pub struct Group {
    pub kind: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub cards: Vec<ResultCard>,
    /// `/recherche` filtered on this kind: all of them, one list.
    pub all_href: String,
}

/// A facet checkbox.
pub struct FacetBox {
    pub value: String,
    pub label: String,
    pub count: usize,
    pub checked: bool,
}

/// What the page shows under the form.
pub enum Body {
    /// Nothing asked yet.
    Start,
    /// Grouped by kind.
    Groups(Vec<Group>),
    /// One list (kinds chosen).
    List(Vec<ResultCard>),
    /// Nothing found.
    Nothing,
    /// A parameter was not understood: its names.
    Invalid(Vec<String>),
    /// The engine did not answer.
    Unavailable,
}

#[derive(Template)]
#[template(path = "search/index.html")]
struct SearchPage {
    layout: Layout,
    t: Translator,
    q: String,
    sort: &'static str,
    kinds: Vec<FacetBox>,
    themes: Vec<FacetBox>,
    /// « 12 résultats pour « chaleur » ».
    summary: Option<String>,
    body: Body,
    /// Filters are set: the "remove the filters" link.
    reset_href: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    /// « Page 2 sur 5 ».
    page_label: Option<String>,
}

impl SearchPage {
    fn sort_options(&self) -> [(&'static str, &'static str, bool); 3] {
        ["relevance", "newest", "soonest"].map(|value| {
            (
                value,
                self.t.get(&format!("search_page.sort_{value}")),
                self.sort == value,
            )
        })
    }
}

/// The page's address for a search: repeated `kind` and `theme` keys, as the form sends them.
fn href(q: &str, kinds: &[Kind], themes: &[String], sort: Sort, page: usize) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    for k in kinds {
        query.append_pair("kind", k.as_str());
    }
    for t in themes {
        query.append_pair("theme", t);
    }
    if sort != Sort::Relevance {
        query.append_pair("sort", sort_name(sort));
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/recherche".into()
    } else {
        format!("/recherche?{query}")
    }
}

fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "relevance",
        Sort::Newest => "newest",
        Sort::Soonest => "soonest",
    }
}

fn card(hit: Hit, themes: &[Theme], lang: Lang) -> ResultCard {
    let when = hit
        .starts_at
        .as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| dates::datetime(d.with_timezone(&Utc), lang));
    ResultCard {
        kind: hit.kind.as_str(),
        kind_label: singular(hit.kind, lang),
        themes: crate::marketplace::pages::theme_chips(themes, &hit.themes, lang),
        href: hit.url,
        title_html: hit.title_html,
        snippet_html: hit.snippet_html,
        // An organization's own name is its title already.
        organization: hit.organization.filter(|_| hit.kind != Kind::Organization),
        city: hit.city,
        when,
    }
}

/// The badge of a result.
fn singular(kind: Kind, lang: Lang) -> &'static str {
    lang.t().get(&format!("search_page.kind_{}", kind.as_str()))
}

/// The last value of `key` in the query string, trimmed.
fn last<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// A helper query (facet counts, a group): page one of `per_page` (at least one: tantivy
/// refuses a limit of zero).
fn variant(base: &Query, per_page: usize, adjust: impl FnOnce(&mut Query)) -> Query {
    let mut q = base.clone();
    q.page = 1;
    q.per_page = per_page;
    adjust(&mut q);
    q
}

fn kind_boxes(counts: &BTreeMap<String, usize>, chosen: &[Kind], lang: Lang) -> Vec<FacetBox> {
    Kind::ALL
        .into_iter()
        .filter_map(|k| {
            let count = counts.get(k.as_str()).copied().unwrap_or(0);
            let checked = chosen.contains(&k);
            (count > 0 || checked).then(|| FacetBox {
                value: k.as_str().to_owned(),
                label: k.label(lang.code()).to_owned(),
                count,
                checked,
            })
        })
        .collect()
}

fn theme_boxes(
    counts: &BTreeMap<String, usize>,
    chosen: &[String],
    all: &[Theme],
    lang: Lang,
) -> Vec<FacetBox> {
    all.iter()
        .filter_map(|th| {
            let count = counts.get(&th.slug).copied().unwrap_or(0);
            let checked = chosen.contains(&th.slug);
            (count > 0 || checked).then(|| FacetBox {
                value: th.slug.clone(),
                label: th.label(lang).to_owned(),
                count,
                checked,
            })
        })
        .collect()
}

/// `GET /recherche?q=…&kind=…&theme=…&sort=…&page=…`
pub async fn search(
    req: HttpRequest,
    lang: Lang,
    user: MaybeUser,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> Page {
    let t = lang.t();
    let pairs = api::pairs(&req);
    let text: String = last(&pairs, "q")
        .chars()
        .take(api::MAX_QUERY_CHARS)
        .collect();
    let title = if text.is_empty() {
        format!("{} · Quai", t.get("search_page.title"))
    } else {
        format!("{text} · {} · Quai", t.get("search_page.title"))
    };
    let mut page = SearchPage {
        layout: Layout::new(&req, lang, &title, t.get("search_page.lead")),
        t,
        q: text.clone(),
        sort: "relevance",
        kinds: Vec::new(),
        themes: Vec::new(),
        summary: None,
        body: Body::Start,
        reset_href: None,
        previous: None,
        next: None,
        page_label: None,
    };
    let query = match api::parse(&pairs, api::audience(user.0.as_ref())) {
        Ok(query) => query,
        Err(errors) => return invalid(page, errors),
    };
    page.sort = sort_name(query.sort);
    let filtered = !query.kinds.is_empty() || !query.themes.is_empty();
    if query.text.trim().is_empty() && !filtered {
        return respond::html(StatusCode::OK, &page, false);
    }
    let all_themes = crate::themes::service::all(&state.db).await?;
    match fill(&mut page, &state, &metrics, &query, &all_themes, lang).await {
        // What staff and members find is theirs: not for shared caches.
        Ok(()) => respond::html(
            StatusCode::OK,
            &page,
            query.audience != crate::search::Audience::Visitor,
        ),
        Err(AppError::Unavailable(_)) => {
            page.body = Body::Unavailable;
            let mut res = respond::html(StatusCode::SERVICE_UNAVAILABLE, &page, true)?;
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

/// The page for parameters that do not parse: the form, and which parameter is wrong.
fn invalid(mut page: SearchPage, errors: FieldErrors) -> Page {
    page.body = Body::Invalid(errors.into_keys().collect());
    page.reset_href = Some(href(&page.q, &[], &[], Sort::Relevance, 1));
    respond::html(StatusCode::UNPROCESSABLE_ENTITY, &page, false)
}

/// Runs the searches a checked query needs and fills the page with what they found.
async fn fill(
    page: &mut SearchPage,
    state: &AppState,
    metrics: &Metrics,
    query: &Query,
    all_themes: &[Theme],
    lang: Lang,
) -> Result<(), AppError> {
    let t = lang.t();
    let grouped = query.kinds.is_empty();
    let main = if grouped {
        api::run(state, metrics, &variant(query, 1, |_| {})).await?
    } else {
        // The page shows a fixed number of results; `per_page` is the API's business.
        let mut q = query.clone();
        q.per_page = PER_PAGE;
        api::run(state, metrics, &q).await?
    };
    let kind_counts = if grouped {
        main.facets.kind.clone()
    } else {
        api::run(state, metrics, &variant(query, 1, |q| q.kinds.clear()))
            .await?
            .facets
            .kind
    };
    let theme_counts = if query.themes.is_empty() {
        main.facets.theme.clone()
    } else {
        api::run(state, metrics, &variant(query, 1, |q| q.themes.clear()))
            .await?
            .facets
            .theme
    };
    page.kinds = kind_boxes(&kind_counts, &query.kinds, lang);
    page.themes = theme_boxes(&theme_counts, &query.themes, all_themes, lang);
    if !query.kinds.is_empty() || !query.themes.is_empty() {
        page.reset_href = Some(href(&query.text, &[], &[], query.sort, 1));
    }
    page.summary = Some(summary(t, main.total, &query.text));
    if main.total == 0 {
        page.body = Body::Nothing;
        return Ok(());
    }
    if grouped {
        let mut groups = Vec::new();
        for kind in Kind::ALL {
            let count = main.facets.kind.get(kind.as_str()).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let answer: SearchAnswer = api::run(
                state,
                metrics,
                &variant(query, GROUP_SIZE, |q| q.kinds = vec![kind]),
            )
            .await?;
            groups.push(Group {
                kind: kind.as_str(),
                label: kind.label(lang.code()),
                count,
                cards: answer
                    .items
                    .into_iter()
                    .map(|h| card(h, all_themes, lang))
                    .collect(),
                all_href: href(&query.text, &[kind], &query.themes, query.sort, 1),
            });
        }
        page.body = Body::Groups(groups);
    } else {
        let last_page = main.total.min(super::MAX_OFFSET).div_ceil(PER_PAGE).max(1);
        let number = query.page;
        let at = |n| href(&query.text, &query.kinds, &query.themes, query.sort, n);
        page.previous = (number > 1).then(|| at((number - 1).min(last_page)));
        page.next = (number < last_page).then(|| at(number + 1));
        if last_page > 1 {
            page.page_label = Some(
                t.get("search_page.page_of")
                    .replace("{page}", &number.to_string())
                    .replace("{pages}", &last_page.to_string()),
            );
        }
        page.body = if main.items.is_empty() {
            Body::Nothing
        } else {
            Body::List(
                main.items
                    .into_iter()
                    .map(|h| card(h, all_themes, lang))
                    .collect(),
            )
        };
    }
    Ok(())
}

/// « 3 résultats pour « chaleur » ».
fn summary(t: Translator, total: usize, q: &str) -> String {
    let key = match (total, q.trim().is_empty()) {
        (0, false) => "search_page.none_for",
        (0, true) => "search_page.none",
        (1, false) => "search_page.one_for",
        (1, true) => "search_page.one",
        (_, false) => "search_page.many_for",
        (_, true) => "search_page.many",
    };
    t.get(key)
        .replace("{n}", &total.to_string())
        .replace("{q}", q.trim())
}
