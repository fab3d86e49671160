//! Not found: every path the hub does not know, and every tenant or record that is not
//! there or not visible (the same answer, 404). Both render inside the branded shell.

use crate::components::error_view::{Problem, ProblemKind};
use leptos::prelude::*;
use leptos_meta::Title;

/// Marks the page as one the router does not know: the shell shows the not-found panel
/// where the page would be.
#[derive(Clone, Copy, Debug)]
pub struct UnknownPage;

/// The router's fallback: the shell (or, signed out, the sign-in prompt) around the
/// not-found panel; answers 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    provide_context(UnknownPage);
    view! { <crate::components::shell::AppShell/> }
}

/// Inside the shell: a page, tenant or record the principal cannot see; answers 404.
#[component]
pub fn NotFoundPanel(#[prop(into)] what: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    let hint = match what.as_str() {
        "Tenant" => "Pick one of your tenants in the switcher.",
        "Page" => "Check the address, or use the menu.",
        _ => "It may have been deleted, or it is not visible to you.",
    };
    view! {
        <Title text=format!("{what} not found")/>
        <Problem kind=ProblemKind::NotFound title=format!("{what} not found")
            detail="It does not exist, or it is not visible to you." hint=hint/>
    }
}
