//! The logo in the portal and on the web: the form that changes it (`POST
//! /espace/organisations/{id}/logo`, `multipart/form-data`), the button that removes it, and
//! `GET /media/logos/{name}`, where logos are served.
//!
//! The form is the partial `orgs/logo_form.html` ([`LogoForm`]), meant for the organization's
//! page `/espace/organisations/{id}`, where both posts come back (303): `?ok=logo` (or
//! `?ok=logo-supprime`) or `?erreur=logo-<reason>` (`type`, `taille`, `svg`, `image`), which
//! [`flash`] turns into a message. Owners and admins only: anybody else gets the friendly 403
//! page, a visitor is sent to sign in first.

use actix_multipart::{Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::logo::{self, Logo, LogoName, Store};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::{self, CsrfForm};
use crate::error::AppError;
use crate::web::{Translator, upload};

type Page = Result<HttpResponse, AppError>;

/// Registers the portal's logo forms.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/espace/organisations/{id}/logo").route(web::post().to(upload)))
        .service(
            web::resource("/espace/organisations/{id}/logo/supprimer")
                .route(web::post().to(remove)),
        );
}

/// The logo form, to include in the organization's page:
/// `{% include "orgs/logo_form.html" %}` with `org_id`, `logo_url`, `csrf` and `t` in scope, or
/// rendered on its own from this struct.
#[derive(Template)]
#[template(path = "orgs/logo_form.html")]
pub struct LogoForm {
    pub org_id: i64,
    pub logo_url: Option<String>,
    pub csrf: String,
    pub t: Translator,
}

/// What `?ok=…` or `?erreur=…` on the organization's page says after a logo form: whether it
/// is good news, and the message's key in the catalogs.
pub fn flash(ok: Option<&str>, erreur: Option<&str>) -> Option<(bool, &'static str)> {
    let ok = match ok {
        Some("logo") => Some("logos.flash.saved"),
        Some("logo-supprime") => Some("logos.flash.removed"),
        _ => None,
    };
    let refused = match erreur {
        Some("logo-type") => Some("logos.flash.type"),
        Some("logo-taille") => Some("logos.flash.taille"),
        Some("logo-svg") => Some("logos.flash.svg"),
        Some("logo-image") => Some("logos.flash.image"),
        _ => None,
    };
    ok.map(|key| (true, key))
        .or(refused.map(|key| (false, key)))
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

fn organization_page(id: i64) -> String {
    format!("/espace/organisations/{id}")
}

/// A visitor who is not signed in signs in first, then comes back to the organization's page.
fn signed_in(me: Result<CurrentUser, AppError>, id: i64) -> Result<CurrentUser, Page> {
    crate::web::respond::or_sign_in(me, &organization_page(id))
}

/// The file of the form: its declared type and its bytes, `None` when larger than the limit.
struct FilePart {
    content_type: Option<String>,
    bytes: Option<web::Bytes>,
}

/// What the multipart form holds.
#[derive(Default)]
struct Submitted {
    csrf_token: Option<String>,
    file: Option<FilePart>,
}

/// At most this many parts: the form has two.
const MAX_PARTS: usize = 8;

/// Reads the form: the `csrf_token` field and the `logo` file (up to `limit` bytes); other
/// fields are skipped. The whole body is bounded, beyond which the file counts as too large.
async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Submitted, AppError> {
    let too_large = || FilePart {
        content_type: None,
        bytes: None,
    };
    let malformed = |e: MultipartError| AppError::BadRequest(format!("malformed form: {e}"));
    let overflow =
        |e: &MultipartError| matches!(e, MultipartError::Payload(PayloadError::Overflow));
    let mut parts = Multipart::new(
        req.headers(),
        upload::capped(payload, upload::drain_bound(limit)),
    );
    let mut form = Submitted::default();
    let mut count = 0;
    while let Some(part) = parts.next().await {
        let mut part = match part {
            Ok(part) => part,
            Err(e) if overflow(&e) => {
                form.file = Some(too_large());
                break;
            }
            Err(e) => return Err(malformed(e)),
        };
        count += 1;
        if count > MAX_PARTS {
            return Err(AppError::BadRequest("too many form fields".into()));
        }
        let name = part.name().unwrap_or_default().to_owned();
        let content_type = part.content_type().map(|m| m.essence_str().to_owned());
        let wanted = match name.as_str() {
            csrf::FIELD => 256,
            "logo" => limit,
            _ => 0,
        };
        let bytes = match part.bytes(wanted).await {
            Ok(Ok(bytes)) => Some(bytes),
            Ok(Err(e)) if overflow(&e) => {
                form.file = Some(too_large());
                break;
            }
            Ok(Err(e)) => return Err(malformed(e)),
            // Over its limit (the part was read to its end).
            Err(_) => None,
        };
        match name.as_str() {
            csrf::FIELD => {
                form.csrf_token = bytes.and_then(|b| String::from_utf8(b.to_vec()).ok());
            }
            "logo" => {
                form.file = Some(FilePart {
                    content_type,
                    bytes,
                })
            }
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /espace/organisations/{id}/logo`: a new logo from the form.
async fn upload(
    req: HttpRequest,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Page {
    let id = id.into_inner();
    let limit = state.settings.logo_max_bytes;
    // Who posts is known before the body is read: nobody else makes the server buffer a file.
    let me = match signed_in(me, id) {
        Ok(me) => me,
        Err(page) => return page,
    };
    logo::check_access(&state.db, &me, id).await?;
    let form = read_form(&req, payload, limit).await?;
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok());
    csrf::verify(&req, form.csrf_token.as_deref().or(header_token))?;
    let back = organization_page(id);
    let parsed = match form.file {
        Some(FilePart {
            bytes: Some(bytes),
            content_type,
        }) => Logo::parse(content_type.as_deref(), bytes, limit),
        Some(FilePart { bytes: None, .. }) => Err(logo::LogoError::TooLarge(limit)),
        None => Err(logo::LogoError::Empty),
    };
    let logo = match parsed {
        Ok(logo) => logo,
        Err(refused) => {
            tracing::info!(organization = id, reason = %refused, "logo refused");
            return Ok(see_other(&format!(
                "{back}?erreur=logo-{}",
                refused.reason()
            )));
        }
    };
    let store = Store::new(&state.settings.data_dir);
    logo::replace(&state.db, &store, &me, id, logo).await?;
    Ok(see_other(&format!("{back}?ok=logo")))
}

/// The remove button's form: its token only.
#[derive(serde::Deserialize)]
struct RemoveForm {}

/// `POST /espace/organisations/{id}/logo/supprimer`.
async fn remove(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(_): CsrfForm<RemoveForm>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, id) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let store = Store::new(&state.settings.data_dir);
    logo::remove(&state.db, &store, &me, id).await?;
    Ok(see_other(&format!(
        "{}?ok=logo-supprime",
        organization_page(id)
    )))
}

/// `GET /media/logos/{name}`: a stored logo, cached for good (a new logo is a new name). Names
/// other than `<32 hex digits>.<png|jpg|webp|svg>` are 404 before any file is touched. An SVG
/// gets a policy of its own: no script, no fetch, sandboxed, even when opened directly.
pub async fn serve(state: web::Data<AppState>, name: web::Path<String>) -> Page {
    let name = LogoName::parse(&name).ok_or(AppError::NotFound)?;
    let store = Store::new(&state.settings.data_dir);
    let bytes = store.read(&name).await?.ok_or(AppError::NotFound)?;
    let format = name.format();
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, format.mime()))
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ]))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if format == logo::Format::Svg {
        res.insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ));
    }
    Ok(res.body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::Lang;

    #[test]
    fn the_form_renders_in_both_languages() {
        for (lang, words) in [
            (Lang::Fr, "Supprimer le logo"),
            (Lang::En, "Remove the logo"),
        ] {
            let form = LogoForm {
                org_id: 7,
                logo_url: Some("/media/logos/0123456789abcdef0123456789abcdef.png".into()),
                csrf: "abc".into(),
                t: lang.t(),
            };
            let html = form.render().unwrap();
            assert!(
                html.contains(r#"action="/espace/organisations/7/logo""#),
                "{html}"
            );
            assert!(html.contains(r#"enctype="multipart/form-data""#), "{html}");
            assert!(html.contains(r#"accept="image/png,image/jpeg,image/webp,image/svg+xml""#));
            assert!(html.contains(r#"name="csrf_token" value="abc""#));
            assert!(html.contains(r#"src="/media/logos/0123456789abcdef0123456789abcdef.png""#));
            assert!(html.contains(words), "{html}");
            assert!(!html.contains('…'), "a translation is missing: {html}");
            assert!(!html.contains("style="), "{html}");
        }
        let html = LogoForm {
            org_id: 7,
            logo_url: None,
            csrf: "abc".into(),
            t: Lang::Fr.t(),
        }
        .render()
        .unwrap();
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("/logo/supprimer"), "{html}");
    }

    #[test]
    fn flashes_name_their_messages() {
        assert_eq!(flash(Some("logo"), None), Some((true, "logos.flash.saved")));
        assert_eq!(
            flash(None, Some("logo-taille")),
            Some((false, "logos.flash.taille"))
        );
        assert_eq!(flash(None, Some("autre")), None);
        for key in ["saved", "removed", "type", "taille", "svg", "image"] {
            let key = format!("logos.flash.{key}");
            assert_ne!(Lang::Fr.t().get(&key), "…");
            assert_ne!(Lang::En.t().get(&key), "…");
        }
    }
}
