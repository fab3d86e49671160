//! The body limit answers with the typed error instead of a plain-text 413.

use super::error_response;
use axum::{extract::Request, http::StatusCode, middleware::Next, response::Response};
use hub_core::HubError;

/// Replaces the body limit's plain 413 with the typed error.
pub async fn typed_payload_too_large(request: Request, next: Next, limit: usize) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        error_response(&HubError::PayloadTooLarge {
            limit_bytes: u64::try_from(limit).unwrap_or(u64::MAX),
        })
    } else {
        response
    }
}
