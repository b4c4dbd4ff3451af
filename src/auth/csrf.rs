//! CSRF: every state-changing request that a browser could send with our cookies must come from
//! our own origin and carry a token bound to the visitor's session — an HMAC of the session id
//! (signed in) or of the `quai_anon` cookie (signed out), so nothing is stored server-side.
//! Forms carry it in a `csrf_token` field ([`CsrfForm`]; multipart forms through [`verify`]);
//! scripts in an `X-CSRF-Token` header.
//! All our cookies are also `SameSite=Lax`, so cross-site posts arrive without them.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

use super::{AuthState, Identity};
use crate::error::AppError;

pub const ANON_COOKIE: &str = "quai_anon";
pub const FIELD: &str = "csrf_token";

pub fn session_key(session_id: i64) -> String {
    format!("s:{session_id}")
}

fn anon_key(anon: &str) -> String {
    format!("a:{anon}")
}

/// The token for one session key.
pub fn token(state: &AuthState, key: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.csrf_key.expose().as_bytes())
        .expect("HMAC takes any key");
    mac.update(key.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time comparison with the expected token.
pub fn matches(state: &AuthState, key: &str, given: &str) -> bool {
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(state.csrf_key.expose().as_bytes())
        .expect("HMAC takes any key");
    mac.update(key.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The anonymous id chosen for this request (read from the cookie, or made by [`ensure_anon`]).
#[derive(Clone, Debug)]
struct AnonId(String);

/// The key the current request's token is bound to.
fn key_of(req: &HttpRequest) -> Option<String> {
    if let Some(identity) = req.extensions().get::<Identity>() {
        return Some(session_key(identity.session_id));
    }
    req.extensions().get::<AnonId>().map(|a| anon_key(&a.0))
}

/// The token to put in this request's forms.
pub fn form_token(req: &HttpRequest) -> String {
    match (req.app_data::<web::Data<AuthState>>(), key_of(req)) {
        (Some(state), Some(key)) => token(state, &key),
        _ => String::new(),
    }
}

fn same_origin(req: &ServiceRequest, origin: &str) -> bool {
    let headers = req.headers();
    if let Some(o) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return o == origin || Some(o) == own_origin(req).as_deref();
    }
    if let Some(r) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        return r.starts_with(&format!("{origin}/"))
            || own_origin(req).is_some_and(|own| r.starts_with(&format!("{own}/")));
    }
    false
}

/// The origin this request was addressed to (for servers reached at another name than the base URL).
fn own_origin(req: &ServiceRequest) -> Option<String> {
    let info = req.connection_info();
    Some(format!("{}://{}", info.scheme(), info.host()))
}

/// Middleware: gives every visitor an anonymous id cookie (forms need a key before sign-in),
/// and refuses state-changing requests that carry our cookies from another origin.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AuthState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let has_our_cookies = req
        .cookies()
        .map(|cs| cs.iter().any(|c| c.name().starts_with("quai_")))
        .unwrap_or(false);
    let bearer = req.headers().contains_key(header::AUTHORIZATION);
    if unsafe_method && has_our_cookies && !bearer && !same_origin(&req, &state.origin) {
        tracing::warn!(path = %req.path(), "refused: a state-changing request with our cookies from another origin");
        let refusal = AppError::Forbidden("This request did not come from this site.".into());
        // An answer, not an error: the error pages, headers and logs still apply.
        return Ok(req.error_response(refusal));
    }
    let anon = req.cookie(ANON_COOKIE).map(|c| c.value().to_owned());
    let new_anon = anon.is_none().then(super::tokens::random_token);
    if let Some(id) = anon.clone().or_else(|| new_anon.clone()) {
        req.extensions_mut().insert(AnonId(id));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(id) = new_anon {
        let cookie = Cookie::build(ANON_COOKIE, id)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.secure_cookies)
            .finish();
        if let Ok(value) = header::HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(res)
}

/// Checks a form's token against this request's session (403 when it is missing or wrong).
/// [`CsrfForm`] does it for URL-encoded forms; a handler that reads a multipart form itself
/// calls it with the form's `csrf_token` field (or the `X-CSRF-Token` header, which only our
/// own scripts can set).
pub fn verify(req: &HttpRequest, given: Option<&str>) -> Result<(), AppError> {
    let state = req
        .app_data::<web::Data<AuthState>>()
        .ok_or_else(|| AppError::internal("auth state missing"))?;
    let ok = match (key_of(req), given) {
        (Some(key), Some(given)) => matches(state, &key, given),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "The form has expired; reload the page and try again.".into(),
        ))
    }
}

/// Extractor: a URL-encoded form whose `csrf_token` field matches the session; 403 otherwise.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct TokenField {
    csrf_token: Option<String>,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = bytes
                .await
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            let field: TokenField = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            verify(&req, field.csrf_token.as_deref())?;
            let form = serde_urlencoded::from_bytes::<T>(&body)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            Ok(CsrfForm(form))
        })
    }
}
