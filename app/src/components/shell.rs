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
    api::{auth::get_session, license::DismissActivationNotice, workspace::list_workspaces},
    context::{BrandState, CurrentTenant, Viewer, Workspaces},
    paths::{msp_page, tenant_in_path, tenant_page},
    sections::{MSP_SECTIONS, TENANT_SECTIONS},
};
use hub_model::{
    license::LicenseState, session::SessionInfo, tenant_users::TenantContext,
    workspace::WorkspaceList,
};
use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, A},
    hooks::use_location,
};

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
    let brand = expect_context::<BrandState>().0;
    let loading = move || {
        let product = brand.with(|b| b.product_name.clone());
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
    let current_tenant = RwSignal::new(None::<TenantContext>);
    provide_context(CurrentTenant(current_tenant));
    Confirmer::provide();
    Toaster::provide();
    // The workspace the tenant pages link to: the one in the URL, else the first listed.
    let first = workspaces.entries.first().map(|e| e.slug.clone());
    let workspace =
        Memo::new(move |_| tenant_in_path(&location.pathname.get()).or_else(|| first.clone()));
    let is_admin = viewer.is_hub_admin();
    let organization = viewer.organization.clone();
    let no_workspace = workspaces.entries.is_empty();
    let tenant_nav = move || {
        let Some(slug) = workspace.get() else {
            return view! {
                <p class="nav-empty" data-testid="no-tenants">
                    {if no_workspace { "No tenant is open to you yet. Ask your MSP Admin for access." } else { "" }}
                </p>
            }
            .into_any();
        };
        // Until the tenant's permissions are read, every page is listed; then only those they open.
        let permissions =
            current_tenant.with(|c| c.as_ref().filter(|c| c.slug == slug).map(|c| c.permissions));
        TENANT_SECTIONS
            .iter()
            .filter(|section| permissions.is_none_or(|p| section.needs.met(p, is_admin)))
            .map(|section| {
                let href = tenant_page(&slug, section.slug);
                view! { <li><A href=href>{section.title}</A></li> }
            })
            .collect_view()
            .into_any()
    };
    let sidebar = view! {
            <aside class="sidebar">
                <BrandMark brand subtitle=organization/>
                <TenantSwitcher workspaces/>
                <nav class="nav" aria-label="Workspace">
                    <h2 class="nav-heading">"Workspace"</h2>
                    <ul>{tenant_nav}</ul>
                </nav>
                <Show when=move || is_admin>
                    <nav class="nav" aria-label="MSP">
                        <h2 class="nav-heading">"MSP"</h2>
                        <ul>
                            {MSP_SECTIONS
                                .iter()
                                .map(|section| {
                                    let href = msp_page(section.slug);
                                    view! { <li><A href=href exact=true>{section.title}</A></li> }
                                })
                                .collect_view()}
                        </ul>
                    </nav>
                </Show>
            </aside>
    }
    .into_any();
    let topbar = view! {
        <header class="topbar">
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
                        <Outlet/>
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
