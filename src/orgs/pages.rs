//! The public profiles of organizations: `/startups/{slug}` and `/partenaires/{slug}` (partners
//! and founding members), with their published offerings.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::service;
use crate::app::AppState;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::AppError;
use crate::marketplace::pages::theme_chips;
use crate::marketplace::service as offerings;
use crate::themes::service as themes;
use crate::web::{Lang, Layout, Translator, markdown, respond};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/startups/{slug}").route(web::get().to(show)))
        .service(web::resource("/partenaires/{slug}").route(web::get().to(show)))
        .configure(super::editor::configure)
        .configure(super::manage::configure)
        .configure(super::backoffice::configure);
}

/// An offering as a card.
pub struct OfferCard {
    pub href: String,
    pub title: String,
    pub kind_key: String,
    pub summary: String,
    pub themes: Vec<(String, String)>,
}

/// A fact of the profile: label key and value.
pub struct Fact {
    pub key: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "orgs/profile.html")]
struct ProfilePage {
    layout: Layout,
    t: Translator,
    name: String,
    kind_key: String,
    pitch: String,
    description_html: String,
    verified: bool,
    initials: String,
    logo: Option<String>,
    website: String,
    contact_email: String,
    facts: Vec<Fact>,
    themes: Vec<(String, String)>,
    offers: Vec<OfferCard>,
    /// For members and admins: not public yet, and where to manage it.
    status_key: Option<String>,
    manage_href: Option<String>,
    id: i64,
    path: String,
    /// For signed-in people: whether they follow it.
    following: Option<bool>,
}

/// `GET /startups/{slug}` and `GET /partenaires/{slug}`; the wrong prefix redirects (301).
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    viewer: MaybeUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let viewer = viewer.0.map(CurrentUser);
    let (org, theme_slugs, insider) =
        service::profile(&state.db, viewer.as_ref(), slug.into_inner()).await?;
    if req.path() != org.path() {
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, org.path()))
            .finish());
    }
    let all_themes = themes::all(&state.db).await?;
    let t = lang.t();
    let offers = offerings::published_of(&state.db, org.id)
        .await?
        .into_iter()
        .map(|(o, slugs)| OfferCard {
            href: format!("/offres/{}", o.slug),
            kind_key: format!("marketplace.kind.{}", o.kind),
            themes: theme_chips(&all_themes, &slugs, lang),
            title: o.title,
            summary: o.summary,
        })
        .collect();
    let mut facts = Vec::new();
    if !org.sector.is_empty() {
        facts.push(Fact {
            key: "organization.sector",
            value: org.sector.clone(),
        });
    }
    if let Some(stage) = &org.stage {
        facts.push(Fact {
            key: "organization.stage",
            value: t.get(&format!("organization.stages.{stage}")).to_owned(),
        });
    }
    if let Some(n) = org.team_size {
        facts.push(Fact {
            key: "organization.team_size",
            value: n.to_string(),
        });
    }
    if let Some(year) = org.founded_year {
        facts.push(Fact {
            key: "organization.founded",
            value: year.to_string(),
        });
    }
    facts.push(Fact {
        key: "organization.city",
        value: org.city.clone(),
    });
    let logo = org.logo.as_ref().map(|name| format!("/media/logos/{name}"));
    let description = if org.pitch.is_empty() {
        t.get(&format!("organization.kinds.{}", org.kind))
            .to_owned()
    } else {
        org.pitch.clone()
    };
    let active = org.status == "active";
    let following = match &viewer {
        Some(me) if active => {
            Some(crate::favorites::service::follows(&state.db, me, org.id).await?)
        }
        _ => None,
    };
    let page = ProfilePage {
        layout: Layout::new(&req, lang, &format!("{} · Quai", org.name), &description)
            .about("profile", logo.as_deref()),
        t,
        kind_key: format!("organization.kinds.{}", org.kind),
        description_html: markdown::render(&org.description),
        initials: org.initials(),
        logo,
        themes: theme_chips(&all_themes, &theme_slugs, lang),
        offers,
        facts,
        status_key: (!active).then(|| format!("organization.status.{}", org.status)),
        manage_href: insider.then(|| format!("/espace/organisations/{}", org.id)),
        id: org.id,
        path: org.path(),
        following,
        name: org.name,
        pitch: org.pitch,
        verified: org.verified,
        website: org.website,
        contact_email: org.contact_email,
    };
    respond::html(StatusCode::OK, &page, viewer.is_some() || !active)
}
