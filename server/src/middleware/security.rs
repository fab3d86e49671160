//! Security headers on every response, and a fresh CSP nonce for every request.

use app::ssr::CspNonce;
use axum::{
    extract::Request,
    http::{header, HeaderName, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore as _;

/// The Content-Security-Policy for a nonce: the WASM app (`'wasm-unsafe-eval'`) and the
/// hydration script carrying the nonce; nothing else inline.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether a file name carries a content hash, as `cargo leptos build` with `hash-files`
/// writes them: `name.<hash>.ext` or `__wasm_split.<hash>.js`, the hash being an MD5 in
/// unpadded base64url (22 characters).
fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split('.').any(|part| {
        part.len() == 22
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && part.bytes().any(|b| b != b'_')
    })
}

/// Adds the nonce to the request and the headers to the response.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let nonce = URL_SAFE_NO_PAD.encode(bytes);
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = request.uri().path();
    let is_asset = ["/pkg/", "/brand/", "/favicon"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let path_is_bundle = path.starts_with("/pkg/");
    let hashed = path_is_bundle && is_hashed_name(path);
    let mut response = next.run(request).await;
    // Pages and data are per user and change: never stored by a browser or a proxy. Assets
    // (the compiled app, logos, the theme) set their own caching: the bundle's files carry
    // their content's hash in their names, so a name is never reused for other bytes.
    // A 304 answers a revalidation of the same bytes: its headers replace the stored ones,
    // so it keeps the hashed file's caching too.
    let status = response.status();
    let cacheable = hashed && (status.is_success() || status == StatusCode::NOT_MODIFIED);
    let headers = response.headers_mut();
    // The bundle's files are sent as their brotli or gzip copy by `Accept-Encoding`: a shared
    // cache must keep one per encoding.
    if path_is_bundle {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        let policy = match (is_asset, cacheable) {
            (false, _) => "no-store",
            (true, true) => "public, max-age=31536000, immutable",
            (true, false) => "no-cache",
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::is_hashed_name;

    #[test]
    fn only_content_hashed_names_are_immutable() {
        for hashed in [
            "/pkg/msp-hub.Qm9vZ2xlIGlzIGJlc3QhIQ.wasm",
            "/pkg/msp-hub.a1b2c3d4e5f6g7h8i9j0kl.js",
            "/pkg/__wasm_split.AbCdEfGhIjKlMnOpQrStUv.js",
        ] {
            assert!(is_hashed_name(hashed), "{hashed}");
        }
        for plain in [
            "/pkg/msp-hub.wasm",
            "/pkg/msp-hub.css",
            "/pkg/__wasm_split.______________________.js",
            "/pkg/snippets/web-sys-123/inline0.js",
        ] {
            assert!(!is_hashed_name(plain), "{plain}");
        }
    }
}
