//! The one error type of the HTTP layer.
//!
//! Services return [`AppError`]; actix turns it into `application/problem+json` (RFC 9457) with a
//! stable snake_case `code`. Outside `/api`, [`crate::web::errors`] renders the same error as a
//! friendly page in the visitor's language. A 5xx never shows internals: its cause is logged.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::DbError;

pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// A text field, trimmed; its problems (required and empty, longer than `max` characters,
/// control characters other than line breaks and tabs) go to `errors`.
pub fn text_field(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let value = value.trim();
    let mut problem = |message: String| errors.entry(field.into()).or_default().push(message);
    if required && value.is_empty() {
        problem("is required".into());
    }
    if value.chars().count() > max {
        problem(format!("must be at most {max} characters"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        problem("must not contain control characters".into());
    }
    value.to_owned()
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized(String),
    #[error("forbidden")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("request body too large")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("too many requests")]
    TooManyRequests(u64),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The RFC 9457 body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, snake_case: clients may branch on it.
    pub code: String,
    /// Field → messages, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<FieldErrors>,
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec![message.into()]);
        Self::Validation(errors)
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    /// The stable code clients can rely on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "Malformed request",
            Self::Unauthorized(_) => "Authentication required",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Conflict(_) => "Conflict",
            Self::PayloadTooLarge(_) => "Request body too large",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::Validation(_) => "Invalid data",
            Self::TooManyRequests(_) => "Too many requests",
            Self::Unavailable(_) => "Service unavailable",
            Self::Internal(_) => "Internal error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(d)
            | Self::Unauthorized(d)
            | Self::Forbidden(d)
            | Self::Conflict(d)
            | Self::UnsupportedMediaType(d) => d.clone(),
            Self::NotFound => "No resource exists at this address.".into(),
            Self::MethodNotAllowed => "This resource does not accept that method.".into(),
            Self::PayloadTooLarge(limit) => {
                format!("The request body exceeds the limit of {limit} bytes.")
            }
            Self::Validation(_) => "Some fields are invalid; see `errors`.".into(),
            Self::TooManyRequests(seconds) => {
                format!("Too many attempts; try again in {seconds} seconds.")
            }
            Self::Unavailable(_) => {
                "The service is temporarily unavailable; try again shortly.".into()
            }
            Self::Internal(_) => "An unexpected error occurred; it has been logged.".into(),
        }
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("https://quai.amiens-cluster.fr/problems/{}", self.code()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: self.code().to_owned(),
            errors: match self {
                Self::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "request failed"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "dependency unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        if let Self::TooManyRequests(seconds) = self {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if matches!(self, Self::Unauthorized(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unreachable { .. } => Self::Unavailable(e.to_string()),
            DbError::Query(q) => q.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match e {
            E::NotFound => Self::NotFound,
            E::DatabaseError(K::ClosedConnection | K::UnableToSendCommand, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            E::DatabaseError(_, info) if is_connection_loss(info.message()) => {
                Self::Unavailable(info.message().to_owned())
            }
            E::DatabaseError(K::UniqueViolation | K::ForeignKeyViolation, info) => {
                tracing::info!(constraint = ?info.constraint_name(), "constraint refused a change");
                Self::Conflict("This change conflicts with existing data.".into())
            }
            E::DatabaseError(K::CheckViolation | K::NotNullViolation, info) => {
                tracing::warn!(
                    message = info.message(),
                    "a check constraint refused a change"
                );
                Self::validation("body", "a value is not allowed")
            }
            E::DatabaseError(_, info) if is_busy(info.message()) => {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        Self::Unavailable(format!("no database connection: {e}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(e.to_string())
    }
}

/// SQLite's answer when another writer held the database past the busy timeout.
fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

/// PostgreSQL reports a server that went away mid-session with these messages.
fn is_connection_loss(message: &str) -> bool {
    const SIGNS: [&str; 4] = [
        "server closed the connection",
        "terminating connection",
        "connection to server",
        "no connection to the server",
    ];
    SIGNS.iter().any(|s| message.contains(s))
}
