//! The MSP Admin's view of every tenant's vault: item counts by kind, when items last changed
//! and were last revealed, and the items whose secret has not changed for N days. Metadata
//! only: no secret, sealed or not, is read here. Reads through the cross-tenant read scope.

use crate::{clock::now_ms, db::DbResultExt as _, Hub, Principal};
use hub_model::{
    audit::AuditAction,
    session::SystemRole,
    vault::{ItemKind, StaleItem, TenantVaultStats, VaultGovernance, STALE_LIST_LEN},
    HubError, HubResult, TenantId, VaultItemId,
};

const DAY_MS: i64 = 86_400_000;
/// The longest rotation age the page accepts, in days (ten years).
pub const MAX_STALE_DAYS: i64 = 3_650;

#[derive(sqlx::FromRow)]
struct KindRow {
    tenant_id: String,
    slug: String,
    name: String,
    kind: String,
    items: i64,
    last_changed_at: Option<i64>,
    last_revealed_at: Option<i64>,
    stale: i64,
}

#[derive(sqlx::FromRow)]
struct StaleRow {
    tenant_slug: String,
    tenant_name: String,
    id: String,
    name: String,
    kind: String,
    secret_changed_at: i64,
}

impl Hub {
    /// Every tenant's vault at a glance (MSP Admin only); items count as stale when their
    /// secret is older than `stale_days` (1 to [`MAX_STALE_DAYS`]).
    pub async fn vault_governance(
        &self,
        principal: &Principal,
        stale_days: i64,
    ) -> HubResult<VaultGovernance> {
        let action = AuditAction::VaultGovernance;
        if principal.role != SystemRole::MspAdmin {
            self.record_denial(principal, None, action, "vault", &HubError::Forbidden)
                .await;
            return Err(HubError::Forbidden);
        }
        if !(1..=MAX_STALE_DAYS).contains(&stale_days) {
            return Err(HubError::invalid(
                "stale_days",
                format!("Choose between 1 and {MAX_STALE_DAYS} days."),
            ));
        }
        let before = now_ms() - stale_days * DAY_MS;
        let mut scope = self.read_scope(principal).await?;
        let rows: Vec<KindRow> = sqlx::query_as(
            "SELECT t.id AS tenant_id, t.slug, t.name, v.kind, COUNT(*) AS items, \
             MAX(v.updated_at) AS last_changed_at, MAX(v.last_revealed_at) AS last_revealed_at, \
             SUM(CASE WHEN v.secret_changed_at < $1 THEN 1 ELSE 0 END) AS stale \
             FROM vault_items v JOIN tenants t ON t.id = v.tenant_id \
             GROUP BY t.id, t.slug, t.name, v.kind ORDER BY lower(t.name), t.id",
        )
        .bind(before)
        .fetch_all(scope.conn())
        .await
        .db()?;
        let stale: Vec<StaleRow> = sqlx::query_as(
            "SELECT t.slug AS tenant_slug, t.name AS tenant_name, v.id, v.name, v.kind, \
             v.secret_changed_at FROM vault_items v JOIN tenants t ON t.id = v.tenant_id \
             WHERE v.secret_changed_at < $1 ORDER BY v.secret_changed_at, v.id LIMIT $2",
        )
        .bind(before)
        .bind(STALE_LIST_LEN)
        .fetch_all(scope.conn())
        .await
        .db()?;
        scope.finish().await?;
        let bad = |what: &str| crate::db::internal(&format!("vault governance: {what}"));
        let mut tenants: Vec<TenantVaultStats> = Vec::new();
        for row in rows {
            let kind = ItemKind::parse(&row.kind).ok_or_else(|| bad("kind"))?;
            let index = ItemKind::ALL
                .iter()
                .position(|k| *k == kind)
                .ok_or_else(|| bad("kind"))?;
            let tenant_id = TenantId::parse(&row.tenant_id).ok_or_else(|| bad("tenant"))?;
            if tenants.last().is_none_or(|t| t.tenant_id != tenant_id) {
                tenants.push(TenantVaultStats {
                    tenant_id,
                    slug: row.slug.clone(),
                    name: row.name.clone(),
                    by_kind: [0; 4],
                    total: 0,
                    last_changed_at: None,
                    last_revealed_at: None,
                    stale: 0,
                });
            }
            let stats = tenants.last_mut().ok_or_else(|| bad("tenant"))?;
            stats.by_kind[index] += row.items;
            stats.total += row.items;
            stats.stale += row.stale;
            stats.last_changed_at = stats.last_changed_at.max(row.last_changed_at);
            stats.last_revealed_at = stats.last_revealed_at.max(row.last_revealed_at);
        }
        let stale_items = stale
            .into_iter()
            .map(|row| {
                Ok(StaleItem {
                    tenant_slug: row.tenant_slug,
                    tenant_name: row.tenant_name,
                    item: VaultItemId::parse(&row.id).ok_or_else(|| bad("item"))?,
                    name: row.name,
                    kind: ItemKind::parse(&row.kind).ok_or_else(|| bad("kind"))?,
                    secret_changed_at: row.secret_changed_at,
                })
            })
            .collect::<HubResult<_>>()?;
        Ok(VaultGovernance {
            stale_days,
            tenants,
            stale_items,
        })
    }
}
