//! Configuration: one typed struct read from `Leptos.toml`, with environment overrides.

use hub_core::{
    auth::{LoginPolicy, SessionPolicy},
    HubSettings,
};
use serde::Deserialize;
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};
use thiserror::Error;

/// Why the configuration could not be loaded.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{key} is not valid: {message}")]
    Invalid { key: &'static str, message: String },
}

/// The whole configuration.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub keys: KeysConfig,
    pub session: SessionConfig,
    pub login: LoginConfig,
}

/// `[server]`
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub data_dir: PathBuf,
    pub body_limit_bytes: usize,
    pub trust_proxy_headers: bool,
    /// How many trusted proxies stand in front of the hub: the client address is the entry
    /// that many places from the right of `X-Forwarded-For` (the one the outermost trusted
    /// proxy appended); entries left of it are the client's own words.
    pub trusted_proxy_hops: usize,
    pub secure_cookies: SecureCookies,
    /// Serving threads, each a single-threaded runtime with its own database pool, all
    /// accepting on one listener. 0 (the default): one per core.
    pub workers: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: "target/site".to_owned(),
            data_dir: PathBuf::from("data"),
            body_limit_bytes: 2 * 1024 * 1024,
            trust_proxy_headers: false,
            trusted_proxy_hops: 1,
            secure_cookies: SecureCookies::Auto,
            workers: 0,
        }
    }
}

/// When session cookies carry `Secure`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecureCookies {
    /// When the request came over https.
    #[default]
    Auto,
    Always,
    Never,
}

/// `[database]`
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    pub url: String,
    pub runtime_role: String,
    pub max_connections: u32,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            // Empty: derived from the database's name, so each database has its own role.
            runtime_role: String::new(),
            max_connections: 10,
        }
    }
}

/// `[keys]`: secret files (relative to the data directory) and the license public key.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeysConfig {
    pub session_key: PathBuf,
    /// The secret tenant API keys are hashed under (HMAC-SHA256).
    pub api_key_secret: PathBuf,
    pub vault_kek: PathBuf,
    pub db_runtime_password: PathBuf,
    /// The vendor's Ed25519 public key (PEM) that verifies license keys. Empty: none, and
    /// activation is refused.
    pub license_public_key: PathBuf,
    /// Trust the repository's development key when no key is configured: set by `--demo`
    /// only, never from a file.
    #[serde(skip)]
    pub trust_development_license_key: bool,
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            session_key: PathBuf::from("session.key"),
            api_key_secret: PathBuf::from("api-key.key"),
            vault_kek: PathBuf::from("vault-kek.key"),
            db_runtime_password: PathBuf::from("db-runtime-password"),
            license_public_key: PathBuf::new(),
            trust_development_license_key: false,
        }
    }
}

/// `[session]`
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    pub token_minutes: i64,
    pub idle_hours: i64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            token_minutes: 30,
            idle_hours: 12,
        }
    }
}

/// `[login]`
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginConfig {
    pub max_failures_per_account: i64,
    pub max_failures_per_ip: i64,
    pub window_minutes: i64,
}

impl Default for LoginConfig {
    fn default() -> Self {
        let policy = LoginPolicy::default();
        Self {
            max_failures_per_account: policy.max_failures_per_account,
            max_failures_per_ip: policy.max_failures_per_ip,
            window_minutes: policy.window_secs / 60,
        }
    }
}

impl Config {
    /// Reads `path` (a missing file means all defaults) and applies environment overrides.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let mut config = if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            toml::from_str(&text).map_err(|source| ConfigError::Parse {
                path: path.to_owned(),
                source,
            })?
        } else {
            Config::default()
        };
        config.apply_env(|key| std::env::var(key).ok())?;
        config.validate()?;
        Ok(config)
    }

    /// Applies `LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, `HUB_DATA_DIR`, `DATABASE_URL`,
    /// `HUB_LICENSE_PUBLIC_KEY` and `HUB_WORKERS`.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(addr) = var("LEPTOS_SITE_ADDR").filter(|v| !v.is_empty()) {
            self.server.site_addr = addr.parse().map_err(|e| ConfigError::Invalid {
                key: "LEPTOS_SITE_ADDR",
                message: format!("{addr:?}: {e}"),
            })?;
        }
        if let Some(root) = var("LEPTOS_SITE_ROOT").filter(|v| !v.is_empty()) {
            self.server.site_root = root;
        }
        if let Some(dir) = var("HUB_DATA_DIR").filter(|v| !v.is_empty()) {
            self.server.data_dir = PathBuf::from(dir);
        }
        if let Some(url) = var("DATABASE_URL").filter(|v| !v.is_empty()) {
            self.database.url = url;
        }
        if let Some(key) = var("HUB_LICENSE_PUBLIC_KEY").filter(|v| !v.is_empty()) {
            self.keys.license_public_key = PathBuf::from(key);
        }
        if let Some(workers) = var("HUB_WORKERS").filter(|v| !v.is_empty()) {
            self.server.workers = workers.parse().map_err(|e| ConfigError::Invalid {
                key: "HUB_WORKERS",
                message: format!("{workers:?}: {e}"),
            })?;
        }
        Ok(())
    }

    /// Each serving thread's share of `database.max_connections` (the process's total), at
    /// least 2: every thread has a pool of its own, so one per core must not multiply the
    /// connections a database sees by the core count.
    pub fn pool_per_worker(&self) -> u32 {
        let workers = u32::try_from(self.worker_count())
            .unwrap_or(u32::MAX)
            .max(1);
        self.database.max_connections.div_ceil(workers).max(2)
    }

    /// How many serving threads to run: `server.workers`, or one per core.
    pub fn worker_count(&self) -> usize {
        match self.server.workers {
            0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            n => n,
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let positive = |key: &'static str, value: i64| {
            if value > 0 {
                Ok(())
            } else {
                Err(ConfigError::Invalid {
                    key,
                    message: format!("must be positive, is {value}"),
                })
            }
        };
        positive("session.token_minutes", self.session.token_minutes)?;
        positive("session.idle_hours", self.session.idle_hours)?;
        positive(
            "login.max_failures_per_account",
            self.login.max_failures_per_account,
        )?;
        positive("login.max_failures_per_ip", self.login.max_failures_per_ip)?;
        positive("login.window_minutes", self.login.window_minutes)?;
        if self.server.body_limit_bytes < 1024 {
            return Err(ConfigError::Invalid {
                key: "server.body_limit_bytes",
                message: "must be at least 1024".to_owned(),
            });
        }
        if self.server.trusted_proxy_hops == 0 {
            return Err(ConfigError::Invalid {
                key: "server.trusted_proxy_hops",
                message: "must be at least 1 (set trust_proxy_headers = false without a proxy)"
                    .to_owned(),
            });
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::Invalid {
                key: "database.max_connections",
                message: "must be at least 1".to_owned(),
            });
        }
        Ok(())
    }

    /// The database URL, defaulting to SQLite in the data directory.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!(
                "sqlite://{}",
                self.server.data_dir.join("msp-hub.db").display()
            )
        } else {
            self.database.url.clone()
        }
    }

    /// A secret file's path: relative paths live in the data directory.
    pub fn secret_path(&self, file: &Path) -> PathBuf {
        if file.is_absolute() {
            file.to_owned()
        } else {
            self.server.data_dir.join(file)
        }
    }

    /// The core's policies.
    pub fn hub_settings(&self) -> HubSettings {
        HubSettings {
            session: SessionPolicy {
                token_ttl_secs: self.session.token_minutes * 60,
                idle_timeout_secs: self.session.idle_hours * 3600,
            },
            login: LoginPolicy {
                max_failures_per_account: self.login.max_failures_per_account,
                max_failures_per_ip: self.login.max_failures_per_ip,
                window_secs: self.login.window_minutes * 60,
            },
            license_public_key: None,
            vault_keks: hub_core::vault::KekFiles::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_leptos_toml_parses_to_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Leptos.toml");
        let text = std::fs::read_to_string(path).expect("Leptos.toml");
        let config: Config = toml::from_str(&text).expect("parse");
        let defaults = Config::default();
        assert_eq!(config.server.site_addr, defaults.server.site_addr);
        assert_eq!(
            config.server.body_limit_bytes,
            defaults.server.body_limit_bytes
        );
        assert_eq!(config.database.runtime_role, defaults.database.runtime_role);
        assert_eq!(
            config.keys.license_public_key,
            defaults.keys.license_public_key
        );
        assert_eq!(config.login.window_minutes, defaults.login.window_minutes);
    }

    #[test]
    fn the_connection_limit_is_shared_out_among_the_serving_threads() {
        let mut config = Config::default();
        for (workers, total, each) in [(1, 10, 10), (2, 10, 5), (3, 10, 4), (16, 10, 2), (4, 3, 2)]
        {
            config.server.workers = workers;
            config.database.max_connections = total;
            assert_eq!(
                config.pool_per_worker(),
                each,
                "{workers} workers, {total} in all"
            );
        }
    }

    #[test]
    fn environment_overrides_win() {
        let mut config = Config::default();
        config
            .apply_env(|key| match key {
                "LEPTOS_SITE_ADDR" => Some("0.0.0.0:8080".to_owned()),
                "HUB_DATA_DIR" => Some("/var/lib/hub".to_owned()),
                "DATABASE_URL" => Some("postgres://hub@db/hub".to_owned()),
                _ => None,
            })
            .expect("env");
        assert_eq!(config.server.site_addr.port(), 8080);
        assert_eq!(config.database_url(), "postgres://hub@db/hub");
        assert_eq!(
            config.secret_path(Path::new("session.key")),
            PathBuf::from("/var/lib/hub/session.key")
        );
    }

    #[test]
    fn bad_values_are_refused_with_the_key_named() {
        let mut config = Config::default();
        let err = config.apply_env(|k| (k == "LEPTOS_SITE_ADDR").then(|| "nonsense".to_owned()));
        assert!(matches!(
            err,
            Err(ConfigError::Invalid {
                key: "LEPTOS_SITE_ADDR",
                ..
            })
        ));
        let parsed: Result<Config, _> = toml::from_str("[server]\nunknown_key = 1\n");
        assert!(parsed.is_err(), "unknown keys are refused");
        let zero: Config = toml::from_str("[session]\ntoken_minutes = 0\n").expect("parse");
        assert!(zero.validate().is_err());
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        assert_eq!(Config::default().database_url(), "sqlite://data/msp-hub.db");
    }
}
