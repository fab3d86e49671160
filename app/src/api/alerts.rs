//! Alerts inside one tenant (`/t/{tenant}/alerts`). The tenant is named by its slug; the core
//! checks that the principal may enter it and holds the Alerts permission each operation
//! needs (view to list, update to acknowledge, resolve, reopen and assign).

// The list's filters are one plain form field each (as the toolbar's form sends them
// before hydration); the browser build's generated client functions carry no attribute we
// could put on them one by one.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use hub_model::{
    alerts::{
        AlertChange, AlertQuery, AlertSource, AlertStatus, AssigneeFilter, Severity, StatusFilter,
    },
    audit::AuditAction,
    permissions::{Action, Permission, ResourceKind},
    AlertId, UserId,
};
use hub_model::{
    alerts::{AlertChangeResult, AlertPage, Assignee},
    HubError,
};
use leptos::prelude::*;

/// Refuses a value the form could not have sent (a malformed id or filter) after checking the
/// principal exactly as the operation would (entering the tenant, then `needed` on Alerts), so
/// a caller who may not act learns only that; audited like every refusal.
#[cfg(feature = "ssr")]
async fn refuse(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    what: &str,
) -> HubError {
    match crate::ssr::hub() {
        Ok(hub) => {
            hub.refuse_unknown_in_tenant(
                principal,
                hub_core::access::TenantKey::Slug(tenant),
                action,
                Permission::new(ResourceKind::Alerts, needed),
                what,
            )
            .await
        }
        Err(error) => error,
    }
}

/// One page of the tenant's alerts. Filters: `severity` (info, warning, critical), `status`
/// (empty: open and acknowledged; open, acknowledged, resolved, or all), `source` (api, autom,
/// limit), `assignee` (empty: anyone; nobody, me, or a person's id).
#[server(endpoint = "t/alerts")]
pub async fn list_alerts(
    tenant: String,
    search: String,
    severity: String,
    status: String,
    source: String,
    assignee: String,
    page: i64,
    per_page: i64,
) -> Result<AlertPage, HubError> {
    let principal = crate::ssr::principal()?;
    let assignee = match assignee.as_str() {
        "" => Some(AssigneeFilter::Anyone),
        "nobody" => Some(AssigneeFilter::Nobody),
        "me" => Some(AssigneeFilter::Me),
        id => UserId::parse(id).map(AssigneeFilter::Person),
    };
    let Some(assignee) = assignee else {
        return Err(refuse(
            &principal,
            &tenant,
            AuditAction::AlertList,
            Action::View,
            "The person",
        )
        .await);
    };
    let query = AlertQuery {
        search,
        severity: Severity::parse(&severity),
        status: match status.as_str() {
            "all" => StatusFilter::All,
            other => AlertStatus::parse(other).map_or(StatusFilter::Unresolved, StatusFilter::Is),
        },
        source: AlertSource::parse(&source),
        assignee,
        page,
        per_page,
    };
    crate::ssr::hub()?.alerts(&principal, &tenant, &query).await
}

/// The people the tenant's alerts can be assigned to.
#[server(endpoint = "t/alerts/assignees")]
pub async fn alert_assignees(tenant: String) -> Result<Vec<Assignee>, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .alert_assignees(&principal, &tenant)
        .await
}

/// Acknowledges, resolves, reopens or assigns alerts, all or none. `ids`: alert ids separated
/// by commas; `change`: acknowledge, resolve, reopen or assign; `assignee`: for assign, a
/// person's id, or empty for nobody.
#[server(endpoint = "t/alerts/change")]
pub async fn change_alerts(
    tenant: String,
    ids: String,
    change: String,
    assignee: String,
) -> Result<AlertChangeResult, HubError> {
    let principal = crate::ssr::principal()?;
    let change = match change.as_str() {
        "acknowledge" => AlertChange::Acknowledge,
        "resolve" => AlertChange::Resolve,
        "reopen" => AlertChange::Reopen,
        "assign" if assignee.is_empty() => AlertChange::Assign(None),
        "assign" => match UserId::parse(&assignee) {
            Some(person) => AlertChange::Assign(Some(person)),
            None => {
                return Err(refuse(
                    &principal,
                    &tenant,
                    AuditAction::AlertAssign,
                    Action::Update,
                    "The person",
                )
                .await)
            }
        },
        _ => {
            return Err(HubError::invalid(
                "change",
                "Choose acknowledge, resolve, reopen or assign.",
            ))
        }
    };
    let action = match change {
        AlertChange::Acknowledge => AuditAction::AlertAcknowledge,
        AlertChange::Resolve => AuditAction::AlertResolve,
        AlertChange::Reopen => AuditAction::AlertReopen,
        AlertChange::Assign(_) => AuditAction::AlertAssign,
    };
    let mut parsed = Vec::new();
    for text in ids.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match AlertId::parse(text) {
            Some(id) => parsed.push(id),
            None => {
                return Err(refuse(&principal, &tenant, action, Action::Update, "The alert").await)
            }
        }
    }
    crate::ssr::hub()?
        .change_alerts(&principal, &tenant, &parsed, change)
        .await
}
