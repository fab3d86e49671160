//! Who a request acts as.

use hub_model::{
    session::{CurrentUser, SystemRole},
    HubError, HubResult, SessionId, UserId,
};

/// An authenticated user with a live session, re-read from the database on this request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub email: String,
    pub display_name: String,
    pub role: SystemRole,
    /// The brand version now in force (read with the session on every request).
    pub brand_version: i64,
}

impl Principal {
    /// The user as the UI shows them.
    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.user_id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }

    /// Whether this principal administers the whole hub (organization owner or MSP Admin).
    pub fn is_hub_admin(&self) -> bool {
        self.role.is_hub_admin()
    }

    /// Hub administrators only (the License page works before a license exists).
    pub fn require_hub_admin(&self) -> HubResult<()> {
        if self.is_hub_admin() {
            Ok(())
        } else {
            Err(HubError::Forbidden)
        }
    }

    /// The MSP Admin only (tenants, branding). The role exists only once a license was
    /// activated, so the Administrator before that is told to activate one.
    pub fn require_msp_admin(&self) -> HubResult<()> {
        match self.role {
            SystemRole::MspAdmin => Ok(()),
            SystemRole::Administrator => Err(HubError::LicenseRequired),
            SystemRole::Technician | SystemRole::TenantUser => Err(HubError::Forbidden),
        }
    }
}
