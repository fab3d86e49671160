//! What the browser learns about the signed-in user.

use crate::{branding::Brand, license::LicenseState, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The system-level role of an account. Tenant roles are a separate thing (DESIGN §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemRole {
    /// The single-organization owner created at setup, before any MSP license.
    Administrator,
    /// The protected top role after license activation.
    MspAdmin,
    /// Acts only inside assigned tenants.
    Technician,
    /// Belongs to exactly one tenant.
    TenantUser,
}

impl SystemRole {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::MspAdmin => "msp_admin",
            Self::Technician => "technician",
            Self::TenantUser => "tenant_user",
        }
    }

    /// Whether this role administers the whole hub (organization owner or MSP Admin).
    pub fn is_hub_admin(self) -> bool {
        matches!(self, Self::Administrator | Self::MspAdmin)
    }

    /// Parses the stored value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "administrator" => Some(Self::Administrator),
            "msp_admin" => Some(Self::MspAdmin),
            "technician" => Some(Self::Technician),
            "tenant_user" => Some(Self::TenantUser),
            _ => None,
        }
    }
}

impl fmt::Display for SystemRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Administrator => "Administrator",
            Self::MspAdmin => "MSP Admin",
            Self::Technician => "Technician",
            Self::TenantUser => "Tenant user",
        })
    }
}

/// The signed-in user as the UI shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: SystemRole,
}

/// Whether setup is still needed, and who is signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub setup_required: bool,
    /// The organization's name, once set up.
    pub organization_name: Option<String>,
    pub user: Option<CurrentUser>,
    /// The brand every page applies.
    pub brand: Brand,
    /// The license state (hub administrators see a banner when it has expired).
    pub license: LicenseState,
    /// Whether the one-time MSP License Activation Notice awaits the MSP Admin.
    pub activation_notice: bool,
    /// The tenant the user opened last, while still visible to them: the shell's Workspace
    /// links follow it on pages outside any tenant.
    pub last_tenant: Option<crate::workspace::WorkspaceEntry>,
}

/// Minimum password length for every account.
pub const MIN_PASSWORD_LEN: usize = 12;
