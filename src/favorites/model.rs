//! Rows and queries of `favorite_organizations` and `favorite_themes`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{favorite_organizations, favorite_themes, organizations, themes};
use crate::orgs::model::Organization;
use crate::themes::model::Theme;

pub fn follows_organization(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        favorite_organizations::table
            .filter(favorite_organizations::user_id.eq(user_id))
            .filter(favorite_organizations::organization_id.eq(id)),
    ))
    .get_result(conn)
}

pub fn follows_theme(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        favorite_themes::table
            .filter(favorite_themes::user_id.eq(user_id))
            .filter(favorite_themes::theme_id.eq(id)),
    ))
    .get_result(conn)
}

pub fn add_organization(
    conn: &mut DbConnection,
    user_id: i64,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(favorite_organizations::table)
        .values((
            favorite_organizations::user_id.eq(user_id),
            favorite_organizations::organization_id.eq(id),
            favorite_organizations::created_at.eq(now),
        ))
        .execute(conn)
}

pub fn add_theme(
    conn: &mut DbConnection,
    user_id: i64,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(favorite_themes::table)
        .values((
            favorite_themes::user_id.eq(user_id),
            favorite_themes::theme_id.eq(id),
            favorite_themes::created_at.eq(now),
        ))
        .execute(conn)
}

pub fn remove_organization(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        favorite_organizations::table
            .filter(favorite_organizations::user_id.eq(user_id))
            .filter(favorite_organizations::organization_id.eq(id)),
    )
    .execute(conn)
}

pub fn remove_theme(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        favorite_themes::table
            .filter(favorite_themes::user_id.eq(user_id))
            .filter(favorite_themes::theme_id.eq(id)),
    )
    .execute(conn)
}

/// The active organizations a user follows, by name.
pub fn organizations_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Organization>> {
    favorite_organizations::table
        .inner_join(organizations::table)
        .filter(favorite_organizations::user_id.eq(user_id))
        .filter(organizations::status.eq("active"))
        .order(organizations::name.asc())
        .select(Organization::as_select())
        .load(conn)
}

/// The themes a user follows, in the vocabulary's order.
pub fn themes_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Theme>> {
    favorite_themes::table
        .inner_join(themes::table)
        .filter(favorite_themes::user_id.eq(user_id))
        .order(themes::position.asc())
        .select(Theme::as_select())
        .load(conn)
}

/// The latest published offerings of active organizations that a user follows, or about themes
/// they follow; newest first.
pub fn news(
    conn: &mut DbConnection,
    user_id: i64,
    limit: i64,
) -> QueryResult<Vec<crate::marketplace::model::Offering>> {
    use crate::db::schema::{offering_themes, offerings};
    use crate::marketplace::model::Offering;
    let active = organizations::table
        .filter(organizations::status.eq("active"))
        .select(organizations::id);
    let followed_orgs = favorite_organizations::table
        .filter(favorite_organizations::user_id.eq(user_id))
        .select(favorite_organizations::organization_id);
    let followed_themes = favorite_themes::table
        .filter(favorite_themes::user_id.eq(user_id))
        .select(favorite_themes::theme_id);
    let about_themes = offering_themes::table
        .filter(offering_themes::theme_id.eq_any(followed_themes))
        .select(offering_themes::offering_id);
    offerings::table
        .filter(offerings::status.eq("published"))
        .filter(offerings::organization_id.eq_any(active))
        .filter(
            offerings::organization_id
                .eq_any(followed_orgs)
                .or(offerings::id.eq_any(about_themes)),
        )
        .order((offerings::published_at.desc(), offerings::id.desc()))
        .limit(limit)
        .select(Offering::as_select())
        .load(conn)
}
