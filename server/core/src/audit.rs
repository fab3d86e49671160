//! Audit events: who, acting as what, which tenant, what, allowed or denied, when.
//! Append-only: the database refuses updates and deletes (trigger, and on PostgreSQL the
//! runtime role has no UPDATE or DELETE grant).

use crate::{clock::now_ms, db::DbResultExt as _, Hub};
use hub_model::audit::AuditAction;
use hub_model::{ApiKeyId, HubResult, TenantId, UserId};
use uuid::Uuid;

/// What this module does as the hub itself (no caller's rights decide it).
const AUDIT: crate::caller::SystemTask = crate::caller::SystemTask::new("audit log");

/// Whether the action was carried out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Denied => "denied",
        }
    }
}

/// Whoever the audit log can name as acting: a person or any [`crate::Caller`].
pub trait AuditActor {
    /// The user, when a person acts.
    fn user_id(&self) -> Option<UserId>;
    /// The API key, when a key acts.
    fn api_key_id(&self) -> Option<ApiKeyId>;
    /// What they acted as (`msp_admin`, `api_key`, `system`).
    fn acting_as(&self) -> &'static str;
}

impl AuditActor for crate::Principal {
    fn user_id(&self) -> Option<UserId> {
        Some(self.user_id)
    }
    fn api_key_id(&self) -> Option<ApiKeyId> {
        None
    }
    fn acting_as(&self) -> &'static str {
        self.role.as_str()
    }
}

impl AuditActor for crate::Caller {
    fn user_id(&self) -> Option<UserId> {
        Self::user_id(self)
    }
    fn api_key_id(&self) -> Option<ApiKeyId> {
        self.key_id()
    }
    fn acting_as(&self) -> &'static str {
        Self::acting_as(self)
    }
}

/// One event to append.
#[derive(Clone, Debug)]
pub struct AuditEvent<'a> {
    /// The user, when known.
    pub actor: Option<UserId>,
    /// The API key, when a key acted.
    pub api_key: Option<ApiKeyId>,
    /// The role the actor acted as (`anonymous` before sign-in).
    pub acting_as: &'a str,
    /// The tenant it concerns, if any.
    pub tenant: Option<TenantId>,
    /// A dotted verb, such as `auth.login`.
    pub action: AuditAction,
    /// What it was done to.
    pub target: &'a str,
    pub outcome: Outcome,
    /// Free text for people reading the log.
    pub detail: String,
}

impl<'a> AuditEvent<'a> {
    /// An action `actor` was allowed to carry out.
    pub fn allowed(
        actor: &impl AuditActor,
        action: AuditAction,
        tenant: Option<TenantId>,
        target: &'a str,
        detail: String,
    ) -> Self {
        Self {
            actor: actor.user_id(),
            api_key: actor.api_key_id(),
            acting_as: actor.acting_as(),
            tenant,
            action,
            target,
            outcome: Outcome::Allowed,
            detail,
        }
    }

    /// An action `actor` was refused.
    pub fn denied(
        actor: &impl AuditActor,
        action: AuditAction,
        tenant: Option<TenantId>,
        target: &'a str,
        detail: String,
    ) -> Self {
        Self {
            outcome: Outcome::Denied,
            ..Self::allowed(actor, action, tenant, target, detail)
        }
    }

    /// Appends the event with `executor` (inside the caller's transaction when it has one).
    pub async fn record(
        &self,
        executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    ) -> HubResult<()> {
        sqlx::query(
            "INSERT INTO audit_events (id, at, actor_user_id, actor_api_key_id, acting_as, tenant_id, \
             action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(now_ms())
        .bind(self.actor.map(|id| id.to_string()))
        .bind(self.api_key.map(|id| id.to_string()))
        .bind(self.acting_as)
        .bind(self.tenant.map(|id| id.to_string()))
        .bind(self.action.as_str())
        .bind(self.target)
        .bind(self.outcome.as_str())
        .bind(&self.detail)
        .execute(executor)
        .await
        .db()?;
        Ok(())
    }
}

/// One stored event, as read back.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredAuditEvent {
    pub actor: Option<String>,
    pub acting_as: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
}

impl Hub {
    /// Appends an audit event on its own.
    pub async fn audit(&self, event: AuditEvent<'_>) -> HubResult<()> {
        event.record(self.system_conn(AUDIT).await?.conn()).await
    }

    /// The newest events first.
    pub async fn recent_audit_events(&self, limit: i64) -> HubResult<Vec<StoredAuditEvent>> {
        sqlx::query_as(
            "SELECT actor_user_id AS actor, acting_as, action, target, outcome FROM audit_events \
             ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.system_conn(AUDIT).await?.conn())
        .await
        .db()
    }
}
