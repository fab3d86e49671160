//! The sign-in gate for pages: setup first, then sign-in, before any page renders.

use super::error_response;
use crate::state::AppState;
use axum::{
    extract::{Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use hub_core::RequestContext;

/// Where a page request should go instead, if anywhere.
pub fn redirect_for(
    path: &str,
    query: Option<&str>,
    setup_required: bool,
    signed_in: bool,
) -> Option<String> {
    match (setup_required, path, signed_in) {
        (true, "/setup", _) => None,
        (true, _, _) => Some("/setup".to_owned()),
        (false, "/setup" | "/login", true) => Some("/".to_owned()),
        (false, "/setup", false) => Some("/login".to_owned()),
        (false, "/login", false) => None,
        (false, _, false) => {
            let target = match query {
                Some(query) => format!("{path}?{query}"),
                None => path.to_owned(),
            };
            let next: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
            Some(format!("/login?next={next}"))
        }
        (false, _, true) => None,
    }
}

/// The middleware, layered on the page routes only (server functions check for themselves).
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !matches!(*request.method(), Method::GET | Method::HEAD) || path.starts_with("/api/") {
        return next.run(request).await;
    }
    let setup_required = match state.hub.setup_required().await {
        Ok(required) => required,
        Err(error) => return error_response(&error),
    };
    let signed_in = request
        .extensions()
        .get::<RequestContext>()
        .is_some_and(|c| c.principal().is_ok());
    match redirect_for(path, request.uri().query(), setup_required, signed_in) {
        Some(target) => Redirect::to(&target).into_response(),
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::redirect_for;

    #[test]
    fn setup_then_sign_in_then_pages() {
        assert_eq!(
            redirect_for("/", None, true, false).as_deref(),
            Some("/setup")
        );
        assert_eq!(redirect_for("/setup", None, true, false), None);
        assert_eq!(
            redirect_for("/setup", None, false, false).as_deref(),
            Some("/login")
        );
        assert_eq!(
            redirect_for("/login", None, false, true).as_deref(),
            Some("/")
        );
        assert_eq!(
            redirect_for("/t/organization/automs", Some("q=1"), false, false).as_deref(),
            Some("/login?next=%2Ft%2Forganization%2Fautoms%3Fq%3D1")
        );
        assert_eq!(redirect_for("/tenants", None, false, true), None);
    }
}
