//! The searchable tenant switcher in the sidebar (a keyboard-operable combobox).
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

    let current_slug = Memo::new(move |_| {
        tenant_in_path(&location.pathname.get()).unwrap_or_else(|| ORGANIZATION_SLUG.to_owned())
    });
    let matches = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        if !complete && !needle.is_empty() {
            return remote.with(|r| match r {
                Some((q, found)) if *q == needle => found.clone(),
                _ => Vec::new(),
            });
        }
        all.get_value()
            .into_iter()
            .filter(|e| {
                needle.is_empty()
                    || e.name.to_lowercase().contains(&needle)
                    || e.slug.contains(&needle)
            })
            .collect::<Vec<_>>()
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
            if let Some(input) = input_ref.get() {
                let _ = input.focus();
            }
        }
    });

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
                                        view! {
                                            <li
                                                id=format!("switcher-option-{index}")
                                                role="option"
                                                class="switcher-option"
                                                class:highlighted=move || highlighted.get() == index
                                                aria-selected=move || (highlighted.get() == index).to_string()
                                                on:mousedown=move |ev| {
                                                    ev.prevent_default();
                                                    choose(slug.clone());
                                                }
                                            >
                                                <span>{entry.name}</span>
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
