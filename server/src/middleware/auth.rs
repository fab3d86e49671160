//! Authentication on every request: the session cookie is checked against the database and
//! the outcome put into the request as [`RequestContext`].

use super::error_response;
use crate::{config::SecureCookies, state::AppState};
use app::ssr::{clear_session_cookie, session_cookie, RequestContext, SESSION_COOKIE};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use hub_core::ClientInfo;
use std::net::SocketAddr;

/// Reads a cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn client_info(request: &Request, trust_proxy: bool) -> ClientInfo {
    let forwarded = trust_proxy
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
        })
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    ClientInfo {
        ip: forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned()),
        user_agent,
    }
}

fn is_https(request: &Request, trust_proxy: bool) -> bool {
    request.uri().scheme_str() == Some("https")
        || (trust_proxy
            && request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"))
}

/// The middleware.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let web = &state.web;
    let client = client_info(&request, web.trust_proxy_headers);
    let secure = match web.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => is_https(&request, web.trust_proxy_headers),
    };
    let token = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let mut new_cookie = None;
    let principal = match token {
        None => None,
        Some(token) => match state.hub.authenticate(&token).await {
            Ok(Some(authenticated)) => {
                new_cookie = authenticated.refreshed.map(|t| session_cookie(&t, secure));
                Some(authenticated.principal)
            }
            Ok(None) => {
                new_cookie = Some(clear_session_cookie(secure));
                None
            }
            Err(error) => return error_response(&error),
        },
    };
    request.extensions_mut().insert(RequestContext {
        principal,
        client,
        secure,
    });
    let mut response = next.run(request).await;
    // A handler that set the session cookie itself (sign-in, sign-out) wins.
    let handler_set_cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| {
            v.as_bytes()
                .starts_with(format!("{SESSION_COOKIE}=").as_bytes())
        });
    if let (false, Some(value)) = (handler_set_cookie, new_cookie) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; hub_session=abc.def; x=1"),
        );
        assert_eq!(cookie(&headers, "hub_session"), Some("abc.def"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
