//! A person's own registrations: `/espace/inscriptions` (upcoming and past, with their state,
//! place in line and a cancel button) and the personal calendar feed behind a secret address,
//! `/agenda/{user}/{secret}.ics`, to subscribe to in any calendar application.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;

use super::service;
use crate::app::AppState;
use crate::auth::tokens::hash_token;
use crate::auth::{AuthState, CurrentUser};
use crate::error::AppError;
use crate::web::respond::or_sign_in as signed_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;
const MINE: &str = "/espace/inscriptions";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(MINE).route(web::get().to(show)))
        .service(web::resource("/agenda/{user}/{secret}").route(web::get().to(feed)));
}

pub struct Row {
    pub href: String,
    pub slug: String,
    pub title: String,
    pub when: String,
    pub status: String,
    pub status_key: String,
    pub position: Option<i64>,
    pub code: String,
    pub event_cancelled: bool,
}

#[derive(Template)]
#[template(path = "events/mine.html")]
struct MinePage {
    layout: Layout,
    t: Translator,
    upcoming: Vec<Row>,
    past: Vec<Row>,
    feed_url: String,
}

/// `GET /espace/inscriptions`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
) -> Page {
    let me = match signed_in(me, MINE) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let all = service::mine(&state.db, &me).await?;
    let now = Utc::now().naive_utc();
    let t = lang.t();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for (v, e) in all {
        let r = v.registration;
        let row = Row {
            href: format!("/evenements/{}", e.slug),
            when: dates::datetime(e.starts_at.and_utc(), lang),
            status_key: format!("events_pages.status.{}", r.status),
            status: r.status,
            position: v.position,
            code: r.code,
            event_cancelled: e.status == "cancelled",
            slug: e.slug,
            title: e.title,
        };
        if e.ends_at > now {
            upcoming.push(row);
        } else {
            past.push(row);
        }
    }
    past.reverse();
    let auth: Arc<AuthState> = auth.into_inner();
    let page = MinePage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("events_mine.title")),
            t.get("events_mine.lead"),
        ),
        t,
        upcoming,
        past,
        feed_url: format!(
            "{}/agenda/{}/{}.ics",
            state.settings.base_url.as_str().trim_end_matches('/'),
            me.user_id,
            service::feed_token(&auth, me.user_id)
        ),
    };
    respond::html(StatusCode::OK, &page, true)
}

/// `GET /agenda/{user}/{secret}.ics`: the person's seats as a calendar; 404 for a wrong secret.
pub async fn feed(
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    path: web::Path<(i64, String)>,
) -> Page {
    let (user_id, secret) = path.into_inner();
    let secret = secret.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    // Compared by their hashes: the time taken says nothing about the right secret.
    if hash_token(secret) != hash_token(&service::feed_token(&auth, user_id)) {
        return Err(AppError::NotFound);
    }
    let body = service::personal_feed(&state.db, &state.settings, user_id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "private, max-age=300",
        ))
        .insert_header(("X-Robots-Tag", "noindex"))
        .body(body))
}
