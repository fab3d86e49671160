//! The credentials vault (DESIGN §4): a tenant's secrets. Every type here but
//! [`RevealedSecret`] describes an item without its secret: lists and every non-reveal answer
//! never carry one.

use serde::{Deserialize, Serialize};

/// The longest name, in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// The longest username and URL, in characters.
pub const FIELD_MAX_CHARS: usize = 500;
/// The longest notes, in characters.
pub const NOTES_MAX_CHARS: usize = 4_000;
/// The largest secret, in bytes (a certificate chain with its key fits).
pub const SECRET_MAX_BYTES: usize = 16 * 1024;
/// At most this many tags of at most [`TAG_MAX_CHARS`] each.
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX_CHARS: usize = 32;
/// How long a revealed secret stays on screen.
pub const REVEAL_SECONDS: u32 = 30;
/// The list's page sizes.
pub const VAULT_PAGE_SIZES: [i64; 3] = [25, 50, 100];

/// What an item holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Password,
    ApiToken,
    Certificate,
    Note,
}

impl ItemKind {
    pub const ALL: [Self; 4] = [
        Self::Password,
        Self::ApiToken,
        Self::Certificate,
        Self::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::ApiToken => "api_token",
            Self::Certificate => "certificate",
            Self::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Password => "Password",
            Self::ApiToken => "API token",
            Self::Certificate => "Certificate or key",
            Self::Note => "Secure note",
        }
    }
}

/// An item as it is created or edited. On an edit, `secret: None` keeps the stored secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultItemInput {
    pub name: String,
    pub kind: ItemKind,
    pub username: String,
    pub url: String,
    pub notes: String,
    pub tags: Vec<String>,
    pub secret: Option<String>,
}

/// An item without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultItemSummary {
    pub id: crate::VaultItemId,
    pub name: String,
    pub kind: ItemKind,
    pub username: String,
    pub url: String,
    pub notes: String,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the secret itself last changed (rotation age).
    pub secret_changed_at: i64,
    pub last_revealed_at: Option<i64>,
}

/// What the vault list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultQuery {
    /// Matches the name, username, URL or a tag (case-insensitive substring).
    pub search: String,
    pub kind: Option<ItemKind>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultPage {
    pub items: Vec<VaultItemSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A secret shown on request (the Reveal permission), for [`REVEAL_SECONDS`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedSecret {
    pub item: crate::VaultItemId,
    pub secret: String,
    pub shown_for_secs: u32,
}

impl std::fmt::Debug for RevealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedSecret")
            .field("item", &self.item)
            .finish_non_exhaustive()
    }
}

/// How many stale items the governance page lists at most (the oldest first).
pub const STALE_LIST_LEN: i64 = 100;

/// One tenant's vault at a glance (metadata only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantVaultStats {
    pub tenant_id: crate::TenantId,
    pub slug: String,
    pub name: String,
    /// Items by kind, in [`ItemKind::ALL`] order.
    pub by_kind: [i64; 4],
    pub total: i64,
    pub last_changed_at: Option<i64>,
    pub last_revealed_at: Option<i64>,
    /// Items whose secret has not changed for the page's number of days.
    pub stale: i64,
}

/// An item whose secret has not changed for a while (metadata only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleItem {
    pub tenant_slug: String,
    pub tenant_name: String,
    pub item: crate::VaultItemId,
    pub name: String,
    pub kind: ItemKind,
    pub secret_changed_at: i64,
}

/// The MSP Admin's view of every tenant's vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultGovernance {
    /// Items count as stale when their secret is older than this.
    pub stale_days: i64,
    pub tenants: Vec<TenantVaultStats>,
    /// The oldest stale items, at most [`STALE_LIST_LEN`].
    pub stale_items: Vec<StaleItem>,
}
