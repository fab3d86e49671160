//! The user menu in the top bar: who is signed in, and sign out.

use crate::api::auth::Logout;
use hub_model::session::CurrentUser;
use leptos::{ev::KeyboardEvent, prelude::*};

/// Initials for the avatar.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

/// The avatar button and its dropdown.
#[component]
pub fn UserMenu(user: CurrentUser) -> impl IntoView {
    let open = RwSignal::new(false);
    let logout = ServerAction::<Logout>::new();
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    };
    view! {
        <div class="user-menu" on:keydown=on_keydown>
            <button
                type="button"
                class="user-button"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls="user-menu-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">{initials(&user.display_name)}</span>
                <span class="user-name">{user.display_name.clone()}</span>
                <span class="chevron" aria-hidden="true">"▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <div class="user-panel" id="user-menu-panel" role="menu">
                    <div class="user-panel-head">
                        <strong>{user.display_name.clone()}</strong>
                        <span class="muted">{user.email.clone()}</span>
                        <span class="role-badge">{user.role.to_string()}</span>
                    </div>
                    <ActionForm action=logout>
                        <button type="submit" class="menu-item" role="menuitem">"Sign out"</button>
                    </ActionForm>
                </div>
            </Show>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Alex Morgan"), "AM");
        assert_eq!(initials("dana"), "D");
        assert_eq!(initials("Mary Ann Lee"), "MA");
    }
}
