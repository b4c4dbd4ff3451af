//! Mentors and projects as search documents. A mentor is found after their profile's
//! visibility (public, members; hidden ones not at all) while their account is active; a
//! project only where its owners allow it (public or members) and while it is open or matched.

use diesel::prelude::*;

use super::model::{self, Mentor, Project};
use crate::auth::model as auth_model;
use crate::db::DbConnection;
use crate::db::schema::{mentor_profiles, projects};
use crate::orgs::model as orgs;
use crate::search::{Document, Kind, Source, Visibility, text};

pub struct Mentors;
pub struct Projects;

fn visibility(value: &str) -> Option<Visibility> {
    match value {
        "public" => Some(Visibility::Public),
        "members" => Some(Visibility::Members),
        _ => None,
    }
}

fn theme_words(conn: &mut DbConnection, slugs: &[String]) -> QueryResult<Vec<String>> {
    crate::themes::model::labels(conn, slugs)
}

pub fn mentor_document(conn: &mut DbConnection, m: &Mentor) -> QueryResult<Option<Document>> {
    let Some(visibility) = visibility(&m.visibility) else {
        return Ok(None);
    };
    let user = auth_model::by_id(conn, m.user_id)?;
    if !user.can_sign_in() {
        return Ok(None);
    }
    let expertise = model::expertise(conn, m.id)?;
    let themes: Vec<String> = expertise.iter().map(|(_, slug, ..)| slug.clone()).collect();
    let theme_labels = theme_words(conn, &themes)?;
    let organization = match m.organization_id {
        Some(id) => orgs::find(conn, id).optional()?,
        None => None,
    };
    let mut words = vec![
        m.headline.clone(),
        text::plain(&m.bio),
        "mentor mentorat mentoring".to_owned(),
    ];
    words.retain(|w| !w.trim().is_empty());
    Ok(Some(Document {
        id: Kind::Mentor.doc_id(m.id),
        kind: Kind::Mentor,
        title: user.display_name,
        text: words.join(" — "),
        themes,
        theme_labels,
        org_kind: organization.as_ref().map(|o| o.kind.clone()),
        city: organization
            .as_ref()
            .map(|o| o.city.clone())
            .filter(|c| !c.trim().is_empty()),
        organization: organization.map(|o| o.name),
        starts_at: None,
        ends_at: None,
        published_at: m.created_at.and_utc().timestamp(),
        visibility,
        url: format!("/mentorat/mentors/{}", m.slug),
    }))
}

pub fn project_document(conn: &mut DbConnection, p: &Project) -> QueryResult<Option<Document>> {
    let Some(visibility) = visibility(&p.visibility) else {
        return Ok(None);
    };
    if p.status == "closed" {
        return Ok(None);
    }
    let organization = orgs::find(conn, p.organization_id)?;
    if organization.status != orgs::ACTIVE {
        return Ok(None);
    }
    let themes: Vec<String> = model::needs(conn, p.id)?
        .into_iter()
        .map(|(_, slug, ..)| slug)
        .collect();
    let theme_labels = theme_words(conn, &themes)?;
    let mut words = vec![
        text::plain(&p.summary),
        p.goals.clone(),
        "projet project".to_owned(),
    ];
    words.retain(|w| !w.trim().is_empty());
    Ok(Some(Document {
        id: Kind::Project.doc_id(p.id),
        kind: Kind::Project,
        title: p.title.clone(),
        text: words.join(" — "),
        themes,
        theme_labels,
        organization: Some(organization.name.clone()),
        org_kind: Some(organization.kind.clone()),
        city: Some(organization.city.clone()).filter(|c| !c.trim().is_empty()),
        starts_at: None,
        ends_at: None,
        published_at: p.created_at.and_utc().timestamp(),
        visibility,
        url: format!("/mentorat/projets/{}", p.slug),
    }))
}

impl Source for Mentors {
    fn kind(&self) -> Kind {
        Kind::Mentor
    }

    fn load(&self, conn: &mut DbConnection, id: i64) -> QueryResult<Option<Document>> {
        match model::find_mentor(conn, id).optional()? {
            Some(m) => mentor_document(conn, &m),
            None => Ok(None),
        }
    }

    fn ids(&self, conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
        mentor_profiles::table
            .order(mentor_profiles::id.asc())
            .select(mentor_profiles::id)
            .load(conn)
    }

    /// A mentor's document shows their organization's name.
    fn dependents(&self, conn: &mut DbConnection, of: Kind, id: i64) -> QueryResult<Vec<i64>> {
        if of != Kind::Organization {
            return Ok(Vec::new());
        }
        mentor_profiles::table
            .filter(mentor_profiles::organization_id.eq(id))
            .select(mentor_profiles::id)
            .load(conn)
    }
}

impl Source for Projects {
    fn kind(&self) -> Kind {
        Kind::Project
    }

    fn load(&self, conn: &mut DbConnection, id: i64) -> QueryResult<Option<Document>> {
        match model::find_project(conn, id).optional()? {
            Some(p) => project_document(conn, &p),
            None => Ok(None),
        }
    }

    fn ids(&self, conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
        projects::table
            .order(projects::id.asc())
            .select(projects::id)
            .load(conn)
    }

    /// A project's document shows its startup's name and depends on its status.
    fn dependents(&self, conn: &mut DbConnection, of: Kind, id: i64) -> QueryResult<Vec<i64>> {
        if of != Kind::Organization {
            return Ok(Vec::new());
        }
        projects::table
            .filter(projects::organization_id.eq(id))
            .select(projects::id)
            .load(conn)
    }
}
