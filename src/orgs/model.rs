//! Rows and queries of `organizations`, `organization_themes` and `organization_members`.

use crate::search::{self, Kind};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    organization_invitations, organization_members, organization_themes, organizations, themes,
};

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
    let org: Organization = organizations::table
        .filter(organizations::slug.eq(slug))
        .select(Organization::as_select())
        .first(conn)?;
    search::touch(conn, Kind::Organization, org.id)?;
    Ok(org)
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    fields: &Fields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    search::touch(conn, Kind::Organization, id)?;
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
    search::touch(conn, Kind::Organization, id)?;
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
    search::touch(conn, Kind::Organization, id)?;
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

impl Organization {
    /// Its public page: `/startups/{slug}` for startups, `/partenaires/{slug}` for partners and
    /// founding members.
    pub fn path(&self) -> String {
        path_of(&self.kind, &self.slug)
    }

    /// Up to two initials, for the card of an organization without a logo.
    pub fn initials(&self) -> String {
        let words: Vec<&str> = self
            .name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let initials: String = match words.as_slice() {
            [] => "?".into(),
            [one] => one.chars().take(2).collect(),
            [first, second, ..] => first
                .chars()
                .take(1)
                .chain(second.chars().take(1))
                .collect(),
        };
        initials.to_uppercase()
    }
}

/// The public page of an organization of `kind`.
pub fn path_of(kind: &str, slug: &str) -> String {
    match kind {
        "startup" => format!("/startups/{slug}"),
        _ => format!("/partenaires/{slug}"),
    }
}

/// The organizations a user belongs to, with their role, by name.
pub fn of_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<(Organization, String)>> {
    organizations::table
        .inner_join(organization_members::table)
        .filter(organization_members::user_id.eq(user_id))
        .order(organizations::name.asc())
        .select((Organization::as_select(), organization_members::role))
        .load(conn)
}

/// Organizations waiting for an admin, oldest first.
pub fn pending(conn: &mut DbConnection) -> QueryResult<Vec<Organization>> {
    organizations::table
        .filter(organizations::status.eq(PENDING))
        .order(organizations::created_at.asc())
        .select(Organization::as_select())
        .load(conn)
}

/// (kind, slug, updated_at) of every active organization, for the sitemap.
pub fn public_pages(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    organizations::table
        .filter(organizations::status.eq(ACTIVE))
        .order(organizations::id.asc())
        .select((
            organizations::kind,
            organizations::slug,
            organizations::updated_at,
        ))
        .load(conn)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = organization_invitations)]
pub struct Invitation {
    pub id: i64,
    pub organization_id: i64,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub accepted_by: Option<i64>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl Invitation {
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A new invitation (the caller revokes the open ones to the same address first).
pub struct NewInvitation<'a> {
    pub organization_id: i64,
    pub email: &'a str,
    pub role: &'a str,
    pub token_hash: &'a str,
    pub invited_by: Option<i64>,
    pub now: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert_invitation(
    conn: &mut DbConnection,
    new: &NewInvitation<'_>,
) -> QueryResult<Invitation> {
    diesel::insert_into(organization_invitations::table)
        .values((
            organization_invitations::organization_id.eq(new.organization_id),
            organization_invitations::email.eq(new.email),
            organization_invitations::role.eq(new.role),
            organization_invitations::token_hash.eq(new.token_hash),
            organization_invitations::invited_by.eq(new.invited_by),
            organization_invitations::created_at.eq(new.now),
            organization_invitations::expires_at.eq(new.expires_at),
        ))
        .execute(conn)?;
    organization_invitations::table
        .filter(organization_invitations::token_hash.eq(new.token_hash))
        .select(Invitation::as_select())
        .first(conn)
}

/// Open invitations of an organization, newest first.
pub fn open_invitations(
    conn: &mut DbConnection,
    organization_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<Invitation>> {
    organization_invitations::table
        .filter(organization_invitations::organization_id.eq(organization_id))
        .filter(organization_invitations::accepted_at.is_null())
        .filter(organization_invitations::revoked_at.is_null())
        .filter(organization_invitations::expires_at.gt(now))
        .order(organization_invitations::id.desc())
        .select(Invitation::as_select())
        .load(conn)
}

pub fn invitation_by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<Invitation>> {
    organization_invitations::table
        .filter(organization_invitations::token_hash.eq(hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

/// Revokes the open invitations of an organization: all of them to `email`, or the one `id`.
pub fn revoke_invitations(
    conn: &mut DbConnection,
    organization_id: i64,
    email: Option<&str>,
    id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(organization_invitations::table)
        .filter(organization_invitations::organization_id.eq(organization_id))
        .filter(organization_invitations::accepted_at.is_null())
        .filter(organization_invitations::revoked_at.is_null())
        .into_boxed();
    if let Some(email) = email {
        q = q.filter(organization_invitations::email.eq(email.to_owned()));
    }
    if let Some(id) = id {
        q = q.filter(organization_invitations::id.eq(id));
    }
    q.set(organization_invitations::revoked_at.eq(now))
        .execute(conn)
}

/// Marks an open invitation accepted (guarded: 0 when it was used, revoked or expired meanwhile).
pub fn accept_invitation(
    conn: &mut DbConnection,
    id: i64,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        organization_invitations::table
            .filter(organization_invitations::id.eq(id))
            .filter(organization_invitations::accepted_at.is_null())
            .filter(organization_invitations::revoked_at.is_null())
            .filter(organization_invitations::expires_at.gt(now)),
    )
    .set((
        organization_invitations::accepted_at.eq(now),
        organization_invitations::accepted_by.eq(user_id),
    ))
    .execute(conn)
}

pub fn remove_member(conn: &mut DbConnection, id: i64, user_id: i64) -> QueryResult<usize> {
    diesel::delete(
        organization_members::table
            .filter(organization_members::organization_id.eq(id))
            .filter(organization_members::user_id.eq(user_id)),
    )
    .execute(conn)
}

pub fn set_role(conn: &mut DbConnection, id: i64, user_id: i64, role: &str) -> QueryResult<usize> {
    diesel::update(
        organization_members::table
            .filter(organization_members::organization_id.eq(id))
            .filter(organization_members::user_id.eq(user_id)),
    )
    .set(organization_members::role.eq(role))
    .execute(conn)
}

pub fn owner_count(conn: &mut DbConnection, id: i64) -> QueryResult<i64> {
    organization_members::table
        .filter(organization_members::organization_id.eq(id))
        .filter(organization_members::role.eq(OWNER))
        .count()
        .get_result(conn)
}

/// Every organization, by name.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Organization>> {
    organizations::table
        .order((organizations::name.asc(), organizations::id.asc()))
        .select(Organization::as_select())
        .load(conn)
}

pub fn set_verified(
    conn: &mut DbConnection,
    id: i64,
    verified: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set((
            organizations::verified.eq(verified),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)
}
