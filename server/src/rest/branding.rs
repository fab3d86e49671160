//! Branding over plain HTTP: the logo upload, the logo itself and the theme stylesheet.

use super::caller::RequestCaller;
use crate::{middleware::error_response, state::AppState};
use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};

/// Logos and themes never change under their URL: cache them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `POST /api/branding/logo`: the raw image as the body. MSP Admin only.
pub async fn upload_logo(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    body: Bytes,
) -> Response {
    let principal = match caller.require_user() {
        Ok(principal) => principal,
        Err(error) => return error_response(&error),
    };
    match state.hub.upload_logo(principal, &body).await {
        Ok(brand) => Json(brand).into_response(),
        Err(error) => error_response(&error),
    }
}

/// `GET /brand/logo/{sha256}.{png|jpg}`: a stored logo, by content hash.
pub async fn logo(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let sha = file.split_once('.').map_or(file.as_str(), |(sha, _)| sha);
    match state.hub.logo(sha).await {
        Ok(logo) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(&logo.content_type)
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
            ],
            logo.bytes,
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}

/// `?v=` of the theme's URL.
#[derive(serde::Deserialize)]
pub struct ThemeVersion {
    v: Option<i64>,
}

/// `GET /brand/theme.css?v={version}`: the brand's colors as CSS custom properties. The
/// version in the URL changes with every brand change, so the answer for the current version
/// can be cached for good; any other version (a future one, say) must not be.
pub async fn theme(State(state): State<AppState>, Query(asked): Query<ThemeVersion>) -> Response {
    match state.hub.theme_css().await {
        Ok(theme) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/css; charset=utf-8"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(if asked.v == Some(theme.version) {
                        IMMUTABLE
                    } else {
                        "no-cache"
                    }),
                ),
            ],
            theme.css,
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}
