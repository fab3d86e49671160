//! Tenants as the MSP Admin manages them: limits, usage, status and the management list.

use crate::TenantId;
use serde::{Deserialize, Serialize};

/// Per-tenant limits (DESIGN §3); also the license's defaults for new tenants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantLimits {
    pub automs: i64,
    pub users: i64,
    pub agents: i64,
}

/// What a tenant uses of its limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantUsage {
    pub automs: i64,
    pub users: i64,
    pub agents: i64,
}

impl TenantUsage {
    /// Everything in use, the "usage" the tenant list sorts by.
    pub fn total(&self) -> i64 {
        self.automs + self.users + self.agents
    }
}

/// One row of the tenant list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSummary {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub active: bool,
    /// The tenant created at license activation, which holds the organization's earlier data.
    pub is_default: bool,
    /// Milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    pub limits: TenantLimits,
    pub usage: TenantUsage,
    /// Technicians assigned to it (what a deactivation takes access from).
    pub technicians: i64,
}

/// The tenant count under the license: "used / allowed".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantCount {
    pub used: i64,
    pub allowed: i64,
}

/// How the tenant list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantSort {
    #[default]
    Name,
    Created,
    Status,
    Usage,
}

impl TenantSort {
    /// Every order, as the Sort By control lists them.
    pub const ALL: [Self; 4] = [Self::Name, Self::Created, Self::Status, Self::Usage];

    /// The URL and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Created => "created",
            Self::Status => "status",
            Self::Usage => "usage",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Created => "Created",
            Self::Status => "Status",
            Self::Usage => "Usage",
        }
    }

    /// From the URL value; unknown values fall back to the default.
    pub fn parse(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or_default()
    }
}

/// Which tenants the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    All,
    Active,
    Inactive,
}

impl StatusFilter {
    /// Every filter, as the control lists them.
    pub const ALL: [Self; 3] = [Self::All, Self::Active, Self::Inactive];

    /// The URL and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Inactive => "inactive",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All statuses",
            Self::Active => "Active",
            Self::Inactive => "Deactivated",
        }
    }

    /// From the URL value; unknown values fall back to the default.
    pub fn parse(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or_default()
    }
}

/// A request for one page of the tenant list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantQuery {
    /// Matches anywhere in the name or slug, ignoring case.
    pub search: String,
    pub status: StatusFilter,
    pub sort: TenantSort,
    pub descending: bool,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// Page sizes the list offers; anything else is clamped into range.
pub const TENANT_PAGE_SIZES: [u32; 3] = [25, 50, 100];

/// One page of the tenant list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantPage {
    pub items: Vec<TenantSummary>,
    /// Tenants matching the search and filter, over all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// Tenants under the license against the maximum.
    pub count: TenantCount,
}

impl TenantPage {
    /// How many pages the matching tenants fill (at least one).
    pub fn pages(&self) -> u32 {
        let per_page = i64::from(self.per_page.max(1));
        u32::try_from(((self.total + per_page - 1) / per_page).max(1)).unwrap_or(u32::MAX)
    }
}

/// A technician assigned to a tenant, as the tenant detail page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedTechnician {
    pub id: crate::UserId,
    pub display_name: String,
    pub email: String,
    pub permissions: crate::permissions::PermissionSet,
}

/// Everything the tenant detail page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantDetail {
    pub tenant: TenantSummary,
    /// The most each limit may be raised to (the license's defaults are not a ceiling; this is).
    pub max_limits: TenantLimits,
    pub technicians: Vec<AssignedTechnician>,
    /// The tenant's roles, by name (Tenant Admin and Viewer to start with).
    pub roles: Vec<String>,
    /// The domains its users' addresses must be at (none: no restriction).
    pub email_domains: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| TenantPage {
            items: Vec::new(),
            total,
            page: 1,
            per_page: 25,
            count: TenantCount {
                used: 0,
                allowed: 1,
            },
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(25).pages(), 1);
        assert_eq!(page(26).pages(), 2);
        assert_eq!(page(10_000).pages(), 400);
    }

    #[test]
    fn unknown_url_values_fall_back_to_defaults() {
        assert_eq!(TenantSort::parse("usage"), TenantSort::Usage);
        assert_eq!(TenantSort::parse("drop table"), TenantSort::Name);
        assert_eq!(StatusFilter::parse("inactive"), StatusFilter::Inactive);
        assert_eq!(StatusFilter::parse(""), StatusFilter::All);
    }
}
