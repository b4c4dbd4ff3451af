//! The emails of registrations, through the job queue, in the person's language: confirmed
//! (with the `.ics` invitation and the check-in code), waitlisted (with the place in line),
//! promoted (with the invitation), cancelled (with the calendar's cancellation), the event
//! changed (what changed, old → new; the updated invitation for a seat), and the organizers'
//! messages (`emails/event_broadcast`). Each carries the link that manages the registration
//! without signing in.

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
    /// The organizers moved it (times, room or online link).
    Changed,
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
            Step::Changed => "changed",
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
    Ok(room_place(conn, event.room_id)?.unwrap_or_else(|| event.online_url.clone()))
}

/// A room in words: « Salle Somme, Quai de l’innovation, 1 quai de la Somme, Amiens ».
fn room_place(conn: &mut DbConnection, room_id: Option<i64>) -> Result<Option<String>, AppError> {
    let Some(room) = room_id
        .map(|id| model::find_room(conn, id))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let venue = model::find_venue(conn, room.venue_id)?;
    let mut place = format!("{}, {}", room.name, venue.name);
    if !venue.address.is_empty() {
        place.push_str(&format!(", {}", venue.address));
    }
    place.push_str(&format!(", {}", venue.city));
    Ok(Some(place))
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
    notify_with(conn, settings, registration, event, step, manage_token, &[])
}

/// [`notify`] with `extra` lines after the first one (what changed, for [`Step::Changed`]).
pub fn notify_with(
    conn: &mut DbConnection,
    settings: &Settings,
    registration: &Registration,
    event: &Event,
    step: Step,
    manage_token: &str,
    extra: &[String],
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
    let mut lines = vec![intro.as_str()];
    lines.extend(extra.iter().map(String::as_str));
    lines.push(when_line.as_str());
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
        Step::Changed if registration.status == model::CONFIRMED => {
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
    // A moved event replaces the calendar entry of a seat (same UID, a later sequence).
    let invite = seated || (step == Step::Changed && registration.status == model::CONFIRMED);
    let with_calendar =
        invite || ((step.ends() || step == Step::Bumped) && registration.confirmed_at.is_some());
    if with_calendar {
        let host = settings.base_url.host_str().unwrap_or("localhost");
        let organizer = settings
            .mail_from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.to_string())
            .unwrap_or_else(|_| format!("quai@{host}"));
        let cancel = !invite;
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

/// What changed for the people registered, « old → new », in `lang`: start, end, room, online
/// link. Empty when none of them changed.
pub fn changes(
    conn: &mut DbConnection,
    before: &Event,
    after: &Event,
    lang: Lang,
) -> Result<Vec<String>, AppError> {
    let t = lang.t();
    let at = |when| dates::datetime(DateTime::<Utc>::from_naive_utc_and_offset(when, Utc), lang);
    let none = t.get("email.event_changed.none");
    let mut lines = Vec::new();
    let mut line = |key: &str, old: String, new: String| {
        lines.push(format!(
            "{} {old} → {new}",
            t.get(&format!("email.event_changed.{key}"))
        ));
    };
    if before.starts_at != after.starts_at {
        line("starts", at(before.starts_at), at(after.starts_at));
    }
    if before.ends_at != after.ends_at {
        line("ends", at(before.ends_at), at(after.ends_at));
    }
    if before.room_id != after.room_id {
        let online = t.get("email.event_changed.online");
        let old = room_place(conn, before.room_id)?.unwrap_or_else(|| online.to_owned());
        let new = room_place(conn, after.room_id)?.unwrap_or_else(|| online.to_owned());
        line("room", old, new);
    }
    if before.online_url != after.online_url {
        let or_none = |url: &str| {
            if url.is_empty() {
                none.to_owned()
            } else {
                url.to_owned()
            }
        };
        line(
            "online_url",
            or_none(&before.online_url),
            or_none(&after.online_url),
        );
    }
    Ok(lines)
}

#[derive(askama::Template)]
#[template(path = "emails/event_broadcast.txt")]
struct BroadcastText<'a> {
    t: crate::web::Translator,
    base_url: &'a str,
    greeting: &'a str,
    intro: &'a str,
    paragraphs: &'a [&'a str],
    when: &'a str,
    place: &'a str,
    event_url: &'a str,
    manage_url: &'a str,
}

#[derive(askama::Template)]
#[template(path = "emails/event_broadcast.html")]
struct BroadcastHtml<'a> {
    t: crate::web::Translator,
    base_url: &'a str,
    heading: &'a str,
    greeting: &'a str,
    intro: &'a str,
    /// Each paragraph's lines.
    paragraphs: Vec<Vec<&'a str>>,
    when: &'a str,
    place: &'a str,
    event_url: &'a str,
    manage_url: &'a str,
}

/// Queues an organizers' message to the registration's person: their words as plain text,
/// with the event's link and the one that manages the registration.
pub fn broadcast(
    conn: &mut DbConnection,
    settings: &Settings,
    registration: &Registration,
    event: &Event,
    subject: &str,
    message: &str,
    manage_token: &str,
) -> Result<(), AppError> {
    let lang = Lang::parse(&registration.lang).unwrap_or_default();
    let t = lang.t();
    let base_url = settings.base_url.as_str();
    let base = base_url.trim_end_matches('/');
    let event_url = format!("{base}/evenements/{}", event.slug);
    let manage_url = format!("{base}/inscriptions?jeton={manage_token}");
    let place = location(conn, event)?;
    let when = dates::datetime(
        DateTime::<Utc>::from_naive_utc_and_offset(event.starts_at, Utc),
        lang,
    );
    let greeting = templates::greeting(t, &registration.name);
    let intro = format!(
        "{} « {} » :",
        t.get("email.event_broadcast.intro"),
        event.title
    );
    let text = message.replace("\r\n", "\n");
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let content = templates::render(
        format!("{subject} — {}", event.title),
        &BroadcastText {
            t,
            base_url,
            greeting: &greeting,
            intro: &intro,
            paragraphs: &paragraphs,
            when: &when,
            place: &place,
            event_url: &event_url,
            manage_url: &manage_url,
        },
        &BroadcastHtml {
            t,
            base_url,
            heading: &event.title,
            greeting: &greeting,
            intro: &intro,
            paragraphs: paragraphs.iter().map(|p| p.lines().collect()).collect(),
            when: &when,
            place: &place,
            event_url: &event_url,
            manage_url: &manage_url,
        },
    )?;
    let to = mail::parse_recipient("email", &registration.email)?;
    mail::enqueue(conn, &to, content, Vec::new(), EnqueueOptions::default())?;
    Ok(())
}
