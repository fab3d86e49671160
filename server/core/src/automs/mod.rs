//! Automs (DESIGN §4): a tenant's automations, their triggers and definitions. Everything
//! here runs in the tenant's [`TenantTx`] and checks the Automs permissions there.
//!
//! - The Autom limit (DESIGN §3) is checked and counted in the statement that creates one
//!   (`used_automs < max_automs`), so concurrent creations cannot pass it.
//! - Deleting an Autom deletes its runs with it (the UI says so); the audit log keeps that
//!   it happened.
//! - A schedule's `next_run_at` is computed when it is saved or enabled; the scheduler
//!   ([`runs`]) moves it forward as it queues runs.

pub mod definition;
pub mod runs;
pub mod schedule;
pub mod scheduler;

use crate::{
    access::{TenantKey, TenantTx},
    clock::now_ms,
    db::{internal, is_unique_violation, DbResultExt as _},
    tenants::list::search_pattern,
    Hub, Principal,
};
use hub_model::{
    alerts::Severity,
    audit::AuditAction,
    automs::{
        AutomDetail, AutomInput, AutomPage, AutomQuery, AutomSummary, RunBrief, RunStatus, Trigger,
        TriggerKind, AUTOM_PAGE_SIZES, DESCRIPTION_MAX_CHARS, NAME_MAX_CHARS,
    },
    permissions::{Action, Permission, ResourceKind},
    AutomId, HubError, HubResult, RunId,
};
use uuid::Uuid;

pub(super) fn automs(action: Action) -> Permission {
    Permission::new(ResourceKind::Automs, action)
}

/// The columns [`AutomRow`] reads, with the latest run of each Autom.
const SUMMARY: &str = "a.id, a.name, a.description, a.trigger_kind, a.cron, a.timezone, \
     a.enabled, a.alert_severity, a.next_run_at, a.created_at, a.updated_at, \
     r.id AS last_run_id, r.status AS last_run_status, \
     COALESCE(r.finished_at, r.started_at, r.queued_at) AS last_run_at";

/// The latest run of `a`, joined as `r`.
const LAST_RUN: &str = "LEFT JOIN autom_runs r ON r.id = (SELECT r2.id FROM autom_runs r2 \
     WHERE r2.tenant_id = a.tenant_id AND r2.autom_id = a.id ORDER BY r2.queued_at DESC, r2.id DESC LIMIT 1)";

#[derive(sqlx::FromRow)]
struct AutomRow {
    id: String,
    name: String,
    description: String,
    trigger_kind: String,
    cron: Option<String>,
    timezone: Option<String>,
    enabled: i64,
    alert_severity: Option<String>,
    next_run_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    last_run_id: Option<String>,
    last_run_status: Option<String>,
    last_run_at: Option<i64>,
}

impl AutomRow {
    fn summary(self) -> HubResult<AutomSummary> {
        let bad = |what: &str| internal(&format!("autom row: {what}"));
        let trigger = match (
            TriggerKind::parse(&self.trigger_kind),
            self.cron,
            self.timezone,
        ) {
            (Some(TriggerKind::Manual), ..) => Trigger::Manual,
            (Some(TriggerKind::Webhook), ..) => Trigger::Webhook,
            (Some(TriggerKind::Schedule), Some(cron), Some(timezone)) => {
                Trigger::Schedule { cron, timezone }
            }
            _ => return Err(bad("trigger")),
        };
        let alert_on_failure = match self.alert_severity {
            None => None,
            Some(s) => Some(Severity::parse(&s).ok_or_else(|| bad("severity"))?),
        };
        let last_run = match (self.last_run_id, self.last_run_status, self.last_run_at) {
            (Some(id), Some(status), Some(at)) => Some(RunBrief {
                id: RunId::parse(&id).ok_or_else(|| bad("run id"))?,
                status: RunStatus::parse(&status).ok_or_else(|| bad("run status"))?,
                at,
            }),
            _ => None,
        };
        Ok(AutomSummary {
            id: AutomId::parse(&self.id).ok_or_else(|| bad("id"))?,
            name: self.name,
            description: self.description,
            trigger,
            enabled: self.enabled == 1,
            alert_on_failure,
            last_run,
            next_run_at: self.next_run_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Used and allowed Automs of the tenant.
#[derive(sqlx::FromRow)]
struct Seats {
    used_automs: i64,
    max_automs: i64,
}

/// An input, checked: what is stored.
struct Checked {
    name: String,
    description: String,
    trigger: Trigger,
    /// The definition, pretty-printed.
    definition: String,
    alert_severity: Option<&'static str>,
}

fn check(input: &AutomInput) -> HubResult<Checked> {
    let name = crate::validate::validate_name("name", &input.name, "name")?;
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(HubError::invalid(
            "name",
            format!("The name is longer than {NAME_MAX_CHARS} characters."),
        ));
    }
    let description = input.description.trim().to_owned();
    if description
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(HubError::invalid(
            "description",
            "The description has control characters; only text, line breaks and tabs.",
        ));
    }
    if description.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(HubError::invalid(
            "description",
            format!("The description is longer than {DESCRIPTION_MAX_CHARS} characters."),
        ));
    }
    let trigger = match &input.trigger {
        Trigger::Schedule { cron, timezone } => {
            schedule::parse(cron, timezone)?;
            Trigger::Schedule {
                cron: cron.split_whitespace().collect::<Vec<_>>().join(" "),
                timezone: timezone.trim().to_owned(),
            }
        }
        other => other.clone(),
    };
    let parsed: serde_json::Value = {
        definition::parse(&input.definition)?;
        serde_json::from_str(&input.definition).map_err(|e| internal(&e))?
    };
    let definition = serde_json::to_string_pretty(&parsed).map_err(|e| internal(&e))?;
    Ok(Checked {
        name,
        description,
        trigger,
        definition,
        alert_severity: input.alert_on_failure.map(Severity::as_str),
    })
}

/// When an enabled trigger runs next after `now`: schedules only.
fn next_run(trigger: &Trigger, enabled: bool, now: i64) -> HubResult<Option<i64>> {
    match trigger {
        Trigger::Schedule { cron, timezone } if enabled => {
            Ok(schedule::parse(cron, timezone)?.next_after(now))
        }
        _ => Ok(None),
    }
}

/// A new webhook secret: 32 random base62 characters.
fn webhook_token() -> String {
    crate::api_keys::random_base62(32)
}

fn cron_parts(trigger: &Trigger) -> (Option<&str>, Option<&str>) {
    match trigger {
        Trigger::Schedule { cron, timezone } => (Some(cron), Some(timezone)),
        _ => (None, None),
    }
}

/// A trigger that starts the Autom without anyone pressing "Run now" (a schedule, a webhook)
/// runs it, so setting one needs the Run permission too.
fn check_self_starting(scope: &TenantTx, trigger: &Trigger) -> HubResult<()> {
    if matches!(trigger, Trigger::Manual) || scope.allows(automs(Action::Run)) {
        Ok(())
    } else {
        Err(HubError::invalid(
            "trigger",
            "A schedule or a webhook starts the Autom without anyone pressing Run now, so it needs the Run permission on Automs. Choose \"By hand\", or ask your MSP Admin for the permission.",
        ))
    }
}

fn name_taken() -> HubError {
    HubError::invalid("name", "This tenant already has an Autom with this name.")
}

/// Reads one Autom of the scope's tenant.
async fn summary_in(scope: &mut TenantTx, id: AutomId) -> HubResult<Option<AutomSummary>> {
    let key = scope.tenant_key();
    let row: Option<AutomRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY} FROM automs a {LAST_RUN} WHERE a.tenant_id = $1 AND a.id = $2"
    ))
    .bind(&key)
    .bind(id.to_string())
    .fetch_optional(scope.conn())
    .await
    .db()?;
    row.map(AutomRow::summary).transpose()
}

fn not_found() -> HubError {
    HubError::not_found("The Autom")
}

/// The page size, clamped to what the list offers.
fn per_page(requested: i64) -> i64 {
    crate::tenants::list::page_size(requested, &AUTOM_PAGE_SIZES)
}

impl Hub {
    /// Enters tenant `slug` needing `action` on Automs and finds Autom `id` there; a
    /// missing one (or another tenant's) is refused as not found, audited.
    async fn autom_scope(
        &self,
        principal: &Principal,
        slug: &str,
        id: AutomId,
        audit: AuditAction,
        action: Action,
    ) -> HubResult<(TenantTx, AutomSummary)> {
        let mut scope = self
            .tenant_tx(principal, TenantKey::Slug(slug), audit, automs(action))
            .await?;
        match summary_in(&mut scope, id).await? {
            Some(summary) => Ok((scope, summary)),
            None => Err(scope.deny(self, audit, not_found()).await),
        }
    }

    /// One page of the tenant's Automs, with its Autom limit.
    pub async fn automs(
        &self,
        principal: &Principal,
        slug: &str,
        query: &AutomQuery,
    ) -> HubResult<AutomPage> {
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                AuditAction::AutomList,
                automs(Action::View),
            )
            .await?;
        let key = scope.tenant_key();
        let pattern = search_pattern(&query.search);
        let per_page = per_page(query.per_page);
        let page = query.page.max(1);
        let trigger = query.trigger.map(TriggerKind::as_str).unwrap_or("");
        let enabled = query.enabled.map_or(-1, i64::from);
        let filter = "a.tenant_id = $1 AND ($2 = '%%' OR a.name_key LIKE $2 ESCAPE '\\') \
             AND ($3 = '' OR a.trigger_kind = $3) AND ($4 = -1 OR a.enabled = $4)";
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM automs a WHERE {filter}"))
                .bind(&key)
                .bind(&pattern)
                .bind(trigger)
                .bind(enabled)
                .fetch_one(scope.conn())
                .await
                .db()?;
        let rows: Vec<AutomRow> = sqlx::query_as(&format!(
            "SELECT {SUMMARY} FROM automs a {LAST_RUN} WHERE {filter} \
             ORDER BY a.name_key, a.id LIMIT $5 OFFSET $6"
        ))
        .bind(&key)
        .bind(&pattern)
        .bind(trigger)
        .bind(enabled)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(scope.conn())
        .await
        .db()?;
        let seats: Seats =
            sqlx::query_as("SELECT used_automs, max_automs FROM tenants WHERE id = $1")
                .bind(&key)
                .fetch_one(scope.conn())
                .await
                .db()?;
        scope.commit().await?;
        Ok(AutomPage {
            items: rows
                .into_iter()
                .map(AutomRow::summary)
                .collect::<HubResult<_>>()?,
            total,
            page,
            per_page,
            used: seats.used_automs,
            limit: seats.max_automs,
        })
    }

    /// One Autom with its definition.
    pub async fn autom(
        &self,
        principal: &Principal,
        slug: &str,
        id: AutomId,
    ) -> HubResult<AutomDetail> {
        let (mut scope, summary) = self
            .autom_scope(principal, slug, id, AuditAction::AutomView, Action::View)
            .await?;
        let key = scope.tenant_key();
        let definition: String =
            sqlx::query_scalar("SELECT definition FROM automs WHERE tenant_id = $1 AND id = $2")
                .bind(&key)
                .bind(id.to_string())
                .fetch_one(scope.conn())
                .await
                .db()?;
        let runs: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM autom_runs WHERE tenant_id = $1 AND autom_id = $2",
        )
        .bind(&key)
        .bind(id.to_string())
        .fetch_one(scope.conn())
        .await
        .db()?;
        scope.commit().await?;
        Ok(AutomDetail {
            summary,
            definition,
            runs,
        })
    }

    /// Creates an Autom (enabled) within the tenant's Autom limit.
    pub async fn create_autom(
        &self,
        principal: &Principal,
        slug: &str,
        input: &AutomInput,
    ) -> HubResult<AutomSummary> {
        let action = AuditAction::AutomCreate;
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                action,
                automs(Action::Create),
            )
            .await?;
        let checked = check(input)?;
        check_self_starting(&scope, &checked.trigger)?;
        crate::tenants::take_one(&mut scope, crate::tenants::Counted::Automs).await?;
        let key = scope.tenant_key();
        let now = now_ms();
        let id = Uuid::new_v4().to_string();
        let (cron, timezone) = cron_parts(&checked.trigger);
        let token = matches!(checked.trigger, Trigger::Webhook).then(webhook_token);
        sqlx::query(
            "INSERT INTO automs (id, tenant_id, name, name_key, description, trigger_kind, cron, \
             timezone, webhook_token, definition, enabled, alert_severity, next_run_at, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $13, $14, $14)",
        )
        .bind(&id)
        .bind(&key)
        .bind(&checked.name)
        .bind(checked.name.to_lowercase())
        .bind(&checked.description)
        .bind(checked.trigger.kind().as_str())
        .bind(cron)
        .bind(timezone)
        .bind(token)
        .bind(&checked.definition)
        .bind(checked.alert_severity)
        .bind(next_run(&checked.trigger, true, now)?)
        .bind(principal.user_id.to_string())
        .bind(now)
        .execute(scope.conn())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                name_taken()
            } else {
                internal(&e)
            }
        })?;
        scope
            .record(
                AuditAction::AutomCreate,
                &checked.name,
                format!("trigger {}", checked.trigger.kind().as_str()),
            )
            .await?;
        let id = AutomId::parse(&id).ok_or_else(|| internal(&"autom id"))?;
        let summary = summary_in(&mut scope, id).await?.ok_or_else(not_found)?;
        scope.commit().await?;
        Ok(summary)
    }

    /// Changes an Autom's name, description, trigger, definition and alerting. A trigger
    /// that becomes a webhook gets a new secret; one that stops being a webhook drops it.
    pub async fn update_autom(
        &self,
        principal: &Principal,
        slug: &str,
        id: AutomId,
        input: &AutomInput,
    ) -> HubResult<AutomSummary> {
        let action = AuditAction::AutomUpdate;
        let (mut scope, before) = self
            .autom_scope(principal, slug, id, action, Action::Update)
            .await?;
        let checked = check(input)?;
        if checked.trigger != before.trigger {
            check_self_starting(&scope, &checked.trigger)?;
        }
        let key = scope.tenant_key();
        let (cron, timezone) = cron_parts(&checked.trigger);
        let now = now_ms();
        // Keep the secret while it stays a webhook; a new one when it becomes one.
        let token_sql = match (&before.trigger, &checked.trigger) {
            (Trigger::Webhook, Trigger::Webhook) => "webhook_token",
            (_, Trigger::Webhook) => "$12",
            _ => "NULL",
        };
        sqlx::query(&format!(
            "UPDATE automs SET name = $3, name_key = $4, description = $5, trigger_kind = $6, \
             cron = $7, timezone = $8, definition = $9, alert_severity = $10, next_run_at = $11, \
             webhook_token = {token_sql}, updated_at = $13 WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(&key)
        .bind(id.to_string())
        .bind(&checked.name)
        .bind(checked.name.to_lowercase())
        .bind(&checked.description)
        .bind(checked.trigger.kind().as_str())
        .bind(cron)
        .bind(timezone)
        .bind(&checked.definition)
        .bind(checked.alert_severity)
        .bind(next_run(&checked.trigger, before.enabled, now)?)
        .bind(webhook_token())
        .bind(now)
        .execute(scope.conn())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                name_taken()
            } else {
                internal(&e)
            }
        })?;
        scope.record(action, &checked.name, String::new()).await?;
        let summary = summary_in(&mut scope, id).await?.ok_or_else(not_found)?;
        scope.commit().await?;
        Ok(summary)
    }

    /// Enables or disables an Autom. A disabled Autom queues nothing (schedules, webhooks
    /// and "Run now" alike); runs already queued or running go on.
    pub async fn set_autom_enabled(
        &self,
        principal: &Principal,
        slug: &str,
        id: AutomId,
        enabled: bool,
    ) -> HubResult<AutomSummary> {
        let action = AuditAction::AutomSetEnabled;
        let (mut scope, before) = self
            .autom_scope(principal, slug, id, action, Action::Update)
            .await?;
        let key = scope.tenant_key();
        let now = now_ms();
        sqlx::query(
            "UPDATE automs SET enabled = $3, next_run_at = $4, updated_at = $5 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(&key)
        .bind(id.to_string())
        .bind(i64::from(enabled))
        .bind(next_run(&before.trigger, enabled, now)?)
        .bind(now)
        .execute(scope.conn())
        .await
        .db()?;
        let detail = if enabled { "enabled" } else { "disabled" };
        scope
            .record(action, &before.name, detail.to_owned())
            .await?;
        let summary = summary_in(&mut scope, id).await?.ok_or_else(not_found)?;
        scope.commit().await?;
        Ok(summary)
    }

    /// Deletes an Autom and its runs, and frees its place under the limit.
    pub async fn delete_autom(
        &self,
        principal: &Principal,
        slug: &str,
        id: AutomId,
    ) -> HubResult<()> {
        let action = AuditAction::AutomDelete;
        let (mut scope, before) = self
            .autom_scope(principal, slug, id, action, Action::Delete)
            .await?;
        let key = scope.tenant_key();
        let runs: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM autom_runs WHERE tenant_id = $1 AND autom_id = $2",
        )
        .bind(&key)
        .bind(id.to_string())
        .fetch_one(scope.conn())
        .await
        .db()?;
        // Logs, then runs, then the Autom (SQLite enforces the cascades only with its
        // foreign-key pragma; deleting in order holds on both).
        sqlx::query(
            "DELETE FROM autom_run_log WHERE tenant_id = $1 AND run_id IN \
             (SELECT id FROM autom_runs WHERE tenant_id = $1 AND autom_id = $2)",
        )
        .bind(&key)
        .bind(id.to_string())
        .execute(scope.conn())
        .await
        .db()?;
        sqlx::query("DELETE FROM autom_runs WHERE tenant_id = $1 AND autom_id = $2")
            .bind(&key)
            .bind(id.to_string())
            .execute(scope.conn())
            .await
            .db()?;
        sqlx::query("DELETE FROM automs WHERE tenant_id = $1 AND id = $2")
            .bind(&key)
            .bind(id.to_string())
            .execute(scope.conn())
            .await
            .db()?;
        sqlx::query(
            "UPDATE tenants SET used_automs = used_automs - 1 WHERE id = $1 AND used_automs > 0",
        )
        .bind(&key)
        .execute(scope.conn())
        .await
        .db()?;
        scope
            .record(action, &before.name, format!("with {runs} runs"))
            .await?;
        scope.commit().await
    }

    /// The secret webhook path of a webhook Autom (`/hooks/automs/{token}`), for those who may
    /// edit it; `rotate` replaces the secret first (the old address stops working at once).
    pub async fn autom_webhook(
        &self,
        principal: &Principal,
        slug: &str,
        id: AutomId,
        rotate: bool,
    ) -> HubResult<String> {
        let action = if rotate {
            AuditAction::AutomRotateWebhook
        } else {
            AuditAction::AutomRevealWebhook
        };
        let (mut scope, before) = self
            .autom_scope(principal, slug, id, action, Action::Update)
            .await?;
        if before.trigger != Trigger::Webhook {
            return Err(scope
                .deny(
                    self,
                    action,
                    HubError::invalid("trigger", "This Autom is not started by a webhook."),
                )
                .await);
        }
        let key = scope.tenant_key();
        if rotate {
            sqlx::query(
                "UPDATE automs SET webhook_token = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(&key)
            .bind(id.to_string())
            .bind(webhook_token())
            .bind(now_ms())
            .execute(scope.conn())
            .await
            .db()?;
        }
        let token: Option<String> =
            sqlx::query_scalar("SELECT webhook_token FROM automs WHERE tenant_id = $1 AND id = $2")
                .bind(&key)
                .bind(id.to_string())
                .fetch_one(scope.conn())
                .await
                .db()?;
        scope.record(action, &before.name, String::new()).await?;
        scope.commit().await?;
        token
            .map(|token| format!("/hooks/automs/{token}"))
            .ok_or_else(|| internal(&"webhook without a token"))
    }
}
