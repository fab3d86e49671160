//! RFC 9457 problem details: the one error shape of `/api/v1`.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse as _, Response},
};
use hub_core::HubError;
use serde::Serialize;

/// An error, as the API answers it (`application/problem+json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "type": "urn:msp-hub:problem:unauthenticated",
    "title": "Not authenticated",
    "status": 401,
    "detail": "Send a valid, unexpired API key as `Authorization: Bearer <key>`."
}))]
pub struct Problem {
    /// Stable per kind of error: `urn:msp-hub:problem:<kind>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of error.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong here, for a person.
    pub detail: String,
    /// For invalid input: the field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The problem `error` is, over the API.
pub fn problem(error: &HubError) -> Problem {
    let kind = serde_json::to_value(error)
        .ok()
        .and_then(|value| {
            value
                .get("kind")
                .and_then(|k| k.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "internal".to_owned());
    let (title, detail) = match error {
        // One answer for a missing, malformed, unknown, revoked or expired key.
        HubError::Unauthenticated => (
            "Not authenticated",
            "Send a valid, unexpired API key as `Authorization: Bearer <key>`.".to_owned(),
        ),
        HubError::Forbidden => (
            "Not allowed",
            "This API key does not have the scope this request needs.".to_owned(),
        ),
        HubError::NotFound { .. } => ("Not found", error.to_string()),
        HubError::InvalidInput { .. } => ("Invalid input", error.to_string()),
        HubError::BadRequest { .. } => ("Bad request", error.to_string()),
        HubError::PayloadTooLarge { .. } => ("Request too large", error.to_string()),
        HubError::MethodNotAllowed { .. } => ("Method not allowed", error.to_string()),
        HubError::TenantDeactivated => ("Tenant deactivated", error.to_string()),
        HubError::LimitReached { .. } => ("Limit reached", error.to_string()),
        HubError::RateLimited { .. } => ("Too many requests", error.to_string()),
        HubError::Internal { .. } => ("Internal error", error.to_string()),
        _ => ("Request refused", error.to_string()),
    };
    Problem {
        kind: format!("urn:msp-hub:problem:{kind}"),
        title: title.to_owned(),
        status: error.status(),
        detail,
        field: match error {
            HubError::InvalidInput { field, .. } => Some(field.clone()),
            _ => None,
        },
    }
}

/// The problem response for `error`.
pub fn problem_response(error: &HubError) -> Response {
    let body = problem(error);
    let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        )],
        serde_json::to_string(&body).unwrap_or_default(),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"msp-hub\""),
        );
    }
    response
}
