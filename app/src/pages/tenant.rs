//! Pages inside one workspace: `/t/{tenant}/{section}`.

use super::{not_found::NotFoundPanel, section::EmptySection};
use crate::{components::shell::Workspaces, sections::tenant_section};
use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_params_map};

/// Checks that the workspace in the URL is one the principal may see; otherwise 404.
#[component]
pub fn TenantScope() -> impl IntoView {
    let params = use_params_map();
    let workspaces = expect_context::<Workspaces>();
    move || {
        let slug = params.with(|p| p.get("tenant").unwrap_or_default());
        if workspaces.contains(&slug) {
            view! { <Outlet/> }.into_any()
        } else {
            view! { <NotFoundPanel what="Tenant"/> }.into_any()
        }
    }
}

/// A workspace page whose feature is not in this version yet.
#[component]
pub fn TenantSectionPage(slug: &'static str) -> impl IntoView {
    match tenant_section(slug) {
        Some(section) => {
            view! { <EmptySection title=section.title summary=section.summary/> }.into_any()
        }
        None => view! { <NotFoundPanel what="Page"/> }.into_any(),
    }
}
