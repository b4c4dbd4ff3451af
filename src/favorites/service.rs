//! Following organizations and themes: idempotent (following twice is following), only what
//! exists and is public can be followed, and "what is new" from what one follows.

use chrono::Utc;

use super::model;
use crate::auth::CurrentUser;
use crate::db::{self, Pool, dialect};
use crate::error::AppError;
use crate::marketplace::model::Offering;
use crate::orgs::model::{self as orgs, Organization};
use crate::themes::model::Theme;

/// What a person follows.
pub struct Favorites {
    pub organizations: Vec<Organization>,
    pub themes: Vec<Theme>,
}

/// Follows (`on`) or stops following an active organization; 404 for any other.
pub async fn organization(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    on: bool,
) -> Result<(), AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            // One person's follows change one at a time: two clicks at once cannot both insert.
            dialect::lock_key(conn, &format!("favorites:{user_id}"))?;
            let org = orgs::find(conn, id)?;
            if on && org.status != orgs::ACTIVE {
                return Err(AppError::NotFound);
            }
            let follows = model::follows_organization(conn, user_id, id)?;
            if on && !follows {
                model::add_organization(conn, user_id, id, Utc::now().naive_utc())?;
            } else if !on && follows {
                model::remove_organization(conn, user_id, id)?;
            }
            Ok(())
        })
    })
    .await
}

/// Follows (`on`) or stops following a theme, by its slug; 404 for an unknown one.
pub async fn theme(pool: &Pool, me: &CurrentUser, slug: String, on: bool) -> Result<(), AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            dialect::lock_key(conn, &format!("favorites:{user_id}"))?;
            let id = match crate::themes::model::resolve(conn, std::slice::from_ref(&slug))? {
                Ok(ids) if ids.len() == 1 => ids[0],
                _ => return Err(AppError::NotFound),
            };
            let follows = model::follows_theme(conn, user_id, id)?;
            if on && !follows {
                model::add_theme(conn, user_id, id, Utc::now().naive_utc())?;
            } else if !on && follows {
                model::remove_theme(conn, user_id, id)?;
            }
            Ok(())
        })
    })
    .await
}

pub async fn list(pool: &Pool, me: &CurrentUser) -> Result<Favorites, AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        Ok(Favorites {
            organizations: model::organizations_of(conn, user_id)?,
            themes: model::themes_of(conn, user_id)?,
        })
    })
    .await
}

/// Whether the user follows this organization (for its page's button).
pub async fn follows(pool: &Pool, me: &CurrentUser, id: i64) -> Result<bool, AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        Ok(model::follows_organization(conn, user_id, id)?)
    })
    .await
}

/// The latest offerings from what the user follows, with their themes.
pub async fn news(
    pool: &Pool,
    me: &CurrentUser,
    limit: i64,
) -> Result<Vec<(Offering, Vec<String>)>, AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        let mut out = Vec::new();
        for o in model::news(conn, user_id, limit)? {
            let themes = crate::marketplace::model::theme_slugs(conn, o.id)?;
            out.push((o, themes));
        }
        Ok(out)
    })
    .await
}
