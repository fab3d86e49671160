//! `/api/v1`: the REST API for automation runners and monitoring tools, authenticated by tenant API keys
//! (`Authorization: Bearer <key>`; cookies are never read here).
//!
//! Every error is `application/problem+json` (RFC 9457) with a stable `type` per error
//! (`urn:msp-hub:problem:<kind>`), a `title`, the HTTP `status` and a `detail` a person can
//! act on. A missing, malformed, unknown, revoked or expired key gets one and the same 401.
//! The OpenAPI 3.1 document is generated from the handlers ([`utoipa`]) and served at
//! `/api/v1/openapi.json`; `server/tests/snapshots/openapi.json` holds the reviewed copy.

pub mod alerts;
pub mod problem;
pub mod runs;
pub mod whoami;

use crate::state::AppState;
use axum::{response::IntoResponse as _, routing::get, Json, Router};
use hub_core::{Caller, HubError, KeyCaller};
pub use problem::{problem_response, Problem};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";
/// `GET`: the OpenAPI document (public: it describes, it holds no data).
pub const OPENAPI: &str = "/api/v1/openapi.json";

/// Whether `path` is an Autom's webhook address (`/hooks/automs/{token}`): called by other
/// systems, authenticated by the address itself, never by a cookie.
pub fn is_hook_path(path: &str) -> bool {
    path.starts_with("/hooks/")
}

/// Whether `path` belongs to the REST API.
pub fn is_api_path(path: &str) -> bool {
    path == PREFIX || path.starts_with("/api/v1/")
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MSP Hub API",
        version = "1",
        description = "The REST API for automation runners. Authenticate with a tenant API key \
                       created by the MSP Admin: `Authorization: Bearer msphub_…`. Errors are \
                       RFC 9457 problem details."
    ),
    modifiers(&BearerKey),
    components(schemas(Problem))
)]
struct ApiDoc;

/// Declares the bearer scheme every operation refers to as `api_key`.
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("msphub_<public id>_<secret><checksum>")
                    .description(Some(
                        "A tenant API key, as the API Keys page showed it once.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API's routes and the OpenAPI document generated from them. Every handler is
/// registered through `routes!`, so it cannot be missing from the document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(whoami::whoami))
        .routes(routes!(runs::claim))
        .routes(routes!(runs::heartbeat))
        .routes(routes!(runs::log))
        .routes(routes!(runs::complete))
        .routes(routes!(runs::report))
        .routes(routes!(runs::definition_schema))
        .routes(routes!(alerts::raise))
        .split_for_parts()
}

/// The routes under [`PREFIX`], with the document at [`OPENAPI`] and problem answers for
/// unknown paths.
pub fn routes() -> Router<AppState> {
    let (api, document) = api();
    let document = std::sync::Arc::new(document);
    Router::new().nest(
        PREFIX,
        api.route(
            "/openapi.json",
            get(move || {
                let document = document.clone();
                async move { Json(document.as_ref().clone()).into_response() }
            }),
        )
        .fallback(|| async { problem_response(&HubError::not_found("This API endpoint")) })
        .method_not_allowed_fallback(|method: http::Method| async move {
            problem_response(&HubError::MethodNotAllowed {
                method: method.to_string(),
            })
        }),
    )
}

/// The API key that calls, or the one 401 problem for every kind of missing or bad key.
#[derive(Clone, Debug)]
pub struct ApiKey(pub KeyCaller);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ApiKey {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        crate::rest::caller::resolved(parts)
            .and_then(Caller::key)
            .cloned()
            .map(Self)
            .ok_or_else(|| problem_response(&HubError::Unauthenticated))
    }
}
