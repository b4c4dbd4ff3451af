//! Where logos are served: `GET /media/logos/{name}`.

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};

use super::logo::{self, LogoName, Store};
use crate::app::AppState;
use crate::error::AppError;

type Page = Result<HttpResponse, AppError>;

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
