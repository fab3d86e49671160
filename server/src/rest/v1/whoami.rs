//! `GET /api/v1/whoami`: which key this is, for which tenant, with which scopes.

use super::{problem_response, ApiKey, Problem};
use crate::state::AppState;
use axum::{
    extract::State,
    response::{IntoResponse as _, Response},
    Json,
};
use hub_core::Caller;
use serde::Serialize;

/// The tenant a key acts in.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WhoamiTenant {
    /// The tenant's id (a UUID).
    pub id: String,
    /// The tenant's slug, as in its page URLs.
    pub slug: String,
    pub name: String,
}

/// The calling key.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Whoami {
    /// The key's public id (the part after `msphub_`).
    pub key_id: String,
    /// The name the MSP Admin gave the key.
    pub name: String,
    pub tenant: WhoamiTenant,
    /// What the key may do: `runs:write`, `alerts:write`, `secrets:use`.
    pub scopes: Vec<String>,
    /// When the key expires (milliseconds since the Unix epoch); absent: never.
    pub expires_at: Option<i64>,
}

/// Who the calling API key is.
#[utoipa::path(
    get,
    path = "/whoami",
    tag = "keys",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The calling key", body = Whoami),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's tenant is deactivated",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn whoami(State(state): State<AppState>, ApiKey(key): ApiKey) -> Response {
    let caller = Caller::ApiKey(key.clone());
    match state.hub.key_tenant(&caller).await {
        Ok(tenant) => Json(Whoami {
            key_id: key.public_id,
            name: key.name,
            tenant: WhoamiTenant {
                id: tenant.id.to_string(),
                slug: tenant.slug,
                name: tenant.name,
            },
            scopes: key.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            expires_at: key.expires_at,
        })
        .into_response(),
        Err(error) => problem_response(&error),
    }
}
