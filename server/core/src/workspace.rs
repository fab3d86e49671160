//! The workspaces (tenants) a principal may switch between.

use crate::{Hub, Principal};
use hub_model::{
    workspace::{WorkspaceEntry, WorkspaceList, ORGANIZATION_SLUG},
    HubError, HubResult,
};

impl Hub {
    /// What the tenant switcher lists for `principal`. Before an MSP license exists there are
    /// no tenants: the organization itself is the one workspace.
    pub async fn workspaces_for(&self, principal: &Principal) -> HubResult<WorkspaceList> {
        let Some(name) = self.organization_name().await? else {
            return Err(HubError::SetupRequired);
        };
        let entries = if principal.is_hub_admin() {
            vec![WorkspaceEntry {
                slug: ORGANIZATION_SLUG.to_owned(),
                name,
            }]
        } else {
            Vec::new()
        };
        Ok(WorkspaceList {
            single_organization: true,
            entries,
        })
    }
}
