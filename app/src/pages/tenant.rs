//! Pages inside one workspace: `/t/{tenant}/{section}`.

use super::{not_found::NotFound, section::EmptySection};
use crate::{api::workspace::list_workspaces, sections::tenant_section};
use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_params_map};

/// Checks that the workspace in the URL is one the principal may see; otherwise 404.
#[component]
pub fn TenantScope() -> impl IntoView {
    let params = use_params_map();
    let workspaces = Resource::new_blocking(|| (), |()| list_workspaces());
    view! {
        <Suspense fallback=|| view! { <div class="boot" aria-busy="true">"Loading…"</div> }>
            {move || Suspend::new(async move {
                let list = workspaces.await?;
                let slug = params.read().get("tenant").unwrap_or_default();
                let visible = list.entries.iter().any(|entry| entry.slug == slug);
                Ok::<_, hub_model::HubError>(
                    if visible { view! { <Outlet/> }.into_any() } else { view! { <NotFound/> }.into_any() },
                )
            })}
        </Suspense>
    }
}

/// A workspace page by its slug.
#[component]
pub fn TenantSectionPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let slug = params.read().get("section").unwrap_or_default();
        match tenant_section(&slug) {
            Some(section) => view! { <EmptySection title=section.title summary=section.summary/> }.into_any(),
            None => view! { <NotFound/> }.into_any(),
        }
    }
}
