//! Organizations as search documents: active ones for everyone, those awaiting a decision or
//! suspended for the cluster's staff.

use diesel::prelude::*;

use super::model::{self, Organization};
use crate::db::DbConnection;
use crate::db::schema::organizations;
use crate::search::{Document, Kind, Source, Visibility, text};

pub struct Organizations;

/// Who may find an organization in this status; `None`: nobody (refused).
pub fn visibility(status: &str) -> Option<Visibility> {
    match status {
        model::ACTIVE => Some(Visibility::Public),
        model::PENDING | "suspended" => Some(Visibility::Admins),
        _ => None,
    }
}

pub fn document(conn: &mut DbConnection, org: &Organization) -> QueryResult<Option<Document>> {
    let Some(visibility) = visibility(&org.status) else {
        return Ok(None);
    };
    let themes = model::theme_slugs(conn, org.id)?;
    let theme_labels = crate::themes::model::labels(conn, &themes)?;
    // Its kind as words too: "startup" finds the startups.
    let kind = match org.kind.as_str() {
        "startup" => "startup",
        "partner" => "partenaire partner",
        _ => "membre fondateur founding member",
    };
    let mut words = vec![
        org.pitch.clone(),
        text::plain(&org.description),
        org.sector.clone(),
        kind.to_owned(),
    ];
    words.retain(|w| !w.trim().is_empty());
    Ok(Some(Document {
        id: Kind::Organization.doc_id(org.id),
        kind: Kind::Organization,
        title: org.name.clone(),
        text: words.join(" — "),
        themes,
        theme_labels,
        organization: Some(org.name.clone()),
        org_kind: Some(org.kind.clone()),
        city: Some(org.city.clone()).filter(|c| !c.trim().is_empty()),
        starts_at: None,
        ends_at: None,
        published_at: org.created_at.and_utc().timestamp(),
        visibility,
        url: org.path(),
    }))
}

impl Source for Organizations {
    fn kind(&self) -> Kind {
        Kind::Organization
    }

    fn load(&self, conn: &mut DbConnection, id: i64) -> QueryResult<Option<Document>> {
        match model::find(conn, id).optional()? {
            Some(org) => document(conn, &org),
            None => Ok(None),
        }
    }

    fn ids(&self, conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
        organizations::table
            .order(organizations::id.asc())
            .select(organizations::id)
            .load(conn)
    }
}
