//! Rows and queries of `venues`, `rooms`, `events`, `event_themes` and `registrations`. The
//! seats of an event change only through [`take_seat`] and [`free_seat`], guarded statements
//! checked by the rows they changed.

use crate::search::{self, Kind};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{event_themes, events, registrations, rooms, themes, venues};

pub const CONFIRMED: &str = "confirmed";
pub const WAITLISTED: &str = "waitlisted";
pub const CANCELLED: &str = "cancelled";
pub const PUBLISHED: &str = "published";
pub const OFFERED: &str = "offered";
pub const PENDING_EMAIL: &str = "pending_email";
pub const PENDING_APPROVAL: &str = "pending_approval";
/// The statuses of registrations that hold a seat.
pub const SEATED: [&str; 2] = [CONFIRMED, OFFERED];
/// The statuses of registrations that are still on (everything but cancelled).
pub const LIVE: [&str; 5] = [
    CONFIRMED,
    OFFERED,
    WAITLISTED,
    PENDING_APPROVAL,
    PENDING_EMAIL,
];

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = venues)]
pub struct Venue {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub city: String,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = rooms)]
pub struct Room {
    pub id: i64,
    pub venue_id: i64,
    pub name: String,
    pub capacity: i32,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct Event {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub organization_id: Option<i64>,
    pub room_id: Option<i64>,
    pub online_url: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub capacity: i32,
    pub seats_taken: i32,
    pub registration_opens_at: Option<NaiveDateTime>,
    pub registration_closes_at: Option<NaiveDateTime>,
    pub status: String,
    pub approval: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Timed-offer mode: a freed seat is offered to the first in line for this many hours.
    pub offer_hours: Option<i32>,
}

/// The fields organizers edit.
#[derive(Clone, Debug, AsChangeset, Insertable)]
#[diesel(table_name = events)]
#[diesel(treat_none_as_null = true)]
pub struct EventFields {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub room_id: Option<i64>,
    pub online_url: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub registration_opens_at: Option<NaiveDateTime>,
    pub registration_closes_at: Option<NaiveDateTime>,
    /// Registrations wait for an organizer's approval.
    pub approval: bool,
    pub offer_hours: Option<i32>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: i64,
    pub event_id: i64,
    pub user_id: Option<i64>,
    pub email: String,
    pub name: String,
    pub status: String,
    pub code: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub checked_in_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
    /// Place in the waiting line: when the person joined it (ties by id).
    pub queued_at: NaiveDateTime,
    pub offer_expires_at: Option<NaiveDateTime>,
    pub lang: String,
}

pub fn insert_venue(
    conn: &mut DbConnection,
    name: &str,
    address: &str,
    city: &str,
    now: NaiveDateTime,
) -> QueryResult<Venue> {
    diesel::insert_into(venues::table)
        .values((
            venues::name.eq(name),
            venues::address.eq(address),
            venues::city.eq(city),
            venues::created_at.eq(now),
        ))
        .execute(conn)?;
    venues::table
        .filter(venues::name.eq(name))
        .select(Venue::as_select())
        .first(conn)
}

pub fn insert_room(
    conn: &mut DbConnection,
    venue_id: i64,
    name: &str,
    capacity: i32,
) -> QueryResult<Room> {
    diesel::insert_into(rooms::table)
        .values((
            rooms::venue_id.eq(venue_id),
            rooms::name.eq(name),
            rooms::capacity.eq(capacity),
        ))
        .execute(conn)?;
    rooms::table
        .filter(rooms::venue_id.eq(venue_id))
        .filter(rooms::name.eq(name))
        .select(Room::as_select())
        .first(conn)
}

pub fn venues(conn: &mut DbConnection) -> QueryResult<Vec<(Venue, Vec<Room>)>> {
    let all: Vec<Venue> = venues::table
        .order(venues::name.asc())
        .select(Venue::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(all.len());
    for v in all {
        let r = rooms::table
            .filter(rooms::venue_id.eq(v.id))
            .order(rooms::name.asc())
            .select(Room::as_select())
            .load(conn)?;
        out.push((v, r));
    }
    Ok(out)
}

pub fn find_venue(conn: &mut DbConnection, id: i64) -> QueryResult<Venue> {
    venues::table
        .find(id)
        .select(Venue::as_select())
        .first(conn)
}

pub fn find_room(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Room>> {
    rooms::table
        .find(id)
        .select(Room::as_select())
        .first(conn)
        .optional()
}

pub fn slug_taken(conn: &mut DbConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        events::table.filter(events::slug.eq(slug)),
    ))
    .get_result(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_event(
    conn: &mut DbConnection,
    slug: &str,
    fields: &EventFields,
    organization_id: Option<i64>,
    capacity: i32,
    created_by: i64,
    now: NaiveDateTime,
) -> QueryResult<Event> {
    diesel::insert_into(events::table)
        .values((
            fields,
            events::slug.eq(slug),
            events::organization_id.eq(organization_id),
            events::capacity.eq(capacity),
            events::created_by.eq(created_by),
            events::created_at.eq(now),
            events::updated_at.eq(now),
        ))
        .execute(conn)?;
    let event: Event = events::table
        .filter(events::slug.eq(slug))
        .select(Event::as_select())
        .first(conn)?;
    search::touch(conn, Kind::Event, event.id)?;
    Ok(event)
}

pub fn find_event(conn: &mut DbConnection, id: i64) -> QueryResult<Event> {
    events::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
}

pub fn update_event(
    conn: &mut DbConnection,
    id: i64,
    fields: &EventFields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    search::touch(conn, Kind::Event, id)?;
    diesel::update(events::table.find(id))
        .set((fields, events::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_event_status(
    conn: &mut DbConnection,
    id: i64,
    from: &str,
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let changed = diesel::update(
        events::table
            .filter(events::id.eq(id))
            .filter(events::status.eq(from)),
    )
    .set((events::status.eq(to), events::updated_at.eq(now)))
    .execute(conn)?;
    if changed == 1 {
        search::touch(conn, Kind::Event, id)?;
    }
    Ok(changed)
}

/// Another live event in the same room at overlapping times, if any.
pub fn room_conflict(
    conn: &mut DbConnection,
    room_id: i64,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    except: Option<i64>,
) -> QueryResult<Option<Event>> {
    let mut q = events::table
        .filter(events::room_id.eq(room_id))
        .filter(events::status.ne("cancelled"))
        .filter(events::starts_at.lt(ends_at))
        .filter(events::ends_at.gt(starts_at))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(events::id.ne(id));
    }
    q.order(events::starts_at.asc())
        .select(Event::as_select())
        .first(conn)
        .optional()
}

/// Takes one seat if one is left: the capacity invariant in one guarded statement.
pub fn take_seat(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        events::table
            .filter(events::id.eq(id))
            .filter(events::seats_taken.lt(events::capacity)),
    )
    .set((
        events::seats_taken.eq(events::seats_taken + 1),
        events::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Gives a seat back (never below zero).
pub fn free_seat(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        events::table
            .filter(events::id.eq(id))
            .filter(events::seats_taken.gt(0)),
    )
    .set((
        events::seats_taken.eq(events::seats_taken - 1),
        events::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Sets the capacity when it is not below the seats taken (guarded).
pub fn set_capacity(
    conn: &mut DbConnection,
    id: i64,
    capacity: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        events::table
            .filter(events::id.eq(id))
            .filter(events::seats_taken.le(capacity)),
    )
    .set((events::capacity.eq(capacity), events::updated_at.eq(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

pub struct NewRegistration<'a> {
    pub event_id: i64,
    pub user_id: Option<i64>,
    pub email: &'a str,
    pub name: &'a str,
    pub status: &'a str,
    pub code: &'a str,
    pub token_hash: &'a str,
    /// The language of the person's emails.
    pub lang: &'a str,
    pub now: NaiveDateTime,
}

pub fn insert_registration(
    conn: &mut DbConnection,
    new: &NewRegistration<'_>,
) -> QueryResult<Registration> {
    diesel::insert_into(registrations::table)
        .values((
            registrations::event_id.eq(new.event_id),
            registrations::user_id.eq(new.user_id),
            registrations::email.eq(new.email),
            registrations::name.eq(new.name),
            registrations::status.eq(new.status),
            registrations::code.eq(new.code),
            registrations::token_hash.eq(new.token_hash),
            registrations::created_at.eq(new.now),
            registrations::updated_at.eq(new.now),
            registrations::queued_at.eq(new.now),
            registrations::lang.eq(new.lang),
            registrations::confirmed_at.eq((new.status == CONFIRMED).then_some(new.now)),
        ))
        .execute(conn)?;
    registrations::table
        .filter(registrations::token_hash.eq(new.token_hash))
        .select(Registration::as_select())
        .first(conn)
}

pub fn find_registration(conn: &mut DbConnection, id: i64) -> QueryResult<Registration> {
    registrations::table
        .find(id)
        .select(Registration::as_select())
        .first(conn)
}

/// The live registration of an address for an event, if any.
pub fn live_registration(
    conn: &mut DbConnection,
    event_id: i64,
    email: &str,
) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::email.eq(email))
        .filter(registrations::status.ne(CANCELLED))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// Moves a registration from one of `from` to `to` (guarded).
pub fn set_registration_status(
    conn: &mut DbConnection,
    id: i64,
    from: &[&str],
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = registrations::table
        .filter(registrations::id.eq(id))
        .filter(registrations::status.eq_any(from.to_vec()));
    // When it was confirmed stays known after a cancellation (its calendar entry is withdrawn).
    let changed = match to {
        CONFIRMED => diesel::update(target)
            .set((
                registrations::status.eq(to),
                registrations::updated_at.eq(now),
                registrations::confirmed_at.eq(now),
            ))
            .execute(conn)?,
        CANCELLED => diesel::update(target)
            .set((
                registrations::status.eq(to),
                registrations::updated_at.eq(now),
                registrations::cancelled_at.eq(now),
            ))
            .execute(conn)?,
        _ => diesel::update(target)
            .set((
                registrations::status.eq(to),
                registrations::updated_at.eq(now),
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// The first person waiting (lowest id), if any.
pub fn first_waiting(conn: &mut DbConnection, event_id: i64) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(WAITLISTED))
        .order((registrations::queued_at.asc(), registrations::id.asc()))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// A waiting registration's place in the queue (1 for the next one): two range counts on the
/// line's index (one `OR` would scan the whole line).
pub fn waitlist_position(conn: &mut DbConnection, r: &Registration) -> QueryResult<i64> {
    let line = || {
        registrations::table
            .filter(registrations::event_id.eq(r.event_id))
            .filter(registrations::status.eq(WAITLISTED))
    };
    let before: i64 = line()
        .filter(registrations::queued_at.lt(r.queued_at))
        .count()
        .get_result(conn)?;
    let same_time: i64 = line()
        .filter(registrations::queued_at.eq(r.queued_at))
        .filter(registrations::id.le(r.id))
        .count()
        .get_result(conn)?;
    Ok(before + same_time)
}

pub fn theme_slugs(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<String>> {
    event_themes::table
        .inner_join(themes::table)
        .filter(event_themes::event_id.eq(id))
        .order(themes::position.asc())
        .select(themes::slug)
        .load(conn)
}

/// Replaces the themes; returns the unknown slugs (nothing changed then).
pub fn set_themes(conn: &mut DbConnection, id: i64, slugs: &[String]) -> QueryResult<Vec<String>> {
    let ids = match crate::themes::model::resolve(conn, slugs)? {
        Ok(ids) => ids,
        Err(unknown) => return Ok(unknown),
    };
    search::touch(conn, Kind::Event, id)?;
    diesel::delete(event_themes::table.filter(event_themes::event_id.eq(id))).execute(conn)?;
    for theme_id in ids {
        diesel::insert_into(event_themes::table)
            .values((
                event_themes::event_id.eq(id),
                event_themes::theme_id.eq(theme_id),
            ))
            .execute(conn)?;
    }
    Ok(Vec::new())
}

/// Published events, soonest first, from `from` on.
pub fn upcoming(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Event>, i64)> {
    let filtered = || {
        events::table
            .filter(events::status.eq(PUBLISHED))
            .filter(events::ends_at.gt(from))
    };
    let items = filtered()
        .order((events::starts_at.asc(), events::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(Event::as_select())
        .load(conn)?;
    let total = filtered().count().get_result(conn)?;
    Ok((items, total))
}

pub fn registration_by_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::token_hash.eq(token_hash))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

pub fn by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Event> {
    events::table
        .filter(events::slug.eq(slug))
        .select(Event::as_select())
        .first(conn)
}

/// A person's live registration for an event, by account or by their (verified) address for
/// one made as a guest. Two indexed lookups (one `OR` would scan the event's registrations).
pub fn live_registration_of(
    conn: &mut DbConnection,
    event_id: i64,
    user_id: i64,
    email: &str,
) -> QueryResult<Option<Registration>> {
    let by_account = registrations::table
        .filter(registrations::user_id.eq(user_id))
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.ne(CANCELLED))
        .select(Registration::as_select())
        .first(conn)
        .optional()?;
    match by_account {
        Some(r) => Ok(Some(r)),
        None if email.is_empty() => Ok(None),
        None => live_registration(conn, event_id, &email.to_lowercase()),
    }
}

/// The events of a feed: published or cancelled, ending after `from`, about `theme` if given.
pub fn for_feed(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    theme: Option<&str>,
) -> QueryResult<Vec<Event>> {
    let mut q = events::table
        .filter(events::status.eq_any([PUBLISHED, "cancelled"]))
        .filter(events::ends_at.gt(from))
        .into_boxed();
    if let Some(theme) = theme {
        let about = event_themes::table
            .inner_join(themes::table)
            .filter(themes::slug.eq(theme.to_owned()))
            .select(event_themes::event_id);
        q = q.filter(events::id.eq_any(about));
    }
    q.order((events::starts_at.asc(), events::id.asc()))
        .limit(1000)
        .select(Event::as_select())
        .load(conn)
}

/// The registrations of an event that people know about (confirmed, offered, waiting, waiting
/// for approval; not the guests who never confirmed their address), in id order.
pub fn live_registrations(
    conn: &mut DbConnection,
    event_id: i64,
) -> QueryResult<Vec<Registration>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq_any([CONFIRMED, OFFERED, WAITLISTED, PENDING_APPROVAL]))
        .order(registrations::id.asc())
        .select(Registration::as_select())
        .load(conn)
}

/// Marks the reminder sent, once, for a confirmed registration.
pub fn mark_reminded(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        registrations::table
            .filter(registrations::id.eq(id))
            .filter(registrations::status.eq(CONFIRMED))
            .filter(registrations::reminded_at.is_null()),
    )
    .set(registrations::reminded_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Moves a registration from one of `from` into `to` and (re)sets its place in the waiting
/// line to `queued_at` (guarded): a guest confirming their address, an approval, a seat given
/// back by a smaller capacity.
pub fn enter(
    conn: &mut DbConnection,
    id: i64,
    from: &[&str],
    to: &str,
    queued_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = registrations::table
        .filter(registrations::id.eq(id))
        .filter(registrations::status.eq_any(from.to_vec()));
    let changed = diesel::update(target)
        .set((
            registrations::status.eq(to),
            registrations::queued_at.eq(queued_at),
            registrations::updated_at.eq(now),
            registrations::offer_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    if changed == 1 && to == CONFIRMED {
        diesel::update(registrations::table.find(id))
            .set(registrations::confirmed_at.eq(now))
            .execute(conn)?;
    }
    Ok(changed == 1)
}

/// Offers a held seat to a waiting person until `until` (guarded).
pub fn offer(
    conn: &mut DbConnection,
    id: i64,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        registrations::table
            .filter(registrations::id.eq(id))
            .filter(registrations::status.eq(WAITLISTED)),
    )
    .set((
        registrations::status.eq(OFFERED),
        registrations::offer_expires_at.eq(until),
        registrations::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The registrations holding a seat, the most recently seated first (offers, then the latest
/// confirmations): who gives a seat back first when the capacity shrinks.
pub fn seated_latest_first(
    conn: &mut DbConnection,
    event_id: i64,
) -> QueryResult<Vec<Registration>> {
    let mut seated: Vec<Registration> = registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq_any(SEATED))
        .select(Registration::as_select())
        .load(conn)?;
    seated.sort_by_key(|r| {
        (
            r.status == CONFIRMED,
            std::cmp::Reverse(r.confirmed_at),
            std::cmp::Reverse(r.id),
        )
    });
    Ok(seated)
}

/// Marks a confirmed registration present (once); `false` when it was not confirmed or
/// already marked.
pub fn check_in(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        registrations::table
            .filter(registrations::id.eq(id))
            .filter(registrations::status.eq(CONFIRMED))
            .filter(registrations::checked_in_at.is_null()),
    )
    .set((
        registrations::checked_in_at.eq(now),
        registrations::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Takes a check-in back (a mistake at the door).
pub fn undo_check_in(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        registrations::table
            .filter(registrations::id.eq(id))
            .filter(registrations::checked_in_at.is_not_null()),
    )
    .set((
        registrations::checked_in_at.eq(None::<NaiveDateTime>),
        registrations::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A registration of an event by its check-in code.
pub fn by_code(
    conn: &mut DbConnection,
    event_id: i64,
    code: &str,
) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::code.eq(code))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// Every registration of an event, in the order of the waiting line (cancelled ones too).
pub fn roster(conn: &mut DbConnection, event_id: i64) -> QueryResult<Vec<Registration>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .order((registrations::queued_at.asc(), registrations::id.asc()))
        .select(Registration::as_select())
        .load(conn)
}

/// A person's registrations (by account, or by their address for the ones made as a guest)
/// with their events, the soonest first.
pub fn of_person(
    conn: &mut DbConnection,
    user_id: i64,
    email: &str,
) -> QueryResult<Vec<(Registration, Event)>> {
    registrations::table
        .inner_join(events::table)
        .filter(
            registrations::user_id
                .eq(user_id)
                .or(registrations::email.eq(email.to_lowercase())),
        )
        .filter(registrations::status.ne(PENDING_EMAIL))
        .order((events::starts_at.asc(), registrations::id.asc()))
        .select((Registration::as_select(), Event::as_select()))
        .load(conn)
}

/// Cancels the registrations of guests who never confirmed their address.
pub fn cancel_unconfirmed(
    conn: &mut DbConnection,
    event_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        registrations::table
            .filter(registrations::event_id.eq(event_id))
            .filter(registrations::status.eq(PENDING_EMAIL)),
    )
    .set((
        registrations::status.eq(CANCELLED),
        registrations::cancelled_at.eq(now),
        registrations::updated_at.eq(now),
    ))
    .execute(conn)
}

// --- The organizers' back office: editing, messages, their list, the month calendar. ---

/// Forgets that the reminder was sent (the start moved: a new reminder is due).
pub fn reset_reminders(conn: &mut DbConnection, event_id: i64) -> QueryResult<usize> {
    diesel::update(registrations::table.filter(registrations::event_id.eq(event_id)))
        .set(registrations::reminded_at.eq(None::<NaiveDateTime>))
        .execute(conn)
}

/// The confirmed registrations of an event, in id order.
pub fn confirmed_registrations(
    conn: &mut DbConnection,
    event_id: i64,
) -> QueryResult<Vec<Registration>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(CONFIRMED))
        .order(registrations::id.asc())
        .select(Registration::as_select())
        .load(conn)
}

/// The events of these organizations (every event when `None`), most recent start first.
pub fn organized_by(
    conn: &mut DbConnection,
    organizations: Option<&[i64]>,
) -> QueryResult<Vec<Event>> {
    let mut q = events::table.into_boxed();
    if let Some(ids) = organizations {
        q = q.filter(events::organization_id.eq_any(ids.to_vec()));
    }
    q.order((events::starts_at.desc(), events::id.desc()))
        .limit(1_000)
        .select(Event::as_select())
        .load(conn)
}

/// How many people wait in line, for each of these events that has some.
pub fn waiting_counts(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    registrations::table
        .filter(registrations::event_id.eq_any(ids.to_vec()))
        .filter(registrations::status.eq(WAITLISTED))
        .group_by(registrations::event_id)
        .select((registrations::event_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Published events ending after `from`, about `theme` if given, soonest first.
pub fn upcoming_about(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    theme: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Event>, i64)> {
    let filtered = || {
        let mut q = events::table
            .filter(events::status.eq(PUBLISHED))
            .filter(events::ends_at.gt(from))
            .into_boxed();
        if let Some(theme) = theme {
            let about = event_themes::table
                .inner_join(themes::table)
                .filter(themes::slug.eq(theme.to_owned()))
                .select(event_themes::event_id);
            q = q.filter(events::id.eq_any(about));
        }
        q
    };
    let items = filtered()
        .order((events::starts_at.asc(), events::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(Event::as_select())
        .load(conn)?;
    let total = filtered().count().get_result(conn)?;
    Ok((items, total))
}

/// Gives every seat back (the event is cancelled: nobody holds one).
pub fn release_all_seats(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(events::table.find(id))
        .set((events::seats_taken.eq(0), events::updated_at.eq(now)))
        .execute(conn)
}

/// Makes a guest's request the signed-in person's own (same verified address).
pub fn claim(
    conn: &mut DbConnection,
    id: i64,
    user_id: i64,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(registrations::table.find(id))
        .set((
            registrations::user_id.eq(user_id),
            registrations::name.eq(name),
            registrations::updated_at.eq(now),
        ))
        .execute(conn)
}
