//! The Branding page: product name, colors and logo (MSP Admin only). Changes apply at once
//! in this browser, and on the next navigation in every other signed-in browser.

use crate::{
    api::branding::{ResetBrand, SaveBrand},
    components::{auth_card::action_error, brand::BrandMark, toast::use_toast},
    context::BrandState,
};
use hub_model::branding::{Brand, MAX_LOGO_BYTES};
use leptos::prelude::*;
use leptos_meta::Title;

/// Where the logo upload stands (only the browser moves it past `Idle`).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Upload {
    Idle,
    /// Fraction sent, 0.0 to 1.0.
    Sending(f64),
    /// The server is checking and re-encoding the image.
    Processing,
    Done,
    Failed(String),
}

/// `/branding`
#[component]
pub fn BrandingPage() -> impl IntoView {
    let brand = expect_context::<BrandState>().0;
    let save = ServerAction::<SaveBrand>::new();
    let reset = ServerAction::<ResetBrand>::new();
    // Whatever the server answers becomes this browser's brand at once.
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = save.value().get() {
            brand.set(fresh);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = reset.value().get() {
            brand.set(fresh);
        }
    });
    let save_error = action_error(save);
    let reset_error = action_error(reset);
    let toaster = use_toast();
    Effect::new(move |_| {
        if save.value().with(|v| matches!(v, Some(Ok(_)))) {
            toaster.success("Saved. Other signed-in users see it on their next page.");
        }
    });
    let upload = RwSignal::new(Upload::Idle);
    let current = brand.get_untracked();
    view! {
        <Title text="Branding"/>
        <header class="page-header">
            <h1>"Branding"</h1>
            <p class="muted">"Your logo, product name and colors, on the sign-in page, the sidebar and every tenant view."</p>
        </header>
        <div class="two-columns">
            <section class="panel form-panel">
                <h2>"Name and colors"</h2>
                <ActionForm action=save>
                    <label class="field">
                        <span>"Product name"</span>
                        <input type="text" name="product_name" value=current.product_name.clone() required maxlength="40"/>
                    </label>
                    <div class="field-row">
                        <label class="field">
                            <span>"Primary color"</span>
                            <input type="color" name="primary_color" value=current.primary_color.clone()/>
                        </label>
                        <label class="field">
                            <span>"Accent color"</span>
                            <input type="color" name="accent_color" value=current.accent_color.clone()/>
                        </label>
                    </div>
                    {move || save_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <button type="submit" disabled=move || save.pending().get()>"Save"</button>
                </ActionForm>
            </section>
            <section class="panel form-panel">
                <h2>"Logo"</h2>
                <div class="brand-preview" data-testid="brand-preview">
                    <BrandMark brand/>
                </div>
                <label class="field">
                    <span>"Upload a logo"</span>
                    <input
                        type="file"
                        name="logo"
                        data-testid="logo-input"
                        accept="image/png,image/jpeg,image/webp"
                        on:change=move |ev| start_upload(&ev, upload, brand)
                    />
                </label>
                <p class="muted field-note">
                    {format!("PNG, JPEG or WebP, up to {} KiB. It is scaled to at most 512×512 pixels. SVG and animated images are not accepted.", MAX_LOGO_BYTES / 1024)}
                </p>
                {move || match upload.get() {
                    Upload::Idle => ().into_any(),
                    Upload::Sending(fraction) => view! {
                        <div class="upload-progress" role="status">
                            <progress max="100" value=(fraction * 100.0).round().to_string() data-testid="upload-progress" aria-label="Upload progress"></progress>
                            <span>{format!("Uploading… {:.0}%", fraction * 100.0)}</span>
                        </div>
                    }.into_any(),
                    Upload::Processing => view! {
                        <div class="upload-progress" role="status">
                            <progress max="100" value="100" data-testid="upload-progress" aria-label="Upload progress"></progress>
                            <span>"Checking and resizing…"</span>
                        </div>
                    }.into_any(),
                    Upload::Done => view! { <p class="form-success" role="status" data-testid="upload-done">"Logo uploaded."</p> }.into_any(),
                    Upload::Failed(message) => view! { <p class="form-error" role="alert" data-testid="upload-error">{message}</p> }.into_any(),
                }}
                <hr/>
                <h2>"Reset"</h2>
                <p class="muted">"Back to the default name, colors and mark."</p>
                {move || reset_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <ActionForm action=reset>
                    <button type="submit" class="button secondary" disabled=move || reset.pending().get()>"Reset to the default brand"</button>
                </ActionForm>
            </section>
        </div>
    }
}

/// Sends the chosen file to `POST /api/branding/logo` with upload progress.
#[cfg(feature = "hydrate")]
fn start_upload(ev: &leptos::ev::Event, upload: RwSignal<Upload>, brand: RwSignal<Brand>) {
    use hub_model::HubError;
    use wasm_bindgen::{closure::Closure, JsCast as _};
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    let fail = move |message: String| upload.set(Upload::Failed(message));
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        return fail("This browser cannot upload files.".to_owned());
    };
    if xhr.open("POST", "/api/branding/logo").is_err() {
        return fail("The upload could not start.".to_owned());
    }
    upload.set(Upload::Sending(0.0));
    if let Ok(target) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    let fraction = e.loaded() / e.total();
                    upload.set(if fraction >= 1.0 {
                        Upload::Processing
                    } else {
                        Upload::Sending(fraction)
                    });
                }
            });
        target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // One small closure per upload, kept for the request's lifetime.
        on_progress.forget();
    }
    let done = xhr.clone();
    let on_load = Closure::once_into_js(move || {
        let body = done.response_text().ok().flatten().unwrap_or_default();
        match done.status().unwrap_or(0) {
            200 => match serde_json::from_str::<Brand>(&body) {
                Ok(fresh) => {
                    brand.set(fresh);
                    upload.set(Upload::Done);
                }
                Err(_) => fail("The server's answer could not be read.".to_owned()),
            },
            _ => fail(
                serde_json::from_str::<HubError>(&body)
                    .map(|e| e.to_string())
                    .unwrap_or_else(|_| "The upload failed.".to_owned()),
            ),
        }
    });
    xhr.set_onload(Some(on_load.unchecked_ref()));
    let on_error =
        Closure::once_into_js(move || fail("The server could not be reached.".to_owned()));
    xhr.set_onerror(Some(on_error.unchecked_ref()));
    if xhr.send_with_opt_blob(Some(&file)).is_err() {
        fail("The upload could not start.".to_owned());
    }
}

/// On the server the page only renders; uploads start in the browser.
#[cfg(not(feature = "hydrate"))]
fn start_upload(_ev: &leptos::ev::Event, _upload: RwSignal<Upload>, _brand: RwSignal<Brand>) {}
