//! The organizers' back office in the members' space: `/espace/evenements` (the events I
//! organize), the event form (`/espace/evenements/nouveau`, `/espace/evenements/{id}`) and, on
//! an event's page, publishing, cancelling (after a confirmation page), the capacity and the
//! message to the people registered. Registrations and check-in have their own pages
//! (`/espace/evenements/{id}/inscriptions`, `/espace/evenements/{id}/accueil`).
//!
//! A handler reads its input, calls one service function and renders. Forms post to their own
//! path and come back (303) with a confirmation; a form the service refuses is shown again with
//! its messages and the typed values (422, or 409 when the room is taken).

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Europe::Paris;
use serde::Deserialize;

use super::model::{CANCELLED, Event, PUBLISHED};
use super::service::{self, BroadcastInput, EventInput, OfficeEvent, Surplus};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{AuthState, CurrentUser};
use crate::error::{AppError, FieldErrors};
use crate::marketplace::pages::Choice;
use crate::themes::service as themes;
use crate::web::forms::{FormState, message_key};
use crate::web::respond::or_sign_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

const LIST: &str = "/espace/evenements";
const NEW: &str = "/espace/evenements/nouveau";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(LIST).route(web::get().to(list)))
        .service(
            web::resource(NEW)
                .route(web::get().to(new_form))
                .route(web::post().to(create)),
        )
        .service(
            web::resource("/espace/evenements/{id}")
                .route(web::get().to(edit_form))
                .route(web::post().to(update)),
        )
        .service(web::resource("/espace/evenements/{id}/publier").route(web::post().to(publish)))
        .service(
            web::resource("/espace/evenements/{id}/annuler")
                .route(web::get().to(confirm_cancel))
                .route(web::post().to(cancel)),
        )
        .service(web::resource("/espace/evenements/{id}/capacite").route(web::post().to(capacity)))
        .service(web::resource("/espace/evenements/{id}/message").route(web::post().to(broadcast)));
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

/// A stored time as a `datetime-local` field shows it: Paris time, to the minute.
fn local(at: NaiveDateTime) -> String {
    utc(at)
        .with_timezone(&Paris)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The tag that shows an event's status: its catalog key and its colour.
pub struct Status {
    pub key: String,
    pub class: &'static str,
}

impl Status {
    fn of(status: &str) -> Self {
        Self {
            key: format!("event_office.status.{status}"),
            class: match status {
                PUBLISHED => "tag-ok",
                CANCELLED => "tag-danger",
                _ => "tag-warning",
            },
        }
    }
}

/// The service's messages (English, for API clients) in the visitor's language.
pub(super) fn message(t: Translator, m: &str) -> String {
    let number = || -> String { m.chars().filter(char::is_ascii_digit).collect() };
    let key = if m.starts_with("must be at most the room's") {
        return t
            .get("event_office.errors.room_seats")
            .replace("{n}", &number());
    } else if m.contains("seats are taken") {
        let key = if m.contains("say what happens") {
            "event_office.errors.surplus"
        } else {
            "event_office.errors.seats_taken"
        };
        let n: String = m.chars().take_while(char::is_ascii_digit).collect();
        return t.get(key).replace("{n}", &n);
    } else if m.contains("(Paris time)") {
        "event_office.errors.date"
    } else if m == "must be after the start" {
        "event_office.errors.ends_after"
    } else if m.starts_with("must be after the opening") {
        "event_office.errors.closes_after"
    } else if m.starts_with("must be an http") {
        "event_office.errors.url"
    } else if m == "must be between 0 and 100000" {
        "event_office.errors.capacity"
    } else if m.starts_with("must be between 1 and 168") {
        "event_office.errors.offer_hours"
    } else if m == "no such room" {
        "event_office.errors.room"
    } else if m == "no such organization" || m.starts_with("say which organization") {
        "event_office.errors.organization"
    } else if m.starts_with("cannot be changed after creation") {
        "event_office.errors.organization_fixed"
    } else if m.starts_with("must be within the event") {
        "event_office.errors.within"
    } else if m == "name at least one speaker" {
        "event_office.errors.speaker_needed"
    } else if m.starts_with("at most") && m.ends_with("speakers") {
        "event_office.errors.speakers_many"
    } else if m == "must contain letters" {
        "event_office.errors.letters"
    } else if m.contains("are the same person") {
        "event_office.errors.same_speaker"
    } else if m == "must be a single line" {
        "event_office.errors.single_line"
    } else if m == "must be confirmed or all" {
        "event_office.errors.audience"
    } else {
        message_key(m)
    };
    t.get(key).to_owned()
}

fn form_state(
    prefix: &'static str,
    t: Translator,
    errors: &FieldErrors,
    fields: &[&str],
) -> FormState {
    FormState::with_messages(prefix, errors, fields, |m| message(t, m))
}

/// The room-booked conflict, in words: the other event's title is between « ».
fn room_booked(t: Translator, detail: &str) -> String {
    let other = detail
        .split_once('«')
        .and_then(|(_, rest)| rest.split_once('»'))
        .map(|(title, _)| title.trim())
        .unwrap_or_default();
    t.get("event_office.errors.room_booked")
        .replace("{title}", other)
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
    n: Option<usize>,
}

/// Confirmations after a change, by their `?ok=` value.
fn flash(t: Translator, q: &FlashQuery) -> Option<String> {
    let key = match q.ok.as_deref()? {
        "cree" => "event_office.flash.created",
        "enregistre" => "event_office.flash.saved",
        "publie" => "event_office.flash.published",
        "annule" => "event_office.flash.cancelled",
        "capacite" => "event_office.flash.capacity",
        "envoye" => {
            let n = q.n.unwrap_or(0);
            return Some(match n {
                0 => t.get("event_office.flash.sent_zero").to_owned(),
                1 => t.get("event_office.flash.sent_one").to_owned(),
                n => t
                    .get("event_office.flash.sent_many")
                    .replace("{n}", &n.to_string()),
            });
        }
        _ => return None,
    };
    Some(t.get(key).to_owned())
}

// --- The list -------------------------------------------------------------------------------

pub struct Row {
    pub href: String,
    pub title: String,
    pub when: String,
    pub status: Status,
    pub seats: String,
    pub waiting: i64,
    pub past: bool,
}

#[derive(Template)]
#[template(path = "events/office_list.html")]
struct ListPage {
    layout: Layout,
    t: Translator,
    rows: Vec<Row>,
    may_create: bool,
}

/// `GET /espace/evenements`
pub async fn list(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match or_sign_in(me, LIST) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let events = service::organized(&state.db, &me).await?;
    let may_create = me.is_admin() || !service::organizing_for(&state.db, &me).await?.is_empty();
    let t = lang.t();
    let now = Utc::now().naive_utc();
    let page = ListPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("event_office.list_title")),
            t.get("event_office.list_lead"),
        ),
        t,
        rows: events
            .into_iter()
            .map(|o| Row {
                href: format!("/espace/evenements/{}", o.event.id),
                when: dates::datetime(utc(o.event.starts_at), lang),
                status: Status::of(&o.event.status),
                seats: format!("{} / {}", o.event.seats_taken, o.event.capacity),
                waiting: o.waiting,
                past: o.event.ends_at <= now,
                title: o.event.title,
            })
            .collect(),
        may_create,
    };
    respond::html(StatusCode::OK, &page, true)
}

// --- The event form -------------------------------------------------------------------------

/// What the form holds, as typed.
#[derive(Default)]
pub struct Values {
    pub organization_id: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub room_id: String,
    pub online_url: String,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: String,
    pub registration_opens_at: String,
    pub registration_closes_at: String,
    pub approval: bool,
    pub offer_hours: String,
    pub themes: Vec<String>,
}

impl Values {
    /// From the posted pairs (themes are repeated checkboxes, approval a checkbox).
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut v = Self::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "organization_id" => &mut v.organization_id,
                "title" => &mut v.title,
                "summary" => &mut v.summary,
                "description" => &mut v.description,
                "room_id" => &mut v.room_id,
                "online_url" => &mut v.online_url,
                "starts_at" => &mut v.starts_at,
                "ends_at" => &mut v.ends_at,
                "capacity" => &mut v.capacity,
                "registration_opens_at" => &mut v.registration_opens_at,
                "registration_closes_at" => &mut v.registration_closes_at,
                "offer_hours" => &mut v.offer_hours,
                "approval" => {
                    v.approval = true;
                    continue;
                }
                "themes" => {
                    v.themes.push(value);
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        v
    }

    fn of(e: &Event, themes: Vec<String>) -> Self {
        Self {
            organization_id: e.organization_id.map(|o| o.to_string()).unwrap_or_default(),
            title: e.title.clone(),
            summary: e.summary.clone(),
            description: e.description.clone(),
            room_id: e.room_id.map(|r| r.to_string()).unwrap_or_default(),
            online_url: e.online_url.clone(),
            starts_at: local(e.starts_at),
            ends_at: local(e.ends_at),
            capacity: e.capacity.to_string(),
            registration_opens_at: e.registration_opens_at.map(local).unwrap_or_default(),
            registration_closes_at: e.registration_closes_at.map(local).unwrap_or_default(),
            approval: e.approval,
            offer_hours: e.offer_hours.map(|h| h.to_string()).unwrap_or_default(),
            themes,
        }
    }

    /// The service's input. A number that is not one is sent as an impossible value, so that
    /// the service names that field along with every other problem. On an edit, `capacity` is
    /// the event's current one: it changes through its own form.
    fn input(&self, capacity: Option<i32>) -> EventInput {
        fn number<T: std::str::FromStr>(raw: &str, impossible: T) -> Option<T> {
            let raw = raw.trim();
            (!raw.is_empty()).then(|| raw.parse().unwrap_or(impossible))
        }
        let optional = |raw: &str| Some(raw.to_owned()).filter(|r| !r.trim().is_empty());
        EventInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            organization_id: if capacity.is_none() {
                number(&self.organization_id, -1)
            } else {
                None
            },
            room_id: number(&self.room_id, -1),
            online_url: self.online_url.clone(),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            capacity: capacity.unwrap_or_else(|| number(&self.capacity, -1).unwrap_or(-1)),
            registration_opens_at: optional(&self.registration_opens_at),
            registration_closes_at: optional(&self.registration_closes_at),
            themes: self.themes.clone(),
            approval: self.approval,
            offer_hours: number(&self.offer_hours, 0),
        }
    }
}

const FIELDS: [&str; 14] = [
    "organization_id",
    "title",
    "summary",
    "description",
    "room_id",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "approval",
    "offer_hours",
    "themes",
];

/// A venue and its rooms, for the room select.
pub struct VenueChoice {
    pub name: String,
    pub rooms: Vec<Choice>,
}

/// What the page shows of an existing event, with its other forms.
pub struct Existing {
    pub id: i64,
    pub status: Status,
    pub organization: String,
    pub editable: bool,
    pub can_publish: bool,
    pub can_cancel: bool,
    pub public_href: String,
    pub registrations_href: String,
    pub checkin_href: String,
    pub seats_taken: i32,
    pub capacity: i32,
    pub waiting: i64,
    pub registered: usize,
    /// The capacity form: its errors and the typed value.
    pub capacity_form: FormState,
    pub capacity_value: String,
    /// What happens to the people above a smaller capacity: `waitlist` or `cancel`.
    pub surplus_value: String,
    /// The message form: its errors and the typed values.
    pub message_form: FormState,
    pub subject: String,
    pub message: String,
    pub audience: String,
}

impl Existing {
    fn of(o: &OfficeEvent) -> Self {
        let e = &o.event;
        Self {
            id: e.id,
            status: Status::of(&e.status),
            organization: o.organization.clone().unwrap_or_default(),
            editable: e.status != CANCELLED,
            can_publish: e.status == "draft",
            can_cancel: e.status != CANCELLED,
            public_href: format!("/evenements/{}", e.slug),
            registrations_href: format!("/espace/evenements/{}/inscriptions", e.id),
            checkin_href: format!("/espace/evenements/{}/accueil", e.id),
            seats_taken: e.seats_taken,
            capacity: e.capacity,
            waiting: o.waiting,
            registered: o.registered,
            capacity_form: FormState::new("cap"),
            capacity_value: e.capacity.to_string(),
            surplus_value: String::new(),
            message_form: FormState::new("msg"),
            subject: String::new(),
            message: String::new(),
            audience: "confirmed".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "events/office_form.html")]
struct FormPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    values: Values,
    organizations: Vec<Choice>,
    /// Admins may organize for the cluster itself (no organization).
    cluster_choice: bool,
    venues: Vec<VenueChoice>,
    themes: Vec<Choice>,
    existing: Option<Existing>,
    flash: Option<String>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.existing {
            Some(e) => format!("/espace/evenements/{}", e.id),
            None => NEW.into(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    form: FormState,
    values: Values,
    existing: Option<Existing>,
    flash: Option<String>,
) -> Result<FormPage, AppError> {
    let t = lang.t();
    let all_themes = themes::all(&state.db).await?;
    let organizations = if existing.is_none() {
        service::organizing_for(&state.db, me)
            .await?
            .into_iter()
            .map(|org| Choice {
                selected: org.id.to_string() == values.organization_id,
                value: org.id.to_string(),
                label: org.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let venues = service::venues(&state.db)
        .await?
        .into_iter()
        .map(|(venue, rooms)| VenueChoice {
            name: venue.name,
            rooms: rooms
                .into_iter()
                .map(|r| Choice {
                    selected: r.id.to_string() == values.room_id.trim(),
                    value: r.id.to_string(),
                    label: t
                        .get("event_office.form.room_option")
                        .replace("{room}", &r.name)
                        .replace("{n}", &r.capacity.to_string()),
                })
                .collect(),
        })
        .filter(|v| !v.rooms.is_empty())
        .collect();
    let heading = if existing.is_some() {
        t.get("event_office.edit_title")
    } else {
        t.get("event_office.new_title")
    };
    let mut title = format!("{heading} · Quai");
    if form.has_errors() {
        title = format!("{} {title}", t.get("accounts.form.title_error"));
    }
    Ok(FormPage {
        layout: Layout::new(req, lang, &title, t.get("event_office.form_lead")),
        themes: all_themes
            .iter()
            .map(|th| Choice {
                value: th.slug.clone(),
                label: th.label(lang).to_owned(),
                selected: values.themes.contains(&th.slug),
            })
            .collect(),
        cluster_choice: me.is_admin(),
        t,
        form,
        values,
        organizations,
        venues,
        existing,
        flash,
    })
}

/// 403 for people who may not organize events.
async fn require_organizer(state: &AppState, me: &CurrentUser) -> Result<(), AppError> {
    if me.is_admin() || !service::organizing_for(&state.db, me).await?.is_empty() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Events are organized by the cluster's partners and founding members.".into(),
        ))
    }
}

/// `GET /espace/evenements/nouveau`
pub async fn new_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match or_sign_in(me, NEW) {
        Ok(me) => me,
        Err(page) => return page,
    };
    require_organizer(&state, &me).await?;
    let values = Values {
        capacity: "30".into(),
        ..Values::default()
    };
    let page = form_page(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        values,
        None,
        None,
    )
    .await?;
    respond::html(StatusCode::OK, &page, true)
}

/// A refused event form, shown again with its messages and the typed values.
async fn refused(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    error: AppError,
    values: Values,
    existing: Option<Existing>,
) -> Page {
    let t = lang.t();
    let (form, status) = match error {
        AppError::Validation(errors) => (
            form_state("", t, &errors, &FIELDS),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        AppError::Conflict(detail) if detail.contains('«') => (
            FormState::with_general("", room_booked(t, &detail)),
            StatusCode::CONFLICT,
        ),
        other => return Err(other),
    };
    let page = form_page(req, lang, state, me, form, values, existing, None).await?;
    respond::html(status, &page, true)
}

/// `POST /espace/evenements/nouveau`: a draft, then its page.
pub async fn create(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let me = match or_sign_in(me, NEW) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(form.0);
    match service::create(&state.db, &me, values.input(None)).await {
        Ok(e) => Ok(respond::see_other(&format!(
            "/espace/evenements/{}?ok=cree",
            e.id
        ))),
        Err(e) => refused(&req, lang, &state, &me, e, values, None).await,
    }
}

/// `GET /espace/evenements/{id}`
pub async fn edit_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/evenements/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let o = service::for_office(&state.db, &me, id).await?;
    let values = Values::of(&o.event, o.themes.clone());
    let page = form_page(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        values,
        Some(Existing::of(&o)),
        flash(lang.t(), &query),
    )
    .await?;
    respond::html(StatusCode::OK, &page, true)
}

/// `POST /espace/evenements/{id}`: saves the changes (those registered are told when the times
/// or the place of a published event change).
pub async fn update(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/evenements/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(form.0);
    let current = service::for_office(&state.db, &me, id).await?;
    let auth: Arc<AuthState> = auth.into_inner();
    let input = values.input(Some(current.event.capacity));
    match service::update_details(&state.db, &state.settings, &auth, &me, id, input).await {
        Ok(_) => Ok(respond::see_other(&format!(
            "/espace/evenements/{id}?ok=enregistre"
        ))),
        Err(e) => {
            let existing = Existing::of(&current);
            refused(&req, lang, &state, &me, e, values, Some(existing)).await
        }
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /espace/evenements/{id}/publier`
pub async fn publish(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/evenements/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let auth: Arc<AuthState> = auth.into_inner();
    service::set_status(&state.db, &state.settings, &auth, &me, id, "publish").await?;
    Ok(respond::see_other(&format!(
        "/espace/evenements/{id}?ok=publie"
    )))
}

#[derive(Template)]
#[template(path = "events/office_cancel.html")]
struct CancelPage {
    layout: Layout,
    t: Translator,
    id: i64,
    title: String,
    when: String,
    registered: usize,
}

/// `GET /espace/evenements/{id}/annuler`: what a cancellation does, and the button that does it.
pub async fn confirm_cancel(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/evenements/{id}/annuler")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let o = service::for_office(&state.db, &me, id).await?;
    if o.event.status == CANCELLED {
        return Ok(respond::see_other(&format!("/espace/evenements/{id}")));
    }
    let t = lang.t();
    let page = CancelPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("event_office.cancel_title")),
            t.get("event_office.cancel_title"),
        ),
        t,
        id,
        when: dates::datetime(utc(o.event.starts_at), lang),
        title: o.event.title,
        registered: o.registered,
    };
    respond::html(StatusCode::OK, &page, true)
}

/// `POST /espace/evenements/{id}/annuler`: everyone registered is told.
pub async fn cancel(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/evenements/{id}/annuler")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let auth: Arc<AuthState> = auth.into_inner();
    service::set_status(&state.db, &state.settings, &auth, &me, id, "cancel").await?;
    Ok(respond::see_other(&format!(
        "/espace/evenements/{id}?ok=annule"
    )))
}

/// The event's page again, with the refusal of one of its side forms.
async fn side_refused(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    fill: impl FnOnce(&mut Existing),
) -> Page {
    let o = service::for_office(&state.db, me, id).await?;
    let mut existing = Existing::of(&o);
    fill(&mut existing);
    let values = Values::of(&o.event, o.themes.clone());
    let page = form_page(
        req,
        lang,
        state,
        me,
        FormState::new(""),
        values,
        Some(existing),
        None,
    )
    .await?;
    respond::html(StatusCode::UNPROCESSABLE_ENTITY, &page, true)
}

#[derive(Deserialize)]
pub struct CapacityForm {
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    surplus: String,
}

/// `POST /espace/evenements/{id}/capacite`
pub async fn capacity(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    form: CsrfForm<CapacityForm>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/evenements/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let CapacityForm {
        capacity: typed,
        surplus,
    } = form.0;
    let auth: Arc<AuthState> = auth.into_inner();
    let wanted = typed.trim().parse::<i32>().unwrap_or(-1);
    let chosen = match surplus.as_str() {
        "waitlist" => Some(Surplus::Waitlist),
        "cancel" => Some(Surplus::Cancel),
        _ => None,
    };
    match service::set_capacity(&state.db, &state.settings, &auth, &me, id, wanted, chosen).await {
        Ok(_) => Ok(respond::see_other(&format!(
            "/espace/evenements/{id}?ok=capacite"
        ))),
        Err(AppError::Validation(errors)) => {
            let t = lang.t();
            side_refused(&req, lang, &state, &me, id, |e| {
                e.capacity_form = form_state("cap", t, &errors, &["capacity", "surplus"]);
                e.capacity_value = typed;
                e.surplus_value = surplus;
            })
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    audience: String,
}

/// `POST /espace/evenements/{id}/message`: one email to each person registered.
pub async fn broadcast(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    form: CsrfForm<MessageForm>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/evenements/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let typed = form.0;
    let auth: Arc<AuthState> = auth.into_inner();
    let input = BroadcastInput {
        subject: typed.subject.clone(),
        message: typed.message.clone(),
        audience: typed.audience.clone(),
    };
    match service::broadcast(&state.db, &state.settings, &auth, &me, id, input).await {
        Ok(n) => Ok(respond::see_other(&format!(
            "/espace/evenements/{id}?ok=envoye&n={n}"
        ))),
        Err(AppError::Validation(errors)) => {
            let t = lang.t();
            side_refused(&req, lang, &state, &me, id, |e| {
                e.message_form = form_state("msg", t, &errors, &["subject", "message", "audience"]);
                e.subject = typed.subject;
                e.message = typed.message;
                e.audience = typed.audience;
            })
            .await
        }
        Err(e) => Err(e),
    }
}
