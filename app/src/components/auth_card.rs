//! The centered card of the sign-in, setup, signed-out and not-found pages.

use super::brand::BrandMark;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A card in the middle of a branded background.
#[component]
pub fn AuthCard(
    /// Show the product mark above the content.
    #[prop(optional)]
    brand: bool,
    /// A wider card for longer forms.
    #[prop(optional)]
    wide: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="auth-page">
            <div class="panel auth-card" class:wide-card=wide>
                {brand.then(|| view! { <BrandMark/> })}
                {children()}
            </div>
        </div>
    }
}

/// The message of a server action's last error, if its last run failed.
pub fn action_error<S>(action: ServerAction<S>) -> impl Fn() -> Option<String> + Copy
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: std::fmt::Display + Send + Sync + 'static,
{
    move || {
        action.value().with(|last| {
            last.as_ref()
                .and_then(|r| r.as_ref().err())
                .map(ToString::to_string)
        })
    }
}
