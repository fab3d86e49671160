//! First run: create the organization and its Administrator.

use crate::{
    api::auth::SetUp,
    components::auth_card::{action_error, AuthCard},
};
use hub_model::session::MIN_PASSWORD_LEN;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The setup page, shown only while the database is empty.
#[component]
pub fn SetupPage() -> impl IntoView {
    let action = ServerAction::<SetUp>::new();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let mismatch = move || !confirm.get().is_empty() && password.get() != confirm.get();
    let error = action_error(action);
    // The link the server printed carries the one-time token; without it, ask for it.
    let query = use_query_map();
    let token_from_link = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Set up"/>
        <AuthCard brand=true wide=true>
                <h1>"Set up MSP Hub"</h1>
                <p class="muted">
                    "Create your organization and its Administrator account. "
                    "This happens once; afterwards everyone signs in."
                </p>
                <ActionForm action>
                    <Show
                        when=move || token_from_link().is_empty()
                        fallback=move || view! { <input type="hidden" name="setup_token" value=token_from_link/> }
                    >
                        <label class="field">
                            <span>"Setup token"</span>
                            <input
                                type="text"
                                name="setup_token"
                                class="mono"
                                required
                                autofocus
                                autocomplete="off"
                                spellcheck="false"
                                aria-describedby="token-hint"
                            />
                        </label>
                        <small id="token-hint" class="muted field-hint">
                            "The server printed a setup link with this one-time token when it started; it is also in the data directory's setup-token file."
                        </small>
                    </Show>
                    <label class="field">
                        <span>"Organization name"</span>
                        <input type="text" name="organization_name" required maxlength="100" autofocus/>
                    </label>
                    <label class="field">
                        <span>"Your name"</span>
                        <input type="text" name="display_name" autocomplete="name" required maxlength="100"/>
                    </label>
                    <label class="field">
                        <span>"Email"</span>
                        <input type="email" name="email" autocomplete="username" required/>
                    </label>
                    <label class="field">
                        <span>"Password"</span>
                        <input
                            type="password"
                            name="password"
                            autocomplete="new-password"
                            required
                            minlength=MIN_PASSWORD_LEN.to_string()
                            aria-describedby="password-hint"
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </label>
                    <small id="password-hint" class="muted field-hint">
                        {format!("At least {MIN_PASSWORD_LEN} characters.")}
                    </small>
                    <label class="field">
                        <span>"Confirm password"</span>
                        <input
                            type="password"
                            autocomplete="new-password"
                            required
                            on:input=move |ev| confirm.set(event_target_value(&ev))
                        />
                    </label>
                    <Show when=mismatch>
                        <p class="form-error" role="alert">"The passwords do not match."</p>
                    </Show>
                    {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <button
                        type="submit"
                        class="button wide"
                        disabled=move || action.pending().get() || mismatch()
                    >
                        "Create the Administrator account"
                    </button>
                </ActionForm>
        </AuthCard>
    }
}
