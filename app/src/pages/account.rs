//! The signed-in user's own account: display name and password.

use crate::{
    api::account::{ChangePassword, UpdateDisplayName},
    components::{
        auth_card::{action_error, reset_on_success},
        toast::use_toast,
    },
    context::Viewer,
};
use hub_model::session::MIN_PASSWORD_LEN;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/account`
#[component]
pub fn AccountPage() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let rename = ServerAction::<UpdateDisplayName>::new();
    let password = ServerAction::<ChangePassword>::new();
    let rename_error = action_error(rename);
    let password_error = action_error(password);
    // Successes answer in the toast area (errors stay by their form until corrected).
    let toaster = use_toast();
    Effect::new(move |_| {
        if let Some(Ok(name)) = rename.value().get() {
            toaster.success(format!("Saved as {name}."));
        }
    });
    Effect::new(move |_| {
        if password.value().with(|v| matches!(v, Some(Ok(())))) {
            toaster.success("Password changed. Your other sessions have ended.");
        }
    });
    let password_form = NodeRef::new();
    reset_on_success(password, password_form);
    view! {
        <Title text="Your account"/>
        <header class="page-header">
            <h1>"Your account"</h1>
            <p class="muted">{viewer.user.email.clone()} " · " {viewer.user.role.to_string()}</p>
        </header>
        <div class="two-columns">
            <section class="panel form-panel">
                <h2>"Name"</h2>
                <ActionForm action=rename>
                    <label class="field">
                        <span>"Display name"</span>
                        <input type="text" name="display_name" value=viewer.user.display_name.clone() required maxlength="100" autocomplete="name"/>
                    </label>
                    {move || rename_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <button type="submit" disabled=move || rename.pending().get()>"Save name"</button>
                </ActionForm>
            </section>
            <section class="panel form-panel">
                <h2>"Password"</h2>
                <ActionForm action=password node_ref=password_form>
                    <label class="field">
                        <span>"Current password"</span>
                        <input type="password" name="current_password" required autocomplete="current-password"/>
                    </label>
                    <label class="field">
                        <span>"New password"</span>
                        <input type="password" name="new_password" required minlength=MIN_PASSWORD_LEN autocomplete="new-password"/>
                    </label>
                    <span class="field-hint muted">{format!("At least {MIN_PASSWORD_LEN} characters. Your other sessions end; this one stays signed in.")}</span>
                    {move || password_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <button type="submit" disabled=move || password.pending().get()>"Change password"</button>
                </ActionForm>
            </section>
        </div>
    }
}
