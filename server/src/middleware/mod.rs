//! Tower middleware, outermost first: security headers (with the CSP nonce), body limit,
//! cross-site refusal, authentication, and the status mapping of server-function errors.
//! Pages additionally pass the sign-in gate.

pub mod auth;
pub mod body_limit;
pub mod csrf;
pub mod pages;
pub mod security;
pub mod server_fn_status;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use hub_core::HubError;

/// The typed error as an HTTP response: its status and its JSON.
pub fn error_response(error: &HubError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        error.to_json(),
    )
        .into_response()
}

/// Whether the request came over https: directly, or as a trusted proxy reports it.
pub fn is_https(request: &axum::extract::Request, trust_proxy: bool) -> bool {
    request.uri().scheme_str() == Some("https")
        || (trust_proxy
            && request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"))
}
