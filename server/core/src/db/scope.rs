//! The tenant scope of a transaction (DESIGN §6). On PostgreSQL every tenant table has
//! row-level security, FORCEd, on `current_setting('app.tenant_id', true)` (migration 0003):
//! with no tenant set a transaction sees no tenant rows, and with one set it can neither
//! read nor write another tenant's. SQLite has no such mechanism; there, as on PostgreSQL,
//! every query also filters on `tenant_id` itself.

use super::DbResultExt as _;
use hub_model::{HubResult, TenantId};

/// Sets `tenant` for the rest of `tx`. Called only by [`crate::access`] (which builds every
/// tenant-scoped transaction after checking the principal's access) and by
/// `tenants::defaults::seed`, which writes a new tenant's first rows in the transaction that
/// creates it.
///
/// Sets `tenant` for the rest of `tx` (`set_config(..., true)`: it ends with the transaction,
/// so a pooled connection never carries it into someone else's request).
pub(crate) async fn enter_tenant(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant: TenantId,
) -> HubResult<()> {
    if tx.backend_name() == "PostgreSQL" {
        // The read-scope settings are switched off explicitly: the read policies are OR'ed
        // with the tenant policy, so a default set elsewhere must never widen this scope.
        sqlx::query(
            "SELECT set_config('app.tenant_id', $1, true), \
                    set_config('app.read_all_tenants', 'off', true), \
                    set_config('app.read_tenants', '', true)",
        )
        .bind(tenant.to_string())
        .execute(&mut **tx)
        .await
        .db()?;
    }
    Ok(())
}

/// Makes `tx` a read-only view of the tenants in `visible` (the cross-tenant read scope).
/// Called only by [`crate::access::read_scope`].
pub(crate) async fn enter_read_scope(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    visible: &crate::access::read_scope::Visible,
) -> HubResult<()> {
    use crate::access::read_scope::Visible;
    if tx.backend_name() == "PostgreSQL" {
        sqlx::query("SET TRANSACTION READ ONLY")
            .execute(&mut **tx)
            .await
            .db()?;
        let (all, list) = match visible {
            Visible::AllTenants => ("on", String::new()),
            Visible::Only(ids) => (
                "off",
                format!(
                    "{{{}}}",
                    ids.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            ),
        };
        sqlx::query(
            "SELECT set_config('app.read_all_tenants', $1, true), \
                    set_config('app.read_tenants', $2, true)",
        )
        .bind(all)
        .bind(list)
        .execute(&mut **tx)
        .await
        .db()?;
    }
    Ok(())
}
