//! `/t/{tenant}/users`: the tenant's users and roles. What the page offers follows the
//! principal's Users permissions here; the server checks every call again. Both lists are the
//! shared data table, held whole (a tenant's users fit in its user limit) and searched, sorted
//! and paged from the URL; roles are few and listed whole. Row actions sit in one menu;
//! deleting and deactivating ask first, and every action answers with a toast.

use super::{in_tenant, opening, NoAccess};
use crate::{
    api::tenant_users::{
        delete_tenant_role, delete_tenant_user, get_tenant_users, update_tenant_user,
        CreateTenantRole, CreateTenantUser, ResetTenantUserPassword, UpdateTenantRole,
    },
    components::{
        auth_card::reset_on_success,
        confirm::{use_confirm, Confirmation},
        data_table::{
            page_in_memory, use_list_query, ActionsHeader, ListQuery, ListToolbar, Pager, RowMenu,
            SortHeader,
        },
        error_view::ErrorPanel,
        meter::Meter,
        permission_matrix::PermissionMatrix,
        progress::pending,
        toast::{settle, toast_results, use_toast},
    },
    context::TenantResource,
    paths::tenant_page,
    sections::tenant_section,
};
use hub_model::{
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    tenant_users::{TenantContext, TenantMember, TenantRole, TenantUsers},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::{cmp::Ordering, sync::Arc};

/// Page sizes of the user list.
const PAGE_SIZES: &[u32] = &[25, 50, 100];

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
        create_role: ServerAction::<CreateTenantRole>::new(),
        update_role: ServerAction::<UpdateTenantRole>::new(),
        refresh: RwSignal::new(0),
        created_user: RwSignal::new(None),
    };
    let data = Resource::new(
        move || {
            (
                slug.get(),
                actions.create_user.version().get(),
                actions.create_role.version().get(),
                actions.update_role.version().get(),
                actions.refresh.get(),
            )
        },
        |(slug, ..)| get_tenant_users(slug),
    );
    let query = use_list_query(PAGE_SIZES);
    toast_results(actions.create_role, |role: &TenantRole| {
        Some(format!("Created the role {}.", role.name))
    });
    toast_results(actions.update_role, |()| Some("Saved the role.".to_owned()));
    view! {
        <Transition set_pending=pending() fallback=opening>
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
                        Ok(data) => view! { <UsersAndRoles data ctx actions query/> }.into_any(),
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
    create_role: ServerAction<CreateTenantRole>,
    update_role: ServerAction<UpdateTenantRole>,
    /// Bumped after a row's change (role, status, delete) to reload the lists.
    refresh: RwSignal<u32>,
    /// The user just added: their row is highlighted.
    created_user: RwSignal<Option<String>>,
}

impl Actions {
    fn reload(self) -> impl FnOnce() + 'static {
        move || {
            self.refresh.try_update(|n| *n += 1);
        }
    }
}

/// The role with the fewest permissions among those the editor may grant: what a new user
/// gets unless someone picks more.
fn least_powerful(roles: &[TenantRole], grantable: PermissionSet) -> Option<&TenantRole> {
    roles
        .iter()
        .filter(|r| grantable.contains(r.permissions))
        .min_by_key(|r| (r.permissions.count(), !r.builtin, r.name.to_lowercase()))
}

/// The user list's order for a sort key.
fn compare_members(a: &TenantMember, b: &TenantMember, key: &str) -> Ordering {
    let by_name = || {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
    };
    match key {
        "email" => a.email.to_lowercase().cmp(&b.email.to_lowercase()),
        "role" => a
            .role_name
            .to_lowercase()
            .cmp(&b.role_name.to_lowercase())
            .then_with(by_name),
        "status" => b.active.cmp(&a.active).then_with(by_name),
        _ => by_name(),
    }
    .then_with(|| a.id.cmp(&b.id))
}

/// The roles' own sort, in the URL beside the user list's (`roles_sort`, `roles_dir`).
fn role_sort(listed: &ListQuery) -> (&str, bool) {
    let key = match listed.filter("roles_sort") {
        key @ ("permissions" | "users") => key,
        _ => "name",
    };
    (key, listed.filter("roles_dir") == "desc")
}

/// The roles in their sort: by name, by how much they grant, or by how many hold them.
fn sorted_roles(roles: &[TenantRole], listed: &ListQuery) -> Vec<TenantRole> {
    let (key, descending) = role_sort(listed);
    let mut roles = roles.to_vec();
    roles.sort_by(|a, b| {
        let by_name = a.name.to_lowercase().cmp(&b.name.to_lowercase());
        let order = match key {
            "permissions" => a
                .permissions
                .count()
                .cmp(&b.permissions.count())
                .then(by_name),
            "users" => a.members.cmp(&b.members).then(by_name),
            _ => by_name,
        };
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    roles
}

/// A roles column header: a link that sorts by `key` (again: the other way), showing the sort.
fn role_header(listed: &ListQuery, path: &str, key: &'static str, label: &'static str) -> AnyView {
    let (current, descending) = role_sort(listed);
    let active = current == key;
    let mut next = listed.clone();
    next.filters
        .retain(|(name, _)| name != "roles_sort" && name != "roles_dir");
    next.filters.push(("roles_sort".to_owned(), key.to_owned()));
    if active && !descending {
        next.filters
            .push(("roles_dir".to_owned(), "desc".to_owned()));
    }
    let aria = match (active, descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let mark = match (active, descending) {
        (false, _) => "↕",
        (true, false) => "↑",
        (true, true) => "↓",
    };
    view! {
        <th scope="col" aria-sort=aria>
            <a class="sort-link" href=next.href(path) data-testid=format!("role-sort-{key}")>
                {label}<span class="sort-mark" aria-hidden="true">{mark}</span>
            </a>
        </th>
    }
    .into_any()
}

#[component]
fn UsersAndRoles(
    data: TenantUsers,
    ctx: TenantContext,
    actions: Actions,
    query: Memo<ListQuery>,
) -> impl IntoView {
    let can = move |a: Action| ctx.permissions.allows(users_permission(a));
    let (can_create, can_update, can_delete) = (
        can(Action::Create),
        can(Action::Update),
        can(Action::Delete),
    );
    let grantable = ctx.permissions;
    let at_limit = data.used >= data.limit;
    let tenant = ctx.slug.clone();
    let path = tenant_page(&tenant, "users");
    let roles = data.roles.clone();
    let everyone = data.members.len();
    // Held here and searched, sorted and paged again whenever the URL changes (a search,
    // a sort or a page is a client-side navigation to the same page).
    let members_all = StoredValue::new(data.members);
    let roles_all = StoredValue::new(data.roles);
    let members_view = {
        let (tenant, path) = (tenant.clone(), path.clone());
        move || {
            let listed = query.get();
            let (members, total) = page_in_memory(
                members_all.get_value(),
                &listed,
                "name",
                |m, needle| {
                    m.display_name.to_lowercase().contains(needle)
                        || m.email.to_lowercase().contains(needle)
                },
                compare_members,
            );
            let current = listed.sort_in(&["name", "email", "role", "status"]);
            if everyone == 0 {
                return view! { <p class="muted" data-testid="member-empty">"No users yet."</p> }
                    .into_any();
            }
            if members.is_empty() {
                return view! { <p class="muted" data-testid="member-empty">"No user matches this search."</p> }.into_any();
            }
            let roles = roles_all.get_value();
            let tenant = tenant.clone();
            view! {
                <div class="table-panel flush">
                    <table class="data-table" data-testid="member-table">
                        <thead><tr>
                            <SortHeader path=path.clone() query key="name" label="Name" current/>
                            <SortHeader path=path.clone() query key="role" label="Role" current/>
                            <SortHeader path=path.clone() query key="status" label="Status" current/>
                            <ActionsHeader/>
                        </tr></thead>
                        <tbody>
                            {members.into_iter().map(|m| view! {
                                <MemberRow member=m roles=roles.clone() tenant=tenant.clone() actions can_update can_delete/>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager path=path.clone() query=listed.clone() total/>
            }
            .into_any()
        }
    };
    let roles_view = {
        let (tenant, path) = (tenant.clone(), path.clone());
        move || {
            let listed = query.get();
            let tenant = tenant.clone();
            view! {
                <table class="data-table" data-testid="role-table">
                    <thead><tr>
                        {role_header(&listed, &path, "name", "Role")}
                        {role_header(&listed, &path, "permissions", "Permissions")}
                        {role_header(&listed, &path, "users", "Users")}
                        <ActionsHeader/></tr></thead>
                    <tbody>
                        {sorted_roles(&roles_all.get_value(), &listed).into_iter().map(|r| view! {
                            <RoleRow role=r tenant=tenant.clone() actions can_update can_delete grantable/>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel form-panel">
            <div class="split">
                <h2>"Users"</h2>
                <div class="limit-row compact" data-testid="user-limit">
                    <Meter used=data.used limit=data.limit label="Users used".to_owned()/>
                    <span class="muted">{format!("{} of {} users", data.used, data.limit)}</span>
                </div>
            </div>
            {(everyone > 0).then(|| view! {
                <ListToolbar path=path.clone() query placeholder="Search by name or email" label="Search users" page_sizes=PAGE_SIZES/>
            })}
            {members_view}
        </section>
        {can_create.then(|| view! {
            <NewUserForm tenant=tenant.clone() roles=roles.clone() at_limit limit=data.limit grantable domains=data.email_domains.clone() actions/>
        })}
        <section class="panel form-panel">
            <h2>"Roles"</h2>
            <div class="table-panel flush">{roles_view}</div>
        </section>
        {can_create.then(|| view! { <NewRoleForm tenant=tenant.clone() grantable actions/> })}
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
    let reset_form = NodeRef::new();
    reset_on_success(reset, reset_form);
    let toaster = use_toast();
    let confirmer = use_confirm();
    let id = member.id.to_string();
    let name = member.display_name.clone();
    let active = member.active;
    Effect::new({
        let name = name.clone();
        move |_| {
            reset.value().with(|last| match last {
                Some(Ok(())) => {
                    reset_open.set(false);
                    toaster.success(format!(
                        "Set a new password for {name}; their sessions ended."
                    ));
                }
                Some(Err(error)) => toaster.error(error.to_string()),
                None => {}
            });
        }
    });
    let just_created = {
        let id = id.clone();
        move || {
            actions
                .created_user
                .with(|c| c.as_deref() == Some(id.as_str()))
        }
    };
    // Sets role and status in one call, then says what changed.
    let save = {
        let (tenant, id, name) = (tenant.clone(), id.clone(), name.clone());
        move |role_id: String, active: bool, said: String| {
            settle(
                update_tenant_user(tenant.clone(), id.clone(), name.clone(), role_id, active),
                move |()| said,
                actions.reload(),
            );
        }
    };
    // A change of role saves as soon as it is picked.
    let on_role = {
        let (save, name, roles) = (save.clone(), name.clone(), roles.clone());
        move |ev| {
            let role_id = event_target_value(&ev);
            let role = roles
                .iter()
                .find(|r| r.id.to_string() == role_id)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            save(role_id, active, format!("{name} is now {role}."));
        }
    };
    let on_toggle = {
        let (save, name, role_id) = (save.clone(), name.clone(), member.role_id.to_string());
        move |_| {
            if !active {
                save(role_id.clone(), true, format!("{name} is active again."));
                return;
            }
            let (save, role_id, said) = (
                save.clone(),
                role_id.clone(),
                format!("{name} is deactivated and signed out."),
            );
            confirmer.ask(Confirmation {
                title: format!("Deactivate {name}?"),
                body: format!("{name} is signed out at once and cannot sign in until reactivated; nothing is deleted."),
                confirm: format!("Deactivate {name}"),
                destructive: true,
                run: Arc::new(move || save(role_id.clone(), false, said.clone())),
            });
        }
    };
    let on_delete = {
        let (tenant, id, name) = (tenant.clone(), id.clone(), name.clone());
        move |_| {
            let (tenant, id, said) = (tenant.clone(), id.clone(), format!("Deleted {name}."));
            confirmer.ask(Confirmation {
                title: format!("Delete {name}?"),
                body: format!("{name}'s account is deleted for good and their seat is freed. The audit log keeps what they did."),
                confirm: format!("Delete {name}"),
                destructive: true,
                run: Arc::new(move || {
                    let said = said.clone();
                    settle(delete_tenant_user(tenant.clone(), id.clone()), move |()| said, actions.reload());
                }),
            });
        }
    };
    let held = member.role_id;
    let role_cell = if can_update {
        let label = format!("Role of {name}");
        view! {
            <select class="inline-select" aria-label=label on:change=on_role data-testid="role-select">
                {roles.iter().map(|r| view! {
                    <option value=r.id.to_string() selected=r.id == held>{r.name.clone()}</option>
                }).collect_view()}
            </select>
        }
        .into_any()
    } else {
        view! { <span>{member.role_name.clone()}</span> }.into_any()
    };
    let menu = (can_update || can_delete).then(|| {
        view! {
            <RowMenu label=name.clone()>
                {can_update.then(|| view! {
                    <button type="button" role="menuitem" class="menu-item" class:danger=active on:click=on_toggle.clone()>
                        {if active { "Deactivate…" } else { "Reactivate" }}
                    </button>
                    <button type="button" role="menuitem" class="menu-item" on:click=move |_| reset_open.set(true)>"Reset password…"</button>
                })}
                {can_delete.then(|| view! {
                    <button type="button" role="menuitem" class="menu-item danger" on:click=on_delete.clone()>"Delete…"</button>
                })}
            </RowMenu>
        }
    });
    view! {
        <tr data-testid="member-row" class:inactive=!active class:just-created=just_created>
            <td data-label="Name">
                <div class="cell-title">{name.clone()}</div>
                <div class="cell-sub">{member.email.clone()}</div>
            </td>
            <td data-label="Role">{role_cell}</td>
            <td data-label="Status">{if active {
                view! { <span class="badge success">"Active"</span> }.into_any()
            } else {
                view! { <span class="badge danger">"Deactivated"</span> }.into_any()
            }}</td>
            <td class="actions">{menu}</td>
        </tr>
        <Show when=move || reset_open.get()>
            {
                let (tenant, id, name) = (tenant.clone(), id.clone(), name.clone());
                view! {
                    <tr class="edit-row">
                        <td colspan="4">
                            <ActionForm action=reset node_ref=reset_form attr:class="inline-form">
                                <input type="hidden" name="tenant" value=tenant/>
                                <input type="hidden" name="id" value=id/>
                                <label class="field grow"><span>{format!("New password for {name}")}</span>
                                    <input type="password" name="password" minlength="12" required autocomplete="new-password"/></label>
                                <button type="submit" disabled=move || reset.pending().get()>"Set password"</button>
                                <button type="button" class="button secondary" on:click=move |_| reset_open.set(false)>"Cancel"</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            }
        </Show>
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
    let form = NodeRef::new();
    reset_on_success(create, form);
    let toaster = use_toast();
    Effect::new(move |_| {
        create.value().with(|last| match last {
            Some(Ok(member)) => {
                actions.created_user.set(Some(member.id.to_string()));
                toaster.success(format!("Added {} as {}.", member.email, member.role_name));
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    });
    let default_role = least_powerful(&roles, grantable).map(|r| r.id);
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
                    <select name="role_id" data-testid="new-user-role">
                        {roles.into_iter().map(|r| {
                            let disabled = !grantable.contains(r.permissions);
                            let selected = Some(r.id) == default_role;
                            view! { <option value=r.id.to_string() disabled=disabled selected=selected>{r.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <div class="form-actions">
                    <button type="submit" disabled=move || at_limit || create.pending().get()>"Add user"</button>
                </div>
            </ActionForm>
            {domain_hint}
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
    let deletable = !role.builtin && can_delete;
    let id = role.id.to_string();
    let confirmer = use_confirm();
    let on_delete = {
        let (tenant, id, name, holders) =
            (tenant.clone(), id.clone(), role.name.clone(), role.members);
        move |_| {
            let (tenant, id, said) = (
                tenant.clone(),
                id.clone(),
                format!("Deleted the role {name}."),
            );
            let body = if holders > 0 {
                format!("{holders} user{} hold{} it: give them another role first, or the deletion is refused.",
                    if holders == 1 { "" } else { "s" }, if holders == 1 { "s" } else { "" })
            } else {
                "Nobody holds it. The role is deleted for good.".to_owned()
            };
            confirmer.ask(Confirmation {
                title: format!("Delete the role {name}?"),
                body,
                confirm: format!("Delete {name}"),
                destructive: true,
                run: Arc::new(move || {
                    let said = said.clone();
                    settle(
                        delete_tenant_role(tenant.clone(), id.clone()),
                        move |()| said,
                        actions.reload(),
                    );
                }),
            });
        }
    };
    // Saved: the editor closes.
    Effect::new(move |_| {
        if actions
            .update_role
            .value()
            .with(|v| matches!(v, Some(Ok(()))))
        {
            editing.set(false);
        }
    });
    let menu = (editable || deletable).then(|| view! {
        <RowMenu label=role.name.clone()>
            {editable.then(|| view! {
                <button type="button" role="menuitem" class="menu-item" on:click=move |_| editing.update(|e| *e = !*e)>"Edit permissions"</button>
            })}
            {deletable.then(|| view! {
                <button type="button" role="menuitem" class="menu-item danger" on:click=on_delete.clone()>"Delete…"</button>
            })}
        </RowMenu>
    });
    view! {
        <tr data-testid="role-row">
            <td data-label="Name">
                <div class="cell-title">{role.name.clone()} {role.builtin.then(|| view! { <span class="badge neutral">"Built in"</span> })}</div>
            </td>
            <td data-label="Permissions" class="access-summary">{role.permissions.summary()}</td>
            <td data-label="Users">{role.members}</td>
            <td class="actions">{menu}</td>
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
                                <div class="form-actions">
                                    <button type="submit">"Save role"</button>
                                    <button type="button" class="button secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
                                </div>
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
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hub_model::ids::RoleId;

    fn role(name: &str, permissions: PermissionSet, builtin: bool) -> TenantRole {
        TenantRole {
            id: RoleId::parse("3b9a1f7e-0c2d-4e5f-8a6b-7c8d9e0f1a2b").expect("a uuid"),
            name: name.to_owned(),
            builtin,
            permissions,
            members: 0,
        }
    }

    #[test]
    fn roles_sort_by_name_grants_or_holders_from_their_own_url_parameters() {
        let mut few = role("Helpdesk", PermissionSet::view_only(), false);
        few.members = 4;
        let all = role("Tenant Admin", PermissionSet::all(), true);
        let none = role("Auditor", PermissionSet::empty(), false);
        let roles = vec![few, all, none];
        let names = |listed: &ListQuery| -> Vec<String> {
            sorted_roles(&roles, listed)
                .into_iter()
                .map(|r| r.name)
                .collect()
        };
        let with = |pairs: &[(&str, &str)]| ListQuery {
            filters: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..ListQuery::default()
        };
        assert_eq!(names(&with(&[])), ["Auditor", "Helpdesk", "Tenant Admin"]);
        assert_eq!(
            names(&with(&[("roles_sort", "users"), ("roles_dir", "desc")]))[0],
            "Helpdesk"
        );
        assert_eq!(
            names(&with(&[("roles_sort", "permissions")])),
            ["Auditor", "Helpdesk", "Tenant Admin"]
        );
        assert_eq!(
            names(&with(&[("roles_sort", "drop table")])),
            ["Auditor", "Helpdesk", "Tenant Admin"]
        );
    }

    #[test]
    fn a_new_user_gets_the_least_powerful_role_the_editor_may_grant() {
        let none = role("Nothing", PermissionSet::empty(), false);
        let viewer = role("Viewer", PermissionSet::view_only(), true);
        let admin = role("Tenant Admin", PermissionSet::all(), true);
        let roles = vec![admin.clone(), viewer.clone(), none.clone()];
        assert_eq!(
            least_powerful(&roles, PermissionSet::all()).map(|r| r.name.as_str()),
            Some("Nothing")
        );
        let roles = vec![admin, viewer];
        assert_eq!(
            least_powerful(&roles, PermissionSet::all()).map(|r| r.name.as_str()),
            Some("Viewer")
        );
        assert_eq!(
            least_powerful(&roles, PermissionSet::empty()),
            None,
            "nothing is grantable"
        );
    }
}
