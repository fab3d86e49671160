//! Alerts (DESIGN §4): what needs someone's attention in a tenant.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How urgent an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub const ALL: [Self; 3] = [Self::Info, Self::Warning, Self::Critical];

    /// The stored and URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Info => "Info",
            Self::Warning => "Warning",
            Self::Critical => "Critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where an alert is in its life. A repeat of an open or acknowledged alert (the same
/// deduplication key) counts on it; a resolved one is history, and a repeat opens a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
}

impl AlertStatus {
    pub const ALL: [Self; 3] = [Self::Open, Self::Acknowledged, Self::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Acknowledged => "Acknowledged",
            Self::Resolved => "Resolved",
        }
    }
}

/// What raised an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSource {
    /// A tenant API key with `alerts:write` (a runner, a monitoring tool).
    Api,
    /// A failed run of an Autom set to alert on failure.
    Autom,
    /// The tenant reached one of its limits (for the MSP Admin).
    Limit,
}

impl AlertSource {
    pub const ALL: [Self; 3] = [Self::Api, Self::Autom, Self::Limit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Autom => "autom",
            Self::Limit => "limit",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Api => "API",
            Self::Autom => "Failed run",
            Self::Limit => "Limit reached",
        }
    }
}

/// The longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;
/// The longest details, in characters.
pub const DETAILS_MAX_CHARS: usize = 4_000;
/// The longest source name and deduplication key, in characters.
pub const SOURCE_MAX_CHARS: usize = 120;
pub const DEDUP_KEY_MAX_CHARS: usize = 200;
/// The most alerts one bulk action changes.
pub const BULK_MAX: usize = 100;
/// The list's page sizes.
pub const ALERT_PAGE_SIZES: [i64; 3] = [25, 50, 100];

/// Someone an alert can be assigned to: a person who may see the tenant's alerts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Assignee {
    pub id: crate::UserId,
    pub name: String,
    pub email: String,
    /// "MSP Admin", "Technician" or the tenant role's name.
    pub acting_as: String,
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSummary {
    pub id: crate::AlertId,
    pub severity: Severity,
    pub status: AlertStatus,
    pub source: AlertSource,
    /// Who or what raised it: the API's `source`, the Autom's name, the limit's name.
    pub source_name: String,
    pub title: String,
    pub details: String,
    pub dedup_key: Option<String>,
    /// How many times it was raised (repeats with its deduplication key count here).
    pub count: i64,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub updated_at: i64,
    /// Who handles it, and their name.
    pub assignee_id: Option<crate::UserId>,
    pub assignee_name: Option<String>,
    /// For a failed run: the Autom and the run that raised it last (the run may be gone).
    pub autom_id: Option<crate::AutomId>,
    pub run_id: Option<crate::RunId>,
}

/// Who an alert list is filtered to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Nobody,
    Me,
    Person(crate::UserId),
}

/// Which alerts by status: the default is those still to handle (open and acknowledged).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusFilter {
    #[default]
    Unresolved,
    Is(AlertStatus),
    All,
}

/// What the alert list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertQuery {
    /// Matches the title or the source name (case-insensitive substring).
    pub search: String,
    pub severity: Option<Severity>,
    pub status: StatusFilter,
    pub source: Option<AlertSource>,
    pub assignee: AssigneeFilter,
    pub page: i64,
    pub per_page: i64,
}

/// One page of alerts, most severe and most recent first, with the tenant's open count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertPage {
    pub items: Vec<AlertSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Open alerts of the tenant (not acknowledged, not resolved), whatever the filter.
    pub open: i64,
}

/// A change to one or many alerts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertChange {
    Acknowledge,
    Resolve,
    Reopen,
    /// Assign to this person, or (None) to nobody.
    Assign(Option<crate::UserId>),
}

impl AlertChange {
    /// What it does, for the audit log and messages.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledged",
            Self::Resolve => "resolved",
            Self::Reopen => "reopened",
            Self::Assign(Some(_)) => "assigned",
            Self::Assign(None) => "unassigned",
        }
    }
}

/// What a (bulk) change did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertChangeResult {
    /// The change asked for.
    pub change: AlertChange,
    /// Alerts it changed.
    pub changed: i64,
    /// Alerts already so (acknowledging a resolved alert, assigning to the same person).
    pub unchanged: i64,
    /// The tenant's open alerts after it.
    pub open: i64,
}

/// An alert as a key raises it (`POST /api/v1/alerts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertInput {
    pub severity: Severity,
    pub title: String,
    pub details: String,
    /// Who raises it, e.g. "backup-monitor".
    pub source: String,
    /// A repeat with the same key while the alert is not resolved counts on it.
    pub dedup_key: Option<String>,
}
