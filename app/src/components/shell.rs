//! The frame around every signed-in page: sidebar, top bar and content.

use super::{
    auth_card::AuthCard,
    brand::{BrandMark, BrandTheme},
    confirm::{ConfirmHost, Confirmer},
    data_table::RowMenuCloser,
    error_view::{error_fallback, ErrorPanel},
    progress::{Progress, ProgressBar},
    tenant_switcher::TenantSwitcher,
    toast::{ToastHost, Toaster},
    user_menu::UserMenu,
};
use crate::{
    api::{
        auth::get_session,
        license::DismissActivationNotice,
        workspace::{get_tenant_context, list_workspaces},
    },
    context::{BrandState, CurrentTenant, TenantResource, Viewer, Workspaces},
    pages::not_found::{NotFoundPanel, UnknownPage},
    paths::{msp_page, tenant_in_path, tenant_page},
    sections::{MSP_SECTIONS, TENANT_SECTIONS},
};
use hub_model::{
    license::LicenseState,
    permissions::PermissionSet,
    session::{SessionInfo, SystemRole},
    tenant_users::TenantContext,
    workspace::WorkspaceList,
    HubError,
};
use leptos::{prelude::*, reactive::computed::suspense::SuspenseContext};
use leptos_router::{
    components::{Outlet, A},
    hooks::use_location,
};
use slotmap::SlotMap;

/// Loads the session and the workspaces, then renders the frame (or asks to sign in).
///
/// Both resources are awaited in this one `Suspend` and handed down: reading resources with
/// `.get()` inside nested `<Suspense>` boundaries is what trips leptos 0.8's SSR deadlocks
/// (leptos-rs/leptos#4578, #4673).
#[component]
pub fn AppShell() -> impl IntoView {
    let session = Resource::new_blocking(|| (), |()| get_session());
    // The workspace in the URL at load time is listed even when it is beyond the first page.
    let current = tenant_in_path(&use_location().pathname.get_untracked());
    let workspaces =
        Resource::new_blocking(|| (), move |()| list_workspaces(current.clone(), None));
    let unknown_page = use_context::<UnknownPage>().is_some();
    let brand = expect_context::<BrandState>().0;
    // Read untracked: the frame sets the brand when it renders, and a tracked read here
    // would make the boundary render the frame again (disposing the first one under its
    // still-scheduled effects).
    let loading = move || {
        let product = brand.with_untracked(|b| b.product_name.clone());
        view! { <div class="boot" aria-busy="true">{format!("Loading {product}…")}</div> }
    };
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let info = match session.await {
                    Ok(info) => info,
                    Err(error) => return view! { <ErrorPanel message=error.to_string()/> }.into_any(),
                };
                let Some(user) = info.user.clone() else {
                    // Signed out at an address the hub does not know: say that, not only
                    // "signed out" (the status is 404 either way).
                    if unknown_page {
                        return view! {
                            <AuthCard>
                                <div data-testid="not-found">
                                    <h1>"Page not found"</h1>
                                    <p class="muted">"There is nothing at this address, or it is not visible to you."</p>
                                    <a class="button" href="/login">"Sign in"</a>
                                </div>
                            </AuthCard>
                        }
                        .into_any();
                    }
                    return view! {
                        <AuthCard>
                            <h1>"You are signed out"</h1>
                            <p>"Your session has ended."</p>
                            <a class="button" href="/login">"Sign in"</a>
                        </AuthCard>
                    }
                    .into_any();
                };
                match workspaces.await {
                    Ok(list) => {
                        let viewer = Viewer { user, organization: info.organization_name.clone().unwrap_or_default() };
                        view! { <Frame viewer info workspaces=list/> }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The routed page, under a suspense context of its own that nothing waits on. A page on
/// its way in (its lazy route's code, or data it reads outside its own `<Transition>`)
/// would otherwise suspend the shell's `<Suspense>`, whose fallback replaces the whole app:
/// that is what made every navigation flash the loading screen. Each page awaits its data in
/// its own `<Transition>`, which keeps it on screen and drives the progress bar. Only a
/// context: no boundary and no markup, so server rendering and hydration are unchanged (a
/// second boundary around the outlet made hydration fail).
#[component]
fn RoutedPage() -> impl IntoView {
    provide_context(SuspenseContext {
        tasks: ArcRwSignal::new(SlotMap::new()),
    });
    view! { <Outlet/> }
}

/// Keeps the shell's record of the current tenant (the switcher's label) and of the tenant
/// opened last (the Workspace links outside any tenant) in step with the tenant context.
///
/// The effect runs under an owner of its own holding an inert suspense context. A resource
/// remembers every suspense boundary it was read under and suspends each again on every
/// refetch: read here, under the shell's boundary, it made every tenant switch replace the
/// whole app with the shell's loading state. The sidebar and the pages read the same resource
/// inside their own `<Transition>`, which keeps them on screen meanwhile.
/// The open alerts of the tenant on screen, beside the Alerts link: kept by the tenant's
/// context as each tenant page opens, and by the alerts page as alerts change.
#[component]
fn OpenAlertCount(current: RwSignal<Option<TenantContext>>) -> impl IntoView {
    let open = move || {
        current
            .with(|c| c.as_ref().and_then(|c| c.open_alerts))
            .unwrap_or(0)
    };
    move || {
        let open = open();
        (open > 0).then(|| {
            let label = if open == 1 {
                "1 open alert".to_owned()
            } else {
                format!("{open} open alerts")
            };
            view! {
                <span class="nav-count" data-testid="nav-open-alerts" title=label.clone()>
                    <span aria-hidden="true">{open}</span>
                    <span class="visually-hidden">{format!(", {label}")}</span>
                </span>
            }
        })
    }
}

fn follow_the_tenant(
    context: Resource<Result<TenantContext, HubError>>,
    current: RwSignal<Option<TenantContext>>,
    last_opened: RwSignal<Option<String>>,
) {
    let detached = Owner::new();
    detached.with(|| {
        provide_context(SuspenseContext {
            tasks: ArcRwSignal::new(SlotMap::new()),
        });
        Effect::new(move |_| {
            let read = context.get().and_then(Result::ok);
            if let Some(ctx) = read.as_ref().filter(|c| c.active) {
                if last_opened.get_untracked().as_deref() != Some(ctx.slug.as_str()) {
                    last_opened.set(Some(ctx.slug.clone()));
                }
            }
            if current.get_untracked() != read {
                current.set(read);
            }
        });
    });
    on_cleanup(move || detached.cleanup());
}

/// Asks the server on every navigation whether the brand changed (the session token says
/// which version this browser has), and applies a new one in place.
fn refresh_brand_on_navigation(brand: RwSignal<hub_model::branding::Brand>) {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            let known = brand.with_untracked(|b| b.version);
            leptos::task::spawn_local(async move {
                if let Ok(Some(fresh)) = crate::api::branding::brand_if_changed(known).await {
                    brand.set(fresh);
                }
            });
        }
        path
    });
}

#[component]
fn Frame(viewer: Viewer, info: SessionInfo, workspaces: WorkspaceList) -> impl IntoView {
    provide_context(viewer.clone());
    provide_context(Workspaces(workspaces.clone()));
    provide_context(info.license.clone());
    let brand = expect_context::<BrandState>().0;
    brand.set(info.brand.clone());
    refresh_brand_on_navigation(brand);
    let location = use_location();
    let progress = expect_context::<Progress>();
    Confirmer::provide();
    Toaster::provide();
    let role = viewer.user.role;
    let is_admin = viewer.is_hub_admin();
    let unknown_page = use_context::<UnknownPage>().is_some();

    // The workspace the Workspace links point at: the tenant in the URL; outside any tenant,
    // the one opened last (in this tab, else in the last session) while it is active; else
    // the first active one. Never a deactivated one outside its own pages.
    let entries = workspaces.entries.clone();
    let inactive: Vec<String> = entries
        .iter()
        .filter(|e| !e.active)
        .map(|e| e.slug.clone())
        .collect();
    let first_active = entries.iter().find(|e| e.active).map(|e| e.slug.clone());
    let last_opened = RwSignal::new(
        info.last_tenant
            .as_ref()
            .filter(|e| e.active)
            .map(|e| e.slug.clone()),
    );
    let workspace = Memo::new(move |_| {
        tenant_in_path(&location.pathname.get())
            .or_else(|| last_opened.get().filter(|slug| !inactive.contains(slug)))
            .or_else(|| first_active.clone())
    });
    // The tenant of the page (or of the Workspace links) and the principal's permissions in
    // it, asked of the server on every navigation inside a tenant (permissions act on the next
    // request) and once per tenant elsewhere. The sidebar and the tenant pages share it; each
    // reads it inside its own `<Transition>`, so a refetch keeps both on screen.
    // Outside any tenant the key stays as it was while the Workspace links' tenant is the same:
    // leaving a tenant (for an MSP page, or signing out) asks nothing.
    let context_key = Memo::new(move |previous: Option<&Option<String>>| {
        let path = location.pathname.get();
        if tenant_in_path(&path).is_some() {
            return Some(path);
        }
        let slug = workspace.get();
        match previous {
            Some(Some(key)) if tenant_in_path(key) == slug => Some(key.clone()),
            _ => slug.map(|slug| tenant_page(&slug, "")),
        }
    });
    let context = Resource::new(
        move || context_key.get(),
        |key| async move {
            match key.as_deref().and_then(tenant_in_path) {
                Some(slug) => get_tenant_context(slug).await,
                None => Err(HubError::not_found("Tenant")),
            }
        },
    );
    provide_context(TenantResource(context));
    let current_tenant = RwSignal::new(None::<TenantContext>);
    provide_context(CurrentTenant(current_tenant));
    follow_the_tenant(context, current_tenant, last_opened);

    let single_tenant = !is_admin && workspaces.total == 1;
    let no_workspace = workspaces.entries.is_empty();
    let tenant_nav = move || {
        Suspend::new(async move {
            let ctx = context.await.ok();
            let Some(ctx) = ctx else {
                return view! {
                    <p class="nav-empty" data-testid="no-tenants">
                        {if no_workspace { "No tenant is open to you yet. Ask your MSP Admin for access." } else { "" }}
                    </p>
                }
                .into_any();
            };
            let slug = ctx.slug.clone();
            let links = TENANT_SECTIONS
                .iter()
                .filter(|section| section.needs.met(ctx.permissions, role))
                .map(|section| {
                    let href = tenant_page(&slug, section.slug);
                    let count = (section.slug == "alerts")
                        .then(|| view! { <OpenAlertCount current=current_tenant/> });
                    view! { <li><A href=href>{section.title}{count}</A></li> }
                })
                .collect_view();
            view! {
                <h2 class="nav-heading" data-testid="workspace-heading">
                    <span>"Workspace"</span>
                    {(!single_tenant).then(|| view! { <span class="nav-tenant">{ctx.name.clone()}</span> })}
                </h2>
                <ul data-testid="workspace-nav">{links}</ul>
            }
            .into_any()
        })
    };
    let hub_sections: Vec<_> = MSP_SECTIONS
        .iter()
        .filter(|section| section.needs.met(PermissionSet::empty(), role))
        .collect();
    let hub_heading = match role {
        SystemRole::MspAdmin => "MSP",
        SystemRole::Administrator => "Organization",
        _ => "Home",
    };
    let menu_open = RwSignal::new(false);
    // A navigation closes the phone menu.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let organization = viewer.organization.clone();
    let switcher = if single_tenant {
        let name = workspaces
            .entries
            .first()
            .map(|e| e.name.clone())
            .unwrap_or_default();
        view! {
            <div class="switcher single" data-testid="single-tenant">
                <span class="switcher-label">"Tenant"</span>
                <span class="switcher-current">{name}</span>
            </div>
        }
        .into_any()
    } else if no_workspace && !is_admin {
        ().into_any()
    } else {
        view! { <TenantSwitcher workspaces/> }.into_any()
    };
    let sidebar = view! {
            <aside class="sidebar" id="sidebar" class:open=move || menu_open.get()>
                <BrandMark brand subtitle=organization/>
                {switcher}
                <nav class="nav" aria-label=hub_heading>
                    <h2 class="nav-heading">{hub_heading}</h2>
                    <ul>
                        {hub_sections
                            .into_iter()
                            .map(|section| {
                                let href = msp_page(section.slug);
                                view! { <li><A href=href exact=true>{section.title}</A></li> }
                            })
                            .collect_view()}
                    </ul>
                </nav>
                <nav class="nav" aria-label="Workspace">
                    <Transition fallback=|| ()>{tenant_nav}</Transition>
                </nav>
            </aside>
            <div class="sidebar-scrim" class:open=move || menu_open.get() on:click=move |_| menu_open.set(false)></div>
    }
    .into_any();
    let topbar = view! {
        <header class="topbar">
            <button type="button" class="menu-button" aria-controls="sidebar" data-testid="menu-button"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|o| *o = !*o)>
                <span aria-hidden="true">"☰"</span>
                <span class="visually-hidden">"Menu"</span>
            </button>
            <span class="topbar-title">{viewer.organization.clone()}</span>
            <UserMenu user=viewer.user.clone()/>
        </header>
    }
    .into_any();
    let expired = match (&info.license, is_admin) {
        (LicenseState::Expired { expired_on }, true) => Some(expired_on.clone()),
        _ => None,
    };
    let notices = view! {
        {expired.map(|on| view! {
            <div class="banner warning" role="alert" data-testid="license-expired">
                <strong>"Your MSP license expired on " {on} "."</strong>
                " Existing tenants keep working, but new tenants cannot be created. "
                <a href="/license">"Activate a renewed license"</a>
            </div>
        })}
        {(info.activation_notice && is_admin).then(|| view! { <ActivationNotice/> })}
    }
    .into_any();
    view! {
        <BrandTheme brand/>
        <div class="app" data-testid="app-shell">
            {sidebar}
            <div class="main">
                {topbar}
                {notices}
                <ProgressBar/>
                <main class="content" id="content" aria-busy=move || progress.active().to_string()>
                    <ErrorBoundary fallback=error_fallback>
                        {if unknown_page {
                            view! { <NotFoundPanel what="Page"/> }.into_any()
                        } else {
                            view! { <RoutedPage/> }.into_any()
                        }}
                    </ErrorBoundary>
                </main>
            </div>
            <ConfirmHost/>
            <ToastHost/>
            <RowMenuCloser/>
        </div>
    }
    .into_any()
}

/// The MSP License Activation Notice: shown after activation until dismissed, then never again.
#[component]
fn ActivationNotice() -> impl IntoView {
    let dismiss = ServerAction::<DismissActivationNotice>::new();
    let dismissed = move || dismiss.value().with(|v| matches!(v, Some(Ok(()))));
    view! {
        <Show when=move || !dismissed()>
            <section class="notice" role="status" aria-labelledby="activation-notice-title" data-testid="activation-notice">
                <div>
                    <h2 id="activation-notice-title">"MSP License Activation Notice"</h2>
                    <p>
                        "Your MSP license is active. The Administrator account is now the protected "
                        <strong>"MSP Admin"</strong>
                        ", and a " <strong>"Default Tenant"</strong>
                        " was created holding everything that existed before. You can now create tenants, "
                        "set their limits and brand the hub."
                    </p>
                </div>
                <ActionForm action=dismiss>
                    <button type="submit" class="button secondary">"Dismiss"</button>
                </ActionForm>
            </section>
        </Show>
    }
}
