//! `/api/v1/events/{id}/sessions…` (an event's agenda) and `/api/v1/rooms/{id}/bookings` (what
//! holds a room, for organizers).

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::agenda::{self, Booking, RoomBookings, SessionInput, SessionView};
use crate::app::AppState;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{AppError, Problem};

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

/// A session of an event's agenda; times are UTC.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionResource {
    pub id: i64,
    pub event_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room_id: Option<i64>,
    /// The room's name, when there is one.
    pub room: Option<String>,
    /// The room's venue.
    pub venue: Option<String>,
    /// The speakers, in order, as their names were typed.
    pub speakers: Vec<String>,
}

impl From<SessionView> for SessionResource {
    fn from(v: SessionView) -> Self {
        let (room, venue) = match v.place {
            Some(p) => (Some(p.room), Some(p.venue)),
            None => (None, None),
        };
        Self {
            id: v.session.id,
            event_id: v.session.event_id,
            title: v.session.title,
            starts_at: utc(v.session.starts_at),
            ends_at: utc(v.session.ends_at),
            room_id: v.session.room_id,
            room,
            venue,
            speakers: v.speakers,
        }
    }
}

/// An event's agenda, in time order (drafts for their organizers only).
#[utoipa::path(tag = "events", params(("id" = i64, Path)), responses(
    (status = 200, description = "The sessions", body = [SessionResource]),
    (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
))]
#[get("/events/{id}/sessions")]
pub async fn list(
    viewer: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<SessionResource>>, AppError> {
    let viewer = viewer.0.map(CurrentUser);
    let all = agenda::list(&state.db, viewer.as_ref(), id.into_inner()).await?;
    Ok(web::Json(all.into_iter().map(Into::into).collect()))
}

/// One session of an event's agenda.
#[utoipa::path(tag = "events", params(("id" = i64, Path), ("sid" = i64, Path)), responses(
    (status = 200, description = "The session", body = SessionResource),
    (status = 404, description = "No such event or session", body = Problem, content_type = "application/problem+json"),
))]
#[get("/events/{id}/sessions/{sid}")]
pub async fn show(
    viewer: MaybeUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<SessionResource>, AppError> {
    let viewer = viewer.0.map(CurrentUser);
    let (id, sid) = path.into_inner();
    let v = agenda::get(&state.db, viewer.as_ref(), id, sid).await?;
    Ok(web::Json(v.into()))
}

/// Add a session to an event's agenda (organizers). A room or a speaker already taken at that
/// time is refused with 409, naming what holds it.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = SessionInput, security(("bearer" = [])), responses(
    (status = 201, description = "Created", body = SessionResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "The room or a speaker is taken at that time", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/sessions")]
pub async fn create(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<SessionInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let v = agenda::create(&state.db, &me, id, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/events/{id}/sessions/{}", v.session.id),
        ))
        .json(SessionResource::from(v)))
}

/// Change a session (organizers); the same checks as on creation.
#[utoipa::path(tag = "events", params(("id" = i64, Path), ("sid" = i64, Path)), request_body = SessionInput, security(("bearer" = [])), responses(
    (status = 200, description = "The session", body = SessionResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such event or session", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "The room or a speaker is taken at that time", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[put("/events/{id}/sessions/{sid}")]
pub async fn update(
    me: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Json<SessionInput>,
) -> Result<web::Json<SessionResource>, AppError> {
    let (id, sid) = path.into_inner();
    let v = agenda::update(&state.db, &me, id, sid, body.into_inner()).await?;
    Ok(web::Json(v.into()))
}

/// Remove a session (organizers).
#[utoipa::path(tag = "events", params(("id" = i64, Path), ("sid" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Removed"),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such event or session", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/events/{id}/sessions/{sid}")]
pub async fn remove(
    me: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, sid) = path.into_inner();
    agenda::delete(&state.db, &me, id, sid).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookingsQuery {
    /// The first day, `YYYY-MM-DD` (Paris); today by default.
    pub from: Option<String>,
    /// How many days, 1 to 31; 7 by default.
    pub days: Option<i64>,
}

/// A room as its bookings show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookedRoom {
    pub id: i64,
    pub name: String,
    pub capacity: i32,
    pub venue_id: i64,
    pub venue: String,
}

/// What holds a room: an event held there, or a session; times are UTC.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookingResource {
    /// `event` or `session`.
    pub kind: String,
    /// The event's id, or the session's.
    pub id: i64,
    pub title: String,
    pub event_id: i64,
    pub event_title: String,
    pub event_slug: String,
    /// `draft` or `published` (cancelled events hold nothing).
    pub event_status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl From<Booking> for BookingResource {
    fn from(b: Booking) -> Self {
        Self {
            kind: b.kind.to_owned(),
            id: b.id,
            title: b.title,
            event_id: b.event_id,
            event_title: b.event_title,
            event_slug: b.event_slug,
            event_status: b.event_status,
            starts_at: utc(b.starts_at),
            ends_at: utc(b.ends_at),
        }
    }
}

/// A room's bookings over some days.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoomBookingsResource {
    pub room: BookedRoom,
    /// The first day (Paris).
    pub from: NaiveDate,
    pub days: i64,
    /// In time order.
    pub bookings: Vec<BookingResource>,
}

impl From<RoomBookings> for RoomBookingsResource {
    fn from(r: RoomBookings) -> Self {
        Self {
            room: BookedRoom {
                id: r.room.id,
                name: r.room.name,
                capacity: r.room.capacity,
                venue_id: r.venue.id,
                venue: r.venue.name,
            },
            from: r.from,
            days: r.days,
            bookings: r.bookings.into_iter().map(Into::into).collect(),
        }
    }
}

/// The events and sessions holding a room, in time order (admins and members of partners and
/// founding members).
#[utoipa::path(tag = "events", params(("id" = i64, Path), BookingsQuery), security(("bearer" = [])), responses(
    (status = 200, description = "The room's bookings", body = RoomBookingsResource),
    (status = 403, description = "Not an event organizer", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such room", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid window", body = Problem, content_type = "application/problem+json"),
))]
#[get("/rooms/{id}/bookings")]
pub async fn bookings(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<BookingsQuery>,
) -> Result<web::Json<RoomBookingsResource>, AppError> {
    let q = query.into_inner();
    let from = match q.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => agenda::paris_today(),
        Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
            .ok_or_else(|| AppError::validation("from", "must be a day such as 2026-03-12"))?,
    };
    let days = q.days.unwrap_or(7);
    let found = agenda::room_bookings(&state.db, &me, id.into_inner(), from, days).await?;
    Ok(web::Json(found.into()))
}
