//! `/api/v1/venues…`, `/api/v1/events…` and `/api/v1/registrations…`.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Event, Room, Venue};
use super::service::{
    self, BroadcastInput, Canceller, EventInput, RegistrationView, RoomInput, VenueInput,
};
use crate::app::AppState;
use crate::auth::{Admin, AuthState, CurrentUser, MaybeUser};
use crate::error::{AppError, Problem};
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
}

/// Change the capacity: never below the seats taken; new seats go to the waiting list at once.
#[utoipa::path(tag = "events", params(("id" = i64, Path)), request_body = CapacityInput, security(("bearer" = [])), responses(
    (status = 200, description = "The event", body = EventResource),
    (status = 403, description = "Not an organizer", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Below the seats taken, or above the room", body = Problem, content_type = "application/problem+json"),
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
    )
    .await?;
    let (e, themes) = service::get(&state.db, Some(&me), e.id).await?;
    Ok(web::Json(EventResource::new(e, themes)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationResource {
    pub id: i64,
    pub event_id: i64,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: String,
    /// The place in the waiting line (1 is next), while waitlisted.
    pub position: Option<i64>,
    /// The check-in code.
    pub code: String,
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
