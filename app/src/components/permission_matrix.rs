//! The permission matrix: resource kinds × view / create / update / delete, plus run (Automs)
//! and reveal (Vault); a pair that does not exist is an empty cell (DESIGN §1).
//! Editable (checkboxes bound to a signal, submitted as one hidden `permissions` bit mask)
//! or read-only.

use hub_model::permissions::{Action, Permission, PermissionSet, ResourceKind};
use leptos::prelude::*;

/// An editable matrix. The form it sits in receives the set as `permissions`.
#[component]
pub fn PermissionMatrix(
    /// The set being edited.
    set: RwSignal<PermissionSet>,
    /// Labels the grid for assistive technology.
    label: &'static str,
    /// Cells that cannot be granted (not held by the editor); shown disabled.
    #[prop(optional)]
    grantable: Option<PermissionSet>,
) -> impl IntoView {
    let grantable = grantable.unwrap_or_else(PermissionSet::all);
    let toggle_row = move |resource: ResourceKind| {
        set.update(|s| {
            let cells = Action::ALL
                .map(|a| Permission::new(resource, a))
                .into_iter()
                .filter(|c| c.exists())
                .collect::<Vec<_>>();
            let all_on = cells.iter().all(|c| s.allows(*c) || !grantable.allows(*c));
            for c in cells.into_iter().filter(|c| grantable.allows(*c)) {
                if all_on {
                    s.remove(c);
                } else {
                    s.insert(c);
                }
            }
        });
    };
    view! {
        <div class="matrix-wrap">
            <input type="hidden" name="permissions" prop:value=move || set.get().bits().to_string()/>
            <table class="matrix" aria-label=label data-testid="permission-matrix">
                {matrix_head()}
                <tbody>
                    {ResourceKind::ALL
                        .into_iter()
                        .map(|resource| {
                            view! {
                                <tr>
                                    <th scope="row">
                                        <button type="button" class="link-button" title="Toggle the whole row"
                                            on:click=move |_| toggle_row(resource)>
                                            {resource.label()}
                                        </button>
                                    </th>
                                    {Action::ALL
                                        .into_iter()
                                        .map(|action| {
                                            let cell = Permission::new(resource, action);
                                            if !cell.exists() {
                                                return view! { <td class="na"></td> }.into_any();
                                            }
                                            let name = format!("{} {}", resource.label(), action.label().to_lowercase());
                                            view! {
                                                <td>
                                                    <input
                                                        type="checkbox"
                                                        aria-label=name
                                                        disabled=!grantable.allows(cell)
                                                        prop:checked=move || set.get().allows(cell)
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            set.update(|s| if on { s.insert(cell) } else { s.remove(cell) });
                                                        }
                                                    />
                                                </td>
                                            }
                                            .into_any()
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <div class="matrix-presets">
                <button type="button" class="button secondary small" on:click=move |_| set.set(PermissionSet::all().intersect(grantable))>"Full access"</button>
                <button type="button" class="button secondary small" on:click=move |_| set.set(PermissionSet::view_only().intersect(grantable))>"View only"</button>
                <button type="button" class="button secondary small" on:click=move |_| set.set(PermissionSet::empty())>"Clear"</button>
                <span class="muted" aria-live="polite">{move || set.get().summary()}</span>
            </div>
        </div>
    }
    .into_any()
}

/// A read-only matrix: ✓ where granted.
#[component]
pub fn PermissionGrid(set: PermissionSet, label: String) -> impl IntoView {
    view! {
        <table class="matrix readonly" aria-label=label>
            {matrix_head()}
            <tbody>
                {ResourceKind::ALL
                    .into_iter()
                    .map(|resource| view! {
                        <tr>
                            <th scope="row">{resource.label()}</th>
                            {Action::ALL
                                .into_iter()
                                .map(|action| {
                                    let cell = Permission::new(resource, action);
                                    if !cell.exists() {
                                        return view! { <td class="na"></td> }.into_any();
                                    }
                                    let on = set.allows(cell);
                                    view! {
                                        <td class:granted=on>
                                            {if on { "✓" } else { "–" }}
                                            <span class="visually-hidden">{if on { " allowed" } else { " not allowed" }}</span>
                                        </td>
                                    }
                                    .into_any()
                                })
                                .collect_view()}
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The matrix's column headings: the resource, then each action.
fn matrix_head() -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th scope="col">"Resource"</th>
                {Action::ALL.into_iter().map(|a| view! { <th scope="col">{a.label()}</th> }).collect_view()}
            </tr>
        </thead>
    }
}
