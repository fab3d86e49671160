//! Authentication on every request: whoever calls is resolved once, checked against the
//! database, and put into the request as [`RequestContext`]; handlers read it with the
//! [`crate::rest::caller`] extractors. Browser routes know only the session cookie; the REST
//! API (`/api/v1`) knows only `Authorization: Bearer <key>`, so a browser's cookie never
//! authenticates an API call and a key never opens a page or a server function.

use super::{error_response, is_https};
use crate::{
    config::SecureCookies,
    state::{AppState, WebSettings},
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use hub_core::ClientInfo;
use hub_core::{
    auth::sessions::{clear_session_cookie, session_cookie, SESSION_COOKIE},
    Caller, RequestContext,
};
use std::net::{IpAddr, SocketAddr};

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

/// The key of `Authorization: Bearer <key>` (the scheme is case-insensitive).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
}

fn client_info(request: &Request, web: &WebSettings) -> ClientInfo {
    let forwarded = web
        .trust_proxy_headers
        .then(|| forwarded_client(request.headers(), web.trusted_proxy_hops))
        .flatten();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    ClientInfo {
        ip: forwarded
            .or(peer)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        user_agent,
    }
}

/// The client address behind `hops` trusted proxies: each proxy appends the address it
/// received the request from, so the entry `hops` places from the right is the one the
/// outermost trusted proxy wrote, and everything left of it is the client's own claim.
/// With fewer entries than hops, the leftmost was still written by a trusted proxy.
/// `None` when the header is missing or that entry is not an IP address.
fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().ok())
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().saturating_sub(hops.max(1));
    entries.get(index)?.parse().ok()
}

/// The middleware.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let web = &state.web;
    let client = client_info(&request, web);
    let secure = match web.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => is_https(&request, web.trust_proxy_headers),
    };
    if crate::rest::v1::is_api_path(request.uri().path()) {
        let caller = match bearer(request.headers()) {
            None => None,
            Some(key) => match state.hub.authenticate_api_key(key).await {
                Ok(key) => key.map(Caller::ApiKey),
                Err(error) => return crate::rest::v1::problem_response(&error),
            },
        };
        request.extensions_mut().insert(RequestContext {
            caller,
            client,
            secure,
        });
        return next.run(request).await;
    }
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
        caller: principal.map(Caller::User),
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

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                "x-forwarded-for",
                HeaderValue::from_str(value).expect("header"),
            );
        }
        headers
    }

    #[test]
    fn the_client_address_is_the_one_the_trusted_proxy_appended() {
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        // The client forged the first entry; the proxy appended the real one.
        let headers = forwarded(&["1.2.3.4, 203.0.113.7"]);
        assert_eq!(forwarded_client(&headers, 1), ip("203.0.113.7"));
        // Two proxies: the outer one appended the client, the inner one the outer proxy.
        let headers = forwarded(&["6.6.6.6, 203.0.113.7, 10.0.0.2"]);
        assert_eq!(forwarded_client(&headers, 2), ip("203.0.113.7"));
        // Headers repeated by proxies count as one list.
        let headers = forwarded(&["6.6.6.6", "203.0.113.7"]);
        assert_eq!(forwarded_client(&headers, 1), ip("203.0.113.7"));
        // Fewer entries than hops: the leftmost was still written by a trusted proxy.
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(forwarded_client(&headers, 2), ip("203.0.113.7"));
        assert_eq!(
            forwarded_client(&forwarded(&["2001:db8::1"]), 1),
            ip("2001:db8::1")
        );
        // Garbage or nothing: the peer address is used instead.
        assert_eq!(
            forwarded_client(&forwarded(&["1.2.3.4, not-an-ip"]), 1),
            None
        );
        assert_eq!(forwarded_client(&HeaderMap::new(), 1), None);
    }
}
