//! Rules of events: who organizes, what a valid event is (dates, room, capacity, no double
//! booking of a room), publishing, cancelling and the capacity (whose freed seats go to the
//! line: registration itself is in [`super::registrations`], the feeds in [`super::feeds`]).
//!
//! Organizers edit their events ([`update`]: the people registered are told when the times or
//! the place move, and the reminder follows the start) and write to the people registered
//! ([`broadcast`]).
//!
//! Errors: [`AppError`] — 403 for people who do not organize, 404 for events not published
//! (to everybody but their organizers), 409 for a closed window, a cancelled event or a second
//! registration, 422 for bad fields.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::Deserialize;
use serde_json::json;

use super::mail::{self as event_mail, Step};
use super::model::{
    self, CANCELLED, Event, EventFields, LIVE, PUBLISHED, Registration, SEATED, WAITLISTED,
};
use crate::auth::model as auth_model;
use crate::auth::{Admin, AuthState, CurrentUser};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors, text_field};
use crate::orgs::model as orgs;
use crate::web::pagination::PageRequest;
use crate::web::slug::first_free;

pub use super::feeds::{feed, feed_token, personal_feed};
pub use super::registrations::{
    Canceller, RegistrationView, by_token, cancel, check_in_code, mine, register, registration,
};
pub(super) use super::registrations::{
    manage_token, owned, promote, tell_promoted, view, window_problem,
};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueInput {
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub city: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomInput {
    pub name: String,
    pub capacity: i32,
}

/// What an organizer sends to create or edit an event. Dates are RFC 3339 (`2026-03-12T18:30:00+01:00`)
/// or local Paris time (`2026-03-12T18:30`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Markdown; rendered safely.
    #[serde(default)]
    pub description: String,
    /// The organizing organization (required but for admins; creation only).
    #[serde(default)]
    pub organization_id: Option<i64>,
    #[serde(default)]
    pub room_id: Option<i64>,
    #[serde(default)]
    pub online_url: String,
    pub starts_at: String,
    pub ends_at: String,
    /// Seats; at most the room's capacity.
    pub capacity: i32,
    #[serde(default)]
    pub registration_opens_at: Option<String>,
    #[serde(default)]
    pub registration_closes_at: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    /// Registrations wait for an organizer's approval.
    #[serde(default)]
    pub approval: bool,
    /// Timed-offer mode: a freed seat is offered to the first in line for this many hours
    /// (1–168) before passing to the next; without it, the seat is given at once.
    #[serde(default)]
    pub offer_hours: Option<i32>,
}

fn push(errors: &mut FieldErrors, field: &str, message: impl Into<String>) {
    errors.entry(field.into()).or_default().push(message.into());
}

/// Years an event can have (the databases' ranges differ far beyond them).
fn sane(at: &NaiveDateTime) -> bool {
    (2000..=2100).contains(&chrono::Datelike::year(at))
}

/// A date and time: RFC 3339, or local Paris time; stored as UTC.
pub fn parse_when(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc).naive_utc()).filter(sane);
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    // A time skipped by the spring change does not exist: refused rather than guessed.
    Paris
        .from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc).naive_utc())
        .filter(sane)
}

/// Valid fields, or every field's problem (the room's existence and size are checked with the
/// database).
fn parse(conn: &mut DbConnection, input: &EventInput) -> Result<(EventFields, i32), AppError> {
    let mut errors = FieldErrors::new();
    let title = text_field(&mut errors, "title", &input.title, 160, true);
    let summary = text_field(&mut errors, "summary", &input.summary, 300, false);
    let description = text_field(
        &mut errors,
        "description",
        &input.description,
        20_000,
        false,
    );
    let online_url = text_field(&mut errors, "online_url", &input.online_url, 300, false);
    if !online_url.is_empty()
        && !matches!(
            url::Url::parse(&online_url)
                .map(|u| u.scheme().to_owned())
                .as_deref(),
            Ok("http" | "https")
        )
    {
        push(
            &mut errors,
            "online_url",
            "must be an http:// or https:// address",
        );
    }
    let mut when = |field: &str, raw: &str| {
        let at = parse_when(raw);
        if at.is_none() {
            push(
                &mut errors,
                field,
                "must be a date and time such as 2026-03-12T18:30 (Paris time)",
            );
        }
        at
    };
    let starts_at = when("starts_at", &input.starts_at);
    let ends_at = when("ends_at", &input.ends_at);
    let opens = input
        .registration_opens_at
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|raw| when("registration_opens_at", raw));
    let closes = input
        .registration_closes_at
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|raw| when("registration_closes_at", raw));
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && e <= s
    {
        push(&mut errors, "ends_at", "must be after the start");
    }
    if let (Some(Some(o)), Some(Some(c))) = (opens, closes)
        && c <= o
    {
        push(
            &mut errors,
            "registration_closes_at",
            "must be after the opening of registrations",
        );
    }
    if !(0..=100_000).contains(&input.capacity) {
        push(&mut errors, "capacity", "must be between 0 and 100000");
    }
    if input.offer_hours.is_some_and(|h| !(1..=168).contains(&h)) {
        push(
            &mut errors,
            "offer_hours",
            "must be between 1 and 168 hours (a week)",
        );
    }
    if let Some(room_id) = input.room_id {
        match model::find_room(conn, room_id)? {
            None => push(&mut errors, "room_id", "no such room"),
            Some(room) if input.capacity > room.capacity => push(
                &mut errors,
                "capacity",
                format!("must be at most the room's {} seats", room.capacity),
            ),
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let fields = EventFields {
        title,
        summary,
        description,
        room_id: input.room_id,
        online_url,
        starts_at: starts_at.expect("checked"),
        ends_at: ends_at.expect("checked"),
        registration_opens_at: opens.flatten(),
        registration_closes_at: closes.flatten(),
        approval: input.approval,
        offer_hours: input.offer_hours,
    };
    Ok((fields, input.capacity))
}

/// 409 naming the event, or the session of another event, that already holds the room at that
/// time. The room's writers are serialised first (see [`super::agenda`]).
fn check_room(
    conn: &mut DbConnection,
    f: &EventFields,
    except: Option<i64>,
) -> Result<(), AppError> {
    let Some(room_id) = f.room_id else {
        return Ok(());
    };
    super::agenda::lock_room(conn, room_id)?;
    if let Some(other) = model::room_conflict(conn, room_id, f.starts_at, f.ends_at, except)? {
        return Err(AppError::Conflict(format!(
            "The room is already booked at that time by « {} » (event {}).",
            other.title, other.id
        )));
    }
    super::agenda::check_room_sessions(conn, room_id, f.starts_at, f.ends_at, except)
}

fn apply_themes(conn: &mut DbConnection, id: i64, themes: &[String]) -> Result<(), AppError> {
    let unknown = model::set_themes(conn, id, themes)?;
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(
            "themes",
            format!("unknown themes: {}", unknown.join(", ")),
        ))
    }
}

/// Whether the user organizes this event: an admin, or a member of its organization.
pub(super) fn organizes(
    conn: &mut DbConnection,
    me: &CurrentUser,
    event: &Event,
) -> Result<bool, AppError> {
    if me.is_admin() {
        return Ok(true);
    }
    // Members of the organizing organization while it is active (not once suspended).
    Ok(match event.organization_id {
        Some(org) => {
            orgs::role_of(conn, org, me.user_id)?.is_some()
                && orgs::find(conn, org)?.status == orgs::ACTIVE
        }
        None => false,
    })
}

pub(super) fn require_organizer(
    conn: &mut DbConnection,
    me: &CurrentUser,
    event: &Event,
) -> Result<(), AppError> {
    if organizes(conn, me, event)? {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the event's organizers can do this.".into(),
        ))
    }
}

pub async fn create_venue(
    pool: &Pool,
    _admin: &Admin,
    input: VenueInput,
) -> Result<model::Venue, AppError> {
    let mut errors = FieldErrors::new();
    let name = text_field(&mut errors, "name", &input.name, 120, true);
    let address = text_field(&mut errors, "address", &input.address, 300, false);
    let city = text_field(
        &mut errors,
        "city",
        input.city.as_deref().unwrap_or("Amiens"),
        80,
        false,
    );
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            Ok(model::insert_venue(
                conn,
                &name,
                &address,
                &city,
                Utc::now().naive_utc(),
            )?)
        })
    })
    .await
}

pub async fn create_room(
    pool: &Pool,
    _admin: &Admin,
    venue_id: i64,
    input: RoomInput,
) -> Result<model::Room, AppError> {
    let mut errors = FieldErrors::new();
    let name = text_field(&mut errors, "name", &input.name, 120, true);
    if !(1..=100_000).contains(&input.capacity) {
        push(&mut errors, "capacity", "must be between 1 and 100000");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            model::find_venue(conn, venue_id)?;
            Ok(model::insert_room(conn, venue_id, &name, input.capacity)?)
        })
    })
    .await
}

pub async fn venues(pool: &Pool) -> Result<Vec<(model::Venue, Vec<model::Room>)>, AppError> {
    db::run(pool, |conn| Ok(model::venues(conn)?)).await
}

/// Creates a draft event: admins, or members of an active partner or founding member.
pub async fn create(pool: &Pool, me: &CurrentUser, input: EventInput) -> Result<Event, AppError> {
    me.require_verified()?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            match input.organization_id {
                Some(org_id) => {
                    let org = orgs::find(conn, org_id).map_err(|_| {
                        AppError::validation("organization_id", "no such organization")
                    })?;
                    let member = orgs::role_of(conn, org_id, me.user_id)?.is_some();
                    let organizer = member && org.status == orgs::ACTIVE && org.kind != "startup";
                    if !(me.is_admin() || organizer) {
                        return Err(AppError::Forbidden(
                            "Events are organized by the cluster's partners and founding members."
                                .into(),
                        ));
                    }
                }
                None if me.is_admin() => {}
                None => {
                    return Err(AppError::validation(
                        "organization_id",
                        "say which organization organizes it",
                    ));
                }
            }
            let (fields, capacity) = parse(conn, &input)?;
            check_room(conn, &fields, None)?;
            let now = Utc::now().naive_utc();
            let slug = first_free(&fields.title, "evenement", |c| model::slug_taken(conn, c))?
                .ok_or_else(|| AppError::Conflict("Too many events share this title.".into()))?;
            let event = model::insert_event(
                conn,
                &slug,
                &fields,
                input.organization_id,
                capacity,
                me.user_id,
                now,
            )?;
            apply_themes(conn, event.id, &input.themes)?;
            Ok(event)
        })
    })
    .await
}

/// Publishes a draft, or cancels a draft or published event (organizers).
pub async fn set_status(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    id: i64,
    action: &str,
) -> Result<Event, AppError> {
    let (from, to): (&[&str], &str) = match action {
        "publish" => (&["draft"], PUBLISHED),
        "cancel" => (&["draft", PUBLISHED], CANCELLED),
        _ => return Err(AppError::validation("action", "must be publish or cancel")),
    };
    let (me, settings, auth) = (me.clone(), settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{id}"))?;
            let event = model::find_event(conn, id)?;
            require_organizer(conn, &me, &event)?;
            let now = Utc::now().naive_utc();
            if !from.contains(&event.status.as_str())
                || model::set_event_status(conn, id, &event.status, to, now)? != 1
            {
                return Err(AppError::Conflict(format!(
                    "A {} event cannot be {to}.",
                    event.status
                )));
            }
            auth_model::audit(
                conn,
                "event_status",
                Some(me.user_id),
                None,
                "",
                json!({ "event": id, "status": to }),
                now,
            )?;
            let event = model::find_event(conn, id)?;
            if to == PUBLISHED {
                schedule_reminder(conn, &event, now)?;
            } else {
                // Everybody registered is told, and their calendar entry withdrawn.
                for r in model::live_registrations(conn, id)? {
                    model::set_registration_status(conn, r.id, &LIVE, CANCELLED, now)?;
                    let r = model::find_registration(conn, r.id)?;
                    let token = manage_token(&auth, &r.code);
                    event_mail::notify(conn, &settings, &r, &event, Step::EventCancelled, &token)?;
                }
                // Guests who never confirmed their address are let go quietly.
                model::cancel_unconfirmed(conn, id, now)?;
                // Nobody holds a seat any more.
                model::release_all_seats(conn, id, now)?;
            }
            Ok(event)
        })
    })
    .await
}

/// What happens to the people holding a seat above a smaller capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Surplus {
    /// Back to the head of the waiting line, in the order they were seated.
    Waitlist,
    /// Their registrations are cancelled.
    Cancel,
}

/// Changes the capacity. Raising it gives the new seats to the waiting line at once. Lowering
/// it below the seats taken needs `surplus` (what happens to the people above it: the most
/// recently seated give their seat back first), otherwise it is refused with a field error.
/// Everybody affected is told by email.
pub async fn set_capacity(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    id: i64,
    capacity: i32,
    surplus: Option<Surplus>,
) -> Result<Event, AppError> {
    if !(0..=100_000).contains(&capacity) {
        return Err(AppError::validation(
            "capacity",
            "must be between 0 and 100000",
        ));
    }
    let (me, settings, auth) = (me.clone(), settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{id}"))?;
            let event = model::find_event(conn, id)?;
            require_organizer(conn, &me, &event)?;
            change_capacity(
                conn,
                &settings,
                &auth,
                &me,
                &event,
                capacity,
                surplus,
                Utc::now().naive_utc(),
            )?;
            Ok(model::find_event(conn, id)?)
        })
    })
    .await
}

/// The rule of every capacity change (inside the event's transaction): not for a cancelled
/// event, at most the room's seats; below the seats taken only with `surplus` (what happens to
/// the people above it: the most recently seated give their seat back first); new seats go to
/// the waiting line at once. Everybody affected is told by email.
#[allow(clippy::too_many_arguments)]
fn change_capacity(
    conn: &mut DbConnection,
    settings: &Settings,
    auth: &AuthState,
    me: &CurrentUser,
    event: &Event,
    capacity: i32,
    surplus: Option<Surplus>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if event.status == CANCELLED {
        return Err(AppError::Conflict("This event is cancelled.".into()));
    }
    if let Some(room_id) = event.room_id
        && let Some(room) = model::find_room(conn, room_id)?
        && capacity > room.capacity
    {
        return Err(AppError::validation(
            "capacity",
            format!("must be at most the room's {} seats", room.capacity),
        ));
    }
    let id = event.id;
    let over = event.seats_taken - capacity;
    let mut told = Vec::new();
    if over > 0 {
        let Some(surplus) = surplus else {
            return Err(AppError::validation(
                "surplus",
                format!(
                    "{} seats are taken: say what happens to the {over} people above \
                     the new capacity, surplus = waitlist (back to the head of the \
                     waiting line) or cancel (their registrations are cancelled)",
                    event.seats_taken
                ),
            ));
        };
        let mut leaving: Vec<Registration> = model::seated_latest_first(conn, id)?
            .into_iter()
            .take(over as usize)
            .collect();
        // The earliest seated of them gets the first place in line.
        leaving.reverse();
        let head = model::first_waiting(conn, id)?
            .map(|r| r.queued_at.min(now))
            .unwrap_or(now);
        let n = leaving.len() as i64;
        for (i, r) in leaving.into_iter().enumerate() {
            let moved = match surplus {
                Surplus::Waitlist => {
                    let place = head - chrono::Duration::milliseconds(n - i as i64);
                    model::enter(conn, r.id, &SEATED, WAITLISTED, place, now)?
                }
                Surplus::Cancel => {
                    model::set_registration_status(conn, r.id, &SEATED, CANCELLED, now)?
                }
            };
            if !moved || !model::free_seat(conn, id, now)? {
                return Err(AppError::Conflict(
                    "The registrations changed; try again.".into(),
                ));
            }
            let step = match surplus {
                Surplus::Waitlist => Step::Bumped,
                Surplus::Cancel => Step::Dropped,
            };
            told.push((r, step));
        }
        auth_model::audit(
            conn,
            "event_capacity_surplus",
            Some(me.user_id),
            None,
            "",
            json!({ "event": id, "capacity": capacity, "moved": n,
                    "to": if surplus == Surplus::Waitlist { WAITLISTED } else { CANCELLED } }),
            now,
        )?;
    }
    if !model::set_capacity(conn, id, capacity, now)? {
        return Err(AppError::Conflict(
            "The registrations changed; try again.".into(),
        ));
    }
    tell_promoted(conn, settings, auth, id, &told)?;
    let promoted = promote(conn, id, now)?;
    tell_promoted(conn, settings, auth, id, &promoted)?;
    Ok(())
}

/// Edits an event (its organizers), in one transaction: nothing is written when anything is
/// refused. A cancelled event cannot be edited (409); the organizing organization stays the
/// one it was created with. A capacity that differs from the current one goes through the rule
/// of [`set_capacity`] (at most the room's seats; new seats go to the waiting line), but never
/// below the seats taken: that needs the capacity endpoint's `surplus`. When a
/// published event's times, room or online link change, everyone registered is told what
/// changed (confirmed seats with the updated calendar entry), and a moved start gets its
/// reminder again.
pub async fn update(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    id: i64,
    input: EventInput,
) -> Result<Event, AppError> {
    update_with(pool, settings, auth, me, id, input, false).await
}

/// [`update`] of everything but the capacity, which stays what it is when the transaction reads
/// it (the office's form, where the capacity has its own form: a change made meanwhile is kept).
pub async fn update_details(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    id: i64,
    input: EventInput,
) -> Result<Event, AppError> {
    update_with(pool, settings, auth, me, id, input, true).await
}

async fn update_with(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    id: i64,
    mut input: EventInput,
    keep_capacity: bool,
) -> Result<Event, AppError> {
    me.require_verified()?;
    let (me, settings, auth) = (me.clone(), settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{id}"))?;
            let before = model::find_event(conn, id)?;
            if keep_capacity {
                input.capacity = before.capacity;
            }
            require_organizer(conn, &me, &before)?;
            if before.status == CANCELLED {
                return Err(AppError::Conflict(
                    "A cancelled event cannot be edited.".into(),
                ));
            }
            if input
                .organization_id
                .is_some_and(|org| Some(org) != before.organization_id)
            {
                return Err(AppError::validation(
                    "organization_id",
                    "cannot be changed after creation",
                ));
            }
            let (fields, capacity) = parse(conn, &input)?;
            check_room(conn, &fields, Some(id))?;
            let now = Utc::now().naive_utc();
            model::update_event(conn, id, &fields, now)?;
            apply_themes(conn, id, &input.themes)?;
            if capacity != before.capacity {
                if capacity < before.seats_taken {
                    return Err(AppError::validation(
                        "capacity",
                        format!(
                            "{} seats are taken: to go below, change the capacity on its own \
                             (POST /api/v1/events/{id}/capacity), saying what happens to the \
                             people above it",
                            before.seats_taken
                        ),
                    ));
                }
                let current = model::find_event(conn, id)?;
                change_capacity(conn, &settings, &auth, &me, &current, capacity, None, now)?;
            }
            let after = model::find_event(conn, id)?;
            let moved = after.starts_at != before.starts_at;
            if moved {
                model::reset_reminders(conn, id)?;
            }
            let mut told = 0;
            if before.status == PUBLISHED {
                if moved {
                    schedule_reminder(conn, &after, now)?;
                }
                let changed = moved
                    || after.ends_at != before.ends_at
                    || after.room_id != before.room_id
                    || after.online_url != before.online_url;
                if changed {
                    for r in model::live_registrations(conn, id)? {
                        let lang = crate::web::Lang::parse(&r.lang).unwrap_or_default();
                        let lines = event_mail::changes(conn, &before, &after, lang)?;
                        let token = manage_token(&auth, &r.code);
                        event_mail::notify_with(
                            conn,
                            &settings,
                            &r,
                            &after,
                            Step::Changed,
                            &token,
                            &lines,
                        )?;
                        told += 1;
                    }
                }
            }
            auth_model::audit(
                conn,
                "event_update",
                Some(me.user_id),
                None,
                "",
                json!({ "event": id, "told": told }),
                now,
            )?;
            Ok(after)
        })
    })
    .await
}

/// An organizers' message to the people registered.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastInput {
    /// One line, 1 to 150 characters.
    #[serde(default)]
    pub subject: String,
    /// Plain text, 1 to 5,000 characters; a blank line separates paragraphs.
    #[serde(default)]
    pub message: String,
    /// `confirmed` (the people with a seat) or `all` (everyone registered, the waiting line too).
    #[serde(default)]
    pub audience: String,
}

/// Sends the organizers' message, one email per person through the job queue, each with the
/// event's link and the link that manages the registration; returns how many people it goes to.
pub async fn broadcast(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    id: i64,
    input: BroadcastInput,
) -> Result<usize, AppError> {
    let (me, settings, auth) = (me.clone(), settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{id}"))?;
            let event = model::find_event(conn, id)?;
            require_organizer(conn, &me, &event)?;
            let mut errors = FieldErrors::new();
            let subject = text_field(&mut errors, "subject", &input.subject, 150, true);
            if subject.contains(['\n', '\r']) {
                push(&mut errors, "subject", "must be a single line");
            }
            let message = text_field(&mut errors, "message", &input.message, 5_000, true);
            let confirmed_only = match input.audience.as_str() {
                "confirmed" => true,
                "all" => false,
                _ => {
                    push(&mut errors, "audience", "must be confirmed or all");
                    false
                }
            };
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            if event.status == CANCELLED {
                return Err(AppError::Conflict(
                    "This event is cancelled: nobody is registered any more.".into(),
                ));
            }
            let recipients = if confirmed_only {
                model::confirmed_registrations(conn, id)?
            } else {
                model::live_registrations(conn, id)?
            };
            for r in &recipients {
                let token = manage_token(&auth, &r.code);
                event_mail::broadcast(conn, &settings, r, &event, &subject, &message, &token)?;
            }
            auth_model::audit(
                conn,
                "event_broadcast",
                Some(me.user_id),
                None,
                "",
                json!({
                    "event": id,
                    "audience": input.audience,
                    "recipients": recipients.len(),
                    "subject": subject,
                }),
                Utc::now().naive_utc(),
            )?;
            Ok(recipients.len())
        })
    })
    .await
}

/// The organizations someone may create events for: active partners and founding members they
/// belong to (admins: all of them; they may also organize for the cluster itself).
pub async fn organizing_for(
    pool: &Pool,
    me: &CurrentUser,
) -> Result<Vec<orgs::Organization>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let candidates = if me.is_admin() {
            orgs::all(conn)?
        } else {
            orgs::of_user(conn, me.user_id)?
                .into_iter()
                .map(|(org, _)| org)
                .collect()
        };
        Ok(candidates
            .into_iter()
            .filter(|org| org.status == orgs::ACTIVE && org.kind != "startup")
            .collect())
    })
    .await
}

/// An event in the organizers' list.
pub struct OrganizedEvent {
    pub event: Event,
    /// People in the waiting line.
    pub waiting: i64,
}

/// The events someone organizes (admins: all), upcoming ones first (soonest first), then the
/// past ones (latest first).
pub async fn organized(pool: &Pool, me: &CurrentUser) -> Result<Vec<OrganizedEvent>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let events = if me.is_admin() {
            model::organized_by(conn, None)?
        } else {
            let mine: Vec<i64> = orgs::of_user(conn, me.user_id)?
                .into_iter()
                .map(|(org, _)| org.id)
                .collect();
            model::organized_by(conn, Some(&mine))?
        };
        let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
        let waiting = model::waiting_counts(conn, &ids)?;
        let now = Utc::now().naive_utc();
        let (mut upcoming, past): (Vec<Event>, Vec<Event>) =
            events.into_iter().partition(|e| e.ends_at > now);
        upcoming.reverse();
        Ok(upcoming
            .into_iter()
            .chain(past)
            .map(|event| OrganizedEvent {
                waiting: waiting
                    .iter()
                    .find(|(id, _)| *id == event.id)
                    .map_or(0, |(_, n)| *n),
                event,
            })
            .collect())
    })
    .await
}

/// An event as its organizers manage it.
pub struct OfficeEvent {
    pub event: Event,
    pub themes: Vec<String>,
    /// The organizing organization's name (none: the cluster itself).
    pub organization: Option<String>,
    pub waiting: i64,
    /// People registered (seats and waiting line): who a cancellation would tell.
    pub registered: usize,
}

/// One event for its organizers (404 if there is none, 403 for anybody else).
pub async fn for_office(pool: &Pool, me: &CurrentUser, id: i64) -> Result<OfficeEvent, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let event = model::find_event(conn, id)?;
        require_organizer(conn, &me, &event)?;
        let organization = match event.organization_id {
            Some(org) => Some(orgs::find(conn, org)?.name),
            None => None,
        };
        let waiting = model::waiting_counts(conn, &[id])?
            .first()
            .map_or(0, |(_, n)| *n);
        Ok(OfficeEvent {
            themes: model::theme_slugs(conn, id)?,
            registered: model::live_registrations(conn, id)?.len(),
            organization,
            waiting,
            event,
        })
    })
    .await
}

/// An event of the public calendar: with its themes and its place in words.
pub struct CalendarItem {
    pub event: Event,
    pub themes: Vec<String>,
    pub place: String,
}

/// Upcoming published events, soonest first, about `theme` if given; and how many in all.
pub async fn calendar(
    pool: &Pool,
    theme: Option<String>,
    page: PageRequest,
) -> Result<(Vec<CalendarItem>, i64), AppError> {
    db::run(pool, move |conn| {
        let (events, total) = model::upcoming_about(
            conn,
            Utc::now().naive_utc(),
            theme.as_deref(),
            page.offset(),
            page.per_page,
        )?;
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            out.push(CalendarItem {
                themes: model::theme_slugs(conn, event.id)?,
                place: event_mail::location(conn, &event)?,
                event,
            });
        }
        Ok((out, total))
    })
    .await
}

/// An event as its viewer may see it: published or cancelled ones for everybody, drafts for
/// their organizers only.
pub async fn get(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> Result<(Event, Vec<String>), AppError> {
    let viewer = viewer.cloned();
    db::run(pool, move |conn| {
        let event = model::find_event(conn, id)?;
        if event.status == "draft" {
            let insider = match &viewer {
                Some(v) => organizes(conn, v, &event)?,
                None => false,
            };
            if !insider {
                return Err(AppError::NotFound);
            }
        }
        let themes = model::theme_slugs(conn, id)?;
        Ok((event, themes))
    })
    .await
}

pub async fn upcoming(
    pool: &Pool,
    page: PageRequest,
) -> Result<(Vec<(Event, Vec<String>)>, i64), AppError> {
    db::run(pool, move |conn| {
        let (events, total) =
            model::upcoming(conn, Utc::now().naive_utc(), page.offset(), page.per_page)?;
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            let themes = model::theme_slugs(conn, e.id)?;
            out.push((e, themes));
        }
        Ok((out, total))
    })
    .await
}

/// Whether the person organizes this event (admins, members of its organization).
pub async fn is_organizer(pool: &Pool, me: &CurrentUser, event: &Event) -> Result<bool, AppError> {
    let (me, event) = (me.clone(), event.clone());
    db::run(pool, move |conn| organizes(conn, &me, &event)).await
}

/// Where an event takes place, in words.
pub async fn place(pool: &Pool, event: &Event) -> Result<String, AppError> {
    let event = event.clone();
    db::run(pool, move |conn| event_mail::location(conn, &event)).await
}

/// An event's page: the event, where it is, and the viewer's live registration.
pub struct EventPage {
    pub event: Event,
    pub place: String,
    pub mine: Option<RegistrationView>,
    pub organizer: bool,
}

pub async fn page(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    slug: String,
) -> Result<EventPage, AppError> {
    let viewer = viewer.cloned();
    db::run(pool, move |conn| {
        let event = model::by_slug(conn, &slug)?;
        let organizer = match &viewer {
            Some(v) => organizes(conn, v, &event)?,
            None => false,
        };
        if event.status == "draft" && !organizer {
            return Err(AppError::NotFound);
        }
        let place = event_mail::location(conn, &event)?;
        let mine = match &viewer {
            Some(v) => match model::live_registration_of(conn, event.id, v.user_id, &owned(v))? {
                Some(r) => Some(view(conn, r)?),
                None => None,
            },
            None => None,
        };
        Ok(EventPage {
            event,
            place,
            mine,
            organizer,
        })
    })
    .await
}

/// How long before the start the reminder goes out.
pub const REMIND_HOURS_BEFORE: i64 = 24;

/// Queues the reminder of the day before (at once when the event is sooner), one job per event
/// and start time.
fn schedule_reminder(
    conn: &mut DbConnection,
    event: &Event,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    queue_reminder(conn, event, now, reminder_key(event))
}

fn queue_reminder(
    conn: &mut DbConnection,
    event: &Event,
    now: NaiveDateTime,
    key: String,
) -> Result<(), AppError> {
    let at = (event.starts_at - chrono::Duration::hours(REMIND_HOURS_BEFORE)).max(now);
    crate::jobs::enqueue(
        conn,
        &RemindAttendees { event: event.id },
        crate::jobs::EnqueueOptions {
            run_at: Some(at),
            dedup_key: Some(key),
        },
    )?;
    Ok(())
}

/// The key of the reminder job of the event's start time.
fn reminder_key(event: &Event) -> String {
    format!(
        "event-reminder:{}:{}",
        event.id,
        event.starts_at.and_utc().timestamp_micros()
    )
}

/// The key of the job that a reminder run too early queues for later: the other of the pair
/// `key` / `key:later` (its own row, with its key, is still there while it runs). A job queued
/// for a start the event has left takes `key:later` too, so that the jobs of one start merge
/// into one, whichever runs first.
fn later_key(event: &Event, own: Option<&str>) -> String {
    let key = reminder_key(event);
    let later = format!("{key}:later");
    if own == Some(later.as_str()) {
        key
    } else {
        later
    }
}

/// Job: the reminder of the day before to every confirmed person (once each; not to those who
/// cancelled, nor for a cancelled event). Run early, it waits for its day again (see
/// [`later_key`]: the jobs queued for the starts an event has left merge into one).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RemindAttendees {
    pub event: i64,
}

impl crate::jobs::Job for RemindAttendees {
    const KIND: &'static str = "event_reminder";

    async fn run(
        self,
        ctx: crate::jobs::JobContext,
        run: crate::jobs::JobRun,
    ) -> Result<(), crate::jobs::JobError> {
        let (settings, auth) = (ctx.settings.clone(), ctx.auth.clone());
        db::run(&ctx.db, move |conn| {
            dialect::write_transaction(conn, |conn| {
                // Serialised with edits: a start that moves resets who was reminded.
                dialect::lock_key(conn, &format!("event:{}", self.event))?;
                let Ok(event) = model::find_event(conn, self.event) else {
                    return Ok(());
                };
                let now = Utc::now().naive_utc();
                if event.status != PUBLISHED || event.starts_at <= now {
                    return Ok(());
                }
                if event.starts_at - chrono::Duration::hours(REMIND_HOURS_BEFORE) > now {
                    use diesel::OptionalExtension;
                    let own = crate::jobs::model::find(conn, run.id)
                        .optional()?
                        .and_then(|job| job.dedup_key);
                    let key = later_key(&event, own.as_deref());
                    return queue_reminder(conn, &event, now, key);
                }
                for r in model::live_registrations(conn, event.id)? {
                    if model::mark_reminded(conn, r.id, now)? {
                        let token = manage_token(&auth, &r.code);
                        event_mail::notify(conn, &settings, &r, &event, Step::Reminder, &token)?;
                    }
                }
                Ok(())
            })
        })
        .await
        .map_err(|e| crate::jobs::JobError::Transient(e.to_string()))
    }
}
