//! What every handler and middleware shares.

use crate::config::{Config, SecureCookies};
use axum::extract::FromRef;
use hub_core::Hub;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Settings the web layer needs on every request.
#[derive(Clone, Debug)]
pub struct WebSettings {
    pub body_limit_bytes: usize,
    pub trust_proxy_headers: bool,
    pub trusted_proxy_hops: usize,
    pub secure_cookies: SecureCookies,
}

/// The router's state.
#[derive(Clone)]
pub struct AppState {
    pub hub: Hub,
    pub leptos_options: LeptosOptions,
    pub web: Arc<WebSettings>,
}

impl AppState {
    /// State for `hub` under `config`.
    pub fn new(hub: Hub, config: &Config) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name("msp-hub")
            .site_root(config.server.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.server.site_addr)
            .hash_files(hashed_build())
            .build();
        Self {
            hub,
            leptos_options,
            web: Arc::new(WebSettings {
                body_limit_bytes: config.server.body_limit_bytes,
                trust_proxy_headers: config.server.trust_proxy_headers,
                trusted_proxy_hops: config.server.trusted_proxy_hops,
                secure_cookies: config.server.secure_cookies,
            }),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Hub {
    fn from_ref(state: &AppState) -> Self {
        state.hub.clone()
    }
}

/// Whether this binary was built by `cargo leptos build` with `hash-files`: the file names of
/// the bundle (`msp-hub.<hash>.wasm`, …) are then in `hash.txt` beside the executable, where
/// Leptos reads them to write the page's script and style links.
fn hashed_build() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.is_file())
}
