//! What every handler and middleware shares.

use crate::config::{Config, SecureCookies};
use axum::extract::FromRef;
use hub_core::Hub;
use leptos::config::LeptosOptions;
use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

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
    /// Set when a graceful stop begins: long-polls answer at once instead of holding the
    /// stop back for their whole wait.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    /// State for `hub` under `config`.
    pub fn new(hub: Hub, config: &Config) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(config.server.site_root.as_str())
            .site_pkg_dir(PKG_DIR)
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
            draining: Arc::default(),
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

/// The bundle's name stem: `msp-hub.js`, `msp-hub.wasm`, `msp-hub.css` (with content hashes
/// in release builds).
const OUTPUT_NAME: &str = "msp-hub";
/// Where the bundle lives under the site root.
const PKG_DIR: &str = "pkg";

/// `hash.txt` beside the executable: written by `cargo leptos build` with `hash-files`, it
/// names the bundle's files (`msp-hub.<hash>.wasm`, …); Leptos reads it to write the page's
/// script and style links.
fn hash_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("hash.txt"))
}

/// Whether this binary was built with hashed bundle names.
fn hashed_build() -> bool {
    hash_file().is_some_and(|file| file.is_file())
}

/// The files of the bundle that every page links to (script, WASM, style) and that are not
/// in `site_root`, given the contents of `hash.txt` when the build has one. A page whose
/// bundle is missing renders but never becomes interactive, and the browser's 404 is the
/// only trace; `serve` logs this list at start so the cause is named where it is fixed.
pub fn missing_bundle_files(site_root: &Path, hashes: Option<&str>) -> Vec<PathBuf> {
    let hash_of = |kind: &str| {
        hashes?.lines().find_map(|line| {
            let (name, hash) = line.split_once(':')?;
            (name.trim() == kind).then(|| hash.trim().to_owned())
        })
    };
    ["js", "wasm", "css"]
        .into_iter()
        .map(|kind| {
            let file = match hash_of(kind) {
                Some(hash) => format!("{OUTPUT_NAME}.{hash}.{kind}"),
                None => format!("{OUTPUT_NAME}.{kind}"),
            };
            site_root.join(PKG_DIR).join(file)
        })
        .filter(|path| !path.is_file())
        .collect()
}

/// [`missing_bundle_files`] for this binary and `config`.
pub fn missing_bundle_files_of(config: &Config) -> Vec<PathBuf> {
    let hashes = hash_file().and_then(|file| std::fs::read_to_string(file).ok());
    missing_bundle_files(Path::new(&config.server.site_root), hashes.as_deref())
}

#[cfg(test)]
mod tests {
    use super::missing_bundle_files;
    use std::fs;

    const HASHES: &str = "js: J1\nwasm: W1\ncss: C1\nmanifest: M1\nsplit: S1\n";

    /// A site root in the temp directory with `files` in its `pkg/`, removed on drop.
    struct Site(std::path::PathBuf);

    impl Site {
        fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Site {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn site_with(files: &[&str]) -> Site {
        let root =
            std::env::temp_dir().join(format!("msp-hub-site-{:016x}", rand::random::<u64>()));
        fs::create_dir_all(root.join("pkg")).expect("pkg dir");
        for file in files {
            fs::write(root.join("pkg").join(file), b"x").expect("write");
        }
        Site(root)
    }

    #[test]
    fn a_complete_hashed_bundle_has_nothing_missing() {
        let site = site_with(&["msp-hub.J1.js", "msp-hub.W1.wasm", "msp-hub.C1.css"]);
        assert!(missing_bundle_files(site.path(), Some(HASHES)).is_empty());
    }

    #[test]
    fn a_bundle_of_another_build_is_reported_file_by_file() {
        // The site holds an older build's files: the names hash.txt gives are not there.
        let site = site_with(&["msp-hub.J0.js", "msp-hub.W0.wasm", "msp-hub.C1.css"]);
        let missing = missing_bundle_files(site.path(), Some(HASHES));
        assert_eq!(
            missing,
            vec![
                site.path().join("pkg/msp-hub.J1.js"),
                site.path().join("pkg/msp-hub.W1.wasm"),
            ]
        );
    }

    #[test]
    fn without_hash_txt_the_plain_names_are_expected() {
        // A binary copied away from its hash.txt links the plain names, which a hashed
        // build never wrote: every page would stay uninteractive.
        let site = site_with(&["msp-hub.J1.js", "msp-hub.W1.wasm", "msp-hub.C1.css"]);
        assert_eq!(missing_bundle_files(site.path(), None).len(), 3);
        let plain = site_with(&["msp-hub.js", "msp-hub.wasm", "msp-hub.css"]);
        assert!(missing_bundle_files(plain.path(), None).is_empty());
    }

    #[test]
    fn no_site_at_all_reports_every_file() {
        let missing = missing_bundle_files(std::path::Path::new("/nonexistent/site"), None);
        assert_eq!(missing.len(), 3);
    }
}
