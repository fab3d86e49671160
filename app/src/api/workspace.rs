//! The tenant switcher's data.

use hub_model::{workspace::WorkspaceList, HubError};
use leptos::prelude::*;

/// The workspaces the signed-in principal may see; `current` (the slug in the URL) is
/// included when they may see it.
#[server(endpoint = "workspaces")]
pub async fn list_workspaces(current: Option<String>) -> Result<WorkspaceList, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .workspaces_for(&principal, current.as_deref())
        .await
}
