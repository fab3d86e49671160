//! What the shell and the tenant scope provide to every page below them, as contexts: who is
//! signed in, which workspaces they see, the brand, and the tenant of the page. Components
//! and pages read these types from here; none imports another page or the shell for them.

use hub_model::{
    branding::Brand, session::CurrentUser, tenant_users::TenantContext, workspace::WorkspaceList,
    HubError,
};
use leptos::prelude::*;

/// The signed-in user and their organization, provided to every page inside the shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub user: CurrentUser,
    pub organization: String,
}

impl Viewer {
    /// Whether the MSP pages are theirs.
    pub fn is_hub_admin(&self) -> bool {
        self.user.role.is_hub_admin()
    }
}

/// The workspaces the signed-in principal may see, provided to every page inside the shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspaces(pub WorkspaceList);

impl Workspaces {
    /// Whether `slug` is one of them.
    pub fn contains(&self, slug: &str) -> bool {
        self.0.entries.iter().any(|entry| entry.slug == slug)
    }
}

/// The brand in force on this page; the shell refreshes it on navigation when it changed.
#[derive(Clone, Copy, Debug)]
pub struct BrandState(pub RwSignal<Brand>);

/// The tenant of the current page and the principal's permissions in it, as last read from
/// the server. The sidebar shows only the pages these permissions open.
#[derive(Clone, Copy, Debug)]
pub struct CurrentTenant(pub RwSignal<Option<TenantContext>>);

/// The tenant of the page, as the server answers for this principal (re-read on every
/// navigation). Pages await it in their own single `Suspend`, together with their data:
/// nesting a second suspense boundary around the routed page made leptos 0.8 render the
/// page more than once on the server, and the hydrating client then disagreed.
#[derive(Clone, Copy)]
pub struct TenantResource(pub Resource<Result<TenantContext, HubError>>);
