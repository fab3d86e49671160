//! Pages inside one tenant: `/t/{tenant}/{section}`.
//!
//! The shell asks the server, on every navigation, which tenant the URL names and what the
//! principal may do there (`t/context`, provided as `TenantResource`): switching tenants or a
//! changed assignment refreshes permissions and data in place, with no document reload. A
//! tenant the principal may not enter answers 404, exactly like one that does not exist.

pub mod alerts;
pub mod api_keys;
pub mod automs;
pub mod runs;
pub mod users;
pub mod vault;

use super::{msp::EmptySection, not_found::NotFoundPanel};
use crate::{
    components::{
        error_view::{error_page, Problem, ProblemKind},
        permission_matrix::PermissionGrid,
        progress::pending,
    },
    context::{TenantResource, Viewer},
    sections::{tenant_section, Needs},
};
use hub_model::{
    permissions::{Action, Permission},
    tenant_users::TenantContext,
    HubError,
};
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// The pages inside a tenant. The shell asks the server, on every navigation, whether the
/// principal may enter the tenant in the URL and with which permissions (`TenantResource`);
/// the pages below show 404 when not, exactly as for a tenant that does not exist.
#[component]
pub fn TenantScope() -> impl IntoView {
    view! { <Outlet/> }
}

/// A tenant page's view once the tenant is known: `page` with the context, or the 404 / error
/// panel (with the status set on the server).
pub fn in_tenant(
    result: Result<TenantContext, HubError>,
    page: impl FnOnce(TenantContext) -> AnyView,
) -> AnyView {
    match result {
        Ok(ctx) => page(ctx),
        Err(HubError::NotFound { .. }) => view! { <NotFoundPanel what="Tenant"/> }.into_any(),
        Err(error) => error_page(&error),
    }
}

/// The loading state of a tenant page.
pub fn opening() -> impl IntoView {
    view! { <div class="panel" aria-busy="true">"Opening the tenant…"</div> }
}

/// Whether the viewer may open a page with these needs in this tenant.
pub fn may_open(needs: Needs, ctx: &TenantContext, viewer: &Viewer) -> bool {
    needs.met(ctx.permissions, viewer.user.role)
}

/// A workspace page whose feature is not in this version yet: its header, what the
/// principal may do with it here, and an honest empty state.
#[component]
pub fn TenantSectionPage(slug: &'static str) -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let viewer = expect_context::<Viewer>();
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || {
                let viewer = viewer.clone();
                Suspend::new(async move {
                    in_tenant(tenant.await, |ctx| section_body(slug, &ctx, &viewer))
                })
            }}
        </Transition>
    }
}

fn section_body(slug: &'static str, ctx: &TenantContext, viewer: &Viewer) -> AnyView {
    let Some(section) = tenant_section(slug) else {
        return view! { <NotFoundPanel what="Page"/> }.into_any();
    };
    if !may_open(section.needs, ctx, viewer) {
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
        <Problem kind=ProblemKind::Forbidden title=title
            detail=format!("You do not have permission to open {title} in {tenant}.")
            hint="Ask your MSP Admin if you need it."/>
    }
}
