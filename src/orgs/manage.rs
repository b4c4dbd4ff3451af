//! The members' pages of an organization: `/espace/organisations/{id}` (its people, the open
//! invitations, the invitation form) and `/invitations?jeton=…` (the emailed link, which asks
//! before it joins: mail scanners follow links).

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::membership::{self, InvitationInput, Overview};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::web::forms::FormState;
use crate::web::respond::or_sign_in as signed_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/espace/organisations/{id}").route(web::get().to(show)))
        .service(
            web::resource("/espace/organisations/{id}/invitations").route(web::post().to(invite)),
        )
        .service(
            web::resource("/espace/organisations/{id}/invitations/{invitation}/revoquer")
                .route(web::post().to(revoke)),
        )
        .service(
            web::resource("/espace/organisations/{id}/membres/{user}/{action}")
                .route(web::post().to(member_action)),
        )
        .service(
            web::resource("/invitations")
                .route(web::get().to(invitation))
                .route(web::post().to(accept)),
        );
}

fn when(at: chrono::NaiveDateTime, lang: Lang) -> String {
    dates::date(DateTime::<Utc>::from_naive_utc_and_offset(at, Utc), lang)
}

pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub role_key: String,
    pub owner: bool,
    pub joined: String,
    pub is_me: bool,
}

pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    pub role_key: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "orgs/manage.html")]
struct ManagePage {
    layout: Layout,
    t: Translator,
    id: i64,
    name: String,
    status_key: String,
    status_class: &'static str,
    public_href: String,
    manages: bool,
    members: Vec<MemberRow>,
    invitations: Vec<InvitationRow>,
    form: FormState,
    invite_email: String,
    flash: Option<(bool, String)>,
    /// What the cluster team wrote when it asked for changes or refused.
    moderation_note: Option<String>,
    /// For the logo form (`orgs/logo_form.html`).
    org_id: i64,
    logo_url: Option<String>,
    csrf: String,
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
    erreur: Option<String>,
}

/// Confirmations and refusals after a change, by their query value.
fn flash(q: &FlashQuery) -> Option<(bool, String)> {
    const OK: [&str; 5] = [
        "invitation",
        "revoquee",
        "retire",
        "responsable",
        "bienvenue",
    ];
    const ERRORS: [&str; 3] = ["dernier-responsable", "deja-membre", "deja-responsable"];
    if let Some((good, key)) = super::logo_pages::flash(q.ok.as_deref(), q.erreur.as_deref()) {
        return Some((good, key.to_owned()));
    }
    if let Some(ok) = q.ok.as_deref().filter(|v| OK.contains(v)) {
        return Some((true, format!("manage.flash.{ok}")));
    }
    q.erreur
        .as_deref()
        .filter(|v| ERRORS.contains(v))
        .map(|e| (false, format!("manage.flash.{e}")))
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    me: &CurrentUser,
    view: Overview,
    form: FormState,
    invite_email: String,
    flash: Option<(bool, String)>,
) -> ManagePage {
    let t = lang.t();
    let org = view.organization;
    let mut title = format!("{} · {} · Quai", org.name, t.get("manage.title"));
    if form.has_errors() {
        title = format!("{} {title}", t.get("accounts.form.title_error"));
    }
    let layout = Layout::new(req, lang, &title, t.get("manage.lead"));
    ManagePage {
        moderation_note: (org.status != "active" && !org.moderation_note.is_empty())
            .then(|| org.moderation_note.clone()),
        org_id: org.id,
        logo_url: org.logo.as_ref().map(|name| format!("/media/logos/{name}")),
        csrf: layout.csrf.clone(),
        layout,
        t,
        id: org.id,
        status_key: format!("space.org_status.{}", org.status),
        status_class: match org.status.as_str() {
            "active" => "tag-ok",
            "pending" => "tag-warning",
            _ => "tag-danger",
        },
        public_href: org.path(),
        name: org.name,
        manages: view.manages,
        members: view
            .members
            .into_iter()
            .map(|(user_id, name, role, joined)| MemberRow {
                user_id,
                name,
                role_key: format!("space.roles.{role}"),
                owner: role == "owner",
                joined: when(joined, lang),
                is_me: user_id == me.user_id,
            })
            .collect(),
        invitations: view
            .invitations
            .into_iter()
            .map(|i| InvitationRow {
                id: i.id,
                email: i.email,
                role_key: format!("space.roles.{}", i.role),
                expires: when(i.expires_at, lang),
            })
            .collect(),
        form,
        invite_email,
        flash,
    }
}

/// `GET /espace/organisations/{id}`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &format!("/espace/organisations/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let view = membership::overview(&state.db, &me, id).await?;
    let page = page(
        &req,
        lang,
        &me,
        view,
        FormState::new("invite"),
        String::new(),
        flash(&query),
    );
    respond::html(StatusCode::OK, &page, true)
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    #[serde(default)]
    role: Option<String>,
}

/// `POST /espace/organisations/{id}/invitations`
pub async fn invite(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<InviteForm>,
) -> Page {
    let id = id.into_inner();
    let back = format!("/espace/organisations/{id}");
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let InviteForm { email, role } = form.0;
    let input = InvitationInput {
        email: email.clone(),
        role,
    };
    match membership::invite(&state.db, &state.settings, &me, id, input).await {
        Ok(_) => Ok(respond::see_other(&format!("{back}?ok=invitation"))),
        Err(AppError::Conflict(_)) => Ok(respond::see_other(&format!("{back}?erreur=deja-membre"))),
        Err(AppError::Validation(errors)) => {
            let view = membership::overview(&state.db, &me, id).await?;
            let form = FormState::with_errors("invite", lang.t(), &errors, &["email", "role"]);
            let page = page(&req, lang, &me, view, form, email, None);
            respond::html(StatusCode::UNPROCESSABLE_ENTITY, &page, true)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /espace/organisations/{id}/invitations/{invitation}/revoquer`
pub async fn revoke(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let (id, invitation) = path.into_inner();
    let back = format!("/espace/organisations/{id}");
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    membership::revoke(&state.db, &me, id, invitation).await?;
    Ok(respond::see_other(&format!("{back}?ok=revoquee")))
}

/// `POST /espace/organisations/{id}/membres/{user}/retirer` (or `quitter`) and `/responsable`.
pub async fn member_action(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64, String)>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let (id, user, action) = path.into_inner();
    let back = format!("/espace/organisations/{id}");
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let result = match action.as_str() {
        "retirer" | "quitter" => membership::remove(&state.db, &me, id, user).await,
        "responsable" => membership::transfer(&state.db, &me, id, user).await,
        _ => return Err(AppError::NotFound),
    };
    match result {
        // Who leaves no longer sees the page: back to their space.
        Ok(()) if user == me.user_id => Ok(respond::see_other("/espace")),
        Ok(()) if action == "responsable" => {
            Ok(respond::see_other(&format!("{back}?ok=responsable")))
        }
        Ok(()) => Ok(respond::see_other(&format!("{back}?ok=retire"))),
        Err(AppError::Conflict(message)) => {
            let code = if message.contains("last owner") {
                "dernier-responsable"
            } else {
                "deja-responsable"
            };
            Ok(respond::see_other(&format!("{back}?erreur={code}")))
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "orgs/invitation.html")]
struct InvitationPage {
    layout: Layout,
    t: Translator,
    token: String,
    organization: String,
    role_key: String,
    email: String,
    /// The link works (not used, revoked or expired).
    open: bool,
    signed_in: bool,
    sign_in_href: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    jeton: String,
}

async fn invitation_page(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    token: String,
    error: Option<String>,
) -> Page {
    let t = lang.t();
    let view = membership::look_up(&state.db, token.clone()).await;
    let back = format!("/invitations?jeton={token}");
    let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    let signed_in = req.extensions().get::<crate::auth::Identity>().is_some();
    let (organization, role_key, email, open) = match view {
        Ok(v) => (
            v.organization.name,
            format!("space.roles.{}", v.invitation.role),
            v.invitation.email,
            v.open,
        ),
        Err(AppError::Validation(_)) => (String::new(), String::new(), String::new(), false),
        Err(e) => return Err(e),
    };
    let status = if open {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let page = InvitationPage {
        layout: Layout::new(
            req,
            lang,
            &format!("{} · Quai", t.get("invitation.title")),
            t.get("invitation.title"),
        ),
        t,
        token,
        organization,
        role_key,
        email,
        open,
        signed_in,
        sign_in_href: format!("/connexion?suivant={back}"),
        error,
    };
    respond::html(status, &page, true)
}

/// `GET /invitations?jeton=…`: what the invitation is, and a button to accept it.
pub async fn invitation(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> Page {
    invitation_page(&req, lang, &state, query.into_inner().jeton, None).await
}

#[derive(Deserialize)]
pub struct AcceptForm {
    jeton: String,
}

/// `POST /invitations`: joins, then the organization's page.
pub async fn accept(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    form: CsrfForm<AcceptForm>,
) -> Page {
    let token = form.0.jeton;
    let back = format!("/invitations?jeton={token}");
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let t = lang.t();
    match membership::accept(&state.db, &me, token.clone()).await {
        Ok(org) => Ok(respond::see_other(&format!(
            "/espace/organisations/{}?ok=bienvenue",
            org.id
        ))),
        Err(AppError::Forbidden(message)) => {
            let key = if message.contains("another address") {
                "invitation.other_address"
            } else {
                "invitation.unverified"
            };
            invitation_page(&req, lang, &state, token, Some(t.get(key).to_owned())).await
        }
        Err(AppError::Conflict(_)) => {
            invitation_page(
                &req,
                lang,
                &state,
                token,
                Some(t.get("invitation.already").to_owned()),
            )
            .await
        }
        Err(AppError::Validation(_)) => invitation_page(&req, lang, &state, token, None).await,
        Err(e) => Err(e),
    }
}
