//! Refuses state-changing requests from other sites (Sec-Fetch-Site, then Origin).
//! Requests from non-browser clients carry neither header and cannot ride a browser's cookie.

use super::{error_response, is_https};
use crate::state::AppState;
use axum::{
    extract::{Request, State},
    http::{header, Method},
    middleware::Next,
    response::Response,
};
use hub_core::HubError;

/// Whether a request with these headers may change state. Without fetch metadata, the
/// `Origin` must be this site exactly: the scheme the request arrived with (`https` behind a
/// trusted proxy that says so) and the `Host`.
pub fn is_same_site(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    host: Option<&str>,
    scheme: &str,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = sec_fetch_site {
        return matches!(site, "same-origin" | "none");
    }
    match (origin, host) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")),
        (Some(_), None) => false,
    }
}

/// The middleware.
pub async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = if is_https(&request, state.web.trust_proxy_headers) {
        "https"
    } else {
        "http"
    };
    // The REST API never reads cookies (only a bearer key), and a webhook address is its own
    // credential, so another site gains nothing there.
    let path = request.uri().path();
    let allowed = crate::rest::v1::is_api_path(path)
        || crate::rest::v1::is_hook_path(path)
        || is_same_site(
            request.method(),
            text("sec-fetch-site"),
            text(header::ORIGIN.as_str()),
            text(header::HOST.as_str()),
            scheme,
        );
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        error_response(&HubError::CrossSiteRequest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decides_by_fetch_metadata_then_origin() {
        let post = Method::POST;
        let same = |fetch, origin, host, scheme| is_same_site(&post, fetch, origin, host, scheme);
        assert!(is_same_site(
            &Method::GET,
            Some("cross-site"),
            None,
            None,
            "http"
        ));
        assert!(same(Some("same-origin"), None, None, "http"));
        assert!(!same(Some("cross-site"), None, None, "http"));
        assert!(!same(Some("same-site"), None, None, "http"));
        assert!(same(
            None,
            Some("http://hub.example:3000"),
            Some("hub.example:3000"),
            "http"
        ));
        assert!(same(
            None,
            Some("https://HUB.example"),
            Some("hub.example"),
            "https"
        ));
        assert!(!same(
            None,
            Some("https://evil.example"),
            Some("hub.example"),
            "http"
        ));
        assert!(!same(None, Some("null"), Some("hub.example"), "http"));
        assert!(same(None, None, Some("hub.example"), "http"));
        // Regression: the scheme was ignored, so another origin on the same host passed.
        assert!(!same(
            None,
            Some("https://hub.example:3000"),
            Some("hub.example:3000"),
            "http"
        ));
        assert!(!same(
            None,
            Some("http://hub.example"),
            Some("hub.example"),
            "https"
        ));
        assert!(!same(
            None,
            Some("http://hub.example:3000/x"),
            Some("hub.example:3000"),
            "http"
        ));
    }
}
