//! Refuses state-changing requests from other sites (Sec-Fetch-Site, then Origin).
//! Requests from non-browser clients carry neither header and cannot ride a browser's cookie.

use super::error_response;
use axum::{
    extract::Request,
    http::{header, Method},
    middleware::Next,
    response::Response,
};
use hub_core::HubError;

/// Whether a request with these headers may change state.
pub fn is_same_site(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    host: Option<&str>,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = sec_fetch_site {
        return matches!(site, "same-origin" | "none");
    }
    match (origin, host) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

/// The middleware.
pub async fn reject_cross_site(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let allowed = is_same_site(
        request.method(),
        text("sec-fetch-site"),
        text(header::ORIGIN.as_str()),
        text(header::HOST.as_str()),
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
        assert!(is_same_site(&Method::GET, Some("cross-site"), None, None));
        assert!(is_same_site(&post, Some("same-origin"), None, None));
        assert!(!is_same_site(&post, Some("cross-site"), None, None));
        assert!(!is_same_site(&post, Some("same-site"), None, None));
        assert!(is_same_site(
            &post,
            None,
            Some("http://hub.example:3000"),
            Some("hub.example:3000")
        ));
        assert!(!is_same_site(
            &post,
            None,
            Some("https://evil.example"),
            Some("hub.example")
        ));
        assert!(!is_same_site(
            &post,
            None,
            Some("null"),
            Some("hub.example")
        ));
        assert!(is_same_site(&post, None, None, Some("hub.example")));
    }
}
