//! `/espace/favoris`: the organizations and themes a person follows and the latest offerings
//! from them; the follow buttons of the organization pages post here too.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::service;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::marketplace::pages::{Choice, theme_chips};
use crate::themes::service as themes;
use crate::web::respond::or_sign_in as signed_in;
use crate::web::{Lang, Layout, Translator, respond};

type Page = Result<HttpResponse, AppError>;
const FAVORITES: &str = "/espace/favoris";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(FAVORITES).route(web::get().to(show)))
        .service(
            web::resource("/espace/favoris/organisations/{id}")
                .route(web::post().to(toggle_organization)),
        )
        .service(
            web::resource("/espace/favoris/themes/{slug}").route(web::post().to(toggle_theme)),
        );
}

pub struct OrgCard {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub kind_key: String,
    pub pitch: String,
    pub initials: String,
}

pub struct NewsCard {
    pub href: String,
    pub title: String,
    pub kind_key: String,
    pub summary: String,
    pub themes: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "favorites/index.html")]
struct FavoritesPage {
    layout: Layout,
    t: Translator,
    organizations: Vec<OrgCard>,
    /// Every theme, `selected` when followed.
    themes: Vec<Choice>,
    news: Vec<NewsCard>,
}

/// `GET /espace/favoris`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match signed_in(me, FAVORITES) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let favorites = service::list(&state.db, &me).await?;
    let news = service::news(&state.db, &me, 12).await?;
    let all_themes = themes::all(&state.db).await?;
    let t = lang.t();
    let page = FavoritesPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("favorites.title")),
            t.get("favorites.lead"),
        ),
        t,
        organizations: favorites
            .organizations
            .into_iter()
            .map(|o| OrgCard {
                id: o.id,
                href: o.path(),
                kind_key: format!("organization.kinds.{}", o.kind),
                initials: o.initials(),
                name: o.name,
                pitch: o.pitch,
            })
            .collect(),
        themes: all_themes
            .iter()
            .map(|th| Choice {
                value: th.slug.clone(),
                label: th.label(lang).to_owned(),
                selected: favorites.themes.iter().any(|f| f.id == th.id),
            })
            .collect(),
        news: news
            .into_iter()
            .map(|(o, slugs)| NewsCard {
                href: format!("/offres/{}", o.slug),
                kind_key: format!("marketplace.kind.{}", o.kind),
                themes: theme_chips(&all_themes, &slugs, lang),
                title: o.title,
                summary: o.summary,
            })
            .collect(),
    };
    respond::html(StatusCode::OK, &page, true)
}

#[derive(Deserialize)]
pub struct ToggleForm {
    /// `1` to follow, `0` to stop.
    on: String,
    /// The page to come back to (a local path).
    #[serde(default)]
    retour: String,
}

/// Only paths of this site are followed back.
fn back_to(retour: &str) -> &str {
    let local = retour.starts_with('/')
        && !retour.starts_with("//")
        && !retour.contains('\\')
        && !retour.chars().any(|c| c.is_control() || c.is_whitespace());
    if local { retour } else { FAVORITES }
}

/// `POST /espace/favoris/organisations/{id}`
pub async fn toggle_organization(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<ToggleForm>,
) -> Page {
    let back = back_to(&form.0.retour).to_owned();
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    service::organization(&state.db, &me, id.into_inner(), form.0.on == "1").await?;
    Ok(respond::see_other(&back))
}

/// `POST /espace/favoris/themes/{slug}`
pub async fn toggle_theme(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<ToggleForm>,
) -> Page {
    let back = back_to(&form.0.retour).to_owned();
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    service::theme(&state.db, &me, slug.into_inner(), form.0.on == "1").await?;
    Ok(respond::see_other(&back))
}
