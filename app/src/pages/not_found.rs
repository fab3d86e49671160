//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for every path the hub does not know; answers 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Page not found"/>
        <div class="auth-page">
            <div class="panel auth-card" data-testid="not-found">
                <h1>"Page not found"</h1>
                <p class="muted">"There is nothing at this address, or it is not visible to you."</p>
                <a class="button" href="/">"Go to the overview"</a>
            </div>
        </div>
    }
}
