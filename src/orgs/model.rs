//! Rows and queries of `organizations`, `organization_themes` and `organization_members`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{organization_members, organization_themes, organizations, themes};

pub const ACTIVE: &str = "active";
pub const PENDING: &str = "pending";
pub const OWNER: &str = "owner";

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub name: String,
    pub slug: String,
    pub pitch: String,
    pub description: String,
    pub sector: String,
    pub stage: Option<String>,
    pub team_size: Option<i32>,
    pub founded_year: Option<i32>,
    pub city: String,
    pub website: String,
    pub contact_email: String,
    pub verified: bool,
    pub moderation_note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The stored logo's file name under `<data_dir>/media/logos`, if any.
    pub logo: Option<String>,
}

/// The fields people edit.
#[derive(Clone, Debug, AsChangeset, Insertable)]
#[diesel(table_name = organizations)]
pub struct Fields {
    pub name: String,
    pub pitch: String,
    pub description: String,
    pub sector: String,
    pub stage: Option<String>,
    pub team_size: Option<i32>,
    pub founded_year: Option<i32>,
    pub city: String,
    pub website: String,
    pub contact_email: String,
}

pub fn slug_taken(conn: &mut DbConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        organizations::table.filter(organizations::slug.eq(slug)),
    ))
    .get_result(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &mut DbConnection,
    kind: &str,
    status: &str,
    slug: &str,
    fields: &Fields,
    now: NaiveDateTime,
) -> QueryResult<Organization> {
    diesel::insert_into(organizations::table)
        .values((
            fields,
            organizations::kind.eq(kind),
            organizations::status.eq(status),
            organizations::slug.eq(slug),
            organizations::created_at.eq(now),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)?;
    organizations::table
        .filter(organizations::slug.eq(slug))
        .select(Organization::as_select())
        .first(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    fields: &Fields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set((fields, organizations::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set((
            organizations::status.eq(status),
            organizations::moderation_note.eq(note),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Sets (or clears) the stored logo's file name.
pub fn set_logo(
    conn: &mut DbConnection,
    id: i64,
    logo: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set((
            organizations::logo.eq(logo),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Organization> {
    organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
}

pub fn by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Organization> {
    organizations::table
        .filter(organizations::slug.eq(slug))
        .select(Organization::as_select())
        .first(conn)
}

/// Public listing: active organizations, optionally of one kind and one theme, by name.
pub fn list_active(
    conn: &mut DbConnection,
    kind: Option<&str>,
    theme: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Organization>, i64)> {
    let filtered = || {
        let mut q = organizations::table
            .filter(organizations::status.eq(ACTIVE))
            .into_boxed();
        if let Some(kind) = kind {
            q = q.filter(organizations::kind.eq(kind.to_owned()));
        }
        if let Some(theme) = theme {
            let with_theme = organization_themes::table
                .inner_join(themes::table)
                .filter(themes::slug.eq(theme.to_owned()))
                .select(organization_themes::organization_id);
            q = q.filter(organizations::id.eq_any(with_theme));
        }
        q
    };
    let items = filtered()
        .order((organizations::name.asc(), organizations::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(Organization::as_select())
        .load(conn)?;
    let total = filtered().count().get_result(conn)?;
    Ok((items, total))
}

pub fn theme_slugs(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<String>> {
    organization_themes::table
        .inner_join(themes::table)
        .filter(organization_themes::organization_id.eq(id))
        .order(themes::position.asc())
        .select(themes::slug)
        .load(conn)
}

/// Replaces the themes; returns the slugs that do not exist (nothing is changed then).
pub fn set_themes(conn: &mut DbConnection, id: i64, slugs: &[String]) -> QueryResult<Vec<String>> {
    let ids = match crate::themes::model::resolve(conn, slugs)? {
        Ok(ids) => ids,
        Err(unknown) => return Ok(unknown),
    };
    diesel::delete(organization_themes::table.filter(organization_themes::organization_id.eq(id)))
        .execute(conn)?;
    for theme_id in ids {
        diesel::insert_into(organization_themes::table)
            .values((
                organization_themes::organization_id.eq(id),
                organization_themes::theme_id.eq(theme_id),
            ))
            .execute(conn)?;
    }
    Ok(Vec::new())
}

pub fn add_member(
    conn: &mut DbConnection,
    id: i64,
    user_id: i64,
    role: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(organization_members::table)
        .values((
            organization_members::organization_id.eq(id),
            organization_members::user_id.eq(user_id),
            organization_members::role.eq(role),
            organization_members::joined_at.eq(now),
        ))
        .execute(conn)
}

/// The member's role in the organization, if any.
pub fn role_of(conn: &mut DbConnection, id: i64, user_id: i64) -> QueryResult<Option<String>> {
    organization_members::table
        .filter(organization_members::organization_id.eq(id))
        .filter(organization_members::user_id.eq(user_id))
        .select(organization_members::role)
        .first(conn)
        .optional()
}

pub fn members(
    conn: &mut DbConnection,
    id: i64,
) -> QueryResult<Vec<(i64, String, String, NaiveDateTime)>> {
    use crate::db::schema::users;
    organization_members::table
        .inner_join(users::table)
        .filter(organization_members::organization_id.eq(id))
        .order(organization_members::joined_at.asc())
        .select((
            users::id,
            users::display_name,
            organization_members::role,
            organization_members::joined_at,
        ))
        .load(conn)
}
