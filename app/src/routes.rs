//! The pages as lazy routes: their code is split out of the main WASM bundle by
//! `cargo leptos build --split` and loaded when a page of its group is first visited, so the
//! bundle every visitor downloads holds the shell, the router and the shared components, not
//! every page. Pages are split in three groups, not one chunk per page: the splitter makes a
//! shared chunk for every set of split points that share code, and with one split point per
//! page a first load fetched up to 101 files; four groups already took a first load past
//! 12 requests (BENCHMARKS.md). The groups follow who opens what: signing in; the MSP
//! Admin's own pages (the tenant API keys page among them); and what every signed-in person
//! opens (the overview they land on, the pages inside a tenant, their account).
//!
//! A page starts its own data loading when its view runs (its resources live in the page
//! component), so the first visit of a page on the client loads its chunk, then its data.
//! Later visits find the chunk loaded. Server rendering is unaffected: the server has no
//! chunks, and it names the chunks a page needs in the HTML so the browser preloads them.

use crate::components::shell::AppShell;
use crate::pages::{
    account::AccountPage,
    login::LoginPage,
    msp::{
        branding::BrandingPage,
        license::LicensePage,
        overview::OverviewPage,
        technicians::{detail::TechnicianDetailPage, list::TechniciansPage},
        tenants::{detail::TenantDetailPage, list::TenantsPage},
        MspPage,
    },
    not_found::NotFound,
    setup::SetupPage,
    tenant::{
        alerts::AlertsPage,
        api_keys::ApiKeysPage,
        automs::{AutomDetailPage, AutomsPage, RunDetailPage},
        runs::RunsPage,
        users::TenantUsersPage,
        vault::VaultPage,
    },
};
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Signing in and setting up: the only pages a signed-out visitor loads.
#[derive(Clone, Copy, Debug)]
pub enum AuthPage {
    Setup,
    Login,
}

#[leptos::lazy]
fn auth_pages(page: AuthPage) -> AnyView {
    match page {
        AuthPage::Setup => view! { <SetupPage/> }.into_any(),
        AuthPage::Login => view! { <LoginPage/> }.into_any(),
    }
}

/// The MSP Admin's pages at the root of the URL space.
#[derive(Clone, Copy, Debug)]
pub enum MspPageKind {
    Tenants,
    TenantDetail,
    Technicians,
    TechnicianDetail,
    License,
    Branding,
    /// Inside a tenant, but only the MSP Admin opens it.
    ApiKeys,
}

#[leptos::lazy]
fn msp_pages(page: MspPageKind) -> AnyView {
    match page {
        MspPageKind::Tenants => view! { <MspPage page=TenantsPage/> }.into_any(),
        MspPageKind::TenantDetail => view! { <MspPage page=TenantDetailPage/> }.into_any(),
        MspPageKind::Technicians => view! { <MspPage page=TechniciansPage/> }.into_any(),
        MspPageKind::TechnicianDetail => view! { <MspPage page=TechnicianDetailPage/> }.into_any(),
        MspPageKind::License => view! { <MspPage page=LicensePage/> }.into_any(),
        MspPageKind::Branding => view! { <MspPage page=BrandingPage/> }.into_any(),
        MspPageKind::ApiKeys => view! { <ApiKeysPage/> }.into_any(),
    }
}

/// Pages any signed-in person opens: the overview everyone lands on, their own account and
/// the pages inside a tenant (the sections still to be built join this group), and the
/// signed-in frame itself: the shell (sidebar, switcher, toasts, confirm dialog) is a lazy
/// parent route, so a signed-out visitor of `/login` never downloads it. It shares this
/// group because every page inside it is opened from here first (an own split point made
/// the splitter cut more shared chunks than the request budget allows; BENCHMARKS.md).
#[derive(Clone, Copy, Debug)]
pub enum WorkPage {
    /// The frame around every signed-in page.
    Shell,
    /// An address the hub does not know, in the frame (404).
    Unknown,
    Overview,
    Account,
    TenantUsers,
    Automs,
    AutomDetail,
    RunDetail,
    Runs,
    Alerts,
    Vault,
}

#[leptos::lazy]
fn work_pages(page: WorkPage) -> AnyView {
    match page {
        WorkPage::Shell => view! { <AppShell/> }.into_any(),
        WorkPage::Unknown => view! { <NotFound/> }.into_any(),
        WorkPage::Overview => view! { <OverviewPage/> }.into_any(),
        WorkPage::Account => view! { <AccountPage/> }.into_any(),
        WorkPage::TenantUsers => view! { <TenantUsersPage/> }.into_any(),
        WorkPage::Automs => view! { <AutomsPage/> }.into_any(),
        WorkPage::AutomDetail => view! { <AutomDetailPage/> }.into_any(),
        WorkPage::RunDetail => view! { <RunDetailPage/> }.into_any(),
        WorkPage::Runs => view! { <RunsPage/> }.into_any(),
        WorkPage::Alerts => view! { <AlertsPage/> }.into_any(),
        WorkPage::Vault => view! { <VaultPage/> }.into_any(),
    }
}

/// A lazy route that renders `$page` of its group, with no data of its own before the view
/// runs (each page starts loading its data when it renders). `$preload` is the loader
/// `#[lazy]` made for the group's function (`__preload_<name>`): hydrating a lazy route
/// awaits it first, so the page's code is there before its server-rendered HTML is adopted.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $name:ident => $group:ident($page:expr), $preload:ident) => {
        $(#[$doc])*
        pub struct $name;

        impl LazyRoute for $name {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                $group($page).await
            }

            async fn preload() {
                // Only the browser build has chunks (and the loader) to await.
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    };
}

lazy_page!(
    /// `/setup`
    SetupRoute => auth_pages(AuthPage::Setup), __preload_auth_pages
);
lazy_page!(
    /// `/login`
    LoginRoute => auth_pages(AuthPage::Login), __preload_auth_pages
);
lazy_page!(
    /// The signed-in frame, the parent of every page but signing in.
    ShellRoute => work_pages(WorkPage::Shell), __preload_work_pages
);
lazy_page!(
    /// Any address no other route matches.
    UnknownRoute => work_pages(WorkPage::Unknown), __preload_work_pages
);
lazy_page!(
    /// `/`
    OverviewRoute => work_pages(WorkPage::Overview), __preload_work_pages
);
lazy_page!(
    /// `/tenants`
    TenantsRoute => msp_pages(MspPageKind::Tenants), __preload_msp_pages
);
lazy_page!(
    /// `/tenants/{id}`
    TenantDetailRoute => msp_pages(MspPageKind::TenantDetail), __preload_msp_pages
);
lazy_page!(
    /// `/technicians`
    TechniciansRoute => msp_pages(MspPageKind::Technicians), __preload_msp_pages
);
lazy_page!(
    /// `/technicians/{id}`
    TechnicianDetailRoute => msp_pages(MspPageKind::TechnicianDetail), __preload_msp_pages
);
lazy_page!(
    /// `/license`
    LicenseRoute => msp_pages(MspPageKind::License), __preload_msp_pages
);
lazy_page!(
    /// `/branding`
    BrandingRoute => msp_pages(MspPageKind::Branding), __preload_msp_pages
);
lazy_page!(
    /// `/account`
    AccountRoute => work_pages(WorkPage::Account), __preload_work_pages
);
lazy_page!(
    /// `/t/{tenant}/users`
    TenantUsersRoute => work_pages(WorkPage::TenantUsers), __preload_work_pages
);
lazy_page!(
    /// `/t/{tenant}/api-keys`
    ApiKeysRoute => msp_pages(MspPageKind::ApiKeys), __preload_msp_pages
);
lazy_page!(
    /// `/t/{tenant}/automs`
    AutomsRoute => work_pages(WorkPage::Automs), __preload_work_pages
);
lazy_page!(
    /// `/t/{tenant}/automs/{id}`
    AutomDetailRoute => work_pages(WorkPage::AutomDetail), __preload_work_pages
);
lazy_page!(
    /// `/t/{tenant}/runs/{id}`
    RunDetailRoute => work_pages(WorkPage::RunDetail), __preload_work_pages
);
lazy_page!(
    /// `/t/{tenant}/alerts`
    AlertsRoute => work_pages(WorkPage::Alerts), __preload_work_pages
);
lazy_page!(
    /// `/t/{tenant}/runs`
    RunsRoute => work_pages(WorkPage::Runs), __preload_work_pages
);
lazy_page!(
    /// `/t/{tenant}/vault`
    VaultRoute => work_pages(WorkPage::Vault), __preload_work_pages
);
