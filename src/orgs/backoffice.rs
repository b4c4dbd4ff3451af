//! `/admin/organisations`: every organization for the cluster's staff, with the "verified by the
//! cluster" badge and suspension.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::service::{self, AdminChange};
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::web::{Lang, Layout, Translator, respond};

type Page = Result<HttpResponse, AppError>;
const LIST: &str = "/admin/organisations";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(LIST).route(web::get().to(list)))
        .service(web::resource("/admin/organisations/{id}").route(web::post().to(change)));
}

fn admin_or_sign_in(admin: Result<Admin, AppError>) -> Result<Admin, Page> {
    respond::or_sign_in(admin, LIST)
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub kind_key: String,
    pub status: String,
    pub status_key: String,
    pub status_class: &'static str,
    pub verified: bool,
}

#[derive(Template)]
#[template(path = "admin/organizations.html")]
struct ListPage {
    layout: Layout,
    t: Translator,
    rows: Vec<Row>,
    flash: Option<(bool, &'static str)>,
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
    erreur: Option<String>,
}

/// `GET /admin/organisations`
pub async fn list(
    req: HttpRequest,
    lang: Lang,
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
    query: web::Query<FlashQuery>,
) -> Page {
    let admin = match admin_or_sign_in(admin) {
        Ok(admin) => admin,
        Err(page) => return page,
    };
    let t = lang.t();
    let rows = service::all(&state.db, &admin)
        .await?
        .into_iter()
        .map(|o| Row {
            id: o.id,
            href: o.path(),
            kind_key: format!("organization.kinds.{}", o.kind),
            status_key: format!("space.org_status.{}", o.status),
            status_class: match o.status.as_str() {
                "active" => "tag-ok",
                "pending" => "tag-warning",
                _ => "tag-danger",
            },
            status: o.status,
            verified: o.verified,
            name: o.name,
        })
        .collect();
    let flash = match (query.ok.as_deref(), query.erreur.as_deref()) {
        (Some(_), _) => Some((true, "admin_orgs.flash.saved")),
        (_, Some(_)) => Some((false, "admin_orgs.flash.state")),
        _ => None,
    };
    let page = ListPage {
        layout: Layout::new(
            &req,
            lang,
            &format!(
                "{} · {} · Quai",
                t.get("admin_orgs.title"),
                t.get("admin_pages.title")
            ),
            t.get("admin_orgs.lead"),
        ),
        t,
        rows,
        flash,
    };
    respond::html(StatusCode::OK, &page, true)
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    verified: Option<String>,
    #[serde(default)]
    suspended: Option<String>,
}

/// `POST /admin/organisations/{id}` with `verified=1|0` or `suspended=1|0`.
pub async fn change(
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<ChangeForm>,
) -> Page {
    let admin = match admin_or_sign_in(admin) {
        Ok(admin) => admin,
        Err(page) => return page,
    };
    let flag = |v: Option<String>| v.map(|v| v == "1");
    let change = AdminChange {
        verified: flag(form.0.verified),
        suspended: flag(form.0.suspended),
    };
    match service::admin_change(&state.db, &admin, id.into_inner(), change).await {
        Ok(_) => Ok(respond::see_other(&format!("{LIST}?ok=1"))),
        Err(AppError::Conflict(_)) => Ok(respond::see_other(&format!("{LIST}?erreur=1"))),
        Err(e) => Err(e),
    }
}
