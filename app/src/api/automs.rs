//! Automs and their runs inside one tenant (`/t/{tenant}/automs`). The tenant is named by its
//! slug; the core checks that the principal may enter it and holds the Automs permission
//! each operation needs (`run` for "Run now" and cancelling).

// The editor's form posts one field per argument (plain form fields, so the matrix and a
// form without WASM send the same thing); the browser build's generated client functions
// carry no attribute we could put on them one by one.
#![allow(clippy::too_many_arguments)]

use hub_model::{
    alerts::Severity,
    automs::{
        AutomDetail, AutomInput, AutomPage, AutomSummary, RunDetail, RunPage, RunSummary,
        SchedulePreview, Trigger, TriggerKind,
    },
    HubError,
};
#[cfg(feature = "ssr")]
use hub_model::{
    audit::AuditAction,
    automs::{AutomQuery, RunStatus},
    permissions::{Action, Permission, ResourceKind},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The id `text` names; a malformed one is refused (and audited) like a missing one
/// ([`crate::ssr::id_in_tenant`]), checking `needed` on Automs.
#[cfg(feature = "ssr")]
async fn id_in_tenant<T>(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    what: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, HubError> {
    let permission = Permission::new(ResourceKind::Automs, needed);
    crate::ssr::id_in_tenant(principal, tenant, action, permission, what, text, parse).await
}

#[cfg(feature = "ssr")]
async fn autom_id(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    id: &str,
) -> Result<hub_model::AutomId, HubError> {
    id_in_tenant(
        principal,
        tenant,
        action,
        needed,
        "The Autom",
        id,
        hub_model::AutomId::parse,
    )
    .await
}

#[cfg(feature = "ssr")]
async fn run_id(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    id: &str,
) -> Result<hub_model::RunId, HubError> {
    id_in_tenant(
        principal,
        tenant,
        action,
        needed,
        "The run",
        id,
        hub_model::RunId::parse,
    )
    .await
}

/// The core's input from `form`; when the form cannot be read, the principal is checked
/// first (entering the tenant, then `needed` on Automs), so a caller who may not act learns
/// only that, whatever they send.
#[cfg(feature = "ssr")]
async fn form_input(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    form: &AutomForm,
) -> Result<AutomInput, HubError> {
    match form.input() {
        Ok(input) => Ok(input),
        Err(unreadable) => {
            let scope = crate::ssr::hub()?
                .tenant_tx(
                    principal,
                    hub_core::access::TenantKey::Slug(tenant),
                    action,
                    Permission::new(ResourceKind::Automs, needed),
                )
                .await?;
            drop(scope);
            Err(unreadable)
        }
    }
}

/// An Autom as the editor's form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomForm {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `manual`, `schedule` or `webhook`.
    pub trigger: String,
    #[serde(default)]
    pub cron: String,
    #[serde(default)]
    pub timezone: String,
    pub definition: String,
    /// `none`, `info`, `warning` or `critical`.
    #[serde(default)]
    pub alert: String,
}

impl AutomForm {
    /// The core's input; an unknown trigger or severity is refused naming its field.
    pub fn input(&self) -> Result<AutomInput, HubError> {
        let trigger = match TriggerKind::parse(self.trigger.trim()) {
            Some(TriggerKind::Manual) => Trigger::Manual,
            Some(TriggerKind::Webhook) => Trigger::Webhook,
            Some(TriggerKind::Schedule) => Trigger::Schedule {
                cron: self.cron.clone(),
                timezone: self.timezone.clone(),
            },
            None => {
                return Err(HubError::invalid(
                    "trigger",
                    "Choose how the Autom starts: manual, schedule or webhook.",
                ))
            }
        };
        let alert_on_failure = match self.alert.trim() {
            "" | "none" => None,
            other => Some(Severity::parse(other).ok_or_else(|| {
                HubError::invalid("alert", "Choose none, info, warning or critical.")
            })?),
        };
        Ok(AutomInput {
            name: self.name.clone(),
            description: self.description.clone(),
            trigger,
            definition: self.definition.clone(),
            alert_on_failure,
        })
    }
}

/// One page of the tenant's Automs.
#[server(endpoint = "t/automs")]
pub async fn list_automs(
    tenant: String,
    search: String,
    trigger: String,
    enabled: String,
    page: i64,
    per_page: i64,
) -> Result<AutomPage, HubError> {
    let principal = crate::ssr::principal()?;
    let query = AutomQuery {
        search,
        trigger: TriggerKind::parse(&trigger),
        enabled: match enabled.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        page,
        per_page,
    };
    crate::ssr::hub()?.automs(&principal, &tenant, &query).await
}

/// One Autom with its definition.
#[server(endpoint = "t/automs/get")]
pub async fn get_autom(tenant: String, id: String) -> Result<AutomDetail, HubError> {
    let principal = crate::ssr::principal()?;
    let id = autom_id(
        &principal,
        &tenant,
        AuditAction::AutomView,
        Action::View,
        &id,
    )
    .await?;
    crate::ssr::hub()?.autom(&principal, &tenant, id).await
}

/// Creates an Autom (the editor's fields: `trigger` is manual, schedule or webhook; `alert`
/// is none, info, warning or critical).
#[server(endpoint = "t/automs/create")]
pub async fn create_autom(
    tenant: String,
    name: String,
    description: String,
    trigger: String,
    cron: String,
    timezone: String,
    definition: String,
    alert: String,
) -> Result<AutomSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let form = AutomForm {
        name,
        description,
        trigger,
        cron,
        timezone,
        definition,
        alert,
    };
    let input = form_input(
        &principal,
        &tenant,
        AuditAction::AutomCreate,
        Action::Create,
        &form,
    )
    .await?;
    crate::ssr::hub()?
        .create_autom(&principal, &tenant, &input)
        .await
}

/// Changes an Autom (fields as for creating).
#[server(endpoint = "t/automs/update")]
pub async fn update_autom(
    tenant: String,
    id: String,
    name: String,
    description: String,
    trigger: String,
    cron: String,
    timezone: String,
    definition: String,
    alert: String,
) -> Result<AutomSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let id = autom_id(
        &principal,
        &tenant,
        AuditAction::AutomUpdate,
        Action::Update,
        &id,
    )
    .await?;
    let form = AutomForm {
        name,
        description,
        trigger,
        cron,
        timezone,
        definition,
        alert,
    };
    let input = form_input(
        &principal,
        &tenant,
        AuditAction::AutomUpdate,
        Action::Update,
        &form,
    )
    .await?;
    crate::ssr::hub()?
        .update_autom(&principal, &tenant, id, &input)
        .await
}

/// Enables or disables an Autom.
#[server(endpoint = "t/automs/set_enabled")]
pub async fn set_autom_enabled(
    tenant: String,
    id: String,
    enabled: bool,
) -> Result<AutomSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let id = autom_id(
        &principal,
        &tenant,
        AuditAction::AutomSetEnabled,
        Action::Update,
        &id,
    )
    .await?;
    crate::ssr::hub()?
        .set_autom_enabled(&principal, &tenant, id, enabled)
        .await
}

/// Deletes an Autom and its runs.
#[server(endpoint = "t/automs/delete")]
pub async fn delete_autom(tenant: String, id: String) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    let id = autom_id(
        &principal,
        &tenant,
        AuditAction::AutomDelete,
        Action::Delete,
        &id,
    )
    .await?;
    crate::ssr::hub()?
        .delete_autom(&principal, &tenant, id)
        .await
}

/// The secret webhook address of a webhook Autom; `rotate` replaces it first.
#[server(endpoint = "t/automs/webhook")]
pub async fn autom_webhook(tenant: String, id: String, rotate: bool) -> Result<String, HubError> {
    let principal = crate::ssr::principal()?;
    let action = if rotate {
        AuditAction::AutomRotateWebhook
    } else {
        AuditAction::AutomRevealWebhook
    };
    let id = autom_id(&principal, &tenant, action, Action::Update, &id).await?;
    crate::ssr::hub()?
        .autom_webhook(&principal, &tenant, id, rotate)
        .await
}

/// "Run now", with an optional JSON object as the run's input.
#[server(endpoint = "t/automs/run")]
pub async fn run_autom(tenant: String, id: String, input: String) -> Result<RunSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let id = autom_id(&principal, &tenant, AuditAction::AutomRun, Action::Run, &id).await?;
    crate::ssr::hub()?
        .run_autom(&principal, &tenant, id, Some(&input))
        .await
}

/// The next runs of a schedule as it is typed (nothing is saved).
#[server(endpoint = "automs/schedule_preview")]
pub async fn preview_schedule(cron: String, timezone: String) -> Result<SchedulePreview, HubError> {
    crate::ssr::principal()?;
    Ok(hub_core::automs::schedule::parse(&cron, &timezone)?.preview(hub_core::clock::now_ms()))
}

/// One page of the tenant's runs (of one Autom, when `autom` names one), newest first.
/// Filters: `status` and `trigger` by their names, `range` the last `24h`, `7d` or `30d`
/// (counted on the server's clock; empty: any time).
#[server(endpoint = "t/runs")]
pub async fn list_runs(
    tenant: String,
    autom: String,
    status: String,
    trigger: String,
    range: String,
    page: i64,
    per_page: i64,
) -> Result<RunPage, HubError> {
    let principal = crate::ssr::principal()?;
    let autom = if autom.is_empty() {
        None
    } else {
        Some(
            autom_id(
                &principal,
                &tenant,
                AuditAction::RunList,
                Action::View,
                &autom,
            )
            .await?,
        )
    };
    let hours = match range.as_str() {
        "24h" => Some(24),
        "7d" => Some(7 * 24),
        "30d" => Some(30 * 24),
        _ => None,
    };
    let query = hub_core::automs::runs::RunQuery {
        autom,
        status: RunStatus::parse(&status),
        trigger: hub_model::automs::RunTrigger::parse(&trigger),
        since: hours.map(|h: i64| hub_core::clock::now_ms() - h * 3_600_000),
        until: None,
        page,
        per_page,
    };
    crate::ssr::hub()?.runs(&principal, &tenant, &query).await
}

/// One run with its log.
#[server(endpoint = "t/runs/get")]
pub async fn get_run(tenant: String, id: String) -> Result<RunDetail, HubError> {
    let principal = crate::ssr::principal()?;
    let id = run_id(&principal, &tenant, AuditAction::RunView, Action::View, &id).await?;
    crate::ssr::hub()?.run(&principal, &tenant, id).await
}

/// Cancels a queued or running run.
#[server(endpoint = "t/runs/cancel")]
pub async fn cancel_run(tenant: String, id: String) -> Result<RunSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let id = run_id(
        &principal,
        &tenant,
        AuditAction::RunCancel,
        Action::Run,
        &id,
    )
    .await?;
    crate::ssr::hub()?.cancel_run(&principal, &tenant, id).await
}
