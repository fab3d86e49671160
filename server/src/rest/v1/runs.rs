//! The runner's half of the job queue (tenant API key with `runs:write`): claim the next
//! queued run of the key's tenant (long-poll), renew the lease, append log lines, complete.
//! Every answer about a run the key does not hold, or one that already ended, is a 409
//! problem that changes nothing.

use super::{problem_response, ApiKey, Problem};
use crate::state::AppState;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse as _, Response},
    Json,
};
use hub_core::{
    automs::runs::{ClaimedRun, Outcome, LEASE_MS},
    HubError,
};
use hub_model::{audit::AuditAction, RunId};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest a claim waits for a run to be queued.
pub const MAX_WAIT_SECS: u64 = 30;
/// How often a waiting claim looks again.
const POLL_EVERY: Duration = Duration::from_millis(250);

/// A claim's options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimParams {
    /// Seconds to wait for a run when none is queued (0 to 30; default 0: answer at once).
    #[serde(default)]
    pub wait: Option<u64>,
}

/// A run handed to the runner. Keep it by heartbeating before `lease_expires_at`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Claim {
    /// The run's id (a UUID).
    pub run_id: String,
    pub autom_id: String,
    pub autom_name: String,
    /// 1 for the first claim; more when a runner before lost it.
    pub attempt: i64,
    /// When the lease ends without a heartbeat (ms since the Unix epoch).
    pub lease_expires_at: i64,
    /// How long a lease lasts, in milliseconds.
    pub lease_ms: i64,
    /// The Autom's definition (see `/api/v1/schemas/autom-definition.json`).
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
    /// The run's input (a JSON object).
    #[schema(value_type = Object)]
    pub input: serde_json::Value,
}

impl From<ClaimedRun> for Claim {
    fn from(run: ClaimedRun) -> Self {
        Self {
            run_id: run.id.to_string(),
            autom_id: run.autom_id.to_string(),
            autom_name: run.autom_name,
            attempt: run.attempt,
            lease_expires_at: run.lease_expires_at,
            lease_ms: LEASE_MS,
            definition: run.definition,
            input: run.input,
        }
    }
}

/// A renewed lease.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Lease {
    pub lease_expires_at: i64,
}

/// Log lines to append.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LogLines {
    /// One entry per line; each is cut at 4 KB, and the log keeps at most 2,000 lines and
    /// 256 KB (later lines are dropped and the run says so).
    pub lines: Vec<String>,
}

/// How many lines were kept.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogAppended {
    pub kept: usize,
}

/// How a run ended.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Completion {
    /// `succeeded`, `failed` or `timed_out`.
    pub status: String,
    /// What went wrong (for `failed` and `timed_out`).
    #[serde(default)]
    pub error: Option<String>,
}

/// A run as it ended.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunResult {
    pub run_id: String,
    /// `succeeded`, `failed`, `timed_out` (or `cancelled`).
    pub status: String,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub error: Option<String>,
}

/// Claims the oldest queued run of the key's tenant.
#[utoipa::path(
    post,
    path = "/runs/claim",
    tag = "runs",
    security(("api_key" = [])),
    params(ClaimParams),
    responses(
        (status = 200, description = "A run, now held by this key", body = Claim),
        (status = 204, description = "No run was queued (within the wait)"),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks `runs:write`, or its tenant is deactivated",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn claim(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    params: Result<Query<ClaimParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return problem_response(&HubError::invalid(
            "wait",
            "wait must be a whole number of seconds from 0 to 30.",
        ));
    };
    let wait = Duration::from_secs(params.wait.unwrap_or(0).min(MAX_WAIT_SECS));
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match state.hub.claim_run(&key).await {
            Ok(Some(run)) => return Json(Claim::from(run)).into_response(),
            Ok(None)
                if tokio::time::Instant::now() + POLL_EVERY <= deadline
                    && !state.draining.load(std::sync::atomic::Ordering::Relaxed) =>
            {
                tokio::time::sleep(POLL_EVERY).await;
            }
            Ok(None) => return StatusCode::NO_CONTENT.into_response(),
            Err(error) => return problem_response(&error),
        }
    }
}

/// Renews the lease on a run this key holds.
#[utoipa::path(
    post,
    path = "/runs/{run_id}/heartbeat",
    tag = "runs",
    security(("api_key" = [])),
    params(("run_id" = String, Path, description = "The run's id")),
    responses(
        (status = 200, description = "The lease, renewed", body = Lease),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks `runs:write`",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run in the key's tenant",
         body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key does not hold the run (lease lost, cancelled or ended)",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn heartbeat(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = RunId::parse(&id) else {
        return problem_response(
            &state
                .hub
                .refuse_unknown_run(&key, AuditAction::RunHeartbeat)
                .await,
        );
    };
    match state.hub.heartbeat_run(&key, id).await {
        Ok(beat) => Json(Lease {
            lease_expires_at: beat.lease_expires_at,
        })
        .into_response(),
        Err(error) => problem_response(&error),
    }
}

/// Appends lines to the log of a run this key holds (and renews its lease).
#[utoipa::path(
    post,
    path = "/runs/{run_id}/log",
    tag = "runs",
    security(("api_key" = [])),
    params(("run_id" = String, Path, description = "The run's id")),
    request_body = LogLines,
    responses(
        (status = 200, description = "Lines appended", body = LogAppended),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks `runs:write`",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run in the key's tenant",
         body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key does not hold the run",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn log(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
    body: Result<Json<LogLines>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Some(id) = RunId::parse(&id) else {
        return problem_response(
            &state
                .hub
                .refuse_unknown_run(&key, AuditAction::RunLog)
                .await,
        );
    };
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => return problem_response(&bad_body(&rejection)),
    };
    match state.hub.append_run_log(&key, id, &body.lines).await {
        Ok(kept) => Json(LogAppended { kept }).into_response(),
        Err(error) => problem_response(&error),
    }
}

/// Ends a run this key holds. A second completion changes nothing (409).
#[utoipa::path(
    post,
    path = "/runs/{run_id}/complete",
    tag = "runs",
    security(("api_key" = [])),
    params(("run_id" = String, Path, description = "The run's id")),
    request_body = Completion,
    responses(
        (status = 200, description = "The run, ended", body = RunResult),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks `runs:write`",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run in the key's tenant",
         body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key does not hold the run, or it already ended",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown status",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complete(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
    body: Result<Json<Completion>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Some(id) = RunId::parse(&id) else {
        return problem_response(
            &state
                .hub
                .refuse_unknown_run(&key, AuditAction::RunComplete)
                .await,
        );
    };
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => return problem_response(&bad_body(&rejection)),
    };
    let Some(outcome) = Outcome::parse(&body.status) else {
        return problem_response(&HubError::invalid(
            "status",
            "The status must be succeeded, failed or timed_out.",
        ));
    };
    match state
        .hub
        .complete_run(&key, id, outcome, body.error.as_deref())
        .await
    {
        Ok(run) => Json(RunResult::from(run)).into_response(),
        Err(error) => problem_response(&error),
    }
}

/// The JSON Schema of an Autom definition (public: it describes, it holds no data).
#[utoipa::path(
    get,
    path = "/schemas/autom-definition.json",
    tag = "runs",
    responses((status = 200, description = "JSON Schema (2020-12)", content_type = "application/schema+json"))
)]
pub async fn definition_schema() -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/schema+json"),
        )],
        hub_core::automs::definition::SCHEMA,
    )
        .into_response()
}

impl From<hub_model::automs::RunSummary> for RunResult {
    fn from(run: hub_model::automs::RunSummary) -> Self {
        Self {
            run_id: run.id.to_string(),
            status: run.status.as_str().to_owned(),
            started_at: run.started_at,
            finished_at: run.finished_at,
            duration_ms: run.duration_ms,
            error: run.error,
        }
    }
}

pub(super) fn bad_body(rejection: &axum::extract::rejection::JsonRejection) -> HubError {
    HubError::BadRequest {
        message: rejection.body_text(),
    }
}

/// A run the runner executed on its own.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RunReport {
    /// The Autom it ran (a UUID of the key's tenant).
    pub autom_id: String,
    /// The runner's own key for this run (1 to 200 characters): a retried report with the
    /// same key is the same run, never a second one.
    pub idempotency_key: String,
    /// `succeeded`, `failed` or `timed_out`.
    pub status: String,
    /// When it started and finished (ms since the Unix epoch).
    pub started_at: i64,
    pub finished_at: i64,
    #[serde(default)]
    pub error: Option<String>,
    /// Its log, one entry per line (limits as for `/log`).
    #[serde(default)]
    pub log: Vec<String>,
}

/// Records a run executed without a claim. A retried report answers 200 with the run
/// recorded the first time; a new one 201.
#[utoipa::path(
    post,
    path = "/runs/report",
    tag = "runs",
    security(("api_key" = [])),
    request_body = RunReport,
    responses(
        (status = 201, description = "The run, recorded", body = RunResult),
        (status = 200, description = "The same report again: the run recorded the first time", body = RunResult),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks `runs:write`",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such Autom in the key's tenant",
         body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The idempotency key was used for another Autom",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad status, times or idempotency key",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn report(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    body: Result<Json<RunReport>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => return problem_response(&bad_body(&rejection)),
    };
    let Some(autom) = hub_model::AutomId::parse(&body.autom_id) else {
        return problem_response(
            &state
                .hub
                .refuse_unknown_for_runner(&key, AuditAction::RunReport, "The Autom")
                .await,
        );
    };
    let Some(outcome) = Outcome::parse(&body.status) else {
        return problem_response(&HubError::invalid(
            "status",
            "The status must be succeeded, failed or timed_out.",
        ));
    };
    let report = hub_core::automs::runs::Report {
        autom,
        idempotency_key: body.idempotency_key,
        outcome,
        started_at: body.started_at,
        finished_at: body.finished_at,
        error: body.error,
        log: body.log,
    };
    match state.hub.report_run(&key, &report).await {
        Ok((run, created)) => (
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            Json(RunResult::from(run)),
        )
            .into_response(),
        Err(error) => problem_response(&error),
    }
}
