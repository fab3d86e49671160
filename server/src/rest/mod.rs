//! REST endpoints that are not server functions: the logo upload (the browser needs upload
//! progress, which only a plain request gives) and the brand's public assets.

pub mod branding;

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

/// Every REST endpoint as (method, path): the authorization matrix test covers each one.
pub const ENDPOINTS: &[(&str, &str)] = &[("POST", LOGO_UPLOAD), ("GET", LOGO), ("GET", THEME)];

/// The REST routes, merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LOGO_UPLOAD, post(branding::upload_logo))
        .route(LOGO, get(branding::logo))
        .route(THEME, get(branding::theme))
}
