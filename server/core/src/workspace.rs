//! The workspaces (tenants) a principal may switch between.

use crate::{db::DbResultExt as _, license, Hub, Principal};
use hub_model::{
    session::SystemRole,
    workspace::{WorkspaceEntry, WorkspaceList, ORGANIZATION_SLUG, SWITCHER_LIMIT},
    HubError, HubResult,
};

type EntryRow = (String, String, i64);

fn entry((slug, name, active): EntryRow) -> WorkspaceEntry {
    WorkspaceEntry {
        slug,
        name,
        active: active == 1,
    }
}

impl Hub {
    /// What the tenant switcher lists for `principal`: before an MSP license, the
    /// organization itself; after it, the MSP Admin's tenants by name. `current` (the slug in
    /// the URL) is included when the principal may see it, even beyond the first page.
    pub async fn workspaces_for(
        &self,
        principal: &Principal,
        current: Option<&str>,
    ) -> HubResult<WorkspaceList> {
        let Some(name) = self.organization_name().await? else {
            return Err(HubError::SetupRequired);
        };
        if license::load(self.db().pool()).await?.is_none() {
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
        // Technicians and tenant users get their assigned tenants with issue 4; until then
        // they see none (deny by default).
        if principal.role != SystemRole::MspAdmin {
            return Ok(WorkspaceList {
                single_organization: false,
                entries: Vec::new(),
                total: 0,
            });
        }
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT slug, name, active FROM tenants WHERE kind = 'tenant' \
             ORDER BY name_key, id LIMIT $1",
        )
        .bind(SWITCHER_LIMIT)
        .fetch_all(self.db().pool())
        .await
        .db()?;
        let mut entries: Vec<WorkspaceEntry> = rows.into_iter().map(entry).collect();
        if let Some(slug) = current.filter(|slug| !entries.iter().any(|e| e.slug == *slug)) {
            let row: Option<EntryRow> = sqlx::query_as(
                "SELECT slug, name, active FROM tenants WHERE kind = 'tenant' AND slug = $1",
            )
            .bind(slug)
            .fetch_optional(self.db().pool())
            .await
            .db()?;
            entries.extend(row.map(entry));
        }
        let total = crate::tenants::count(self.db().pool()).await?;
        Ok(WorkspaceList {
            single_organization: false,
            entries,
            total,
        })
    }
}
