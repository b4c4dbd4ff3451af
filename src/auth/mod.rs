//! Authentication. For now: the operator token that opens the admin API to scripts
//! (`QUAI_ADMIN_TOKEN`). Accounts, sessions and roles come with the accounts feature.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::AppError;

/// Proof that the request carries the operator token as `Authorization: Bearer …`.
#[derive(Debug)]
pub struct OperatorToken;

impl FromRequest for OperatorToken {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(check(req))
    }
}

fn check(req: &HttpRequest) -> Result<OperatorToken, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let Some(expected) = &state.settings.admin_token else {
        return Err(AppError::Unauthorized(
            "The admin API is closed: no operator token is configured (QUAI_ADMIN_TOKEN).".into(),
        ));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| AppError::Unauthorized("Send `Authorization: Bearer <token>`.".into()))?;
    // Comparing digests keeps the comparison time independent of where the strings differ.
    if Sha256::digest(given.trim().as_bytes()) == Sha256::digest(expected.expose().as_bytes()) {
        Ok(OperatorToken)
    } else {
        Err(AppError::Unauthorized("The token is not valid.".into()))
    }
}
