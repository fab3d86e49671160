//! Tenant API keys (DESIGN §4): created by the MSP Admin for one tenant, shown once, stored
//! as a keyed hash, revocable; automation runners call `/api/v1` with them.

use crate::{ApiKeyId, TenantId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The prefix every key starts with: secret scanners look for it.
pub const KEY_PREFIX: &str = "msphub_";

/// The longest key name accepted.
pub const NAME_MAX_CHARS: usize = 80;

/// The longest expiry accepted, in days from creation.
pub const MAX_EXPIRY_DAYS: i64 = 3650;

/// What a key may do. The names are stable: keys store them and runners send them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ApiScope {
    /// Claim, execute and report the tenant's runs.
    #[serde(rename = "runs:write")]
    RunsWrite,
    /// Raise and update the tenant's alerts.
    #[serde(rename = "alerts:write")]
    AlertsWrite,
    /// Receive the vault values a claimed run refers to.
    #[serde(rename = "secrets:use")]
    SecretsUse,
}

impl ApiScope {
    /// Every scope, in the order the UI lists them.
    pub const ALL: [Self; 3] = [Self::RunsWrite, Self::AlertsWrite, Self::SecretsUse];

    /// The stable name (`runs:write`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RunsWrite => "runs:write",
            Self::AlertsWrite => "alerts:write",
            Self::SecretsUse => "secrets:use",
        }
    }

    /// The scope a stable name names.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    /// What it allows, in a line people read.
    pub fn description(self) -> &'static str {
        match self {
            Self::RunsWrite => "Claim, run and report this tenant's Automs",
            Self::AlertsWrite => "Raise and update this tenant's alerts",
            Self::SecretsUse => "Receive the vault values a claimed run refers to",
        }
    }
}

impl fmt::Display for ApiScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes, always sorted and without repeats (also when read from the wire).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "Vec<ApiScope>", from = "Vec<ApiScope>")]
pub struct ApiScopes(Vec<ApiScope>);

impl From<Vec<ApiScope>> for ApiScopes {
    fn from(scopes: Vec<ApiScope>) -> Self {
        Self::new(scopes)
    }
}

impl From<ApiScopes> for Vec<ApiScope> {
    fn from(scopes: ApiScopes) -> Self {
        scopes.0
    }
}

impl ApiScopes {
    /// The set of `scopes`.
    pub fn new(scopes: impl IntoIterator<Item = ApiScope>) -> Self {
        let mut scopes: Vec<ApiScope> = scopes.into_iter().collect();
        scopes.sort_unstable();
        scopes.dedup();
        Self(scopes)
    }

    /// Every scope.
    pub fn all() -> Self {
        Self::new(ApiScope::ALL)
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: ApiScope) -> bool {
        self.0.contains(&scope)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scopes, sorted.
    pub fn iter(&self) -> impl Iterator<Item = ApiScope> + '_ {
        self.0.iter().copied()
    }

    /// The stored and wire form: names separated by spaces (`runs:write alerts:write`).
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads names separated by spaces or commas; `Err` carries the first unknown name.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split([' ', ','])
            .filter(|name| !name.is_empty())
            .map(|name| ApiScope::parse(name).ok_or_else(|| name.to_owned()))
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }
}

/// Whether a key can be used now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyStatus {
    Active,
    Expired,
    Revoked,
}

impl ApiKeyStatus {
    /// The label the list shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
        }
    }
}

/// One key as the API Keys page lists it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeySummary {
    pub id: ApiKeyId,
    /// The short public part of the key (`msphub_<public id>_…`), for telling keys apart.
    pub public_id: String,
    pub name: String,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub scopes: ApiScopes,
    /// Who created it (their name, or a note that the account was deleted).
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub status: ApiKeyStatus,
}

/// What creating a key asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub scopes: ApiScopes,
    /// Days until it expires; `None`: it does not expire.
    pub expires_in_days: Option<i64>,
}

/// A key just created: the only time its full text exists outside the caller's hands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeySummary,
    /// The whole key, to copy now; it is never shown again.
    pub secret: String,
}

/// The API Keys page of one tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyList {
    /// Newest first; revoked and expired keys stay listed for the record.
    pub items: Vec<ApiKeySummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_back_what_they_write_and_refuse_unknown_names() {
        let scopes = ApiScopes::parse("secrets:use, runs:write runs:write").expect("known");
        assert_eq!(scopes.to_text(), "runs:write secrets:use");
        assert_eq!(ApiScopes::parse(&scopes.to_text()), Ok(scopes));
        assert_eq!(
            ApiScopes::parse("runs:write admin"),
            Err("admin".to_owned())
        );
        assert!(ApiScopes::parse("").expect("empty").is_empty());
        assert_eq!(
            serde_json::to_string(&ApiScopes::all()).expect("json"),
            r#"["runs:write","alerts:write","secrets:use"]"#
        );
    }
}
