//! The MSP Hub domain core: database access, sessions, authorization and audit.
//!
//! Leptos-free on purpose: it compiles and is tested without the UI, and the server
//! functions and REST handlers are thin adapters over [`Hub`].

pub mod access;
pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod automs;
pub mod branding;
pub mod caller;
pub mod clock;
pub mod db;
pub mod demo;
pub mod license;
pub mod overview;
pub mod secrets;
pub mod setup;
pub mod technicians;
pub mod tenant_users;
pub mod tenants;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod users;
pub mod validate;
pub mod vault;
pub mod workspace;

use auth::{password::PasswordHasher, token::TokenKeys, LoginPolicy, SessionPolicy};
use db::Db;
use license::LicenseVerifier;
use std::sync::Arc;

pub use auth::principal::Principal;
pub use caller::{Caller, KeyCaller, RequestContext, SystemTask};
pub use hub_model::{HubError, HubResult};

/// Where a request comes from, for rate limits, sessions and audit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client address as the server sees it (or as a trusted proxy reports it).
    pub ip: String,
    /// The browser's User-Agent, shortened.
    pub user_agent: String,
}

/// Tunables of the core, taken from the server configuration.
#[derive(Clone, Debug)]
pub struct HubSettings {
    pub session: SessionPolicy,
    pub login: LoginPolicy,
    /// The Ed25519 public key (PEM) that verifies MSP license keys; `None` refuses activation.
    pub license_public_key: Option<Vec<u8>>,
    /// The vault's key-encryption keys: the current one, and during a rotation the one before.
    pub vault_keks: vault::KekFiles,
}

/// The handle every adapter calls into. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<HubInner>,
}

struct HubInner {
    db: Db,
    tokens: TokenKeys,
    session_secret: Vec<u8>,
    api_key_secret: Vec<u8>,
    passwords: PasswordHasher,
    settings: HubSettings,
    license: Option<LicenseVerifier>,
    vault: vault::crypto::KeyRing,
}

impl Hub {
    /// Builds the core over an open database, the session signing secret and the secret API
    /// keys are hashed under.
    pub fn new(
        db: Db,
        session_secret: &[u8],
        api_key_secret: &[u8],
        settings: HubSettings,
    ) -> HubResult<Self> {
        Ok(Self {
            inner: Arc::new(HubInner {
                db,
                tokens: TokenKeys::new(session_secret),
                session_secret: session_secret.to_vec(),
                api_key_secret: api_key_secret.to_vec(),
                passwords: PasswordHasher::new()?,
                license: settings
                    .license_public_key
                    .as_deref()
                    .map(LicenseVerifier::from_public_pem)
                    .transpose()?,
                vault: settings.vault_keks.key_ring()?,
                settings,
            }),
        })
    }

    /// The same hub on a pool of its own, for another runtime (a serving thread).
    pub async fn on_another_pool(&self) -> Result<Self, db::DbOpenError> {
        let db = self.inner.db.another_pool().await?;
        let inner = &self.inner;
        Self::new(
            db,
            &inner.session_secret,
            &inner.api_key_secret,
            inner.settings.clone(),
        )
        .map_err(|error| db::DbOpenError::Connect(sqlx::Error::Configuration(error.into())))
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub(crate) fn tokens(&self) -> &TokenKeys {
        &self.inner.tokens
    }

    pub(crate) fn api_key_secret(&self) -> &[u8] {
        &self.inner.api_key_secret
    }

    pub(crate) fn vault_keys(&self) -> &vault::crypto::KeyRing {
        &self.inner.vault
    }

    pub(crate) fn passwords(&self) -> &PasswordHasher {
        &self.inner.passwords
    }

    /// The license verifier, or the typed "not configured" error.
    pub(crate) fn license_verifier(&self) -> HubResult<&LicenseVerifier> {
        self.inner.license.as_ref().ok_or(HubError::LicenseInvalid {
            problem: hub_model::LicenseProblem::NotConfigured,
        })
    }

    /// The configured policies.
    pub fn settings(&self) -> &HubSettings {
        &self.inner.settings
    }
}
