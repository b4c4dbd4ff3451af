//! Offerings as search documents: the published offerings of active organizations, as their
//! public page shows them.

use diesel::prelude::*;

use super::model;
use crate::db::DbConnection;
use crate::db::schema::offerings;
use crate::orgs::model as orgs;
use crate::search::{Document, Kind, Source, Visibility, text};

pub struct Offerings;

impl Source for Offerings {
    fn kind(&self) -> Kind {
        Kind::Offering
    }

    fn load(&self, conn: &mut DbConnection, id: i64) -> QueryResult<Option<Document>> {
        let Some(o) = model::find(conn, id).optional()? else {
            return Ok(None);
        };
        let org = orgs::find(conn, o.organization_id)?;
        if o.status != "published" || org.status != orgs::ACTIVE {
            return Ok(None);
        }
        let themes = model::theme_slugs(conn, o.id)?;
        let theme_labels = crate::themes::model::labels(conn, &themes)?;
        let mut words = vec![o.summary.clone(), text::plain(&o.body)];
        words.retain(|w| !w.trim().is_empty());
        Ok(Some(Document {
            id: Kind::Offering.doc_id(o.id),
            kind: Kind::Offering,
            title: o.title.clone(),
            text: words.join(" — "),
            themes,
            theme_labels,
            organization: Some(org.name.clone()),
            org_kind: Some(org.kind.clone()),
            city: Some(org.city.clone()).filter(|c| !c.trim().is_empty()),
            starts_at: None,
            ends_at: None,
            published_at: o.published_at.unwrap_or(o.created_at).and_utc().timestamp(),
            visibility: Visibility::Public,
            url: format!("/offres/{}", o.slug),
        }))
    }

    fn ids(&self, conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
        offerings::table
            .filter(offerings::status.eq("published"))
            .order(offerings::id.asc())
            .select(offerings::id)
            .load(conn)
    }

    /// An offering shows its organization's name, kind, city and status.
    fn dependents(&self, conn: &mut DbConnection, of: Kind, id: i64) -> QueryResult<Vec<i64>> {
        if of != Kind::Organization {
            return Ok(Vec::new());
        }
        offerings::table
            .filter(offerings::organization_id.eq(id))
            .select(offerings::id)
            .load(conn)
    }
}
