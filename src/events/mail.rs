//! The emails of registrations, through the job queue, in the person's language: confirmed
//! (with the `.ics` invitation and the check-in code), waitlisted (with the place in line),
//! promoted (with the invitation), cancelled (with the calendar's cancellation). Each carries
//! the link that manages the registration without signing in.

use chrono::{DateTime, Utc};

use super::calendar::{self, Invite};
use super::model::{self, Event, Registration};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::jobs::EnqueueOptions;
use crate::mail::{self, Attachment, templates};
use crate::web::{Lang, dates};

/// What happened to a registration.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Confirmed,
    Waitlisted,
    Promoted,
    Cancelled,
    /// The event itself is cancelled.
    EventCancelled,
    /// The day before.
    Reminder,
    /// A guest confirms their address by the link (nobody registers someone else).
    ConfirmAddress,
    /// A guest asked again while already registered: their link, again.
    AlreadyRegistered,
    /// The organizers look at the request first.
    AwaitingApproval,
    /// The organizers did not accept the request.
    Declined,
    /// Timed-offer mode: a seat is held for the person until a deadline.
    Offered,
    /// The held seat was not taken in time and passed to the next person.
    OfferExpired,
    /// A smaller capacity sent the person back to the head of the waiting line.
    Bumped,
    /// A smaller capacity cancelled the registration.
    Dropped,
}

impl Step {
    fn key(self) -> &'static str {
        match self {
            Step::Confirmed => "confirmed",
            Step::Waitlisted => "waitlisted",
            Step::Promoted => "promoted",
            Step::Cancelled => "cancelled",
            Step::EventCancelled => "event_cancelled",
            Step::Reminder => "reminder",
            Step::ConfirmAddress => "confirm_address",
            Step::AlreadyRegistered => "already_registered",
            Step::AwaitingApproval => "awaiting_approval",
            Step::Declined => "declined",
            Step::Offered => "offered",
            Step::OfferExpired => "offer_expired",
            Step::Bumped => "bumped",
            Step::Dropped => "dropped",
        }
    }

    /// The steps after which the registration is over: the email links to the event.
    fn ends(self) -> bool {
        matches!(
            self,
            Step::Cancelled
                | Step::EventCancelled
                | Step::Declined
                | Step::OfferExpired
                | Step::Dropped
        )
    }
}

/// Where the event takes place, in words.
pub fn location(conn: &mut DbConnection, event: &Event) -> Result<String, AppError> {
    if let Some(room_id) = event.room_id
        && let Some(room) = model::find_room(conn, room_id)?
    {
        let venue = model::find_venue(conn, room.venue_id)?;
        let mut place = format!("{}, {}", room.name, venue.name);
        if !venue.address.is_empty() {
            place.push_str(&format!(", {}", venue.address));
        }
        place.push_str(&format!(", {}", venue.city));
        return Ok(place);
    }
    Ok(event.online_url.clone())
}

/// Queues the email of `step` to the registration's person; `manage_token` opens its link.
pub fn notify(
    conn: &mut DbConnection,
    settings: &Settings,
    registration: &Registration,
    event: &Event,
    step: Step,
    manage_token: &str,
) -> Result<(), AppError> {
    let lang = Lang::parse(&registration.lang).unwrap_or_default();
    let t = lang.t();
    let base = settings.base_url.as_str().trim_end_matches('/');
    let event_url = format!("{base}/evenements/{}", event.slug);
    let manage_url = format!("{base}/inscriptions?jeton={manage_token}");
    let place = location(conn, event)?;
    let key = format!("email.registration.{}", step.key());
    let when = dates::datetime(
        DateTime::<Utc>::from_naive_utc_and_offset(event.starts_at, Utc),
        lang,
    );
    let intro = format!("{} « {} »", t.get(&format!("{key}.body")), event.title);
    let when_line = format!("{} {when}", t.get("email.registration.when"));
    let place_line = format!("{} {place}", t.get("email.registration.where"));
    let mut lines = vec![intro.as_str(), when_line.as_str()];
    if !place.is_empty() {
        lines.push(place_line.as_str());
    }
    let position_line;
    let code_line;
    let offer_line;
    match step {
        Step::Waitlisted | Step::Bumped => {
            let position = model::waitlist_position(conn, registration)?;
            position_line = t
                .get("email.registration.position")
                .replace("{n}", &position.to_string());
            lines.push(position_line.as_str());
        }
        Step::Confirmed | Step::Promoted | Step::Reminder => {
            code_line = format!("{} {}", t.get("email.registration.code"), registration.code);
            lines.push(code_line.as_str());
        }
        Step::Offered => {
            let until = registration.offer_expires_at.unwrap_or(event.starts_at);
            offer_line = t.get("email.registration.offer_until").replace(
                "{at}",
                &dates::datetime(DateTime::<Utc>::from_naive_utc_and_offset(until, Utc), lang),
            );
            lines.push(offer_line.as_str());
        }
        _ => {}
    }
    let action = templates::Action {
        subject: format!("{} — {}", t.get(&format!("{key}.subject")), event.title),
        heading: t.get(&format!("{key}.heading")),
        greeting: templates::greeting(t, &registration.name),
        lines,
        action_label: t.get(match step {
            _ if step.ends() => "email.registration.see_event",
            Step::ConfirmAddress => "email.registration.confirm",
            Step::Offered => "email.registration.accept",
            _ => "email.registration.manage",
        }),
        action_url: Some(if step.ends() {
            event_url.clone()
        } else {
            manage_url
        }),
        note: t.get("email.registration.note"),
    };
    let content = templates::action(t, settings.base_url.as_str(), &action)?;
    let mut attachments = Vec::new();
    // A calendar entry for a seat, and its removal when a seat is given up.
    let seated = matches!(step, Step::Confirmed | Step::Promoted);
    let with_calendar =
        seated || ((step.ends() || step == Step::Bumped) && registration.confirmed_at.is_some());
    if with_calendar {
        let host = settings.base_url.host_str().unwrap_or("localhost");
        let organizer = settings
            .mail_from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.to_string())
            .unwrap_or_else(|_| format!("quai@{host}"));
        let cancel = !seated;
        attachments.push(Attachment {
            filename: "evenement.ics".into(),
            content_type: format!(
                "text/calendar; charset=utf-8; method={}",
                if cancel { "CANCEL" } else { "REQUEST" }
            ),
            content: calendar::invite(&Invite {
                event,
                host,
                url: &event_url,
                location: &place,
                organizer: &organizer,
                cancel,
                now: Utc::now().naive_utc(),
            }),
        });
    }
    if seated {
        // The ticket: a QR code that opens the organizers' check-in page on this registration.
        attachments.push(Attachment {
            filename: format!("billet-{}.svg", registration.code),
            content_type: "image/svg+xml".into(),
            content: super::checkin::ticket_svg(settings, event.id, &registration.code),
        });
    }
    let to = mail::parse_recipient("email", &registration.email)?;
    mail::enqueue(conn, &to, content, attachments, EnqueueOptions::default())?;
    Ok(())
}
