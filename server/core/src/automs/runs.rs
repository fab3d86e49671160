//! Runs and the job queue (DESIGN §4): every trigger queues a run; a runner (a tenant API
//! key with `runs:write`) claims the oldest queued run of its tenant under a lease, keeps it
//! by heartbeating, appends log lines and completes it.
//!
//! - Claiming is one atomic step: on PostgreSQL the row is locked with `FOR UPDATE SKIP
//!   LOCKED`, so many runners and many server processes share one queue without waiting on
//!   each other; on SQLite the write transaction holds the database's one write lock.
//! - A lease that is not renewed within [`LEASE_MS`] is lost: the run is queued again as a
//!   new attempt, and after [`MAX_ATTEMPTS`] it fails with "runner lost". Leases are checked
//!   whenever the tenant's queue is claimed from, and by the scheduler.
//! - Only the key holding a run may renew, log to or complete it, and only once: a second
//!   completion, or one from another key, changes nothing and says why.

use super::{automs, definition, not_found as autom_not_found};
use crate::{
    access::{TenantKey, TenantTx},
    caller::{Caller, KeyCaller, SystemTask},
    clock::now_ms,
    db::{internal, Backend, DbResultExt as _},
    Hub, Principal,
};
use hub_model::{
    api_keys::ApiScope,
    audit::AuditAction,
    automs::{RunDetail, RunLogLine, RunPage, RunStatus, RunSummary, RunTrigger},
    permissions::Action,
    AutomId, HubError, HubResult, RunId, TenantId,
};
use serde_json::Value;
use uuid::Uuid;

/// How long a claim holds without a heartbeat.
pub const LEASE_MS: i64 = 60_000;
/// How many times a run is handed out before it fails as "runner lost".
pub const MAX_ATTEMPTS: i64 = 3;
/// A run's log keeps at most this many lines …
pub const LOG_MAX_LINES: i64 = 2_000;
/// … and this many bytes; later lines are dropped and the run says so.
pub const LOG_MAX_BYTES: i64 = 256 * 1024;
/// A longer line is cut to this many bytes.
pub const LOG_LINE_MAX_BYTES: usize = 4 * 1024;
/// An Autom with this many runs waiting for a runner queues no more (a webhook flood or a
/// forgotten "Run now" loop cannot fill the database while no runner is there).
pub const MAX_QUEUED_PER_AUTOM: i64 = 100;
/// The largest run input accepted, in bytes of JSON.
pub const INPUT_MAX_BYTES: usize = 64 * 1024;

/// A run handed to a runner.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedRun {
    pub id: RunId,
    pub autom_id: AutomId,
    pub autom_name: String,
    pub attempt: i64,
    pub lease_expires_at: i64,
    /// The checked definition, as JSON.
    pub definition: Value,
    pub input: Value,
}

/// How a runner says a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    TimedOut,
}

impl Outcome {
    fn status(self) -> RunStatus {
        match self {
            Self::Succeeded => RunStatus::Succeeded,
            Self::Failed => RunStatus::Failed,
            Self::TimedOut => RunStatus::TimedOut,
        }
    }

    /// From the API's word for it.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "succeeded" => Some(Self::Succeeded),
            "failed" => Some(Self::Failed),
            "timed_out" => Some(Self::TimedOut),
            _ => None,
        }
    }
}

/// A run a runner executed on its own, reported after the fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub autom: AutomId,
    /// The runner's own key for this run: a retried report with the same key is the same run.
    pub idempotency_key: String,
    pub outcome: Outcome,
    pub started_at: i64,
    pub finished_at: i64,
    pub error: Option<String>,
    pub log: Vec<String>,
}

/// The longest idempotency key accepted.
pub const IDEMPOTENCY_KEY_MAX: usize = 200;

/// What a heartbeat learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    pub lease_expires_at: i64,
}

/// What the run history asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunQuery {
    pub autom: Option<AutomId>,
    pub status: Option<RunStatus>,
    pub trigger: Option<RunTrigger>,
    /// Queued at or after (ms).
    pub since: Option<i64>,
    /// Queued before (ms).
    pub until: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

const RUN_COLUMNS: &str = "r.id, r.autom_id, a.name AS autom_name, r.status, r.trigger_kind, \
     r.attempt, r.queued_at, r.started_at, r.finished_at, r.runner_name, r.error";

#[derive(sqlx::FromRow)]
struct RunRow {
    id: String,
    autom_id: String,
    autom_name: String,
    status: String,
    trigger_kind: String,
    attempt: i64,
    queued_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    runner_name: Option<String>,
    error: Option<String>,
}

impl RunRow {
    fn summary(self) -> HubResult<RunSummary> {
        let bad = |what: &str| internal(&format!("run row: {what}"));
        Ok(RunSummary {
            id: RunId::parse(&self.id).ok_or_else(|| bad("id"))?,
            autom_id: AutomId::parse(&self.autom_id).ok_or_else(|| bad("autom id"))?,
            autom_name: self.autom_name,
            status: RunStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            trigger: RunTrigger::parse(&self.trigger_kind).ok_or_else(|| bad("trigger"))?,
            attempt: self.attempt,
            queued_at: self.queued_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
            duration_ms: self.started_at.zip(self.finished_at).map(|(s, f)| f - s),
            runner: self.runner_name,
            error: self.error,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    status: String,
    runner_key_id: Option<String>,
    lease_expires_at: Option<i64>,
    log_lines: i64,
    log_bytes: i64,
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: String,
    autom_id: String,
    name: String,
    attempt: i64,
    definition: String,
    input: String,
}

fn run_not_found() -> HubError {
    HubError::not_found("The run")
}

fn conflict(message: impl Into<String>) -> HubError {
    HubError::Conflict {
        message: message.into(),
    }
}

/// Reads a run input: a JSON object (none: `{}`), within [`INPUT_MAX_BYTES`].
pub fn check_input(text: Option<&str>) -> HubResult<String> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("{}");
    if text.len() > INPUT_MAX_BYTES {
        return Err(HubError::invalid(
            "input",
            format!("The input is larger than {} KB.", INPUT_MAX_BYTES / 1024),
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(value.to_string()),
        Ok(_) => Err(HubError::invalid(
            "input",
            "The input must be a JSON object.",
        )),
        Err(e) => Err(HubError::invalid(
            "input",
            format!("The input is not valid JSON: {e}."),
        )),
    }
}

/// Queues a run of Autom `autom` in the scope's tenant.
pub(crate) async fn queue(
    scope: &mut TenantTx,
    autom: AutomId,
    trigger: RunTrigger,
    input: &str,
    scheduled_for: Option<i64>,
    requested_by: Option<String>,
) -> HubResult<RunId> {
    if !scope.context().active {
        return Err(HubError::TenantDeactivated);
    }
    let id = Uuid::new_v4();
    let key = scope.tenant_key();
    // Lock the Autom's row first: concurrent queuers of one Autom take turns, so the count
    // below and the cap hold exactly (on PostgreSQL too, where reads do not wait otherwise).
    sqlx::query("UPDATE automs SET updated_at = updated_at WHERE tenant_id = $1 AND id = $2")
        .bind(&key)
        .bind(autom.to_string())
        .execute(scope.conn())
        .await
        .db()?;
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM autom_runs WHERE tenant_id = $1 AND autom_id = $2 AND status = 'queued'",
    )
    .bind(&key)
    .bind(autom.to_string())
    .fetch_one(scope.conn())
    .await
    .db()?;
    if waiting >= MAX_QUEUED_PER_AUTOM {
        return Err(conflict(format!(
            "This Autom already has {waiting} runs waiting for a runner; no more are queued until a runner takes them. Check that a runner with a key of this tenant is running."
        )));
    }
    sqlx::query(
        "INSERT INTO autom_runs (id, tenant_id, autom_id, trigger_kind, status, input, queued_at, \
         scheduled_for, requested_by) VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(&key)
    .bind(autom.to_string())
    .bind(trigger.as_str())
    .bind(input)
    .bind(now_ms())
    .bind(scheduled_for)
    .bind(requested_by)
    .execute(scope.conn())
    .await
    .db()?;
    Ok(RunId(id))
}

/// Hands the lost leases of the scope's tenant back to the queue (a new attempt), or fails
/// them as "runner lost" after [`MAX_ATTEMPTS`]. Returns how many were lost.
pub(crate) async fn reap_lost(scope: &mut TenantTx, now: i64) -> HubResult<u64> {
    let key = scope.tenant_key();
    let lost: Vec<String> = sqlx::query_scalar(
        "UPDATE autom_runs SET status = 'failed', error = 'runner lost', finished_at = $2, \
         lease_expires_at = NULL \
         WHERE tenant_id = $1 AND status = 'running' AND lease_expires_at < $2 AND attempt >= $3 \
         RETURNING id",
    )
    .bind(&key)
    .bind(now)
    .bind(MAX_ATTEMPTS)
    .fetch_all(scope.conn())
    .await
    .db()?;
    let failed = lost.len() as u64;
    for id in lost.iter().filter_map(|id| RunId::parse(id)) {
        if let Some(run) = run_in(scope, id).await? {
            crate::alerts::raise_for_run(scope, &run).await?;
        }
    }
    let requeued = sqlx::query(
        "UPDATE autom_runs SET status = 'queued', lease_expires_at = NULL, started_at = NULL \
         WHERE tenant_id = $1 AND status = 'running' AND lease_expires_at < $2",
    )
    .bind(&key)
    .bind(now)
    .execute(scope.conn())
    .await
    .db()?
    .rows_affected();
    Ok(failed + requeued)
}

impl Hub {
    /// Enters the tenant of the calling key for a runner operation: needs `runs:write`.
    async fn runner_scope(&self, key: &KeyCaller, action: AuditAction) -> HubResult<TenantTx> {
        self.tenant_tx_for_key(Caller::ApiKey(key.clone()), key.tenant, action)
            .await?
            .require_scope(self, action, ApiScope::RunsWrite)
            .await
    }

    /// Refuses a runner request naming an unreadable run id as if it named a missing run,
    /// after checking the key exactly as the operation would (audited like every refusal).
    pub async fn refuse_unknown_run(&self, key: &KeyCaller, action: AuditAction) -> HubError {
        self.refuse_unknown_for_runner(key, action, "The run").await
    }

    /// [`Hub::refuse_unknown_run`] for anything a runner names (`what`: "The Autom").
    pub async fn refuse_unknown_for_runner(
        &self,
        key: &KeyCaller,
        action: AuditAction,
        what: &str,
    ) -> HubError {
        match self.runner_scope(key, action).await {
            Ok(scope) => scope.deny(self, action, HubError::not_found(what)).await,
            Err(error) => error,
        }
    }

    /// "Run now": queues a run of an enabled Autom with `input` (a JSON object, or none).
    pub async fn run_autom(
        &self,
        principal: &Principal,
        slug: &str,
        id: AutomId,
        input: Option<&str>,
    ) -> HubResult<RunSummary> {
        let action = AuditAction::AutomRun;
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                action,
                automs(Action::Run),
            )
            .await?;
        let Some(summary) = super::summary_in(&mut scope, id).await? else {
            return Err(scope.deny(self, action, autom_not_found()).await);
        };
        let input = check_input(input)?;
        if !summary.enabled {
            return Err(HubError::invalid(
                "enabled",
                format!("{} is disabled. Enable it to run it.", summary.name),
            ));
        }
        let run = queue(
            &mut scope,
            id,
            RunTrigger::Manual,
            &input,
            None,
            Some(principal.user_id.to_string()),
        )
        .await?;
        scope
            .record(action, &summary.name, format!("run {run}"))
            .await?;
        let summary = run_in(&mut scope, run).await?.ok_or_else(run_not_found)?;
        scope.commit().await?;
        Ok(summary)
    }

    /// A request to an Autom's secret webhook address queues a run of it with the request's
    /// body (a JSON object, or nothing) as the input. An unknown or malformed token is
    /// "not found"; a disabled Autom queues nothing and says so.
    pub async fn queue_webhook_run(&self, token: &str, body: &[u8]) -> HubResult<RunSummary> {
        const WEBHOOK: SystemTask = SystemTask::new("webhook: queue a run");
        let not_found = || HubError::not_found("This webhook address");
        if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(not_found());
        }
        #[derive(sqlx::FromRow)]
        struct Hook {
            id: String,
            tenant_id: String,
            name: String,
            enabled: i64,
        }
        let mut scope = self.read_scope(Caller::System(WEBHOOK)).await?;
        let hook: Option<Hook> = sqlx::query_as(
            "SELECT id, tenant_id, name, enabled FROM automs \
             WHERE webhook_token = $1 AND trigger_kind = 'webhook'",
        )
        .bind(token)
        .fetch_optional(scope.conn())
        .await
        .db()?;
        scope.finish().await?;
        let hook = hook.ok_or_else(not_found)?;
        if hook.enabled != 1 {
            return Err(conflict(format!(
                "{} is disabled; the request queued nothing.",
                hook.name
            )));
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| HubError::invalid("input", "The body must be JSON (UTF-8)."))?;
        let input = check_input(Some(text))?;
        let (Some(tenant), Some(autom)) =
            (TenantId::parse(&hook.tenant_id), AutomId::parse(&hook.id))
        else {
            return Err(internal(&"webhook autom ids"));
        };
        let action = AuditAction::RunWebhook;
        let mut scope = self
            .tenant_tx_for_key(Caller::System(WEBHOOK), tenant, action)
            .await?;
        let run = queue(&mut scope, autom, RunTrigger::Webhook, &input, None, None).await?;
        scope
            .record(action, &hook.name, format!("run {run}"))
            .await?;
        let summary = run_in(&mut scope, run).await?.ok_or_else(run_not_found)?;
        scope.commit().await?;
        Ok(summary)
    }

    /// One page of the tenant's runs, newest first.
    pub async fn runs(
        &self,
        principal: &Principal,
        slug: &str,
        query: &RunQuery,
    ) -> HubResult<RunPage> {
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                AuditAction::RunList,
                automs(Action::View),
            )
            .await?;
        // A filter naming an Autom this tenant does not have is refused like the Autom.
        if let Some(autom) = query.autom {
            if super::summary_in(&mut scope, autom).await?.is_none() {
                return Err(scope
                    .deny(self, AuditAction::RunList, autom_not_found())
                    .await);
            }
        }
        let key = scope.tenant_key();
        let per_page = if query.per_page <= 0 {
            25
        } else {
            query.per_page.min(100)
        };
        let page = query.page.max(1);
        let filter = "r.tenant_id = $1 AND ($2 = '' OR r.autom_id = $2) \
             AND ($3 = '' OR r.status = $3) AND ($4 = '' OR r.trigger_kind = $4) \
             AND r.queued_at >= $5 AND r.queued_at < $6";
        let autom = query.autom.map(|a| a.to_string()).unwrap_or_default();
        let status = query.status.map(RunStatus::as_str).unwrap_or("");
        let trigger = query.trigger.map(RunTrigger::as_str).unwrap_or("");
        let since = query.since.unwrap_or(0);
        let until = query.until.unwrap_or(i64::MAX);
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM autom_runs r WHERE {filter}"))
                .bind(&key)
                .bind(&autom)
                .bind(status)
                .bind(trigger)
                .bind(since)
                .bind(until)
                .fetch_one(scope.conn())
                .await
                .db()?;
        let rows: Vec<RunRow> = sqlx::query_as(&format!(
            "SELECT {RUN_COLUMNS} FROM autom_runs r JOIN automs a \
             ON a.tenant_id = r.tenant_id AND a.id = r.autom_id WHERE {filter} \
             ORDER BY r.queued_at DESC, r.id DESC LIMIT $7 OFFSET $8"
        ))
        .bind(&key)
        .bind(&autom)
        .bind(status)
        .bind(trigger)
        .bind(since)
        .bind(until)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(scope.conn())
        .await
        .db()?;
        scope.commit().await?;
        Ok(RunPage {
            items: rows
                .into_iter()
                .map(RunRow::summary)
                .collect::<HubResult<_>>()?,
            total,
            page,
            per_page,
        })
    }

    /// One run with its input and log.
    pub async fn run(&self, principal: &Principal, slug: &str, id: RunId) -> HubResult<RunDetail> {
        let action = AuditAction::RunView;
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                action,
                automs(Action::View),
            )
            .await?;
        let Some(summary) = run_in(&mut scope, id).await? else {
            return Err(scope.deny(self, action, run_not_found()).await);
        };
        let key = scope.tenant_key();
        #[derive(sqlx::FromRow)]
        struct Extra {
            input: String,
            log_truncated: i64,
        }
        let extra: Extra = sqlx::query_as(
            "SELECT input, log_truncated FROM autom_runs WHERE tenant_id = $1 AND id = $2",
        )
        .bind(&key)
        .bind(id.to_string())
        .fetch_one(scope.conn())
        .await
        .db()?;
        #[derive(sqlx::FromRow)]
        struct Line {
            at: i64,
            line: String,
        }
        let lines: Vec<Line> = sqlx::query_as(
            "SELECT at, line FROM autom_run_log WHERE tenant_id = $1 AND run_id = $2 ORDER BY seq",
        )
        .bind(&key)
        .bind(id.to_string())
        .fetch_all(scope.conn())
        .await
        .db()?;
        scope.commit().await?;
        Ok(RunDetail {
            summary,
            input: extra.input,
            log: lines
                .into_iter()
                .map(|l| RunLogLine {
                    at: l.at,
                    line: l.line,
                })
                .collect(),
            log_truncated: extra.log_truncated == 1,
        })
    }

    /// Cancels a queued or running run; a runner holding it learns on its next call.
    pub async fn cancel_run(
        &self,
        principal: &Principal,
        slug: &str,
        id: RunId,
    ) -> HubResult<RunSummary> {
        let action = AuditAction::RunCancel;
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                action,
                automs(Action::Run),
            )
            .await?;
        let Some(before) = run_in(&mut scope, id).await? else {
            return Err(scope.deny(self, action, run_not_found()).await);
        };
        if before.status.is_final() {
            return Err(conflict(format!(
                "This run already ended ({}); there is nothing to cancel.",
                before.status.label().to_lowercase()
            )));
        }
        let key = scope.tenant_key();
        sqlx::query(
            "UPDATE autom_runs SET status = 'cancelled', finished_at = $3, lease_expires_at = NULL, \
             error = 'cancelled by ' || $4 \
             WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')",
        )
        .bind(&key)
        .bind(id.to_string())
        .bind(now_ms())
        .bind(principal.display_name.clone())
        .execute(scope.conn())
        .await
        .db()?;
        scope
            .record(action, &before.autom_name, format!("run {id}"))
            .await?;
        let summary = run_in(&mut scope, id).await?.ok_or_else(run_not_found)?;
        scope.commit().await?;
        Ok(summary)
    }

    /// A runner claims the oldest queued run of its key's tenant, if there is one.
    pub async fn claim_run(&self, key: &KeyCaller) -> HubResult<Option<ClaimedRun>> {
        let action = AuditAction::RunClaim;
        let mut scope = self.runner_scope(key, action).await?;
        let now = now_ms();
        reap_lost(&mut scope, now).await?;
        let tenant = scope.tenant_key();
        let lock = match self.db().backend() {
            Backend::Postgres => " FOR UPDATE OF r SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let row: Option<ClaimRow> = sqlx::query_as(&format!(
            "SELECT r.id, r.autom_id, a.name, r.attempt, a.definition, r.input \
             FROM autom_runs r JOIN automs a ON a.tenant_id = r.tenant_id AND a.id = r.autom_id \
             WHERE r.tenant_id = $1 AND r.status = 'queued' \
             ORDER BY r.queued_at, r.id LIMIT 1{lock}"
        ))
        .bind(&tenant)
        .fetch_optional(scope.conn())
        .await
        .db()?;
        let Some(row) = row else {
            scope.commit().await?;
            return Ok(None);
        };
        let lease = now + LEASE_MS;
        let claimed = sqlx::query(
            "UPDATE autom_runs SET status = 'running', attempt = attempt + 1, \
             started_at = COALESCE(started_at, $3), runner_key_id = $4, runner_name = $5, \
             lease_expires_at = $6 WHERE tenant_id = $1 AND id = $2 AND status = 'queued'",
        )
        .bind(&tenant)
        .bind(&row.id)
        .bind(now)
        .bind(key.id.to_string())
        .bind(&key.name)
        .bind(lease)
        .execute(scope.conn())
        .await
        .db()?
        .rows_affected();
        if claimed != 1 {
            scope.commit().await?;
            return Ok(None);
        }
        let bad = |what: &str| internal(&format!("claimed run: {what}"));
        let definition: Value = serde_json::from_str(&row.definition).map_err(|e| internal(&e))?;
        // Stored definitions were checked when saved; a runner never gets an unreadable one.
        definition::from_value(&definition)?;
        let claimed = ClaimedRun {
            id: RunId::parse(&row.id).ok_or_else(|| bad("id"))?,
            autom_id: AutomId::parse(&row.autom_id).ok_or_else(|| bad("autom id"))?,
            autom_name: row.name,
            attempt: row.attempt + 1,
            lease_expires_at: lease,
            definition,
            input: serde_json::from_str(&row.input).map_err(|e| internal(&e))?,
        };
        scope
            .record(
                action,
                &claimed.autom_name,
                format!("run {} attempt {}", claimed.id, claimed.attempt),
            )
            .await?;
        scope.commit().await?;
        Ok(Some(claimed))
    }

    /// Checks that `key` holds run `id` now (running, its lease, not expired).
    async fn held(
        &self,
        scope: &mut TenantTx,
        key: &KeyCaller,
        id: RunId,
        now: i64,
    ) -> HubResult<HeldRow> {
        let tenant = scope.tenant_key();
        let row: Option<HeldRow> = sqlx::query_as(
            "SELECT status, runner_key_id, lease_expires_at, log_lines, log_bytes \
             FROM autom_runs WHERE tenant_id = $1 AND id = $2",
        )
        .bind(&tenant)
        .bind(id.to_string())
        .fetch_optional(scope.conn())
        .await
        .db()?;
        let row = row.ok_or_else(run_not_found)?;
        let status = RunStatus::parse(&row.status).ok_or_else(|| internal(&"run status"))?;
        let mine = row.runner_key_id.as_deref() == Some(key.id.to_string().as_str());
        match status {
            RunStatus::Running if mine && row.lease_expires_at.is_some_and(|l| l >= now) => Ok(row),
            RunStatus::Running if mine => Err(conflict(
                "The lease on this run expired; it was handed back to the queue. Claim again.",
            )),
            RunStatus::Queued | RunStatus::Running => {
                Err(conflict("This key does not hold this run."))
            }
            done => Err(conflict(format!(
                "This run already ended ({}); nothing was changed.",
                done.label().to_lowercase()
            ))),
        }
    }

    /// Renews the lease on a run the key holds.
    pub async fn heartbeat_run(&self, key: &KeyCaller, id: RunId) -> HubResult<Heartbeat> {
        let action = AuditAction::RunHeartbeat;
        let mut scope = self.runner_scope(key, action).await?;
        let now = now_ms();
        if let Err(error) = self.held(&mut scope, key, id, now).await {
            return Err(scope.deny(self, action, error).await);
        }
        let lease = now + LEASE_MS;
        sqlx::query("UPDATE autom_runs SET lease_expires_at = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(scope.tenant_key())
            .bind(id.to_string())
            .bind(lease)
            .execute(scope.conn())
            .await
            .db()?;
        scope.commit().await?;
        Ok(Heartbeat {
            lease_expires_at: lease,
        })
    }

    /// Appends lines to the log of a run the key holds (also renewing its lease). Lines past
    /// the log's limits are dropped and the run marked as truncated; returns how many were kept.
    pub async fn append_run_log(
        &self,
        key: &KeyCaller,
        id: RunId,
        lines: &[String],
    ) -> HubResult<usize> {
        let action = AuditAction::RunLog;
        let mut scope = self.runner_scope(key, action).await?;
        let now = now_ms();
        let held = match self.held(&mut scope, key, id, now).await {
            Ok(held) => held,
            Err(error) => return Err(scope.deny(self, action, error).await),
        };
        let tenant = scope.tenant_key();
        let written = append_lines(
            scope.conn(),
            &tenant,
            id,
            (held.log_lines, held.log_bytes),
            lines,
            now,
        )
        .await?;
        let (count, bytes, kept, truncated) = (
            written.lines,
            written.bytes,
            written.kept,
            written.truncated,
        );
        sqlx::query(
            "UPDATE autom_runs SET log_lines = $3, log_bytes = $4, lease_expires_at = $5, \
             log_truncated = CASE WHEN $6 = 1 THEN 1 ELSE log_truncated END \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(&tenant)
        .bind(id.to_string())
        .bind(count)
        .bind(bytes)
        .bind(now + LEASE_MS)
        .bind(i64::from(truncated))
        .execute(scope.conn())
        .await
        .db()?;
        scope.commit().await?;
        Ok(kept)
    }

    /// Ends a run the key holds.
    pub async fn complete_run(
        &self,
        key: &KeyCaller,
        id: RunId,
        outcome: Outcome,
        error: Option<&str>,
    ) -> HubResult<RunSummary> {
        let action = AuditAction::RunComplete;
        let mut scope = self.runner_scope(key, action).await?;
        let now = now_ms();
        if let Err(refusal) = self.held(&mut scope, key, id, now).await {
            return Err(scope.deny(self, action, refusal).await);
        }
        let error = match outcome {
            Outcome::Succeeded => None,
            Outcome::Failed | Outcome::TimedOut => Some(
                error
                    .map(crate::validate::printable)
                    .as_deref()
                    .map(|e| cut(e.trim(), LOG_LINE_MAX_BYTES))
                    .filter(|e| !e.is_empty())
                    .unwrap_or(match outcome {
                        Outcome::TimedOut => "timed out",
                        _ => "failed",
                    })
                    .to_owned(),
            ),
        };
        sqlx::query(
            "UPDATE autom_runs SET status = $3, finished_at = $4, error = $5, lease_expires_at = NULL \
             WHERE tenant_id = $1 AND id = $2 AND status = 'running'",
        )
        .bind(scope.tenant_key())
        .bind(id.to_string())
        .bind(outcome.status().as_str())
        .bind(now)
        .bind(error)
        .execute(scope.conn())
        .await
        .db()?;
        let summary = run_in(&mut scope, id).await?.ok_or_else(run_not_found)?;
        scope
            .record(
                action,
                &summary.autom_name,
                format!("run {id} {}", outcome.status().as_str()),
            )
            .await?;
        crate::alerts::raise_for_run(&mut scope, &summary).await?;
        scope.commit().await?;
        Ok(summary)
    }
}

impl Hub {
    /// Records a run the key's runner executed on its own. A retried report (the same
    /// idempotency key for the same Autom) returns the run recorded the first time and
    /// changes nothing; `created` says which.
    pub async fn report_run(
        &self,
        key: &KeyCaller,
        report: &Report,
    ) -> HubResult<(RunSummary, bool)> {
        let action = AuditAction::RunReport;
        let mut scope = self.runner_scope(key, action).await?;
        let Some(autom) = super::summary_in(&mut scope, report.autom).await? else {
            return Err(scope.deny(self, action, autom_not_found()).await);
        };
        let idempotency = report.idempotency_key.trim();
        if idempotency.is_empty()
            || idempotency.len() > IDEMPOTENCY_KEY_MAX
            || idempotency.chars().any(char::is_control)
        {
            return Err(HubError::invalid(
                "idempotency_key",
                format!(
                    "The idempotency key must be 1 to {IDEMPOTENCY_KEY_MAX} printable characters."
                ),
            ));
        }
        let now = now_ms();
        if report.started_at > report.finished_at
            || report.finished_at > now + 300_000
            || report.started_at <= 0
        {
            return Err(HubError::invalid(
                "finished_at",
                "The run must finish after it started, and not in the future.",
            ));
        }
        let tenant = scope.tenant_key();
        #[derive(sqlx::FromRow)]
        struct Earlier {
            id: String,
            autom_id: String,
        }
        let earlier: Option<Earlier> = sqlx::query_as(
            "SELECT id, autom_id FROM autom_runs WHERE tenant_id = $1 AND idempotency_key = $2",
        )
        .bind(&tenant)
        .bind(idempotency)
        .fetch_optional(scope.conn())
        .await
        .db()?;
        if let Some(earlier) = earlier {
            if earlier.autom_id != report.autom.to_string() {
                return Err(conflict(
                    "This idempotency key was already used for a run of another Autom.",
                ));
            }
            let id = RunId::parse(&earlier.id).ok_or_else(|| internal(&"run id"))?;
            let summary = run_in(&mut scope, id).await?.ok_or_else(run_not_found)?;
            scope.commit().await?;
            return Ok((summary, false));
        }
        let id = Uuid::new_v4();
        let error = match report.outcome {
            Outcome::Succeeded => None,
            _ => Some(
                report
                    .error
                    .as_deref()
                    .map(crate::validate::printable)
                    .map(|e| cut(e.trim(), LOG_LINE_MAX_BYTES).to_owned())
                    .filter(|e| !e.is_empty())
                    .unwrap_or_else(|| "failed".to_owned()),
            ),
        };
        let inserted = sqlx::query(
            "INSERT INTO autom_runs (id, tenant_id, autom_id, trigger_kind, status, attempt, input, \
             queued_at, started_at, finished_at, runner_key_id, runner_name, error, idempotency_key) \
             VALUES ($1, $2, $3, 'reported', $4, 1, '{}', $5, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(&tenant)
        .bind(report.autom.to_string())
        .bind(report.outcome.status().as_str())
        .bind(report.started_at)
        .bind(report.finished_at)
        .bind(key.id.to_string())
        .bind(&key.name)
        .bind(error)
        .bind(idempotency)
        .execute(scope.conn())
        .await;
        if let Err(e) = inserted {
            // Two copies of one report at once: the other one recorded it.
            if crate::db::is_unique_violation(&e) {
                drop(scope);
                return Box::pin(self.report_run(key, report)).await;
            }
            return Err(internal(&e));
        }
        let written = append_lines(
            scope.conn(),
            &tenant,
            RunId(id),
            (0, 0),
            &report.log,
            report.finished_at,
        )
        .await?;
        let (count, bytes, truncated) = (written.lines, written.bytes, written.truncated);
        sqlx::query(
            "UPDATE autom_runs SET log_lines = $3, log_bytes = $4, log_truncated = $5 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(&tenant)
        .bind(id.to_string())
        .bind(count)
        .bind(bytes)
        .bind(i64::from(truncated))
        .execute(scope.conn())
        .await
        .db()?;
        scope
            .record(
                action,
                &autom.name,
                format!("run {id} reported {}", report.outcome.status().as_str()),
            )
            .await?;
        let summary = run_in(&mut scope, RunId(id))
            .await?
            .ok_or_else(run_not_found)?;
        crate::alerts::raise_for_run(&mut scope, &summary).await?;
        scope.commit().await?;
        Ok((summary, true))
    }
}

/// What appending to a run's log did.
struct Appended {
    /// The log's lines and bytes after it.
    lines: i64,
    bytes: i64,
    /// Lines kept of those given.
    kept: usize,
    /// Whether lines were dropped at the log's limits.
    truncated: bool,
}

/// Appends `lines` (each cut at [`LOG_LINE_MAX_BYTES`]) to run `run`'s log, which holds
/// `(lines, bytes)` already, until [`LOG_MAX_LINES`] or [`LOG_MAX_BYTES`]; the rest is dropped.
async fn append_lines(
    conn: &mut sqlx::AnyConnection,
    tenant: &str,
    run: RunId,
    (mut count, mut bytes): (i64, i64),
    lines: &[String],
    at: i64,
) -> HubResult<Appended> {
    let mut kept = 0;
    for line in lines {
        let line = crate::validate::printable(line);
        let line = cut(&line, LOG_LINE_MAX_BYTES);
        let size = i64::try_from(line.len()).unwrap_or(i64::MAX);
        if count >= LOG_MAX_LINES || bytes.saturating_add(size) > LOG_MAX_BYTES {
            break;
        }
        sqlx::query(
            "INSERT INTO autom_run_log (run_id, tenant_id, seq, at, line) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(run.to_string())
        .bind(tenant)
        .bind(count)
        .bind(at)
        .bind(line)
        .execute(&mut *conn)
        .await
        .db()?;
        count += 1;
        bytes += size;
        kept += 1;
    }
    Ok(Appended {
        lines: count,
        bytes,
        kept,
        truncated: kept < lines.len(),
    })
}

/// `text` cut to at most `max` bytes at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Reads one run of the scope's tenant.
pub(crate) async fn run_in(scope: &mut TenantTx, id: RunId) -> HubResult<Option<RunSummary>> {
    let key = scope.tenant_key();
    let row: Option<RunRow> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM autom_runs r JOIN automs a \
         ON a.tenant_id = r.tenant_id AND a.id = r.autom_id WHERE r.tenant_id = $1 AND r.id = $2"
    ))
    .bind(&key)
    .bind(id.to_string())
    .fetch_optional(scope.conn())
    .await
    .db()?;
    row.map(RunRow::summary).transpose()
}
