//! Authorization: who may enter which tenant, with which permissions, and the one way to
//! touch tenant data, the tenant-scoped transaction [`TenantTx`] (DESIGN §6).
//!
//! A `TenantTx` can only be built here, from an authenticated [`Principal`] and a tenant
//! that principal may enter; building it checks the access, sets the PostgreSQL tenant
//! scope for the transaction ([`crate::db::scope`]) and reads the principal's permissions
//! there. Every refusal is written to the audit log with the principal, the tenant and the
//! action, and answers as if the tenant did not exist (404), so existence does not leak.
//!
//! Who may enter a tenant:
//! - the MSP Admin: every tenant, also deactivated ones, with every permission;
//! - the Administrator of an unlicensed hub: the organization workspace;
//! - a technician: the active tenants they are assigned to, with that assignment's matrix;
//! - a tenant user: their one tenant while it is active, with their tenant role's matrix.

use crate::{
    audit::{AuditEvent, Outcome},
    db::{scope::enter_tenant, DbResultExt as _},
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{
    permissions::{Action, Permission, PermissionSet},
    session::SystemRole,
    tenant_users::TenantContext,
    HubError, HubResult, TenantId,
};

/// How a request names a tenant: tenant pages by slug (the URL), MSP pages by id.
#[derive(Clone, Copy, Debug)]
pub enum TenantKey<'a> {
    Id(TenantId),
    Slug(&'a str),
}

impl TenantKey<'_> {
    fn describe(&self) -> String {
        match self {
            Self::Id(id) => id.to_string(),
            Self::Slug(slug) => (*slug).to_owned(),
        }
    }
}

/// A transaction scoped to one tenant the principal may enter.
pub struct TenantTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    context: TenantContext,
    principal: Principal,
}

impl std::fmt::Debug for TenantTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantTx")
            .field("tenant", &self.context.id)
            .field("principal", &self.principal.user_id)
            .finish_non_exhaustive()
    }
}

impl TenantTx {
    /// The tenant, with the principal's permissions in it.
    pub fn context(&self) -> &TenantContext {
        &self.context
    }

    /// The tenant id every query of this transaction binds in `WHERE tenant_id = ...`.
    pub fn tenant_id(&self) -> TenantId {
        self.context.id
    }

    /// The tenant id as bound in SQL.
    pub(crate) fn tenant_key(&self) -> String {
        self.context.id.to_string()
    }

    /// The principal acting.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The connection, for queries inside the scope.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Whether the principal holds `permission` here.
    pub fn allows(&self, permission: Permission) -> bool {
        self.context.permissions.allows(permission)
    }

    /// Commits.
    pub async fn commit(self) -> HubResult<()> {
        self.tx.commit().await.db()
    }

    /// Ends the transaction without writing, records the refusal, and returns `error`.
    pub(crate) async fn deny(self, hub: &Hub, action: AuditAction, error: HubError) -> HubError {
        let Self {
            tx,
            context,
            principal,
        } = self;
        drop(tx);
        hub.record_denial(&principal, Some(context.id), action, &context.slug, &error)
            .await;
        error
    }

    /// Refuses (and audits) unless the principal holds `permission` here.
    pub(crate) async fn require(
        self,
        hub: &Hub,
        action: AuditAction,
        permission: Permission,
    ) -> HubResult<Self> {
        if self.allows(permission) {
            Ok(self)
        } else {
            Err(self.deny(hub, action, HubError::Forbidden).await)
        }
    }

    /// Refuses (and audits) granting permissions the principal does not hold here.
    pub(crate) async fn require_grantable(
        self,
        hub: &Hub,
        action: AuditAction,
        granted: PermissionSet,
    ) -> HubResult<Self> {
        if self.context.permissions.contains(granted) {
            Ok(self)
        } else {
            Err(self.deny(hub, action, HubError::PermissionEscalation).await)
        }
    }
}

/// One tenant row as the access check reads it.
#[derive(sqlx::FromRow)]
struct TenantRow {
    id: String,
    slug: String,
    name: String,
    active: i64,
    kind: String,
}

/// A tenant user's role as the access check reads it.
#[derive(sqlx::FromRow)]
struct MemberRoleRow {
    permissions: i64,
    name: String,
}

impl Hub {
    /// Begins a read-only transaction scoped to the tenant `key` names, for `principal`,
    /// refusing (and auditing) when they may not enter it. `action` names the operation for
    /// the audit log.
    pub async fn enter_tenant(
        &self,
        principal: &Principal,
        key: TenantKey<'_>,
        action: AuditAction,
    ) -> HubResult<TenantTx> {
        self.enter_tenant_for(principal, key, action, false).await
    }

    /// [`Hub::enter_tenant`] for a transaction that reads, or (`write`) one that will write.
    async fn enter_tenant_for(
        &self,
        principal: &Principal,
        key: TenantKey<'_>,
        action: AuditAction,
        write: bool,
    ) -> HubResult<TenantTx> {
        let mut tx = if write {
            self.db().begin_write().await?
        } else {
            self.db().begin_read().await?
        };
        let row: Option<TenantRow> = match key {
            TenantKey::Id(id) => {
                sqlx::query_as("SELECT id, slug, name, active, kind FROM tenants WHERE id = $1")
                    .bind(id.to_string())
            }
            TenantKey::Slug(slug) => {
                sqlx::query_as("SELECT id, slug, name, active, kind FROM tenants WHERE slug = $1")
                    .bind(slug.to_owned())
            }
        }
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let not_found = || HubError::not_found("The tenant");
        let Some(TenantRow {
            id,
            slug,
            name,
            active,
            kind,
        }) = row
        else {
            drop(tx);
            self.record_denial(principal, None, action, &key.describe(), &not_found())
                .await;
            return Err(not_found());
        };
        let tenant = TenantId::parse(&id).ok_or_else(|| crate::db::internal(&"tenant id"))?;
        let active = active == 1;
        let user = principal.user_id.to_string();
        // What the principal is granted by its role, before the scope is entered.
        let granted: Result<Option<(PermissionSet, String)>, HubError> = match principal.role {
            SystemRole::MspAdmin if kind == "tenant" => {
                Ok(Some((PermissionSet::all(), "MSP Admin".to_owned())))
            }
            SystemRole::Administrator if kind == "organization" => {
                Ok(Some((PermissionSet::all(), "Administrator".to_owned())))
            }
            SystemRole::Technician if kind == "tenant" => {
                let bits: Option<i64> = sqlx::query_scalar(
                    "SELECT permissions FROM technician_assignments \
                     WHERE user_id = $1 AND tenant_id = $2",
                )
                .bind(&user)
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await
                .db()?;
                match bits {
                    None => Err(not_found()),
                    Some(_) if !active => Err(HubError::TenantDeactivated),
                    Some(bits) => Ok(Some((
                        PermissionSet::from_bits(bits),
                        "Technician".to_owned(),
                    ))),
                }
            }
            SystemRole::TenantUser if kind == "tenant" => {
                let home: Option<String> =
                    sqlx::query_scalar("SELECT tenant_id FROM users WHERE id = $1")
                        .bind(&user)
                        .fetch_optional(&mut *tx)
                        .await
                        .db()?
                        .flatten();
                match home {
                    Some(home) if home == id && !active => Err(HubError::TenantDeactivated),
                    // The role is tenant data: read once the scope is entered.
                    Some(home) if home == id => Ok(None),
                    _ => Err(not_found()),
                }
            }
            _ => Err(not_found()),
        };
        let granted = match granted {
            Ok(granted) => granted,
            Err(error) => {
                drop(tx);
                self.record_denial(principal, Some(tenant), action, &slug, &error)
                    .await;
                return Err(error);
            }
        };
        enter_tenant(&mut tx, tenant).await?;
        let (permissions, acting_as) = match granted {
            Some(granted) => granted,
            None => {
                let role: Option<MemberRoleRow> = sqlx::query_as(
                    "SELECT r.permissions, r.name FROM tenant_members m \
                     JOIN tenant_roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id \
                     WHERE m.tenant_id = $1 AND m.user_id = $2",
                )
                .bind(&id)
                .bind(&user)
                .fetch_optional(&mut *tx)
                .await
                .db()?;
                match role {
                    Some(role) => (PermissionSet::from_bits(role.permissions), role.name),
                    None => {
                        drop(tx);
                        self.record_denial(principal, Some(tenant), action, &slug, &not_found())
                            .await;
                        return Err(not_found());
                    }
                }
            }
        };
        Ok(TenantTx {
            tx,
            context: TenantContext {
                id: tenant,
                slug,
                name,
                active,
                permissions,
                acting_as,
            },
            principal: principal.clone(),
        })
    }

    /// [`Hub::enter_tenant`], then refuses (and audits) unless `permission` is held there.
    /// Anything but viewing writes, so its transaction takes the write lock up front.
    pub async fn tenant_tx(
        &self,
        principal: &Principal,
        key: TenantKey<'_>,
        action: AuditAction,
        permission: Permission,
    ) -> HubResult<TenantTx> {
        let write = permission.action != Action::View;
        self.enter_tenant_for(principal, key, action, write)
            .await?
            .require(self, action, permission)
            .await
    }

    /// Refuses a request that names something unreadable (a malformed id) inside tenant
    /// `key`, as if it named a missing thing: audited like every refusal. A caller who may
    /// not enter the tenant gets that refusal instead.
    pub async fn refuse_unknown_in_tenant(
        &self,
        principal: &Principal,
        key: TenantKey<'_>,
        action: AuditAction,
        what: &str,
    ) -> HubError {
        match self.enter_tenant(principal, key, action).await {
            Ok(scope) => scope.deny(self, action, HubError::not_found(what)).await,
            Err(error) => error,
        }
    }

    /// The tenant a tenant page is about and what the principal may do there; also
    /// remembers it as the principal's last tenant (where the next sign-in lands).
    pub async fn tenant_context(
        &self,
        principal: &Principal,
        slug: &str,
    ) -> HubResult<TenantContext> {
        let scope = self
            .enter_tenant(principal, TenantKey::Slug(slug), AuditAction::TenantOpen)
            .await?;
        let context = scope.context().clone();
        scope.commit().await?;
        sqlx::query(
            "UPDATE users SET last_tenant_id = $1 WHERE id = $2 \
             AND (last_tenant_id IS NULL OR last_tenant_id <> $1)",
        )
        .bind(context.id.to_string())
        .bind(principal.user_id.to_string())
        .execute(self.db().pool())
        .await
        .db()?;
        Ok(context)
    }

    /// The MSP Admin only; a refusal is audited.
    pub(crate) async fn msp_admin_only(
        &self,
        principal: &Principal,
        action: AuditAction,
    ) -> HubResult<()> {
        match principal.require_msp_admin() {
            Ok(()) => Ok(()),
            Err(error) => {
                self.record_denial(principal, None, action, "msp", &error)
                    .await;
                Err(error)
            }
        }
    }

    /// Hub administrators only; a refusal is audited.
    pub(crate) async fn hub_admin_only(
        &self,
        principal: &Principal,
        action: AuditAction,
    ) -> HubResult<()> {
        match principal.require_hub_admin() {
            Ok(()) => Ok(()),
            Err(error) => {
                self.record_denial(principal, None, action, "msp", &error)
                    .await;
                Err(error)
            }
        }
    }

    /// Writes a denied attempt to the audit log. A failure to write is logged, not raised:
    /// the caller is refused either way.
    pub(crate) async fn record_denial(
        &self,
        principal: &Principal,
        tenant: Option<TenantId>,
        action: AuditAction,
        target: &str,
        error: &HubError,
    ) {
        let event = AuditEvent {
            actor: Some(principal.user_id),
            acting_as: principal.role.as_str(),
            tenant,
            action,
            target,
            outcome: Outcome::Denied,
            detail: error.to_string(),
        };
        if let Err(failure) = self.audit(event).await {
            tracing::error!(%failure, %action, "could not record a denied attempt");
        }
    }
}
