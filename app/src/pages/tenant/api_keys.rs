//! `/t/{tenant}/api-keys`: the tenant's API keys for automation runners. MSP Admin only (the
//! sidebar shows it to no one else, and the server refuses everyone else).

use super::{in_tenant, opening, NoAccess};
use crate::components::progress::pending;
use crate::context::TenantResource;
use crate::{
    api::api_keys::{get_api_keys, CreateApiKey, RevokeApiKey},
    components::{auth_card::action_error, error_view::ErrorPanel},
    context::Viewer,
};
use hub_model::{
    api_keys::{ApiKeyStatus, ApiKeySummary, ApiScope, CreatedApiKey},
    dates::iso_date_ms,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The expiries the form offers, in days (`None`: never).
const EXPIRIES: [(Option<i64>, &str); 4] = [
    (Some(30), "30 days"),
    (Some(90), "90 days"),
    (Some(365), "1 year"),
    (None, "Never"),
];

/// `/t/{tenant}/api-keys`
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let viewer = expect_context::<Viewer>();
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
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
    let error = action_error(create);
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
            {move || error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
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

#[component]
fn KeyTable(
    keys: Vec<ApiKeySummary>,
    tenant: String,
    revoke: ServerAction<RevokeApiKey>,
) -> impl IntoView {
    let error = action_error(revoke);
    view! {
        <section class="panel form-panel">
            <h2>"Keys"</h2>
            {move || error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {if keys.is_empty() {
                view! { <p class="muted" data-testid="no-keys">"No keys yet. Create one for each runner, so that each can be revoked on its own."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="data-table" data-testid="key-table">
                        <thead><tr>
                            <th scope="col">"Name"</th><th scope="col">"Tenant"</th><th scope="col">"Scopes"</th>
                            <th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"Expires"</th>
                            <th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {keys.into_iter().map(|key| view! { <KeyRow key tenant=tenant.clone() revoke/> }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn KeyRow(key: ApiKeySummary, tenant: String, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let id = key.id.to_string();
    let name = key.name.clone();
    let status = match key.status {
        ApiKeyStatus::Active => view! { <span class="badge success">"Active"</span> }.into_any(),
        other => view! { <span class="badge danger">{other.label()}</span> }.into_any(),
    };
    let active = key.status == ApiKeyStatus::Active;
    view! {
        <tr data-testid="key-row" data-key=key.public_id.clone() class:inactive=!active>
            <td>{key.name.clone()}<br/><span class="muted mono">{format!("msphub_{}_…", key.public_id)}</span></td>
            <td>{key.tenant_name.clone()}</td>
            <td>{key.scopes.iter().map(|s| view! { <span class="badge neutral">{s.as_str()}</span>" " }).collect_view()}</td>
            <td><span class="nowrap">{iso_date_ms(key.created_at)}</span><br/><span class="muted">{format!("by {}", key.created_by)}</span></td>
            <td class="nowrap">{key.last_used_at.map_or_else(|| "Never".to_owned(), iso_date_ms)}</td>
            <td class="nowrap">{key.expires_at.map_or_else(|| "Never".to_owned(), iso_date_ms)}</td>
            <td>{status}</td>
            <td class="actions">
                {active.then(|| view! {
                    <Show when=move || confirming.get() fallback=move || view! {
                        <button type="button" class="button secondary small" on:click=move |_| confirming.set(true)>"Revoke"</button>
                    }>
                        {
                            let (tenant, id, name) = (tenant.clone(), id.clone(), name.clone());
                            view! {
                                <span class="confirm-inline" role="group" aria-label="Confirm revoking">
                                    <span>{format!("Revoke \u{201c}{name}\u{201d}? Runners using it are refused from their next request.")}</span>
                                    <button type="button" class="button danger small" data-testid="confirm-revoke"
                                        on:click={
                                            let (tenant, id) = (tenant.clone(), id.clone());
                                            move |_| { revoke.dispatch(RevokeApiKey { tenant: tenant.clone(), id: id.clone() }); }
                                        }>"Revoke key"</button>
                                    <button type="button" class="button secondary small" on:click=move |_| confirming.set(false)>"Cancel"</button>
                                </span>
                            }
                        }
                    </Show>
                })}
            </td>
        </tr>
    }
}

/// Selects the text of the focused input (so a manual copy takes all of it).
fn select_target(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Writes `text` to the clipboard where the browser offers the Clipboard API (secure
/// contexts); elsewhere the focused, selected input lets the user copy it by hand.
fn copy_to_clipboard(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        let navigator = window.navigator();
        let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|clipboard| !clipboard.is_undefined());
        if available {
            let _promise = navigator.clipboard().write_text(text);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
