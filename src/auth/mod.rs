//! Authentication and authorization: who is asking ([`Identity`], found by
//! [`session::resolve`] from a bearer token or the portal's cookies), what they may do
//! ([`CurrentUser::require`]), passwords, tokens, CSRF and rate limits.
//!
//! Errors are [`AppError`]s: 401 when nobody is signed in (or the token is bad), 403 when the
//! person lacks the role, 429 when a limit is reached.

pub mod csrf;
pub mod model;
pub mod password;
pub mod rate;
pub mod session;
pub mod tokens;

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use sha2::{Digest, Sha256};

use crate::config::{Secret, Settings, Switch};
use crate::error::AppError;
pub use model::Role;

/// What authentication needs, shared by every request.
pub struct AuthState {
    pub keys: Arc<tokens::TokenKeys>,
    pub hasher: password::Hasher,
    pub csrf_key: Secret,
    admin_token: Option<Secret>,
    pub rate_limits: Switch,
    pub secure_cookies: bool,
    pub origin: String,
}

impl AuthState {
    /// A token for a link in an email, derived from what it opens (`registration:<code>`): the
    /// same link can be written again in every later email, and only its hash is stored.
    pub fn link_token(&self, subject: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(self.csrf_key.expose().as_bytes())
            .expect("HMAC takes any key");
        mac.update(b"link:");
        mac.update(subject.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn new(settings: &Settings, jwt_secret: &Secret) -> Result<Self, tokens::InvalidToken> {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        // Half the cores at most: a burst of logins must leave room for every other request.
        let concurrency = if settings.hash_concurrency == 0 {
            (cores / 2).max(1)
        } else {
            settings.hash_concurrency
        };
        let origin = settings.base_url.origin().ascii_serialization();
        Ok(Self {
            keys: Arc::new(tokens::TokenKeys::new(
                jwt_secret.expose(),
                settings.base_url.as_str(),
            )?),
            hasher: password::Hasher::new(concurrency),
            csrf_key: Secret::new(format!("csrf:{}", jwt_secret.expose())),
            admin_token: settings.admin_token.clone(),
            rate_limits: settings.rate_limits,
            secure_cookies: !settings.is_local_http(),
            origin,
        })
    }

    /// Compares digests, so the time taken does not depend on where the strings differ.
    pub fn is_operator_token(&self, given: &str) -> bool {
        self.admin_token.as_ref().is_some_and(|expected| {
            Sha256::digest(given.trim().as_bytes()) == Sha256::digest(expected.expose().as_bytes())
        })
    }

    pub fn limits_on(&self) -> bool {
        self.rate_limits == Switch::On
    }
}

/// How the caller proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Bearer,
    Cookie,
}

/// A signed-in person, as found for this request.
#[derive(Clone, Debug)]
pub struct Identity {
    pub user_id: i64,
    pub session_id: i64,
    pub email: String,
    pub display_name: String,
    pub lang: String,
    pub verified: bool,
    pub roles: Vec<Role>,
    pub source: Source,
}

/// Extractor: the signed-in person, or 401. Cookie-authenticated API requests that change
/// something must also carry the CSRF token in `X-CSRF-Token`.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub Identity);

impl std::ops::Deref for CurrentUser {
    type Target = Identity;
    fn deref(&self) -> &Identity {
        &self.0
    }
}

impl CurrentUser {
    /// 403 unless the person holds `role` (admins hold every role's powers).
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if session::grants(&self.roles, role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "This needs the `{}` role.",
                role.as_str()
            )))
        }
    }

    /// 403 until the email address is verified (needed to publish anything).
    pub fn require_verified(&self) -> Result<(), AppError> {
        if self.verified {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Verify your email address first.".into(),
            ))
        }
    }

    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }
}

/// Whether the request was routed to the API. The path the router matched, not the raw one: the
/// router decodes percent-escapes (`/%61pi/…` reaches `/api/…` handlers).
fn is_api_route(req: &HttpRequest) -> bool {
    req.match_info().as_str().starts_with("/api/")
}

fn current_user(req: &HttpRequest) -> Result<CurrentUser, AppError> {
    let Some(identity) = req.extensions().get::<Identity>().cloned() else {
        let reason = req
            .extensions()
            .get::<session::AuthProblem>()
            .map(|p| p.0.clone())
            .unwrap_or_else(|| "Sign in first.".into());
        return Err(AppError::Unauthorized(reason));
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if identity.source == Source::Cookie && unsafe_method && is_api_route(req) {
        let state = req
            .app_data::<web::Data<AuthState>>()
            .ok_or_else(|| AppError::internal("auth state missing"))?;
        let given = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !csrf::matches(state, &csrf::session_key(identity.session_id), given) {
            return Err(AppError::Forbidden(
                "Missing or wrong CSRF token (X-CSRF-Token).".into(),
            ));
        }
    }
    Ok(CurrentUser(identity))
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(current_user(req))
    }
}

/// Extractor: the signed-in person if any (public pages that greet them).
pub struct MaybeUser(pub Option<Identity>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(MaybeUser(req.extensions().get::<Identity>().cloned())))
    }
}

/// Extractor: a cluster admin, or an operator's script holding `QUAI_ADMIN_TOKEN`.
#[derive(Clone, Debug)]
pub struct Admin {
    /// The admin's user id; `None` for the operator token.
    pub actor: Option<i64>,
}

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(admin(req))
    }
}

fn admin(req: &HttpRequest) -> Result<Admin, AppError> {
    let state = req
        .app_data::<web::Data<AuthState>>()
        .ok_or_else(|| AppError::internal("auth state missing"))?;
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer.is_some_and(|b| state.is_operator_token(b)) {
        return Ok(Admin { actor: None });
    }
    let user = current_user(req)?;
    user.require(Role::Admin)?;
    Ok(Admin {
        actor: Some(user.user_id),
    })
}
