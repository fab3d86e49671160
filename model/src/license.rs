//! The MSP license as the License page and the shell show it.

use crate::tenants::{TenantCount, TenantLimits};
use serde::{Deserialize, Serialize};

/// Where the hub stands with its license.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LicenseState {
    /// Single-organization mode: no MSP license yet.
    Unlicensed,
    /// Licensed and in date.
    Active { expires_on: String },
    /// Past its expiry: what exists works, new tenants are refused.
    Expired { expired_on: String },
}

impl LicenseState {
    /// Whether MSP features are on (an expired license keeps them on).
    pub fn is_licensed(&self) -> bool {
        !matches!(self, Self::Unlicensed)
    }
}

/// The activated license, as the License page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveLicense {
    pub licensee: String,
    pub license_id: String,
    pub issued_on: String,
    pub expires_on: String,
    pub expired: bool,
    pub tenants: TenantCount,
    pub default_limits: TenantLimits,
    pub activated_on: String,
}

/// Which public key the hub verifies license keys with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenseVerification {
    /// The vendor's key from the configuration.
    Vendor,
    /// The repository's development key (demo and tests): anyone can issue licenses for it.
    Development,
    /// No key is configured: activation is refused.
    NotConfigured,
}

/// The License page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseOverview {
    pub license: Option<ActiveLicense>,
    pub verification: LicenseVerification,
    /// Whether the one-time MSP License Activation Notice is still to be dismissed.
    pub activation_notice: bool,
}

/// What activating a key did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activation {
    /// The first license: Administrator became MSP Admin and the Default Tenant was created.
    Activated,
    /// A newer key replaced the license; only the license and its limits changed.
    Updated,
}
