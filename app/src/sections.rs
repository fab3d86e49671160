//! The sections of the hub (DESIGN §5): one list drives the sidebar and the routes.

/// One page of the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// The URL segment.
    pub slug: &'static str,
    /// The sidebar label and page title.
    pub title: &'static str,
    /// One line on what the page is for, shown until the page's feature lands.
    pub summary: &'static str,
}

/// Pages of the MSP as a whole (MSP Admin).
pub const MSP_SECTIONS: &[Section] = &[
    Section { slug: "", title: "Overview", summary: "Your organization at a glance." },
    Section {
        slug: "tenants",
        title: "Tenants",
        summary: "Create, search and deactivate customer tenants, with their limits and usage.",
    },
    Section {
        slug: "technicians",
        title: "Technicians",
        summary: "Technician accounts, tenant assignments and per-tenant permissions.",
    },
    Section {
        slug: "summary",
        title: "Tenant Summary",
        summary: "Usage against limits, runs, failure rate and open alerts for every tenant, exportable as CSV.",
    },
    Section {
        slug: "license",
        title: "License",
        summary: "MSP license status, expiry, tenant count and default limits.",
    },
    Section {
        slug: "branding",
        title: "Branding",
        summary: "Your logo, product name and colors on the login page, the sidebar and every tenant view.",
    },
];

/// Pages inside one tenant (`/t/{tenant}/{slug}`).
pub const TENANT_SECTIONS: &[Section] = &[
    Section {
        slug: "dashboard",
        title: "Dashboard",
        summary: "Usage against limits, runs over time, success rate, alerts by severity and recent activity.",
    },
    Section {
        slug: "automs",
        title: "Automs",
        summary: "Automations with manual, scheduled and webhook triggers, and their runs.",
    },
    Section {
        slug: "alerts",
        title: "Alerts",
        summary: "Open, acknowledged and resolved alerts by severity, with assignees.",
    },
    Section {
        slug: "agents",
        title: "AI Agents",
        summary: "AI agents with their model, instructions, tools and vault references.",
    },
    Section {
        slug: "vault",
        title: "Vault",
        summary: "Encrypted credentials; revealing a secret is a separate, audited action.",
    },
    Section {
        slug: "api-keys",
        title: "API Keys",
        summary: "Keys for automation runners, shown once, stored hashed and revocable.",
    },
    Section {
        slug: "audit",
        title: "Audit log",
        summary: "Who did what, acting as what, allowed or denied, and when.",
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
