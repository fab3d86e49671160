//! `/t/{tenant}/api-keys`: the tenant's API keys for automation runners. MSP Admin only (the
//! sidebar shows it to no one else, and the server refuses everyone else).

use super::{in_tenant, opening, NoAccess};
use crate::{
    api::api_keys::{get_api_keys, CreateApiKey, RevokeApiKey},
    components::{
        clipboard::{copy_to_clipboard, select_target},
        confirm::{use_confirm, Confirmation},
        data_table::{
            page_in_memory, use_list_query, ActionsHeader, ListToolbar, Pager, RowMenu, SortHeader,
        },
        error_view::ErrorPanel,
        progress::pending,
        toast::{toast_results, use_toast},
    },
    context::{TenantResource, Viewer},
    paths::tenant_page,
};
use hub_model::{
    api_keys::{ApiKeyStatus, ApiKeySummary, ApiScope, CreatedApiKey},
    dates::iso_date_ms,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::{cmp::Ordering, sync::Arc};

/// The expiries the form offers, in days (`None`: never).
const EXPIRIES: [(Option<i64>, &str); 4] = [
    (Some(30), "30 days"),
    (Some(90), "90 days"),
    (Some(365), "1 year"),
    (None, "Never"),
];

/// Page sizes of the key list.
const PAGE_SIZES: &[u32] = &[25, 50, 100];

/// `/t/{tenant}/api-keys`
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let viewer = expect_context::<Viewer>();
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    toast_results(revoke, |key: &ApiKeySummary| {
        Some(format!(
            "Revoked \u{201c}{}\u{201d}. Runners using it are refused from now on.",
            key.name
        ))
    });
    let msp_admin = viewer.user.role == hub_model::session::SystemRole::MspAdmin;
    // The key just created, shown until dismissed or until another tenant's page opens. It
    // lives here, above the list that reloads, and is taken out of the action at once, so
    // nothing can bring it back once dismissed.
    let shown = RwSignal::new(None::<CreatedApiKey>);
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            create.value().set(None);
            shown.set(Some(created));
        }
    });
    Effect::new(move |previous: Option<String>| {
        let current = slug.get();
        if previous.is_some_and(|previous| previous != current) {
            shown.set(None);
        }
        current
    });
    let keys = Resource::new(
        move || (slug.get(), create.version().get(), revoke.version().get()),
        move |(slug, ..)| async move {
            if msp_admin {
                Some(get_api_keys(slug).await)
            } else {
                None
            }
        },
    );
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let keys = keys.await;
                in_tenant(context, move |ctx| {
                    let Some(keys) = keys else {
                        return view! { <NoAccess title="API Keys" tenant=ctx.name.clone()/> }.into_any();
                    };
                    let (name, slug, form_slug) = (ctx.name.clone(), ctx.slug.clone(), ctx.slug.clone());
                    let list = match keys {
                        Ok(list) => view! { <KeyTable keys=list.items tenant=slug.clone() revoke/> }.into_any(),
                        Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                    };
                    view! {
                        <Title text=format!("API Keys · {name}")/>
                        <div class="tenant-page" data-testid="tenant-page" data-tenant=slug>
                            <p class="breadcrumb muted" data-testid="tenant-name">{name.clone()}</p>
                            <header class="page-header">
                                <h1>"API Keys"</h1>
                                <p class="muted">{format!(
                                    "Keys let automation runners at {name} call the hub's API (/api/v1). \
                                     A key acts only in this tenant, with the scopes you give it."
                                )}</p>
                            </header>
                            {move || shown.get().map(|created| view! { <NewKeySecret created on_done=move || shown.set(None)/> })}
                            <NewKeyForm tenant=form_slug create/>
                            {list}
                        </div>
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn NewKeyForm(tenant: String, create: ServerAction<CreateApiKey>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(vec![ApiScope::RunsWrite]);
    let expiry = RwSignal::new(String::from("90"));
    let toaster = use_toast();
    Effect::new(move |_| {
        if let Some(Err(error)) = create.value().get() {
            toaster.error(error.to_string());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let scopes = scopes
            .get_untracked()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        create.dispatch(CreateApiKey {
            tenant: tenant.clone(),
            name: name.get_untracked(),
            scopes,
            expires_in_days: expiry.get_untracked(),
        });
    };
    view! {
        <section class="panel form-panel">
            <h2>"New key"</h2>
            <form class="grid-form" on:submit=submit data-testid="new-key-form">
                <label class="field"><span>"Name"</span>
                    <input type="text" name="name" required maxlength="80" autocomplete="off"
                        placeholder="Runner at the main office"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>"Expires after"</span>
                    <select name="expires_in_days" on:change=move |ev| expiry.set(event_target_value(&ev))>
                        {EXPIRIES.iter().map(|(days, label)| {
                            let value = days.map(|d| d.to_string()).unwrap_or_default();
                            let selected = value == "90";
                            view! { <option value=value selected=selected>{*label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <fieldset class="field scope-list">
                    <legend>"Scopes"</legend>
                    {ApiScope::ALL.iter().map(|&scope| view! {
                        <label class="check">
                            <input type="checkbox" name="scopes" value=scope.as_str()
                                prop:checked=move || scopes.with(|s| s.contains(&scope))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    scopes.update(|s| {
                                        s.retain(|x| *x != scope);
                                        if on { s.push(scope); }
                                    });
                                }/>
                            <span><code>{scope.as_str()}</code>" · "<span class="muted">{scope.description()}</span></span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" disabled=move || create.pending().get()>"Create key"</button>
                </div>
            </form>
        </section>
    }
}

/// The whole key, once: with a copy button and the warning that it will not be shown again.
#[component]
fn NewKeySecret(created: CreatedApiKey, on_done: impl Fn() + 'static) -> impl IntoView {
    let copied = RwSignal::new(false);
    let secret = created.secret.clone();
    let copy = move |_| {
        copy_to_clipboard(&secret);
        copied.set(true);
    };
    view! {
        <section class="panel form-panel key-once" data-testid="new-key" role="region" aria-label="New API key">
            <h2>{format!("Key \u{201c}{}\u{201d} created", created.key.name)}</h2>
            <p class="form-warning">"Copy it now: it is stored only as a hash and will not be shown again."</p>
            <div class="key-copy">
                <input class="mono" type="text" readonly aria-label="The new API key" data-testid="new-key-secret"
                    value=created.secret.clone() on:focus=|ev| select_target(&ev)/>
                <button type="button" class="button" on:click=copy data-testid="copy-key">
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
            <p class="muted">{format!(
                "For {} · scopes {}. Runners send it as Authorization: Bearer <key>.",
                created.key.tenant_name,
                created.key.scopes.to_text()
            )}</p>
            <button type="button" class="button secondary small" on:click=move |_| on_done()>"Done"</button>
        </section>
    }
}

/// The key list's order for a sort key.
fn compare_keys(a: &ApiKeySummary, b: &ApiKeySummary, key: &str) -> Ordering {
    match key {
        "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        "last_used" => a.last_used_at.cmp(&b.last_used_at),
        // Keys that never expire sort last.
        "expires" => a
            .expires_at
            .unwrap_or(i64::MAX)
            .cmp(&b.expires_at.unwrap_or(i64::MAX)),
        "status" => (a.status != ApiKeyStatus::Active).cmp(&(b.status != ApiKeyStatus::Active)),
        _ => a.created_at.cmp(&b.created_at),
    }
    .then_with(|| a.public_id.cmp(&b.public_id))
}

#[component]
fn KeyTable(
    keys: Vec<ApiKeySummary>,
    tenant: String,
    revoke: ServerAction<RevokeApiKey>,
) -> impl IntoView {
    let query = use_list_query(PAGE_SIZES);
    let path = tenant_page(&tenant, "api-keys");
    let everyone = keys.len();
    // Searched, sorted and paged again whenever the URL changes.
    let all = StoredValue::new(keys);
    let table = {
        let path = path.clone();
        move || {
            let listed = query.get();
            let (keys, total) = page_in_memory(
                all.get_value(),
                &listed,
                "created",
                |k, needle| k.name.to_lowercase().contains(needle) || k.public_id.contains(needle),
                compare_keys,
            );
            let current = listed.sort_in(&["created", "name", "last_used", "expires", "status"]);
            let tenant = tenant.clone();
            view! {
                {keys.is_empty().then(|| view! { <p class="muted">"No key matches this search."</p> })}
                <div class="table-panel flush">
                <table class="data-table" data-testid="key-table">
                    <thead><tr>
                        <SortHeader path=path.clone() query key="name" label="Name" current/>
                        <th scope="col">"Scopes"</th>
                        <SortHeader path=path.clone() query key="created" label="Created" current/>
                        <SortHeader path=path.clone() query key="last_used" label="Last used" current/>
                        <SortHeader path=path.clone() query key="expires" label="Expires" current/>
                        <SortHeader path=path.clone() query key="status" label="Status" current/>
                        <ActionsHeader/>
                    </tr></thead>
                    <tbody>
                        {keys.into_iter().map(|key| view! { <KeyRow key tenant=tenant.clone() revoke/> }).collect_view()}
                    </tbody>
                </table>
                </div>
                <Pager path=path.clone() query=listed.clone() total/>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel form-panel">
            <h2>"Keys"</h2>
            {if everyone == 0 {
                view! { <p class="muted" data-testid="no-keys">"No keys yet. Create one for each runner, so that each can be revoked on its own."</p> }.into_any()
            } else {
                view! {
                    <ListToolbar path=path.clone() query placeholder="Search by name or public id" label="Search keys" page_sizes=PAGE_SIZES/>
                    {table}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn KeyRow(key: ApiKeySummary, tenant: String, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let confirmer = use_confirm();
    let id = key.id.to_string();
    let name = key.name.clone();
    let status = match key.status {
        ApiKeyStatus::Active => view! { <span class="badge success">"Active"</span> }.into_any(),
        other => view! { <span class="badge danger">{other.label()}</span> }.into_any(),
    };
    let active = key.status == ApiKeyStatus::Active;
    let on_revoke = {
        let (tenant, id, name, key_tenant) = (
            tenant.clone(),
            id.clone(),
            name.clone(),
            key.tenant_name.clone(),
        );
        move |_| {
            let input = RevokeApiKey {
                tenant: tenant.clone(),
                id: id.clone(),
            };
            confirmer.ask(Confirmation {
                title: format!("Revoke \u{201c}{name}\u{201d}?"),
                body: format!(
                    "Runners at {key_tenant} using this key are refused from their very next request. A revoked key cannot be turned back on; create a new one instead."
                ),
                confirm: format!("Revoke \u{201c}{name}\u{201d}"),
                destructive: true,
                run: Arc::new(move || {
                    revoke.dispatch(input.clone());
                }),
            });
        }
    };
    view! {
        <tr data-testid="key-row" data-key=key.public_id.clone() class:inactive=!active>
            <td data-label="Name">
                <div class="cell-title">{key.name.clone()}</div>
                <div class="cell-sub mono">{format!("msphub_{}_…", key.public_id)}</div>
                <div class="cell-sub">{key.tenant_name.clone()}</div>
            </td>
            <td data-label="Scopes">{key.scopes.iter().map(|s| view! { <span class="badge neutral">{s.as_str()}</span>" " }).collect_view()}</td>
            <td data-label="Created"><span class="nowrap">{iso_date_ms(key.created_at)}</span><div class="cell-sub">{format!("by {}", key.created_by)}</div></td>
            <td data-label="Last used" class="nowrap">{key.last_used_at.map_or_else(|| "Never".to_owned(), iso_date_ms)}</td>
            <td data-label="Expires" class="nowrap">{key.expires_at.map_or_else(|| "Never".to_owned(), iso_date_ms)}</td>
            <td data-label="Status">{status}</td>
            <td class="actions">
                {active.then(|| view! {
                    <RowMenu label=name.clone()>
                        <button type="button" role="menuitem" class="menu-item danger" data-testid="revoke-key" on:click=on_revoke.clone()>"Revoke…"</button>
                    </RowMenu>
                })}
            </td>
        </tr>
    }
}
