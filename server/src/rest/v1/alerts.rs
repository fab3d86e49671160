//! Alerts raised by other systems (tenant API key with `alerts:write`): a monitoring tool or
//! a runner says something needs attention in the key's tenant. A repeat with the same
//! `dedup_key` while the alert is not resolved counts on it instead of opening another.

use super::{problem_response, runs::bad_body, ApiKey, Problem};
use crate::state::AppState;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse as _, Response},
    Json,
};
use hub_model::{
    alerts::{AlertInput, AlertSummary, Severity},
    HubError,
};
use serde::{Deserialize, Serialize};

/// An alert to raise.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewAlert {
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// What happened, in a line (1 to 200 characters).
    pub title: String,
    /// More about it (up to 4,000 characters; line breaks kept).
    #[serde(default)]
    pub details: String,
    /// Who raises it, e.g. `backup-monitor` (up to 120 characters; default: the key's name).
    #[serde(default)]
    pub source: String,
    /// Repeats with the same key (up to 200 characters) while the alert is not resolved
    /// count on it; without one, every call opens a new alert.
    #[serde(default)]
    pub dedup_key: Option<String>,
}

/// An alert as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Alert {
    pub id: String,
    pub severity: String,
    /// `open`, `acknowledged` or `resolved`.
    pub status: String,
    pub title: String,
    pub details: String,
    pub source: String,
    pub dedup_key: Option<String>,
    /// How many times it was raised.
    pub count: i64,
    /// First and last raised (ms since the Unix epoch).
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

impl From<AlertSummary> for Alert {
    fn from(alert: AlertSummary) -> Self {
        Self {
            id: alert.id.to_string(),
            severity: alert.severity.as_str().to_owned(),
            status: alert.status.as_str().to_owned(),
            title: alert.title,
            details: alert.details,
            source: alert.source_name,
            dedup_key: alert.dedup_key,
            count: alert.count,
            first_seen_at: alert.first_seen_at,
            last_seen_at: alert.last_seen_at,
        }
    }
}

/// Raises an alert in the key's tenant. A new alert answers 201; a repeat of an unresolved
/// one with the same `dedup_key` answers 200 with its count raised.
#[utoipa::path(
    post,
    path = "/alerts",
    tag = "alerts",
    security(("api_key" = [])),
    request_body = NewAlert,
    responses(
        (status = 201, description = "A new alert", body = Alert),
        (status = 200, description = "A repeat: the unresolved alert with this dedup_key, counted", body = Alert),
        (status = 400, description = "The body is not the JSON described",
         body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks `alerts:write`",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad severity, title, details, source or dedup_key",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn raise(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    body: Result<Json<NewAlert>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => return problem_response(&bad_body(&rejection)),
    };
    let Some(severity) = Severity::parse(&body.severity) else {
        return problem_response(&HubError::invalid(
            "severity",
            "The severity must be info, warning or critical.",
        ));
    };
    let input = AlertInput {
        severity,
        title: body.title,
        details: body.details,
        source: body.source,
        dedup_key: body.dedup_key,
    };
    match state.hub.raise_alert(&key, &input).await {
        Ok((alert, created)) => (
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            Json(Alert::from(alert)),
        )
            .into_response(),
        Err(error) => problem_response(&error),
    }
}
