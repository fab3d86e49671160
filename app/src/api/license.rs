//! The License page: overview, activation and the one-time activation notice.

use hub_model::{
    license::{Activation, LicenseOverview},
    HubError,
};
use leptos::prelude::*;

/// The license as the License page shows it. Hub administrators only.
#[server(endpoint = "license")]
pub async fn get_license_overview() -> Result<LicenseOverview, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.license_overview(&principal).await
}

/// Activates a pasted license key. Hub administrators only.
#[server(endpoint = "license/activate")]
pub async fn activate_license(license_key: String) -> Result<Activation, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .activate_license(Some(&principal), &license_key)
        .await
}

/// Dismisses the MSP License Activation Notice for good. Hub administrators only.
#[server(endpoint = "license/dismiss_notice")]
pub async fn dismiss_activation_notice() -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .dismiss_activation_notice(&principal)
        .await
}
