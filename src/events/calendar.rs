//! iCalendar files (RFC 5545) for the emails of registrations: `METHOD:REQUEST` when a seat is
//! confirmed, `METHOD:CANCEL` with the same UID when it is given up or the event is cancelled.
//! Times are written in UTC (`…Z`), which every calendar shows in its own time zone.

use chrono::NaiveDateTime;
use ics::properties::{
    Description, DtEnd, DtStart, Location, Method, Organizer, Sequence, Status, Summary, URL,
};
use ics::{Event as IcsEvent, ICalendar, escape_text};

use super::model::Event;

fn stamp(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The event's stable UID: one per event, whoever's calendar it is in.
pub fn uid(event: &Event, host: &str) -> String {
    format!("quai-event-{}@{host}", event.id)
}

pub struct Invite<'a> {
    pub event: &'a Event,
    pub host: &'a str,
    pub url: &'a str,
    pub location: &'a str,
    /// `mailto:` address of the organizer.
    pub organizer: &'a str,
    pub cancel: bool,
    pub now: NaiveDateTime,
}

/// The `.ics` text of an invitation or of its cancellation.
pub fn invite(i: &Invite<'_>) -> String {
    let mut calendar = ICalendar::new("2.0", "-//Amiens Cluster//Quai//FR");
    calendar.push(Method::new(if i.cancel { "CANCEL" } else { "REQUEST" }));
    let mut event = IcsEvent::new(uid(i.event, i.host), stamp(i.now));
    event.push(DtStart::new(stamp(i.event.starts_at)));
    event.push(DtEnd::new(stamp(i.event.ends_at)));
    event.push(Summary::new(escape_text(i.event.title.clone())));
    let mut description = i.event.summary.clone();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(i.url);
    event.push(Description::new(escape_text(description)));
    if !i.location.is_empty() {
        event.push(Location::new(escape_text(i.location.to_owned())));
    }
    event.push(URL::new(i.url.to_owned()));
    event.push(Organizer::new(format!("mailto:{}", i.organizer)));
    // Later messages about the same UID must carry a higher sequence to replace earlier ones.
    event.push(Sequence::new(i.now.and_utc().timestamp().to_string()));
    event.push(Status::new(if i.cancel {
        "CANCELLED"
    } else {
        "CONFIRMED"
    }));
    calendar.add_event(event);
    calendar.to_string()
}

/// One event of a feed: the event, its address, its place.
pub struct FeedItem<'a> {
    pub event: &'a Event,
    pub url: String,
    pub location: String,
}

/// Something else of a person's calendar (a mentoring session): its own UID and times.
pub struct Appointment {
    pub uid: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub title: String,
    pub description: String,
    pub url: String,
}

/// A subscribable feed (`METHOD:PUBLISH`) of events and appointments.
pub fn feed(
    name: &str,
    host: &str,
    items: &[FeedItem<'_>],
    appointments: &[Appointment],
    now: NaiveDateTime,
) -> String {
    let mut calendar = ICalendar::new("2.0", "-//Amiens Cluster//Quai//FR");
    calendar.push(Method::new("PUBLISH"));
    calendar.push(ics::properties::Name::new(escape_text(name.to_owned())));
    calendar.push(ics::components::Property::new(
        "X-WR-CALNAME",
        escape_text(name.to_owned()),
    ));
    for item in items {
        let mut event = IcsEvent::new(uid(item.event, host), stamp(now));
        event.push(DtStart::new(stamp(item.event.starts_at)));
        event.push(DtEnd::new(stamp(item.event.ends_at)));
        event.push(Summary::new(escape_text(item.event.title.clone())));
        let mut description = item.event.summary.clone();
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&item.url);
        event.push(Description::new(escape_text(description)));
        if !item.location.is_empty() {
            event.push(Location::new(escape_text(item.location.clone())));
        }
        event.push(URL::new(item.url.clone()));
        event.push(Status::new(if item.event.status == "cancelled" {
            "CANCELLED"
        } else {
            "CONFIRMED"
        }));
        calendar.add_event(event);
    }
    for a in appointments {
        let mut event = IcsEvent::new(a.uid.clone(), stamp(now));
        event.push(DtStart::new(stamp(a.starts_at)));
        event.push(DtEnd::new(stamp(a.ends_at)));
        event.push(Summary::new(escape_text(a.title.clone())));
        let mut description = a.description.clone();
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&a.url);
        event.push(Description::new(escape_text(description)));
        event.push(URL::new(a.url.clone()));
        event.push(Status::new("CONFIRMED"));
        calendar.add_event(event);
    }
    calendar.to_string()
}
