//! REST endpoints that are not server functions: the logo upload (the browser needs upload
//! progress, which only a plain request gives) and the brand's public assets.

pub mod branding;

use crate::state::AppState;
use axum::{
    routing::{get, post},
    Router,
};

/// The REST routes, merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/branding/logo", post(branding::upload_logo))
        .route("/brand/logo/{file}", get(branding::logo))
        .route("/brand/theme.css", get(branding::theme))
}
