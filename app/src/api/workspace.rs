//! The tenant switcher's data.

use hub_model::{tenant_users::TenantContext, workspace::WorkspaceList, HubError};
use leptos::prelude::*;

/// The workspaces the signed-in principal may see, searched by name or slug on the server;
/// `current` (the slug in the URL) is included when they may see it.
#[server(endpoint = "workspaces")]
pub async fn list_workspaces(
    current: Option<String>,
    search: Option<String>,
) -> Result<WorkspaceList, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .workspaces_for(
            &principal,
            current.as_deref(),
            search.as_deref().unwrap_or_default(),
        )
        .await
}

/// The tenant a tenant page is about and the principal's permissions there, re-read on every
/// call (a changed assignment shows on the next navigation). Foreign tenants are not found.
#[server(endpoint = "t/context")]
pub async fn get_tenant_context(tenant: String) -> Result<TenantContext, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.tenant_context(&principal, &tenant).await
}
