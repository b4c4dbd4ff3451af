//! `/admin/moderation`: the back office's queue of submitted offerings and new organizations,
//! each with approve / request changes / reject and a note.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::theme_chips;
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::marketplace::service;
use crate::orgs::service as orgs;
use crate::themes::service as themes;
use crate::web::{Lang, Layout, Translator, markdown, respond};

type Page = Result<HttpResponse, AppError>;

const QUEUE: &str = "/admin/moderation";

fn admin_or_sign_in(admin: Result<Admin, AppError>) -> Result<Admin, Page> {
    respond::or_sign_in(admin, QUEUE)
}

pub struct OfferItem {
    pub id: i64,
    pub title: String,
    pub kind_key: String,
    pub organization: String,
    pub organization_href: String,
    pub summary: String,
    pub body_html: String,
    pub conditions: String,
    pub themes: Vec<(String, String)>,
    pub preview_href: String,
}

pub struct OrgItem {
    pub id: i64,
    pub name: String,
    pub kind_key: String,
    pub pitch: String,
    pub city: String,
    pub website: String,
    pub preview_href: String,
    /// The note of an earlier change request.
    pub note: String,
}

#[derive(Template)]
#[template(path = "admin/moderation.html")]
struct QueuePage {
    layout: Layout,
    t: Translator,
    offers: Vec<OfferItem>,
    orgs: Vec<OrgItem>,
    flash: Option<(bool, String)>,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    ok: Option<String>,
    erreur: Option<String>,
}

/// `GET /admin/moderation`
pub async fn queue(
    req: HttpRequest,
    lang: Lang,
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Page {
    let admin = match admin_or_sign_in(admin) {
        Ok(admin) => admin,
        Err(page) => return page,
    };
    let all_themes = themes::all(&state.db).await?;
    let offers = service::queue_details(&state.db, &admin)
        .await?
        .into_iter()
        .map(|(o, org, slugs)| OfferItem {
            id: o.id,
            kind_key: format!("marketplace.kind.{}", o.kind),
            organization_href: org.path(),
            organization: org.name,
            body_html: markdown::render(&o.body),
            themes: theme_chips(&all_themes, &slugs, lang),
            preview_href: format!("/offres/{}", o.slug),
            title: o.title,
            summary: o.summary,
            conditions: o.conditions,
        })
        .collect();
    let orgs = orgs::pending(&state.db, &admin)
        .await?
        .into_iter()
        .map(|org| OrgItem {
            id: org.id,
            kind_key: format!("organization.kinds.{}", org.kind),
            preview_href: org.path(),
            note: org.moderation_note,
            name: org.name,
            pitch: org.pitch,
            city: org.city,
            website: org.website,
        })
        .collect();
    let flash = match (query.ok.as_deref(), query.erreur.as_deref()) {
        (Some(done @ ("approve" | "request_changes" | "reject")), _) => {
            Some((true, format!("moderation.flash.{done}")))
        }
        (_, Some("note")) => Some((false, "moderation.flash.note_required".to_owned())),
        (_, Some("deja")) => Some((false, "moderation.flash.already".to_owned())),
        _ => None,
    };
    let t = lang.t();
    let page = QueuePage {
        layout: Layout::new(
            &req,
            lang,
            &format!(
                "{} · {} · Quai",
                t.get("moderation.title"),
                t.get("admin_pages.title")
            ),
            t.get("moderation.lead"),
        ),
        t,
        offers,
        orgs,
        flash,
    };
    respond::html(StatusCode::OK, &page, true)
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    note: String,
}

/// Back to the queue with what happened: a confirmation, or why nothing changed.
fn back(result: Result<(), AppError>, decision: &str) -> Page {
    match result {
        Ok(()) => Ok(respond::see_other(&format!("{QUEUE}?ok={decision}"))),
        Err(AppError::Validation(errors)) if errors.contains_key("note") => {
            Ok(respond::see_other(&format!("{QUEUE}?erreur=note")))
        }
        Err(AppError::Conflict(_)) => Ok(respond::see_other(&format!("{QUEUE}?erreur=deja"))),
        Err(e) => Err(e),
    }
}

/// `POST /admin/moderation/offres/{id}`
pub async fn decide_offering(
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<DecisionForm>,
) -> Page {
    let admin = match admin_or_sign_in(admin) {
        Ok(admin) => admin,
        Err(page) => return page,
    };
    let DecisionForm { decision, note } = form.0;
    let result = service::decide(
        &state.db,
        &state.settings,
        &admin,
        id.into_inner(),
        &decision,
        note,
    )
    .await
    .map(|_| ());
    back(result, &decision)
}

/// `POST /admin/moderation/organisations/{id}`: approve, request changes (it stays pending with
/// the note) or reject.
pub async fn decide_organization(
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<DecisionForm>,
) -> Page {
    let admin = match admin_or_sign_in(admin) {
        Ok(admin) => admin,
        Err(page) => return page,
    };
    let DecisionForm { decision, note } = form.0;
    let result = orgs::decide(
        &state.db,
        &state.settings,
        &admin,
        id.into_inner(),
        &decision,
        note,
    )
    .await
    .map(|_| ());
    back(result, &decision)
}
