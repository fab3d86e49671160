//! The brand: product mark, name and the theme stylesheet (DESIGN §5).

use hub_model::branding::Brand;
use leptos::prelude::*;

/// Logo (or the default mark) and product name.
#[component]
pub fn BrandMark(
    /// The brand to show.
    #[prop(into)]
    brand: Signal<Brand>,
    /// A line under the name (the organization).
    #[prop(optional, into)]
    subtitle: Option<String>,
) -> impl IntoView {
    let name = move || brand.with(|b| b.product_name.clone());
    view! {
        <div class="brand">
            {move || match brand.with(|b| b.logo_url.clone()) {
                Some(url) => view! { <img class="brand-logo" src=url alt="" data-testid="brand-logo"/> }.into_any(),
                None => view! {
                    <span class="brand-mark" aria-hidden="true">
                        {move || name().chars().next().unwrap_or('M').to_string()}
                    </span>
                }
                .into_any(),
            }}
            <span class="brand-text">
                <span class="brand-name" data-testid="brand-name">{name}</span>
                {subtitle.map(|s| view! { <span class="brand-subtitle">{s}</span> })}
            </span>
        </div>
    }
}

/// The stylesheet carrying the brand's colors as CSS custom properties. It is a same-origin
/// stylesheet (not an inline style), so the Content-Security-Policy stays strict.
#[component]
pub fn BrandTheme(#[prop(into)] brand: Signal<Brand>) -> impl IntoView {
    view! { <link rel="stylesheet" href=move || brand.with(Brand::theme_url)/> }
}
