//! Copying a secret shown once (a new API key, a revealed vault secret): the Clipboard API
//! where the browser offers it, and a selected read-only field to copy by hand elsewhere.

/// Selects the text of the focused input (so a manual copy takes all of it).
pub fn select_target(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Writes `text` to the clipboard where the browser offers the Clipboard API (secure
/// contexts); elsewhere the focused, selected input lets the user copy it by hand.
pub fn copy_to_clipboard(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        let navigator = window.navigator();
        let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|clipboard| !clipboard.is_undefined());
        if available {
            let _promise = navigator.clipboard().write_text(text);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
