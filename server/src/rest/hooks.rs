//! `POST /hooks/automs/{token}`: an Autom's secret webhook address. Whoever holds the address
//! may queue a run: no key, no cookie; the address is the secret. The request's body, a JSON
//! object up to 64 KB (or nothing), becomes the run's input. Answers are problem details like
//! `/api/v1`'s.

use super::v1::problem_response;
use crate::state::AppState;
use axum::{
    body::Body,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse as _, Response},
    Json,
};
use hub_core::{automs::runs::INPUT_MAX_BYTES, HubError};
use serde::Serialize;

/// What a caller of the address learns: that a run was queued, and its id.
#[derive(Debug, Serialize)]
struct Queued {
    run_id: String,
    status: &'static str,
}

pub async fn autom_webhook(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Body,
) -> Response {
    let Ok(bytes) = axum::body::to_bytes(body, INPUT_MAX_BYTES).await else {
        return problem_response(&HubError::PayloadTooLarge {
            limit_bytes: INPUT_MAX_BYTES as u64,
        });
    };
    match state.hub.queue_webhook_run(&token, &bytes).await {
        Ok(run) => (
            StatusCode::ACCEPTED,
            Json(Queued {
                run_id: run.id.to_string(),
                status: run.status.as_str(),
            }),
        )
            .into_response(),
        Err(error) => problem_response(&error),
    }
}
