//! The answers page handlers share: a rendered page, a redirection after a form, a detour by
//! the sign-in page.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use crate::error::AppError;

/// A rendered page. Pages about a person (`private`) are never cached.
pub fn html(
    status: StatusCode,
    page: &impl Template,
    private: bool,
) -> Result<HttpResponse, AppError> {
    let body = page.render().map_err(AppError::internal)?;
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    if private {
        response.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    Ok(response.body(body))
}

/// 303 to `location`: where a form goes after its change.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// `/connexion?suivant=…`: sign in, then come back.
pub fn sign_in_first(back: &str) -> HttpResponse {
    let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    see_other(&format!("/connexion?suivant={back}"))
}

/// What a page handler does with its `Result<CurrentUser | Admin, _>` extractor: the person, or
/// for a visitor the sign-in page that comes back to `back`; any other refusal stays an error
/// (the friendly 403 page).
pub fn or_sign_in<T>(
    who: Result<T, AppError>,
    back: &str,
) -> Result<T, Result<HttpResponse, AppError>> {
    match who {
        Ok(who) => Ok(who),
        Err(AppError::Unauthorized(_)) => Err(Ok(sign_in_first(back))),
        Err(e) => Err(Err(e)),
    }
}
