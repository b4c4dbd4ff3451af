//! Offering requests in the portal: the form of the offering page (`POST /offres/{slug}/demande`),
//! a request's page for both sides (`/espace/demandes/{id}`) and the answer of the offering's
//! organization.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::offering::{AskForm, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::marketplace::requests::{self, RequestInput, RequestView};
use crate::marketplace::service;
use crate::web::forms::message_key;
use crate::web::respond::or_sign_in as signed_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

fn when(at: chrono::NaiveDateTime, lang: Lang) -> String {
    dates::date(DateTime::<Utc>::from_naive_utc_and_offset(at, Utc), lang)
}

/// The tag of a request's status.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "new" => "tag-warning",
        "in_discussion" => "tag-current",
        "accepted" => "tag-ok",
        "declined" | "expired" => "tag-danger",
        _ => "",
    }
}

#[derive(Deserialize)]
pub struct AskFields {
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    message: String,
}

/// `POST /offres/{slug}/demande`
pub async fn ask(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<AskFields>,
) -> Page {
    let slug = slug.into_inner();
    let me = match signed_in(me, &format!("/offres/{slug}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let AskFields {
        organization_id,
        message,
    } = form.0;
    let view = service::page(&state.db, Some(&me), slug.clone()).await?;
    let input = RequestInput {
        offering_id: view.offering.id,
        organization_id: organization_id.trim().parse().ok(),
        message: message.clone(),
    };
    match requests::create(&state.db, &state.settings, &me, input).await {
        Ok(request) => Ok(respond::see_other(&format!(
            "/espace/demandes/{}?ok=envoyee",
            request.id
        ))),
        Err(AppError::Validation(errors)) => {
            let t = lang.t();
            let error = errors
                .values()
                .flatten()
                .next()
                .map(|m| t.get(message_key(m)).to_owned());
            let form = AskForm {
                message,
                organization_id,
                error,
            };
            render(&req, lang, Some(&me), &state, slug, form).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "marketplace/request.html")]
struct RequestPage {
    layout: Layout,
    t: Translator,
    id: i64,
    offering_title: String,
    offering_href: String,
    owner: String,
    requester: String,
    requester_name: String,
    message: String,
    answer: String,
    status_key: String,
    status_class: &'static str,
    created: String,
    deadline: Option<String>,
    answering: bool,
    can_discuss: bool,
    can_settle: bool,
    flash: Option<(bool, String)>,
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
    erreur: Option<String>,
}

/// `GET /espace/demandes/{id}`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &format!("/espace/demandes/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let RequestView {
        request,
        offering,
        owner,
        requester,
        requester_name,
        answering,
    } = requests::get(&state.db, &me, id).await?;
    let t = lang.t();
    let flash = match (query.ok.as_deref(), query.erreur.as_deref()) {
        (Some(ok @ ("envoyee" | "repondu")), _) => Some((true, format!("request.flash.{ok}"))),
        (_, Some("deja")) => Some((false, "request.flash.deja".to_owned())),
        _ => None,
    };
    let open = matches!(request.status.as_str(), "new" | "in_discussion");
    let page = RequestPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · {} · Quai", t.get("request.title"), offering.title),
            t.get("request.title"),
        ),
        t,
        id: request.id,
        offering_href: format!("/offres/{}", offering.slug),
        offering_title: offering.title,
        owner: owner.name,
        requester: requester.name,
        requester_name,
        status_key: format!("request.status.{}", request.status),
        status_class: status_class(&request.status),
        created: when(request.created_at, lang),
        deadline: requests::deadline(&request).map(|at| when(at, lang)),
        answering,
        can_discuss: answering && request.status == "new",
        can_settle: answering && open,
        message: request.message,
        answer: request.answer,
        flash,
    };
    respond::html(StatusCode::OK, &page, true)
}

#[derive(Deserialize)]
pub struct AnswerFields {
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /espace/demandes/{id}/reponse`
pub async fn answer(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<AnswerFields>,
) -> Page {
    let id = id.into_inner();
    let back = format!("/espace/demandes/{id}");
    let me = match signed_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let AnswerFields { status, note } = form.0;
    match requests::answer(&state.db, &state.settings, &me, id, &status, note).await {
        Ok(_) => Ok(respond::see_other(&format!("{back}?ok=repondu"))),
        Err(AppError::Conflict(_)) => Ok(respond::see_other(&format!("{back}?erreur=deja"))),
        Err(e) => Err(e),
    }
}
