//! The ways into an event besides the one click of a signed-in person: guests, who give a name
//! and an address and confirm it by the emailed link (so that nobody registers someone else);
//! the organizers' approval when the event asks for it; and the timed offer of a freed seat,
//! which the person accepts by the link before a deadline or which passes to the next in line.
//!
//! Guests and approved people join the line when they confirm or are approved, not when they
//! first asked: the waiting line is ordered by `queued_at`.

use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::mail::{self as event_mail, Step};
use super::model::{
    self, CANCELLED, CONFIRMED, Event, NewRegistration, OFFERED, PENDING_APPROVAL, PENDING_EMAIL,
    Registration, WAITLISTED,
};
use super::service::{
    RegistrationView, check_in_code, manage_token, promote, require_organizer, tell_promoted, view,
    window_problem,
};
use crate::accounts::service::parse_email;
use crate::auth::model as auth_model;
use crate::auth::rate::{self, Limit};
use crate::auth::tokens::hash_token;
use crate::auth::{AuthState, CurrentUser};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors, text_field};
use crate::web::Lang;

/// At most this many guest emails per address and hour (confirmations and reminders of an
/// existing registration), so that a form cannot be used to flood somebody's inbox.
const GUEST_MAILS: Limit = Limit {
    name: "event-guest-mail",
    max: 5,
    window: 3600,
};

/// What a guest gives.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestInput {
    pub name: String,
    pub email: String,
}

/// A guest's request: a registration waiting for its address to be confirmed by the emailed
/// link. The answer never says whether the address was already registered (it is told by
/// email instead), so that the form does not reveal who comes to what.
pub async fn register_guest(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    event_id: i64,
    input: GuestInput,
    lang: Lang,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let name = text_field(&mut errors, "name", &input.name, 120, true);
    let email = match parse_email("email", &input.email) {
        Ok(email) => Some(email),
        Err(AppError::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let email = email.expect("checked");
    let (settings, auth) = (settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{event_id}"))?;
            let event = model::find_event(conn, event_id)?;
            if event.status == "draft" {
                return Err(AppError::NotFound);
            }
            let now = Utc::now().naive_utc();
            if let Some(problem) = window_problem(&event, now) {
                return Err(AppError::Conflict(problem));
            }
            let (registration, step) = match model::live_registration(conn, event_id, &email)? {
                Some(r) if r.status == PENDING_EMAIL => (r, Step::ConfirmAddress),
                Some(r) => (r, Step::AlreadyRegistered),
                None => {
                    let code = check_in_code();
                    let r = model::insert_registration(
                        conn,
                        &NewRegistration {
                            event_id,
                            user_id: None,
                            email: &email,
                            name: &name,
                            status: PENDING_EMAIL,
                            code: &code,
                            token_hash: &hash_token(&manage_token(&auth, &code)),
                            lang: lang.code(),
                            now,
                        },
                    )?;
                    (r, Step::ConfirmAddress)
                }
            };
            if rate::allow(conn, GUEST_MAILS, &email, now.and_utc())? {
                let token = manage_token(&auth, &registration.code);
                event_mail::notify(conn, &settings, &registration, &event, step, &token)?;
            }
            Ok(())
        })
    })
    .await
}

/// Seats a person who just became eligible (a guest who confirmed their address, someone the
/// organizers approved), or puts them at the end of the line, or before the organizers when
/// the event asks for approval. Returns the registration and the email it is owed.
pub(super) fn admit(
    conn: &mut DbConnection,
    event: &Event,
    r: &Registration,
    from: &str,
    approved: bool,
    now: NaiveDateTime,
) -> Result<(Registration, Step), AppError> {
    let (to, step) = if event.approval && !approved {
        (PENDING_APPROVAL, Step::AwaitingApproval)
    } else if model::take_seat(conn, event.id, now)? {
        (CONFIRMED, Step::Confirmed)
    } else {
        (WAITLISTED, Step::Waitlisted)
    };
    if !model::enter(conn, r.id, &[from], to, now, now)? {
        return Err(AppError::Conflict(
            "This registration changed; try again.".into(),
        ));
    }
    Ok((model::find_registration(conn, r.id)?, step))
}

/// Runs `change` on the registration behind an emailed link, inside its event's transaction.
async fn by_link<T: Send + 'static>(
    pool: &Pool,
    token: String,
    change: impl FnOnce(&mut DbConnection, Registration, Event, NaiveDateTime) -> Result<T, AppError>
    + Send
    + 'static,
) -> Result<T, AppError> {
    db::run(pool, move |conn| {
        let found =
            model::registration_by_token(conn, &hash_token(token.trim()))?.ok_or_else(|| {
                AppError::validation("token", "this link is invalid, used or expired")
            })?;
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{}", found.event_id))?;
            let r = model::find_registration(conn, found.id)?;
            let event = model::find_event(conn, r.event_id)?;
            change(conn, r, event, Utc::now().naive_utc())
        })
    })
    .await
}

/// A guest confirms their address by the emailed link: then they get a seat, a place in line
/// or the organizers' review, like a signed-in person. Confirming twice changes nothing.
pub async fn confirm_address(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    token: String,
) -> Result<RegistrationView, AppError> {
    let (settings, auth) = (settings.clone(), auth.clone());
    by_link(pool, token, move |conn, r, event, now| {
        if r.status != PENDING_EMAIL {
            return view(conn, r);
        }
        if let Some(problem) = window_problem(&event, now) {
            return Err(AppError::Conflict(problem));
        }
        let (r, step) = admit(conn, &event, &r, PENDING_EMAIL, false, now)?;
        let token = manage_token(&auth, &r.code);
        event_mail::notify(conn, &settings, &r, &event, step, &token)?;
        view(conn, r)
    })
    .await
}

/// Accepts a seat offered in timed-offer mode, before its deadline.
pub async fn accept_offer(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    token: String,
) -> Result<RegistrationView, AppError> {
    let (settings, auth) = (settings.clone(), auth.clone());
    by_link(pool, token, move |conn, r, event, now| {
        if r.status != OFFERED {
            return Err(AppError::Conflict(format!(
                "This registration is {}: there is no seat to accept.",
                r.status
            )));
        }
        if r.offer_expires_at.is_some_and(|until| until <= now) {
            return Err(AppError::Conflict(
                "The offer has expired: the seat went to the next person in line.".into(),
            ));
        }
        if !model::set_registration_status(conn, r.id, &[OFFERED], CONFIRMED, now)? {
            return Err(AppError::Conflict(
                "This registration changed; try again.".into(),
            ));
        }
        let r = model::find_registration(conn, r.id)?;
        let token = manage_token(&auth, &r.code);
        event_mail::notify(conn, &settings, &r, &event, Step::Confirmed, &token)?;
        view(conn, r)
    })
    .await
}

/// The organizers' decision on a request, in approval mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// A seat if one is left, otherwise the end of the waiting line.
    Approve,
    Decline,
}

/// Approves or declines a registration waiting for approval (organizers); the person is told.
pub async fn decide(
    pool: &Pool,
    settings: &Settings,
    auth: &Arc<AuthState>,
    me: &CurrentUser,
    id: i64,
    decision: Decision,
) -> Result<RegistrationView, AppError> {
    let (me, settings, auth) = (me.clone(), settings.clone(), auth.clone());
    db::run(pool, move |conn| {
        let event_id = model::find_registration(conn, id)?.event_id;
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("event:{event_id}"))?;
            let event = model::find_event(conn, event_id)?;
            require_organizer(conn, &me, &event)?;
            let r = model::find_registration(conn, id)?;
            if r.status != PENDING_APPROVAL {
                return Err(AppError::Conflict(format!(
                    "This registration is {}: there is nothing to decide.",
                    r.status
                )));
            }
            let now = Utc::now().naive_utc();
            let (r, step) = match decision {
                Decision::Approve => admit(conn, &event, &r, PENDING_APPROVAL, true, now)?,
                Decision::Decline => {
                    model::set_registration_status(conn, id, &[PENDING_APPROVAL], CANCELLED, now)?;
                    (model::find_registration(conn, id)?, Step::Declined)
                }
            };
            auth_model::audit(
                conn,
                "event_registration_decision",
                Some(me.user_id),
                None,
                "",
                json!({ "event": event_id, "registration": id, "to": r.status }),
                now,
            )?;
            let token = manage_token(&auth, &r.code);
            event_mail::notify(conn, &settings, &r, &event, step, &token)?;
            view(conn, r)
        })
    })
    .await
}

/// Job: an offered seat not accepted by its deadline passes to the next person in line.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ExpireOffer {
    pub registration: i64,
}

impl crate::jobs::Job for ExpireOffer {
    const KIND: &'static str = "event_offer_expiry";

    async fn run(
        self,
        ctx: crate::jobs::JobContext,
        _run: crate::jobs::JobRun,
    ) -> Result<(), crate::jobs::JobError> {
        let (settings, auth) = (ctx.settings.clone(), ctx.auth.clone());
        db::run(&ctx.db, move |conn| {
            let found = match model::find_registration(conn, self.registration) {
                Ok(found) => found,
                // Gone with its event: nothing to pass on.
                Err(diesel::result::Error::NotFound) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            dialect::write_transaction(conn, |conn| {
                dialect::lock_key(conn, &format!("event:{}", found.event_id))?;
                let r = model::find_registration(conn, found.id)?;
                let now = Utc::now().naive_utc();
                let Some(until) = r.offer_expires_at.filter(|_| r.status == OFFERED) else {
                    return Ok(());
                };
                if until > now {
                    // Run early (a clock apart): wait for the deadline again.
                    crate::jobs::enqueue(
                        conn,
                        &ExpireOffer { registration: r.id },
                        crate::jobs::EnqueueOptions {
                            run_at: Some(until),
                            dedup_key: None,
                        },
                    )?;
                    return Ok(());
                }
                let event = model::find_event(conn, r.event_id)?;
                if !model::set_registration_status(conn, r.id, &[OFFERED], CANCELLED, now)? {
                    return Ok(());
                }
                model::free_seat(conn, event.id, now)?;
                let r = model::find_registration(conn, r.id)?;
                let token = manage_token(&auth, &r.code);
                event_mail::notify(conn, &settings, &r, &event, Step::OfferExpired, &token)?;
                let promoted = promote(conn, event.id, now)?;
                tell_promoted(conn, &settings, &auth, event.id, &promoted)
            })
        })
        .await
        .map_err(|e| crate::jobs::JobError::Transient(e.to_string()))
    }
}
