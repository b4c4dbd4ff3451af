//! Events as search documents: published events, upcoming and past, with their place and the
//! titles and speakers of their agenda.

use diesel::prelude::*;

use super::model::{self, PUBLISHED};
use crate::db::DbConnection;
use crate::db::schema::{event_sessions, events, rooms, session_speakers, venues};
use crate::orgs::model as orgs;
use crate::search::{Document, Kind, Source, Visibility, text};

pub struct Events;

impl Source for Events {
    fn kind(&self) -> Kind {
        Kind::Event
    }

    fn load(&self, conn: &mut DbConnection, id: i64) -> QueryResult<Option<Document>> {
        let Some(e) = model::find_event(conn, id).optional()? else {
            return Ok(None);
        };
        if e.status != PUBLISHED {
            return Ok(None);
        }
        let org = match e.organization_id {
            Some(org) => orgs::find(conn, org).optional()?,
            None => None,
        };
        let place: Option<(String, String)> = match e.room_id {
            Some(room) => rooms::table
                .inner_join(venues::table)
                .filter(rooms::id.eq(room))
                .select((venues::name, venues::city))
                .first(conn)
                .optional()?,
            None => None,
        };
        let sessions: Vec<(i64, String)> = event_sessions::table
            .filter(event_sessions::event_id.eq(e.id))
            .order((event_sessions::starts_at.asc(), event_sessions::id.asc()))
            .select((event_sessions::id, event_sessions::title))
            .load(conn)?;
        let speakers: Vec<String> = session_speakers::table
            .filter(session_speakers::session_id.eq_any(sessions.iter().map(|(id, _)| *id)))
            .select(session_speakers::name)
            .distinct()
            .load(conn)?;
        let themes = model::theme_slugs(conn, e.id)?;
        let theme_labels = crate::themes::model::labels(conn, &themes)?;
        let mut words = vec![e.summary.clone(), text::plain(&e.description)];
        words.extend(sessions.into_iter().map(|(_, title)| title));
        words.extend(speakers);
        if let Some((venue, _)) = &place {
            words.push(venue.clone());
        }
        words.retain(|w| !w.trim().is_empty());
        Ok(Some(Document {
            id: Kind::Event.doc_id(e.id),
            kind: Kind::Event,
            title: e.title.clone(),
            text: words.join(" — "),
            themes,
            theme_labels,
            organization: org.as_ref().map(|o| o.name.clone()),
            org_kind: org.as_ref().map(|o| o.kind.clone()),
            city: place.map(|(_, city)| city).filter(|c| !c.trim().is_empty()),
            starts_at: Some(e.starts_at.and_utc().timestamp()),
            ends_at: Some(e.ends_at.and_utc().timestamp()),
            published_at: e.created_at.and_utc().timestamp(),
            visibility: Visibility::Public,
            url: format!("/evenements/{}", e.slug),
        }))
    }

    fn ids(&self, conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
        events::table
            .filter(events::status.eq(PUBLISHED))
            .order(events::id.asc())
            .select(events::id)
            .load(conn)
    }

    /// An event shows its organization's name and kind.
    fn dependents(&self, conn: &mut DbConnection, of: Kind, id: i64) -> QueryResult<Vec<i64>> {
        if of != Kind::Organization {
            return Ok(Vec::new());
        }
        events::table
            .filter(events::organization_id.eq(id))
            .select(events::id)
            .load(conn)
    }
}
