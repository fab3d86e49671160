//! `/t/{tenant}/vault`: the tenant's credentials. The list never holds a secret; revealing one
//! is its own action (the Reveal permission, audited) that shows it for a limited time with a
//! copy button. Editing keeps the stored secret unless a new one is typed.

use super::{in_tenant, opening, NoAccess};
use crate::{
    api::vault::{
        list_vault, CreateVaultItem, DeleteVaultItem, RevealVaultSecret, UpdateVaultItem,
    },
    components::{
        clipboard::{copy_to_clipboard, select_target},
        confirm::{use_confirm, Confirmation},
        data_table::{
            no_rows, use_list_query, ActionsHeader, Filter, FilterOption, ListToolbar, NoRows,
            Pager, RowMenu,
        },
        error_view::error_page,
        progress::pending,
        toast::{toast_results, use_toast},
    },
    context::TenantResource,
    paths::tenant_page,
};
use hub_model::{
    dates::iso_time_ms,
    permissions::{Action, Permission, ResourceKind},
    tenant_users::TenantContext,
    vault::{ItemKind, RevealedSecret, VaultItemSummary, VaultPage},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;
#[cfg(feature = "hydrate")]
use std::time::Duration;

const PAGE_SIZES: &[u32] = &[25, 50, 100];

fn may(ctx: &TenantContext, action: Action) -> bool {
    ctx.permissions
        .allows(Permission::new(ResourceKind::Vault, action))
}

fn filters() -> Vec<Filter> {
    vec![Filter {
        name: "kind",
        label: "Kind",
        options: std::iter::once(FilterOption {
            value: "",
            label: "Any kind",
        })
        .chain(ItemKind::ALL.into_iter().map(|k| FilterOption {
            value: k.as_str(),
            label: k.label(),
        }))
        .collect(),
    }]
}

/// `/t/{tenant}/vault`
#[component]
pub fn VaultPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let query = use_list_query(PAGE_SIZES);
    let create = ServerAction::<CreateVaultItem>::new();
    let update = ServerAction::<UpdateVaultItem>::new();
    let delete = ServerAction::<DeleteVaultItem>::new();
    let reveal = ServerAction::<RevealVaultSecret>::new();
    let editing = RwSignal::new(None::<VaultItemSummary>);
    toast_results(create, |i: &VaultItemSummary| {
        Some(format!("Added {} to the vault.", i.name))
    });
    toast_results(update, |i: &VaultItemSummary| {
        Some(format!("Saved {}.", i.name))
    });
    toast_results(delete, |()| {
        Some("The item and its secret are deleted.".to_owned())
    });
    let toaster = use_toast();
    Effect::new(move |_| {
        if let Some(Err(error)) = reveal.value().get() {
            toaster.error(error.to_string());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            editing.set(None);
        }
    });
    let items = Resource::new(
        move || {
            (
                slug.get(),
                query.get(),
                create.version().get(),
                update.version().get(),
                delete.version().get(),
                reveal.version().get(),
            )
        },
        |(slug, q, ..)| {
            list_vault(
                slug,
                q.search.clone(),
                q.filter("kind").to_owned(),
                i64::from(q.page),
                i64::from(q.per_page),
            )
        },
    );
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let page = items.await;
                in_tenant(context, move |ctx| {
                    if !may(&ctx, Action::View) {
                        return view! { <NoAccess title="Vault" tenant=ctx.name.clone()/> }.into_any();
                    }
                    let path = tenant_page(&ctx.slug, "vault");
                    let body = match page {
                        Ok(page) => {
                            let form = may(&ctx, Action::Create)
                                .then(|| view! { <ItemForm tenant=ctx.slug.clone() create/> });
                            view! {
                                <Revealed reveal/>
                                <EditPanel tenant=ctx.slug.clone() editing update/>
                                {form}
                                <ListToolbar path=path.clone() query placeholder="Search by name, username, URL or tag"
                                    label="Search the vault" page_sizes=PAGE_SIZES filters=filters()/>
                                <ItemTable page ctx=ctx.clone() path editing delete reveal/>
                            }
                            .into_any()
                        }
                        Err(e) => error_page(&e),
                    };
                    view! {
                        <Title text=format!("Vault · {}", ctx.name)/>
                        <div class="tenant-page" data-testid="tenant-page" data-tenant=ctx.slug.clone()>
                            <p class="breadcrumb muted" data-testid="tenant-name">{ctx.name.clone()}</p>
                            <header class="page-header">
                                <h1>"Vault"</h1>
                                <p class="muted">"This tenant's credentials, encrypted at rest. Lists never show a secret; revealing one is recorded in the audit log."</p>
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

/// The fields of an item, shared by the new-item form and the editor.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    kind: RwSignal<String>,
    username: RwSignal<String>,
    url: RwSignal<String>,
    notes: RwSignal<String>,
    tags: RwSignal<String>,
    secret: RwSignal<String>,
}

impl Fields {
    fn new(from: Option<&VaultItemSummary>) -> Self {
        Self {
            name: RwSignal::new(from.map(|i| i.name.clone()).unwrap_or_default()),
            kind: RwSignal::new(
                from.map_or(ItemKind::Password, |i| i.kind)
                    .as_str()
                    .to_owned(),
            ),
            username: RwSignal::new(from.map(|i| i.username.clone()).unwrap_or_default()),
            url: RwSignal::new(from.map(|i| i.url.clone()).unwrap_or_default()),
            notes: RwSignal::new(from.map(|i| i.notes.clone()).unwrap_or_default()),
            tags: RwSignal::new(from.map(|i| i.tags.join(", ")).unwrap_or_default()),
            secret: RwSignal::new(String::new()),
        }
    }
}

/// The inputs of [`Fields`]; `editing` explains that an empty secret keeps the stored one.
fn field_inputs(f: Fields, editing: bool) -> impl IntoView {
    let multiline = move || matches!(f.kind.get().as_str(), "certificate" | "note");
    let secret_label = if editing {
        "New secret (leave empty to keep the stored one)"
    } else {
        "Secret"
    };
    view! {
        <label class="field"><span>"Name"</span>
            <input type="text" name="name" required maxlength="100" autocomplete="off" placeholder="Domain admin"
                prop:value=move || f.name.get() on:input=move |ev| f.name.set(event_target_value(&ev))/>
        </label>
        <label class="field"><span>"Kind"</span>
            <select name="kind" prop:value=move || f.kind.get() on:change=move |ev| f.kind.set(event_target_value(&ev))>
                {ItemKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
            </select>
        </label>
        <label class="field"><span>"Username"</span>
            <input type="text" name="username" autocomplete="off" maxlength="500"
                prop:value=move || f.username.get() on:input=move |ev| f.username.set(event_target_value(&ev))/>
        </label>
        <label class="field"><span>"URL"</span>
            <input type="text" name="url" autocomplete="off" maxlength="500" placeholder="https://"
                prop:value=move || f.url.get() on:input=move |ev| f.url.set(event_target_value(&ev))/>
        </label>
        <label class="field wide"><span>{secret_label}</span>
            {move || if multiline() {
                view! {
                    <textarea name="secret" class="mono" rows="5" autocomplete="off" spellcheck="false"
                        required=!editing prop:value=move || f.secret.get()
                        on:input=move |ev| f.secret.set(event_target_value(&ev))></textarea>
                }.into_any()
            } else {
                view! {
                    <input type="password" name="secret" class="mono" autocomplete="new-password" required=!editing
                        prop:value=move || f.secret.get() on:input=move |ev| f.secret.set(event_target_value(&ev))/>
                }.into_any()
            }}
        </label>
        <label class="field"><span>"Tags"</span>
            <input type="text" name="tags" autocomplete="off" placeholder="office, backup"
                prop:value=move || f.tags.get() on:input=move |ev| f.tags.set(event_target_value(&ev))/>
        </label>
        <label class="field wide"><span>"Notes (not secret)"</span>
            <textarea name="notes" rows="2" prop:value=move || f.notes.get()
                on:input=move |ev| f.notes.set(event_target_value(&ev))></textarea>
        </label>
    }
}

#[component]
fn ItemForm(tenant: String, create: ServerAction<CreateVaultItem>) -> impl IntoView {
    let f = Fields::new(None);
    let toaster = use_toast();
    Effect::new(move |_| match create.value().get() {
        Some(Err(error)) => toaster.error(error.to_string()),
        Some(Ok(_)) => {
            // The secret never lingers in the form once it is stored.
            for field in [f.name, f.username, f.url, f.notes, f.tags, f.secret] {
                field.set(String::new());
            }
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateVaultItem {
            tenant: tenant.clone(),
            name: f.name.get_untracked(),
            kind: f.kind.get_untracked(),
            username: f.username.get_untracked(),
            url: f.url.get_untracked(),
            notes: f.notes.get_untracked(),
            tags: f.tags.get_untracked(),
            secret: f.secret.get_untracked(),
        });
    };
    view! {
        <details class="panel form-panel disclosure" data-testid="new-vault-item">
            <summary><h2>"New item"</h2></summary>
            <form class="grid-form" on:submit=submit>
                {field_inputs(f, false)}
                <div class="form-actions">
                    <button type="submit" disabled=move || create.pending().get()>"Add to the vault"</button>
                </div>
            </form>
        </details>
    }
}

#[component]
fn EditPanel(
    tenant: String,
    editing: RwSignal<Option<VaultItemSummary>>,
    update: ServerAction<UpdateVaultItem>,
) -> impl IntoView {
    let toaster = use_toast();
    Effect::new(move |_| {
        if let Some(Err(error)) = update.value().get() {
            toaster.error(error.to_string());
        }
    });
    move || {
        editing.get().map(|item| {
            let f = Fields::new(Some(&item));
            let (tenant, id) = (tenant.clone(), item.id.to_string());
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                update.dispatch(UpdateVaultItem {
                    tenant: tenant.clone(),
                    id: id.clone(),
                    name: f.name.get_untracked(),
                    kind: f.kind.get_untracked(),
                    username: f.username.get_untracked(),
                    url: f.url.get_untracked(),
                    notes: f.notes.get_untracked(),
                    tags: f.tags.get_untracked(),
                    secret: f.secret.get_untracked(),
                });
            };
            view! {
                <section class="panel form-panel" data-testid="edit-vault-item" aria-label="Edit vault item">
                    <h2>{format!("Edit {}", item.name)}</h2>
                    <form class="grid-form" on:submit=submit>
                        {field_inputs(f, true)}
                        <div class="form-actions">
                            <button type="submit" disabled=move || update.pending().get()>"Save"</button>
                            <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                        </div>
                    </form>
                </section>
            }
        })
    }
}

/// The secret just revealed, with a copy button, hidden again after its time.
#[component]
fn Revealed(reveal: ServerAction<RevealVaultSecret>) -> impl IntoView {
    let shown = RwSignal::new(None::<RevealedSecret>);
    let left = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if let Some(Ok(secret)) = reveal.value().get() {
            left.set(secret.shown_for_secs);
            shown.set(Some(secret));
        }
    });
    // Counts down once a second; at zero the secret leaves the page (and the action's value).
    #[cfg(feature = "hydrate")]
    {
        let tick = set_interval_with_handle(
            move || {
                let remaining = left.get_untracked();
                if remaining > 1 {
                    left.set(remaining - 1);
                } else if shown.with_untracked(Option::is_some) {
                    left.set(0);
                    shown.set(None);
                    reveal.value().set(None);
                }
            },
            Duration::from_secs(1),
        )
        .ok();
        on_cleanup(move || {
            if let Some(tick) = tick {
                tick.clear();
            }
        });
    }
    let copied = RwSignal::new(false);
    move || {
        shown.get().map(|secret| {
            let text = secret.secret.clone();
            let copy = move |_| {
                copy_to_clipboard(&text);
                copied.set(true);
            };
            view! {
                <section class="panel form-panel key-once" data-testid="revealed-secret" role="region" aria-label="Revealed secret">
                    <h2>"Secret"</h2>
                    <div class="key-copy">
                        <input class="mono" type="text" readonly aria-label="The secret" data-testid="revealed-value"
                            value=secret.secret.clone() on:focus=|ev| select_target(&ev)/>
                        <button type="button" class="button" on:click=copy data-testid="copy-secret">
                            {move || if copied.get() { "Copied" } else { "Copy" }}
                        </button>
                    </div>
                    <p class="muted" aria-live="polite">{move || format!("Hidden again in {} s. This reveal is in the audit log.", left.get())}</p>
                    <button type="button" class="button secondary small" on:click=move |_| { shown.set(None); reveal.value().set(None); }>"Hide now"</button>
                </section>
            }
        })
    }
}

#[component]
fn ItemTable(
    page: VaultPage,
    ctx: TenantContext,
    path: String,
    editing: RwSignal<Option<VaultItemSummary>>,
    delete: ServerAction<DeleteVaultItem>,
    reveal: ServerAction<RevealVaultSecret>,
) -> impl IntoView {
    let query = use_list_query(PAGE_SIZES);
    let total = page.total;
    if page.items.is_empty() {
        return no_rows(
            &path,
            query.get_untracked(),
            total,
            NoRows {
                what: "items",
                past_the_end_id: "vault-past-the-end",
                empty_id: "no-vault-items",
                no_match: "No item matches this search.",
                nothing_yet: "The vault is empty. Add the tenant's passwords, tokens, certificates and notes above; Automs can use them without showing them.",
            },
        );
    }
    let rows = page
        .items
        .into_iter()
        .map(|item| view! { <ItemRow item ctx=ctx.clone() editing delete reveal/> })
        .collect_view();
    view! {
        <div class="table-panel">
            <table class="data-table" data-testid="vault-table">
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Tags"</th>
                    <th scope="col">"Secret changed"</th>
                    <th scope="col">"Last revealed"</th>
                    <ActionsHeader/>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager path=path query=query.get_untracked() total/>
    }
    .into_any()
}

#[component]
fn ItemRow(
    item: VaultItemSummary,
    ctx: TenantContext,
    editing: RwSignal<Option<VaultItemSummary>>,
    delete: ServerAction<DeleteVaultItem>,
    reveal: ServerAction<RevealVaultSecret>,
) -> impl IntoView {
    let confirmer = use_confirm();
    let (slug, id, name) = (ctx.slug.clone(), item.id.to_string(), item.name.clone());
    let on_reveal = {
        let (slug, id) = (slug.clone(), id.clone());
        move |_| {
            reveal.dispatch(RevealVaultSecret {
                tenant: slug.clone(),
                id: id.clone(),
            });
        }
    };
    let on_edit = {
        let item = item.clone();
        move |_| editing.set(Some(item.clone()))
    };
    let on_delete = {
        let (slug, id, name) = (slug.clone(), id.clone(), name.clone());
        move |_| {
            let input = DeleteVaultItem {
                tenant: slug.clone(),
                id: id.clone(),
            };
            confirmer.ask(Confirmation {
                title: format!("Delete {name}?"),
                body: format!(
                    "{name} and its secret are deleted for good. Automs that use it stop working until they are changed. The audit log keeps that it was deleted."
                ),
                confirm: format!("Delete {name}"),
                destructive: true,
                run: Arc::new(move || {
                    delete.dispatch(input.clone());
                }),
            });
        }
    };
    let sub = [item.username.as_str(), item.url.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let menu = (may(&ctx, Action::Reveal) || may(&ctx, Action::Update) || may(&ctx, Action::Delete)).then(|| view! {
        <RowMenu label=name.clone()>
            {may(&ctx, Action::Reveal).then(|| view! {
                <button type="button" role="menuitem" class="menu-item" data-testid="reveal" on:click=on_reveal.clone()>"Reveal secret"</button>
            })}
            {may(&ctx, Action::Update).then(|| view! {
                <button type="button" role="menuitem" class="menu-item" on:click=on_edit.clone()>"Edit…"</button>
            })}
            {may(&ctx, Action::Delete).then(|| view! {
                <button type="button" role="menuitem" class="menu-item danger" on:click=on_delete.clone()>"Delete…"</button>
            })}
        </RowMenu>
    });
    view! {
        <tr data-testid="vault-row">
            <td data-label="Name">
                <span class="alert-title" data-testid="vault-name">{item.name.clone()}</span>
                {(!sub.is_empty()).then(|| view! { <div class="cell-sub">{sub}</div> })}
            </td>
            <td data-label="Kind">{item.kind.label()}</td>
            <td data-label="Tags">{item.tags.iter().map(|t| view! { <span class="badge neutral">{t.clone()}</span> }).collect_view()}</td>
            <td data-label="Secret changed" class="nowrap">{iso_time_ms(item.secret_changed_at)}</td>
            <td data-label="Last revealed" class="nowrap">{item.last_revealed_at.map_or_else(|| "Never".to_owned(), iso_time_ms)}</td>
            <td class="actions">{menu}</td>
        </tr>
    }
}
