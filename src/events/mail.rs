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
        }
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
    match step {
        Step::Waitlisted => {
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
        Step::Cancelled | Step::EventCancelled => {}
    }
    let action = templates::Action {
        subject: format!("{} — {}", t.get(&format!("{key}.subject")), event.title),
        heading: t.get(&format!("{key}.heading")),
        greeting: templates::greeting(t, &registration.name),
        lines,
        action_label: t.get(if matches!(step, Step::Cancelled | Step::EventCancelled) {
            "email.registration.see_event"
        } else {
            "email.registration.manage"
        }),
        action_url: Some(if matches!(step, Step::Cancelled | Step::EventCancelled) {
            event_url.clone()
        } else {
            manage_url
        }),
        note: t.get("email.registration.note"),
    };
    let content = templates::action(t, settings.base_url.as_str(), &action)?;
    let mut attachments = Vec::new();
    // A calendar entry for a seat, and its removal when a seat is given up.
    let with_calendar = matches!(step, Step::Confirmed | Step::Promoted)
        || (matches!(step, Step::Cancelled | Step::EventCancelled)
            && registration.confirmed_at.is_some());
    if with_calendar {
        let host = settings.base_url.host_str().unwrap_or("localhost");
        let organizer = settings
            .mail_from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.to_string())
            .unwrap_or_else(|_| format!("quai@{host}"));
        let cancel = matches!(step, Step::Cancelled | Step::EventCancelled);
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
    let to = mail::parse_recipient("email", &registration.email)?;
    mail::enqueue(conn, &to, content, attachments, EnqueueOptions::default())?;
    Ok(())
}
