//! Branding: the brand every page applies, and the MSP Admin's edits. The logo upload is a
//! REST endpoint (`POST /api/branding/logo`, in the server) so the browser can report progress.

use hub_model::{branding::Brand, HubError};
use leptos::prelude::*;

/// The brand. Open to everyone: the login page shows it.
#[server(endpoint = "brand")]
pub async fn get_brand() -> Result<Brand, HubError> {
    crate::ssr::hub()?.brand().await
}

/// The brand, if it changed since `known_version`. The session token carries the version the
/// browser was served, so this is answered from the request's own authentication. A signed-out
/// browser (just leaving the shell) has nothing to refresh.
#[server(endpoint = "brand/update")]
pub async fn brand_if_changed(known_version: i64) -> Result<Option<Brand>, HubError> {
    let Ok(principal) = crate::ssr::principal() else {
        return Ok(None);
    };
    if principal.brand_version == known_version {
        return Ok(None);
    }
    crate::ssr::hub()?.brand().await.map(Some)
}

/// Saves the product name and colors. MSP Admin only.
#[server(endpoint = "brand/save")]
pub async fn save_brand(
    product_name: String,
    primary_color: String,
    accent_color: String,
) -> Result<Brand, HubError> {
    let principal = crate::ssr::principal()?;
    let input = hub_core::branding::BrandInput {
        product_name,
        primary_color,
        accent_color,
    };
    crate::ssr::hub()?.update_brand(&principal, &input).await
}

/// Back to the default brand. MSP Admin only.
#[server(endpoint = "brand/reset")]
pub async fn reset_brand() -> Result<Brand, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.reset_brand(&principal).await
}
