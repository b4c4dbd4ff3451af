//! Sessions: a login starts a session (a family of refresh tokens); each refresh rotates the
//! token; presenting a rotated token again after the grace window revokes the whole family.
//! Also the middleware that finds who is asking, from `Authorization: Bearer` or the portal's
//! cookies, refreshing the portal's access token silently when it has expired.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use chrono::{Duration, NaiveDateTime, Utc};

use super::model::{self, Role};
use super::tokens::{self, TokenKeys};
use super::{AuthState, Identity, Source};
use crate::db::{self, DbConnection, Pool};
use crate::error::AppError;

pub const ACCESS_COOKIE: &str = "quai_access";
pub const REFRESH_COOKIE: &str = "quai_refresh";
pub const SESSION_DAYS: i64 = 30;
/// A rotated refresh token presented again within this many seconds is a double refresh
/// (two tabs, a retry), not a theft.
pub const REUSE_GRACE_SECONDS: i64 = 5;

/// Tokens handed to a client. (No `Debug`: it holds secrets.)
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub access_token: String,
    /// Absent when a refresh token was used twice within the grace window: the first answer
    /// carried the new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
    #[serde(skip)]
    pub session_id: i64,
    #[serde(skip)]
    pub user_id: i64,
}

fn issue(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    user_id: i64,
    session_id: i64,
    now: NaiveDateTime,
) -> Result<Issued, AppError> {
    let refresh = tokens::random_token();
    model::insert_refresh(conn, session_id, &tokens::hash_token(&refresh), now)?;
    let mut issued = access_only(keys, user_id, session_id, now)?;
    issued.refresh_token = Some(refresh);
    Ok(issued)
}

/// A new access token in an existing session, without a new refresh token.
fn access_only(
    keys: &TokenKeys,
    user_id: i64,
    session_id: i64,
    now: NaiveDateTime,
) -> Result<Issued, AppError> {
    let access = keys
        .issue(user_id, session_id, now.and_utc().timestamp())
        .map_err(AppError::internal)?;
    Ok(Issued {
        access_token: access,
        refresh_token: None,
        token_type: "Bearer",
        expires_in: tokens::ACCESS_TTL_SECONDS,
        session_id,
        user_id,
    })
}

/// Starts a session for a user who just proved who they are.
pub fn start(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    user_id: i64,
    user_agent: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<Issued, AppError> {
    let agent: String = user_agent.chars().take(200).collect();
    let session_id = model::insert_session(
        conn,
        user_id,
        &agent,
        ip,
        now,
        now + Duration::days(SESSION_DAYS),
    )?;
    issue(conn, keys, user_id, session_id, now)
}

/// What a refresh did.
pub enum Refreshed {
    Issued(Issued),
    /// A rotated token came back after the grace window: the family is revoked. The caller
    /// commits that, then answers 401.
    Revoked,
}

/// Rotates a refresh token.
pub fn refresh(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    presented: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<Refreshed, AppError> {
    let invalid = || AppError::Unauthorized("The refresh token is not valid.".into());
    let token =
        model::refresh_by_hash(conn, &tokens::hash_token(presented))?.ok_or_else(invalid)?;
    let session = model::session(conn, token.session_id)?.ok_or_else(invalid)?;
    if !session.is_live(now) {
        return Err(invalid());
    }
    let user = model::by_id(conn, session.user_id)?;
    if !user.can_sign_in() {
        return Err(invalid());
    }
    let first_use = token.used_at.is_none() && model::use_refresh(conn, token.id, now)? == 1;
    if !first_use {
        let used_at = match token.used_at {
            Some(at) => at,
            None => now,
        };
        if now - used_at > Duration::seconds(REUSE_GRACE_SECONDS) {
            model::revoke_session(conn, session.user_id, session.id, now)?;
            model::audit(
                conn,
                "refresh_token_reused",
                None,
                Some(session.user_id),
                ip,
                serde_json::json!({ "session": session.id }),
                now,
            )?;
            tracing::warn!(
                user = session.user_id,
                session = session.id,
                "refresh token reused: session revoked"
            );
            return Ok(Refreshed::Revoked);
        }
        // A double refresh (two tabs, a retry) within the grace window: a new access token
        // only, so that a replay never yields a refresh token of its own.
        model::touch_session(conn, session.id, now)?;
        return access_only(keys, session.user_id, session.id, now).map(Refreshed::Issued);
    }
    model::touch_session(conn, session.id, now)?;
    issue(conn, keys, session.user_id, session.id, now).map(Refreshed::Issued)
}

/// Who is asking, if anyone: loads the user, their roles and checks the session is live.
pub fn identify(
    conn: &mut DbConnection,
    user_id: i64,
    session_id: i64,
    source: Source,
    now: NaiveDateTime,
) -> Result<Option<Identity>, AppError> {
    let Some(session) = model::session(conn, session_id)? else {
        return Ok(None);
    };
    if !session.is_live(now) || session.user_id != user_id {
        return Ok(None);
    }
    let user = model::by_id(conn, user_id)?;
    if !user.can_sign_in() {
        return Ok(None);
    }
    let roles = model::roles_of(conn, user_id)?;
    Ok(Some(Identity {
        user_id,
        session_id,
        email: user.email,
        display_name: user.display_name,
        lang: user.lang,
        verified: user.email_verified_at.is_some(),
        roles,
        source,
    }))
}

/// The portal's cookies for fresh tokens (the refresh cookie only when there is a new one).
pub fn cookies(issued: &Issued, secure: bool) -> Vec<Cookie<'static>> {
    let build = |name: &'static str, value: String, age: CookieDuration| {
        Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(age)
            .finish()
    };
    let mut out = vec![build(
        ACCESS_COOKIE,
        issued.access_token.clone(),
        CookieDuration::seconds(tokens::ACCESS_TTL_SECONDS),
    )];
    if let Some(refresh) = &issued.refresh_token {
        out.push(build(
            REFRESH_COOKIE,
            refresh.clone(),
            CookieDuration::days(SESSION_DAYS),
        ));
    }
    out
}

/// Cookies that erase the portal's session.
pub fn clearing_cookies(secure: bool) -> [Cookie<'static>; 2] {
    [ACCESS_COOKIE, REFRESH_COOKIE].map(|name| {
        let mut c = Cookie::build(name, "")
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .finish();
        c.make_removal();
        c
    })
}

/// The client's address as seen by this server.
pub fn client_ip(req: &actix_web::HttpRequest) -> String {
    // No address (a Unix socket): one shared bucket, never "no limit".
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

enum Found {
    Nobody,
    Someone(Identity),
    Refreshed(Identity, Issued),
    /// The portal's cookies are dead: erase them.
    Stale,
}

async fn find(
    pool: &Pool,
    state: &AuthState,
    bearer: Option<String>,
    access: Option<String>,
    refresh_cookie: Option<String>,
    ip: String,
) -> Result<(Found, Option<String>), AppError> {
    // An explicit bearer token decides alone.
    if let Some(token) = bearer {
        return match state.keys.verify(&token) {
            Ok((user_id, claims)) => {
                let found = db::run(pool, move |conn| {
                    identify(
                        conn,
                        user_id,
                        claims.sid,
                        Source::Bearer,
                        Utc::now().naive_utc(),
                    )
                })
                .await?;
                Ok(match found {
                    Some(identity) => (Found::Someone(identity), None),
                    None => (
                        Found::Nobody,
                        Some("The token's session or account is no longer valid.".into()),
                    ),
                })
            }
            Err(e) => Ok((Found::Nobody, Some(e.to_string()))),
        };
    }
    if let Some(token) = access
        && let Ok((user_id, claims)) = state.keys.verify(&token)
    {
        let found = db::run(pool, move |conn| {
            identify(
                conn,
                user_id,
                claims.sid,
                Source::Cookie,
                Utc::now().naive_utc(),
            )
        })
        .await?;
        if let Some(identity) = found {
            return Ok((Found::Someone(identity), None));
        }
    }
    if let Some(presented) = refresh_cookie {
        let keys = state.keys.clone();
        let outcome = db::run(pool, move |conn| {
            crate::db::dialect::write_transaction(conn, |conn| {
                let now = Utc::now().naive_utc();
                match refresh(conn, &keys, &presented, &ip, now) {
                    Ok(Refreshed::Issued(issued)) => {
                        Ok(
                            identify(conn, issued.user_id, issued.session_id, Source::Cookie, now)?
                                .map(|id| (id, issued)),
                        )
                    }
                    Ok(Refreshed::Revoked) | Err(AppError::Unauthorized(_)) => Ok(None),
                    Err(e) => Err(e),
                }
            })
        })
        .await?;
        return Ok((
            outcome.map_or(Found::Stale, |(identity, issued)| {
                Found::Refreshed(identity, issued)
            }),
            None,
        ));
    }
    Ok((Found::Nobody, None))
}

/// Why authentication failed, for the 401 of an endpoint that needs it.
#[derive(Clone, Debug)]
pub struct AuthProblem(pub String);

/// Middleware: puts the caller's [`Identity`] (or the reason there is none) in the request.
pub async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AuthState>>().cloned();
    let pool = req.app_data::<web::Data<Pool>>().cloned();
    // Static files and operations endpoints need nobody (and must not refresh sessions).
    let anonymous = req.path().starts_with("/static/")
        || matches!(
            req.path(),
            "/healthz" | "/readyz" | "/metrics" | "/favicon.ico" | "/robots.txt"
        );
    let (Some(state), Some(pool), false) = (state, pool, anonymous) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or("").trim().to_owned());
    let access = req.cookie(ACCESS_COOKIE).map(|c| c.value().to_owned());
    let refresh_cookie = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    let operator = bearer
        .as_deref()
        .is_some_and(|b| state.is_operator_token(b));
    let (found, problem) = if operator {
        (Found::Nobody, None)
    } else {
        match find(
            &pool,
            &state,
            bearer,
            access,
            refresh_cookie,
            client_ip(req.request()),
        )
        .await
        {
            Ok(found) => found,
            // An answer, not an error: the error pages, headers and logs still apply.
            Err(e) => return Ok(req.error_response(e)),
        }
    };
    if let Some(problem) = problem {
        req.extensions_mut().insert(AuthProblem(problem));
    }
    let secure = state.secure_cookies;
    let mut set: Vec<Cookie<'static>> = Vec::new();
    match found {
        Found::Nobody => {}
        Found::Someone(identity) => {
            req.extensions_mut().insert(identity);
        }
        Found::Refreshed(identity, issued) => {
            req.extensions_mut().insert(identity);
            set.extend(cookies(&issued, secure));
        }
        Found::Stale => set.extend(clearing_cookies(secure)),
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    // What the handler set (a logout, a new login) wins over the silent refresh.
    let handled: Vec<String> = res
        .response()
        .cookies()
        .map(|c| c.name().to_owned())
        .collect();
    for cookie in set
        .into_iter()
        .filter(|c| !handled.iter().any(|h| h == c.name()))
    {
        if let Ok(value) = header::HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(res)
}

/// Whether a role list grants `role` (admins hold every power).
pub fn grants(roles: &[Role], role: Role) -> bool {
    roles.contains(&role) || roles.contains(&Role::Admin)
}
