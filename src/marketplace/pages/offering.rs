//! `/offres/{slug}`: one offering, with its organization.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::theme_chips;
use crate::app::AppState;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::AppError;
use crate::marketplace::service;
use crate::themes::service as themes;
use crate::web::{Lang, Layout, Translator, markdown, respond};

#[derive(Template)]
#[template(path = "marketplace/offering.html")]
struct OfferingPage {
    layout: Layout,
    t: Translator,
    title: String,
    kind_key: String,
    summary: String,
    body_html: String,
    audience_key: String,
    conditions: String,
    contact: String,
    themes: Vec<(String, String)>,
    org_name: String,
    org_path: String,
    org_pitch: String,
    org_initials: String,
    org_logo: Option<String>,
    /// For members and admins: the status when it is not published, and where to edit it.
    status_key: Option<String>,
    edit_href: Option<String>,
}

/// `GET /offres/{slug}`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    viewer: MaybeUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let viewer = viewer.0.map(CurrentUser);
    let view = service::page(&state.db, viewer.as_ref(), slug.into_inner()).await?;
    let all_themes = themes::all(&state.db).await?;
    let t = lang.t();
    let o = view.offering;
    let org = view.organization;
    let description = if o.summary.is_empty() {
        org.pitch.clone()
    } else {
        o.summary.clone()
    };
    let logo = org.logo.as_ref().map(|name| format!("/media/logos/{name}"));
    let published = o.status == "published";
    let page = OfferingPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · {} · Quai", o.title, org.name),
            &description,
        )
        .about("article", logo.as_deref()),
        t,
        themes: theme_chips(&all_themes, &view.themes, lang),
        kind_key: format!("marketplace.kind.{}", o.kind),
        audience_key: format!("offering.audience.{}", o.audience),
        body_html: markdown::render(&o.body),
        status_key: (!published).then(|| format!("offering.status.{}", o.status)),
        edit_href: view.insider.then(|| format!("/espace/offres/{}", o.id)),
        title: o.title,
        summary: o.summary,
        conditions: o.conditions,
        contact: o.contact,
        org_path: org.path(),
        org_initials: org.initials(),
        org_logo: logo,
        org_name: org.name,
        org_pitch: org.pitch,
    };
    // A page only its members can see is theirs: not cached.
    respond::html(StatusCode::OK, &page, !published)
}
