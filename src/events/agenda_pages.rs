//! The agenda on an event's page (rows for `events/agenda.html`), and the organizers' room
//! calendar: `/espace/salles` (the venues and their rooms) and `/espace/salles/{id}?semaine=…`
//! (a room's bookings for one week, day by day).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Europe::Paris;
use serde::Deserialize;

use super::agenda::{self, Booking, paris_midnight, paris_today};
use super::model::Event;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::Pool;
use crate::error::AppError;
use crate::web::respond::or_sign_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/espace/salles").route(web::get().to(rooms)))
        .service(web::resource("/espace/salles/{id}").route(web::get().to(room_week)));
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

fn paris_day(at: NaiveDateTime) -> NaiveDate {
    utc(at).with_timezone(&Paris).date_naive()
}

/// `2026-03-12T18:30:00+01:00`, for `<time datetime>`.
fn iso(at: NaiveDateTime) -> String {
    utc(at).with_timezone(&Paris).to_rfc3339()
}

/// One session as the event page shows it.
pub struct AgendaRow {
    /// The day, when the event spans several.
    pub day: Option<String>,
    pub start: String,
    pub start_iso: String,
    pub end: String,
    pub end_iso: String,
    pub title: String,
    pub place: Option<String>,
    pub speakers: Vec<String>,
}

/// The agenda of an event the viewer may see, for its page. `event_place` is where the event
/// is: a session's venue is named only when it is elsewhere.
pub async fn rows(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    event: &Event,
    event_place: &str,
    lang: Lang,
) -> Result<Vec<AgendaRow>, AppError> {
    let sessions = agenda::list(pool, viewer, event.id).await?;
    let several_days = paris_day(event.starts_at) != paris_day(event.ends_at);
    Ok(sessions
        .into_iter()
        .map(|v| {
            let s = v.session;
            AgendaRow {
                day: several_days.then(|| dates::date(utc(s.starts_at), lang)),
                start: dates::time(utc(s.starts_at), lang),
                start_iso: iso(s.starts_at),
                end: dates::time(utc(s.ends_at), lang),
                end_iso: iso(s.ends_at),
                title: s.title,
                place: v.place.map(|p| {
                    if event_place.contains(&p.venue) {
                        p.room
                    } else {
                        format!("{}, {}", p.room, p.venue)
                    }
                }),
                speakers: v.speakers,
            }
        })
        .collect())
}

pub struct RoomLink {
    pub href: String,
    pub name: String,
    pub capacity: i32,
}

pub struct VenueGroup {
    pub name: String,
    pub address: String,
    pub rooms: Vec<RoomLink>,
}

#[derive(Template)]
#[template(path = "events/rooms.html")]
struct RoomsPage {
    layout: Layout,
    t: Translator,
    venues: Vec<VenueGroup>,
}

/// `GET /espace/salles`: the rooms whose bookings organizers can see.
pub async fn rooms(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match or_sign_in(me, "/espace/salles") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let all = agenda::rooms(&state.db, &me).await?;
    let t = lang.t();
    let page = RoomsPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("agenda.rooms.title")),
            t.get("agenda.rooms.lead"),
        ),
        t,
        venues: all
            .into_iter()
            .map(|(v, rooms)| VenueGroup {
                name: v.name,
                address: [v.address, v.city]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                rooms: rooms
                    .into_iter()
                    .map(|r| RoomLink {
                        href: format!("/espace/salles/{}", r.id),
                        name: r.name,
                        capacity: r.capacity,
                    })
                    .collect(),
            })
            .collect(),
    };
    respond::html(StatusCode::OK, &page, true)
}

/// One booking on one day of the week.
pub struct BookingRow {
    pub kind_key: String,
    pub start: String,
    pub start_iso: String,
    pub end: String,
    pub end_iso: String,
    pub title: String,
    /// For a session: its event's title.
    pub event_title: Option<String>,
    /// The public page, once published.
    pub href: Option<String>,
    pub draft: bool,
}

pub struct DayColumn {
    pub id: String,
    pub label: String,
    pub today: bool,
    pub bookings: Vec<BookingRow>,
}

#[derive(Template)]
#[template(path = "events/room_week.html")]
struct WeekPage {
    layout: Layout,
    t: Translator,
    room: String,
    venue: String,
    capacity: i32,
    week_label: String,
    previous_href: String,
    next_href: String,
    this_week_href: Option<String>,
    days: Vec<DayColumn>,
    total: usize,
}

#[derive(Deserialize)]
pub struct WeekQuery {
    semaine: Option<String>,
}

fn monday_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A time on `day`: the time alone that day, with its date otherwise.
fn time_on(at: NaiveDateTime, day: NaiveDate, lang: Lang) -> String {
    if paris_day(at) == day {
        dates::time(utc(at), lang)
    } else {
        dates::datetime(utc(at), lang)
    }
}

fn booking_row(b: &Booking, day: NaiveDate, lang: Lang) -> BookingRow {
    let session = b.kind == "session";
    BookingRow {
        kind_key: format!("agenda.rooms.kind.{}", b.kind),
        start: time_on(b.starts_at, day, lang),
        start_iso: iso(b.starts_at),
        end: time_on(b.ends_at, day, lang),
        end_iso: iso(b.ends_at),
        title: b.title.clone(),
        event_title: session.then(|| b.event_title.clone()),
        href: (b.event_status == super::model::PUBLISHED)
            .then(|| format!("/evenements/{}", b.event_slug)),
        draft: b.event_status == "draft",
    }
}

/// `GET /espace/salles/{id}?semaine=2026-03-09`: a room's week, Monday to Sunday (the current
/// week by default; any day stands for its week).
pub async fn room_week(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<WeekQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/salles/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let today = paris_today();
    let asked = query
        .semaine
        .as_deref()
        .and_then(|raw| NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok())
        // A sane calendar only (dates far out would overflow the week's arithmetic).
        .filter(|d| (2000..=2100).contains(&d.year()));
    let monday = monday_of(asked.unwrap_or(today));
    let found = agenda::room_bookings(&state.db, &me, id, monday, 7).await?;
    let t = lang.t();
    let days: Vec<DayColumn> = (0..7)
        .map(|n| {
            let day = monday + chrono::Duration::days(n);
            let (from, to) = (
                paris_midnight(day),
                paris_midnight(day + chrono::Duration::days(1)),
            );
            DayColumn {
                id: format!("jour-{day}"),
                label: dates::date(utc(from), lang),
                today: day == today,
                bookings: found
                    .bookings
                    .iter()
                    .filter(|b| b.starts_at < to && b.ends_at > from)
                    .map(|b| booking_row(b, day, lang))
                    .collect(),
            }
        })
        .collect();
    let week = |d: NaiveDate| format!("/espace/salles/{id}?semaine={d}");
    let week_label = t
        .get("agenda.rooms.week_of")
        .replace("{date}", &dates::date(utc(paris_midnight(monday)), lang));
    let title = format!("{} · {week_label} · Quai", found.room.name);
    let page = WeekPage {
        layout: Layout::new(&req, lang, &title, t.get("agenda.rooms.lead")),
        t,
        capacity: found.room.capacity,
        room: found.room.name,
        venue: found.venue.name,
        previous_href: week(monday - chrono::Duration::days(7)),
        next_href: week(monday + chrono::Duration::days(7)),
        this_week_href: (monday != monday_of(today)).then(|| format!("/espace/salles/{id}")),
        total: found.bookings.len(),
        week_label,
        days,
    };
    respond::html(StatusCode::OK, &page, true)
}
