//! Back-office actions that are not plain queue management.

use chrono::Utc;
use serde_json::json;

use crate::auth::Admin;
use crate::auth::model::{self, Role};
use crate::db::{self, Pool, dialect};
use crate::error::AppError;
use crate::jobs::EnqueueOptions;
use crate::mail;
use crate::web::Lang;
use crate::web::pagination::PageRequest;

/// Queues a test email to `to`; returns the job id.
pub async fn send_test_email(
    pool: &Pool,
    to: &str,
    lang: Lang,
    base_url: &str,
) -> Result<i64, AppError> {
    let to = mail::parse_recipient("to", to)?;
    let content = super::mail::test_message(lang, base_url)?;
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            mail::enqueue(conn, &to, content, Vec::new(), EnqueueOptions::default())
        })?
        .ok_or_else(|| AppError::internal("a job without dedup key was not inserted"))
    })
    .await
}

/// A user as the back office sees them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserResource {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub kind: String,
    pub email_verified: bool,
    pub active: bool,
    pub roles: Vec<Role>,
    pub created_at: chrono::NaiveDateTime,
}

fn resource(
    conn: &mut crate::db::DbConnection,
    user: model::User,
) -> Result<UserResource, AppError> {
    let roles = model::roles_of(conn, user.id)?;
    Ok(UserResource {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        kind: user.kind,
        email_verified: user.email_verified_at.is_some(),
        active: user.is_active,
        roles,
        created_at: user.created_at,
    })
}

pub async fn users(
    pool: &Pool,
    search: Option<String>,
    page: PageRequest,
) -> Result<(Vec<UserResource>, i64), AppError> {
    db::run(pool, move |conn| {
        let (users, total) =
            model::list_users(conn, search.as_deref(), page.offset(), page.per_page)?;
        let items = users
            .into_iter()
            .map(|u| resource(conn, u))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, total))
    })
    .await
}

fn live_user(conn: &mut crate::db::DbConnection, id: i64) -> Result<model::User, AppError> {
    let user = model::by_id(conn, id)?;
    if user.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(user)
}

/// Refuses a change that would leave the cluster without any active admin (two admins demoting
/// each other at once are serialised by the write transaction and the admin-row lock).
fn keep_an_admin(conn: &mut crate::db::DbConnection) -> Result<(), AppError> {
    if model::active_admins(conn)? == 0 {
        return Err(AppError::Conflict(
            "At least one active admin must remain.".into(),
        ));
    }
    Ok(())
}

/// Who did it, for the audit log: an admin, or the operator token.
fn via(admin: &Admin) -> serde_json::Value {
    if admin.actor.is_some() {
        json!("admin")
    } else {
        json!("operator_token")
    }
}

/// Replaces a user's roles. An admin cannot remove their own admin role (someone must remain).
pub async fn set_roles(
    pool: &Pool,
    admin: Admin,
    id: i64,
    roles: Vec<Role>,
    ip: String,
) -> Result<UserResource, AppError> {
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            let user = live_user(conn, id)?;
            if admin.actor == Some(id) && !roles.contains(&Role::Admin) {
                return Err(AppError::Conflict(
                    "You cannot remove your own admin role.".into(),
                ));
            }
            let before = model::roles_of(conn, id)?;
            let mut roles = roles;
            roles.sort();
            roles.dedup();
            model::set_roles(conn, id, &roles, now)?;
            keep_an_admin(conn)?;
            model::audit(
                conn,
                "roles_changed",
                admin.actor,
                Some(id),
                &ip,
                json!({ "before": before, "after": roles, "via": via(&admin) }),
                now,
            )?;
            resource(conn, user)
        })
    })
    .await
}

/// Deactivates (sessions end at once) or reactivates an account.
pub async fn set_active(
    pool: &Pool,
    admin: Admin,
    id: i64,
    active: bool,
    ip: String,
) -> Result<UserResource, AppError> {
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            live_user(conn, id)?;
            if admin.actor == Some(id) && !active {
                return Err(AppError::Conflict(
                    "You cannot deactivate your own account.".into(),
                ));
            }
            model::set_active(conn, id, active, now)?;
            keep_an_admin(conn)?;
            if !active {
                model::revoke_sessions(conn, id, None, now)?;
            }
            let action = if active {
                "account_reactivated"
            } else {
                "account_deactivated"
            };
            model::audit(
                conn,
                action,
                admin.actor,
                Some(id),
                &ip,
                json!({ "via": via(&admin) }),
                now,
            )?;
            let user = model::by_id(conn, id)?;
            resource(conn, user)
        })
    })
    .await
}

pub async fn audit_log(
    pool: &Pool,
    page: PageRequest,
) -> Result<(Vec<model::AuditEntry>, i64), AppError> {
    db::run(pool, move |conn| {
        Ok(model::audit_page(conn, page.offset(), page.per_page)?)
    })
    .await
}
