//! The Tenant Management page: the shared data table (search, status filter, sortable
//! columns, page size and pages, all in the URL and on the server), the live "used / allowed"
//! count, creation from a name, and deactivation that asks first.

use super::{announce_toggle, toggle_tenant};
use crate::{
    api::tenants::{list_tenants, CreateTenant, SetTenantActive},
    components::{
        auth_card::reset_on_success,
        confirm::{use_confirm, Confirmation},
        data_table::{
            use_list_query, ActionsHeader, Filter, FilterOption, ListQuery, ListToolbar, Pager,
            PastTheEnd, RowMenu, SortHeader,
        },
        error_view::ErrorPanel,
        meter::Meter,
        progress::pending,
        toast::use_toast,
    },
    paths::{tenant_detail, tenant_page},
};
use hub_model::{
    dates::iso_date_ms,
    license::LicenseState,
    tenants::{StatusFilter, TenantPage, TenantSort, TenantSummary, TENANT_PAGE_SIZES},
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::components::A;
use std::sync::Arc;

/// Where the list lives.
const PATH: &str = "/tenants";

/// `/tenants`
#[component]
pub fn TenantsPage() -> impl IntoView {
    let query = use_list_query(&TENANT_PAGE_SIZES);
    let create = ServerAction::<CreateTenant>::new();
    let toggle = ServerAction::<SetTenantActive>::new();
    // Bumped by an undo, which calls the server itself: the toast may outlive this page.
    let refresh = RwSignal::new(0_u32);
    let tenants = Resource::new(
        move || {
            (
                query.get(),
                create.version().get(),
                toggle.version().get(),
                refresh.get(),
            )
        },
        |(q, ..)| {
            list_tenants(
                q.search.clone(),
                StatusFilter::parse(q.filter("status")).as_str().to_owned(),
                TenantSort::parse(&q.sort).as_str().to_owned(),
                q.descending,
                q.page,
                q.per_page,
            )
        },
    );
    let license = use_context::<LicenseState>().unwrap_or(LicenseState::Unlicensed);
    let expired = matches!(license, LicenseState::Expired { .. });
    // Whether the license's maximum is reached, as last read by the count below. The create
    // form follows this signal instead of reading the resource itself: a resource read
    // outside Suspense during server rendering held concurrent page loads until the pool
    // timed out (server/tests/workers.rs is the regression test).
    let at_max = RwSignal::new(false);
    // The tenant just created: its row is highlighted.
    let created = RwSignal::new(None::<String>);
    announce_toggle(toggle, refresh);
    let status = Filter {
        name: "status",
        label: "Status",
        options: StatusFilter::ALL
            .into_iter()
            .map(|f| FilterOption {
                value: f.as_str(),
                label: f.label(),
            })
            .collect(),
    };

    view! {
        <Title text="Tenants"/>
        <header class="page-header split">
            <div>
                <h1>"Tenants"</h1>
                <p class="muted">"Every customer tenant: create, search, sort and deactivate."</p>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    tenants.await.ok().map(|page| {
                        at_max.set(page.count.used >= page.count.allowed);
                        view! {
                        <div class="count-pill" data-testid="tenant-count" aria-live="polite">
                            <strong>{page.count.used}</strong> " / " {page.count.allowed} " tenants"
                        </div>
                        }
                    })
                })}
            </Transition>
        </header>
        <CreateTenantForm create expired at_max created/>
        <ListToolbar path=PATH query placeholder="Search by name or slug" label="Search tenants"
            page_sizes=&TENANT_PAGE_SIZES filters=vec![status]/>
        <Transition set_pending=pending() fallback=|| view! { <div class="panel" aria-busy="true">"Loading tenants…"</div> }>
            {move || Suspend::new(async move {
                match tenants.await {
                    Ok(page) => view! { <TenantTable page query=query.get_untracked() toggle created/> }.into_any(),
                    Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Creates a tenant from a name. A name another tenant already has asks first (two tenants
/// may share a name, but it is rarely meant); the box clears after creating, and the new row
/// is highlighted in the list.
#[component]
fn CreateTenantForm(
    create: ServerAction<CreateTenant>,
    expired: bool,
    at_max: RwSignal<bool>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let at_max = move || at_max.get();
    let form = NodeRef::<leptos::html::Form>::new();
    let name_box = NodeRef::<leptos::html::Input>::new();
    reset_on_success(create, form);
    let toaster = use_toast();
    let confirmer = use_confirm();
    Effect::new(move |_| {
        create.value().with(|last| match last {
            Some(Ok(tenant)) => {
                created.set(Some(tenant.id.to_string()));
                toaster.success(format!(
                    "Created {} with its default roles and dashboard.",
                    tenant.name
                ));
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    });
    // After hydration the form checks for a tenant of the same name before creating; before
    // hydration it posts as a plain form.
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(name) = name_box.get_untracked().map(|input| input.value()) else {
            return;
        };
        let name = name.trim().to_owned();
        if name.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let clash = list_tenants(name.clone(), "all".into(), "name".into(), false, 1, 100)
                .await
                .ok()
                .and_then(|page| {
                    page.items
                        .into_iter()
                        .find(|t| t.name.eq_ignore_ascii_case(&name))
                });
            let input = CreateTenant { name: name.clone() };
            match clash {
                None => {
                    create.dispatch(input);
                }
                Some(existing) => confirmer.ask(Confirmation {
                    title: format!("Another tenant named {}?", existing.name),
                    body: format!(
                        "A tenant named {} already exists (slug {}). Create a second one with the same name?",
                        existing.name, existing.slug
                    ),
                    confirm: "Create another".to_owned(),
                    destructive: false,
                    run: Arc::new(move || {
                        create.dispatch(input.clone());
                    }),
                }),
            }
        });
    };
    view! {
        <section class="panel create-panel">
            <form class="inline-form" node_ref=form method="post" action=CreateTenant::url() on:submit=on_submit>
                <label class="field grow">
                    <span>"New tenant"</span>
                    <input node_ref=name_box type="text" name="name" placeholder="Customer name, e.g. Contoso Ltd" required maxlength="100" autocomplete="off"/>
                </label>
                <button type="submit" disabled=move || create.pending().get() || expired || at_max()>
                    {move || if create.pending().get() { "Creating…" } else { "Create tenant" }}
                </button>
            </form>
            {expired.then(|| view! {
                <p class="form-warning" role="alert">
                    "Your MSP license has expired, so new tenants cannot be created. Existing tenants keep working. "
                    <a href="/license">"Activate a renewed license"</a> " to create tenants again."
                </p>
            })}
            {move || (!expired && at_max()).then(|| view! {
                <p class="form-warning" role="alert" data-testid="tenant-limit-warning">
                    "You are using every tenant your license allows. To add customers, activate a license with more tenants on the "
                    <a href="/license">"License page"</a> ". Deactivated tenants still count, because they keep their data."
                </p>
            })}
        </section>
    }
}

#[component]
fn TenantTable(
    page: TenantPage,
    query: ListQuery,
    toggle: ServerAction<SetTenantActive>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    if page.items.is_empty() && page.total > 0 {
        let total = page.total;
        return view! { <PastTheEnd path=PATH query total what="tenants" test_id="tenant-empty"/> }
            .into_any();
    }
    if page.items.is_empty() {
        let message = if query.search.is_empty()
            && StatusFilter::parse(query.filter("status")) == StatusFilter::All
        {
            "No tenants yet. Create the first one above."
        } else {
            "No tenant matches this search and filter."
        };
        return view! { <div class="panel empty-state" data-testid="tenant-empty"><p>{message}</p></div> }.into_any();
    }
    let list = use_list_query(&TENANT_PAGE_SIZES);
    let current = TenantSort::parse(&query.sort).as_str();
    let total = page.total;
    view! {
        <div class="panel table-panel">
            <table class="data-table" data-testid="tenant-table">
                <thead>
                    <tr>
                        <SortHeader path=PATH query=list key="name" label="Name" current/>
                        <SortHeader path=PATH query=list key="status" label="Status" current/>
                        <SortHeader path=PATH query=list key="usage" label="Usage" current/>
                        <SortHeader path=PATH query=list key="created" label="Created" current/>
                        <ActionsHeader/>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|tenant| view! { <TenantRow tenant toggle created/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager path=PATH query total/>
    }
    .into_any()
}

#[component]
fn TenantRow(
    tenant: TenantSummary,
    toggle: ServerAction<SetTenantActive>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let usage = tenant.usage;
    let limits = tenant.limits;
    let id = tenant.id.to_string();
    let meter_label = format!("Usage of {}", tenant.name);
    let just_created = {
        let id = id.clone();
        move || created.with(|c| c.as_deref() == Some(id.as_str()))
    };
    let on_toggle = {
        let tenant = tenant.clone();
        move |_| toggle_tenant(&tenant, toggle)
    };
    let workspace = tenant_page(&tenant.slug, "dashboard");
    let (menu_label, active) = (tenant.name.clone(), tenant.active);
    view! {
        <tr data-testid="tenant-row" class:inactive=!tenant.active class:just-created=just_created>
            <td data-label="Name">
                <div class="cell-title">
                    <A href=tenant_detail(&id)>{tenant.name.clone()}</A>
                    {tenant.is_default.then(|| view! { <span class="badge neutral">"Default"</span> })}
                </div>
                <div class="cell-sub mono">{tenant.slug.clone()}</div>
            </td>
            <td data-label="Status">
                {if tenant.active {
                    view! { <span class="badge success">"Active"</span> }.into_any()
                } else {
                    view! { <span class="badge danger">"Deactivated"</span> }.into_any()
                }}
            </td>
            <td data-label="Usage" class="usage-cell">
                <span title="Automs">{format!("{}/{} Automs", usage.automs, limits.automs)}</span>
                <span title="Users">{format!("{}/{} users", usage.users, limits.users)}</span>
                <span title="AI agents">{format!("{}/{} agents", usage.agents, limits.agents)}</span>
                <Meter used=usage.total() limit=limits.automs + limits.users + limits.agents label=meter_label/>
            </td>
            <td data-label="Created" class="muted nowrap">{iso_date_ms(tenant.created_at_ms)}</td>
            <td class="actions">
                <RowMenu label=menu_label>
                    <a class="menu-item" role="menuitem" href=tenant_detail(&id)>"Open details"</a>
                    <a class="menu-item" role="menuitem" href=workspace>"Open workspace"</a>
                    <button type="button" role="menuitem" class="menu-item" class:danger=active on:click=on_toggle>
                        {if active { "Deactivate…" } else { "Reactivate" }}
                    </button>
                </RowMenu>
            </td>
        </tr>
    }
}
