//! The tenant switcher's data.

use hub_model::{workspace::WorkspaceList, HubError};
use leptos::prelude::*;

/// The workspaces the signed-in principal may see.
#[server(endpoint = "workspaces")]
pub async fn list_workspaces() -> Result<WorkspaceList, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.workspaces_for(&principal).await
}
