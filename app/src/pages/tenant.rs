//! Pages inside one tenant: `/t/{tenant}/{section}`.
//!
//! [`TenantScope`] asks the server, on every navigation, which tenant the URL names and what
//! the principal may do there (`t/context`): switching tenants or a changed assignment
//! refreshes permissions and data in place, with no document reload. A tenant the principal
//! may not enter answers 404, exactly like one that does not exist.

use super::{not_found::NotFoundPanel, section::EmptySection};
use crate::{
    api::workspace::get_tenant_context,
    components::{error_view::ErrorPanel, permission_matrix::PermissionGrid, shell::Viewer},
    sections::{tenant_section, Needs},
};
use hub_model::{
    permissions::{Action, Permission},
    tenant_users::TenantContext,
    HubError,
};
use leptos::prelude::*;
use leptos_router::{
    components::Outlet,
    hooks::{use_location, use_params_map},
};

/// The tenant of the current page and the principal's permissions in it, as last read from
/// the server. The sidebar shows only the pages these permissions open.
#[derive(Clone, Copy, Debug)]
pub struct CurrentTenant(pub RwSignal<Option<TenantContext>>);

/// Checks on the server that the principal may enter the tenant in the URL; otherwise 404.
#[component]
pub fn TenantScope() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let current = expect_context::<CurrentTenant>().0;
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    // Re-read on every navigation inside the tenant too: permissions act on the next request.
    let context = Resource::new(
        move || (slug.get(), location.pathname.get()),
        |(slug, _)| get_tenant_context(slug),
    );
    on_cleanup(move || current.set(None));
    view! {
        <Transition fallback=|| view! { <div class="panel" aria-busy="true">"Opening the tenant…"</div> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(ctx) => {
                        if current.get_untracked().as_ref() != Some(&ctx) {
                            current.set(Some(ctx.clone()));
                        }
                        provide_context(ctx);
                        view! { <Outlet/> }.into_any()
                    }
                    Err(HubError::NotFound { .. }) => {
                        current.set(None);
                        view! { <NotFoundPanel what="Tenant"/> }.into_any()
                    }
                    Err(error) => {
                        current.set(None);
                        #[cfg(feature = "ssr")]
                        crate::ssr::set_status(
                            http::StatusCode::from_u16(error.status())
                                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                        );
                        view! { <ErrorPanel message=error.to_string()/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Whether the viewer may open a page with these needs in this tenant.
pub fn may_open(needs: Needs, ctx: &TenantContext, viewer: &Viewer) -> bool {
    needs.met(ctx.permissions, viewer.user.role.is_hub_admin())
}

/// A workspace page whose feature is not in this version yet: its header, what the
/// principal may do with it here, and an honest empty state.
#[component]
pub fn TenantSectionPage(slug: &'static str) -> impl IntoView {
    let Some(section) = tenant_section(slug) else {
        return view! { <NotFoundPanel what="Page"/> }.into_any();
    };
    let ctx = expect_context::<TenantContext>();
    let viewer = expect_context::<Viewer>();
    if !may_open(section.needs, &ctx, &viewer) {
        return view! { <NoAccess title=section.title tenant=ctx.name.clone()/> }.into_any();
    }
    let access = match section.needs {
        Needs::View(resource) => {
            let allowed: Vec<&str> = Action::ALL
                .iter()
                .filter(|a| ctx.permissions.allows(Permission::new(resource, **a)))
                .map(|a| a.label())
                .collect();
            Some(format!("{}: {}", resource.label(), allowed.join(", ")))
        }
        _ => None,
    };
    let overview = (slug == "dashboard").then(|| {
        let label = format!("Your permissions in {}", ctx.name);
        view! {
            <section class="panel form-panel" data-testid="tenant-permissions">
                <h2>{label.clone()}</h2>
                <p class="muted">{format!("You act here as {}.", ctx.acting_as)}</p>
                <PermissionGrid set=ctx.permissions label/>
            </section>
        }
    });
    view! {
        <div class="tenant-page" data-testid="tenant-page" data-tenant=ctx.slug.clone()>
            <p class="breadcrumb muted" data-testid="tenant-name">{ctx.name.clone()}
                {(!ctx.active).then(|| view! { <span class="badge danger">"Deactivated"</span> })}
            </p>
            <EmptySection title=section.title summary=section.summary/>
            {access.map(|line| view! { <p class="muted access-line" data-testid="access-line">"Your access here · " {line}</p> })}
            {overview}
        </div>
    }
    .into_any()
}

/// A tenant page the principal may not open here.
#[component]
pub fn NoAccess(title: &'static str, tenant: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::FORBIDDEN);
    view! {
        <div class="panel error-panel" data-testid="no-access">
            <h1>{title}</h1>
            <p>{format!("You do not have permission to open {title} in {tenant}.")}</p>
            <p class="muted">"Ask your MSP Admin if you need it."</p>
        </div>
    }
}
