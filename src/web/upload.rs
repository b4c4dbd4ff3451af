//! Request bodies read by hand, for uploads that have their own size limit instead of the
//! app-wide `body_limit`: [`read_limited`] for a raw body, [`capped`] for a multipart stream.
//!
//! A refused upload is still read to its end (up to [`drain_bound`]), so that the client, which
//! is still sending, reads our answer instead of a reset connection; and an error answer on an
//! upload route closes the connection ([`close_on_error`]), since its body may be left unread.

use actix_web::HttpRequest;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{ConnectionType, header};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use crate::error::AppError;

/// How much of a refused body is read and dropped before giving up on the connection.
pub fn drain_bound(limit: usize) -> usize {
    limit
        .saturating_mul(2)
        .max(limit.saturating_add(1024 * 1024))
}

/// The whole body if it holds at most `limit` bytes; `Ok(None)` if it is larger.
pub async fn read_limited(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Option<Bytes>, AppError> {
    let drain = drain_bound(limit);
    if declared_length(req).is_some_and(|n| n > drain as u64) {
        return Ok(None);
    }
    let mut body = BytesMut::new();
    let mut seen = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("incomplete body: {e}")))?;
        seen = seen.saturating_add(chunk.len());
        if seen > drain {
            return Ok(None);
        }
        if seen <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    Ok((seen <= limit).then(|| body.freeze()))
}

/// The body as a stream that fails once more than `bound` bytes have come.
pub fn capped(
    payload: web::Payload,
    bound: usize,
) -> impl Stream<Item = Result<Bytes, PayloadError>> + 'static {
    let mut seen = 0usize;
    payload.map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len());
        if seen > bound {
            Err(PayloadError::Overflow)
        } else {
            Ok(chunk)
        }
    })
}

/// The `Content-Length` a request declares, if any.
fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Middleware for upload routes: an error answer closes the connection. The body may not have
/// been read (a refusal before reading it, or one larger than [`drain_bound`]), so the client
/// must not send another request on the same connection.
pub async fn close_on_error(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    if res.status().is_client_error() || res.status().is_server_error() {
        res.response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(res)
}
