//! A usage bar: used against a limit, colored as it fills.

use leptos::prelude::*;

/// `used` of `limit`, as a native `<meter>` (accessible) with a text equivalent.
#[component]
pub fn Meter(used: i64, limit: i64, #[prop(into)] label: String) -> impl IntoView {
    let high = (limit as f64 * 0.8).floor();
    view! {
        <meter
            class="meter"
            min="0"
            max=limit.max(1).to_string()
            low=high.to_string()
            high=high.to_string()
            optimum="0"
            value=used.to_string()
            aria-label=label
        >
            {used} " of " {limit}
        </meter>
    }
}
