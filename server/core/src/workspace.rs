//! The workspaces (tenants) a principal may switch between: exactly the tenants
//! [`Hub::enter_tenant`] would let them enter.

use crate::{db::DbResultExt as _, license, tenants::list::search_pattern, Hub, Principal};
use hub_model::{
    session::SystemRole,
    workspace::{WorkspaceEntry, WorkspaceList, ORGANIZATION_SLUG, SWITCHER_LIMIT},
    HubError, HubResult,
};

/// A tenant as the switcher lists it.
#[derive(sqlx::FromRow)]
struct EntryRow {
    slug: String,
    name: String,
    active: i64,
}

fn entry(row: EntryRow) -> WorkspaceEntry {
    WorkspaceEntry {
        slug: row.slug,
        name: row.name,
        active: row.active == 1,
    }
}

impl Hub {
    /// What the tenant switcher lists for `principal`, by name, searched by name or slug:
    /// before an MSP license, the organization itself (hub administrators); after it, every
    /// tenant for the MSP Admin, the active assigned tenants for a technician, and their one
    /// tenant for a tenant user. `current` (the slug in the URL) is included when the
    /// principal may see it, even beyond the first page.
    pub async fn workspaces_for(
        &self,
        principal: &Principal,
        current: Option<&str>,
        search: &str,
    ) -> HubResult<WorkspaceList> {
        let Some(name) = self.organization_name().await? else {
            return Err(HubError::SetupRequired);
        };
        // The tenants this principal may see: the query below filters the same way (and the
        // scope's set is what later tenant data reads are held to).
        let mut scope = self.read_scope(principal).await?;
        if license::load(scope.conn()).await?.is_none() {
            let entries = if principal.is_hub_admin() {
                vec![WorkspaceEntry {
                    slug: ORGANIZATION_SLUG.to_owned(),
                    name,
                    active: true,
                }]
            } else {
                Vec::new()
            };
            return Ok(WorkspaceList {
                single_organization: true,
                total: i64::try_from(entries.len()).unwrap_or(0),
                entries,
            });
        }
        // The visible tenants of each kind of principal, as a common table expression; $1 is
        // the user id. The MSP Admin's is inlined (NOT MATERIALIZED), so the name index serves
        // the order. A technician's is driven by their assignments and MATERIALIZED: searched
        // text is then matched in their few hundred rows, where PostgreSQL would otherwise
        // misjudge `LIKE '%…%'` over every tenant and pick a nested loop (22 ms at 10,000
        // tenants, BENCHMARKS.md). CROSS JOIN keeps the assignments outermost on SQLite.
        let (fence, from, visible) = match principal.role {
            SystemRole::MspAdmin => ("NOT MATERIALIZED", "tenants", "kind = 'tenant'"),
            SystemRole::Technician => (
                "MATERIALIZED",
                "technician_assignments a CROSS JOIN tenants",
                "a.user_id = $1 AND tenants.id = a.tenant_id AND kind = 'tenant' AND active = 1",
            ),
            SystemRole::TenantUser => (
                "NOT MATERIALIZED",
                "tenants",
                "kind = 'tenant' AND active = 1 AND id = (SELECT tenant_id FROM users WHERE id = $1)",
            ),
            SystemRole::Administrator => ("NOT MATERIALIZED", "tenants", "1 = 0"),
        };
        // `$1 = $1` keeps every numbered parameter used whatever the role's filter.
        let with = format!(
            "WITH visible AS {fence} (SELECT slug, name, active, name_key, tenants.id AS id \
             FROM {from} WHERE {visible} AND $1 = $1)"
        );
        let user = principal.user_id.to_string();
        let pattern = search_pattern(search);
        let matching = "($2 = '%%' OR name_key LIKE $2 ESCAPE '\\' OR slug LIKE $2 ESCAPE '\\')";
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "{with} SELECT slug, name, active FROM visible WHERE {matching} \
             ORDER BY name_key, id LIMIT $3"
        ))
        .bind(&user)
        .bind(&pattern)
        .bind(SWITCHER_LIMIT)
        .fetch_all(scope.conn())
        .await
        .db()?;
        let mut entries: Vec<WorkspaceEntry> = rows.into_iter().map(entry).collect();
        if let Some(slug) = current.filter(|slug| !entries.iter().any(|e| e.slug == *slug)) {
            let row: Option<EntryRow> = sqlx::query_as(&format!(
                "{with} SELECT slug, name, active FROM visible WHERE slug = $2"
            ))
            .bind(&user)
            .bind(slug)
            .fetch_optional(scope.conn())
            .await
            .db()?;
            entries.extend(row.map(entry));
        }
        let total: i64 = sqlx::query_scalar(&format!(
            "{with} SELECT COUNT(*) FROM visible WHERE {matching}"
        ))
        .bind(&user)
        .bind(&pattern)
        .fetch_one(scope.conn())
        .await
        .db()?;
        scope.finish().await?;
        Ok(WorkspaceList {
            single_organization: false,
            entries,
            total,
        })
    }

    /// The tenant this user opened last, while they may still see it (deactivated tenants
    /// are listed for the MSP Admin only, marked).
    pub async fn last_tenant(&self, principal: &Principal) -> HubResult<Option<WorkspaceEntry>> {
        let slug: Option<String> = sqlx::query_scalar(
            "SELECT t.slug FROM users u JOIN tenants t ON t.id = u.last_tenant_id WHERE u.id = $1",
        )
        .bind(principal.user_id.to_string())
        .fetch_optional(
            self.system_conn(crate::SystemTask::new("find the last tenant"))
                .await?
                .conn(),
        )
        .await
        .db()?;
        let Some(slug) = slug else {
            return Ok(None);
        };
        let visible = self.workspaces_for(principal, Some(&slug), &slug).await?;
        Ok(visible.entries.into_iter().find(|e| e.slug == slug))
    }

    /// Where a sign-in without a `next` lands: the MSP Admin (and the unlicensed
    /// Administrator) on the overview; a technician in the tenant they opened last, while they
    /// may still enter it; a tenant user in their tenant. `None` is the overview.
    pub async fn landing_path(&self, principal: &Principal) -> HubResult<Option<String>> {
        let dashboard = |slug: &str| format!("/t/{slug}/dashboard");
        match principal.role {
            SystemRole::MspAdmin | SystemRole::Administrator => Ok(None),
            SystemRole::Technician => Ok(self
                .last_tenant(principal)
                .await?
                .filter(|e| e.active)
                .map(|e| dashboard(&e.slug))),
            SystemRole::TenantUser => {
                let theirs = self.workspaces_for(principal, None, "").await?;
                Ok(theirs
                    .entries
                    .first()
                    .filter(|e| e.active)
                    .map(|e| dashboard(&e.slug)))
            }
        }
    }
}
