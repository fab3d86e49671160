//! The WASM entry point: hydrates the server-rendered app, nothing else.

/// Called by the hydration script Leptos puts in the page.
///
/// Pages are lazy routes (`app::routes`): their code is a chunk of its own, loaded on first
/// visit. Hydration therefore runs asynchronously: the chunk of the page being hydrated
/// loads first (the server names it in a `<link rel="preload">`), then the page hydrates.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Tells people and tests that the page is interactive now.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
