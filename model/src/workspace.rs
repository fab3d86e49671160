//! What the tenant switcher shows.

use serde::{Deserialize, Serialize};

/// One entry of the tenant switcher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceEntry {
    /// The URL segment that selects it.
    pub slug: String,
    /// What people read.
    pub name: String,
}

/// The workspaces the signed-in principal may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceList {
    /// Single-organization mode (no MSP license yet): the organization is the only workspace.
    pub single_organization: bool,
    /// Accessible workspaces, in display order.
    pub entries: Vec<WorkspaceEntry>,
}

/// The switcher's slug for the organization in single-organization mode.
pub const ORGANIZATION_SLUG: &str = "organization";
