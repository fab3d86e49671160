//! The centered card of the sign-in, setup, signed-out and not-found pages.

use super::brand::{BrandMark, BrandTheme};
use crate::api::branding::get_brand;
use crate::context::BrandState;
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
                {brand.then(|| view! { <BrandedMark/> })}
                {children()}
            </div>
        </div>
    }
}

/// The brand's mark and theme, loaded for pages outside the shell (sign-in, setup).
#[component]
fn BrandedMark() -> impl IntoView {
    let state = expect_context::<BrandState>().0;
    let loaded = Resource::new_blocking(|| (), |()| get_brand());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                if let Ok(brand) = loaded.await {
                    state.set(brand);
                }
                view! { <BrandTheme brand=state/> <BrandMark brand=state/> }
            })}
        </Suspense>
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

/// Clears a creation form once its action succeeded, so the next entry starts empty. Only
/// for forms of plain fields: a reset would uncheck checkboxes that a signal still holds.
pub fn reset_on_success<S>(action: ServerAction<S>, form: NodeRef<leptos::html::Form>)
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Effect::new(move |_| {
        let succeeded = action.value().with(|last| matches!(last, Some(Ok(_))));
        if succeeded {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
}
