//! The product mark and name.

use leptos::prelude::*;

/// The product name shown on the login page and the sidebar.
pub const PRODUCT_NAME: &str = "MSP Hub";

/// Logo mark and product name.
#[component]
pub fn BrandMark(
    /// A line under the name (the organization).
    #[prop(optional, into)]
    subtitle: Option<String>,
) -> impl IntoView {
    view! {
        <div class="brand">
            <span class="brand-mark" aria-hidden="true">"M"</span>
            <span class="brand-text">
                <span class="brand-name">{PRODUCT_NAME}</span>
                {subtitle.map(|s| view! { <span class="brand-subtitle">{s}</span> })}
            </span>
        </div>
    }
}
