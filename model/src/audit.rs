//! Audit actions: every kind of thing the audit log records, with its stored name (stable:
//! stored rows keep it) and a label people read (the audit log page).

use serde::{Deserialize, Serialize};

/// One kind of audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    /// `auth.login`: Sign in.
    AuthLogin,
    /// `auth.logout`: Sign out.
    AuthLogout,
    /// `setup.complete`: Set up the hub.
    SetupComplete,
    /// `user.rename`: Change own name.
    UserRename,
    /// `user.password_change`: Change own password.
    UserPasswordChange,
    /// `user.password_reset`: Reset a password (command line).
    UserPasswordReset,
    /// `license.view`: View the license.
    LicenseView,
    /// `license.activate`: Activate a license.
    LicenseActivate,
    /// `license.update`: Update the license.
    LicenseUpdate,
    /// `license.dismiss_notice`: Dismiss the activation notice.
    LicenseDismissNotice,
    /// `security.throttles`: View sign-in protection.
    SecurityThrottles,
    /// `branding.update_brand`: Change the brand.
    BrandingUpdateBrand,
    /// `branding.update`: Brand changed.
    BrandingUpdate,
    /// `branding.upload_logo`: Upload a logo.
    BrandingUploadLogo,
    /// `branding.logo`: Logo changed.
    BrandingLogo,
    /// `branding.reset_brand`: Reset the brand.
    BrandingResetBrand,
    /// `branding.reset`: Brand reset.
    BrandingReset,
    /// `tenant.list`: List tenants.
    TenantList,
    /// `tenant.view`: View a tenant.
    TenantView,
    /// `tenant.create`: Create a tenant.
    TenantCreate,
    /// `tenant.update`: Edit a tenant.
    TenantUpdate,
    /// `tenant.set_active`: Deactivate or reactivate a tenant.
    TenantSetActive,
    /// `tenant.deactivate`: Deactivate a tenant.
    TenantDeactivate,
    /// `tenant.reactivate`: Reactivate a tenant.
    TenantReactivate,
    /// `tenant.email_domains`: Set a tenant's email domains.
    TenantEmailDomains,
    /// `tenant.open`: Open a tenant.
    TenantOpen,
    /// `tenant.list_mine`: List my tenants (a technician's overview).
    TenantListMine,
    /// `technician.list`: List technicians.
    TechnicianList,
    /// `technician.view`: View a technician.
    TechnicianView,
    /// `technician.create`: Create a technician.
    TechnicianCreate,
    /// `technician.update`: Edit a technician.
    TechnicianUpdate,
    /// `technician.set_active`: Deactivate or reactivate a technician.
    TechnicianSetActive,
    /// `technician.deactivate`: Deactivate a technician.
    TechnicianDeactivate,
    /// `technician.reactivate`: Reactivate a technician.
    TechnicianReactivate,
    /// `technician.reset_password`: Reset a technician's password.
    TechnicianResetPassword,
    /// `technician.delete`: Delete a technician.
    TechnicianDelete,
    /// `technician.assign`: Assign tenants to a technician.
    TechnicianAssign,
    /// `technician.unassign`: Unassign tenants from a technician.
    TechnicianUnassign,
    /// `tenant_user.list`: List a tenant's users.
    TenantUserList,
    /// `tenant_user.create`: Add a tenant user.
    TenantUserCreate,
    /// `tenant_user.update`: Edit a tenant user.
    TenantUserUpdate,
    /// `tenant_user.reset_password`: Reset a tenant user's password.
    TenantUserResetPassword,
    /// `tenant_user.delete`: Delete a tenant user.
    TenantUserDelete,
    /// `tenant_role.create`: Create a tenant role.
    TenantRoleCreate,
    /// `tenant_role.update`: Edit a tenant role.
    TenantRoleUpdate,
    /// `tenant_role.delete`: Delete a tenant role.
    TenantRoleDelete,
    /// `api_key.list`: List API keys.
    ApiKeyList,
    /// `api_key.create`: Create an API key.
    ApiKeyCreate,
    /// `api_key.revoke`: Revoke an API key.
    ApiKeyRevoke,
    /// `api.whoami`: Identify an API key (API).
    ApiWhoami,
    /// `api.authenticate`: Present an API key.
    ApiAuthenticate,
    /// `autom.list`: List Automs.
    AutomList,
    /// `autom.view`: View an Autom.
    AutomView,
    /// `autom.create`: Create an Autom.
    AutomCreate,
    /// `autom.update`: Edit an Autom.
    AutomUpdate,
    /// `autom.set_enabled`: Enable or disable an Autom.
    AutomSetEnabled,
    /// `autom.delete`: Delete an Autom.
    AutomDelete,
    /// `autom.reveal_webhook`: Show an Autom's webhook address.
    AutomRevealWebhook,
    /// `autom.rotate_webhook`: Replace an Autom's webhook address.
    AutomRotateWebhook,
    /// `autom.run`: Run an Autom now.
    AutomRun,
    /// `run.list`: List runs.
    RunList,
    /// `run.view`: View a run.
    RunView,
    /// `run.cancel`: Cancel a run.
    RunCancel,
    /// `run.claim`: Claim a run (runner).
    RunClaim,
    /// `run.heartbeat`: Keep a run (runner).
    RunHeartbeat,
    /// `run.log`: Write a run's log (runner).
    RunLog,
    /// `run.complete`: Complete a run (runner).
    RunComplete,
    /// `run.schedule`: Queue a scheduled run.
    RunSchedule,
    /// `run.webhook`: Queue a run from a webhook.
    RunWebhook,
    /// `run.report`: Report a run (runner).
    RunReport,
    /// `alert.list`: List alerts.
    AlertList,
    /// `alert.raise`: Raise an alert.
    AlertRaise,
    /// `alert.acknowledge`: Acknowledge alerts.
    AlertAcknowledge,
    /// `alert.resolve`: Resolve alerts.
    AlertResolve,
    /// `alert.reopen`: Reopen alerts.
    AlertReopen,
    /// `alert.assign`: Assign alerts.
    AlertAssign,
    /// `vault.list`: List vault items.
    VaultList,
    /// `vault.create`: Create a vault item.
    VaultCreate,
    /// `vault.update`: Edit a vault item.
    VaultUpdate,
    /// `vault.delete`: Delete a vault item.
    VaultDelete,
    /// `vault.reveal`: Reveal a vault secret.
    VaultReveal,
    /// `vault.rotate_kek`: Rotate the vault's key-encryption key.
    VaultRotateKek,
    /// `vault.governance`: View the vaults of every tenant.
    VaultGovernance,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [Self; 83] = [
        Self::AuthLogin,
        Self::AuthLogout,
        Self::SetupComplete,
        Self::UserRename,
        Self::UserPasswordChange,
        Self::UserPasswordReset,
        Self::LicenseView,
        Self::LicenseActivate,
        Self::LicenseUpdate,
        Self::LicenseDismissNotice,
        Self::SecurityThrottles,
        Self::BrandingUpdateBrand,
        Self::BrandingUpdate,
        Self::BrandingUploadLogo,
        Self::BrandingLogo,
        Self::BrandingResetBrand,
        Self::BrandingReset,
        Self::TenantList,
        Self::TenantView,
        Self::TenantCreate,
        Self::TenantUpdate,
        Self::TenantSetActive,
        Self::TenantDeactivate,
        Self::TenantReactivate,
        Self::TenantEmailDomains,
        Self::TenantOpen,
        Self::TenantListMine,
        Self::TechnicianList,
        Self::TechnicianView,
        Self::TechnicianCreate,
        Self::TechnicianUpdate,
        Self::TechnicianSetActive,
        Self::TechnicianDeactivate,
        Self::TechnicianReactivate,
        Self::TechnicianResetPassword,
        Self::TechnicianDelete,
        Self::TechnicianAssign,
        Self::TechnicianUnassign,
        Self::TenantUserList,
        Self::TenantUserCreate,
        Self::TenantUserUpdate,
        Self::TenantUserResetPassword,
        Self::TenantUserDelete,
        Self::TenantRoleCreate,
        Self::TenantRoleUpdate,
        Self::TenantRoleDelete,
        Self::ApiKeyList,
        Self::ApiKeyCreate,
        Self::ApiKeyRevoke,
        Self::ApiWhoami,
        Self::ApiAuthenticate,
        Self::AutomList,
        Self::AutomView,
        Self::AutomCreate,
        Self::AutomUpdate,
        Self::AutomSetEnabled,
        Self::AutomDelete,
        Self::AutomRevealWebhook,
        Self::AutomRotateWebhook,
        Self::AutomRun,
        Self::RunList,
        Self::RunView,
        Self::RunCancel,
        Self::RunClaim,
        Self::RunHeartbeat,
        Self::RunLog,
        Self::RunComplete,
        Self::RunSchedule,
        Self::RunWebhook,
        Self::RunReport,
        Self::AlertList,
        Self::AlertRaise,
        Self::AlertAcknowledge,
        Self::AlertResolve,
        Self::AlertReopen,
        Self::AlertAssign,
        Self::VaultList,
        Self::VaultCreate,
        Self::VaultUpdate,
        Self::VaultDelete,
        Self::VaultReveal,
        Self::VaultRotateKek,
        Self::VaultGovernance,
    ];

    /// The stored name (never changes once released).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthLogin => "auth.login",
            Self::AuthLogout => "auth.logout",
            Self::SetupComplete => "setup.complete",
            Self::UserRename => "user.rename",
            Self::UserPasswordChange => "user.password_change",
            Self::UserPasswordReset => "user.password_reset",
            Self::LicenseView => "license.view",
            Self::LicenseActivate => "license.activate",
            Self::LicenseUpdate => "license.update",
            Self::LicenseDismissNotice => "license.dismiss_notice",
            Self::SecurityThrottles => "security.throttles",
            Self::BrandingUpdateBrand => "branding.update_brand",
            Self::BrandingUpdate => "branding.update",
            Self::BrandingUploadLogo => "branding.upload_logo",
            Self::BrandingLogo => "branding.logo",
            Self::BrandingResetBrand => "branding.reset_brand",
            Self::BrandingReset => "branding.reset",
            Self::TenantList => "tenant.list",
            Self::TenantView => "tenant.view",
            Self::TenantCreate => "tenant.create",
            Self::TenantUpdate => "tenant.update",
            Self::TenantSetActive => "tenant.set_active",
            Self::TenantDeactivate => "tenant.deactivate",
            Self::TenantReactivate => "tenant.reactivate",
            Self::TenantEmailDomains => "tenant.email_domains",
            Self::TenantOpen => "tenant.open",
            Self::TenantListMine => "tenant.list_mine",
            Self::TechnicianList => "technician.list",
            Self::TechnicianView => "technician.view",
            Self::TechnicianCreate => "technician.create",
            Self::TechnicianUpdate => "technician.update",
            Self::TechnicianSetActive => "technician.set_active",
            Self::TechnicianDeactivate => "technician.deactivate",
            Self::TechnicianReactivate => "technician.reactivate",
            Self::TechnicianResetPassword => "technician.reset_password",
            Self::TechnicianDelete => "technician.delete",
            Self::TechnicianAssign => "technician.assign",
            Self::TechnicianUnassign => "technician.unassign",
            Self::TenantUserList => "tenant_user.list",
            Self::TenantUserCreate => "tenant_user.create",
            Self::TenantUserUpdate => "tenant_user.update",
            Self::TenantUserResetPassword => "tenant_user.reset_password",
            Self::TenantUserDelete => "tenant_user.delete",
            Self::TenantRoleCreate => "tenant_role.create",
            Self::TenantRoleUpdate => "tenant_role.update",
            Self::TenantRoleDelete => "tenant_role.delete",
            Self::ApiKeyList => "api_key.list",
            Self::ApiKeyCreate => "api_key.create",
            Self::ApiKeyRevoke => "api_key.revoke",
            Self::ApiWhoami => "api.whoami",
            Self::ApiAuthenticate => "api.authenticate",
            Self::AutomList => "autom.list",
            Self::AutomView => "autom.view",
            Self::AutomCreate => "autom.create",
            Self::AutomUpdate => "autom.update",
            Self::AutomSetEnabled => "autom.set_enabled",
            Self::AutomDelete => "autom.delete",
            Self::AutomRevealWebhook => "autom.reveal_webhook",
            Self::AutomRotateWebhook => "autom.rotate_webhook",
            Self::AutomRun => "autom.run",
            Self::RunList => "run.list",
            Self::RunView => "run.view",
            Self::RunCancel => "run.cancel",
            Self::RunClaim => "run.claim",
            Self::RunHeartbeat => "run.heartbeat",
            Self::RunLog => "run.log",
            Self::RunComplete => "run.complete",
            Self::RunSchedule => "run.schedule",
            Self::RunWebhook => "run.webhook",
            Self::RunReport => "run.report",
            Self::AlertList => "alert.list",
            Self::AlertRaise => "alert.raise",
            Self::AlertAcknowledge => "alert.acknowledge",
            Self::AlertResolve => "alert.resolve",
            Self::AlertReopen => "alert.reopen",
            Self::AlertAssign => "alert.assign",
            Self::VaultList => "vault.list",
            Self::VaultCreate => "vault.create",
            Self::VaultUpdate => "vault.update",
            Self::VaultDelete => "vault.delete",
            Self::VaultReveal => "vault.reveal",
            Self::VaultRotateKek => "vault.rotate_kek",
            Self::VaultGovernance => "vault.governance",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::AuthLogin => "Sign in",
            Self::AuthLogout => "Sign out",
            Self::SetupComplete => "Set up the hub",
            Self::UserRename => "Change own name",
            Self::UserPasswordChange => "Change own password",
            Self::UserPasswordReset => "Reset a password (command line)",
            Self::LicenseView => "View the license",
            Self::LicenseActivate => "Activate a license",
            Self::LicenseUpdate => "Update the license",
            Self::LicenseDismissNotice => "Dismiss the activation notice",
            Self::SecurityThrottles => "View sign-in protection",
            Self::BrandingUpdateBrand => "Change the brand",
            Self::BrandingUpdate => "Brand changed",
            Self::BrandingUploadLogo => "Upload a logo",
            Self::BrandingLogo => "Logo changed",
            Self::BrandingResetBrand => "Reset the brand",
            Self::BrandingReset => "Brand reset",
            Self::TenantList => "List tenants",
            Self::TenantView => "View a tenant",
            Self::TenantCreate => "Create a tenant",
            Self::TenantUpdate => "Edit a tenant",
            Self::TenantSetActive => "Deactivate or reactivate a tenant",
            Self::TenantDeactivate => "Deactivate a tenant",
            Self::TenantReactivate => "Reactivate a tenant",
            Self::TenantEmailDomains => "Set a tenant's email domains",
            Self::TenantOpen => "Open a tenant",
            Self::TenantListMine => "List my tenants",
            Self::TechnicianList => "List technicians",
            Self::TechnicianView => "View a technician",
            Self::TechnicianCreate => "Create a technician",
            Self::TechnicianUpdate => "Edit a technician",
            Self::TechnicianSetActive => "Deactivate or reactivate a technician",
            Self::TechnicianDeactivate => "Deactivate a technician",
            Self::TechnicianReactivate => "Reactivate a technician",
            Self::TechnicianResetPassword => "Reset a technician's password",
            Self::TechnicianDelete => "Delete a technician",
            Self::TechnicianAssign => "Assign tenants to a technician",
            Self::TechnicianUnassign => "Unassign tenants from a technician",
            Self::TenantUserList => "List a tenant's users",
            Self::TenantUserCreate => "Add a tenant user",
            Self::TenantUserUpdate => "Edit a tenant user",
            Self::TenantUserResetPassword => "Reset a tenant user's password",
            Self::TenantUserDelete => "Delete a tenant user",
            Self::TenantRoleCreate => "Create a tenant role",
            Self::TenantRoleUpdate => "Edit a tenant role",
            Self::TenantRoleDelete => "Delete a tenant role",
            Self::ApiKeyList => "List API keys",
            Self::ApiKeyCreate => "Create an API key",
            Self::ApiKeyRevoke => "Revoke an API key",
            Self::ApiWhoami => "Identify an API key (API)",
            Self::ApiAuthenticate => "Present an API key",
            Self::AutomList => "List Automs",
            Self::AutomView => "View an Autom",
            Self::AutomCreate => "Create an Autom",
            Self::AutomUpdate => "Edit an Autom",
            Self::AutomSetEnabled => "Enable or disable an Autom",
            Self::AutomDelete => "Delete an Autom",
            Self::AutomRevealWebhook => "Show an Autom's webhook address",
            Self::AutomRotateWebhook => "Replace an Autom's webhook address",
            Self::AutomRun => "Run an Autom now",
            Self::RunList => "List runs",
            Self::RunView => "View a run",
            Self::RunCancel => "Cancel a run",
            Self::RunClaim => "Claim a run (runner)",
            Self::RunHeartbeat => "Keep a run (runner)",
            Self::RunLog => "Write a run's log (runner)",
            Self::RunComplete => "Complete a run (runner)",
            Self::RunSchedule => "Queue a scheduled run",
            Self::RunWebhook => "Queue a run from a webhook",
            Self::RunReport => "Report a run (runner)",
            Self::AlertList => "List alerts",
            Self::AlertRaise => "Raise an alert",
            Self::AlertAcknowledge => "Acknowledge alerts",
            Self::AlertResolve => "Resolve alerts",
            Self::AlertReopen => "Reopen alerts",
            Self::AlertAssign => "Assign alerts",
            Self::VaultList => "List vault items",
            Self::VaultCreate => "Create a vault item",
            Self::VaultUpdate => "Edit a vault item",
            Self::VaultDelete => "Delete a vault item",
            Self::VaultReveal => "Reveal a vault secret",
            Self::VaultRotateKek => "Rotate the vault's key-encryption key",
            Self::VaultGovernance => "View the vaults of every tenant",
        }
    }

    /// From the stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == name)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_are_distinct_and_round_trip() {
        for (i, action) in AuditAction::ALL.iter().enumerate() {
            assert_eq!(AuditAction::parse(action.as_str()), Some(*action));
            assert!(!action.label().is_empty());
            assert!(
                AuditAction::ALL[i + 1..]
                    .iter()
                    .all(|other| other.as_str() != action.as_str()),
                "{action:?}"
            );
        }
    }
}
