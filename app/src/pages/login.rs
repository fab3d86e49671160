//! Sign in.

use crate::{
    api::auth::{safe_next, Login},
    components::auth_card::{action_error, AuthCard},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    // A return address that is not a plain path of this site is dropped, not sent.
    let next = move || {
        query
            .read()
            .get("next")
            .filter(|next| safe_next(next).is_some())
            .unwrap_or_default()
    };
    let error = action_error(action);
    view! {
        <Title text="Sign in"/>
        <AuthCard brand=true>
                <h1>"Sign in"</h1>
                <p class="muted">"Manage every customer tenant from one place."</p>
                <ActionForm action>
                    <input type="hidden" name="next" value=next/>
                    <label class="field">
                        <span>"Email"</span>
                        <input type="email" name="email" autocomplete="username" required autofocus/>
                    </label>
                    <label class="field">
                        <span>"Password"</span>
                        <input type="password" name="password" autocomplete="current-password" required/>
                    </label>
                    {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <button type="submit" class="button wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
        </AuthCard>
    }
}
