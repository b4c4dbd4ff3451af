//! `GET /api/v1/search` and `GET /api/v1/search/suggest`.
//!
//! Parameters may repeat (`kind=event&kind=offering`) or list values with commas
//! (`kind=event,offering`). Every value is checked here: a bad one is a 422 naming the
//! parameter; nothing the client sends reaches an engine as query syntax.

use std::time::Instant;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{NaiveDate, TimeZone};
use serde::Serialize;

use super::{Audience, Facets, Hit, Kind, Query, Sort, Suggestion, text};
use crate::app::AppState;
use crate::auth::{Identity, MaybeUser};
use crate::error::{AppError, FieldErrors};
use crate::telemetry::Metrics;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_PER_PAGE: usize = 50;
const ORG_KINDS: [&str; 3] = ["startup", "partner", "founding_member"];

/// Who is asking: visitors see public documents, verified members also members' ones, the
/// cluster's staff everything.
pub fn audience(user: Option<&Identity>) -> Audience {
    match user {
        Some(u) if u.roles.contains(&crate::auth::Role::Admin) => Audience::Admin,
        Some(u) if u.verified => Audience::Member,
        _ => Audience::Visitor,
    }
}

/// The query string's pairs, repeated keys kept.
pub fn pairs(req: &HttpRequest) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

fn values<'a>(pairs: &'a [(String, String)], key: &'a str) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(k, _)| k == key)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn last<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn day(value: &str, end: bool) -> Option<i64> {
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    if !(2000..=2100).contains(&chrono::Datelike::year(&date)) {
        return None;
    }
    let date = if end { date.succ_opt()? } else { date };
    let local = chrono_tz::Europe::Paris
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()?;
    Some(local.timestamp() - i64::from(end))
}

fn number(
    pairs: &[(String, String)],
    key: &str,
    default: usize,
    max: usize,
    errors: &mut FieldErrors,
    message: &str,
) -> usize {
    match last(pairs, key) {
        None => default,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                errors.insert(key.to_owned(), vec![message.to_owned()]);
                default
            }
        },
    }
}

/// A checked [`Query`] from the request's parameters, or the fields in error.
pub fn parse(pairs: &[(String, String)], audience: Audience) -> Result<Query, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut field = |name: &str, message: &str| {
        errors
            .entry(name.to_owned())
            .or_default()
            .push(message.to_owned())
    };
    let text = last(pairs, "q").unwrap_or("");
    if text.chars().count() > MAX_QUERY_CHARS {
        field("q", &format!("at most {MAX_QUERY_CHARS} characters"));
    }
    if text.chars().any(|c| c.is_control()) {
        field("q", "control characters are not allowed");
    }
    let mut query = Query::new(text, audience);
    for k in values(pairs, "kind") {
        match Kind::parse(k) {
            Some(k) if !query.kinds.contains(&k) => query.kinds.push(k),
            Some(_) => {}
            None => field(
                "kind",
                "one of organization, offering, event, mentor, project",
            ),
        }
    }
    for t in values(pairs, "theme") {
        let slug = t.len() <= 60
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if slug {
            if !query.themes.iter().any(|x| x == t) {
                query.themes.push(t.to_owned());
            }
        } else {
            field("theme", "a theme's slug: lower-case letters, digits and -");
        }
    }
    for k in values(pairs, "org_kind") {
        if ORG_KINDS.contains(&k) {
            if !query.org_kinds.iter().any(|x| x == k) {
                query.org_kinds.push(k.to_owned());
            }
        } else {
            field("org_kind", "one of startup, partner, founding_member");
        }
    }
    if let Some(city) = last(pairs, "city") {
        if city.chars().count() > 80 {
            field("city", "at most 80 characters");
        } else {
            query.city = Some(text::fold(city)).filter(|c| !c.is_empty());
        }
    }
    for (key, end) in [("from", false), ("to", true)] {
        if let Some(v) = last(pairs, key) {
            match day(v, end) {
                Some(t) if end => query.to = Some(t),
                Some(t) => query.from = Some(t),
                None => field(key, "a date YYYY-MM-DD between 2000 and 2100"),
            }
        }
    }
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        field("to", "on or after `from`");
    }
    match last(pairs, "sort") {
        None | Some("relevance") => query.sort = Sort::Relevance,
        Some("newest") => query.sort = Sort::Newest,
        Some("soonest") => query.sort = Sort::Soonest,
        Some(_) => field("sort", "one of relevance, newest, soonest"),
    }
    // Any page number is a page: beyond the results (or beyond what engines serve), it is
    // simply empty.
    query.page = match last(pairs, "page") {
        None => 1,
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            match v.parse::<usize>() {
                Ok(0) => {
                    errors.insert("page".into(), vec!["a page number from 1".into()]);
                    1
                }
                Ok(n) => n,
                Err(_) => usize::MAX,
            }
        }
        Some(_) => {
            errors.insert("page".into(), vec!["a page number from 1".into()]);
            1
        }
    };
    query.per_page = number(
        pairs,
        "per_page",
        20,
        MAX_PER_PAGE,
        &mut errors,
        "from 1 to 50",
    );
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

/// What staff and members find is theirs: only visitors' answers may be kept by shared caches.
fn cache_control(audience: Audience) -> (header::HeaderName, &'static str) {
    let value = if audience == Audience::Visitor {
        "public, max-age=0"
    } else {
        "private, no-store"
    };
    (header::CACHE_CONTROL, value)
}

/// A page of results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchAnswer {
    pub items: Vec<Hit>,
    /// Matching documents, all pages.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    /// Matching documents per kind and per theme slug (with every filter applied).
    pub facets: Facets,
    /// Time the engine took, in milliseconds.
    pub took_ms: f64,
    /// `embedded` or `meilisearch`.
    pub engine: &'static str,
}

/// Runs a checked query: the answer, or 503 when the engine is down.
pub async fn run(
    state: &AppState,
    metrics: &Metrics,
    query: &Query,
) -> Result<SearchAnswer, AppError> {
    let started = Instant::now();
    let results = state.search.engine.search(query).await.map_err(|e| {
        tracing::warn!(error = %e, "search failed");
        AppError::Unavailable("search is unavailable for a moment".into())
    })?;
    metrics
        .search_latency
        .observe(started.elapsed().as_secs_f64());
    Ok(SearchAnswer {
        items: results.hits,
        total: results.total,
        page: query.page,
        per_page: query.per_page,
        facets: results.facets,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        engine: state.search.engine.name(),
    })
}

/// Search everything: organizations, offerings, events (and mentors and projects as they
/// come). Only what the asker may see is returned.
#[utoipa::path(tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Words, at most 200 characters; typos, accents and plurals are forgiven, the last word may be unfinished"),
        ("kind" = Option<String>, Query, description = "organization, offering, event, mentor, project; repeat or separate with commas"),
        ("theme" = Option<String>, Query, description = "Theme slugs; a document with any of them matches"),
        ("org_kind" = Option<String>, Query, description = "startup, partner, founding_member"),
        ("city" = Option<String>, Query, description = "A city, case and accents ignored"),
        ("from" = Option<String>, Query, description = "Events from this day (YYYY-MM-DD, Paris time)"),
        ("to" = Option<String>, Query, description = "Events until this day, included"),
        ("sort" = Option<String>, Query, description = "relevance (default), newest, soonest (upcoming events only)"),
        ("page" = Option<usize>, Query, description = "From 1; beyond the results, an empty page"),
        ("per_page" = Option<usize>, Query, description = "1 to 50, default 20"),
    ),
    responses(
        (status = 200, description = "Hits with highlighted passages, facet counts, total", body = SearchAnswer),
        (status = 422, description = "A parameter is invalid", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search engine is unavailable", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[get("/search")]
pub async fn search(
    req: HttpRequest,
    user: MaybeUser,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, AppError> {
    let query = parse(&pairs(&req), audience(user.0.as_ref())).map_err(AppError::Validation)?;
    let answer = run(&state, &metrics, &query).await?;
    Ok(HttpResponse::Ok()
        .insert_header(cache_control(query.audience))
        .json(answer))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
}

/// Completions for the search box: titles matching what is typed, the last word unfinished.
#[utoipa::path(tag = "search",
    params(("q" = Option<String>, Query, description = "What is typed so far")),
    responses(
        (status = 200, description = "At most 8 titles", body = Suggestions),
        (status = 422, description = "The text is too long", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search engine is unavailable", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[get("/search/suggest")]
pub async fn suggest(
    req: HttpRequest,
    user: MaybeUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pairs = pairs(&req);
    let text = last(&pairs, "q").unwrap_or("");
    if text.chars().count() > MAX_QUERY_CHARS || text.chars().any(|c| c.is_control()) {
        return Err(AppError::validation(
            "q",
            format!("at most {MAX_QUERY_CHARS} characters, no control characters"),
        ));
    }
    let audience = audience(user.0.as_ref());
    let items = state
        .search
        .engine
        .suggest(text, audience, 8)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "suggest failed");
            AppError::Unavailable("search is unavailable for a moment".into())
        })?;
    Ok(HttpResponse::Ok()
        .insert_header(cache_control(audience))
        .json(Suggestions { items }))
}
