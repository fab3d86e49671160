//! Server functions answer errors with 500 and the typed error as JSON; this gives each
//! error its real status (400 for a malformed body, 401, 403, 409, 429, …). A body the
//! server could not read arrives as the client-side `network` kind; it becomes 413 when it
//! outgrew the limit (chunked bodies have no length to refuse up front) and 400 otherwise.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};
use hub_core::HubError;

/// Largest error body this reads (errors are small).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The middleware; `limit` is the request body limit in bytes.
pub async fn map_error_status(request: Request, next: Next, limit: usize) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn
        || response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(error) = serde_json::from_slice::<HubError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let error = match error {
        HubError::Network { message } if message.contains("length limit exceeded") => {
            HubError::PayloadTooLarge {
                limit_bytes: u64::try_from(limit).unwrap_or(u64::MAX),
            }
        }
        HubError::Network { .. } => HubError::BadRequest {
            message: "the body could not be read (form fields must be UTF-8 text)".to_owned(),
        },
        other => {
            parts.status =
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Response::from_parts(parts, Body::from(bytes));
        }
    };
    super::error_response(&error)
}
