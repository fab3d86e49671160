//! Inside one tenant: its users, its roles and what the signed-in principal may do there.

use crate::{permissions::PermissionSet, RoleId, TenantId, UserId};
use serde::{Deserialize, Serialize};

/// The tenant a page is about and the principal's permissions in it, re-read on every
/// request (so a changed assignment shows on the next navigation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantContext {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub active: bool,
    pub permissions: PermissionSet,
    /// How the principal acts here: "MSP Admin", "Technician" or the tenant role's name.
    pub acting_as: String,
    /// The tenant's open alerts, when the principal may view alerts (the sidebar's count);
    /// read when a tenant page opens, not by every operation.
    #[serde(default)]
    pub open_alerts: Option<i64>,
}

/// One role of a tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRole {
    pub id: RoleId,
    pub name: String,
    /// Tenant Admin and Viewer: seeded, cannot be renamed, changed or deleted.
    pub builtin: bool,
    pub permissions: PermissionSet,
    /// How many users hold it.
    pub members: i64,
}

/// One user of a tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantMember {
    pub id: UserId,
    pub display_name: String,
    pub email: String,
    pub active: bool,
    pub role_id: RoleId,
    pub role_name: String,
}

/// The Users page of a tenant: its users, its roles and the user limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantUsers {
    pub members: Vec<TenantMember>,
    pub roles: Vec<TenantRole>,
    pub used: i64,
    pub limit: i64,
    /// The domains new users' addresses must be at (none: no restriction; the MSP Admin is
    /// never restricted).
    pub email_domains: Vec<String>,
}
