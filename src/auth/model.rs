//! Identity storage: users, roles, sessions (refresh-token families), one-time email tokens,
//! failed logins, the audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::db::schema::{
    audit_log, email_tokens, login_failures, refresh_tokens, sessions, user_roles, users,
};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    StartupMember,
    PartnerMember,
    Mentor,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::StartupMember,
        Role::PartnerMember,
        Role::Mentor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::StartupMember => "startup_member",
            Role::PartnerMember => "partner_member",
            Role::Mentor => "mentor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What a person said they are at sign-up; it gives their first role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    StartupFounder,
    Mentor,
    PartnerStaff,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::StartupFounder => "startup_founder",
            Kind::Mentor => "mentor",
            Kind::PartnerStaff => "partner_staff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Kind::StartupFounder, Kind::Mentor, Kind::PartnerStaff]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn first_role(self) -> Role {
        match self {
            Kind::StartupFounder => Role::StartupMember,
            Kind::Mentor => Role::Mentor,
            Kind::PartnerStaff => Role::PartnerMember,
        }
    }
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub password_hash: String,
    pub display_name: String,
    pub lang: String,
    pub kind: String,
    pub is_active: bool,
    pub deleted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    /// Can sign in: active and not erased.
    pub fn can_sign_in(&self) -> bool {
        self.is_active && self.deleted_at.is_none()
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub lang: &'a str,
    pub kind: &'a str,
    pub is_active: bool,
    pub email_verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_user(conn: &mut DbConnection, new: &NewUser<'_>) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .execute(conn)?;
    by_email(conn, new.email)?.ok_or(diesel::result::Error::NotFound)
}

pub fn by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn roles_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Role>> {
    let names: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .select(user_roles::role)
        .load(conn)?;
    let mut roles: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
    roles.sort();
    Ok(roles)
}

pub fn set_roles(
    conn: &mut DbConnection,
    user_id: i64,
    roles: &[Role],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user_id))).execute(conn)?;
    for role in roles {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(user_id),
                user_roles::role.eq(role.as_str()),
                user_roles::granted_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn grant(
    conn: &mut DbConnection,
    user_id: i64,
    role: Role,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if !roles_of(conn, user_id)?.contains(&role) {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(user_id),
                user_roles::role.eq(role.as_str()),
                user_roles::granted_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_password(
    conn: &mut DbConnection,
    user_id: i64,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_active(
    conn: &mut DbConnection,
    user_id: i64,
    active: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((users::is_active.eq(active), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn update_profile(
    conn: &mut DbConnection,
    user_id: i64,
    name: &str,
    lang: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::display_name.eq(name),
            users::lang.eq(lang),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn mark_verified(
    conn: &mut DbConnection,
    user_id: i64,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(email),
            users::email_verified_at.eq(Some(now)),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// GDPR erasure: personal data replaced, sign-in impossible, the row kept for what refers to it.
pub fn anonymise(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(email_tokens::table.filter(email_tokens::user_id.eq(user_id))).execute(conn)?;
    let email: String = users::table
        .find(user_id)
        .select(users::email)
        .first(conn)?;
    diesel::delete(login_failures::table.filter(login_failures::email_key.eq(email_key(&email))))
        .execute(conn)?;
    // Sessions hold IP addresses and devices; their refresh tokens go with them.
    delete_sessions(conn, user_id)?;
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(format!("deleted-{user_id}@invalid")),
            users::display_name.eq("—"),
            users::password_hash.eq("!"),
            users::email_verified_at.eq(None::<NaiveDateTime>),
            users::is_active.eq(false),
            users::deleted_at.eq(Some(now)),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn list_users(
    conn: &mut DbConnection,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<User>, i64)> {
    let filtered = || {
        let mut q = users::table
            .filter(users::deleted_at.is_null())
            .into_boxed();
        if let Some(s) = search {
            let pattern = format!("%{}%", s.to_lowercase().replace(['%', '_'], ""));
            // lower() on both sides: LIKE is case-sensitive on PostgreSQL, not on SQLite.
            q = q.filter(
                users::email
                    .like(pattern.clone())
                    .or(lower(users::display_name).like(pattern)),
            );
        }
        q
    };
    let items = filtered()
        .order(users::id.asc())
        .offset(offset)
        .limit(limit)
        .select(User::as_select())
        .load(conn)?;
    let total = filtered().count().get_result(conn)?;
    Ok((items, total))
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

// Sessions and refresh tokens.

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub user_agent: String,
    pub ip: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl Session {
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

pub fn insert_session(
    conn: &mut DbConnection,
    user_id: i64,
    user_agent: &str,
    ip: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<i64> {
    crate::db::dialect::insert_session(conn, user_id, user_agent, ip, now, expires_at)
}

pub fn session(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Session>> {
    sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .optional()
}

pub fn live_sessions(
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order(sessions::last_used_at.desc())
        .select(Session::as_select())
        .load(conn)
}

pub fn touch_session(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_used_at.eq(now))
        .execute(conn)
}

pub fn revoke_session(
    conn: &mut DbConnection,
    user_id: i64,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Revokes every live session of a user but `keep`.
pub fn revoke_sessions(
    conn: &mut DbConnection,
    user_id: i64,
    keep: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::id.ne(keep.unwrap_or(-1))),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: i64,
    pub session_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert_refresh(
    conn: &mut DbConnection,
    session_id: i64,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)
}

pub fn refresh_by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<RefreshToken>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()
}

/// Marks a refresh token used; 0 when another request used it first.
pub fn use_refresh(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(now)))
    .execute(conn)
}

// One-time email tokens.

pub const VERIFY_EMAIL: &str = "verify_email";
pub const CHANGE_EMAIL: &str = "change_email";
pub const RESET_PASSWORD: &str = "reset_password";

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = email_tokens)]
pub struct EmailToken {
    pub id: i64,
    pub user_id: i64,
    pub purpose: String,
    pub token_hash: String,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert_email_token(
    conn: &mut DbConnection,
    user_id: i64,
    purpose: &str,
    hash: &str,
    email: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::user_id.eq(user_id),
            email_tokens::purpose.eq(purpose),
            email_tokens::token_hash.eq(hash),
            email_tokens::email.eq(email),
            email_tokens::created_at.eq(now),
            email_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

pub fn email_token(
    conn: &mut DbConnection,
    purpose: &str,
    hash: &str,
) -> QueryResult<Option<EmailToken>> {
    email_tokens::table
        .filter(email_tokens::purpose.eq(purpose))
        .filter(email_tokens::token_hash.eq(hash))
        .select(EmailToken::as_select())
        .first(conn)
        .optional()
}

/// Single use: 0 when the token was already used.
pub fn use_email_token(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::id.eq(id))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(now)))
    .execute(conn)
}

// Failed logins, keyed by a hash of the address (unknown addresses count the same).

/// The key failures are counted under: SHA-256 of the normalised address.
pub fn email_key(email: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

pub fn failures_since(
    conn: &mut DbConnection,
    key: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let q = login_failures::table
        .filter(login_failures::email_key.eq(key))
        .filter(login_failures::at.gt(since));
    let n = q.count().get_result(conn)?;
    let last = q.select(diesel::dsl::max(login_failures::at)).first(conn)?;
    Ok((n, last))
}

pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::email_key.eq(key),
            login_failures::at.eq(now),
        ))
        .execute(conn)
}

pub fn clear_failures(conn: &mut DbConnection, key: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::email_key.eq(key))).execute(conn)
}

/// Ends every unused emailed link of a user (after a reset, a password or an email change).
pub fn expire_email_tokens(
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(now)))
    .execute(conn)
}

/// Ends every session of a user (erasure).
pub fn delete_sessions(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// How many active accounts hold the admin role.
pub fn active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    user_roles::table
        .inner_join(users::table)
        .filter(user_roles::role.eq(Role::Admin.as_str()))
        .filter(users::is_active.eq(true))
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)
}

// Audit log.

#[derive(Clone, Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target_id: Option<i64>,
    pub ip: String,
    pub detail: String,
}

pub fn audit(
    conn: &mut DbConnection,
    action: &str,
    actor: Option<i64>,
    target: Option<i64>,
    ip: &str,
    detail: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(now),
            audit_log::actor_id.eq(actor),
            audit_log::action.eq(action),
            audit_log::target_id.eq(target),
            audit_log::ip.eq(ip),
            audit_log::detail.eq(detail.to_string()),
        ))
        .execute(conn)
}

pub fn audit_page(
    conn: &mut DbConnection,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let items = audit_log::table
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)?;
    let total = audit_log::table.count().get_result(conn)?;
    Ok((items, total))
}

pub fn audit_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(
            audit_log::actor_id
                .eq(user_id)
                .or(audit_log::target_id.eq(user_id)),
        )
        .order(audit_log::id.asc())
        .select(AuditEntry::as_select())
        .load(conn)
}
