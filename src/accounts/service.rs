//! Account rules: sign-up, sign-in, verification, password reset and change, email change,
//! profile, sessions, export and erasure. No HTTP here; every write and the emails it causes
//! happen in one transaction.

use chrono::{Duration, NaiveDateTime, Utc};
use lettre::message::Mailbox;
use serde::Deserialize;
use serde_json::json;

use super::mail::{self as account_mail, Message};
use crate::auth::model::{self, Kind, Role, User};
use crate::auth::rate::{self, Limit};
use crate::auth::session::{self, Issued};
use crate::auth::tokens;
use crate::auth::{AuthState, CurrentUser, password};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors};
use crate::jobs::EnqueueOptions;
use crate::mail;
use crate::web::Lang;

/// What the account services use.
pub struct Ctx<'a> {
    pub db: &'a Pool,
    pub auth: &'a AuthState,
    pub settings: &'a Settings,
    pub ip: String,
    pub user_agent: String,
}

const VERIFY_HOURS: i64 = 24;
const RESET_MINUTES: i64 = 60;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A normalised email address: trimmed, lower case, valid.
pub fn parse_email(field: &str, raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    if email.chars().any(char::is_control) {
        return Err(AppError::validation(field, "not a valid email address"));
    }
    if email.len() > 254 {
        return Err(AppError::validation(
            field,
            "must be at most 254 characters",
        ));
    }
    mail::parse_recipient(field, &email)?;
    Ok(email)
}

fn mailbox(email: &str) -> Result<Mailbox, AppError> {
    mail::parse_recipient("email", email)
}

fn lang_of(user: &User) -> Lang {
    Lang::parse(&user.lang).unwrap_or_default()
}

/// A per-IP limit for one request, unless limits are switched off.
struct IpLimit {
    limit: Limit,
    ip: String,
    on: bool,
}

impl IpLimit {
    fn new(ctx: &Ctx<'_>, limit: Limit) -> Self {
        Self {
            limit,
            ip: ctx.ip.clone(),
            on: ctx.auth.limits_on(),
        }
    }

    fn check(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        if self.on && !self.ip.is_empty() {
            rate::hit(conn, self.limit, &self.ip, Utc::now())?;
        }
        Ok(())
    }
}

fn login_limit(s: &Settings) -> Limit {
    Limit {
        name: "login-ip",
        max: s.login_per_minute,
        window: 60,
    }
}
fn signup_limit(s: &Settings) -> Limit {
    Limit {
        name: "signup-ip",
        max: s.signup_per_hour,
        window: 3600,
    }
}
fn email_limit(s: &Settings) -> Limit {
    Limit {
        name: "email-ip",
        max: s.email_requests_per_hour,
        window: 3600,
    }
}

/// The links Quai sends by email.
#[derive(Clone, Copy)]
enum Link {
    /// Confirms the address of a new account.
    Verify,
    /// Confirms a new address for an existing account.
    ChangeEmail,
    /// Sets a new password.
    Reset,
    /// Tells the owner of an address that someone tried to sign up with it (with a reset link).
    Existing,
}

impl Link {
    fn purpose(self) -> &'static str {
        match self {
            Link::Verify => model::VERIFY_EMAIL,
            Link::ChangeEmail => model::CHANGE_EMAIL,
            Link::Reset | Link::Existing => model::RESET_PASSWORD,
        }
    }

    fn valid_for(self) -> Duration {
        match self {
            Link::Verify | Link::ChangeEmail => Duration::hours(VERIFY_HOURS),
            Link::Reset | Link::Existing => Duration::minutes(RESET_MINUTES),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Link::Verify | Link::ChangeEmail => "/verifier-email",
            Link::Reset | Link::Existing => "/reinitialiser-mot-de-passe",
        }
    }

    fn message(self, url: String) -> Message {
        match self {
            Link::Verify => Message::Verify { url },
            Link::ChangeEmail => Message::ChangeEmail { url },
            Link::Reset => Message::Reset { url },
            Link::Existing => Message::Existing { url },
        }
    }
}

/// Creates a one-time email token and queues its email to `to`, within the caller's
/// transaction, unless this address already had 3 such emails this hour (then silently nothing).
fn send_link(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &User,
    to: &str,
    link: Link,
) -> Result<(), AppError> {
    let now = now();
    if !rate::allow(
        conn,
        rate::EMAILS_PER_ADDRESS,
        &model::email_key(to),
        Utc::now(),
    )? {
        tracing::info!(to = %mail::mask(to), purpose = link.purpose(), "email limit reached for this address; not sent");
        return Ok(());
    }
    let token = tokens::random_token();
    model::insert_email_token(
        conn,
        user.id,
        link.purpose(),
        &tokens::hash_token(&token),
        to,
        now,
        now + link.valid_for(),
    )?;
    let url = format!(
        "{}{}?jeton={token}",
        settings.base_url.as_str().trim_end_matches('/'),
        link.path()
    );
    let content = account_mail::render(
        &link.message(url),
        lang_of(user),
        &user.display_name,
        settings.base_url.as_str(),
    )?;
    mail::enqueue(
        conn,
        &mailbox(to)?,
        content,
        Vec::new(),
        EnqueueOptions::default(),
    )?;
    Ok(())
}

// No `Debug`: it holds a password.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupInput {
    pub email: String,
    pub password: String,
    pub display_name: String,
    #[serde(default)]
    pub lang: Option<Lang>,
    /// `startup_founder`, `mentor` or `partner_staff`.
    pub kind: String,
}

struct ValidSignup {
    email: String,
    password: String,
    display_name: String,
    lang: Lang,
    kind: Kind,
}

fn check_name(errors: &mut FieldErrors, name: &str) -> String {
    let name = name.trim().to_owned();
    if name.chars().any(char::is_control) {
        errors
            .entry("display_name".into())
            .or_default()
            .push("must not contain control characters".into());
    }
    if name.is_empty() || name.chars().count() > 80 {
        errors
            .entry("display_name".into())
            .or_default()
            .push("must be 1 to 80 characters".into());
    }
    name
}

impl TryFrom<SignupInput> for ValidSignup {
    type Error = AppError;
    fn try_from(input: SignupInput) -> Result<Self, AppError> {
        let mut errors = FieldErrors::new();
        let email = match parse_email("email", &input.email) {
            Ok(e) => e,
            Err(AppError::Validation(e)) => {
                errors.extend(e);
                String::new()
            }
            Err(e) => return Err(e),
        };
        let display_name = check_name(&mut errors, &input.display_name);
        if let Err(message) = password::check_policy(&input.password, &[&email, &display_name]) {
            errors.entry("password".into()).or_default().push(message);
        }
        let kind = Kind::parse(&input.kind);
        if kind.is_none() {
            errors
                .entry("kind".into())
                .or_default()
                .push("must be startup_founder, mentor or partner_staff".into());
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(ValidSignup {
                email,
                password: input.password,
                display_name,
                lang: input.lang.unwrap_or_default(),
                kind,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// Signs a person up and sends the verification email. The answer is the same whether the
/// address was free or not (the owner of a taken address gets an email instead).
pub async fn signup(ctx: &Ctx<'_>, input: SignupInput) -> Result<(), AppError> {
    let valid = ValidSignup::try_from(input)?;
    // The limit first: refused requests must not cost a hash.
    let limit = IpLimit::new(ctx, signup_limit(ctx.settings));
    db::run(ctx.db, move |conn| limit.check(conn)).await?;
    let hash = ctx.auth.hasher.hash(valid.password.clone()).await?;
    let settings = ctx.settings.clone();
    let ip = ctx.ip.clone();
    db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            if let Some(existing) = model::by_email(conn, &valid.email)? {
                if existing.can_sign_in() {
                    send_link(conn, &settings, &existing, &existing.email, Link::Existing)?;
                }
                return Ok(());
            }
            let user = model::insert_user(
                conn,
                &model::NewUser {
                    email: &valid.email,
                    password_hash: &hash,
                    display_name: &valid.display_name,
                    lang: valid.lang.code(),
                    kind: valid.kind.as_str(),
                    is_active: true,
                    email_verified_at: None,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            model::grant(conn, user.id, valid.kind.first_role(), now)?;
            model::audit(
                conn,
                "signup",
                Some(user.id),
                Some(user.id),
                &ip,
                json!({ "kind": valid.kind.as_str() }),
                now,
            )?;
            send_link(conn, &settings, &user, &user.email, Link::Verify)
        })
    })
    .await
}

// No `Debug`: it holds a password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

/// Reserves one attempt for the address before any hash: refuses (429) when it had 100
/// failures this hour or must still wait after 5; otherwise records the attempt as a failure,
/// which a success then clears. Serialised per address, so parallel requests cannot slip past.
/// Unknown addresses are counted exactly like known ones.
fn reserve_attempt(conn: &mut DbConnection, key: &str) -> Result<(), AppError> {
    dialect::write_transaction(conn, |conn| {
        dialect::lock_key(conn, key)?;
        let now = now();
        let (failures, last) = model::failures_since(conn, key, now - Duration::hours(1))?;
        if failures >= rate::MAX_FAILURES_PER_HOUR {
            return Err(AppError::TooManyRequests(3600));
        }
        let delay = rate::failure_delay(failures);
        if let Some(last) = last {
            let wait_ms = (last + Duration::seconds(delay) - now).num_milliseconds();
            if delay > 0 && wait_ms > 0 {
                return Err(AppError::TooManyRequests((wait_ms as u64).div_ceil(1000)));
            }
        }
        model::record_failure(conn, key, now)?;
        Ok(())
    })
}

/// Signs in. Unknown address or wrong password: the same 401, after the same work (a dummy
/// hash, the same statements). An address with 100 failures this hour is refused before any
/// hash; after 5, each attempt waits longer.
pub async fn login(ctx: &Ctx<'_>, input: LoginInput) -> Result<Issued, AppError> {
    let email = input.email.trim().to_lowercase();
    let key = model::email_key(&email);
    let limit = IpLimit::new(ctx, login_limit(ctx.settings));
    let lookup = email.clone();
    let reserve_key = key.clone();
    let user: Option<User> = db::run(ctx.db, move |conn| {
        limit.check(conn)?;
        reserve_attempt(conn, &reserve_key)?;
        // An address with control characters cannot exist (and PostgreSQL refuses NUL).
        if lookup.chars().any(char::is_control) {
            return Ok(None);
        }
        Ok(model::by_email(conn, &lookup)?)
    })
    .await?;
    let verified = ctx
        .auth
        .hasher
        .verify(
            input.password,
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
    let keys = ctx.auth.keys.clone();
    let (ip, agent) = (ctx.ip.clone(), ctx.user_agent.clone());
    db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            let target = user.as_ref().map(|u| u.id);
            let user = match (user, &verified) {
                (Some(user), password::Verified::Yes | password::Verified::YesRehashed(_)) => user,
                _ => {
                    // The reserved attempt stays as the failure.
                    model::audit(conn, "login_failed", None, target, &ip, json!({}), now)?;
                    return Ok(Err(AppError::Unauthorized(
                        "Wrong email or password.".into(),
                    )));
                }
            };
            if !user.can_sign_in() {
                return Ok(Err(AppError::Forbidden(
                    "This account is deactivated.".into(),
                )));
            }
            if let password::Verified::YesRehashed(new_hash) = &verified {
                model::set_password(conn, user.id, new_hash, now)?;
            }
            model::clear_failures(conn, &key)?;
            model::audit(
                conn,
                "login",
                Some(user.id),
                Some(user.id),
                &ip,
                json!({}),
                now,
            )?;
            Ok(Ok(session::start(conn, &keys, user.id, &agent, &ip, now)?))
        })
    })
    .await?
}

/// Checks the current password of a signed-in person before a sensitive change, under the
/// same failure counting as sign-in (a stolen session cannot guess at full speed).
async fn check_current_password(
    ctx: &Ctx<'_>,
    user: &User,
    password: String,
) -> Result<(), AppError> {
    let key = model::email_key(&user.email);
    let reserve_key = key.clone();
    db::run(ctx.db, move |conn| reserve_attempt(conn, &reserve_key)).await?;
    let ok = ctx
        .auth
        .hasher
        .verify(password, Some(user.password_hash.clone()))
        .await?
        != password::Verified::No;
    let (user_id, ip) = (user.id, ctx.ip.clone());
    db::run(ctx.db, move |conn| {
        let now = now();
        if ok {
            model::clear_failures(conn, &key)?;
        } else {
            model::audit(
                conn,
                "current_password_failed",
                Some(user_id),
                Some(user_id),
                &ip,
                json!({}),
                now,
            )?;
        }
        Ok(())
    })
    .await?;
    if ok {
        Ok(())
    } else {
        Err(AppError::validation(
            "current_password",
            "this is not your current password",
        ))
    }
}

/// Rotates a refresh token (API clients).
pub async fn refresh(ctx: &Ctx<'_>, token: String) -> Result<Issued, AppError> {
    let (keys, ip) = (ctx.auth.keys.clone(), ctx.ip.clone());
    let outcome = db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            session::refresh(conn, &keys, &token, &ip, now())
        })
    })
    .await?;
    match outcome {
        session::Refreshed::Issued(issued) => Ok(issued),
        session::Refreshed::Revoked => Err(AppError::Unauthorized(
            "The refresh token is not valid.".into(),
        )),
    }
}

/// Ends one session.
pub async fn logout(
    pool: &Pool,
    user_id: i64,
    session_id: i64,
    ip: String,
) -> Result<(), AppError> {
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            model::revoke_session(conn, user_id, session_id, now)?;
            model::audit(
                conn,
                "logout",
                Some(user_id),
                Some(user_id),
                &ip,
                json!({ "session": session_id }),
                now,
            )?;
            Ok(())
        })
    })
    .await
}

/// Ends the session a refresh token belongs to (API clients without an access token).
pub async fn logout_with_refresh(pool: &Pool, token: String, ip: String) -> Result<(), AppError> {
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let Some(found) = model::refresh_by_hash(conn, &tokens::hash_token(&token))? else {
                return Ok(());
            };
            if let Some(s) = model::session(conn, found.session_id)? {
                let now = now();
                model::revoke_session(conn, s.user_id, s.id, now)?;
                model::audit(
                    conn,
                    "logout",
                    Some(s.user_id),
                    Some(s.user_id),
                    &ip,
                    json!({ "session": s.id }),
                    now,
                )?;
            }
            Ok(())
        })
    })
    .await
}

/// Uses a verification link: confirms the address (or, for a change, switches to it).
pub async fn verify_email(pool: &Pool, token: String, ip: String) -> Result<(), AppError> {
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            let invalid = || AppError::validation("token", "this link is invalid, used or expired");
            let hash = tokens::hash_token(&token);
            let (found, change) = match model::email_token(conn, model::VERIFY_EMAIL, &hash)? {
                Some(found) => (found, false),
                None => (
                    model::email_token(conn, model::CHANGE_EMAIL, &hash)?.ok_or_else(invalid)?,
                    true,
                ),
            };
            if found.expires_at < now || model::use_email_token(conn, found.id, now)? != 1 {
                return Err(invalid());
            }
            let user = model::by_id(conn, found.user_id)?;
            // A verification link is for the address it was sent to, and only while the account
            // still uses it; a change link is for the new address.
            if !user.can_sign_in() || (!change && found.email != user.email) {
                return Err(invalid());
            }
            if change && model::by_email(conn, &found.email)?.is_some() {
                return Err(AppError::Conflict(
                    "That address now belongs to another account.".into(),
                ));
            }
            model::mark_verified(conn, user.id, &found.email, now)?;
            if change {
                // Links sent to the old address must not outlive it.
                model::expire_email_tokens(conn, user.id, now)?;
            }
            let action = if change {
                "email_changed"
            } else {
                "email_verified"
            };
            model::audit(
                conn,
                action,
                Some(user.id),
                Some(user.id),
                &ip,
                json!({}),
                now,
            )?;
            Ok(())
        })
    })
    .await
}

/// Sends a reset link if the address has an active account; the answer never says.
/// A login lockout does not block this.
pub async fn request_password_reset(ctx: &Ctx<'_>, email: &str) -> Result<(), AppError> {
    let email = parse_email("email", email)?;
    let settings = ctx.settings.clone();
    let limit = IpLimit::new(ctx, email_limit(ctx.settings));
    db::run(ctx.db, move |conn| {
        limit.check(conn)?;
        dialect::write_transaction(conn, |conn| {
            if let Some(user) = model::by_email(conn, &email)?
                && user.can_sign_in()
            {
                send_link(conn, &settings, &user, &email, Link::Reset)?;
            }
            Ok(())
        })
    })
    .await
}

/// Sets a new password from a reset link; every session ends.
pub async fn confirm_password_reset(
    ctx: &Ctx<'_>,
    token: String,
    new_password: String,
) -> Result<(), AppError> {
    let found = {
        let hash = tokens::hash_token(&token);
        db::run(ctx.db, move |conn| {
            Ok(model::email_token(conn, model::RESET_PASSWORD, &hash)?)
        })
        .await?
    };
    let invalid = || AppError::validation("token", "this link is invalid, used or expired");
    let found = found.ok_or_else(invalid)?;
    if found.expires_at < now() || found.used_at.is_some() {
        return Err(invalid());
    }
    password::check_policy(&new_password, &[&found.email])
        .map_err(|m| AppError::validation("password", m))?;
    let hash = ctx.auth.hasher.hash(new_password).await?;
    let settings = ctx.settings.clone();
    let ip = ctx.ip.clone();
    db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            if model::use_email_token(conn, found.id, now)? != 1 {
                return Err(invalid());
            }
            let user = model::by_id(conn, found.user_id)?;
            // Only while the account still uses the address the link was sent to.
            if !user.can_sign_in() || user.email != found.email {
                return Err(invalid());
            }
            model::set_password(conn, user.id, &hash, now)?;
            model::revoke_sessions(conn, user.id, None, now)?;
            // Every other emailed link (resets, email changes) dies with the old password.
            model::expire_email_tokens(conn, user.id, now)?;
            model::clear_failures(conn, &model::email_key(&user.email))?;
            // Whoever holds the link controls the mailbox: the address is verified too.
            if user.email_verified_at.is_none() && user.email == found.email {
                model::mark_verified(conn, user.id, &user.email, now)?;
            }
            model::audit(
                conn,
                "password_reset",
                Some(user.id),
                Some(user.id),
                &ip,
                json!({}),
                now,
            )?;
            notify_password_changed(conn, &settings, &user)
        })
    })
    .await
}

fn notify_password_changed(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &User,
) -> Result<(), AppError> {
    let content = account_mail::render(
        &Message::PasswordChanged,
        lang_of(user),
        &user.display_name,
        settings.base_url.as_str(),
    )?;
    mail::enqueue(
        conn,
        &mailbox(&user.email)?,
        content,
        Vec::new(),
        EnqueueOptions::default(),
    )?;
    Ok(())
}

/// Changes the password of a signed-in person, who proves it with the current one; every other
/// session ends.
pub async fn change_password(
    ctx: &Ctx<'_>,
    me: &CurrentUser,
    current: String,
    new_password: String,
) -> Result<(), AppError> {
    let user_id = me.user_id;
    let user = db::run(ctx.db, move |conn| Ok(model::by_id(conn, user_id)?)).await?;
    check_current_password(ctx, &user, current).await?;
    password::check_policy(&new_password, &[&user.email, &user.display_name])
        .map_err(|m| AppError::validation("new_password", m))?;
    let hash = ctx.auth.hasher.hash(new_password).await?;
    let (settings, ip, keep) = (ctx.settings.clone(), ctx.ip.clone(), me.session_id);
    db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            model::set_password(conn, user.id, &hash, now)?;
            model::revoke_sessions(conn, user.id, Some(keep), now)?;
            model::expire_email_tokens(conn, user.id, now)?;
            model::audit(
                conn,
                "password_changed",
                Some(user.id),
                Some(user.id),
                &ip,
                json!({}),
                now,
            )?;
            notify_password_changed(conn, &settings, &user)
        })
    })
    .await
}

/// Starts an email change: the new address gets a link; nothing changes until it is used.
pub async fn change_email(
    ctx: &Ctx<'_>,
    me: &CurrentUser,
    current_password: String,
    new_email: &str,
) -> Result<(), AppError> {
    let new_email = parse_email("new_email", new_email)?;
    let user_id = me.user_id;
    let user = db::run(ctx.db, move |conn| Ok(model::by_id(conn, user_id)?)).await?;
    check_current_password(ctx, &user, current_password).await?;
    if new_email == user.email {
        return Err(AppError::validation(
            "new_email",
            "this is already your address",
        ));
    }
    let (settings, ip) = (ctx.settings.clone(), ctx.ip.clone());
    db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            model::audit(
                conn,
                "email_change_requested",
                Some(user.id),
                Some(user.id),
                &ip,
                json!({}),
                now,
            )?;
            // A taken address gets no link, and the answer does not say it is taken.
            if model::by_email(conn, &new_email)?.is_some() {
                return Ok(());
            }
            send_link(conn, &settings, &user, &new_email, Link::ChangeEmail)
        })
    })
    .await
}

/// Sends the verification email again (the address must still be unverified).
pub async fn resend_verification(ctx: &Ctx<'_>, me: &CurrentUser) -> Result<(), AppError> {
    let (settings, user_id) = (ctx.settings.clone(), me.user_id);
    let limit = IpLimit::new(ctx, email_limit(ctx.settings));
    db::run(ctx.db, move |conn| {
        limit.check(conn)?;
        dialect::write_transaction(conn, |conn| {
            let user = model::by_id(conn, user_id)?;
            if user.email_verified_at.is_some() {
                return Err(AppError::Conflict(
                    "Your address is already verified.".into(),
                ));
            }
            send_link(conn, &settings, &user, &user.email, Link::Verify)
        })
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    pub display_name: Option<String>,
    pub lang: Option<Lang>,
}

pub async fn update_profile(
    ctx: &Ctx<'_>,
    me: &CurrentUser,
    input: ProfileInput,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let name = check_name(
        &mut errors,
        input.display_name.as_deref().unwrap_or(&me.display_name),
    );
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let lang = input
        .lang
        .unwrap_or_else(|| Lang::parse(&me.lang).unwrap_or_default());
    let (user_id, ip) = (me.user_id, ctx.ip.clone());
    db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            model::update_profile(conn, user_id, &name, lang.code(), now)?;
            model::audit(
                conn,
                "profile_updated",
                Some(user_id),
                Some(user_id),
                &ip,
                json!({}),
                now,
            )?;
            Ok(())
        })
    })
    .await
}

/// Everything Quai keeps about a person, as JSON (GDPR access and portability).
pub async fn export(pool: &Pool, user_id: i64) -> Result<serde_json::Value, AppError> {
    db::run(pool, move |conn| {
        let user = model::by_id(conn, user_id)?;
        let roles = model::roles_of(conn, user_id)?;
        let sessions = model::live_sessions(conn, user_id, now())?;
        let audit = model::audit_of(conn, user_id)?;
        Ok(json!({
            "account": {
                "id": user.id,
                "email": user.email,
                "email_verified_at": user.email_verified_at,
                "display_name": user.display_name,
                "lang": user.lang,
                "kind": user.kind,
                "roles": roles,
                "created_at": user.created_at,
            },
            "sessions": sessions.iter().map(|s| json!({
                "id": s.id, "device": s.user_agent, "ip": s.ip, "created_at": s.created_at, "last_used_at": s.last_used_at,
            })).collect::<Vec<_>>(),
            "activity": audit,
        }))
    })
    .await
}

/// Erases a person's account after they confirm with their password: personal data replaced,
/// sessions ended; what belongs to an organization stays with it.
pub async fn delete_account(
    ctx: &Ctx<'_>,
    me: &CurrentUser,
    current_password: String,
) -> Result<(), AppError> {
    let user_id = me.user_id;
    let user = db::run(ctx.db, move |conn| Ok(model::by_id(conn, user_id)?)).await?;
    check_current_password(ctx, &user, current_password).await?;
    let ip = ctx.ip.clone();
    db::run(ctx.db, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            model::revoke_sessions(conn, user_id, None, now)?;
            model::anonymise(conn, user_id, now)?;
            model::audit(
                conn,
                "account_deleted",
                Some(user_id),
                Some(user_id),
                &ip,
                json!({}),
                now,
            )?;
            Ok(())
        })
    })
    .await
}

pub async fn sessions(pool: &Pool, user_id: i64) -> Result<Vec<model::Session>, AppError> {
    db::run(pool, move |conn| {
        Ok(model::live_sessions(conn, user_id, now())?)
    })
    .await
}

/// Ends one of one's own sessions; someone else's is "not found".
pub async fn revoke_session(
    pool: &Pool,
    me: &CurrentUser,
    session_id: i64,
    ip: String,
) -> Result<(), AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            if model::revoke_session(conn, user_id, session_id, now)? == 0 {
                return Err(AppError::NotFound);
            }
            model::audit(
                conn,
                "session_revoked",
                Some(user_id),
                Some(user_id),
                &ip,
                json!({ "session": session_id }),
                now,
            )?;
            Ok(())
        })
    })
    .await
}

/// Ends every session but the current one; returns how many.
pub async fn revoke_other_sessions(
    pool: &Pool,
    me: &CurrentUser,
    ip: String,
) -> Result<usize, AppError> {
    let (user_id, keep) = (me.user_id, me.session_id);
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = now();
            let n = model::revoke_sessions(conn, user_id, Some(keep), now)?;
            model::audit(
                conn,
                "sessions_revoked",
                Some(user_id),
                Some(user_id),
                &ip,
                json!({ "count": n }),
                now,
            )?;
            Ok(n)
        })
    })
    .await
}

/// Whether an account uses this address (`quai create-admin` asks for a password only if not).
pub fn account_exists(conn: &mut DbConnection, email: &str) -> Result<bool, AppError> {
    let email = parse_email("email", email)?;
    Ok(model::by_email(conn, &email)?.is_some())
}

/// `quai create-admin`: creates an admin, or promotes an existing account.
pub fn create_admin(
    conn: &mut DbConnection,
    email: &str,
    password_hash: Option<&str>,
    name: &str,
) -> Result<bool, AppError> {
    let email = parse_email("email", email)?;
    dialect::write_transaction(conn, |conn| {
        let now = now();
        let (user, created) = match model::by_email(conn, &email)? {
            Some(user) => (user, false),
            None => {
                let hash = password_hash.ok_or_else(|| {
                    AppError::validation("password", "a new account needs a password")
                })?;
                let user = model::insert_user(
                    conn,
                    &model::NewUser {
                        email: &email,
                        password_hash: hash,
                        display_name: name,
                        lang: "fr",
                        kind: Kind::PartnerStaff.as_str(),
                        is_active: true,
                        email_verified_at: Some(now),
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                (user, true)
            }
        };
        model::grant(conn, user.id, Role::Admin, now)?;
        model::audit(
            conn,
            "role_granted",
            None,
            Some(user.id),
            "cli",
            json!({ "role": "admin", "created": created }),
            now,
        )?;
        Ok(created)
    })
}
