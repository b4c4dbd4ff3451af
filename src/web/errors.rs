//! Error pages: outside `/api`, an error answer becomes a friendly page in the visitor's
//! language; under `/api` it stays problem+json. Also the API's handlers for what actix
//! rejects before a handler runs (malformed JSON, bad query strings, oversized bodies).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

use super::{Lang, Layout, Translator};
use crate::error::AppError;
use crate::telemetry::RequestId;

#[derive(Template)]
#[template(path = "errors/page.html")]
struct ErrorPage {
    layout: Layout,
    t: Translator,
    status: u16,
    heading: String,
    message: String,
    request_id: Option<String>,
}

/// Paths whose errors stay machine-readable.
pub fn is_machine_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// The code of an error answer: the `AppError` it came from, else its status.
fn code_of(res: &ServiceResponse<impl MessageBody>) -> &'static str {
    if let Some(app) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
    {
        return app.code();
    }
    match res.status() {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::SERVICE_UNAVAILABLE => "service_unavailable",
        s if s.is_server_error() => "internal_error",
        _ => "bad_request",
    }
}

/// A page a handler rendered itself with an error status (a form shown again with its errors,
/// 422): it stays as it is.
fn is_rendered_page(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.response().error().is_none()
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"))
}

/// Middleware: render error answers of page routes as HTML.
pub async fn pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let machine = is_machine_path(req.path());
    let res = next.call(req).await?;
    let status = res.status();
    if machine || !(status.is_client_error() || status.is_server_error()) || is_rendered_page(&res)
    {
        return Ok(res.map_into_boxed_body());
    }
    let code = code_of(&res);
    let (http_req, old) = res.into_parts();
    let mut page = render(&http_req, status, code);
    *page.status_mut() = status;
    for name in [header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(v) = old.headers().get(&name) {
            page.headers_mut().insert(name, v.clone());
        }
    }
    // Cookies set on the way (a session cleared, a silent refresh) still reach the browser.
    for v in old.headers().get_all(header::SET_COOKIE) {
        page.headers_mut().append(header::SET_COOKIE, v.clone());
    }
    Ok(ServiceResponse::new(http_req, page.map_into_boxed_body()))
}

fn render(req: &HttpRequest, status: StatusCode, code: &'static str) -> HttpResponse {
    let lang = Lang::of_request(req);
    let t = lang.t();
    let heading = if status == StatusCode::NOT_FOUND {
        t.get("error.not_found_title")
    } else {
        t.get("error.heading")
    };
    let page = ErrorPage {
        layout: Layout::new(
            req,
            lang,
            &format!("{heading} · Quai"),
            t.get("site.description"),
        ),
        t,
        status: status.as_u16(),
        heading: heading.to_owned(),
        message: t.get(&format!("error.{code}")).to_owned(),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(heading)
        }
    }
}

/// Unmatched routes: 405 when the path exists with other methods, else 404.
pub async fn fallback(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.resource_map().has_resource(req.path()) {
        Err(AppError::MethodNotAllowed)
    } else {
        Err(AppError::NotFound)
    }
}

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let app = match &err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => AppError::PayloadTooLarge(*limit),
        JsonPayloadError::ContentType => AppError::UnsupportedMediaType(
            "Send the body as JSON with `Content-Type: application/json`.".into(),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            AppError::validation("body", e.to_string())
        }
        JsonPayloadError::Deserialize(e) => AppError::BadRequest(format!("malformed JSON: {e}")),
        other => AppError::BadRequest(other.to_string()),
    };
    app.into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("invalid query string: {err}")).into()
}

pub fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}
