//! The overview pages' data: what needs the MSP Admin's attention (tenants at or near a
//! limit, deactivated tenants, the license's days left, technicians with no tenant), and a
//! technician's tenants with their access in each.

use crate::{
    clock::now_ms,
    db::DbResultExt as _,
    tenants::{count, summary_from_row, SummaryRow, SUMMARY_COLUMNS},
    Hub, Principal,
};
use hub_model::{
    audit::AuditAction,
    overview::{
        IdleTechnician, MspAttention, TenantAccess, ATTENTION_LIST_LEN, NEAR_LIMIT_PERCENT,
    },
    permissions::PermissionSet,
    session::SystemRole,
    HubError, HubResult, UserId,
};

const DAY_MS: i64 = 86_400_000;

/// `used` is at least [`NEAR_LIMIT_PERCENT`] of a positive `max`, for each kind of limit.
fn near_limit_filter() -> String {
    let near = |used: &str, max: &str| {
        format!("({max} > 0 AND {used} * 100 >= {max} * {NEAR_LIMIT_PERCENT})")
    };
    format!(
        "({} OR {} OR {})",
        near("used_automs", "max_automs"),
        near("used_users", "max_users"),
        near("used_agents", "max_agents")
    )
}

/// The largest share (percent) of any one of a tenant's limits, in SQL both databases run
/// (no `GREATEST`, which SQLite lacks; no two-argument `MAX`, which PostgreSQL lacks).
fn tightest_share() -> String {
    let share = |used: &str, max: &str| {
        format!("(CASE WHEN {max} > 0 THEN {used} * 100 / {max} ELSE 0 END)")
    };
    let (a, b, c) = (
        share("used_automs", "max_automs"),
        share("used_users", "max_users"),
        share("used_agents", "max_agents"),
    );
    format!("(CASE WHEN {a} >= {b} AND {a} >= {c} THEN {a} WHEN {b} >= {c} THEN {b} ELSE {c} END)")
}

#[derive(sqlx::FromRow)]
struct IdleRow {
    id: String,
    display_name: String,
    email: String,
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    slug: String,
    name: String,
    active: i64,
    permissions: i64,
}

impl Hub {
    /// What needs the MSP Admin's attention now (MSP Admin only, licensed).
    pub async fn msp_attention(&self, principal: &Principal) -> HubResult<MspAttention> {
        let (mut tx, license) = self
            .tenants_tx(principal, AuditAction::TenantList, false)
            .await?;
        let near = near_limit_filter();
        // Most used first: the largest share of any one limit.
        let share = tightest_share();
        let near_rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM tenants WHERE kind = 'tenant' AND active = 1 AND {near} \
             ORDER BY {share} DESC, name_key, id LIMIT $1"
        ))
        .bind(ATTENTION_LIST_LEN)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let near_limit_count: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM tenants WHERE kind = 'tenant' AND active = 1 AND {near}"
        ))
        .fetch_one(&mut *tx)
        .await
        .db()?;
        let inactive_rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM tenants WHERE kind = 'tenant' AND active = 0 \
             ORDER BY name_key, id LIMIT $1"
        ))
        .bind(ATTENTION_LIST_LEN)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let deactivated_count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM tenants WHERE kind = 'tenant' AND active = 0")
                .fetch_one(&mut *tx)
                .await
                .db()?;
        let idle = "u.system_role = 'technician' AND u.active = 1 AND NOT EXISTS \
                    (SELECT 1 FROM technician_assignments a WHERE a.user_id = u.id)";
        let idle_rows: Vec<IdleRow> = sqlx::query_as(&format!(
            "SELECT u.id, u.display_name, u.email FROM users u WHERE {idle} \
             ORDER BY LOWER(u.display_name), u.id LIMIT $1"
        ))
        .bind(ATTENTION_LIST_LEN)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let idle_technician_count: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users u WHERE {idle}"))
                .fetch_one(&mut *tx)
                .await
                .db()?;
        let tenants_used = count(&mut *tx).await?;
        tx.commit().await?;
        let idle_technicians = idle_rows
            .into_iter()
            .map(|row| {
                Ok(IdleTechnician {
                    id: UserId::parse(&row.id)
                        .ok_or_else(|| crate::db::internal(&"user id is not a uuid"))?,
                    display_name: row.display_name,
                    email: row.email,
                })
            })
            .collect::<HubResult<_>>()?;
        let left_ms = license.expires_at * 1000 - now_ms();
        Ok(MspAttention {
            near_limit: near_rows
                .iter()
                .map(summary_from_row)
                .collect::<HubResult<_>>()?,
            near_limit_count,
            deactivated: inactive_rows
                .iter()
                .map(summary_from_row)
                .collect::<HubResult<_>>()?,
            deactivated_count,
            idle_technicians,
            idle_technician_count,
            license_days_left: left_ms.div_euclid(DAY_MS),
            license_expires_on: hub_model::dates::iso_date_ms(license.expires_at * 1000),
            tenants_used,
            tenants_allowed: license.max_tenants,
        })
    }

    /// The tenants a technician is assigned to, with their access in each (deactivated ones
    /// included, marked: they open nothing until reactivated). Technicians only.
    pub async fn my_tenants(&self, principal: &Principal) -> HubResult<Vec<TenantAccess>> {
        if principal.role != SystemRole::Technician {
            let refused = HubError::Forbidden;
            self.record_denial(
                principal,
                None,
                AuditAction::TenantListMine,
                "my tenants",
                &refused,
            )
            .await;
            return Err(refused);
        }
        let mut scope = self.read_scope(principal).await?;
        let rows: Vec<AccessRow> = sqlx::query_as(
            "SELECT t.slug, t.name, t.active, a.permissions FROM technician_assignments a \
             JOIN tenants t ON t.id = a.tenant_id \
             WHERE a.user_id = $1 AND t.kind = 'tenant' ORDER BY t.name_key, t.id",
        )
        .bind(principal.user_id.to_string())
        .fetch_all(scope.conn())
        .await
        .db()?;
        scope.finish().await?;
        Ok(rows
            .into_iter()
            .map(|row| TenantAccess {
                slug: row.slug,
                name: row.name,
                active: row.active == 1,
                permissions: PermissionSet::from_bits(row.permissions),
            })
            .collect())
    }
}
