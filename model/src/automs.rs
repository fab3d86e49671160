//! Automs (DESIGN §4): a tenant's automations. Each has a trigger (by hand, on a schedule or
//! by a webhook) and a definition, a JSON document of steps that the tenant's automation
//! runners execute. Every trigger queues a run; one runner claims it.

use crate::{alerts::Severity, AutomId, RunId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest Autom name accepted.
pub const NAME_MAX_CHARS: usize = 120;
/// The longest description accepted.
pub const DESCRIPTION_MAX_CHARS: usize = 2_000;
/// The largest definition accepted, in bytes of JSON.
pub const DEFINITION_MAX_BYTES: usize = 64 * 1024;
/// Page sizes the Automs page offers.
pub const AUTOM_PAGE_SIZES: [i64; 3] = [25, 50, 100];

/// How an Autom is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    /// Only by hand ("Run now").
    Manual,
    /// On a cron schedule in a time zone.
    Schedule,
    /// By a request to its secret webhook address.
    Webhook,
}

impl TriggerKind {
    pub const ALL: [Self; 3] = [Self::Manual, Self::Schedule, Self::Webhook];

    /// The stored and URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Schedule => "schedule",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Manual => "Manual",
            Self::Schedule => "Schedule",
            Self::Webhook => "Webhook",
        }
    }
}

/// An Autom's trigger. Every Autom can also be started by hand by those allowed to run it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    Manual,
    /// A five-field cron expression (minute hour day-of-month month day-of-week), evaluated
    /// in an IANA time zone ("Europe/Berlin", "UTC").
    Schedule {
        cron: String,
        timezone: String,
    },
    Webhook,
}

impl Trigger {
    pub fn kind(&self) -> TriggerKind {
        match self {
            Self::Manual => TriggerKind::Manual,
            Self::Schedule { .. } => TriggerKind::Schedule,
            Self::Webhook => TriggerKind::Webhook,
        }
    }
}

/// What creating or editing an Autom sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomInput {
    pub name: String,
    pub description: String,
    pub trigger: Trigger,
    /// The definition as JSON text (checked on the server; errors name the path).
    pub definition: String,
    /// Raise an alert of this severity when a run fails; none: no alert.
    pub alert_on_failure: Option<Severity>,
}

/// The latest run of an Autom, for its row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunBrief {
    pub id: RunId,
    pub status: RunStatus,
    /// When it finished, else when it started, else when it was queued (ms).
    pub at: i64,
}

/// One Autom as lists and its page show it (the webhook secret is never in it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomSummary {
    pub id: AutomId,
    pub name: String,
    pub description: String,
    pub trigger: Trigger,
    pub enabled: bool,
    pub alert_on_failure: Option<Severity>,
    pub last_run: Option<RunBrief>,
    /// For an enabled schedule: when it runs next (ms).
    pub next_run_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One Autom with its definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomDetail {
    pub summary: AutomSummary,
    /// The definition, pretty-printed JSON.
    pub definition: String,
    /// How many runs it has (they are deleted with it).
    pub runs: i64,
}

/// What the Automs list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomQuery {
    /// Matches the name (case-insensitive substring).
    pub search: String,
    pub trigger: Option<TriggerKind>,
    pub enabled: Option<bool>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of Automs, with the tenant's Autom limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomPage {
    pub items: Vec<AutomSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub used: i64,
    pub limit: i64,
}

/// Where a run is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}

impl RunStatus {
    pub const ALL: [Self; 6] = [
        Self::Queued,
        Self::Running,
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
        Self::TimedOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::TimedOut => "timed_out",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
            Self::TimedOut => "Timed out",
        }
    }

    /// Whether the run has ended (nothing changes it any more).
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What queued a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunTrigger {
    /// "Run now".
    Manual,
    Schedule,
    Webhook,
    /// A runner ran it on its own and reported it.
    Reported,
}

impl RunTrigger {
    pub const ALL: [Self; 4] = [Self::Manual, Self::Schedule, Self::Webhook, Self::Reported];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Schedule => "schedule",
            Self::Webhook => "webhook",
            Self::Reported => "reported",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Manual => "Run now",
            Self::Schedule => "Schedule",
            Self::Webhook => "Webhook",
            Self::Reported => "Reported by a runner",
        }
    }
}

/// One run, as history lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: RunId,
    pub autom_id: AutomId,
    pub autom_name: String,
    pub status: RunStatus,
    pub trigger: RunTrigger,
    /// 1 for the first claim; a run re-queued after its runner was lost counts up.
    pub attempt: i64,
    pub queued_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub duration_ms: Option<i64>,
    /// The name of the API key of the runner that ran it (last claimed it).
    pub runner: Option<String>,
    pub error: Option<String>,
}

/// One page of runs, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPage {
    pub items: Vec<RunSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// One line of a run's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunLogLine {
    pub at: i64,
    pub line: String,
}

/// One run with its input and log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDetail {
    pub summary: RunSummary,
    /// The run's input, JSON.
    pub input: String,
    pub log: Vec<RunLogLine>,
    /// Whether lines were left out because the log reached its size limit.
    pub log_truncated: bool,
}

/// A schedule as the editor previews it while it is typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulePreview {
    /// The schedule in words.
    pub description: String,
    /// The next runs (ms since the epoch).
    pub next: Vec<i64>,
    /// The same, as the schedule's time zone shows them.
    pub next_local: Vec<String>,
}
