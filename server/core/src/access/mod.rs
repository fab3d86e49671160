//! Authorization: who may enter which tenant, with which permissions, and the one way to
//! touch tenant data, the tenant-scoped transaction [`TenantTx`] (DESIGN §6).
//!
//! Every connection the core uses comes from one of the scope types built here, each from a
//! [`Caller`] after its authorization check: [`TenantTx`] (one tenant), [`msp::MspTx`] (MSP
//! administration), [`read_scope::ReadScope`] (reading the tenants the caller may see), and
//! [`system::SystemTx`] (the hub's own work: sign-in, sessions, setup, public assets).
//!
//! A `TenantTx` can only be built here, from a [`Caller`] and a tenant that caller may
//! enter; building it checks the access, sets the PostgreSQL tenant
//! scope for the transaction ([`crate::db::scope`]) and reads the principal's permissions
//! there. Every refusal is written to the audit log with the principal, the tenant and the
//! action, and answers as if the tenant did not exist (404), so existence does not leak.
//!
//! Who may enter a tenant:
//! - the MSP Admin: every tenant, also deactivated ones, with every permission;
//! - a tenant API key: its one tenant while it is active, with no permission of the matrix
//!   (keys act by their scopes, [`TenantTx::require_scope`]);
//! - the system: every tenant, with every permission (scheduled work);
//! - the Administrator of an unlicensed hub: the organization workspace;
//! - a technician: the active tenants they are assigned to, with that assignment's matrix;
//! - a tenant user: their one tenant while it is active, with their tenant role's matrix.

pub mod msp;
pub mod read_scope;
pub mod system;

use crate::{
    audit::{AuditEvent, Outcome},
    caller::Caller,
    db::{scope::enter_tenant, DbResultExt as _},
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{
    api_keys::ApiScope,
    permissions::{Action, Permission, PermissionSet},
    session::SystemRole,
    tenant_users::TenantContext,
    HubError, HubResult, TenantId,
};

/// What this module does as the hub itself (no caller's rights decide it).
const LAST_TENANT: crate::caller::SystemTask =
    crate::caller::SystemTask::new("remember the last tenant");

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

/// A transaction scoped to one tenant the caller may enter.
pub struct TenantTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    context: TenantContext,
    caller: Caller,
}

impl std::fmt::Debug for TenantTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantTx")
            .field("tenant", &self.context.id)
            .field("caller", &self.caller.describe())
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

    /// Who acts.
    pub fn caller(&self) -> &Caller {
        &self.caller
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

    /// Writes an allowed event of the caller in this tenant to the audit log, in this
    /// transaction (so it commits with the change it describes).
    pub(crate) async fn record(
        &mut self,
        action: AuditAction,
        target: &str,
        detail: String,
    ) -> HubResult<()> {
        let tenant = self.tenant_id();
        AuditEvent::allowed(&self.caller, action, Some(tenant), target, detail)
            .record(&mut *self.tx)
            .await
    }

    /// Ends the transaction without writing, records the refusal, and returns `error`.
    pub(crate) async fn deny(self, hub: &Hub, action: AuditAction, error: HubError) -> HubError {
        let Self {
            tx,
            context,
            caller,
        } = self;
        drop(tx);
        hub.record_denial(&caller, Some(context.id), action, &context.slug, &error)
            .await;
        error
    }

    /// Refuses (and audits) unless the caller is a key holding `scope`.
    pub async fn require_scope(
        self,
        hub: &Hub,
        action: AuditAction,
        scope: ApiScope,
    ) -> HubResult<Self> {
        match self.caller.key().map(|key| key.require_scope(scope)) {
            Some(Ok(())) => Ok(self),
            Some(Err(error)) => Err(self.deny(hub, action, error).await),
            None => Err(self.deny(hub, action, HubError::Forbidden).await),
        }
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
    /// Begins a read-only transaction scoped to the tenant `key` names, for `caller`,
    /// refusing (and auditing) when they may not enter it. `action` names the operation for
    /// the audit log.
    pub async fn enter_tenant(
        &self,
        caller: impl Into<Caller>,
        key: TenantKey<'_>,
        action: AuditAction,
    ) -> HubResult<TenantTx> {
        self.enter_tenant_for(caller.into(), key, action, false)
            .await
    }

    /// [`Hub::enter_tenant`] for a transaction that reads, or (`write`) one that will write.
    async fn enter_tenant_for(
        &self,
        caller: Caller,
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
            self.record_denial(&caller, None, action, &key.describe(), &not_found())
                .await;
            return Err(not_found());
        };
        let tenant = TenantId::parse(&id).ok_or_else(|| crate::db::internal(&"tenant id"))?;
        let active = active == 1;
        let principal = match &caller {
            Caller::User(principal) => principal,
            Caller::ApiKey(key) => {
                let granted = if key.tenant != tenant || kind != "tenant" {
                    Err(not_found())
                } else if !active {
                    Err(HubError::TenantDeactivated)
                } else {
                    Ok((PermissionSet::empty(), format!("API key {}", key.name)))
                };
                return self
                    .finish_entering(tx, caller, action, tenant, (slug, name, active), granted)
                    .await;
            }
            Caller::System(_) => {
                let granted = Ok((PermissionSet::all(), "System".to_owned()));
                return self
                    .finish_entering(tx, caller, action, tenant, (slug, name, active), granted)
                    .await;
            }
        };
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
            Ok(Some(granted)) => Ok(granted),
            Err(error) => Err(error),
            Ok(None) => {
                enter_tenant(&mut tx, tenant).await?;
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
                role.map(|role| (PermissionSet::from_bits(role.permissions), role.name))
                    .ok_or_else(not_found)
            }
        };
        self.finish_entering(tx, caller, action, tenant, (slug, name, active), granted)
            .await
    }

    /// Enters the scope with what the caller was granted, or records the refusal.
    async fn finish_entering(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        caller: Caller,
        action: AuditAction,
        tenant: TenantId,
        (slug, name, active): (String, String, bool),
        granted: HubResult<(PermissionSet, String)>,
    ) -> HubResult<TenantTx> {
        let (permissions, acting_as) = match granted {
            Ok(granted) => granted,
            Err(error) => {
                drop(tx);
                self.record_denial(&caller, Some(tenant), action, &slug, &error)
                    .await;
                return Err(error);
            }
        };
        // Idempotent: a tenant user's scope was entered to read their role.
        enter_tenant(&mut tx, tenant).await?;
        Ok(TenantTx {
            tx,
            context: TenantContext {
                id: tenant,
                slug,
                name,
                active,
                permissions,
                acting_as,
                open_alerts: None,
            },
            caller,
        })
    }

    /// [`Hub::enter_tenant`], then refuses (and audits) unless `permission` is held there.
    /// Anything but viewing writes, so its transaction takes the write lock up front.
    pub async fn tenant_tx(
        &self,
        caller: impl Into<Caller>,
        key: TenantKey<'_>,
        action: AuditAction,
        permission: Permission,
    ) -> HubResult<TenantTx> {
        let write = permission.action != Action::View;
        self.enter_tenant_for(caller.into(), key, action, write)
            .await?
            .require(self, action, permission)
            .await
    }

    /// Begins a transaction that will write, scoped to `tenant` for an API key or the
    /// system (who name tenants by id); refusals are audited like every refusal.
    pub(crate) async fn tenant_tx_for_key(
        &self,
        caller: Caller,
        tenant: TenantId,
        action: AuditAction,
    ) -> HubResult<TenantTx> {
        self.enter_tenant_for(caller, TenantKey::Id(tenant), action, true)
            .await
    }

    /// Refuses a request that names something unreadable (a malformed id) inside tenant
    /// `key`, as if it named a missing thing: audited like every refusal. The caller is
    /// checked first exactly as the operation would check them (entering the tenant, then
    /// `permission` there), so a caller who may not act gets that refusal whatever they send.
    pub async fn refuse_unknown_in_tenant(
        &self,
        principal: &Principal,
        key: TenantKey<'_>,
        action: AuditAction,
        permission: Permission,
        what: &str,
    ) -> HubError {
        match self.tenant_tx(principal, key, action, permission).await {
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
        let mut scope = self
            .enter_tenant(principal, TenantKey::Slug(slug), AuditAction::TenantOpen)
            .await?;
        let mut context = scope.context().clone();
        if scope.allows(crate::alerts::alerts(Action::View)) {
            context.open_alerts = Some(crate::alerts::open_count(&mut scope).await?);
        }
        scope.commit().await?;
        sqlx::query(
            "UPDATE users SET last_tenant_id = $1 WHERE id = $2 \
             AND (last_tenant_id IS NULL OR last_tenant_id <> $1)",
        )
        .bind(context.id.to_string())
        .bind(principal.user_id.to_string())
        .execute(self.system_conn(LAST_TENANT).await?.conn())
        .await
        .db()?;
        Ok(context)
    }

    /// Writes a denied attempt to the audit log. A failure to write is logged, not raised:
    /// the caller is refused either way.
    pub(crate) async fn record_denial(
        &self,
        actor: &impl crate::audit::AuditActor,
        tenant: Option<TenantId>,
        action: AuditAction,
        target: &str,
        error: &HubError,
    ) {
        let event = AuditEvent {
            outcome: Outcome::Denied,
            ..AuditEvent::allowed(actor, action, tenant, target, error.to_string())
        };
        if let Err(failure) = self.audit(event).await {
            tracing::error!(%failure, %action, "could not record a denied attempt");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every connection comes from a scope type: only `access/` (which builds them) and
    /// `db/` (which opens the pool) may begin a transaction or take a pooled connection.
    #[test]
    fn only_the_scope_types_open_connections() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let mut offenders = Vec::new();
        for file in files {
            let relative = file.strip_prefix(&root).expect("under src");
            if relative.starts_with("access") || relative.starts_with("db") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read");
            for needle in [
                "begin_write(",
                "begin_read(",
                ".acquire(",
                "pool_for_tests(",
            ] {
                if text.contains(needle) {
                    offenders.push(format!("{} uses {needle}", relative.display()));
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
