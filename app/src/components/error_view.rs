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

/// A page whose data could not be loaded: the error's message, and on the server the error's
/// HTTP status for the whole page (404 for what is not visible, 403, …).
pub fn error_page(error: &hub_model::HubError) -> AnyView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(
        http::StatusCode::from_u16(error.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
    );
    view! { <ErrorPanel message=error.to_string()/> }.into_any()
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
