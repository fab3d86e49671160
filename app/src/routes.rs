//! The pages as lazy routes: each page's code is split into a WASM chunk of its own by
//! `cargo leptos build --split`, loaded when the page is first visited, so the bundle every
//! visitor downloads holds the shell, the router and the shared components, not every page.
//!
//! A page starts its own data loading when its view runs (its resources live in the page
//! component), so the first visit of a page on the client loads its chunk, then its data.
//! Later visits find the chunk loaded. Server rendering is unaffected: the server has no
//! chunks, and it names the chunks a page needs in the HTML so the browser preloads them.

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
    setup::SetupPage,
    tenant::{api_keys::ApiKeysPage, users::TenantUsersPage},
};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// A lazy route whose view is `$view`, with no data of its own before the view runs.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $name:ident => $view:expr) => {
        $(#[$doc])*
        pub struct $name;

        #[lazy_route]
        impl LazyRoute for $name {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let Self = this;
                $view.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/setup`
    SetupRoute => view! { <SetupPage/> }
);
lazy_page!(
    /// `/login`
    LoginRoute => view! { <LoginPage/> }
);
lazy_page!(
    /// `/`
    OverviewRoute => view! { <OverviewPage/> }
);
lazy_page!(
    /// `/account`
    AccountRoute => view! { <AccountPage/> }
);
lazy_page!(
    /// `/tenants`
    TenantsRoute => view! { <MspPage page=TenantsPage/> }
);
lazy_page!(
    /// `/tenants/{id}`
    TenantDetailRoute => view! { <MspPage page=TenantDetailPage/> }
);
lazy_page!(
    /// `/technicians`
    TechniciansRoute => view! { <MspPage page=TechniciansPage/> }
);
lazy_page!(
    /// `/technicians/{id}`
    TechnicianDetailRoute => view! { <MspPage page=TechnicianDetailPage/> }
);
lazy_page!(
    /// `/license`
    LicenseRoute => view! { <MspPage page=LicensePage/> }
);
lazy_page!(
    /// `/branding`
    BrandingRoute => view! { <MspPage page=BrandingPage/> }
);
lazy_page!(
    /// `/t/{tenant}/users`
    TenantUsersRoute => view! { <TenantUsersPage/> }
);
lazy_page!(
    /// `/t/{tenant}/api-keys`
    ApiKeysRoute => view! { <ApiKeysPage/> }
);
