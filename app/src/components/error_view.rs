//! How errors look: the typed error's own message, never a stack trace.

use leptos::prelude::*;

/// A panel showing one error message.
#[component]
pub fn ErrorPanel(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="panel error-panel" role="alert">
            <h2>"Something needs your attention"</h2>
            <p>{message}</p>
            <a class="button secondary" href="/">"Back to the overview"</a>
        </div>
    }
}

/// The fallback of an `<ErrorBoundary>`: every error's message.
pub fn error_fallback(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="panel error-panel" role="alert">
            <h2>"Something needs your attention"</h2>
            <ul class="error-list">
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
            <a class="button secondary" href="/">"Back to the overview"</a>
        </div>
    }
}
