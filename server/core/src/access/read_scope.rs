//! The cross-tenant read scope: reading the tenants a caller may see, and nothing else (the
//! overview, the tenant summary, the switcher, vault governance). The set is computed here
//! from the caller as [`Hub::enter_tenant`] admits them (a tenant user: their home tenant
//! while active; their role, which is tenant data, is read only inside it), and is held by the
//! transaction: on PostgreSQL as `app.read_tenants` (or `app.read_all_tenants` for the MSP
//! Admin, who may see every tenant), which a `FOR SELECT` row-level security policy on
//! every tenant table checks (migration 0010); the transaction is `READ ONLY`. With nothing
//! set, no tenant rows. On SQLite every query also filters by [`ReadScope::tenants`].

use crate::{caller::Caller, db::DbResultExt as _, Hub};
use hub_model::{session::SystemRole, HubResult, TenantId};

/// Which tenants a read scope covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    /// Every customer tenant (the MSP Admin, the system).
    AllTenants,
    /// Exactly these (a technician's active assignments, a tenant user's or key's tenant,
    /// the unlicensed Administrator's organization workspace); maybe none.
    Only(Vec<TenantId>),
}

impl Visible {
    /// Whether `tenant` is in the scope (for an [`Visible::AllTenants`] scope: any customer
    /// tenant, which the caller's queries check with `kind = 'tenant'`).
    pub fn includes(&self, tenant: TenantId) -> bool {
        match self {
            Self::AllTenants => true,
            Self::Only(ids) => ids.contains(&tenant),
        }
    }
}

/// A read-only transaction over the tenants a caller may see.
pub struct ReadScope {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    visible: Visible,
    caller: Caller,
}

impl std::fmt::Debug for ReadScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadScope")
            .field("caller", &self.caller.describe())
            .field("visible", &self.visible)
            .finish_non_exhaustive()
    }
}

impl ReadScope {
    /// The tenants it covers.
    pub fn visible(&self) -> &Visible {
        &self.visible
    }

    /// Who reads.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The connection, for queries inside the scope.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// The connection, for tests that check what the scope lets through.
    #[cfg(feature = "testing")]
    pub fn conn_for_tests(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Ends the scope.
    pub async fn finish(self) -> HubResult<()> {
        self.tx.commit().await.db()
    }
}

#[derive(sqlx::FromRow)]
struct IdRow {
    id: String,
}

impl Hub {
    /// A read-only transaction over exactly the tenants `caller` may see.
    pub async fn read_scope(&self, caller: impl Into<Caller>) -> HubResult<ReadScope> {
        let caller = caller.into();
        let mut tx = self.db().begin_read().await?;
        let query = match &caller {
            Caller::System(_) => None,
            Caller::User(principal) => match principal.role {
                SystemRole::MspAdmin => None,
                SystemRole::Administrator => Some((
                    "SELECT id FROM tenants WHERE kind = 'organization' AND $1 = $1",
                    principal.user_id.to_string(),
                )),
                SystemRole::Technician => Some((
                    "SELECT t.id FROM technician_assignments a JOIN tenants t ON t.id = a.tenant_id \
                     WHERE a.user_id = $1 AND t.kind = 'tenant' AND t.active = 1 ORDER BY t.id",
                    principal.user_id.to_string(),
                )),
                SystemRole::TenantUser => Some((
                    "SELECT t.id FROM users u JOIN tenants t ON t.id = u.tenant_id \
                     WHERE u.id = $1 AND t.kind = 'tenant' AND t.active = 1",
                    principal.user_id.to_string(),
                )),
            },
            Caller::ApiKey(key) => Some((
                "SELECT id FROM tenants WHERE id = $1 AND kind = 'tenant' AND active = 1",
                key.tenant.to_string(),
            )),
        };
        let visible = match query {
            None => Visible::AllTenants,
            Some((sql, bind)) => {
                let rows: Vec<IdRow> = sqlx::query_as(sql)
                    .bind(bind)
                    .fetch_all(&mut *tx)
                    .await
                    .db()?;
                Visible::Only(
                    rows.into_iter()
                        .map(|row| {
                            TenantId::parse(&row.id)
                                .ok_or_else(|| crate::db::internal(&"unreadable tenant id"))
                        })
                        .collect::<HubResult<_>>()?,
                )
            }
        };
        crate::db::scope::enter_read_scope(&mut tx, &visible).await?;
        Ok(ReadScope {
            tx,
            visible,
            caller,
        })
    }
}
