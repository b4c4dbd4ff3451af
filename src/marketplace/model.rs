//! Rows and queries of `offerings`, `offering_themes` and `offering_decisions`.

use crate::search::{self, Kind};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    offering_decisions, offering_requests, offering_themes, offerings, organizations, themes,
};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = offerings)]
pub struct Offering {
    pub id: i64,
    pub organization_id: i64,
    pub kind: String,
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub body: String,
    pub audience: String,
    pub conditions: String,
    pub contact: String,
    pub status: String,
    pub moderation_note: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields people edit.
#[derive(Clone, Debug, AsChangeset)]
#[diesel(table_name = offerings)]
pub struct Fields {
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub audience: String,
    pub conditions: String,
    pub contact: String,
}

pub fn slug_taken(conn: &mut DbConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        offerings::table.filter(offerings::slug.eq(slug)),
    ))
    .get_result(conn)
}

pub fn insert(
    conn: &mut DbConnection,
    organization_id: i64,
    slug: &str,
    f: &Fields,
    now: NaiveDateTime,
) -> QueryResult<Offering> {
    diesel::insert_into(offerings::table)
        .values((
            offerings::organization_id.eq(organization_id),
            offerings::kind.eq(&f.kind),
            offerings::title.eq(&f.title),
            offerings::slug.eq(slug),
            offerings::summary.eq(&f.summary),
            offerings::body.eq(&f.body),
            offerings::audience.eq(&f.audience),
            offerings::conditions.eq(&f.conditions),
            offerings::contact.eq(&f.contact),
            offerings::created_at.eq(now),
            offerings::updated_at.eq(now),
        ))
        .execute(conn)?;
    let offering: Offering = offerings::table
        .filter(offerings::slug.eq(slug))
        .select(Offering::as_select())
        .first(conn)?;
    search::touch(conn, Kind::Offering, offering.id)?;
    Ok(offering)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Offering> {
    offerings::table
        .find(id)
        .select(Offering::as_select())
        .first(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    f: &Fields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    search::touch(conn, Kind::Offering, id)?;
    diesel::update(offerings::table.find(id))
        .set((f, offerings::updated_at.eq(now)))
        .execute(conn)
}

/// Moves an offering from `from` to `to` (guarded: 0 when it was no longer in `from`), and
/// keeps the decision.
#[allow(clippy::too_many_arguments)]
pub fn transition(
    conn: &mut DbConnection,
    id: i64,
    from: &str,
    to: &str,
    actor: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let published_at = (to == "published").then_some(now);
    let changed = diesel::update(
        offerings::table
            .filter(offerings::id.eq(id))
            .filter(offerings::status.eq(from)),
    )
    .set((
        offerings::status.eq(to),
        offerings::moderation_note.eq(note),
        offerings::updated_at.eq(now),
        offerings::published_at.eq(published_at),
    ))
    .execute(conn)?;
    if changed == 1 {
        search::touch(conn, Kind::Offering, id)?;
        diesel::insert_into(offering_decisions::table)
            .values((
                offering_decisions::offering_id.eq(id),
                offering_decisions::actor_id.eq(actor),
                offering_decisions::from_status.eq(from),
                offering_decisions::to_status.eq(to),
                offering_decisions::note.eq(note),
                offering_decisions::at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(changed)
}

/// (from, to, note) of every decision, oldest first.
pub fn history(
    conn: &mut DbConnection,
    id: i64,
) -> QueryResult<Vec<(String, String, String, NaiveDateTime)>> {
    offering_decisions::table
        .filter(offering_decisions::offering_id.eq(id))
        .order(offering_decisions::id.asc())
        .select((
            offering_decisions::from_status,
            offering_decisions::to_status,
            offering_decisions::note,
            offering_decisions::at,
        ))
        .load(conn)
}

pub fn theme_slugs(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<String>> {
    offering_themes::table
        .inner_join(themes::table)
        .filter(offering_themes::offering_id.eq(id))
        .order(themes::position.asc())
        .select(themes::slug)
        .load(conn)
}

/// Replaces the themes; returns the unknown slugs (nothing changed then).
pub fn set_themes(conn: &mut DbConnection, id: i64, slugs: &[String]) -> QueryResult<Vec<String>> {
    let ids = match crate::themes::model::resolve(conn, slugs)? {
        Ok(ids) => ids,
        Err(unknown) => return Ok(unknown),
    };
    search::touch(conn, Kind::Offering, id)?;
    diesel::delete(offering_themes::table.filter(offering_themes::offering_id.eq(id)))
        .execute(conn)?;
    for theme_id in ids {
        diesel::insert_into(offering_themes::table)
            .values((
                offering_themes::offering_id.eq(id),
                offering_themes::theme_id.eq(theme_id),
            ))
            .execute(conn)?;
    }
    Ok(Vec::new())
}

/// The public listing's filters (all optional).
pub struct PublicFilters<'a> {
    pub kind: Option<&'a str>,
    pub theme: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub organization_kind: Option<&'a str>,
}

/// What the public sees: published offerings of active organizations, newest first.
pub fn list_public(
    conn: &mut DbConnection,
    f: &PublicFilters<'_>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Offering>, i64)> {
    let (kind, theme, audience) = (f.kind, f.theme, f.audience);
    let filtered = || {
        let active = organizations::table
            .filter(organizations::status.eq("active"))
            .select(organizations::id);
        let mut q = offerings::table
            .filter(offerings::status.eq("published"))
            .filter(offerings::organization_id.eq_any(active))
            .into_boxed();
        if let Some(kind) = kind {
            q = q.filter(offerings::kind.eq(kind.to_owned()));
        }
        if let Some(org_kind) = f.organization_kind {
            let of_kind = organizations::table
                .filter(organizations::kind.eq(org_kind.to_owned()))
                .select(organizations::id);
            q = q.filter(offerings::organization_id.eq_any(of_kind));
        }
        if let Some(audience) = audience {
            q = q.filter(offerings::audience.eq_any(vec!["all".to_owned(), audience.to_owned()]));
        }
        if let Some(theme) = theme {
            let with_theme = offering_themes::table
                .inner_join(themes::table)
                .filter(themes::slug.eq(theme.to_owned()))
                .select(offering_themes::offering_id);
            q = q.filter(offerings::id.eq_any(with_theme));
        }
        q
    };
    let items = filtered()
        .order((offerings::published_at.desc(), offerings::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Offering::as_select())
        .load(conn)?;
    let total = filtered().count().get_result(conn)?;
    Ok((items, total))
}

/// The moderation queue: submitted offerings, oldest first.
pub fn submitted(conn: &mut DbConnection) -> QueryResult<Vec<Offering>> {
    offerings::table
        .filter(offerings::status.eq("submitted"))
        .order(offerings::updated_at.asc())
        .select(Offering::as_select())
        .load(conn)
}

pub fn by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Offering> {
    offerings::table
        .filter(offerings::slug.eq(slug))
        .select(Offering::as_select())
        .first(conn)
}

/// The offerings of some organizations, newest first; only the published ones unless `all`.
pub fn of_organizations(
    conn: &mut DbConnection,
    organization_ids: &[i64],
    all: bool,
) -> QueryResult<Vec<Offering>> {
    let mut q = offerings::table
        .filter(offerings::organization_id.eq_any(organization_ids.to_vec()))
        .into_boxed();
    if !all {
        q = q.filter(offerings::status.eq("published"));
    }
    q.order((offerings::updated_at.desc(), offerings::id.desc()))
        .select(Offering::as_select())
        .load(conn)
}

/// (slug, updated_at) of every public offering, for the sitemap.
pub fn public_pages(conn: &mut DbConnection) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let active = organizations::table
        .filter(organizations::status.eq("active"))
        .select(organizations::id);
    offerings::table
        .filter(offerings::status.eq("published"))
        .filter(offerings::organization_id.eq_any(active))
        .order(offerings::id.asc())
        .select((offerings::slug, offerings::updated_at))
        .load(conn)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = offering_requests)]
pub struct Request {
    pub id: i64,
    pub offering_id: i64,
    pub requester_org_id: i64,
    pub requester_id: Option<i64>,
    pub message: String,
    pub status: String,
    pub answer: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub reminded_at: Option<NaiveDateTime>,
}

pub struct NewRequest<'a> {
    pub offering_id: i64,
    pub requester_org_id: i64,
    pub requester_id: i64,
    pub message: &'a str,
    pub now: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A new request, or `None` when this organization already has an open one for the offering.
pub fn insert_request(
    conn: &mut DbConnection,
    new: &NewRequest<'_>,
) -> QueryResult<Option<Request>> {
    let open = open_request(conn, new.offering_id, new.requester_org_id)?;
    if open.is_some() {
        return Ok(None);
    }
    diesel::insert_into(offering_requests::table)
        .values((
            offering_requests::offering_id.eq(new.offering_id),
            offering_requests::requester_org_id.eq(new.requester_org_id),
            offering_requests::requester_id.eq(new.requester_id),
            offering_requests::message.eq(new.message),
            offering_requests::created_at.eq(new.now),
            offering_requests::updated_at.eq(new.now),
            offering_requests::expires_at.eq(new.expires_at),
        ))
        .execute(conn)?;
    open_request(conn, new.offering_id, new.requester_org_id)
}

fn open_request(
    conn: &mut DbConnection,
    offering_id: i64,
    requester_org_id: i64,
) -> QueryResult<Option<Request>> {
    offering_requests::table
        .filter(offering_requests::offering_id.eq(offering_id))
        .filter(offering_requests::requester_org_id.eq(requester_org_id))
        .filter(offering_requests::status.eq_any(["new", "in_discussion"]))
        .select(Request::as_select())
        .first(conn)
        .optional()
}

pub fn find_request(conn: &mut DbConnection, id: i64) -> QueryResult<Request> {
    offering_requests::table
        .find(id)
        .select(Request::as_select())
        .first(conn)
}

/// Moves a request on (guarded: 0 when it was no longer in one of `from`).
pub fn set_request_status(
    conn: &mut DbConnection,
    id: i64,
    from: &[&str],
    to: &str,
    answer: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        offering_requests::table
            .filter(offering_requests::id.eq(id))
            .filter(offering_requests::status.eq_any(from.to_vec())),
    )
    .set((
        offering_requests::status.eq(to),
        offering_requests::answer.eq(answer),
        offering_requests::updated_at.eq(now),
        offering_requests::expires_at.eq(expires_at),
    ))
    .execute(conn)
}

/// Marks the reminder sent, once, for a request still unanswered.
pub fn mark_reminded(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        offering_requests::table
            .filter(offering_requests::id.eq(id))
            .filter(offering_requests::status.eq("new"))
            .filter(offering_requests::reminded_at.is_null()),
    )
    .set(offering_requests::reminded_at.eq(now))
    .execute(conn)
}

/// Expires an open request whose time has come (guarded by status and date).
pub fn expire_request(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        offering_requests::table
            .filter(offering_requests::id.eq(id))
            .filter(offering_requests::status.eq_any(["new", "in_discussion"]))
            .filter(offering_requests::expires_at.le(now)),
    )
    .set((
        offering_requests::status.eq("expired"),
        offering_requests::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Requests about the offerings of some organizations (received) or sent by them, newest first.
pub fn requests_of(
    conn: &mut DbConnection,
    organization_ids: &[i64],
    received: bool,
) -> QueryResult<Vec<Request>> {
    let ids = organization_ids.to_vec();
    let mut q = offering_requests::table.into_boxed();
    if received {
        let theirs = offerings::table
            .filter(offerings::organization_id.eq_any(ids))
            .select(offerings::id);
        q = q.filter(offering_requests::offering_id.eq_any(theirs));
    } else {
        q = q.filter(offering_requests::requester_org_id.eq_any(ids));
    }
    q.order(offering_requests::id.desc())
        .select(Request::as_select())
        .load(conn)
}
