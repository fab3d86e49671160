//! The tenant detail page: limits and usage, status, technicians, roles; edit and deactivate.

use super::{announce_toggle, toggle_tenant};
use crate::{
    api::tenants::{get_tenant_detail, SetTenantActive, SetTenantEmailDomains, UpdateTenant},
    components::{error_view::error_page, meter::Meter, progress::pending, toast::toast_results},
    paths::tenant_page,
};
use hub_model::{dates::iso_date_ms, tenants::TenantDetail};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/tenants/{id}`
#[component]
pub fn TenantDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateTenant>::new();
    let toggle = ServerAction::<SetTenantActive>::new();
    let domains = ServerAction::<SetTenantEmailDomains>::new();
    let refresh = RwSignal::new(0_u32);
    let detail = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                toggle.version().get(),
                domains.version().get(),
                refresh.get(),
            )
        },
        |(id, ..)| get_tenant_detail(id),
    );
    announce_toggle(toggle, refresh);
    toast_results(update, |tenant| Some(format!("Saved {}.", tenant.name)));
    toast_results(domains, |_| Some("Saved the email domains.".to_owned()));
    view! {
        <Transition set_pending=pending() fallback=|| view! { <div class="panel" aria-busy="true">"Loading the tenant…"</div> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail update toggle domains/> }.into_any(),
                    Err(e) => error_page(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(
    detail: TenantDetail,
    update: ServerAction<UpdateTenant>,
    toggle: ServerAction<SetTenantActive>,
    domains: ServerAction<SetTenantEmailDomains>,
) -> impl IntoView {
    let tenant = detail.tenant;
    let domains_id = tenant.id.to_string();
    let domain_list = detail.email_domains.join(", ");
    let max = detail.max_limits;
    let edit_id = tenant.id.to_string();
    let on_toggle = {
        let tenant = tenant.clone();
        move |_| toggle_tenant(&tenant, toggle)
    };
    let limit_row = |label: &'static str, used: i64, limit: i64| {
        view! {
            <div class="limit-row">
                <span class="limit-label">{label}</span>
                <Meter used limit label=format!("{label} used")/>
                <span class="muted">{format!("{used} of {limit}")}</span>
            </div>
        }
    };
    view! {
        <Title text=tenant.name.clone()/>
        <header class="page-header split">
            <div>
                <p class="breadcrumb"><a href="/tenants">"Tenants"</a> " / "</p>
                <h1 data-testid="tenant-name">{tenant.name.clone()}</h1>
                <p class="muted">
                    <span class="mono">{tenant.slug.clone()}</span>
                    " · created " {iso_date_ms(tenant.created_at_ms)} " · "
                    {if tenant.active {
                        view! { <span class="badge success" data-testid="tenant-status">"Active"</span> }.into_any()
                    } else {
                        view! { <span class="badge danger" data-testid="tenant-status">"Deactivated"</span> }.into_any()
                    }}
                </p>
            </div>
            <div class="header-actions">
                <a class="button secondary" href=tenant_page(&tenant.slug, "dashboard") rel="external">"Open workspace"</a>
                <button type="button" class=if tenant.active { "button danger" } else { "button" } on:click=on_toggle>
                    {if tenant.active { "Deactivate…" } else { "Reactivate" }}
                </button>
            </div>
        </header>
        {(!tenant.active).then(|| view! {
            <div class="banner warning" role="status">
                "This tenant is deactivated: nobody but the MSP Admin can reach it. All of its data is kept; reactivate it to restore access."
            </div>
        })}
        <div class="cards">
            <section class="panel card">
                <h2>"Usage against limits"</h2>
                {limit_row("Automs", tenant.usage.automs, tenant.limits.automs)}
                {limit_row("Users", tenant.usage.users, tenant.limits.users)}
                {limit_row("AI agents", tenant.usage.agents, tenant.limits.agents)}
            </section>
            <section class="panel card">
                <h2>"Technicians"</h2>
                {if detail.technicians.is_empty() {
                    view! { <p class="muted" data-testid="no-technicians">"No technicians are assigned to this tenant yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain">
                            {detail.technicians.into_iter().map(|t| view! { <li>{t.display_name} " " <span class="muted">{t.email}</span></li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
            <section class="panel card">
                <h2>"Tenant roles"</h2>
                <ul class="plain">{detail.roles.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            </section>
        </div>
        <section class="panel form-panel">
            <h2>"Edit tenant"</h2>
            <ActionForm action=update>
                <input type="hidden" name="id" value=edit_id.clone()/>
                <label class="field">
                    <span>"Name"</span>
                    <input type="text" name="name" value=tenant.name.clone() required maxlength="100"/>
                </label>
                <div class="field-row">
                    <label class="field">
                        <span>"Automs limit"</span>
                        <input type="number" name="max_automs" min=tenant.usage.automs max=max.automs value=tenant.limits.automs required/>
                    </label>
                    <label class="field">
                        <span>"Users limit"</span>
                        <input type="number" name="max_users" min=tenant.usage.users.max(1) max=max.users value=tenant.limits.users required/>
                    </label>
                    <label class="field">
                        <span>"AI agents limit"</span>
                        <input type="number" name="max_agents" min=tenant.usage.agents max=max.agents value=tenant.limits.agents required/>
                    </label>
                </div>
                <p class="muted field-note">
                    {format!("Your license allows up to {} Automs, {} users and {} AI agents per tenant.", max.automs, max.users, max.agents)}
                </p>
                <button type="submit" disabled=move || update.pending().get()>"Save changes"</button>
            </ActionForm>
        </section>
        <section class="panel form-panel" data-testid="email-domains">
            <h2>"Email domains"</h2>
            <p class="muted">
                "The customer's domains. Once set, the tenant's own admins and your technicians can only add users with addresses at these domains, so nobody can look up or claim another customer's addresses. You can always add any address."
            </p>
            <ActionForm action=domains>
                <input type="hidden" name="id" value=domains_id/>
                <label class="field">
                    <span>"Domains"</span>
                    <input type="text" name="domains" value=domain_list placeholder="contoso.com, contoso.co.uk" spellcheck="false" autocomplete="off"/>
                </label>
                <button type="submit" disabled=move || domains.pending().get()>"Save domains"</button>
            </ActionForm>
        </section>
    }
}
