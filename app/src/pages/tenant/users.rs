//! `/t/{tenant}/users`: the tenant's users and roles. What the page offers follows the
//! principal's Users permissions here; the server checks every call again.

use super::{in_tenant, opening, NoAccess};
use crate::context::TenantResource;
use crate::{
    api::tenant_users::{
        get_tenant_users, CreateTenantRole, CreateTenantUser, DeleteTenantRole, DeleteTenantUser,
        ResetTenantUserPassword, UpdateTenantRole, UpdateTenantUser,
    },
    components::{
        auth_card::{action_error, reset_on_success},
        error_view::ErrorPanel,
        meter::Meter,
        permission_matrix::PermissionMatrix,
    },
    sections::tenant_section,
};
use hub_model::{
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    tenant_users::{TenantContext, TenantMember, TenantRole, TenantUsers},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn users_permission(action: Action) -> Permission {
    Permission::new(ResourceKind::Users, action)
}

/// `/t/{tenant}/users`
#[component]
pub fn TenantUsersPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let actions = Actions {
        create_user: ServerAction::<CreateTenantUser>::new(),
        update_user: ServerAction::<UpdateTenantUser>::new(),
        delete_user: ServerAction::<DeleteTenantUser>::new(),
        create_role: ServerAction::<CreateTenantRole>::new(),
        update_role: ServerAction::<UpdateTenantRole>::new(),
        delete_role: ServerAction::<DeleteTenantRole>::new(),
    };
    let data = Resource::new(
        move || {
            (
                slug.get(),
                actions.create_user.version().get(),
                actions.update_user.version().get(),
                actions.delete_user.version().get(),
                actions.create_role.version().get(),
                actions.update_role.version().get(),
                actions.delete_role.version().get(),
            )
        },
        |(slug, ..)| get_tenant_users(slug),
    );
    let errors = move || {
        action_error(actions.update_user)()
            .or_else(action_error(actions.delete_user))
            .or_else(action_error(actions.update_role))
            .or_else(action_error(actions.delete_role))
    };
    view! {
        <Transition fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let users = data.await;
                in_tenant(context, move |ctx| {
                    if !ctx.permissions.allows(users_permission(Action::View)) {
                        let title = tenant_section("users").map_or("Users & roles", |s| s.title);
                        return view! { <NoAccess title tenant=ctx.name.clone()/> }.into_any();
                    }
                    let (name, slug) = (ctx.name.clone(), ctx.slug.clone());
                    let body = match users {
                        Ok(data) => view! { <UsersAndRoles data ctx actions/> }.into_any(),
                        Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                    };
                    view! {
                        <Title text=format!("Users & roles · {name}")/>
                        <div class="tenant-page" data-testid="tenant-page" data-tenant=slug>
                            <p class="breadcrumb muted" data-testid="tenant-name">{name.clone()}</p>
                            <header class="page-header">
                                <h1>"Users & roles"</h1>
                                <p class="muted">"The tenant's own users and its roles. Each user belongs to this tenant only."</p>
                            </header>
                            {move || errors().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                            {body}
                        </div>
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Actions {
    create_user: ServerAction<CreateTenantUser>,
    update_user: ServerAction<UpdateTenantUser>,
    delete_user: ServerAction<DeleteTenantUser>,
    create_role: ServerAction<CreateTenantRole>,
    update_role: ServerAction<UpdateTenantRole>,
    delete_role: ServerAction<DeleteTenantRole>,
}

#[component]
fn UsersAndRoles(data: TenantUsers, ctx: TenantContext, actions: Actions) -> impl IntoView {
    let can = move |a: Action| ctx.permissions.allows(users_permission(a));
    let (can_create, can_update, can_delete) = (
        can(Action::Create),
        can(Action::Update),
        can(Action::Delete),
    );
    let at_limit = data.used >= data.limit;
    let tenant = ctx.slug.clone();
    let roles = data.roles.clone();
    let members = data.members;
    view! {
        <section class="panel form-panel">
            <div class="split">
                <h2>"Users"</h2>
                <div class="limit-row compact" data-testid="user-limit">
                    <Meter used=data.used limit=data.limit label="Users used".to_owned()/>
                    <span class="muted">{format!("{} of {} users", data.used, data.limit)}</span>
                </div>
            </div>
            {if members.is_empty() {
                view! { <p class="muted">"No users yet."</p> }.into_any()
            } else {
                let tenant = tenant.clone();
                let roles = roles.clone();
                view! {
                    <table class="data-table" data-testid="member-table">
                        <thead><tr>
                            <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                            <th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {members.into_iter().map(|m| view! {
                                <MemberRow member=m roles=roles.clone() tenant=tenant.clone() actions can_update can_delete/>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        {can_create.then(|| view! {
            <NewUserForm tenant=tenant.clone() roles=roles.clone() at_limit limit=data.limit grantable=ctx.permissions domains=data.email_domains.clone() actions/>
        })}
        <section class="panel form-panel">
            <h2>"Roles"</h2>
            <table class="data-table" data-testid="role-table">
                <thead><tr><th scope="col">"Role"</th><th scope="col">"Permissions"</th><th scope="col">"Users"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>
                    {roles.iter().cloned().map(|r| view! {
                        <RoleRow role=r tenant=tenant.clone() actions can_update can_delete grantable=ctx.permissions/>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {can_create.then(|| view! { <NewRoleForm tenant=tenant.clone() grantable=ctx.permissions actions/> })}
    }
    .into_any()
}

#[component]
fn MemberRow(
    member: TenantMember,
    roles: Vec<TenantRole>,
    tenant: String,
    actions: Actions,
    can_update: bool,
    can_delete: bool,
) -> impl IntoView {
    let reset = ServerAction::<ResetTenantUserPassword>::new();
    let reset_open = RwSignal::new(false);
    let id = member.id.to_string();
    let reset_done = move || reset.value().with(|v| matches!(v, Some(Ok(()))));
    let reset_error = action_error(reset);
    view! {
        <tr data-testid="member-row" class:inactive=!member.active>
            <td>{member.display_name.clone()}</td>
            <td>{member.email.clone()}</td>
            <td>
                {if can_update {
                    let (tenant, id, name) = (tenant.clone(), id.clone(), member.display_name.clone());
                    let label = format!("Role of {}", member.display_name);
                    let held = member.role_id;
                    view! {
                        <ActionForm action=actions.update_user attr:class="inline-form">
                            <input type="hidden" name="tenant" value=tenant/>
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="display_name" value=name/>
                            <input type="hidden" name="active" value=member.active.to_string()/>
                            <select name="role_id" aria-label=label>
                                {roles.iter().map(|r| view! {
                                    <option value=r.id.to_string() selected=r.id == held>{r.name.clone()}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="button secondary small">"Save"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span>{member.role_name.clone()}</span> }.into_any()
                }}
            </td>
            <td>{if member.active {
                view! { <span class="badge success">"Active"</span> }.into_any()
            } else {
                view! { <span class="badge danger">"Deactivated"</span> }.into_any()
            }}</td>
            <td class="actions">
                {can_update.then(|| {
                    let (tenant, id, name) = (tenant.clone(), id.clone(), member.display_name.clone());
                    view! {
                        <ActionForm action=actions.update_user>
                            <input type="hidden" name="tenant" value=tenant/>
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="display_name" value=name/>
                            <input type="hidden" name="role_id" value=member.role_id.to_string()/>
                            <input type="hidden" name="active" value=(!member.active).to_string()/>
                            <button type="submit" class="button secondary small">{if member.active { "Deactivate" } else { "Reactivate" }}</button>
                        </ActionForm>
                        <button type="button" class="button secondary small" on:click=move |_| reset_open.update(|o| *o = !*o)>"Reset password"</button>
                    }
                })}
                {can_delete.then(|| {
                    let (tenant, id) = (tenant.clone(), id.clone());
                    view! {
                        <ActionForm action=actions.delete_user>
                            <input type="hidden" name="tenant" value=tenant/>
                            <input type="hidden" name="id" value=id/>
                            <button type="submit" class="button danger small">"Delete"</button>
                        </ActionForm>
                    }
                })}
                <Show when=move || reset_open.get()>
                    {
                        let (tenant, id) = (tenant.clone(), id.clone());
                        view! {
                            <ActionForm action=reset attr:class="inline-form">
                                <input type="hidden" name="tenant" value=tenant/>
                                <input type="hidden" name="id" value=id/>
                                <input type="password" name="password" placeholder="New password" minlength="12" required autocomplete="new-password" aria-label="New password"/>
                                <button type="submit" class="button small">"Set"</button>
                            </ActionForm>
                        }
                    }
                </Show>
                {move || reset_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                {move || reset_done().then(|| view! { <p class="form-success" role="status">"Password set; their sessions ended."</p> })}
            </td>
        </tr>
    }
    .into_any()
}

#[component]
fn NewUserForm(
    tenant: String,
    roles: Vec<TenantRole>,
    at_limit: bool,
    limit: i64,
    grantable: PermissionSet,
    domains: Vec<String>,
    actions: Actions,
) -> impl IntoView {
    let create = actions.create_user;
    let email_placeholder = domains
        .first()
        .map(|domain| format!("name@{domain}"))
        .unwrap_or_default();
    let domain_hint = (!domains.is_empty()).then(|| {
        view! {
            <p class="muted field-note" id="email-domains-hint" data-testid="email-domains-hint">
                {format!("New users need an address at {}.", domains.join(" or "))}
            </p>
        }
    });
    let error = action_error(create);
    let form = NodeRef::new();
    reset_on_success(create, form);
    let created = move || {
        create.value().with(|v| {
            v.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|m| m.email.clone())
        })
    };
    view! {
        <section class="panel form-panel">
            <h2>"New user"</h2>
            {at_limit.then(|| view! {
                <p class="form-warning" role="alert" data-testid="user-limit-warning">
                    {format!("This tenant uses all {limit} of its user seats. Delete a user, or ask your MSP Admin to raise the limit.")}
                </p>
            })}
            <ActionForm action=create node_ref=form attr:class="grid-form">
                <input type="hidden" name="tenant" value=tenant/>
                <label class="field"><span>"Name"</span><input type="text" name="display_name" required maxlength="100" autocomplete="off"/></label>
                <label class="field"><span>"Email"</span><input type="email" name="email" required autocomplete="off" placeholder=email_placeholder/></label>
                <label class="field"><span>"Initial password"</span><input type="password" name="password" required minlength="12" autocomplete="new-password"/></label>
                <label class="field"><span>"Role"</span>
                    <select name="role_id">
                        {roles.into_iter().map(|r| {
                            let disabled = !grantable.contains(r.permissions);
                            view! { <option value=r.id.to_string() disabled=disabled>{r.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <div class="form-actions">
                    <button type="submit" disabled=move || at_limit || create.pending().get()>"Add user"</button>
                </div>
            </ActionForm>
            {domain_hint}
            {move || error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || created().map(|email| view! { <p class="form-success" role="status">{format!("Added {email}.")}</p> })}
        </section>
    }
    .into_any()
}

#[component]
fn RoleRow(
    role: TenantRole,
    tenant: String,
    actions: Actions,
    can_update: bool,
    can_delete: bool,
    grantable: PermissionSet,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let set = RwSignal::new(role.permissions);
    let editable = !role.builtin && can_update;
    let id = role.id.to_string();
    view! {
        <tr data-testid="role-row">
            <td>{role.name.clone()} {role.builtin.then(|| view! { <span class="badge neutral">"Built in"</span> })}</td>
            <td>{role.permissions.summary()}</td>
            <td>{role.members}</td>
            <td class="actions">
                {editable.then(|| view! {
                    <button type="button" class="button secondary small" on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                })}
                {(!role.builtin && can_delete).then(|| {
                    let (tenant, id) = (tenant.clone(), id.clone());
                    view! {
                        <ActionForm action=actions.delete_role>
                            <input type="hidden" name="tenant" value=tenant/>
                            <input type="hidden" name="id" value=id/>
                            <button type="submit" class="button danger small">"Delete"</button>
                        </ActionForm>
                    }
                })}
            </td>
        </tr>
        <Show when=move || editing.get()>
            <tr class="edit-row">
                <td colspan="4">
                    {
                        let (tenant, id, name) = (tenant.clone(), id.clone(), role.name.clone());
                        view! {
                            <ActionForm action=actions.update_role>
                                <input type="hidden" name="tenant" value=tenant/>
                                <input type="hidden" name="id" value=id/>
                                <label class="field"><span>"Name"</span><input type="text" name="name" value=name required maxlength="100"/></label>
                                <PermissionMatrix set label="Role permissions" grantable/>
                                <button type="submit">"Save role"</button>
                            </ActionForm>
                        }
                    }
                </td>
            </tr>
        </Show>
    }
    .into_any()
}

#[component]
fn NewRoleForm(tenant: String, grantable: PermissionSet, actions: Actions) -> impl IntoView {
    let create = actions.create_role;
    let set = RwSignal::new(PermissionSet::view_only().intersect(grantable));
    let error = action_error(create);
    // Only the name is cleared: the matrix's checkboxes follow their signal, which a form
    // reset would not know about.
    let name = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if create.value().with(|v| matches!(v, Some(Ok(_)))) {
            if let Some(input) = name.get_untracked() {
                input.set_value("");
            }
        }
    });
    view! {
        <section class="panel form-panel">
            <h2>"New role"</h2>
            <ActionForm action=create>
                <input type="hidden" name="tenant" value=tenant/>
                <label class="field"><span>"Role name"</span><input node_ref=name type="text" name="name" required maxlength="100" placeholder="e.g. Helpdesk"/></label>
                <PermissionMatrix set label="New role permissions" grantable/>
                <button type="submit" disabled=move || create.pending().get()>"Create role"</button>
            </ActionForm>
            {move || error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
    .into_any()
}
