//! The sections of the hub (DESIGN §5): one list drives the sidebar and the routes.

use hub_model::{
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    session::SystemRole,
};

/// What a page needs before the sidebar shows it (the server checks again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Nothing beyond being signed in (or, for a tenant page, entering the tenant).
    Nothing,
    /// View on this resource kind in the tenant.
    View(ResourceKind),
    /// The MSP Admin. API keys and the audit log are never a technician's, nor a tenant
    /// user's: the audit log records the MSP's own staff at work (technicians' actions and
    /// refusals), which is the MSP's governance, not the customer's (README, "Who sees what").
    MspAdmin,
    /// Whoever administers the hub: the MSP Admin, or before a license the Administrator.
    HubAdmin,
}

impl Needs {
    /// Whether someone of `role`, with `permissions` in the tenant at hand, may open the page.
    pub fn met(self, permissions: PermissionSet, role: SystemRole) -> bool {
        match self {
            Self::Nothing => true,
            Self::View(resource) => permissions.allows(Permission::new(resource, Action::View)),
            Self::MspAdmin => role == SystemRole::MspAdmin,
            Self::HubAdmin => role.is_hub_admin(),
        }
    }
}

/// One page of the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// The URL segment.
    pub slug: &'static str,
    /// The sidebar label and page title.
    pub title: &'static str,
    /// One line on what the page is for, shown until the page's feature lands.
    pub summary: &'static str,
    /// What a tenant page needs (MSP pages: the MSP Admin).
    pub needs: Needs,
}

/// Pages of the MSP as a whole (MSP Admin).
pub const MSP_SECTIONS: &[Section] = &[
    Section { slug: "", title: "Overview", summary: "Your organization at a glance.", needs: Needs::Nothing },
    Section {
        slug: "tenants",
        title: "Tenants",
        summary: "Create, search and deactivate customer tenants, with their limits and usage.",
        needs: Needs::MspAdmin,
    },
    Section {
        slug: "technicians",
        title: "Technicians",
        summary: "Technician accounts, tenant assignments and per-tenant permissions.",
        needs: Needs::MspAdmin,
    },
    Section {
        slug: "summary",
        title: "Tenant Summary",
        summary: "Usage against limits, runs, failure rate and open alerts for every tenant, exportable as CSV.",
        needs: Needs::MspAdmin,
    },
    Section {
        slug: "license",
        title: "License",
        summary: "MSP license status, expiry, tenant count and default limits.",
        needs: Needs::HubAdmin,
    },
    Section {
        slug: "branding",
        title: "Branding",
        summary: "Your logo, product name and colors on the login page, the sidebar and every tenant view.",
        needs: Needs::MspAdmin,
    },
];

/// Pages inside one tenant (`/t/{tenant}/{slug}`).
pub const TENANT_SECTIONS: &[Section] = &[
    Section {
        slug: "dashboard",
        title: "Dashboard",
        summary: "Usage against limits, runs over time, success rate, alerts by severity and recent activity.",
        needs: Needs::View(ResourceKind::Dashboards),
    },
    Section {
        slug: "automs",
        title: "Automs",
        summary: "Automations with manual, scheduled and webhook triggers, and their runs.",
        needs: Needs::View(ResourceKind::Automs),
    },
    Section {
        slug: "runs",
        title: "Runs",
        summary: "Every run of the tenant's Automs, with filters by status, trigger and time.",
        needs: Needs::View(ResourceKind::Automs),
    },
    Section {
        slug: "alerts",
        title: "Alerts",
        summary: "Open, acknowledged and resolved alerts by severity, with assignees.",
        needs: Needs::View(ResourceKind::Alerts),
    },
    Section {
        slug: "agents",
        title: "AI Agents",
        summary: "AI agents with their model, instructions, tools and vault references.",
        needs: Needs::View(ResourceKind::Agents),
    },
    Section {
        slug: "vault",
        title: "Vault",
        summary: "Encrypted credentials; revealing a secret is a separate, audited action.",
        needs: Needs::View(ResourceKind::Vault),
    },
    Section {
        slug: "users",
        title: "Users & roles",
        summary: "The tenant's own users and its roles, within the tenant's user limit.",
        needs: Needs::View(ResourceKind::Users),
    },
    Section {
        slug: "api-keys",
        title: "API Keys",
        summary: "Keys for automation runners, shown once, stored hashed and revocable.",
        needs: Needs::MspAdmin,
    },
    Section {
        slug: "audit",
        title: "Audit log",
        summary: "Who did what, acting as what, allowed or denied, and when.",
        needs: Needs::MspAdmin,
    },
];

/// Finds a tenant page by its slug.
pub fn tenant_section(slug: &str) -> Option<&'static Section> {
    TENANT_SECTIONS.iter().find(|s| s.slug == slug)
}

/// Finds an MSP page by its slug.
pub fn msp_section(slug: &str) -> Option<&'static Section> {
    MSP_SECTIONS.iter().find(|s| s.slug == slug)
}
