//! The signed-in user's own account: name and password (the MSP Admin included).

use hub_model::HubError;
use leptos::prelude::*;

/// Changes the signed-in user's display name.
#[server(endpoint = "account/name")]
pub async fn update_display_name(display_name: String) -> Result<String, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .update_own_name(&principal, &display_name)
        .await
}

/// Changes the signed-in user's password; other sessions end, this one continues.
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), HubError> {
    use crate::ssr;
    let principal = ssr::principal()?;
    let request = ssr::request_context();
    let token = ssr::hub()?
        .change_own_password(&principal, &current_password, &new_password)
        .await?;
    ssr::set_cookie(&ssr::session_cookie(&token, request.secure));
    Ok(())
}
