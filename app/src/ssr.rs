//! Server-side glue between axum and the server functions: the request's principal and
//! client, the CSP nonce, and the session cookie. Nothing here decides; `hub-core` does.

use hub_core::{Hub, HubError, Principal};
use leptos::prelude::*;

pub use hub_core::{
    auth::sessions::{clear_session_cookie, session_cookie, SESSION_COOKIE},
    RequestContext,
};

/// The per-request nonce that the Content-Security-Policy header allows scripts with.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The request's context (anonymous when the middleware did not run).
pub fn request_context() -> RequestContext {
    request_parts()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .unwrap_or_default()
}

/// The core handle, provided to every server function by the server.
pub fn hub() -> Result<Hub, HubError> {
    use_context::<Hub>()
        .ok_or_else(|| hub_core::db::internal(&"the Hub is not in the server context"))
}

/// The signed-in person, or `Unauthenticated` (server functions are for people: an API key
/// is refused here too).
pub fn principal() -> Result<Principal, HubError> {
    request_context().principal().cloned()
}

/// Makes the request's CSP nonce available to `<HydrationScripts>`.
pub fn provide_csp_nonce() {
    if let Some(nonce) =
        request_parts().and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Sets the response status (used by pages such as the 404 page).
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// The id `text` names (a user, a role, an Autom, a run) inside tenant `tenant`; a malformed
/// one is refused (and audited) like a missing one, after the principal is checked for the
/// tenant and for `permission` there exactly as the operation would check them.
pub async fn id_in_tenant<T>(
    principal: &Principal,
    tenant: &str,
    action: hub_model::audit::AuditAction,
    permission: hub_model::permissions::Permission,
    what: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, HubError> {
    match parse(text) {
        Some(id) => Ok(id),
        None => Err(hub()?
            .refuse_unknown_in_tenant(
                principal,
                hub_core::access::TenantKey::Slug(tenant),
                action,
                permission,
                what,
            )
            .await),
    }
}
