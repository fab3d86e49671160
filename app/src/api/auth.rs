//! Setup, sign-in and sign-out.

use hub_model::{session::SessionInfo, HubError};
use leptos::prelude::*;

/// Whether setup is needed and who is signed in. Open to everyone.
#[server(endpoint = "session_info")]
pub async fn get_session() -> Result<SessionInfo, HubError> {
    let hub = crate::ssr::hub()?;
    let setup_required = hub.setup_required().await?;
    let organization_name = hub.organization_name().await?;
    use hub_model::license::LicenseState;
    let principal = crate::ssr::request_context().principal;
    let brand = hub.brand().await?;
    let hub_admin = principal.as_ref().is_some_and(|p| p.is_hub_admin());
    let (license, activation_notice) = if hub_admin {
        (
            hub.license_state().await?,
            hub.activation_notice_pending().await?,
        )
    } else {
        (LicenseState::Unlicensed, false)
    };
    Ok(SessionInfo {
        setup_required,
        organization_name,
        user: principal.map(|p| p.current_user()),
        brand,
        license,
        activation_notice,
    })
}

/// Creates the organization and its Administrator, once, and signs them in.
#[server(endpoint = "setup")]
pub async fn set_up(
    organization_name: String,
    display_name: String,
    email: String,
    password: String,
) -> Result<(), HubError> {
    use crate::ssr;
    let hub = ssr::hub()?;
    let request = ssr::request_context();
    let input = hub_core::setup::SetupInput {
        organization_name,
        display_name,
        email,
        password,
    };
    let signed_in = hub.set_up(&input, &request.client).await?;
    ssr::set_cookie(&ssr::session_cookie(&signed_in.token, request.secure));
    leptos_axum::redirect("/");
    Ok(())
}

/// Signs in and goes to `next` (a path on this site), else to the tenant opened last, else
/// the overview.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), HubError> {
    use crate::ssr;
    let hub = ssr::hub()?;
    let request = ssr::request_context();
    let signed_in = hub.login(&email, &password, &request.client).await?;
    ssr::set_cookie(&ssr::session_cookie(&signed_in.token, request.secure));
    // Without a page to return to, land in the tenant opened last (while still allowed).
    let target = match next.as_deref() {
        Some(_) => safe_next(next.as_deref()),
        None => hub
            .landing_path(&signed_in.principal)
            .await?
            .unwrap_or_else(|| "/".to_owned()),
    };
    leptos_axum::redirect(&target);
    Ok(())
}

/// Signs out: the session is revoked in the database, so the token is dead everywhere.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), HubError> {
    use crate::ssr;
    let hub = ssr::hub()?;
    let request = ssr::request_context();
    let principal = request.principal.ok_or(HubError::Unauthenticated)?;
    hub.revoke_session(principal.session_id).await?;
    ssr::set_cookie(&ssr::clear_session_cookie(request.secure));
    leptos_axum::redirect("/login");
    Ok(())
}

/// Only same-site paths may follow a sign-in (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(
            safe_next(Some("/t/organization/automs")),
            "/t/organization/automs"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
