//! The back office's pages: `/admin` and the users list (search, roles, deactivation).
//!
//! Only admins get in ([`Admin`]); a signed-in person without the role gets the friendly 403
//! page, a visitor is sent to sign in first. Each change is a form posted to its own path that
//! comes back to the list (303) with a confirmation.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::service::{self, UserResource};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::client_ip;
use crate::auth::{Admin, Role};
use crate::error::AppError;
use crate::web::pagination::PageRequest;
use crate::web::respond::or_sign_in as admin_or_sign_in;
use crate::web::{Lang, Layout, Translator};

type Page = Result<HttpResponse, AppError>;

const PER_PAGE: i64 = 20;
/// Far beyond any real list, and small enough that the offset cannot overflow.
const MAX_PAGE: i64 = 1_000_000;
const USERS: &str = "/admin/utilisateurs";

/// Registers the back-office pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/admin").route(web::get().to(home)))
        .service(web::resource(USERS).route(web::get().to(users)))
        .service(web::resource("/admin/utilisateurs/{id}/roles").route(web::post().to(set_roles)))
        .service(
            web::resource("/admin/utilisateurs/{id}/desactiver").route(web::post().to(deactivate)),
        )
        .service(
            web::resource("/admin/utilisateurs/{id}/reactiver").route(web::post().to(reactivate)),
        );
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// `/admin`: the users list is all the back office shows for now.
async fn home(admin: Result<Admin, AppError>) -> Page {
    if let Err(page) = admin_or_sign_in(admin, "/admin") {
        return page;
    }
    Ok(see_other(USERS))
}

/// The list's address with its search, page and a confirmation.
fn list_href(q: &str, page: i64, flash: Option<(&str, &str)>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    if let Some((name, value)) = flash {
        query.append_pair(name, value);
    }
    let query = query.finish();
    if query.is_empty() {
        USERS.to_owned()
    } else {
        format!("{USERS}?{query}")
    }
}

/// Confirmations (`?ok=…`) and refusals (`?erreur=…`) after a change.
const FLASH: [(&str, &str, &str); 5] = [
    ("ok", "roles", "admin_pages.flash.roles"),
    ("ok", "desactive", "admin_pages.flash.deactivated"),
    ("ok", "reactive", "admin_pages.flash.reactivated"),
    ("erreur", "propre-role", "admin_pages.flash.own_role"),
    ("erreur", "propre-compte", "admin_pages.flash.own_account"),
];

pub struct RoleBox {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub struct UserRow {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub kind: &'static str,
    pub verified: bool,
    pub active: bool,
    pub is_me: bool,
    pub roles: Vec<RoleBox>,
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin_pages.roles.admin",
        Role::StartupMember => "admin_pages.roles.startup_member",
        Role::PartnerMember => "admin_pages.roles.partner_member",
        Role::Mentor => "admin_pages.roles.mentor",
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "startup_founder" => "accounts.kinds.startup_founder",
        "mentor" => "accounts.kinds.mentor",
        "partner_staff" => "accounts.kinds.partner_staff",
        _ => "admin_pages.users.unknown_kind",
    }
}

impl UserRow {
    fn new(user: UserResource, me: Option<i64>) -> Self {
        Self {
            roles: Role::ALL
                .iter()
                .map(|&r| RoleBox {
                    value: r.as_str(),
                    label: role_label(r),
                    checked: user.roles.contains(&r),
                })
                .collect(),
            is_me: me == Some(user.id),
            kind: kind_label(&user.kind),
            id: user.id,
            display_name: user.display_name,
            email: user.email,
            verified: user.email_verified,
            active: user.active,
        }
    }
}

/// A link of the pagination; a gap (…) between distant pages has no number.
pub struct PageLink {
    pub number: i64,
    pub href: String,
    pub current: bool,
}

impl PageLink {
    pub fn is_gap(&self) -> bool {
        self.number == 0
    }
}

/// The first and last pages and two on each side of the current one, with gaps between.
fn page_links(q: &str, page: i64, pages: i64) -> Vec<PageLink> {
    let mut links: Vec<PageLink> = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || (n - page).abs() <= 2 {
            if links
                .last()
                .is_some_and(|last| last.number != 0 && last.number != n - 1)
            {
                links.push(PageLink {
                    number: 0,
                    href: String::new(),
                    current: false,
                });
            }
            links.push(PageLink {
                number: n,
                href: list_href(q, n, None),
                current: n == page,
            });
        }
    }
    links
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    t: Translator,
    q: String,
    users: Vec<UserRow>,
    page: i64,
    pages: i64,
    links: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
    flash: Option<(bool, &'static str)>,
    count_text: String,
    page_text: String,
}

#[derive(Deserialize)]
pub struct UsersQuery {
    q: Option<String>,
    page: Option<i64>,
    ok: Option<String>,
    erreur: Option<String>,
}

async fn users(
    req: HttpRequest,
    lang: Lang,
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> Page {
    let admin = match admin_or_sign_in(admin, USERS) {
        Ok(admin) => admin,
        Err(page) => return page,
    };
    let query = query.into_inner();
    let q = query.q.as_deref().unwrap_or("").trim().to_owned();
    let page = query.page.unwrap_or(1).clamp(1, MAX_PAGE);
    let search = (!q.is_empty()).then(|| q.clone());
    let (items, total) = service::users(
        &state.db,
        search,
        PageRequest {
            page,
            per_page: PER_PAGE,
        },
    )
    .await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let flash = FLASH
        .iter()
        .find(|(name, value, _)| match *name {
            "ok" => query.ok.as_deref() == Some(value),
            _ => query.erreur.as_deref() == Some(value),
        })
        .map(|(name, _, key)| (*name == "ok", *key));
    let t = lang.t();
    let count_text = match total {
        0 => t.get("admin_pages.users.count_zero").to_owned(),
        1 => t.get("admin_pages.users.count_one").to_owned(),
        n => t
            .get("admin_pages.users.count_many")
            .replace("{n}", &n.to_string()),
    };
    let page_text = t
        .get("admin_pages.pagination.page_of")
        .replace("{page}", &page.to_string())
        .replace("{pages}", &pages.to_string());
    let view = UsersPage {
        layout: Layout::new(
            &req,
            lang,
            &format!(
                "{} · {} · Quai",
                t.get("admin_pages.users.title"),
                t.get("admin_pages.title")
            ),
            t.get("admin_pages.users.lead"),
        ),
        t,
        users: items
            .into_iter()
            .map(|u| UserRow::new(u, admin.actor))
            .collect(),
        page,
        pages,
        links: page_links(&q, page, pages),
        previous: (page > 1).then(|| list_href(&q, page - 1, None)),
        next: (page < pages).then(|| list_href(&q, page + 1, None)),
        flash,
        count_text,
        page_text,
        q,
    };
    let html = view.render().map_err(AppError::internal)?;
    Ok(HttpResponse::build(StatusCode::OK)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}

/// Where the list was (search and page), carried by every form of a row.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Back {
    q: String,
    page: String,
}

impl Back {
    fn href(&self, flash: (&str, &str)) -> String {
        list_href(
            self.q.trim(),
            self.page.parse().unwrap_or(1_i64).clamp(1, MAX_PAGE),
            Some(flash),
        )
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct RolesForm {
    role_admin: Option<String>,
    role_startup_member: Option<String>,
    role_partner_member: Option<String>,
    role_mentor: Option<String>,
    q: String,
    page: String,
}

impl RolesForm {
    fn roles(&self) -> Vec<Role> {
        [
            (&self.role_admin, Role::Admin),
            (&self.role_startup_member, Role::StartupMember),
            (&self.role_partner_member, Role::PartnerMember),
            (&self.role_mentor, Role::Mentor),
        ]
        .into_iter()
        .filter(|(field, _)| field.is_some())
        .map(|(_, role)| role)
        .collect()
    }
}

async fn set_roles(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<RolesForm>,
) -> Page {
    let back = Back {
        q: form.q.clone(),
        page: form.page.clone(),
    };
    match service::set_roles(
        &state.db,
        admin,
        id.into_inner(),
        form.roles(),
        client_ip(&req),
    )
    .await
    {
        Ok(_) => Ok(see_other(&back.href(("ok", "roles")))),
        Err(AppError::Conflict(_)) => Ok(see_other(&back.href(("erreur", "propre-role")))),
        Err(e) => Err(e),
    }
}

async fn set_active(
    req: HttpRequest,
    admin: Admin,
    state: &AppState,
    id: i64,
    active: bool,
    back: Back,
) -> Page {
    match service::set_active(&state.db, admin, id, active, client_ip(&req)).await {
        Ok(_) => Ok(see_other(
            &back.href(("ok", if active { "reactive" } else { "desactive" })),
        )),
        Err(AppError::Conflict(_)) => Ok(see_other(&back.href(("erreur", "propre-compte")))),
        Err(e) => Err(e),
    }
}

async fn deactivate(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(back): CsrfForm<Back>,
) -> Page {
    set_active(req, admin, &state, id.into_inner(), false, back).await
}

async fn reactivate(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(back): CsrfForm<Back>,
) -> Page {
    set_active(req, admin, &state, id.into_inner(), true, back).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_keeps_its_search_and_page() {
        assert_eq!(list_href("", 1, None), "/admin/utilisateurs");
        assert_eq!(
            list_href("léa martin", 2, Some(("ok", "roles"))),
            "/admin/utilisateurs?q=l%C3%A9a+martin&page=2&ok=roles"
        );
    }

    #[test]
    fn long_lists_show_nearby_pages_and_gaps() {
        let numbers: Vec<i64> = page_links("", 7, 20).iter().map(|l| l.number).collect();
        assert_eq!(numbers, vec![1, 0, 5, 6, 7, 8, 9, 0, 20]);
        let numbers: Vec<i64> = page_links("", 1, 3).iter().map(|l| l.number).collect();
        assert_eq!(numbers, vec![1, 2, 3]);
    }

    #[test]
    fn checked_boxes_become_roles() {
        let form = RolesForm {
            role_admin: Some("on".into()),
            role_mentor: Some("on".into()),
            ..RolesForm::default()
        };
        assert_eq!(form.roles(), vec![Role::Admin, Role::Mentor]);
    }
}
