//! Static files compiled into the binary, served under versioned URLs
//! (`/static/<content hash>/<name>`) with a one-year immutable cache lifetime.

use std::sync::LazyLock;

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    body: &'static [u8],
    content_type: &'static str,
    version: String,
}

macro_rules! asset {
    ($name:literal, $type:literal) => {
        (
            $name,
            include_bytes!(concat!("../../frontend/static/", $name)) as &[u8],
            $type,
        )
    };
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    [
        asset!("app.css", "text/css; charset=utf-8"),
        asset!("app.js", "text/javascript; charset=utf-8"),
        asset!("search.js", "text/javascript; charset=utf-8"),
        asset!("logo.svg", "image/svg+xml"),
        asset!("favicon.svg", "image/svg+xml"),
    ]
    .into_iter()
    .map(|(name, body, content_type)| Asset {
        name,
        body,
        content_type,
        version: hex::encode(&Sha256::digest(body)[..6]),
    })
    .collect()
});

/// The versioned URL of an embedded file, for templates.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => format!("/static/{}/{}", a.version, a.name),
        None => {
            tracing::warn!(name, "unknown static asset");
            format!("/static/0/{name}")
        }
    }
}

/// `GET /static/{version}/{name}`: the current version is cached for a year; an outdated
/// version still gets the current file, but revalidated, so old pages keep working.
pub async fn serve(path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (version, name) = path.into_inner();
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .ok_or(AppError::NotFound)?;
    let cache = if asset.version == version {
        CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ])
    } else {
        CacheControl(vec![CacheDirective::NoCache])
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header(cache)
        .insert_header((header::ETAG, format!("\"{}\"", asset.version)))
        .body(asset.body))
}

/// `GET /favicon.ico` and friends: browsers ask without looking at the page.
pub async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, url("favicon.svg")))
        .finish()
}
