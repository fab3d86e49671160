//! The MSP Hub Leptos application: pages, components and server functions.
//!
//! Server functions are thin adapters over `hub-core`; everything that decides lives there.

pub mod api;
pub mod components;
pub mod pages;
pub mod sections;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::shell::AppShell;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};
use pages::{
    login::LoginPage, not_found::NotFound, overview::OverviewPage, section::MspSectionPage,
    setup::SetupPage, tenant::{TenantScope, TenantSectionPage},
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
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: routes and the pieces every page shares.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/msp-hub.css"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "MSP Hub".to_owned() } else { format!("{page} · MSP Hub") }
        }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/setup") view=SetupPage/>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=AppShell>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("/tenants") view=|| view! { <MspSectionPage slug="tenants"/> }/>
                    <Route path=path!("/technicians") view=|| view! { <MspSectionPage slug="technicians"/> }/>
                    <Route path=path!("/summary") view=|| view! { <MspSectionPage slug="summary"/> }/>
                    <Route path=path!("/license") view=|| view! { <MspSectionPage slug="license"/> }/>
                    <Route path=path!("/branding") view=|| view! { <MspSectionPage slug="branding"/> }/>
                    <ParentRoute path=path!("/t/:tenant") view=TenantScope>
                        <Route path=path!("/:section") view=TenantSectionPage/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
