//! Sign-in protection: who is being slowed down.

use hub_model::{security::ThrottledKey, HubError};
use leptos::prelude::*;

/// Accounts and addresses whose failed attempts are being slowed down. Hub administrators only.
#[server(endpoint = "security/throttles")]
pub async fn get_throttled_keys() -> Result<Vec<ThrottledKey>, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.throttled_keys(&principal).await
}
