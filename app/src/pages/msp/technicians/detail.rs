//! One technician (MSP Admin), laid out for its main job: the tenants they are assigned to and
//! their access in each come first, then the assignment editor (pick tenants searched on the
//! server, set a permission matrix, apply it to every selected tenant at once), then the
//! account: profile, password, deactivate / reactivate and delete. Deactivating, deleting and
//! unassigning ask first; every action answers with a toast.

use crate::{
    api::technicians::{
        assignment_candidates, get_technician_detail, set_technician_active, AssignTenants,
        DeleteTechnician, ResetTechnicianPassword, SetTechnicianActive, UnassignTenants,
        UpdateTechnician,
    },
    components::{
        auth_card::reset_on_success,
        confirm::{use_confirm, Confirmation},
        error_view::{error_page, ErrorPanel},
        permission_matrix::PermissionMatrix,
        progress::pending,
        toast::{settle, toast_results, use_toast},
    },
};
use hub_model::{
    permissions::PermissionSet,
    technicians::{AssignmentPage, AssignmentRow, TechnicianDetail, TechnicianSummary},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use std::sync::Arc;

/// A tenant picked in the assignment editor.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Picked {
    id: String,
    name: String,
    active: bool,
}

impl Picked {
    fn of(row: &AssignmentRow) -> Self {
        Self {
            id: row.tenant_id.to_string(),
            name: row.name.clone(),
            active: row.active,
        }
    }
}

/// "Contoso", "Contoso and Fabrikam", "3 tenants".
fn tenants_named(picked: &[Picked]) -> String {
    match picked {
        [one] => one.name.clone(),
        [a, b] => format!("{} and {}", a.name, b.name),
        many => format!("{} tenants", many.len()),
    }
}

/// `/technicians/{id}`
#[component]
pub fn TechnicianDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let update = ServerAction::<UpdateTechnician>::new();
    let toggle = ServerAction::<SetTechnicianActive>::new();
    let assign = ServerAction::<AssignTenants>::new();
    let unassign = ServerAction::<UnassignTenants>::new();
    let refresh = RwSignal::new(0_u32);
    let detail = Resource::new(
        move || {
            (
                id.get(),
                update.version().get(),
                toggle.version().get(),
                assign.version().get(),
                unassign.version().get(),
                refresh.get(),
            )
        },
        |(id, ..)| get_technician_detail(id),
    );
    toast_results(update, |t: &TechnicianSummary| {
        Some(format!("Saved {}.", t.display_name))
    });
    announce_toggle(toggle, refresh);
    // The technician's name, for the editor's questions and answers (set by the header).
    let name = RwSignal::new(String::new());
    // Three parts, each awaiting its data in its own boundary (a boundary nested inside
    // another's view broke hydration): who and what they may open; the assignment editor;
    // the account.
    view! {
        <Transition set_pending=pending() fallback=|| view! { <div class="panel" aria-busy="true">"Loading the technician…"</div> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        name.set(detail.technician.display_name.clone());
                        view! { <Header detail toggle/> }.into_any()
                    }
                    Err(e) => error_page(&e),
                }
            })}
        </Transition>
        <Assignments id name assign unassign/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                detail.await.ok().map(|detail| view! { <Account detail update/> })
            })}
        </Transition>
    }
    .into_any()
}

/// Answers each toggle with a toast; a deactivation's offers to undo it (calling the server
/// itself, since the toast may outlive the page).
fn announce_toggle(toggle: ServerAction<SetTechnicianActive>, refresh: RwSignal<u32>) {
    let toaster = use_toast();
    Effect::new(move |_| {
        toggle.value().with(|last| match last {
            Some(Ok(t)) if t.active => {
                toaster.success(format!("{} is active again.", t.display_name))
            }
            Some(Ok(t)) => {
                let (id, name) = (t.id.to_string(), t.display_name.clone());
                toaster.success_with_undo(
                    format!("{name} is deactivated and signed out."),
                    Arc::new(move || {
                        let name = name.clone();
                        settle(
                            set_technician_active(id.clone(), true),
                            move |_| format!("{name} is active again."),
                            move || {
                                refresh.try_update(|n| *n += 1);
                            },
                        );
                    }),
                );
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    });
}

/// Who the technician is, the tenants they may open and their access in each.
#[component]
fn Header(detail: TechnicianDetail, toggle: ServerAction<SetTechnicianActive>) -> impl IntoView {
    let t = detail.technician;
    let id = t.id.to_string();
    let confirmer = use_confirm();
    let name = t.display_name.clone();
    let assigned = detail.assignments;
    let tenant_count = assigned.len();
    let on_toggle = {
        let (id, name, active) = (id, name, t.active);
        move |_| {
            let input = SetTechnicianActive {
                id: id.clone(),
                active: !active,
            };
            if !active {
                toggle.dispatch(input);
                return;
            }
            confirmer.ask(Confirmation {
                title: format!("Deactivate {name}?"),
                body: format!(
                    "{name} is signed out at once and loses access to {tenant_count} tenant{}; nothing is deleted, and you can reactivate them at any time.",
                    if tenant_count == 1 { "" } else { "s" }
                ),
                confirm: format!("Deactivate {name}"),
                destructive: true,
                run: Arc::new(move || {
                    toggle.dispatch(input.clone());
                }),
            });
        }
    };
    view! {
        <Title text=t.display_name.clone()/>
        <header class="page-header split">
            <div>
                <p class="breadcrumb"><A href="/technicians">"Technicians"</A> " /"</p>
                <h1 data-testid="technician-name">{t.display_name.clone()}
                    {if t.active {
                        view! { <span class="badge success">"Active"</span> }.into_any()
                    } else {
                        view! { <span class="badge danger">"Deactivated"</span> }.into_any()
                    }}
                </h1>
                <p class="muted">{t.email.clone()} {(!t.phone.is_empty()).then(|| format!(" · {}", t.phone))}</p>
            </div>
            <div class="header-actions">
                <button type="button" class=if t.active { "button secondary" } else { "button" } on:click=on_toggle>
                    {if t.active { "Deactivate…" } else { "Reactivate" }}
                </button>
            </div>
        </header>
        <section class="panel form-panel">
            <h2>"Assigned tenants"</h2>
            {if assigned.is_empty() {
                view! { <p class="muted" data-testid="no-assignments">"No tenant yet: this technician sees no tenant at all. Assign tenants below."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain assignment-list" data-testid="assignment-list">
                        {assigned.into_iter().map(|a| view! {
                            <li>
                                <strong>{a.name}</strong>
                                {(!a.active).then(|| view! { <span class="badge danger">"Deactivated"</span> })}
                                <span class="muted access-summary">{a.permissions.map(PermissionSet::summary).unwrap_or_default()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// The account: profile, password, delete.
#[component]
fn Account(detail: TechnicianDetail, update: ServerAction<UpdateTechnician>) -> impl IntoView {
    let t = detail.technician;
    let tenant_count = detail.assignments.len();
    let id = t.id.to_string();
    let reset = ServerAction::<ResetTechnicianPassword>::new();
    let delete = ServerAction::<DeleteTechnician>::new();
    let reset_form = NodeRef::new();
    reset_on_success(reset, reset_form);
    toast_results(reset, |()| {
        Some("Password reset. Their sessions have ended.".to_owned())
    });
    let navigate = use_navigate();
    let toaster = use_toast();
    let confirmer = use_confirm();
    let name = t.display_name.clone();
    Effect::new({
        let name = name.clone();
        move |_| {
            delete.value().with(|last| match last {
                Some(Ok(())) => {
                    toaster.success(format!("Deleted {name}."));
                    navigate("/technicians", Default::default());
                }
                Some(Err(error)) => toaster.error(error.to_string()),
                None => {}
            });
        }
    });
    let on_delete = {
        let (id, name) = (id.clone(), name.clone());
        move |_| {
            let input = DeleteTechnician { id: id.clone() };
            confirmer.ask(Confirmation {
                title: format!("Delete {name}?"),
                body: format!(
                    "Their account and its {tenant_count} tenant assignment{} are deleted for good. The audit log keeps what they did.",
                    if tenant_count == 1 { "" } else { "s" }
                ),
                confirm: format!("Delete {name}"),
                destructive: true,
                run: Arc::new(move || {
                    delete.dispatch(input.clone());
                }),
            });
        }
    };
    let (id_update, id_reset) = (id.clone(), id);
    view! {
        <div class="two-columns" id="account">
            <section class="panel form-panel">
                <h2>"Profile"</h2>
                <ActionForm action=update>
                    <input type="hidden" name="id" value=id_update/>
                    <label class="field"><span>"Name"</span><input type="text" name="display_name" value=t.display_name.clone() required maxlength="100"/></label>
                    <label class="field"><span>"Email"</span><input type="email" name="email" value=t.email.clone() required/></label>
                    <label class="field"><span>"Phone"</span><input type="tel" name="phone" value=t.phone.clone()/></label>
                    <button type="submit" disabled=move || update.pending().get()>"Save profile"</button>
                </ActionForm>
            </section>
            <section class="panel form-panel">
                <h2>"Password"</h2>
                <p class="muted">"Setting a new password signs the technician out everywhere."</p>
                <ActionForm action=reset node_ref=reset_form>
                    <input type="hidden" name="id" value=id_reset/>
                    <label class="field"><span>"New password"</span><input type="password" name="password" required minlength="12" autocomplete="new-password"/></label>
                    <button type="submit" disabled=move || reset.pending().get()>"Reset password"</button>
                </ActionForm>
                <h2 class="danger-heading">"Delete"</h2>
                <p class="muted">"Deletes the account and its assignments. The audit log keeps what they did."</p>
                <button type="button" class="button danger" on:click=on_delete>"Delete technician…"</button>
            </section>
        </div>
    }
    .into_any()
}

/// The assignment editor.
#[component]
fn Assignments(
    id: Memo<String>,
    /// The technician's name, for the questions and answers.
    name: RwSignal<String>,
    assign: ServerAction<AssignTenants>,
    unassign: ServerAction<UnassignTenants>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let selected = RwSignal::new(Vec::<Picked>::new());
    let matrix = RwSignal::new(PermissionSet::view_only());
    let candidates = Resource::new(
        move || {
            (
                id.get(),
                applied_search.get(),
                page.get(),
                assign.version().get(),
                unassign.version().get(),
            )
        },
        |(id, search, page, ..)| assignment_candidates(id, search, page, 25),
    );
    let toaster = use_toast();
    let confirmer = use_confirm();
    // Another technician's page (the same page, another id): nothing picked for the one
    // before carries over.
    Effect::new(move |previous: Option<String>| {
        let current = id.get();
        if previous.is_some_and(|previous| previous != current) {
            selected.set(Vec::new());
            matrix.set(PermissionSet::view_only());
            search.set(String::new());
            applied_search.set(String::new());
            page.set(1);
        }
        current
    });
    // After a change the selection is done with; the answer names what changed.
    let last_applied = StoredValue::new(Vec::<Picked>::new());
    Effect::new({
        move |_| {
            assign.value().with(|last| match last {
                Some(Ok(_)) => {
                    let name = name.get_untracked();
                    let picked = last_applied.get_value();
                    toaster.success(format!(
                        "Applied the permissions to {} for {name}.",
                        tenants_named(&picked)
                    ));
                    selected.set(Vec::new());
                }
                Some(Err(error)) => toaster.error(error.to_string()),
                None => {}
            });
        }
    });
    Effect::new({
        move |_| {
            unassign.value().with(|last| match last {
                Some(Ok(_)) => {
                    let name = name.get_untracked();
                    let picked = last_applied.get_value();
                    toaster.success(format!(
                        "Unassigned {} from {name}.",
                        tenants_named(&picked)
                    ));
                    selected.set(Vec::new());
                }
                Some(Err(error)) => toaster.error(error.to_string()),
                None => {}
            });
        }
    });
    let tenants_field = move || {
        selected.with(|s| {
            s.iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    let count = move || selected.with(Vec::len);
    let inactive = move || {
        selected.with(|s| {
            s.iter()
                .filter(|p| !p.active)
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        })
    };
    let on_assign = move |_| {
        last_applied.set_value(selected.get_untracked());
        assign.dispatch(AssignTenants {
            id: id.get_untracked(),
            tenants: tenants_field(),
            permissions: matrix.get_untracked().bits(),
        });
    };
    let on_unassign = {
        move |_| {
            let name = name.get_untracked();
            let picked = selected.get_untracked();
            let input = UnassignTenants {
                id: id.get_untracked(),
                tenants: tenants_field(),
            };
            confirmer.ask(Confirmation {
                title: format!("Unassign {} from {name}?", tenants_named(&picked)),
                body: format!(
                    "{name} loses access to {} on their next request. Nothing in the tenant{} is deleted.",
                    tenants_named(&picked),
                    if picked.len() == 1 { "" } else { "s" }
                ),
                confirm: format!("Unassign {}", tenants_named(&picked)),
                destructive: true,
                run: Arc::new(move || {
                    last_applied.set_value(picked.clone());
                    unassign.dispatch(input.clone());
                }),
            });
        }
    };
    view! {
        <section class="panel form-panel" data-testid="assignment-editor">
            <h2>"Tenant assignments"</h2>
            <p class="muted">"Select tenants, set the permissions, then apply them to every selected tenant at once. Changes apply on the technician's next request."</p>
            <div class="assignment-grid">
                <div>
                    <form class="search-form" on:submit=move |ev| { ev.prevent_default(); page.set(1); applied_search.set(search.get_untracked()); }>
                        <label class="visually-hidden" for="assignment-search">"Search tenants"</label>
                        <input id="assignment-search" type="search" placeholder="Search tenants"
                            prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                        <button type="submit" class="button secondary">"Search"</button>
                    </form>
                    <Transition set_pending=pending() fallback=|| view! { <p aria-busy="true">"Loading tenants…"</p> }>
                        {move || Suspend::new(async move {
                            match candidates.await {
                                Ok(list) => view! { <CandidateTable list selected matrix page/> }.into_any(),
                                // No such technician: the page above says so, and this marker
                                // hides the whole editor (CSS `:has`), on the server's HTML as
                                // after hydration, with no second suspense boundary around it.
                                Err(hub_model::HubError::NotFound { .. }) => view! {
                                    <span hidden data-missing="technician"></span>
                                }.into_any(),
                                Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
                <div>
                    <h3>"Permissions"</h3>
                    <PermissionMatrix set=matrix label="Permissions to apply"/>
                    {move || {
                        let names = inactive();
                        (!names.is_empty()).then(|| view! {
                            <p class="form-warning" role="alert" data-testid="inactive-warning">
                                {format!(
                                    "{} {} deactivated: the assignment is saved, but it opens nothing until the tenant is reactivated.",
                                    names.join(", "),
                                    if names.len() == 1 { "is" } else { "are" }
                                )}
                            </p>
                        })
                    }}
                    <button type="button" class="button wide-button" disabled=move || count() == 0 || assign.pending().get() on:click=on_assign>
                        {move || format!("Apply these permissions to the {} selected tenant{}", count(), if count() == 1 { "" } else { "s" })}
                    </button>
                    <button type="button" class="button secondary wide-button" disabled=move || count() == 0 || unassign.pending().get() on:click=on_unassign>
                        "Unassign the selected tenants…"
                    </button>
                </div>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn CandidateTable(
    list: AssignmentPage,
    selected: RwSignal<Vec<Picked>>,
    matrix: RwSignal<PermissionSet>,
    page: RwSignal<i64>,
) -> impl IntoView {
    if list.rows.is_empty() {
        return view! { <p class="muted">"No tenant matches."</p> }.into_any();
    }
    let pages = list.pages();
    let current = list.page;
    let on_page: Vec<Picked> = list.rows.iter().map(Picked::of).collect();
    let all_selected = {
        let on_page = on_page.clone();
        move || selected.with(|s| on_page.iter().all(|p| s.iter().any(|x| x.id == p.id)))
    };
    let select_all = move |ev| {
        let on = event_target_checked(&ev);
        selected.update(|s| {
            for p in &on_page {
                let present = s.iter().any(|x| x.id == p.id);
                if on && !present {
                    s.push(p.clone());
                } else if !on {
                    s.retain(|x| x.id != p.id);
                }
            }
        });
    };
    view! {
        <table class="data-table compact" data-testid="candidate-table">
            <thead>
                <tr>
                    <th scope="col">
                        <input type="checkbox" aria-label="Select every tenant on this page"
                            prop:checked=all_selected on:change=select_all data-testid="select-all"/>
                    </th>
                    <th scope="col">"Tenant"</th>
                    <th scope="col">"Current access"</th>
                </tr>
            </thead>
            <tbody>
                {list.rows.into_iter().map(|row| {
                    let picked = Picked::of(&row);
                    let check_id = picked.id.clone();
                    let is_selected = move || selected.with(|s| s.iter().any(|x| x.id == check_id));
                    let row_selected = is_selected.clone();
                    let toggle_pick = {
                        let picked = picked.clone();
                        move |ev| {
                            let on = event_target_checked(&ev);
                            let picked = picked.clone();
                            selected.update(|s| {
                                s.retain(|x| x.id != picked.id);
                                if on {
                                    s.push(picked);
                                }
                            });
                        }
                    };
                    let current = row.permissions;
                    view! {
                        <tr data-testid="candidate-row" class:selected=row_selected>
                            <td>
                                <input type="checkbox" aria-label=format!("Select {}", row.name)
                                    prop:checked=is_selected on:change=toggle_pick/>
                            </td>
                            <td>{row.name.clone()}
                                {(!row.active).then(|| view! { <span class="badge danger">"Deactivated"</span> })}</td>
                            <td>
                                {match current {
                                    Some(set) => {
                                        let picked = picked.clone();
                                        view! {
                                            <span class="access-summary">{set.summary()}</span>
                                            " "
                                            <button type="button" class="link-button" title="Select this tenant and load its permissions into the matrix"
                                                on:click=move |_| {
                                                    matrix.set(set);
                                                    selected.set(vec![picked.clone()]);
                                                }>"Edit"</button>
                                        }.into_any()
                                    }
                                    None => view! { <span class="muted">"Not assigned"</span> }.into_any(),
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Tenant pages">
            <span class="muted">{format!("{} tenants · page {current} of {pages}", list.total)}</span>
            <div class="pager-buttons">
                <button type="button" class="button secondary small" aria-label="Previous page" disabled={current <= 1} on:click=move |_| page.update(|p| *p -= 1)>"←"</button>
                <button type="button" class="button secondary small" aria-label="Next page" disabled={current >= pages} on:click=move |_| page.update(|p| *p += 1)>"→"</button>
            </div>
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenants_are_named_when_few_and_counted_when_many() {
        let p = |name: &str| Picked {
            id: name.to_owned(),
            name: name.to_owned(),
            active: true,
        };
        assert_eq!(tenants_named(&[p("Contoso")]), "Contoso");
        assert_eq!(
            tenants_named(&[p("Contoso"), p("Fabrikam")]),
            "Contoso and Fabrikam"
        );
        assert_eq!(tenants_named(&[p("A"), p("B"), p("C")]), "3 tenants");
    }
}
