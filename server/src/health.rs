//! Liveness and readiness probes.

use crate::middleware::error_response;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use hub_core::Hub;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can reach its database.
pub async fn readyz(State(hub): State<Hub>) -> Response {
    match hub.db().ping().await {
        Ok(()) => "ready".into_response(),
        Err(_) => error_response(&hub_core::HubError::Network {
            message: "the database is not reachable".to_owned(),
        }),
    }
}
