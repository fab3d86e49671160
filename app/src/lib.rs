//! The MSP Hub Leptos application: pages, components and server functions.
//!
//! Server functions are thin adapters over `hub-core`; everything that decides lives there.

// Deep `view!` trees (tables of forms) nest types beyond the default limit when the WASM
// build computes their layouts.
#![recursion_limit = "256"]
pub mod api;
pub mod components;
pub mod context;
pub mod pages;
pub mod paths;
pub mod routes;
pub mod sections;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::progress::Progress;
use context::BrandState;
use hub_model::branding::Brand;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, Lazy, SsrMode,
};
use pages::{
    msp::MspSectionPage,
    tenant::{TenantScope, TenantSectionPage},
};
use routes::{
    AccountRoute, AlertsRoute, ApiKeysRoute, AutomDetailRoute, AutomsRoute, BrandingRoute,
    LicenseRoute, LoginRoute, OverviewRoute, RunDetailRoute, RunsRoute, SetupRoute, ShellRoute,
    TechnicianDetailRoute, TechniciansRoute, TenantDetailRoute, TenantUsersRoute, TenantsRoute,
    UnknownRoute, VaultRoute,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::provide_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The bundle's file names carry their hash in a `cargo leptos` build
                // (`hash-files`): these two read them from `hash.txt`.
                <HashedStylesheet id="leptos" options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page title as it goes into the document. leptos_meta writes the server-rendered
/// `<title>` without escaping it (the browser sets `document.title` as text), so on the
/// server the text is escaped here: a product or tenant name is never markup.
fn title_text(title: String) -> String {
    #[cfg(feature = "ssr")]
    let title = html_escape::encode_text(&title).into_owned();
    title
}

/// The application: routes and the pieces every page shares.
///
/// Signed-in pages render with `SsrMode::Async`: the whole page is rendered before it is
/// sent. Out-of-order streaming garbles nested `<Suspense>` (the shell's and the tenant
/// scope's) in leptos 0.8, and async rendering also lets a page set its status (404) reliably.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The title formatter runs when the server injects the <head>, which can be after the
    // app's reactive owner was disposed: it holds the reference-counted signal itself, so
    // it never reads a disposed arena slot (that panicked a render under concurrent load).
    let shared_brand = ArcRwSignal::new(Brand::default());
    let brand = RwSignal::from(shared_brand.clone());
    provide_context(BrandState(brand));
    // The pages' transitions report to the progress bar. Not the router's `set_is_routing`:
    // setting it switches leptos_router 0.8 to transition mode, whose disposal order left
    // the previous page's reactive values in use after they were disposed (a panic on the
    // first navigation into the shell).
    Progress::provide();
    view! {
        <Title formatter=move |page: String| {
            let product = shared_brand.with(|b| b.product_name.clone());
            let title = if page.is_empty() { product } else { format!("{page} · {product}") };
            title_text(title)
        }/>
        <Router>
            // Every address matches a route (the last one catches the rest), so the
            // fallback is never shown; the not-found page is a lazy route like the shell.
            <Routes fallback=|| "Page not found.">
                <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()}/>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()}/>
                <ParentRoute path=path!("") view={Lazy::<ShellRoute>::new()} ssr=SsrMode::Async>
                    <Route ssr=SsrMode::Async path=path!("") view={Lazy::<OverviewRoute>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("/tenants") view={Lazy::<TenantsRoute>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("/tenants/:id") view={Lazy::<TenantDetailRoute>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("/account") view={Lazy::<AccountRoute>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("/technicians") view={Lazy::<TechniciansRoute>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("/technicians/:id") view={Lazy::<TechnicianDetailRoute>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("/summary") view=|| view! { <MspSectionPage slug="summary"/> }/>
                    <Route ssr=SsrMode::Async path=path!("/license") view={Lazy::<LicenseRoute>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("/branding") view={Lazy::<BrandingRoute>::new()}/>
                    <ParentRoute ssr=SsrMode::Async path=path!("/t/:tenant") view=TenantScope>
                        <Route ssr=SsrMode::Async path=path!("/dashboard") view=|| view! { <TenantSectionPage slug="dashboard"/> }/>
                        <Route ssr=SsrMode::Async path=path!("/automs") view={Lazy::<AutomsRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/automs/:id") view={Lazy::<AutomDetailRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/runs") view={Lazy::<RunsRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/runs/:id") view={Lazy::<RunDetailRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/alerts") view={Lazy::<AlertsRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/agents") view=|| view! { <TenantSectionPage slug="agents"/> }/>
                        <Route ssr=SsrMode::Async path=path!("/vault") view={Lazy::<VaultRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/users") view={Lazy::<TenantUsersRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/api-keys") view={Lazy::<ApiKeysRoute>::new()}/>
                        <Route ssr=SsrMode::Async path=path!("/audit") view=|| view! { <TenantSectionPage slug="audit"/> }/>
                    </ParentRoute>
                </ParentRoute>
                <Route ssr=SsrMode::Async path=path!("/*any") view={Lazy::<UnknownRoute>::new()}/>
            </Routes>
        </Router>
    }
}
