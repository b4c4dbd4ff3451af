//! The organizers' pages of an event's people: `/espace/evenements/{id}/inscriptions` (every
//! registration in the waiting line's order, the counts, approve or decline in approval mode,
//! the CSV export) and `/espace/evenements/{id}/accueil` (check-in at the door: find someone by
//! name or code — a ticket's QR code opens this page on its code — and mark them present).

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admission::{self, Decision};
use super::checkin::{self, Counts, Mark, Roster};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{AuthState, CurrentUser};
use crate::error::AppError;
use crate::web::respond::or_sign_in as signed_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/espace/evenements/{id}/inscriptions").route(web::get().to(roster)))
        .service(
            web::resource("/espace/evenements/{id}/inscriptions.csv").route(web::get().to(export)),
        )
        .service(
            web::resource("/espace/evenements/{id}/inscriptions/{rid}/decision")
                .route(web::post().to(decide)),
        )
        .service(
            web::resource("/espace/evenements/{id}/accueil")
                .route(web::get().to(door))
                .route(web::post().to(mark)),
        );
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub status: String,
    pub status_key: String,
    pub position: Option<i64>,
    pub code: String,
    pub registered: String,
    pub present_at: Option<String>,
}

fn rows(roster: &Roster, lang: Lang) -> Vec<Row> {
    roster
        .rows
        .iter()
        .map(|v| {
            let r = &v.registration;
            Row {
                id: r.id,
                name: r.name.clone(),
                email: r.email.clone(),
                status: r.status.clone(),
                status_key: format!("events_pages.status.{}", r.status),
                position: v.position,
                code: r.code.clone(),
                registered: dates::datetime(r.created_at.and_utc(), lang),
                present_at: r.checked_in_at.map(|at| dates::time(at.and_utc(), lang)),
            }
        })
        .collect()
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// A ticket's code (the QR code opens the page with it).
    #[serde(default)]
    code: String,
    #[serde(default)]
    ok: String,
}

#[derive(Template)]
#[template(path = "events/roster.html")]
struct RosterPage {
    layout: Layout,
    t: Translator,
    id: i64,
    title: String,
    slug: String,
    when: String,
    capacity: i32,
    counts: Counts,
    q: String,
    rows: Vec<Row>,
    flash: Option<String>,
}

fn back_to(id: i64, page: &str) -> String {
    format!("/espace/evenements/{id}/{page}")
}

/// `GET /espace/evenements/{id}/inscriptions`
pub async fn roster(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<SearchQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &back_to(id, "inscriptions")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let q = query.q.trim().to_owned();
    let r = checkin::roster(&state.db, &me, id, Some(q.clone())).await?;
    let t = lang.t();
    let flash = match query.ok.as_str() {
        "approuve" => Some("events_door.approved"),
        "refuse" => Some("events_door.declined"),
        _ => None,
    }
    .map(|k| t.get(k).to_owned());
    let page = RosterPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · {} · Quai", t.get("events_door.roster"), r.event.title),
            t.get("events_door.roster"),
        ),
        t,
        id,
        rows: rows(&r, lang),
        title: r.event.title,
        slug: r.event.slug,
        when: dates::datetime(r.event.starts_at.and_utc(), lang),
        capacity: r.event.capacity,
        counts: r.counts,
        q,
        flash,
    };
    respond::html(StatusCode::OK, &page, true)
}

/// `GET /espace/evenements/{id}/inscriptions.csv`
pub async fn export(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &back_to(id, "inscriptions")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let r = checkin::roster(&state.db, &me, id, None).await?;
    Ok(super::api::csv_response(&r))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: Decision,
}

/// `POST /espace/evenements/{id}/inscriptions/{rid}/decision`
pub async fn decide(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<DecisionForm>,
) -> Page {
    let (id, rid) = path.into_inner();
    let back = back_to(id, "inscriptions");
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let auth: Arc<AuthState> = auth.into_inner();
    let decision = form.0.decision;
    admission::decide(&state.db, &state.settings, &auth, &me, rid, decision).await?;
    let ok = if decision == Decision::Approve {
        "approuve"
    } else {
        "refuse"
    };
    Ok(respond::see_other(&format!("{back}?ok={ok}")))
}

#[derive(Template)]
#[template(path = "events/door.html")]
struct DoorPage {
    layout: Layout,
    t: Translator,
    id: i64,
    title: String,
    when: String,
    counts: Counts,
    q: String,
    rows: Vec<Row>,
    searched: bool,
    notice: Option<String>,
    problem: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn door_page(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    q: String,
    notice: Option<&str>,
    problem: Option<&str>,
) -> Page {
    let searched = !q.is_empty();
    let mut r = checkin::roster(&state.db, me, id, Some(q.clone())).await?;
    // At the door: the people with a seat (and, searched by name or code, who else matches).
    if !searched {
        r.rows.retain(|v| v.registration.status == "confirmed");
    }
    let t = lang.t();
    let page = DoorPage {
        layout: Layout::new(
            req,
            lang,
            &format!("{} · {} · Quai", t.get("events_door.door"), r.event.title),
            t.get("events_door.door"),
        ),
        t,
        id,
        rows: rows(&r, lang),
        title: r.event.title,
        when: dates::datetime(r.event.starts_at.and_utc(), lang),
        counts: r.counts,
        q,
        searched,
        notice: notice.map(|k| t.get(k).to_owned()),
        problem: problem.map(|k| t.get(k).to_owned()),
    };
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    respond::html(status, &page, true)
}

/// `GET /espace/evenements/{id}/accueil?q=…` (or `?code=…` from a ticket's QR code)
pub async fn door(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<SearchQuery>,
) -> Page {
    let id = id.into_inner();
    let query = query.into_inner();
    let here = format!(
        "{}?code={}",
        back_to(id, "accueil"),
        url::form_urlencoded::byte_serialize(query.code.as_bytes()).collect::<String>()
    );
    let me = match signed_in(me, &here) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let q = if query.q.trim().is_empty() {
        query.code.trim().to_owned()
    } else {
        query.q.trim().to_owned()
    };
    let notice = match query.ok.as_str() {
        "present" => Some("events_door.marked"),
        "absent" => Some("events_door.unmarked"),
        _ => None,
    };
    door_page(&req, lang, &state, &me, id, q, notice, None).await
}

#[derive(Deserialize)]
pub struct MarkForm {
    code: String,
    #[serde(default)]
    undo: Option<String>,
    #[serde(default)]
    q: String,
}

/// `POST /espace/evenements/{id}/accueil`: marks present (or takes it back), then shows the
/// search again.
pub async fn mark(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<MarkForm>,
) -> Page {
    let id = id.into_inner();
    let back = back_to(id, "accueil");
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let form = form.0;
    let how = if form.undo.is_some() {
        Mark::Undo
    } else {
        Mark::Present
    };
    match checkin::check_in(&state.db, &me, id, &form.code, how).await {
        Ok(_) => {
            let ok = if how == Mark::Present {
                "present"
            } else {
                "absent"
            };
            let q: String = url::form_urlencoded::byte_serialize(form.q.as_bytes()).collect();
            Ok(respond::see_other(&format!("{back}?q={q}&ok={ok}")))
        }
        Err(AppError::Conflict(why)) => {
            let key = if why.starts_with("Already") {
                "events_door.already"
            } else {
                "events_door.no_seat"
            };
            door_page(&req, lang, &state, &me, id, form.q, None, Some(key)).await
        }
        Err(AppError::NotFound) => {
            door_page(
                &req,
                lang,
                &state,
                &me,
                id,
                form.q,
                None,
                Some("events_door.unknown"),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
