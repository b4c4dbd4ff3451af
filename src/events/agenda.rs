//! The agenda of an event — its sessions (title, times, room, speakers) — and the rule that no
//! room and no speaker is in two places at once:
//! - a session's room must not overlap another event holding that room (the session's own event
//!   may hold it), nor another session in that room (of any event);
//! - a speaker must not be in another overlapping session (of any event);
//! - and, for events, [`check_room_sessions`]: an event's room must not overlap a session of
//!   another event in that room.
//!
//! Cancelled events hold nothing. Each check runs inside the write transaction that records the
//! change, after the writers of the same room (`room:{id}`) and the same speakers
//! (`speaker:{key}`, in sorted order) are serialised: two writers cannot both pass a check
//! and then both write. Locks are always taken in the order event → room → speakers.
//!
//! A speaker is known by [`speaker_key`] (lower case, accents stripped, spaces collapsed), so
//! « Élodie  Martin » and « elodie martin » are one person.
//!
//! Errors: [`AppError`] — 404 for an unknown event or session, and for a draft to anyone but its
//! organizers; 403 for people who do not organize the event (or, for a room's bookings, do not
//! organize events at all); 409 naming the conflicting item (its title, its event's title and
//! its id); 422 for bad fields.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use diesel::prelude::*;
use serde::Deserialize;

use super::model::{self, CANCELLED, Event, Room, Venue};
use super::service::{organizes, parse_when};
use crate::auth::CurrentUser;
use crate::db::schema::{
    event_sessions, events, organization_members, organizations, rooms, session_speakers, venues,
};
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors, text_field};

/// The most speakers of one session.
pub const MAX_SPEAKERS: usize = 10;
/// The longest window of bookings one request may ask for, in days.
pub const MAX_BOOKING_DAYS: i64 = 31;

/// Who a speaker is, whatever the spelling: lower case, accents and other combining marks
/// stripped (after compatibility decomposition), runs of spaces made one.
pub fn speaker_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let folded: String = name
        .to_lowercase()
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = event_sessions)]
pub struct Session {
    pub id: i64,
    pub event_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub room_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Where a session takes place.
#[derive(Clone, Debug)]
pub struct Place {
    pub room_id: i64,
    pub room: String,
    pub venue: String,
}

/// A session with its place and its speakers, in their order.
#[derive(Clone, Debug)]
pub struct SessionView {
    pub session: Session,
    pub place: Option<Place>,
    pub speakers: Vec<String>,
}

/// What an organizer sends to add or change a session. Times are RFC 3339 or local Paris time
/// (`2026-03-12T18:30`), and lie within the event.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    /// The room (any venue's); none for a session without one.
    #[serde(default)]
    pub room_id: Option<i64>,
    /// 1 to 10 names, in the order shown; the same person once.
    #[serde(default)]
    pub speakers: Vec<String>,
}

/// A valid session.
#[derive(Clone, Debug)]
pub struct SessionFields {
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub room_id: Option<i64>,
    /// Names as typed (trimmed) with their keys.
    pub speakers: Vec<(String, String)>,
}

fn push(errors: &mut FieldErrors, field: &str, message: impl Into<String>) {
    errors.entry(field.into()).or_default().push(message.into());
}

/// `2026-03-12T18:30`, in Paris time: how times are typed.
fn paris(at: NaiveDateTime) -> String {
    Utc.from_utc_datetime(&at)
        .with_timezone(&Paris)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Valid fields for a session of `event`, or every field's problem.
pub fn parse(
    conn: &mut DbConnection,
    event: &Event,
    input: &SessionInput,
) -> Result<SessionFields, AppError> {
    let mut errors = FieldErrors::new();
    let title = text_field(&mut errors, "title", &input.title, 160, true);
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
    let within = format!(
        "must be within the event, from {} to {} (Paris time)",
        paris(event.starts_at),
        paris(event.ends_at)
    );
    if let Some(s) = starts_at
        && !(event.starts_at..event.ends_at).contains(&s)
    {
        push(&mut errors, "starts_at", within.clone());
    }
    if let Some(e) = ends_at
        && !(e > event.starts_at && e <= event.ends_at)
    {
        push(&mut errors, "ends_at", within);
    }
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && e <= s
    {
        push(&mut errors, "ends_at", "must be after the start");
    }
    if let Some(room_id) = input.room_id
        && model::find_room(conn, room_id)?.is_none()
    {
        push(&mut errors, "room_id", "no such room");
    }
    match input.speakers.len() {
        0 => push(&mut errors, "speakers", "name at least one speaker"),
        n if n > MAX_SPEAKERS => push(
            &mut errors,
            "speakers",
            format!("at most {MAX_SPEAKERS} speakers"),
        ),
        _ => {}
    }
    let mut speakers: Vec<(String, String)> = Vec::with_capacity(input.speakers.len());
    for (i, raw) in input.speakers.iter().enumerate() {
        let field = format!("speakers[{i}]");
        let name = text_field(&mut errors, &field, raw, 120, true);
        let key = speaker_key(&name);
        if key.is_empty() {
            if !name.is_empty() {
                push(&mut errors, &field, "must contain letters");
            }
            continue;
        }
        if let Some((first, _)) = speakers.iter().find(|(_, k)| *k == key) {
            push(
                &mut errors,
                "speakers",
                format!("« {first} » and « {name} » are the same person: name each speaker once"),
            );
            continue;
        }
        speakers.push((name, key));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(SessionFields {
        title,
        starts_at: starts_at.expect("checked"),
        ends_at: ends_at.expect("checked"),
        room_id: input.room_id,
        speakers,
    })
}

// ----------------------------------------------------------------------------------- queries

/// The sessions of an event with their places and speakers, in time order.
pub fn sessions_of(conn: &mut DbConnection, event_id: i64) -> QueryResult<Vec<SessionView>> {
    let sessions: Vec<Session> = event_sessions::table
        .filter(event_sessions::event_id.eq(event_id))
        .order((
            event_sessions::starts_at.asc(),
            event_sessions::ends_at.asc(),
            event_sessions::id.asc(),
        ))
        .select(Session::as_select())
        .load(conn)?;
    complete(conn, sessions)
}

/// Adds the places and the speakers of `sessions`, keeping their order.
fn complete(conn: &mut DbConnection, sessions: Vec<Session>) -> QueryResult<Vec<SessionView>> {
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let room_ids: Vec<i64> = sessions.iter().filter_map(|s| s.room_id).collect();
    let speakers: Vec<(i64, String)> = session_speakers::table
        .filter(session_speakers::session_id.eq_any(&ids))
        .order((
            session_speakers::session_id.asc(),
            session_speakers::position.asc(),
        ))
        .select((session_speakers::session_id, session_speakers::name))
        .load(conn)?;
    let places: Vec<(i64, String, String)> = rooms::table
        .inner_join(venues::table)
        .filter(rooms::id.eq_any(&room_ids))
        .select((rooms::id, rooms::name, venues::name))
        .load(conn)?;
    Ok(sessions
        .into_iter()
        .map(|session| SessionView {
            place: session.room_id.and_then(|id| {
                places
                    .iter()
                    .find(|(r, _, _)| *r == id)
                    .map(|(room_id, room, venue)| Place {
                        room_id: *room_id,
                        room: room.clone(),
                        venue: venue.clone(),
                    })
            }),
            speakers: speakers
                .iter()
                .filter(|(s, _)| *s == session.id)
                .map(|(_, name)| name.clone())
                .collect(),
            session,
        })
        .collect())
}

/// A session of an event (`None` when it is not one of that event's).
pub fn find_session(
    conn: &mut DbConnection,
    event_id: i64,
    id: i64,
) -> QueryResult<Option<Session>> {
    event_sessions::table
        .filter(event_sessions::id.eq(id))
        .filter(event_sessions::event_id.eq(event_id))
        .select(Session::as_select())
        .first(conn)
        .optional()
}

fn view(conn: &mut DbConnection, session: Session) -> QueryResult<SessionView> {
    Ok(complete(conn, vec![session])?
        .pop()
        .expect("one session in, one out"))
}

fn set_speakers(
    conn: &mut DbConnection,
    session_id: i64,
    speakers: &[(String, String)],
) -> QueryResult<()> {
    diesel::delete(session_speakers::table.filter(session_speakers::session_id.eq(session_id)))
        .execute(conn)?;
    for (position, (name, key)) in speakers.iter().enumerate() {
        diesel::insert_into(session_speakers::table)
            .values((
                session_speakers::session_id.eq(session_id),
                session_speakers::position.eq(position as i32),
                session_speakers::name.eq(name),
                session_speakers::speaker_key.eq(key),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts a session and its speakers. The caller holds the event's lock, so the newest
/// session of the event is this one.
pub fn insert_session(
    conn: &mut DbConnection,
    event_id: i64,
    f: &SessionFields,
    now: NaiveDateTime,
) -> QueryResult<Session> {
    diesel::insert_into(event_sessions::table)
        .values((
            event_sessions::event_id.eq(event_id),
            event_sessions::title.eq(&f.title),
            event_sessions::starts_at.eq(f.starts_at),
            event_sessions::ends_at.eq(f.ends_at),
            event_sessions::room_id.eq(f.room_id),
            event_sessions::created_at.eq(now),
            event_sessions::updated_at.eq(now),
        ))
        .execute(conn)?;
    let session = event_sessions::table
        .filter(event_sessions::event_id.eq(event_id))
        .order(event_sessions::id.desc())
        .select(Session::as_select())
        .first(conn)?;
    set_speakers(conn, session.id, &f.speakers)?;
    crate::search::touch(conn, crate::search::Kind::Event, event_id)?;
    Ok(session)
}

fn update_session(
    conn: &mut DbConnection,
    id: i64,
    f: &SessionFields,
    now: NaiveDateTime,
) -> QueryResult<Session> {
    diesel::update(event_sessions::table.find(id))
        .set((
            event_sessions::title.eq(&f.title),
            event_sessions::starts_at.eq(f.starts_at),
            event_sessions::ends_at.eq(f.ends_at),
            event_sessions::room_id.eq(f.room_id),
            event_sessions::updated_at.eq(now),
        ))
        .execute(conn)?;
    set_speakers(conn, id, &f.speakers)?;
    let session: Session = event_sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)?;
    crate::search::touch(conn, crate::search::Kind::Event, session.event_id)?;
    Ok(session)
}

/// A session that holds a room or a speaker, named for a conflict message.
#[derive(Debug, Queryable)]
pub struct Clash {
    pub session_id: i64,
    pub session_title: String,
    pub event_id: i64,
    pub event_title: String,
}

/// A session of a live event in the room at overlapping times, other than `except_session` and
/// not of `except_event`.
pub fn room_session_conflict(
    conn: &mut DbConnection,
    room_id: i64,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    except_session: Option<i64>,
    except_event: Option<i64>,
) -> QueryResult<Option<Clash>> {
    let mut q = event_sessions::table
        .inner_join(events::table)
        .filter(event_sessions::room_id.eq(room_id))
        .filter(events::status.ne(CANCELLED))
        .filter(event_sessions::starts_at.lt(ends_at))
        .filter(event_sessions::ends_at.gt(starts_at))
        .into_boxed();
    if let Some(id) = except_session {
        q = q.filter(event_sessions::id.ne(id));
    }
    if let Some(id) = except_event {
        q = q.filter(event_sessions::event_id.ne(id));
    }
    q.order((event_sessions::starts_at.asc(), event_sessions::id.asc()))
        .select((
            event_sessions::id,
            event_sessions::title,
            events::id,
            events::title,
        ))
        .first(conn)
        .optional()
}

/// The first of `keys` who speaks in another session of a live event at overlapping times,
/// with that session.
pub fn speaker_conflict(
    conn: &mut DbConnection,
    keys: &[String],
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    except_session: Option<i64>,
) -> QueryResult<Option<(String, Clash)>> {
    let mut q = session_speakers::table
        .inner_join(event_sessions::table.inner_join(events::table))
        .filter(session_speakers::speaker_key.eq_any(keys))
        .filter(events::status.ne(CANCELLED))
        .filter(event_sessions::starts_at.lt(ends_at))
        .filter(event_sessions::ends_at.gt(starts_at))
        .into_boxed();
    if let Some(id) = except_session {
        q = q.filter(event_sessions::id.ne(id));
    }
    let found: Option<(String, i64, String, i64, String)> = q
        .order((event_sessions::starts_at.asc(), event_sessions::id.asc()))
        .select((
            session_speakers::speaker_key,
            event_sessions::id,
            event_sessions::title,
            events::id,
            events::title,
        ))
        .first(conn)
        .optional()?;
    Ok(
        found.map(|(key, session_id, session_title, event_id, event_title)| {
            (
                key,
                Clash {
                    session_id,
                    session_title,
                    event_id,
                    event_title,
                },
            )
        }),
    )
}

/// One booking of a room: an event held there, or a session.
#[derive(Clone, Debug)]
pub struct Booking {
    /// `event` or `session`.
    pub kind: &'static str,
    pub id: i64,
    pub title: String,
    pub event_id: i64,
    pub event_title: String,
    pub event_slug: String,
    pub event_status: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// The live events and sessions holding a room between `from` and `to`, in time order.
pub fn bookings(
    conn: &mut DbConnection,
    room_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Booking>> {
    let held: Vec<Event> = events::table
        .filter(events::room_id.eq(room_id))
        .filter(events::status.ne(CANCELLED))
        .filter(events::starts_at.lt(to))
        .filter(events::ends_at.gt(from))
        .select(Event::as_select())
        .load(conn)?;
    let sessions: Vec<(Session, Event)> = event_sessions::table
        .inner_join(events::table)
        .filter(event_sessions::room_id.eq(room_id))
        .filter(events::status.ne(CANCELLED))
        .filter(event_sessions::starts_at.lt(to))
        .filter(event_sessions::ends_at.gt(from))
        .select((Session::as_select(), Event::as_select()))
        .load(conn)?;
    let mut out: Vec<Booking> = held
        .into_iter()
        .map(|e| Booking {
            kind: "event",
            id: e.id,
            title: e.title.clone(),
            event_id: e.id,
            event_title: e.title,
            event_slug: e.slug,
            event_status: e.status,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
        })
        .chain(sessions.into_iter().map(|(s, e)| Booking {
            kind: "session",
            id: s.id,
            title: s.title,
            event_id: e.id,
            event_title: e.title,
            event_slug: e.slug,
            event_status: e.status,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        }))
        .collect();
    // An event before the sessions that start with it.
    out.sort_by(|a, b| {
        (a.starts_at, a.kind, a.ends_at, a.id).cmp(&(b.starts_at, b.kind, b.ends_at, b.id))
    });
    Ok(out)
}

/// Whether the user organizes events at all: an admin, or a member of an active partner or
/// founding member.
pub fn organizes_events(conn: &mut DbConnection, me: &CurrentUser) -> QueryResult<bool> {
    if me.is_admin() {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        organization_members::table
            .inner_join(organizations::table)
            .filter(organization_members::user_id.eq(me.user_id))
            .filter(organizations::status.eq(crate::orgs::model::ACTIVE))
            .filter(organizations::kind.eq_any(["partner", "founding_member"])),
    ))
    .get_result(conn)
}

// ------------------------------------------------------------------------------------- rules

/// Serialises the writers of a room (PostgreSQL; SQLite's write lock already does it).
pub(super) fn lock_room(conn: &mut DbConnection, room_id: i64) -> QueryResult<()> {
    dialect::lock_key(conn, &format!("room:{room_id}"))
}

/// For an event in `room_id`: 409 naming a session of another event that holds the room at
/// overlapping times. The caller holds the room's lock.
pub(super) fn check_room_sessions(
    conn: &mut DbConnection,
    room_id: i64,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    except_event: Option<i64>,
) -> Result<(), AppError> {
    match room_session_conflict(conn, room_id, starts_at, ends_at, None, except_event)? {
        Some(c) => Err(room_taken_by_session(&c)),
        None => Ok(()),
    }
}

fn room_taken_by_session(c: &Clash) -> AppError {
    AppError::Conflict(format!(
        "The room is already booked at that time by the session « {} » of « {} » (session {}).",
        c.session_title, c.event_title, c.session_id
    ))
}

/// Locks the session's room and speakers, then refuses (409) what would put the room or a
/// speaker in two places at once.
fn check_session(
    conn: &mut DbConnection,
    event: &Event,
    f: &SessionFields,
    except_session: Option<i64>,
) -> Result<(), AppError> {
    if let Some(room_id) = f.room_id {
        lock_room(conn, room_id)?;
    }
    let mut keys: Vec<String> = f.speakers.iter().map(|(_, k)| k.clone()).collect();
    keys.sort();
    for key in &keys {
        dialect::lock_key(conn, &format!("speaker:{key}"))?;
    }
    if let Some(room_id) = f.room_id {
        if let Some(other) =
            model::room_conflict(conn, room_id, f.starts_at, f.ends_at, Some(event.id))?
        {
            return Err(AppError::Conflict(format!(
                "The room is already booked at that time by the event « {} » (event {}).",
                other.title, other.id
            )));
        }
        if let Some(c) =
            room_session_conflict(conn, room_id, f.starts_at, f.ends_at, except_session, None)?
        {
            return Err(room_taken_by_session(&c));
        }
    }
    if let Some((key, c)) = speaker_conflict(conn, &keys, f.starts_at, f.ends_at, except_session)? {
        let name = f
            .speakers
            .iter()
            .find(|(_, k)| *k == key)
            .map_or(key.as_str(), |(n, _)| n.as_str());
        return Err(AppError::Conflict(format!(
            "« {name} » already speaks at that time in the session « {} » of « {} » (session {}).",
            c.session_title, c.event_title, c.session_id
        )));
    }
    Ok(())
}

/// The event, if the viewer may see it: drafts are their organizers' (404 to others).
fn visible(
    conn: &mut DbConnection,
    viewer: Option<&CurrentUser>,
    event_id: i64,
) -> Result<Event, AppError> {
    let event = model::find_event(conn, event_id)?;
    if event.status == "draft" {
        let insider = match viewer {
            Some(v) => organizes(conn, v, &event)?,
            None => false,
        };
        if !insider {
            return Err(AppError::NotFound);
        }
    }
    Ok(event)
}

/// The event, if the user may change its agenda: 404 for a draft, 403 for a published or
/// cancelled event, to those who do not organize it.
fn editable(conn: &mut DbConnection, me: &CurrentUser, event_id: i64) -> Result<Event, AppError> {
    let event = visible(conn, Some(me), event_id)?;
    super::service::require_organizer(conn, me, &event)?;
    Ok(event)
}

// ---------------------------------------------------------------------------------- services

/// The agenda of an event the viewer may see.
pub async fn list(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    event_id: i64,
) -> Result<Vec<SessionView>, AppError> {
    let viewer = viewer.cloned();
    db::run(pool, move |conn| {
        visible(conn, viewer.as_ref(), event_id)?;
        Ok(sessions_of(conn, event_id)?)
    })
    .await
}

/// One session of an event the viewer may see.
pub async fn get(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    event_id: i64,
    id: i64,
) -> Result<SessionView, AppError> {
    let viewer = viewer.cloned();
    db::run(pool, move |conn| {
        visible(conn, viewer.as_ref(), event_id)?;
        let session = find_session(conn, event_id, id)?.ok_or(AppError::NotFound)?;
        Ok(view(conn, session)?)
    })
    .await
}

/// Adds a session (organizers).
pub async fn create(
    pool: &Pool,
    me: &CurrentUser,
    event_id: i64,
    input: SessionInput,
) -> Result<SessionView, AppError> {
    me.require_verified()?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{event_id}"))?;
            let event = editable(conn, &me, event_id)?;
            let fields = parse(conn, &event, &input)?;
            check_session(conn, &event, &fields, None)?;
            let session = insert_session(conn, event_id, &fields, Utc::now().naive_utc())?;
            Ok(view(conn, session)?)
        })
    })
    .await
}

/// Changes a session (organizers); it never conflicts with itself.
pub async fn update(
    pool: &Pool,
    me: &CurrentUser,
    event_id: i64,
    id: i64,
    input: SessionInput,
) -> Result<SessionView, AppError> {
    me.require_verified()?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{event_id}"))?;
            let event = editable(conn, &me, event_id)?;
            find_session(conn, event_id, id)?.ok_or(AppError::NotFound)?;
            let fields = parse(conn, &event, &input)?;
            check_session(conn, &event, &fields, Some(id))?;
            let session = update_session(conn, id, &fields, Utc::now().naive_utc())?;
            Ok(view(conn, session)?)
        })
    })
    .await
}

/// Removes a session (organizers).
pub async fn delete(pool: &Pool, me: &CurrentUser, event_id: i64, id: i64) -> Result<(), AppError> {
    me.require_verified()?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{event_id}"))?;
            editable(conn, &me, event_id)?;
            find_session(conn, event_id, id)?.ok_or(AppError::NotFound)?;
            diesel::delete(event_sessions::table.find(id)).execute(conn)?;
            crate::search::touch(conn, crate::search::Kind::Event, event_id)?;
            Ok(())
        })
    })
    .await
}

fn require_events_organizer(conn: &mut DbConnection, me: &CurrentUser) -> Result<(), AppError> {
    if organizes_events(conn, me)? {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Rooms' bookings are for the cluster's event organizers.".into(),
        ))
    }
}

/// The venues and their rooms (event organizers).
pub async fn rooms(pool: &Pool, me: &CurrentUser) -> Result<Vec<(Venue, Vec<Room>)>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        require_events_organizer(conn, &me)?;
        Ok(model::venues(conn)?)
    })
    .await
}

/// A room, its venue, and what holds it from `from` (a Paris day) for `days` days.
pub struct RoomBookings {
    pub room: Room,
    pub venue: Venue,
    pub from: NaiveDate,
    pub days: i64,
    pub bookings: Vec<Booking>,
}

/// Today in Paris.
pub fn paris_today() -> NaiveDate {
    Utc::now().with_timezone(&Paris).date_naive()
}

/// Midnight of a Paris day, in UTC.
pub fn paris_midnight(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Paris
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(midnight, |at| at.with_timezone(&Utc).naive_utc())
}

/// The bookings of a room (event organizers): 404 for an unknown room, 422 for a window of more
/// than [`MAX_BOOKING_DAYS`] days.
pub async fn room_bookings(
    pool: &Pool,
    me: &CurrentUser,
    room_id: i64,
    from: NaiveDate,
    days: i64,
) -> Result<RoomBookings, AppError> {
    if !(1..=MAX_BOOKING_DAYS).contains(&days) {
        return Err(AppError::validation(
            "days",
            format!("must be between 1 and {MAX_BOOKING_DAYS}"),
        ));
    }
    let end = from
        .checked_add_days(chrono::Days::new(days as u64))
        .ok_or_else(|| AppError::validation("from", "is too far in the future"))?;
    let me = me.clone();
    db::run(pool, move |conn| {
        require_events_organizer(conn, &me)?;
        let room = model::find_room(conn, room_id)?.ok_or(AppError::NotFound)?;
        let venue = model::find_venue(conn, room.venue_id)?;
        let bookings = bookings(conn, room_id, paris_midnight(from), paris_midnight(end))?;
        Ok(RoomBookings {
            room,
            venue,
            from,
            days,
            bookings,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::speaker_key;

    #[test]
    fn one_person_however_the_name_is_typed() {
        assert_eq!(speaker_key("Élodie  Martin"), "elodie martin");
        assert_eq!(speaker_key(" elodie martin "), "elodie martin");
        assert_eq!(speaker_key("ÉLODIE\tMARTÍN"), "elodie martin");
        assert_eq!(speaker_key("Antonín Dvořák"), "antonin dvorak");
        assert_eq!(speaker_key("Zoë Ça"), "zoe ca");
        assert_ne!(speaker_key("Elodie Martin"), speaker_key("Elodie Martine"));
        assert_eq!(speaker_key("\u{301}"), "");
    }
}
