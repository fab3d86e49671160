//! What the tenant switcher shows.

use serde::{Deserialize, Serialize};

/// One entry of the tenant switcher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceEntry {
    /// The URL segment that selects it.
    pub slug: String,
    /// What people read.
    pub name: String,
    /// Deactivated tenants stay listed for the MSP Admin, marked as such.
    pub active: bool,
}

/// The workspaces the signed-in principal may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceList {
    /// Single-organization mode (no MSP license yet): the organization is the only workspace.
    pub single_organization: bool,
    /// Accessible workspaces, in display order (at most [`SWITCHER_LIMIT`], plus the
    /// workspace in the URL when it is further down the list).
    pub entries: Vec<WorkspaceEntry>,
    /// How many workspaces the principal may see in all.
    pub total: i64,
}

/// How many workspaces the switcher loads at once.
pub const SWITCHER_LIMIT: i64 = 50;

/// The switcher's slug for the organization in single-organization mode.
pub const ORGANIZATION_SLUG: &str = "organization";
