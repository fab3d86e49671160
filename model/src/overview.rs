//! The overview pages: what needs the MSP Admin's attention, and a technician's tenants.

use crate::{permissions::PermissionSet, tenants::TenantSummary, UserId};
use serde::{Deserialize, Serialize};

/// How many entries each attention list shows (the counts say how many there are).
pub const ATTENTION_LIST_LEN: i64 = 8;

/// A tenant is near a limit from this share of it on (percent).
pub const NEAR_LIMIT_PERCENT: i64 = 80;

/// A technician who can open nothing yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdleTechnician {
    pub id: UserId,
    pub display_name: String,
    pub email: String,
}

/// What needs the MSP Admin's attention, from the data that exists today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MspAttention {
    /// Active tenants at or near a limit (most used first).
    pub near_limit: Vec<TenantSummary>,
    pub near_limit_count: i64,
    /// Deactivated tenants (they keep their data and count against the license).
    pub deactivated: Vec<TenantSummary>,
    pub deactivated_count: i64,
    /// Active technicians with no tenant assigned.
    pub idle_technicians: Vec<IdleTechnician>,
    pub idle_technician_count: i64,
    /// Whole days until the license expires (negative once expired).
    pub license_days_left: i64,
    pub license_expires_on: String,
    pub tenants_used: i64,
    pub tenants_allowed: i64,
}

/// One tenant a technician works in, with their access there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantAccess {
    pub slug: String,
    pub name: String,
    pub active: bool,
    pub permissions: PermissionSet,
}
