//! Calendar feeds: the public one of published events (`/events.ics`, per theme) and a person's
//! own behind a secret address (the events where they hold a seat, and the sessions of their
//! mentorships).

use chrono::{NaiveDateTime, Utc};

use super::mail as event_mail;
use super::model::{self, Event, SEATED};
use crate::auth::AuthState;
use crate::auth::model as auth_model;
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool};
use crate::error::AppError;

/// The public calendar feed: the events of the last 30 days and to come, optionally of one
/// theme (404 for an unknown theme), as iCalendar text.
pub async fn feed(
    pool: &Pool,
    settings: &Settings,
    theme: Option<String>,
) -> Result<String, AppError> {
    let base = settings.base_url.as_str().trim_end_matches('/').to_owned();
    let host = settings
        .base_url
        .host_str()
        .unwrap_or("localhost")
        .to_owned();
    db::run(pool, move |conn| {
        let mut name = "Quai · Amiens Cluster".to_owned();
        if let Some(slug) = &theme {
            let ids = crate::themes::model::resolve(conn, std::slice::from_ref(slug))?
                .map_err(|_| AppError::NotFound)?;
            let found = crate::themes::model::find(conn, ids[0])?;
            name = format!("{name} · {}", found.label_fr);
        }
        let now = Utc::now().naive_utc();
        let events = model::for_feed(conn, now - chrono::Duration::days(30), theme.as_deref())?;
        feed_of(conn, &name, &base, &host, &events, &[], now)
    })
    .await
}

/// The personal calendar feed: the events where the person holds a seat.
pub async fn personal_feed(
    pool: &Pool,
    settings: &Settings,
    user_id: i64,
) -> Result<String, AppError> {
    let base = settings.base_url.as_str().trim_end_matches('/').to_owned();
    let host = settings
        .base_url
        .host_str()
        .unwrap_or("localhost")
        .to_owned();
    db::run(pool, move |conn| {
        let user = auth_model::by_id(conn, user_id).map_err(|_| AppError::NotFound)?;
        let email = if user.email_verified_at.is_some() {
            user.email.to_lowercase()
        } else {
            String::new()
        };
        let now = Utc::now().naive_utc();
        let events: Vec<Event> = model::of_person(conn, user_id, &email)?
            .into_iter()
            .filter(|(r, e)| {
                SEATED.contains(&r.status.as_str()) && e.ends_at > now - chrono::Duration::days(90)
            })
            .map(|(_, e)| e)
            .collect();
        // Mentoring sessions of the person's mentorships join their seats.
        let appointments = crate::mentoring::workflow::calendar_of(conn, user_id, &base, &host)?;
        feed_of(
            conn,
            "Quai · mes inscriptions",
            &base,
            &host,
            &events,
            &appointments,
            now,
        )
    })
    .await
}

/// A calendar feed of `events`, each with its page's address and its place.
fn feed_of(
    conn: &mut DbConnection,
    name: &str,
    base: &str,
    host: &str,
    events: &[Event],
    appointments: &[super::calendar::Appointment],
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let mut items = Vec::with_capacity(events.len());
    for event in events {
        items.push(super::calendar::FeedItem {
            event,
            url: format!("{base}/evenements/{}", event.slug),
            location: event_mail::location(conn, event)?,
        });
    }
    Ok(super::calendar::feed(name, host, &items, appointments, now))
}

/// The secret of a person's calendar feed address.
pub fn feed_token(auth: &AuthState, user_id: i64) -> String {
    auth.link_token(&format!("calendar:{user_id}"))
}
