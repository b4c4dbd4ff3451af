//! Registration that never overbooks: in one transaction per event (serialised per event), a
//! seat is taken by one guarded statement or the person waits in line; a seat freed by a
//! cancellation or a larger capacity goes at once to the first in line (or is offered, in
//! timed-offer mode). Cancelling, by the person, an organizer or the emailed link; the views of
//! a registration and a person's own.
//!
//! Errors: [`AppError`] — 404 for events not published (to everybody but their organizers), 409
//! for a closed window, a cancelled event or a second registration.

use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};

use super::mail::{self as event_mail, Step};
use super::model::{
    self, CANCELLED, CONFIRMED, Event, LIVE, NewRegistration, PENDING_APPROVAL, PENDING_EMAIL,
    PUBLISHED, Registration, SEATED, WAITLISTED,
};
use super::service::{organizes, require_organizer};
use crate::auth::tokens::hash_token;
use crate::auth::{AuthState, CurrentUser};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::AppError;

/// Gives free seats to the people waiting, first come first served: at once, or in
/// timed-offer mode held for them until a deadline (a due job passes an unanswered offer on).
/// Returns who got a seat or an offer, with the email each is owed.
pub(super) fn promote(
    conn: &mut DbConnection,
    event_id: i64,
    now: NaiveDateTime,
) -> Result<Vec<(Registration, Step)>, AppError> {
    let event = model::find_event(conn, event_id)?;
    let mut promoted = Vec::new();
    if now >= event.ends_at {
        // Over: a seat given back afterwards goes to nobody.
        return Ok(promoted);
    }
    // An offer never runs past the start: too close to it, the seat is given at once.
    let offer_until = event
        .offer_hours
        .map(|hours| (now + chrono::Duration::hours(i64::from(hours))).min(event.starts_at))
        .filter(|until| *until > now);
    while let Some(next) = model::first_waiting(conn, event_id)? {
        if !model::take_seat(conn, event_id, now)? {
            break;
        }
        let moved = match offer_until {
            None => {
                let ok =
                    model::set_registration_status(conn, next.id, &[WAITLISTED], CONFIRMED, now)?;
                promoted.push((next, Step::Promoted));
                ok
            }
            Some(until) => {
                let ok = model::offer(conn, next.id, until, now)?;
                crate::jobs::enqueue(
                    conn,
                    &super::admission::ExpireOffer {
                        registration: next.id,
                    },
                    crate::jobs::EnqueueOptions {
                        run_at: Some(until),
                        dedup_key: None,
                    },
                )?;
                promoted.push((next, Step::Offered));
                ok
            }
        };
        if !moved {
            return Err(AppError::Conflict(
                "The waiting list changed; try again.".into(),
            ));
        }
    }
    Ok(promoted)
}

/// A registration and, while waiting, its place in line.
pub struct RegistrationView {
    pub registration: Registration,
    pub position: Option<i64>,
}

pub(super) fn view(conn: &mut DbConnection, r: Registration) -> Result<RegistrationView, AppError> {
    let position = if r.status == WAITLISTED {
        Some(model::waitlist_position(conn, &r)?)
    } else {
        None
    };
    Ok(RegistrationView {
        registration: r,
        position,
    })
}

/// Why registration is not possible now, if it is not.
pub(super) fn window_problem(event: &Event, now: NaiveDateTime) -> Option<String> {
    match event.status.as_str() {
        CANCELLED => return Some("This event is cancelled.".into()),
        PUBLISHED => {}
        _ => return Some("This event is not open yet.".into()),
    }
    if event.registration_opens_at.is_some_and(|o| now < o) {
        return Some("Registration is not open yet.".into());
    }
    if event.registration_closes_at.is_some_and(|c| now >= c) || now >= event.ends_at {
        return Some("Registration is closed.".into());
    }
    None
}

/// The link token of a registration (derived from its code, so that every email can carry it).
pub(super) fn manage_token(auth: &AuthState, code: &str) -> String {
    auth.link_token(&format!("registration:{code}"))
}

/// Tells each promoted person their seat is confirmed (or offered).
pub(super) fn tell_promoted(
    conn: &mut DbConnection,
    settings: &Settings,
    auth: &AuthState,
    event_id: i64,
    promoted: &[(Registration, Step)],
) -> Result<(), AppError> {
    if promoted.is_empty() {
        return Ok(());
    }
    let event = model::find_event(conn, event_id)?;
    for (r, step) in promoted {
        let r = model::find_registration(conn, r.id)?;
        event_mail::notify(
            conn,
            settings,
            &r,
            &event,
            *step,
            &manage_token(auth, &r.code),
        )?;
    }
    Ok(())
}

/// A short check-in code: 8 characters without look-alikes.
pub fn check_in_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes: [u8; 8] = rand::random();
    bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect()
}

/// Registers the signed-in person: a seat if one is left, otherwise a place in the waiting line.
pub async fn register(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    event_id: i64,
) -> Result<RegistrationView, AppError> {
    me.require_verified()?;
    let (me, settings, auth) = (me.clone(), settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{event_id}"))?;
            let event = model::find_event(conn, event_id)?;
            if event.status == "draft" && !organizes(conn, &me, &event)? {
                return Err(AppError::NotFound);
            }
            let now = Utc::now().naive_utc();
            if let Some(problem) = window_problem(&event, now) {
                return Err(AppError::Conflict(problem));
            }
            let email = me.email.to_lowercase();
            let live = model::live_registration_of(conn, event_id, me.user_id, &email)?;
            if let Some(live) = live {
                if live.status != PENDING_EMAIL || live.email != email {
                    return Err(AppError::Conflict("You are already registered.".into()));
                }
                // A guest request made with my (verified) address: signed in, it is mine now.
                model::claim(conn, live.id, me.user_id, &me.display_name, now)?;
                let (r, step) =
                    super::admission::admit(conn, &event, &live, PENDING_EMAIL, false, now)?;
                let token = manage_token(&auth, &r.code);
                event_mail::notify(conn, &settings, &r, &event, step, &token)?;
                return view(conn, r);
            }
            let (status, step) = if event.approval {
                (PENDING_APPROVAL, Step::AwaitingApproval)
            } else if model::take_seat(conn, event_id, now)? {
                (CONFIRMED, Step::Confirmed)
            } else {
                (WAITLISTED, Step::Waitlisted)
            };
            let code = check_in_code();
            let token = manage_token(&auth, &code);
            let registration = model::insert_registration(
                conn,
                &NewRegistration {
                    event_id,
                    user_id: Some(me.user_id),
                    email: &email,
                    name: &me.display_name,
                    status,
                    code: &code,
                    token_hash: &hash_token(&token),
                    lang: if me.lang == "en" { "en" } else { "fr" },
                    now,
                },
            )?;
            event_mail::notify(conn, &settings, &registration, &event, step, &token)?;
            view(conn, registration)
        })
    })
    .await
}

/// One registration: its person and the event's organizers.
pub async fn registration(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
) -> Result<RegistrationView, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let r = model::find_registration(conn, id)?;
        if r.user_id != Some(me.user_id) {
            let event = model::find_event(conn, r.event_id)?;
            require_organizer(conn, &me, &event)?;
        }
        view(conn, r)
    })
    .await
}

/// Who cancels a registration: its person or an organizer (signed in), or the holder of the
/// emailed link.
pub enum Canceller<'a> {
    User(&'a CurrentUser),
    Link(String),
}

/// Cancels a registration; a freed seat goes to the first in line at once. Both are told by email.
pub async fn cancel(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    by: Canceller<'_>,
    id: Option<i64>,
) -> Result<RegistrationView, AppError> {
    let by = match by {
        Canceller::User(me) => Ok(me.clone()),
        Canceller::Link(token) => Err(hash_token(token.trim())),
    };
    let (settings, auth) = (settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        let found = match (&by, id) {
            (Ok(_), Some(id)) => model::find_registration(conn, id)?,
            (Err(hash), _) => model::registration_by_token(conn, hash)?.ok_or_else(|| {
                AppError::validation("token", "this link is invalid, used or expired")
            })?,
            (Ok(_), None) => return Err(AppError::NotFound),
        };
        let (id, event_id) = (found.id, found.event_id);
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{event_id}"))?;
            let r = model::find_registration(conn, id)?;
            let event = model::find_event(conn, event_id)?;
            if let Ok(me) = &by
                && r.user_id != Some(me.user_id)
                && r.email != owned(me)
            {
                require_organizer(conn, me, &event)?;
            }
            let now = Utc::now().naive_utc();
            if !model::set_registration_status(conn, id, &LIVE, CANCELLED, now)? {
                return Err(AppError::Conflict(format!(
                    "This registration is {}.",
                    r.status
                )));
            }
            let cancelled = model::find_registration(conn, id)?;
            if r.status != PENDING_EMAIL {
                let token = manage_token(&auth, &cancelled.code);
                event_mail::notify(conn, &settings, &cancelled, &event, Step::Cancelled, &token)?;
            }
            if SEATED.contains(&r.status.as_str()) {
                model::free_seat(conn, event_id, now)?;
                let promoted = promote(conn, event_id, now)?;
                tell_promoted(conn, &settings, &auth, event_id, &promoted)?;
            }
            view(conn, cancelled)
        })
    })
    .await
}

/// The registration behind an emailed link, with its event.
pub async fn by_token(pool: &Pool, token: String) -> Result<(RegistrationView, Event), AppError> {
    db::run(pool, move |conn| {
        let r =
            model::registration_by_token(conn, &hash_token(token.trim()))?.ok_or_else(|| {
                AppError::validation("token", "this link is invalid, used or expired")
            })?;
        let event = model::find_event(conn, r.event_id)?;
        Ok((view(conn, r)?, event))
    })
    .await
}

/// The address whose guest registrations a signed-in person owns: theirs once verified.
pub(super) fn owned(me: &CurrentUser) -> String {
    if me.verified {
        me.email.to_lowercase()
    } else {
        String::new()
    }
}

/// A person's registrations with their events, the soonest first (organizers' view aside).
pub async fn mine(
    pool: &Pool,
    me: &CurrentUser,
) -> Result<Vec<(RegistrationView, Event)>, AppError> {
    let (user_id, email) = (me.user_id, owned(me));
    db::run(pool, move |conn| {
        let mut out = Vec::new();
        for (r, e) in model::of_person(conn, user_id, &email)? {
            out.push((view(conn, r)?, e));
        }
        Ok(out)
    })
    .await
}
