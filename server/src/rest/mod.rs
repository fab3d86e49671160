//! REST endpoints that are not server functions: the logo upload (the browser needs upload
//! progress, which only a plain request gives) and the brand's public assets.

pub mod branding;
pub mod caller;
pub mod hooks;
pub mod v1;

use crate::state::AppState;
use axum::{
    routing::{get, post},
    Router,
};

/// `POST`: a new logo, the raw image as the body (MSP Admin).
pub const LOGO_UPLOAD: &str = "/api/branding/logo";
/// `GET`: a stored logo by content hash (public: the login page shows it).
pub const LOGO: &str = "/brand/logo/{file}";
/// `GET`: the brand's colors as CSS custom properties (public).
pub const THEME: &str = "/brand/theme.css";
/// `POST`: an Autom's secret webhook address (the address is the credential).
pub const AUTOM_WEBHOOK: &str = "/hooks/automs/{token}";

/// Every REST endpoint as (method, path): the authorization matrix test covers each one
/// (the `/api/v1` routes come from the OpenAPI document, [`api_endpoints`]).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", LOGO_UPLOAD),
    ("GET", LOGO),
    ("GET", THEME),
    ("POST", AUTOM_WEBHOOK),
    ("GET", v1::OPENAPI),
];

/// Every `/api/v1` operation in the OpenAPI document as (method, path).
pub fn api_endpoints() -> Vec<(String, String)> {
    let (_, document) = v1::api();
    let mut out = Vec::new();
    for (path, item) in &document.paths.paths {
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if operation.is_some() {
                out.push((method.to_owned(), format!("{}{path}", v1::PREFIX)));
            }
        }
    }
    out
}

/// The REST routes, merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LOGO_UPLOAD, post(branding::upload_logo))
        .route(LOGO, get(branding::logo))
        .route(THEME, get(branding::theme))
        .route(AUTOM_WEBHOOK, post(hooks::autom_webhook))
        .merge(v1::routes())
}
