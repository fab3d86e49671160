//! Alerts (DESIGN §4): what needs someone's attention in a tenant. Everything here runs in
//! the tenant's [`TenantTx`] and checks the Alerts permissions there (a key: `alerts:write`).
//!
//! Three sources raise them, all through [`raise_in`], in the transaction of what caused them:
//! - the API (`POST /api/v1/alerts`, a key with `alerts:write`);
//! - a failed, timed-out or lost run of an Autom set to alert on failure ([`raise_for_run`]);
//! - a tenant reaching one of its limits ([`raise_for_limit`]), for the MSP Admin.
//!
//! A deduplication key is unique among the tenant's unresolved alerts (a partial unique
//! index), so a repeat is one `INSERT … ON CONFLICT DO UPDATE`: it counts on the alert still
//! being handled, with a new last-seen time, also under concurrency. Once resolved, the alert
//! is history and the next repeat opens a new one.

use crate::{
    access::{TenantKey, TenantTx},
    clock::now_ms,
    db::{internal, is_unique_violation, DbResultExt as _},
    tenants::list::search_pattern,
    Caller, Hub, KeyCaller, Principal,
};
use hub_model::{
    alerts::{
        AlertChange, AlertChangeResult, AlertInput, AlertPage, AlertQuery, AlertSource,
        AlertStatus, AlertSummary, Assignee, AssigneeFilter, Severity, StatusFilter,
        ALERT_PAGE_SIZES, BULK_MAX, DEDUP_KEY_MAX_CHARS, DETAILS_MAX_CHARS, SOURCE_MAX_CHARS,
        TITLE_MAX_CHARS,
    },
    api_keys::ApiScope,
    audit::AuditAction,
    automs::{RunStatus, RunSummary},
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    AlertId, ApiKeyId, AutomId, HubError, HubResult, RunId, UserId,
};
use uuid::Uuid;

pub(crate) fn alerts(action: Action) -> Permission {
    Permission::new(ResourceKind::Alerts, action)
}

/// An alert about to be raised.
#[derive(Clone, Debug)]
pub(crate) struct NewAlert {
    pub severity: Severity,
    pub source: AlertSource,
    pub source_name: String,
    pub title: String,
    pub details: String,
    pub dedup_key: Option<String>,
    pub autom: Option<AutomId>,
    pub run: Option<RunId>,
    pub key: Option<ApiKeyId>,
}

/// Raises `alert` in the scope's tenant, or counts a repeat on the unresolved alert with its
/// deduplication key. Returns the alert and whether it is new.
pub(crate) async fn raise_in(scope: &mut TenantTx, alert: &NewAlert) -> HubResult<(AlertId, bool)> {
    #[derive(sqlx::FromRow)]
    struct Raised {
        id: String,
        count: i64,
    }
    let now = now_ms();
    let search_key = format!("{} {}", alert.title, alert.source_name).to_lowercase();
    let raised: Raised = sqlx::query_as(
        "INSERT INTO alerts (id, tenant_id, severity, status, source, source_name, title, details, \
         search_key, dedup_key, count, first_seen_at, last_seen_at, updated_at, autom_id, run_id, \
         api_key_id) \
         VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, 1, $10, $10, $10, $11, $12, $13) \
         ON CONFLICT (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL AND status <> 'resolved' \
         DO UPDATE SET count = alerts.count + 1, last_seen_at = excluded.last_seen_at, \
         updated_at = excluded.updated_at, severity = excluded.severity, title = excluded.title, \
         details = excluded.details, search_key = excluded.search_key, \
         source_name = excluded.source_name, run_id = COALESCE(excluded.run_id, alerts.run_id), \
         api_key_id = COALESCE(excluded.api_key_id, alerts.api_key_id) \
         RETURNING id, count",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(scope.tenant_key())
    .bind(alert.severity.as_str())
    .bind(alert.source.as_str())
    .bind(&alert.source_name)
    .bind(&alert.title)
    .bind(&alert.details)
    .bind(search_key)
    .bind(alert.dedup_key.as_deref())
    .bind(now)
    .bind(alert.autom.map(|a| a.to_string()))
    .bind(alert.run.map(|r| r.to_string()))
    .bind(alert.key.map(|k| k.to_string()))
    .fetch_one(scope.conn())
    .await
    .db()?;
    let id = AlertId::parse(&raised.id).ok_or_else(|| internal(&"alert id"))?;
    let created = raised.count == 1;
    let detail = if created {
        format!("{} from {}", alert.severity.as_str(), alert.source.as_str())
    } else {
        format!("repeat {} of {}", raised.count, alert.source.as_str())
    };
    scope
        .record(AuditAction::AlertRaise, &alert.title, detail)
        .await?;
    Ok((id, created))
}

/// Raises the alert of a run that ended failed, timed out or lost, when its Autom is set to
/// alert on failure: one alert per Autom while it is unresolved (repeats count on it).
pub(crate) async fn raise_for_run(scope: &mut TenantTx, run: &RunSummary) -> HubResult<()> {
    if !matches!(run.status, RunStatus::Failed | RunStatus::TimedOut) {
        return Ok(());
    }
    let severity: Option<Option<String>> =
        sqlx::query_scalar("SELECT alert_severity FROM automs WHERE tenant_id = $1 AND id = $2")
            .bind(scope.tenant_key())
            .bind(run.autom_id.to_string())
            .fetch_optional(scope.conn())
            .await
            .db()?;
    let Some(severity) = severity.flatten().as_deref().and_then(Severity::parse) else {
        return Ok(());
    };
    let what = if run.status == RunStatus::TimedOut {
        "timed out"
    } else {
        "failed"
    };
    let error = run.error.as_deref().unwrap_or(what);
    let alert = NewAlert {
        severity,
        source: AlertSource::Autom,
        source_name: run.autom_name.clone(),
        title: cut_chars(&format!("{} {what}", run.autom_name), TITLE_MAX_CHARS),
        details: cut_chars(
            &format!("Run {} (attempt {}): {error}", run.id, run.attempt),
            DETAILS_MAX_CHARS,
        ),
        dedup_key: Some(format!("autom:{}", run.autom_id)),
        autom: Some(run.autom_id),
        run: Some(run.id),
        key: None,
    };
    raise_in(scope, &alert).await.map(drop)
}

/// Raises the alert of a tenant that just reached its limit of `resource` ("Automs"), for
/// the MSP Admin: one per crossing (a repeat while it is unresolved counts on it).
pub(crate) async fn raise_for_limit(
    scope: &mut TenantTx,
    resource: &str,
    limit: i64,
) -> HubResult<()> {
    let tenant = scope.context().name.clone();
    let alert = NewAlert {
        severity: Severity::Warning,
        source: AlertSource::Limit,
        source_name: format!("{resource} limit"),
        title: cut_chars(
            &format!("{tenant} has used {limit} of {limit} {resource}"),
            TITLE_MAX_CHARS,
        ),
        details: format!(
            "{tenant} reached its limit of {limit} {resource}: nothing new can be created until \
             one is deleted or the MSP Admin raises the limit on the tenant's page. Everything \
             that exists keeps working."
        ),
        dedup_key: Some(format!("limit:{}", resource.to_lowercase())),
        autom: None,
        run: None,
        key: None,
    };
    raise_in(scope, &alert).await.map(drop)
}

/// `text` cut to at most `max` characters.
fn cut_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A key's alert, checked: trimmed, bounded, printable.
fn check(input: &AlertInput) -> HubResult<(String, String, String, Option<String>)> {
    let printable = |field: &str, label: &str, value: &str, max: usize, lines: bool| {
        let value = value.trim();
        if value
            .chars()
            .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\t')))
        {
            return Err(HubError::invalid(
                field,
                format!("The {label} has control characters."),
            ));
        }
        if value.chars().count() > max {
            return Err(HubError::invalid(
                field,
                format!("The {label} is longer than {max} characters."),
            ));
        }
        Ok(value.to_owned())
    };
    let title = printable("title", "title", &input.title, TITLE_MAX_CHARS, false)?;
    if title.is_empty() || title.chars().all(crate::validate::is_invisible) {
        return Err(HubError::invalid("title", "Give the alert a title."));
    }
    for (field, value) in [("title", &title), ("source", &input.source)] {
        if value.chars().any(crate::validate::is_direction_control) {
            return Err(HubError::invalid(
                field,
                format!("The {field} has text-direction controls, which can make it read as something else."),
            ));
        }
    }
    let details = printable(
        "details",
        "details",
        &input.details,
        DETAILS_MAX_CHARS,
        true,
    )?;
    let source = printable("source", "source", &input.source, SOURCE_MAX_CHARS, false)?;
    let dedup_key = match &input.dedup_key {
        None => None,
        Some(key) => {
            let key = printable(
                "dedup_key",
                "deduplication key",
                key,
                DEDUP_KEY_MAX_CHARS,
                false,
            )?;
            (!key.is_empty()).then_some(key)
        }
    };
    Ok((title, details, source, dedup_key))
}

/// The columns [`AlertRow`] reads (`a`: alerts, `u`: the assignee).
const COLUMNS: &str = "a.id, a.severity, a.status, a.source, a.source_name, a.title, a.details, \
     a.dedup_key, a.count, a.first_seen_at, a.last_seen_at, a.updated_at, a.autom_id, a.run_id, \
     a.assignee_id, u.display_name AS assignee_name";

#[derive(sqlx::FromRow)]
struct AlertRow {
    id: String,
    severity: String,
    status: String,
    source: String,
    source_name: String,
    title: String,
    details: String,
    dedup_key: Option<String>,
    count: i64,
    first_seen_at: i64,
    last_seen_at: i64,
    updated_at: i64,
    autom_id: Option<String>,
    run_id: Option<String>,
    assignee_id: Option<String>,
    assignee_name: Option<String>,
}

impl AlertRow {
    fn summary(self) -> HubResult<AlertSummary> {
        let bad = |what: &str| internal(&format!("alert row: {what}"));
        Ok(AlertSummary {
            id: AlertId::parse(&self.id).ok_or_else(|| bad("id"))?,
            severity: Severity::parse(&self.severity).ok_or_else(|| bad("severity"))?,
            status: AlertStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            source: AlertSource::parse(&self.source).ok_or_else(|| bad("source"))?,
            source_name: self.source_name,
            title: self.title,
            details: self.details,
            dedup_key: self.dedup_key,
            count: self.count,
            first_seen_at: self.first_seen_at,
            last_seen_at: self.last_seen_at,
            updated_at: self.updated_at,
            autom_id: self.autom_id.as_deref().and_then(AutomId::parse),
            run_id: self.run_id.as_deref().and_then(RunId::parse),
            assignee_id: self.assignee_id.as_deref().and_then(UserId::parse),
            assignee_name: self.assignee_name,
        })
    }
}

async fn alert_in(scope: &mut TenantTx, id: AlertId) -> HubResult<Option<AlertSummary>> {
    let row: Option<AlertRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM alerts a LEFT JOIN users u ON u.id = a.assignee_id \
         WHERE a.tenant_id = $1 AND a.id = $2"
    ))
    .bind(scope.tenant_key())
    .bind(id.to_string())
    .fetch_optional(scope.conn())
    .await
    .db()?;
    row.map(AlertRow::summary).transpose()
}

/// The tenant's open alerts (neither acknowledged nor resolved).
pub(crate) async fn open_count(scope: &mut TenantTx) -> HubResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE tenant_id = $1 AND status = 'open'")
        .bind(scope.tenant_key())
        .fetch_one(scope.conn())
        .await
        .db()
}

/// Everyone who may handle the scope's tenant's alerts (an assignee acknowledges and
/// resolves them): the MSP Admins (the Administrator in the organization workspace), the
/// technicians assigned to it with Alerts update, and its users whose role has Alerts update.
/// Active accounts only; by name.
async fn assignees_in(scope: &mut TenantTx) -> HubResult<Vec<Assignee>> {
    #[derive(sqlx::FromRow)]
    struct Candidate {
        id: String,
        display_name: String,
        email: String,
        system_role: String,
        technician_bits: Option<i64>,
        role_bits: Option<i64>,
        role_name: Option<String>,
    }
    let rows: Vec<Candidate> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email, u.system_role, \
         ta.permissions AS technician_bits, r.permissions AS role_bits, r.name AS role_name \
         FROM users u JOIN tenants t ON t.id = $1 \
         LEFT JOIN technician_assignments ta ON ta.user_id = u.id AND ta.tenant_id = t.id \
         LEFT JOIN tenant_members m ON m.user_id = u.id AND m.tenant_id = t.id \
         LEFT JOIN tenant_roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id \
         WHERE u.active = 1 AND ( \
           (u.system_role = 'msp_admin' AND t.kind = 'tenant') \
           OR (u.system_role = 'administrator' AND t.kind = 'organization') \
           OR (u.system_role = 'technician' AND ta.user_id IS NOT NULL) \
           OR (u.system_role = 'tenant_user' AND m.user_id IS NOT NULL)) \
         ORDER BY lower(u.display_name), u.email",
    )
    .bind(scope.tenant_key())
    .fetch_all(scope.conn())
    .await
    .db()?;
    let handle = alerts(Action::Update);
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let acting_as = match row.system_role.as_str() {
                "msp_admin" => "MSP Admin".to_owned(),
                "administrator" => "Administrator".to_owned(),
                "technician" => PermissionSet::from_bits(row.technician_bits?)
                    .allows(handle)
                    .then(|| "Technician".to_owned())?,
                _ => PermissionSet::from_bits(row.role_bits?)
                    .allows(handle)
                    .then_some(row.role_name?)?,
            };
            Some(Assignee {
                id: UserId::parse(&row.id)?,
                name: row.display_name,
                email: row.email,
                acting_as,
            })
        })
        .collect())
}

/// The page size, clamped to what the list offers.
fn per_page(requested: i64) -> i64 {
    crate::tenants::list::page_size(requested, &ALERT_PAGE_SIZES)
}

fn alert_not_found() -> HubError {
    HubError::not_found("The alert")
}

impl Hub {
    /// Raises an alert for the key's tenant (`alerts:write`), or counts a repeat of an
    /// unresolved one with the same deduplication key. Returns it and whether it is new.
    pub async fn raise_alert(
        &self,
        key: &KeyCaller,
        input: &AlertInput,
    ) -> HubResult<(AlertSummary, bool)> {
        let action = AuditAction::AlertRaise;
        let mut scope = self
            .tenant_tx_for_key(Caller::ApiKey(key.clone()), key.tenant, action)
            .await?
            .require_scope(self, action, ApiScope::AlertsWrite)
            .await?;
        let (title, details, source, dedup_key) = check(input)?;
        let alert = NewAlert {
            severity: input.severity,
            source: AlertSource::Api,
            source_name: if source.is_empty() {
                key.name.clone()
            } else {
                source
            },
            title,
            details,
            dedup_key,
            autom: None,
            run: None,
            key: Some(key.id),
        };
        let (id, created) = raise_in(&mut scope, &alert).await?;
        let summary = alert_in(&mut scope, id)
            .await?
            .ok_or_else(alert_not_found)?;
        scope.commit().await?;
        Ok((summary, created))
    }

    /// One page of the tenant's alerts: unresolved first, then the most severe, then the most
    /// recently seen.
    pub async fn alerts(
        &self,
        principal: &Principal,
        slug: &str,
        query: &AlertQuery,
    ) -> HubResult<AlertPage> {
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                AuditAction::AlertList,
                alerts(Action::View),
            )
            .await?;
        let key = scope.tenant_key();
        let pattern = search_pattern(&query.search);
        let per_page = per_page(query.per_page);
        let page = query.page.max(1);
        let severity = query.severity.map(Severity::as_str).unwrap_or("");
        let status = match query.status {
            StatusFilter::Unresolved => "unresolved",
            StatusFilter::All => "all",
            StatusFilter::Is(status) => status.as_str(),
        };
        let source = query.source.map(AlertSource::as_str).unwrap_or("");
        let assignee = match query.assignee {
            AssigneeFilter::Anyone => String::new(),
            AssigneeFilter::Nobody => "nobody".to_owned(),
            AssigneeFilter::Me => principal.user_id.to_string(),
            AssigneeFilter::Person(id) => id.to_string(),
        };
        let filter = "a.tenant_id = $1 AND ($2 = '%%' OR a.search_key LIKE $2 ESCAPE '\\') \
             AND ($3 = '' OR a.severity = $3) \
             AND ($4 = 'all' OR ($4 = 'unresolved' AND a.status <> 'resolved') OR a.status = $4) \
             AND ($5 = '' OR a.source = $5) \
             AND ($6 = '' OR ($6 = 'nobody' AND a.assignee_id IS NULL) OR a.assignee_id = $6)";
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM alerts a WHERE {filter}"))
                .bind(&key)
                .bind(&pattern)
                .bind(severity)
                .bind(status)
                .bind(source)
                .bind(&assignee)
                .fetch_one(scope.conn())
                .await
                .db()?;
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM alerts a LEFT JOIN users u ON u.id = a.assignee_id \
             WHERE {filter} ORDER BY CASE a.status WHEN 'resolved' THEN 1 ELSE 0 END, \
             CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, \
             a.last_seen_at DESC, a.id LIMIT $7 OFFSET $8"
        ))
        .bind(&key)
        .bind(&pattern)
        .bind(severity)
        .bind(status)
        .bind(source)
        .bind(&assignee)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(scope.conn())
        .await
        .db()?;
        let open = open_count(&mut scope).await?;
        scope.commit().await?;
        Ok(AlertPage {
            items: rows
                .into_iter()
                .map(AlertRow::summary)
                .collect::<HubResult<_>>()?,
            total,
            page,
            per_page,
            open,
        })
    }

    /// Who the tenant's alerts can be assigned to.
    pub async fn alert_assignees(
        &self,
        principal: &Principal,
        slug: &str,
    ) -> HubResult<Vec<Assignee>> {
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                AuditAction::AlertList,
                alerts(Action::View),
            )
            .await?;
        let people = assignees_in(&mut scope).await?;
        scope.commit().await?;
        Ok(people)
    }

    /// Acknowledges, resolves, reopens or assigns alerts of the tenant (Alerts update), all
    /// or none: an id of no alert of this tenant refuses the whole change as not found.
    pub async fn change_alerts(
        &self,
        principal: &Principal,
        slug: &str,
        ids: &[AlertId],
        change: AlertChange,
    ) -> HubResult<AlertChangeResult> {
        let action = match change {
            AlertChange::Acknowledge => AuditAction::AlertAcknowledge,
            AlertChange::Resolve => AuditAction::AlertResolve,
            AlertChange::Reopen => AuditAction::AlertReopen,
            AlertChange::Assign(_) => AuditAction::AlertAssign,
        };
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                action,
                alerts(Action::Update),
            )
            .await?;
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Err(HubError::invalid("ids", "Choose at least one alert."));
        }
        if ids.len() > BULK_MAX {
            return Err(HubError::invalid(
                "ids",
                format!("Change at most {BULK_MAX} alerts at once."),
            ));
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            match alert_in(&mut scope, *id).await? {
                Some(alert) => found.push(alert),
                None => return Err(scope.deny(self, action, alert_not_found()).await),
            }
        }
        let assignee = match change {
            AlertChange::Assign(Some(person)) => {
                let people = assignees_in(&mut scope).await?;
                match people.into_iter().find(|p| p.id == person) {
                    Some(person) => Some(person),
                    None => {
                        let tenant = scope.context().name.clone();
                        return Err(scope
                            .deny(
                                self,
                                action,
                                HubError::invalid(
                                    "assignee",
                                    format!("This person cannot handle {tenant}'s alerts; choose someone who can acknowledge and resolve them."),
                                ),
                            )
                            .await);
                    }
                }
            }
            _ => None,
        };
        let now = now_ms();
        let key = scope.tenant_key();
        let (mut changed, mut unchanged) = (0, 0);
        for alert in found {
            let next = match change {
                AlertChange::Acknowledge if alert.status == AlertStatus::Open => {
                    Some("status = 'acknowledged'")
                }
                AlertChange::Resolve if alert.status != AlertStatus::Resolved => {
                    Some("status = 'resolved', resolved_at = $3")
                }
                AlertChange::Reopen if alert.status != AlertStatus::Open => {
                    Some("status = 'open', resolved_at = NULL")
                }
                AlertChange::Assign(person) if alert.assignee_id != person => {
                    Some("assignee_id = $4")
                }
                _ => None,
            };
            let Some(set) = next else {
                // Asked for and already so: recorded as asked, changing nothing.
                unchanged += 1;
                scope
                    .record(action, &alert.title, format!("already {}", change.verb()))
                    .await?;
                continue;
            };
            let sql = format!(
                "UPDATE alerts SET {set}, updated_at = $3 WHERE tenant_id = $1 AND id = $2"
            );
            let mut update = sqlx::query(&sql)
                .bind(&key)
                .bind(alert.id.to_string())
                .bind(now);
            if let AlertChange::Assign(_) = change {
                update = update.bind(assignee.as_ref().map(|p| p.id.to_string()));
            }
            let updated = update.execute(scope.conn()).await;
            if let Err(e) = updated {
                if is_unique_violation(&e) {
                    return Err(HubError::Conflict {
                        message: format!(
                            "\"{}\" cannot be reopened: a newer alert with its deduplication key is still open. Handle that one instead.",
                            alert.title
                        ),
                    });
                }
                return Err(internal(&e));
            }
            let detail = match &assignee {
                Some(person) => format!("assigned to {}", person.email),
                None => change.verb().to_owned(),
            };
            scope.record(action, &alert.title, detail).await?;
            changed += 1;
        }
        let open = open_count(&mut scope).await?;
        scope.commit().await?;
        Ok(AlertChangeResult {
            change,
            changed,
            unchanged,
            open,
        })
    }
}
