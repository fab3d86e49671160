//! What every new tenant starts with: the Tenant Admin and Viewer roles and a default
//! dashboard (DESIGN §2), and the list of tables whose rows belong to one tenant.

use crate::db::{scope::enter_tenant, DbResultExt as _};
use hub_model::{permissions::PermissionSet, HubResult, TenantId};
use uuid::Uuid;

/// Every table whose rows belong to one tenant: each has a `tenant_id` column and, on
/// PostgreSQL, a row-level security policy (migrations 0003 and 0011). Tests check this list against
/// the schema and the policies, so that no new table escapes.
pub const TENANT_TABLES: &[&str] = &[
    "tenant_roles",
    "dashboards",
    "dashboard_widgets",
    "tenant_members",
    "automs",
    "autom_runs",
    "autom_run_log",
    "alerts",
    "vault_keys",
    "vault_items",
];

/// Tables that name a tenant but are not tenant data, each for a reason: the audit log
/// (append-only, read across tenants by the MSP Admin), `users` (an account's home tenant,
/// read at sign-in before any scope), `technician_assignments` (the access list that
/// decides which scope may be entered; MSP-level, written only by the MSP Admin) and
/// `tenant_email_domains` (which tenant owns a domain: MSP-level, written only by the MSP
/// Admin, unique across tenants) and `api_keys` (read when a request presents a key, before
/// any scope exists; MSP-level, written only by the MSP Admin).
pub const ACCESS_TABLES: &[&str] = &[
    "audit_events",
    "technician_assignments",
    "users",
    "tenant_email_domains",
    "api_keys",
];

/// The default dashboard's widgets, in order.
const DEFAULT_WIDGETS: &[&str] = &[
    "usage_vs_limits",
    "runs_over_time",
    "success_rate",
    "alerts_by_severity",
    "recent_activity",
];

/// Creates the built-in roles and the default dashboard of a new tenant.
pub(super) async fn seed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant: TenantId,
    now: i64,
) -> HubResult<()> {
    enter_tenant(tx, tenant).await?;
    for (name, permissions) in [
        ("Tenant Admin", PermissionSet::all()),
        ("Viewer", PermissionSet::view_only()),
    ] {
        sqlx::query(
            "INSERT INTO tenant_roles (id, tenant_id, name, builtin, permissions, created_at) \
             VALUES ($1, $2, $3, 1, $4, $5)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(tenant.to_string())
        .bind(name)
        .bind(permissions.bits())
        .bind(now)
        .execute(&mut **tx)
        .await
        .db()?;
    }
    let dashboard = Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO dashboards (id, tenant_id, name, is_default, created_at) \
         VALUES ($1, $2, 'Overview', 1, $3)",
    )
    .bind(&dashboard)
    .bind(tenant.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await
    .db()?;
    for (position, kind) in (0_i64..).zip(DEFAULT_WIDGETS) {
        sqlx::query(
            "INSERT INTO dashboard_widgets (id, tenant_id, dashboard_id, kind, position) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(tenant.to_string())
        .bind(&dashboard)
        .bind(*kind)
        .bind(position)
        .execute(&mut **tx)
        .await
        .db()?;
    }
    Ok(())
}
