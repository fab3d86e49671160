//! Whoever acts (DESIGN §6): a signed-in person, a tenant API key, or the hub itself doing
//! scheduled work. Every transaction type and the audit log take a [`Caller`]; the server
//! resolves one per request ([`RequestContext`]) from the session cookie or, on `/api/v1`,
//! from `Authorization: Bearer <key>`.

use crate::{ClientInfo, Principal};
use hub_model::{
    api_keys::{ApiScope, ApiScopes},
    ApiKeyId, HubError, HubResult, TenantId, UserId,
};

/// A tenant API key, re-read from the database on this request (so a revoked or expired key
/// never gets this far).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyCaller {
    pub id: ApiKeyId,
    /// The key's public id (the part after `msphub_`), safe to log.
    pub public_id: String,
    pub name: String,
    /// The one tenant the key acts in.
    pub tenant: TenantId,
    pub scopes: ApiScopes,
    pub expires_at: Option<i64>,
}

impl KeyCaller {
    /// Refuses unless the key holds `scope`.
    pub fn require_scope(&self, scope: ApiScope) -> HubResult<()> {
        if self.scopes.contains(scope) {
            Ok(())
        } else {
            Err(HubError::Forbidden)
        }
    }
}

/// The hub acting on its own (the scheduler, maintenance), with what it is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemTask {
    /// What the work is, for the audit log (`scheduler: queue due runs`).
    pub what: &'static str,
}

impl SystemTask {
    /// The task named `what`.
    pub const fn new(what: &'static str) -> Self {
        Self { what }
    }
}

/// Whoever acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// A person with a live session.
    User(Principal),
    /// A tenant API key.
    ApiKey(KeyCaller),
    /// The hub itself.
    System(SystemTask),
}

impl Caller {
    /// The person, when a person acts.
    pub fn user(&self) -> Option<&Principal> {
        match self {
            Self::User(principal) => Some(principal),
            Self::ApiKey(_) | Self::System(_) => None,
        }
    }

    /// The person, or `Unauthenticated`: what only people may do (every page and server
    /// function) refuses keys and the system this way.
    pub fn require_user(&self) -> HubResult<&Principal> {
        self.user().ok_or(HubError::Unauthenticated)
    }

    /// The key, when a key acts.
    pub fn key(&self) -> Option<&KeyCaller> {
        match self {
            Self::ApiKey(key) => Some(key),
            Self::User(_) | Self::System(_) => None,
        }
    }

    /// The user id the audit log records (none for keys and the system).
    pub fn user_id(&self) -> Option<UserId> {
        self.user().map(|p| p.user_id)
    }

    /// The key id the audit log records.
    pub fn key_id(&self) -> Option<ApiKeyId> {
        self.key().map(|k| k.id)
    }

    /// What the audit log says the caller acted as.
    pub fn acting_as(&self) -> &'static str {
        match self {
            Self::User(principal) => principal.role.as_str(),
            Self::ApiKey(_) => "api_key",
            Self::System(_) => "system",
        }
    }

    /// A short description for logs and audit details.
    pub fn describe(&self) -> String {
        match self {
            Self::User(principal) => principal.email.clone(),
            Self::ApiKey(key) => format!("API key {} ({})", key.public_id, key.name),
            Self::System(task) => format!("system: {}", task.what),
        }
    }
}

impl From<Principal> for Caller {
    fn from(principal: Principal) -> Self {
        Self::User(principal)
    }
}

impl From<&Principal> for Caller {
    fn from(principal: &Principal) -> Self {
        Self::User(principal.clone())
    }
}

impl From<KeyCaller> for Caller {
    fn from(key: KeyCaller) -> Self {
        Self::ApiKey(key)
    }
}

/// What the server learned about a request before any handler runs, put into its extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    /// Who is calling, re-checked against the database on this request; `None`: anonymous.
    pub caller: Option<Caller>,
    /// Address and User-Agent.
    pub client: ClientInfo,
    /// Whether cookies should carry `Secure` (the request came over https).
    pub secure: bool,
}

impl RequestContext {
    /// The signed-in person, or `Unauthenticated` (also for API keys: pages and server
    /// functions are for people).
    pub fn principal(&self) -> HubResult<&Principal> {
        self.caller
            .as_ref()
            .ok_or(HubError::Unauthenticated)?
            .require_user()
    }
}
