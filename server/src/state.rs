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
