//! The 404 page.

use crate::components::auth_card::AuthCard;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for every path the hub does not know; answers 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Page not found"/>
        <AuthCard>
            <div data-testid="not-found">
                <h1>"Page not found"</h1>
                <p class="muted">"There is nothing at this address, or it is not visible to you."</p>
                <a class="button" href="/">"Go to the overview"</a>
            </div>
        </AuthCard>
    }
}

/// Inside the shell: a workspace (or page) the principal cannot see; answers 404 as well.
#[component]
pub fn NotFoundPanel(#[prop(into)] what: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <div class="panel error-panel" data-testid="not-found">
            <h1>{format!("{what} not found")}</h1>
            <p class="muted">"It does not exist, or it is not visible to you."</p>
            <a class="button secondary" href="/">"Go to the overview"</a>
        </div>
    }
}
