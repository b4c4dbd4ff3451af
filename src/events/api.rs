//! `/api/v1/venues…`, `/api/v1/events…` and `/api/v1/registrations…`.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::admission::{self, Decision, GuestInput};
use super::checkin::{self, Counts, Mark};
use super::model::{Event, Room, Venue};
use super::service::{
    self, BroadcastInput, Canceller, EventInput, RegistrationView, RoomInput, VenueInput,
};
use crate::app::AppState;
use crate::auth::{Admin, AuthState, CurrentUser, MaybeUser};
use crate::error::{AppError, Problem};
use crate::web::Lang;
use crate::web::markdown;
use crate::web::pagination::{PageQuery, PageRequest, Paginated};

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoomResource {
    pub id: i64,
    pub name: String,
    pub capacity: i32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VenueResource {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub city: String,
    pub rooms: Vec<RoomResource>,
}

impl VenueResource {
    fn new(v: Venue, rooms: Vec<Room>) -> Self {
        Self {
            id: v.id,
            name: v.name,
            address: v.address,
            city: v.city,
            rooms: rooms
                .into_iter()
                .map(|r| RoomResource {
                    id: r.id,
                    name: r.name,
                    capacity: r.capacity,
                })
                .collect(),
        }
    }
}

/// The venues and their rooms.
#[utoipa::path(tag = "events", responses((status = 200, description = "Venues", body = [VenueResource])))]
#[get("/venues")]
pub async fn venues(state: web::Data<AppState>) -> Result<web::Json<Vec<VenueResource>>, AppError> {
    let all = service::venues(&state.db).await?;
    Ok(web::Json(
        all.into_iter()
            .map(|(v, r)| VenueResource::new(v, r))
            .collect(),
    ))
}

/// Add a venue (admins).
#[utoipa::path(tag = "events", request_body = VenueInput, security(("bearer" = [])), responses(
    (status = 201, description = "Created", body = VenueResource),
    (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/venues")]
pub async fn create_venue(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<VenueInput>,
) -> Result<HttpResponse, AppError> {
    let v = service::create_venue(&state.db, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(VenueResource::new(v, Vec::new())))
}

/// Add a room to a venue (admins).
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = RoomInput, security(("bearer" = [])), responses(
    (status = 201, description = "Created", body = RoomResource),
    (status = 404, description = "No such venue", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/venues/{id}/rooms")]
pub async fn create_room(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<RoomInput>,
) -> Result<HttpResponse, AppError> {
    let r = service::create_room(&state.db, &admin, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(RoomResource {
        id: r.id,
        name: r.name,
        capacity: r.capacity,
    }))
}

/// An event as the API shows it; times are UTC.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventResource {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub description_html: String,
    pub organization_id: Option<i64>,
    pub room_id: Option<i64>,
    pub online_url: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub capacity: i32,
    pub seats_taken: i32,
    pub seats_left: i32,
    /// `draft`, `published` or `cancelled`.
    pub status: String,
    pub themes: Vec<String>,
    /// Registrations wait for the organizers' approval.
    pub approval: bool,
    /// Timed-offer mode: a freed seat is held this many hours for the first in line.
    pub offer_hours: Option<i32>,
}

impl EventResource {
    fn new(e: Event, themes: Vec<String>) -> Self {
        Self {
            description_html: markdown::render(&e.description),
            seats_left: (e.capacity - e.seats_taken).max(0),
            id: e.id,
            slug: e.slug,
            title: e.title,
            summary: e.summary,
            description: e.description,
            organization_id: e.organization_id,
            room_id: e.room_id,
            online_url: e.online_url,
            starts_at: utc(e.starts_at),
            ends_at: utc(e.ends_at),
            registration_opens_at: e.registration_opens_at.map(utc),
            registration_closes_at: e.registration_closes_at.map(utc),
            capacity: e.capacity,
            seats_taken: e.seats_taken,
            status: e.status,
            themes,
            approval: e.approval,
            offer_hours: e.offer_hours,
        }
    }
}

/// Upcoming published events, soonest first.
#[utoipa::path(tag = "events", params(PageQuery), responses(
    (status = 200, description = "A page of events", body = Paginated<EventResource>),
))]
#[get("/events")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paginated<EventResource>>, AppError> {
    let page = PageRequest::try_from(query.into_inner())?;
    let (items, total) = service::upcoming(&state.db, page).await?;
    Ok(web::Json(Paginated::new(
        items
            .into_iter()
            .map(|(e, t)| EventResource::new(e, t))
            .collect(),
        total,
        page,
    )))
}

/// Create a draft event (admins, members of partners and founding members).
#[utoipa::path(tag = "events", request_body = EventInput, security(("bearer" = [])), responses(
    (status = 201, description = "Created (draft)", body = EventResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "The room is booked at that time", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events")]
pub async fn create(
    me: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<EventInput>,
) -> Result<HttpResponse, AppError> {
    let e = service::create(&state.db, &me, body.into_inner()).await?;
    let (e, themes) = service::get(&state.db, Some(&me), e.id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/events/{}", e.id)))
        .json(EventResource::new(e, themes)))
}

/// One event (drafts for their organizers only).
#[utoipa::path(tag = "events", params(("id" = i64, Path)), responses(
    (status = 200, description = "The event", body = EventResource),
    (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
))]
#[get("/events/{id}")]
pub async fn show(
    viewer: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<EventResource>, AppError> {
    let viewer = viewer.0.map(CurrentUser);
    let (e, themes) = service::get(&state.db, viewer.as_ref(), id.into_inner()).await?;
    Ok(web::Json(EventResource::new(e, themes)))
}

/// Edit an event (organizers). A different capacity follows the rule of the capacity endpoint
/// (never below the seats taken; new seats go to the waiting list at once). When a published
/// event's times, room or online link change, everyone registered is told by email.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = EventInput, security(("bearer" = [])), responses(
    (status = 200, description = "The edited event", body = EventResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Cancelled event, or the room is booked at that time", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[put("/events/{id}")]
pub async fn update(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    body: web::Json<EventInput>,
) -> Result<web::Json<EventResource>, AppError> {
    let auth = auth.into_inner();
    let e = service::update(
        &state.db,
        &state.settings,
        &auth,
        &me,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    let (e, themes) = service::get(&state.db, Some(&me), e.id).await?;
    Ok(web::Json(EventResource::new(e, themes)))
}

/// How many people an organizers' message goes to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BroadcastResource {
    pub recipients: usize,
}

/// Send a message to the people registered (organizers): one email each, through the queue,
/// with the event's link and the one that manages the registration.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = BroadcastInput, security(("bearer" = [])), responses(
    (status = 202, description = "Queued", body = BroadcastResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Cancelled event", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/broadcast")]
pub async fn broadcast(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    body: web::Json<BroadcastInput>,
) -> Result<HttpResponse, AppError> {
    let auth = auth.into_inner();
    let recipients = service::broadcast(
        &state.db,
        &state.settings,
        &auth,
        &me,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(BroadcastResource { recipients }))
}

async fn status_change(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: i64,
    action: &str,
) -> Result<web::Json<EventResource>, AppError> {
    let auth = auth.into_inner();
    let e = service::set_status(&state.db, &state.settings, &auth, &me, id, action).await?;
    let (e, themes) = service::get(&state.db, Some(&me), e.id).await?;
    Ok(web::Json(EventResource::new(e, themes)))
}

/// Publish a draft event (organizers).
#[utoipa::path(tag = "events", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Published", body = EventResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/publish")]
pub async fn publish(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
) -> Result<web::Json<EventResource>, AppError> {
    status_change(me, state, auth, id.into_inner(), "publish").await
}

/// Cancel an event (organizers).
#[utoipa::path(tag = "events", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Cancelled", body = EventResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already cancelled", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/cancel")]
pub async fn cancel(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
) -> Result<web::Json<EventResource>, AppError> {
    status_change(me, state, auth, id.into_inner(), "cancel").await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityInput {
    pub capacity: i32,
    /// Required to go below the seats taken: what happens to the people above the new
    /// capacity (the most recently seated first).
    #[serde(default)]
    pub surplus: Option<service::Surplus>,
}

/// Change the capacity; new seats go to the waiting list at once. Going below the seats taken
/// needs `surplus`: `waitlist` (those people go back to the head of the line) or `cancel`.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = CapacityInput, security(("bearer" = [])), responses(
    (status = 200, description = "The event", body = EventResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Below the seats taken without `surplus`, or above the room", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/capacity")]
pub async fn capacity(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    body: web::Json<CapacityInput>,
) -> Result<web::Json<EventResource>, AppError> {
    let auth = auth.into_inner();
    let e = service::set_capacity(
        &state.db,
        &state.settings,
        &auth,
        &me,
        id.into_inner(),
        body.capacity,
        body.surplus,
    )
    .await?;
    let (e, themes) = service::get(&state.db, Some(&me), e.id).await?;
    Ok(web::Json(EventResource::new(e, themes)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationResource {
    pub id: i64,
    pub event_id: i64,
    /// `pending_email` (a guest who has not confirmed their address yet), `pending_approval`,
    /// `confirmed`, `waitlisted`, `offered` (timed-offer mode: a seat held until
    /// `offer_expires_at`) or `cancelled`.
    pub status: String,
    /// The place in the waiting line (1 is next), while waitlisted.
    pub position: Option<i64>,
    /// The check-in code.
    pub code: String,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<RegistrationView> for RegistrationResource {
    fn from(v: RegistrationView) -> Self {
        Self {
            id: v.registration.id,
            event_id: v.registration.event_id,
            status: v.registration.status,
            position: v.position,
            code: v.registration.code,
            offer_expires_at: v.registration.offer_expires_at.map(utc),
            checked_in_at: v.registration.checked_in_at.map(utc),
            created_at: utc(v.registration.created_at),
        }
    }
}

/// Register yourself: a seat while there are some, otherwise a place in the waiting line.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 201, description = "Registered (confirmed or waitlisted)", body = RegistrationResource),
    (status = 404, description = "No such published event", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already registered, cancelled event, or outside the registration window", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/registrations")]
pub async fn register(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let auth = auth.into_inner();
    let v = service::register(&state.db, &state.settings, &auth, &me, id.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/registrations/{}", v.registration.id),
        ))
        .json(RegistrationResource::from(v)))
}

/// A registration (its person and the event's organizers).
#[utoipa::path(tag = "events", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The registration", body = RegistrationResource),
    (status = 403, description = "Someone else's", body = Problem, content_type = "application/problem+json"),
))]
#[get("/registrations/{id}")]
pub async fn registration(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<RegistrationResource>, AppError> {
    Ok(web::Json(
        service::registration(&state.db, &me, id.into_inner())
            .await?
            .into(),
    ))
}

/// Cancel a registration; a freed seat goes to the first person waiting.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Cancelled", body = RegistrationResource),
    (status = 403, description = "Someone else's", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already cancelled", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/registrations/{id}")]
pub async fn cancel_registration(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
) -> Result<web::Json<RegistrationResource>, AppError> {
    let auth = auth.into_inner();
    let v = service::cancel(
        &state.db,
        &state.settings,
        &auth,
        Canceller::User(&me),
        Some(id.into_inner()),
    )
    .await?;
    Ok(web::Json(v.into()))
}

/// What a guest is told: to look for the confirmation link in their inbox.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GuestAccepted {
    /// Always `pending_email`: the registration counts once the address is confirmed.
    pub status: &'static str,
    pub message: &'static str,
}

/// Register as a guest (no account): a name and an address, confirmed by the emailed link. The
/// answer is the same whether or not the address was already registered (that person is told
/// by email), so that the form does not reveal who comes.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = GuestInput, responses(
    (status = 202, description = "Confirmation link sent", body = GuestAccepted),
    (status = 404, description = "No such published event", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Cancelled event, or outside the registration window", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Missing name or malformed address", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/guest-registrations")]
pub async fn register_guest(
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    lang: Lang,
    id: web::Path<i64>,
    body: web::Json<GuestInput>,
) -> Result<HttpResponse, AppError> {
    let auth = auth.into_inner();
    admission::register_guest(
        &state.db,
        &state.settings,
        &auth,
        id.into_inner(),
        body.into_inner(),
        lang,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(GuestAccepted {
        status: "pending_email",
        message: "Check your inbox: the link in our email confirms the registration.",
    }))
}

/// The token of an emailed link.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    pub token: String,
}

/// What the holder of an emailed link does: `confirm` a guest's address, `accept` an offered
/// seat, or `cancel` (which also leaves the waiting line).
#[utoipa::path(tag = "events", params(("action" = String, Path, description = "confirm, accept or cancel")), request_body = LinkInput, responses(
    (status = 200, description = "The registration now", body = RegistrationResource),
    (status = 404, description = "Unknown action", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Nothing to do in this state (an expired offer, a cancelled registration), or the window closed", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid link", body = Problem, content_type = "application/problem+json"),
))]
#[post("/registration-links/{action}")]
pub async fn by_link(
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    action: web::Path<String>,
    body: web::Json<LinkInput>,
) -> Result<web::Json<RegistrationResource>, AppError> {
    let auth = auth.into_inner();
    let (db, settings, token) = (&state.db, &state.settings, body.into_inner().token);
    let v = match action.as_str() {
        "confirm" => admission::confirm_address(db, settings, &auth, token).await?,
        "accept" => admission::accept_offer(db, settings, &auth, token).await?,
        "cancel" => service::cancel(db, settings, &auth, Canceller::Link(token), None).await?,
        _ => return Err(AppError::NotFound),
    };
    Ok(web::Json(v.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decision: Decision,
}

/// Approve or decline a registration waiting for approval (organizers); the person is told.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = DecisionInput, security(("bearer" = [])), responses(
    (status = 200, description = "The registration now", body = RegistrationResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Not waiting for approval", body = Problem, content_type = "application/problem+json"),
))]
#[post("/registrations/{id}/decision")]
pub async fn decide(
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    id: web::Path<i64>,
    body: web::Json<DecisionInput>,
) -> Result<web::Json<RegistrationResource>, AppError> {
    let auth = auth.into_inner();
    let v = admission::decide(
        &state.db,
        &state.settings,
        &auth,
        &me,
        id.into_inner(),
        body.decision,
    )
    .await?;
    Ok(web::Json(v.into()))
}

/// A registration as its organizers see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttendeeResource {
    #[serde(flatten)]
    pub registration: RegistrationResource,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RosterResource {
    pub counts: Counts,
    /// In the order of the waiting line.
    pub registrations: Vec<AttendeeResource>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RosterQuery {
    /// A check-in code, or words of a name or address.
    pub q: Option<String>,
}

fn attendee(v: RegistrationView) -> AttendeeResource {
    let (name, email) = (v.registration.name.clone(), v.registration.email.clone());
    AttendeeResource {
        registration: v.into(),
        name,
        email,
    }
}

/// The registrations of an event with the counts of each state and of people present
/// (organizers).
#[utoipa::path(tag = "events", params(("id" = i64, Path), RosterQuery), security(("bearer" = [])), responses(
    (status = 200, description = "The roster", body = RosterResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
))]
#[get("/events/{id}/registrations")]
pub async fn roster(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<RosterQuery>,
) -> Result<web::Json<RosterResource>, AppError> {
    let r = checkin::roster(&state.db, &me, id.into_inner(), query.into_inner().q).await?;
    Ok(web::Json(RosterResource {
        counts: r.counts,
        registrations: r.rows.into_iter().map(attendee).collect(),
    }))
}

/// The registrations as CSV for a spreadsheet (organizers); cells that would run as formulas
/// are neutralised.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "CSV, UTF-8", content_type = "text/csv"),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
))]
#[get("/events/{id}/registrations.csv")]
pub async fn roster_csv(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let r = checkin::roster(&state.db, &me, id.into_inner(), None).await?;
    Ok(csv_response(&r))
}

/// The CSV download of a roster.
pub fn csv_response(r: &checkin::Roster) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"inscriptions-{}.csv\"", r.event.slug),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(checkin::csv(r))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInInput {
    /// The ticket's code.
    pub code: String,
    /// Take a check-in back.
    #[serde(default)]
    pub undo: bool,
}

/// Mark a registration present by its ticket's code (organizers).
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = CheckInInput, security(("bearer" = [])), responses(
    (status = 200, description = "The registration now", body = RegistrationResource),
    (status = 404, description = "No registration of this event has this code", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already checked in, or no seat", body = Problem, content_type = "application/problem+json"),
))]
#[post("/events/{id}/check-in")]
pub async fn check_in(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CheckInInput>,
) -> Result<web::Json<RegistrationResource>, AppError> {
    let mark = if body.undo { Mark::Undo } else { Mark::Present };
    let v = checkin::check_in(&state.db, &me, id.into_inner(), &body.code, mark).await?;
    Ok(web::Json(v.into()))
}
