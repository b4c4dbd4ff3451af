//! `/offres/{slug}`: one offering, with its organization.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Choice, theme_chips};
use crate::app::AppState;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::AppError;
use crate::marketplace::{requests, service};
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
    slug: String,
    /// The request box (published offerings only).
    ask: Option<Ask>,
    form: AskForm,
}

/// The request box of the page: what the viewer can do about the offering.
pub enum Ask {
    /// A visitor: sign in first (with the way back).
    SignIn(String),
    /// A member of the offering's organization.
    Own,
    /// Signed in, but no organization of theirs may ask.
    NoOrganization,
    /// One of their organizations already asked: the request's page.
    Pending(String),
    /// The form, with the organizations that may ask.
    Form(Vec<Choice>),
}

/// What was typed in the request form, and what was wrong with it.
#[derive(Default)]
pub struct AskForm {
    pub message: String,
    pub organization_id: String,
    pub error: Option<String>,
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
    render(
        &req,
        lang,
        viewer.as_ref(),
        &state,
        slug.into_inner(),
        AskForm::default(),
    )
    .await
}

/// The page, with the request form as typed (a refused request comes back with its message).
pub async fn render(
    req: &HttpRequest,
    lang: Lang,
    viewer: Option<&CurrentUser>,
    state: &AppState,
    slug: String,
    form: AskForm,
) -> Result<HttpResponse, AppError> {
    let view = service::page(&state.db, viewer, slug).await?;
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
    let ask = match viewer {
        None => {
            let back = format!("/offres/{}", o.slug);
            let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
            Ask::SignIn(format!("/connexion?suivant={back}"))
        }
        Some(_) if view.member => Ask::Own,
        Some(me) => {
            let options = requests::ask_options(&state.db, me, o.id).await?;
            match (options.open_request, options.organizations.is_empty()) {
                (Some(id), _) => Ask::Pending(format!("/espace/demandes/{id}")),
                (None, true) => Ask::NoOrganization,
                (None, false) => Ask::Form(
                    options
                        .organizations
                        .into_iter()
                        .map(|org| Choice {
                            selected: org.id.to_string() == form.organization_id,
                            value: org.id.to_string(),
                            label: org.name,
                        })
                        .collect(),
                ),
            }
        }
    };
    let status = if form.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = OfferingPage {
        layout: Layout::new(
            req,
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
        ask: if published { Some(ask) } else { None },
        form,
        slug: o.slug,
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
    // Pages with a person's forms or unpublished content are not cached.
    respond::html(status, &page, viewer.is_some() || !published)
}
