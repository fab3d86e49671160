//! The searchable tenant switcher in the sidebar (a keyboard-operable combobox), built for
//! people who switch all day: Ctrl+K (or ⌘K, or "/" outside a text field) opens it from
//! anywhere; the tenants opened recently in this browser come first; the highlight starts on
//! the current tenant; deactivated tenants come last and are marked; each entry shows its slug.
//!
//! Switching keeps the kind of page you are on and changes the URL to `/t/{slug}/...`;
//! the router swaps the page in place, with no document reload. When the principal may see
//! more tenants than were loaded (the MSP Admin at scale), typing searches on the server.

use crate::{
    api::workspace::list_workspaces,
    context::CurrentTenant,
    paths::{section_in_path, tenant_in_path, tenant_page},
};
use hub_model::workspace::{WorkspaceEntry, WorkspaceList, ORGANIZATION_SLUG};
use leptos::{ev::KeyboardEvent, html, prelude::*};

/// How many recently opened tenants come first.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const RECENT: usize = 5;
/// Where this browser keeps them (slugs only; the list itself is always the server's).
#[cfg(feature = "hydrate")]
const RECENT_KEY: &str = "msp-hub.recent-tenants";

/// The switcher's order: recently opened first (most recent first), then the rest by name;
/// deactivated tenants after every active one, in the same order.
fn switcher_order(mut entries: Vec<WorkspaceEntry>, recent: &[String]) -> Vec<WorkspaceEntry> {
    let rank = |e: &WorkspaceEntry| {
        recent
            .iter()
            .position(|r| *r == e.slug)
            .unwrap_or(usize::MAX)
    };
    entries.sort_by(|a, b| {
        b.active
            .cmp(&a.active)
            .then_with(|| rank(a).cmp(&rank(b)))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    entries
}

/// The recent list with `slug` in front.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn remember(mut recent: Vec<String>, slug: &str) -> Vec<String> {
    recent.retain(|s| s != slug);
    recent.insert(0, slug.to_owned());
    recent.truncate(RECENT);
    recent
}

/// The tenants opened recently in this browser, most recent first (slugs).
#[cfg(feature = "hydrate")]
pub fn recent_tenants() -> Vec<String> {
    stored_recent()
}

#[cfg(feature = "hydrate")]
fn stored_recent() -> Vec<String> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(RECENT_KEY).ok().flatten())
        .map(|text| {
            text.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(feature = "hydrate")]
fn store_recent(recent: &[String]) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(RECENT_KEY, &recent.join(","));
    }
}

/// Whether a key press should open the switcher: Ctrl+K / ⌘K anywhere, "/" outside text fields.
#[cfg(feature = "hydrate")]
fn is_switcher_shortcut(ev: &KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast as _;
    if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
        return true;
    }
    if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return false;
    }
    let typing = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        });
    !typing
}
use leptos_router::hooks::{use_location, use_navigate};

/// The switcher: a button showing the current workspace that opens a searchable list.
#[component]
pub fn TenantSwitcher(
    /// The workspaces the principal may see, loaded by the shell.
    workspaces: WorkspaceList,
) -> impl IntoView {
    let complete = workspaces.total <= i64::try_from(workspaces.entries.len()).unwrap_or(i64::MAX);
    let all: StoredValue<Vec<WorkspaceEntry>> = StoredValue::new(workspaces.entries);
    let location = use_location();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let highlighted = RwSignal::new(0_usize);
    let input_ref = NodeRef::<html::Input>::new();
    // Server results for the current query (only when the loaded list is incomplete).
    let remote: RwSignal<Option<(String, Vec<WorkspaceEntry>)>> = RwSignal::new(None);
    let current_tenant = use_context::<CurrentTenant>().map(|c| c.0);
    // Loaded after hydration (the list renders only when opened, so server and client agree).
    let recent = RwSignal::new(Vec::<String>::new());

    // The tenant in the URL; on other pages the one the Workspace links point at.
    let current_slug = Memo::new(move |_| {
        tenant_in_path(&location.pathname.get())
            .or_else(|| current_tenant.and_then(|c| c.with(|c| c.as_ref().map(|c| c.slug.clone()))))
            .unwrap_or_else(|| ORGANIZATION_SLUG.to_owned())
    });
    let matches = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        if !complete && !needle.is_empty() {
            return remote.with(|r| match r {
                Some((q, found)) if *q == needle => found.clone(),
                _ => Vec::new(),
            });
        }
        let found = all
            .get_value()
            .into_iter()
            .filter(|e| {
                needle.is_empty()
                    || e.name.to_lowercase().contains(&needle)
                    || e.slug.contains(&needle)
            })
            .collect::<Vec<_>>();
        recent.with(|r| switcher_order(found, r))
    });
    let searching = move || {
        let needle = query.get().trim().to_lowercase();
        !complete
            && !needle.is_empty()
            && remote.with(|r| r.as_ref().is_none_or(|(q, _)| *q != needle))
    };
    let current_name = move || {
        let slug = current_slug.get();
        current_tenant
            .and_then(|c| {
                c.with(|c| {
                    c.as_ref()
                        .filter(|c| c.slug == slug)
                        .map(|c| c.name.clone())
                })
            })
            .or_else(|| {
                all.with_value(|entries| {
                    entries
                        .iter()
                        .find(|e| e.slug == slug)
                        .map(|e| e.name.clone())
                })
            })
            .unwrap_or_else(|| "Choose a tenant".to_owned())
    };
    let search_server = move |text: String| {
        let needle = text.trim().to_lowercase();
        if complete || needle.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_workspaces(None, Some(needle.clone())).await {
                // Only the answer to what is typed now counts.
                if query.get_untracked().trim().to_lowercase() == needle {
                    remote.set(Some((needle, list.entries)));
                }
            }
        });
    };

    let close = move || {
        open.set(false);
        query.set(String::new());
        highlighted.set(0);
    };
    let choose = {
        let navigate = navigate.clone();
        move |slug: String| {
            let section = section_in_path(&location.pathname.get_untracked())
                .unwrap_or_else(|| "dashboard".to_owned());
            close();
            navigate(&tenant_page(&slug, &section), Default::default());
        }
    };

    Effect::new(move |_| {
        if open.get() {
            // The highlight starts on the current tenant.
            let current = current_slug.get_untracked();
            let at = matches.with_untracked(|m| m.iter().position(|e| e.slug == current));
            highlighted.set(at.unwrap_or(0));
            if let Some(input) = input_ref.get() {
                let _ = input.focus();
            }
        }
    });
    #[cfg(feature = "hydrate")]
    {
        recent.set(stored_recent());
        Effect::new(move |_| {
            let slug = current_slug.get();
            if slug != ORGANIZATION_SLUG && all.with_value(|a| a.iter().any(|e| e.slug == slug)) {
                let next = remember(recent.get_untracked(), &slug);
                store_recent(&next);
                recent.set(next);
            }
        });
        let shortcut = window_event_listener(leptos::ev::keydown, move |ev| {
            if is_switcher_shortcut(&ev) {
                ev.prevent_default();
                open.set(true);
            }
        });
        on_cleanup(move || shortcut.remove());
    }

    let on_keydown = {
        let choose = choose.clone();
        move |ev: KeyboardEvent| {
            let count = matches.with(Vec::len);
            match ev.key().as_str() {
                "ArrowDown" => {
                    ev.prevent_default();
                    if count > 0 {
                        highlighted.update(|i| *i = (*i + 1) % count);
                    }
                }
                "ArrowUp" => {
                    ev.prevent_default();
                    if count > 0 {
                        highlighted.update(|i| *i = (*i + count - 1) % count);
                    }
                }
                "Enter" => {
                    ev.prevent_default();
                    let picked = matches.with(|m| m.get(highlighted.get_untracked()).cloned());
                    if let Some(entry) = picked {
                        choose(entry.slug);
                    }
                }
                "Escape" => {
                    ev.prevent_default();
                    close();
                }
                _ => {}
            }
        }
    };

    view! {
        <div class="switcher">
            <span class="switcher-label" id="switcher-label">"Tenant"</span>
            <button
                type="button"
                class="switcher-button"
                aria-haspopup="listbox"
                aria-expanded=move || open.get().to_string()
                aria-labelledby="switcher-label switcher-current"
                aria-keyshortcuts="Control+K /"
                title="Switch tenant (Ctrl+K or /)"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span id="switcher-current" class="switcher-current">{current_name}</span>
                <span class="chevron" aria-hidden="true">"▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="switcher-backdrop" on:click=move |_| close()></div>
                <div class="switcher-popover">
                    <input
                        node_ref=input_ref
                        type="search"
                        class="switcher-search"
                        placeholder="Search tenants"
                        role="combobox"
                        aria-label="Search tenants"
                        aria-expanded="true"
                        aria-controls="switcher-list"
                        aria-autocomplete="list"
                        aria-activedescendant=move || format!("switcher-option-{}", highlighted.get())
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            query.set(text.clone());
                            highlighted.set(0);
                            search_server(text);
                        }
                        on:keydown=on_keydown.clone()
                    />
                    <ul id="switcher-list" class="switcher-list" role="listbox" aria-label="Tenants">
                        {
                            let choose = choose.clone();
                            move || {
                                let items = matches.get();
                                if items.is_empty() {
                                    let text = if searching() { "Searching…" } else { "No matching tenant" };
                                    return view! { <li class="switcher-empty" role="status">{text}</li> }.into_any();
                                }
                                items
                                    .into_iter()
                                    .enumerate()
                                    .map(|(index, entry)| {
                                        let choose = choose.clone();
                                        let slug = entry.slug.clone();
                                        let is_current = entry.slug == current_slug.get_untracked();
                                        let is_recent = recent.with_untracked(|r| r.contains(&entry.slug));
                                        view! {
                                            <li
                                                id=format!("switcher-option-{index}")
                                                role="option"
                                                class="switcher-option"
                                                class:highlighted=move || highlighted.get() == index
                                                class:inactive=!entry.active
                                                aria-selected=move || (highlighted.get() == index).to_string()
                                                on:mousedown=move |ev| {
                                                    ev.prevent_default();
                                                    choose(slug.clone());
                                                }
                                            >
                                                <span class="switcher-entry">
                                                    <span class="switcher-name">{entry.name}</span>
                                                    <span class="switcher-slug mono">{entry.slug.clone()}</span>
                                                </span>
                                                {(is_recent && entry.active).then(|| view! { <span class="switcher-recent">"recent"</span> })}
                                                {(!entry.active).then(|| view! { <span class="switcher-inactive">"deactivated"</span> })}
                                                {is_current.then(|| view! { <span class="switcher-check" aria-label="current">"✓"</span> })}
                                            </li>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                        }
                    </ul>
                </div>
            </Show>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(slug: &str, active: bool) -> WorkspaceEntry {
        WorkspaceEntry {
            slug: slug.to_owned(),
            name: slug.to_uppercase(),
            active,
        }
    }

    #[test]
    fn recent_tenants_come_first_and_deactivated_ones_last() {
        let entries = vec![
            entry("alpha", true),
            entry("bravo", false),
            entry("charlie", true),
            entry("delta", true),
        ];
        let recent = remember(remember(Vec::new(), "delta"), "bravo");
        assert_eq!(recent, vec!["bravo".to_owned(), "delta".to_owned()]);
        let order: Vec<String> = switcher_order(entries, &recent)
            .into_iter()
            .map(|e| e.slug)
            .collect();
        assert_eq!(order, ["delta", "alpha", "charlie", "bravo"]);
    }

    #[test]
    fn the_recent_list_is_short_and_has_no_repeats() {
        let mut recent = Vec::new();
        for slug in ["a", "b", "c", "a", "d", "e", "f", "g"] {
            recent = remember(recent, slug);
        }
        assert_eq!(recent, ["g", "f", "e", "d", "a"]);
    }
}
