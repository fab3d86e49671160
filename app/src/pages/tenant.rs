//! Pages inside one workspace: `/t/{tenant}/{section}`.

use super::{not_found::NotFoundPanel, section::EmptySection};
use crate::{api::workspace::list_workspaces, sections::tenant_section};
use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_params_map};

/// Checks that the workspace in the URL is one the principal may see; otherwise 404.
#[component]
pub fn TenantScope() -> impl IntoView {
    let params = use_params_map();
    let workspaces = Resource::new_blocking(|| (), |()| list_workspaces());
    // Read the route parameter synchronously; async blocks only see owned values.
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    view! {
        <Suspense fallback=|| view! { <div class="boot" aria-busy="true">"Loading…"</div> }>
            {move || {
                let slug = slug.get();
                Suspend::new(async move {
                    let list = workspaces.await?;
                    let visible = list.entries.iter().any(|entry| entry.slug == slug);
                    Ok::<_, hub_model::HubError>(
                        if visible {
                            view! { <Outlet/> }.into_any()
                        } else {
                            view! { <NotFoundPanel what="Tenant"/> }.into_any()
                        },
                    )
                })
            }}
        </Suspense>
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
