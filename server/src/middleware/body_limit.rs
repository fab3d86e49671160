//! The body limit answers with the typed error instead of a plain-text 413.

use super::error_response;
use axum::{extract::Request, http::StatusCode, middleware::Next, response::Response};
use hub_core::HubError;

/// Replaces the body limit's plain 413 with the typed error.
/// (On `/api/v1` as a problem, like every error there.)
pub async fn typed_payload_too_large(request: Request, next: Next, limit: usize) -> Response {
    let path = request.uri().path();
    let api = crate::rest::v1::is_api_path(path) || crate::rest::v1::is_hook_path(path);
    let response = next.run(request).await;
    let own_problem = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/problem+json"));
    // A handler's own 413 (a smaller limit of its own, e.g. a webhook's) stands as it is.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !own_problem {
        let error = HubError::PayloadTooLarge {
            limit_bytes: u64::try_from(limit).unwrap_or(u64::MAX),
        };
        if api {
            crate::rest::v1::problem_response(&error)
        } else {
            error_response(&error)
        }
    } else {
        response
    }
}
