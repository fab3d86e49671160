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
    let principal = crate::ssr::principal().ok();
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
    let last_tenant = match &principal {
        Some(p) if !setup_required => hub.last_tenant(p).await?,
        _ => None,
    };
    Ok(SessionInfo {
        setup_required,
        organization_name,
        last_tenant,
        user: principal.map(|p| p.current_user()),
        brand,
        license,
        activation_notice,
    })
}

/// Creates the organization and its Administrator, once, and signs them in. Needs the
/// one-time setup token the server printed at start-up.
#[server(endpoint = "setup")]
pub async fn set_up(
    organization_name: String,
    display_name: String,
    email: String,
    password: String,
    setup_token: Option<String>,
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
    let signed_in = hub
        .set_up_with_token(
            setup_token.as_deref().unwrap_or_default(),
            &input,
            &request.client,
        )
        .await?;
    ssr::set_cookie(&ssr::session_cookie(&signed_in.token, request.secure));
    leptos_axum::redirect("/");
    Ok(())
}

/// Signs in and goes to `next` (a path on this site), else to the tenant opened last, else
/// the overview. A `next` that is not a plain path of this site is refused before anything
/// is written (the sign-in page never sends one).
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), HubError> {
    use crate::ssr;
    let next = match next.as_deref().filter(|next| !next.is_empty()) {
        None => None,
        Some(next) => Some(safe_next(next).ok_or_else(|| {
            HubError::invalid("next", "The page to return to is not a page of this hub.")
        })?),
    };
    let hub = ssr::hub()?;
    let request = ssr::request_context();
    let signed_in = hub.login(&email, &password, &request.client).await?;
    ssr::set_cookie(&ssr::session_cookie(&signed_in.token, request.secure));
    // Without a page to return to: the overview, the technician's last tenant, or the tenant
    // user's tenant (`Hub::landing_path`).
    let target = match next {
        Some(next) => next.to_owned(),
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
    let principal = request.principal()?;
    hub.sign_out(principal).await?;
    ssr::set_cookie(&ssr::clear_session_cookie(request.secure));
    leptos_axum::redirect("/login");
    Ok(())
}

/// The longest path a sign-in returns to.
const MAX_NEXT_LEN: usize = 2048;

/// `next` when it is a plain path of this site, else `None` (no open redirects).
///
/// Only an absolute path made of unreserved characters and `/ ? = & + , %` passes: no
/// scheme, no authority (`//`), no backslash, no control or non-ASCII character, no `..`
/// segment, and no percent-encoded slash, backslash, control character or percent (which a
/// later decoding could turn into one of those).
pub fn safe_next(next: &str) -> Option<&str> {
    let bytes = next.as_bytes();
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-._~/?=&+,%".contains(&b);
    let ok = next.len() <= MAX_NEXT_LEN
        && bytes.first() == Some(&b'/')
        && bytes.get(1) != Some(&b'/')
        && bytes.iter().all(|&b| plain(b))
        && !next.contains("//")
        && !next
            .split(['/', '?'])
            .any(|segment| segment == ".." || segment == ".")
        && percent_escapes_are_harmless(bytes);
    ok.then_some(next)
}

/// Every `%` starts an escape of two hex digits that decodes to a printable character other
/// than `/`, `\` and `%`.
fn percent_escapes_are_harmless(bytes: &[u8]) -> bool {
    let hex = |b: u8| char::from(b).to_digit(16);
    bytes.iter().enumerate().all(|(i, &b)| {
        if b != b'%' {
            return true;
        }
        match (
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (Some(high), Some(low)) => {
                let decoded = high * 16 + low;
                (0x21..0x7f).contains(&decoded) && !matches!(decoded, 0x2f | 0x5c | 0x25)
            }
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn paths_of_this_site_pass() {
        for path in [
            "/",
            "/t/organization/automs",
            "/tenants?q=contoso&status=active&page=2",
            "/t/adatum-corporation/users?q=irene%40adatum.example",
        ] {
            assert_eq!(safe_next(path), Some(path), "{path:?}");
        }
    }

    #[test]
    fn everything_that_could_leave_the_site_or_break_a_header_is_refused() {
        for trick in [
            "",
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/127.0.0.1:4999/pwned",
            "/\t/evil.example",
            "/\n/x",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{2215}\u{2215}evil.example",
            "/\u{ff0f}evil.example",
            "/%2F/evil.example",
            "/%2f/evil.example",
            "/%5C/evil.example",
            "/%5c%5cevil.example",
            "/%09/evil.example",
            "/%0a/x",
            "/%252F/evil.example",
            "/%",
            "/%zz",
            "/x/../..//evil.example",
            "/./evil",
            "/t//x",
            "/@evil.example",
            "/a:b",
        ] {
            assert_eq!(safe_next(trick), None, "{trick:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), None);
    }
}
