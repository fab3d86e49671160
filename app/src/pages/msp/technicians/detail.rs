//! One technician (MSP Admin): profile, deactivate / reactivate, password reset, delete, and
//! the tenant assignment editor: pick tenants (searched on the server), set a permission
//! matrix, and apply it to all the selected tenants as one action.

use crate::{
    api::technicians::{
        assignment_candidates, get_technician_detail, AssignTenants, DeleteTechnician,
        ResetTechnicianPassword, SetTechnicianActive, UnassignTenants, UpdateTechnician,
    },
    components::{
        auth_card::action_error,
        error_view::{error_page, ErrorPanel},
        permission_matrix::PermissionMatrix,
    },
};
use hub_model::{
    permissions::PermissionSet,
    technicians::{AssignmentPage, TechnicianDetail},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};

/// `/technicians/{id}`
#[component]
pub fn TechnicianDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let update = ServerAction::<UpdateTechnician>::new();
    let toggle = ServerAction::<SetTechnicianActive>::new();
    let assign = ServerAction::<AssignTenants>::new();
    let unassign = ServerAction::<UnassignTenants>::new();
    let detail = Resource::new(
        move || {
            (
                id.get(),
                update.version().get(),
                toggle.version().get(),
                assign.version().get(),
                unassign.version().get(),
            )
        },
        |(id, ..)| get_technician_detail(id),
    );
    view! {
        <Transition fallback=|| view! { <div class="panel" aria-busy="true">"Loading the technician…"</div> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail update toggle/> }.into_any(),
                    Err(e) => error_page(&e),
                }
            })}
        </Transition>
        <Assignments id assign unassign/>
    }
    .into_any()
}

#[component]
fn Detail(
    detail: TechnicianDetail,
    update: ServerAction<UpdateTechnician>,
    toggle: ServerAction<SetTechnicianActive>,
) -> impl IntoView {
    let t = detail.technician;
    let id = t.id.to_string();
    let reset = ServerAction::<ResetTechnicianPassword>::new();
    let delete = ServerAction::<DeleteTechnician>::new();
    let confirm_delete = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if delete.value().with(|v| matches!(v, Some(Ok(())))) {
            navigate("/technicians", Default::default());
        }
    });
    let (update_error, toggle_error, reset_error, delete_error) = (
        action_error(update),
        action_error(toggle),
        action_error(reset),
        action_error(delete),
    );
    let saved = move || update.value().with(|v| matches!(v, Some(Ok(_))));
    let reset_done = move || reset.value().with(|v| matches!(v, Some(Ok(()))));
    let assigned = detail.assignments;
    let (id_toggle, id_update, id_reset) = (id.clone(), id.clone(), id.clone());
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
                <ActionForm action=toggle>
                    <input type="hidden" name="id" value=id_toggle/>
                    <input type="hidden" name="active" value=(!t.active).to_string()/>
                    <button type="submit" class="button secondary">{if t.active { "Deactivate" } else { "Reactivate" }}</button>
                </ActionForm>
            </div>
        </header>
        {move || toggle_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        <section class="panel form-panel">
            <h2>"Assigned tenants"</h2>
            {if assigned.is_empty() {
                view! { <p class="muted" data-testid="no-assignments">"No tenant yet: this technician sees no tenant at all."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain assignment-list" data-testid="assignment-list">
                        {assigned.into_iter().map(|a| view! {
                            <li>
                                <strong>{a.name}</strong>
                                {(!a.active).then(|| view! { <span class="badge danger">"Deactivated"</span> })}
                                <span class="muted">{" · "}{a.permissions.map(PermissionSet::summary).unwrap_or_default()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <div class="two-columns">
            <section class="panel form-panel">
                <h2>"Profile"</h2>
                <ActionForm action=update>
                    <input type="hidden" name="id" value=id_update/>
                    <label class="field"><span>"Name"</span><input type="text" name="display_name" value=t.display_name.clone() required maxlength="100"/></label>
                    <label class="field"><span>"Email"</span><input type="email" name="email" value=t.email.clone() required/></label>
                    <label class="field"><span>"Phone"</span><input type="tel" name="phone" value=t.phone.clone()/></label>
                    <button type="submit" disabled=move || update.pending().get()>"Save profile"</button>
                </ActionForm>
                {move || update_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                {move || saved().then(|| view! { <p class="form-success" role="status">"Saved."</p> })}
            </section>
            <section class="panel form-panel">
                <h2>"Password"</h2>
                <p class="muted">"Setting a new password signs the technician out everywhere."</p>
                <ActionForm action=reset>
                    <input type="hidden" name="id" value=id_reset/>
                    <label class="field"><span>"New password"</span><input type="password" name="password" required minlength="12" autocomplete="new-password"/></label>
                    <button type="submit" disabled=move || reset.pending().get()>"Reset password"</button>
                </ActionForm>
                {move || reset_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                {move || reset_done().then(|| view! { <p class="form-success" role="status">"Password reset. Their sessions have ended."</p> })}
                <h2 class="danger-heading">"Delete"</h2>
                <p class="muted">"Deletes the account and its assignments. The audit log keeps what they did."</p>
                <Show when=move || confirm_delete.get() fallback=move || view! {
                    <button type="button" class="button danger" on:click=move |_| confirm_delete.set(true)>"Delete technician…"</button>
                }>
                    {
                        let id = id.clone();
                        view! {
                            <ActionForm action=delete attr:class="inline-form">
                                <input type="hidden" name="id" value=id/>
                                <button type="submit" class="button danger">"Yes, delete"</button>
                                <button type="button" class="button secondary" on:click=move |_| confirm_delete.set(false)>"Cancel"</button>
                            </ActionForm>
                        }
                    }
                </Show>
                {move || delete_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </section>
        </div>
    }
    .into_any()
}

/// The assignment editor.
#[component]
fn Assignments(
    id: Memo<String>,
    assign: ServerAction<AssignTenants>,
    unassign: ServerAction<UnassignTenants>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let selected = RwSignal::new(Vec::<String>::new());
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
    // After a change, the selection is done with.
    Effect::new(move |_| {
        if assign.version().get() + unassign.version().get() > 0 {
            selected.set(Vec::new());
        }
    });
    let (assign_error, unassign_error) = (action_error(assign), action_error(unassign));
    let applied = move || {
        assign
            .value()
            .with(|v| matches!(v, Some(Ok(_))))
            .then_some("Permissions applied.")
    };
    let tenants_field = move || selected.get().join(",");
    let count = move || selected.with(Vec::len);
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
                    <Transition fallback=|| view! { <p aria-busy="true">"Loading tenants…"</p> }>
                        {move || Suspend::new(async move {
                            match candidates.await {
                                Ok(list) => view! { <CandidateTable list selected matrix page/> }.into_any(),
                                Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
                <div>
                    <h3>"Permissions"</h3>
                    <ActionForm action=assign>
                        <input type="hidden" name="id" prop:value=move || id.get()/>
                        <input type="hidden" name="tenants" prop:value=tenants_field/>
                        <PermissionMatrix set=matrix label="Permissions to apply"/>
                        <button type="submit" class="wide-button" disabled=move || count() == 0 || assign.pending().get()>
                            {move || format!("Apply these permissions to the {} selected tenant{}", count(), if count() == 1 { "" } else { "s" })}
                        </button>
                    </ActionForm>
                    <ActionForm action=unassign>
                        <input type="hidden" name="id" prop:value=move || id.get()/>
                        <input type="hidden" name="tenants" prop:value=tenants_field/>
                        <button type="submit" class="button secondary wide-button" disabled=move || count() == 0 || unassign.pending().get()>
                            "Unassign the selected tenants"
                        </button>
                    </ActionForm>
                    {move || assign_error().or_else(unassign_error).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    {move || applied().map(|m| view! { <p class="form-success" role="status">{m}</p> })}
                </div>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn CandidateTable(
    list: AssignmentPage,
    selected: RwSignal<Vec<String>>,
    matrix: RwSignal<PermissionSet>,
    page: RwSignal<i64>,
) -> impl IntoView {
    if list.rows.is_empty() {
        return view! { <p class="muted">"No tenant matches."</p> }.into_any();
    }
    let pages = list.pages();
    let current = list.page;
    view! {
        <table class="data-table compact" data-testid="candidate-table">
            <thead>
                <tr>
                    <th scope="col"><span class="visually-hidden">"Select"</span></th>
                    <th scope="col">"Tenant"</th>
                    <th scope="col">"Current access"</th>
                </tr>
            </thead>
            <tbody>
                {list.rows.into_iter().map(|row| {
                    let tid = row.tenant_id.to_string();
                    let check_id = tid.clone();
                    let toggle_id = tid.clone();
                    let current = row.permissions;
                    view! {
                        <tr data-testid="candidate-row">
                            <td>
                                <input type="checkbox" aria-label=format!("Select {}", row.name)
                                    prop:checked=move || selected.with(|s| s.contains(&check_id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let id = toggle_id.clone();
                                        selected.update(|s| if on { if !s.contains(&id) { s.push(id) } } else { s.retain(|x| *x != id) });
                                    }/>
                            </td>
                            <td>{row.name.clone()}
                                {(!row.active).then(|| view! { <span class="badge danger">"Deactivated"</span> })}</td>
                            <td>
                                {match current {
                                    Some(set) => view! {
                                        <span>{set.summary()}</span>
                                        " "
                                        <button type="button" class="link-button" title="Load these permissions into the matrix"
                                            on:click=move |_| matrix.set(set)>"Edit"</button>
                                    }.into_any(),
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
                <button type="button" class="button secondary small" disabled={current <= 1} on:click=move |_| page.update(|p| *p -= 1)>"←"</button>
                <button type="button" class="button secondary small" disabled={current >= pages} on:click=move |_| page.update(|p| *p += 1)>"→"</button>
            </div>
        </nav>
    }
    .into_any()
}
