//! The home page, the language switch, the sections still in preparation, robots and sitemap.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::themes::service as themes;
use crate::web::{Lang, Layout, Translator};

pub struct FeatureCard {
    pub href: &'static str,
    pub icon: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

const CARDS: [FeatureCard; 4] = [
    FeatureCard {
        href: "/marketplace",
        icon: "market",
        title: "home.marketplace_title",
        text: "home.marketplace_text",
    },
    FeatureCard {
        href: "/mentorat",
        icon: "mentor",
        title: "home.mentoring_title",
        text: "home.mentoring_text",
    },
    FeatureCard {
        href: "/evenements",
        icon: "event",
        title: "home.events_title",
        text: "home.events_text",
    },
    FeatureCard {
        href: "/recherche",
        icon: "search",
        title: "home.search_title",
        text: "home.search_text",
    },
];

pub struct ThemeView {
    pub slug: String,
    pub label: String,
    pub description: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
struct HomePage {
    layout: Layout,
    t: Translator,
    cards: &'static [FeatureCard],
    themes: Vec<ThemeView>,
}

#[get("/")]
pub async fn index(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
) -> Result<impl actix_web::Responder, AppError> {
    let t = lang.t();
    let themes = themes::all(&state.db)
        .await?
        .into_iter()
        .map(|theme| ThemeView {
            label: theme.label(lang).to_owned(),
            description: theme.description(lang).to_owned(),
            slug: theme.slug,
        })
        .collect();
    Ok(HomePage {
        layout: Layout::new(&req, lang, t.get("home.title"), t.get("site.description")),
        t,
        cards: &CARDS,
        themes,
    })
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    retour: Option<String>,
}

/// `GET /langue/{fr|en}?retour=/page`: remembers the choice for a year and goes back.
#[get("/langue/{code}")]
pub async fn switch_language(
    path: web::Path<String>,
    query: web::Query<SwitchQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::parse(&path).ok_or(AppError::NotFound)?;
    let back = query
        .retour
        .as_deref()
        .filter(|p| is_local_path(p))
        .unwrap_or("/");
    let cookie = Cookie::build(crate::web::i18n::LANG_COOKIE, lang.code())
        .path("/")
        .max_age(CookieDuration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(!state.settings.is_local_http())
        .finish();
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, back.to_owned()))
        .finish())
}

/// Only paths on this site: no `//host`, no scheme, no backslash tricks.
fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.contains("://")
        && !p.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[get("/robots.txt")]
pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let base = state.settings.base_url.as_str().trim_end_matches('/');
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(format!(
            "User-agent: *\nDisallow: /api/\nDisallow: /admin\nDisallow: /compte\nSitemap: {base}/sitemap.xml\n"
        ))
}

#[get("/sitemap.xml")]
pub async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let base = state.settings.base_url.as_str().trim_end_matches('/');
    let mut urls: String = [
        "/",
        "/marketplace",
        "/mentorat",
        "/evenements",
        "/recherche",
    ]
    .iter()
    .map(|p| format!("  <url><loc>{base}{p}</loc></url>\n"))
    .collect();
    // Slugs are made of [a-z0-9-]: nothing to escape in the XML.
    for (path, updated) in crate::marketplace::service::public_pages(&state.db).await? {
        urls.push_str(&format!(
            "  <url><loc>{base}{path}</loc><lastmod>{}</lastmod></url>\n",
            updated.format("%Y-%m-%d")
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
        )))
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/evenements?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("evil"));
        assert!(!is_local_path("/\t/evil.example"));
        assert!(!is_local_path("/\r\nSet-Cookie: x=1"));
        assert!(!is_local_path("/ /evil"));
    }
}
