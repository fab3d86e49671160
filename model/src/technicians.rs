//! Technicians (DESIGN §1, §5): MSP staff who act only inside the tenants they are
//! assigned to, with a permission matrix per tenant.

use crate::{permissions::PermissionSet, TenantId, UserId};
use serde::{Deserialize, Serialize};

/// Page sizes the Technicians page offers.
pub const TECHNICIAN_PAGE_SIZES: [i64; 3] = [25, 50, 100];

/// One row of the Technicians page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicianSummary {
    pub id: UserId,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub active: bool,
    /// How many tenants they are assigned to.
    pub tenants: i64,
    pub created_at: i64,
}

/// What the list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicianQuery {
    /// Matches name, email or phone (case-insensitive substring).
    pub search: String,
    pub sort: TechnicianSort,
    pub descending: bool,
    pub page: i64,
    pub per_page: i64,
}

/// How the technician list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TechnicianSort {
    #[default]
    Name,
    Email,
    /// By the number of tenants assigned.
    Tenants,
    /// Active first.
    Status,
}

impl TechnicianSort {
    pub const ALL: [Self; 4] = [Self::Name, Self::Email, Self::Tenants, Self::Status];

    /// The URL value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Tenants => "tenants",
            Self::Status => "status",
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

/// One page of technicians.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicianPage {
    pub items: Vec<TechnicianSummary>,
    /// How many match the search in all.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl TechnicianPage {
    /// How many pages the result has (at least one).
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

/// The fields of a technician's profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicianProfile {
    pub display_name: String,
    pub email: String,
    pub phone: String,
}

/// A tenant as the assignment editor lists it, with the technician's permissions there
/// (`None`: not assigned).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRow {
    pub tenant_id: TenantId,
    pub slug: String,
    pub name: String,
    pub active: bool,
    pub permissions: Option<PermissionSet>,
}

/// A technician with their assignments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicianDetail {
    pub technician: TechnicianSummary,
    /// The tenants they are assigned to, by name.
    pub assignments: Vec<AssignmentRow>,
}

/// One page of tenants for the assignment editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentPage {
    pub rows: Vec<AssignmentRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl AssignmentPage {
    /// How many pages the result has (at least one).
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}
