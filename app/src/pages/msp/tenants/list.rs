//! The Tenant Management page: search, status filter, Sort By and pages (all on the server),
//! the live "used / allowed" count, one-click creation and deactivation.

use crate::{
    api::tenants::{list_tenants, CreateTenant, SetTenantActive},
    components::{auth_card::action_error, error_view::ErrorPanel, meter::Meter},
    paths::tenant_detail,
};
use hub_model::{
    dates::iso_date_ms,
    license::LicenseState,
    tenants::{StatusFilter, TenantPage, TenantSort, TenantSummary, TENANT_PAGE_SIZES},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

/// The list's state, kept in the URL so that it survives reloads and the back button.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ListState {
    search: String,
    status: StatusFilter,
    sort: TenantSort,
    descending: bool,
    page: u32,
    per_page: u32,
}

impl ListState {
    fn href(&self) -> String {
        let mut url = String::from("/tenants?");
        let encoded: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &self.search)
            .append_pair("status", self.status.as_str())
            .append_pair("sort", self.sort.as_str())
            .append_pair("dir", if self.descending { "desc" } else { "asc" })
            .append_pair("page", &self.page.to_string())
            .append_pair("per_page", &self.per_page.to_string())
            .finish();
        url.push_str(&encoded);
        url
    }
}

/// `/tenants`
#[component]
pub fn TenantsPage() -> impl IntoView {
    let query = use_query_map();
    let state = Memo::new(move |_| {
        query.with(|q| ListState {
            search: q.get("q").unwrap_or_default(),
            status: StatusFilter::parse(&q.get("status").unwrap_or_default()),
            sort: TenantSort::parse(&q.get("sort").unwrap_or_default()),
            descending: q.get("dir").as_deref() == Some("desc"),
            page: q
                .get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1),
            per_page: q
                .get("per_page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(TENANT_PAGE_SIZES[0]),
        })
    });
    let create = ServerAction::<CreateTenant>::new();
    let toggle = ServerAction::<SetTenantActive>::new();
    let tenants = Resource::new(
        move || (state.get(), create.version().get(), toggle.version().get()),
        |(s, _, _)| {
            list_tenants(
                s.search,
                s.status.as_str().to_owned(),
                s.sort.as_str().to_owned(),
                s.descending,
                s.page,
                s.per_page,
            )
        },
    );
    let navigate = use_navigate();
    let go = move |next: ListState| navigate(&next.href(), NavigateOptions::default());
    let license = use_context::<LicenseState>().unwrap_or(LicenseState::Unlicensed);
    let expired = matches!(license, LicenseState::Expired { .. });
    // Whether the license's maximum is reached, as last read by the count below. The create
    // form follows this signal instead of reading the resource itself: a resource read
    // outside Suspense during server rendering held concurrent page loads until the pool
    // timed out (server/tests/workers.rs is the regression test).
    let at_max = RwSignal::new(false);

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
        <CreateTenantForm create expired at_max/>
        <Toolbar state go=go.clone()/>
        <Transition fallback=|| view! { <div class="panel" aria-busy="true">"Loading tenants…"</div> }>
            {move || {
                let go = go.clone();
                Suspend::new(async move {
                    match tenants.await {
                        Ok(page) => view! { <TenantTable page state=state.get_untracked() toggle go/> }.into_any(),
                        Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn CreateTenantForm(
    create: ServerAction<CreateTenant>,
    expired: bool,
    at_max: RwSignal<bool>,
) -> impl IntoView {
    let error = action_error(create);
    let at_max = move || at_max.get();
    let created = move || {
        create.value().with(|v| {
            v.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|t| (t.name.clone(), t.id))
        })
    };
    view! {
        <section class="panel create-panel">
            <ActionForm action=create attr:class="inline-form">
                <label class="field grow">
                    <span>"New tenant"</span>
                    <input type="text" name="name" placeholder="Customer name, e.g. Contoso Ltd" required maxlength="100" autocomplete="off"/>
                </label>
                <button type="submit" disabled=move || create.pending().get() || expired || at_max()>
                    {move || if create.pending().get() { "Creating…" } else { "Create tenant" }}
                </button>
            </ActionForm>
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
            {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            {move || created().map(|(name, id)| view! {
                <p class="form-success" role="status">
                    "Created " <a href=tenant_detail(id)>{name}</a> " with its default roles and dashboard."
                </p>
            })}
        </section>
    }
}

#[component]
fn Toolbar<F>(state: Memo<ListState>, go: F) -> impl IntoView
where
    F: Fn(ListState) + Clone + Send + Sync + 'static,
{
    let search = RwSignal::new(state.get_untracked().search);
    let on_search = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            go(ListState {
                search: search.get_untracked(),
                page: 1,
                ..state.get_untracked()
            });
        }
    };
    let on_status = {
        let go = go.clone();
        move |ev| {
            go(ListState {
                status: StatusFilter::parse(&event_target_value(&ev)),
                page: 1,
                ..state.get_untracked()
            })
        }
    };
    let on_sort = {
        let go = go.clone();
        move |ev| {
            go(ListState {
                sort: TenantSort::parse(&event_target_value(&ev)),
                page: 1,
                ..state.get_untracked()
            })
        }
    };
    let on_direction = {
        let go = go.clone();
        move |_| {
            let s = state.get_untracked();
            go(ListState {
                descending: !s.descending,
                page: 1,
                ..s
            })
        }
    };
    view! {
        <div class="toolbar" role="search">
            <form class="search-form" on:submit=on_search>
                <label class="visually-hidden" for="tenant-search">"Search tenants"</label>
                <input
                    id="tenant-search"
                    type="search"
                    placeholder="Search by name or slug"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <button type="submit" class="button secondary">"Search"</button>
            </form>
            <label class="select">
                <span>"Status"</span>
                <select on:change=on_status aria-label="Status filter">
                    {StatusFilter::ALL.into_iter().map(|f| view! {
                        <option value=f.as_str() selected=move || state.get().status == f>{f.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="select">
                <span>"Sort by"</span>
                <select on:change=on_sort aria-label="Sort by">
                    {TenantSort::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || state.get().sort == s>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="button" class="button secondary" on:click=on_direction
                aria-label=move || if state.get().descending { "Descending: switch to ascending" } else { "Ascending: switch to descending" }>
                {move || if state.get().descending { "↓ Descending" } else { "↑ Ascending" }}
            </button>
        </div>
    }
}

#[component]
fn TenantTable<F>(
    page: TenantPage,
    state: ListState,
    toggle: ServerAction<SetTenantActive>,
    go: F,
) -> impl IntoView
where
    F: Fn(ListState) + Clone + Send + Sync + 'static,
{
    let pages = page.pages();
    let first = (i64::from(page.page) - 1) * i64::from(page.per_page) + 1;
    let last = first + i64::try_from(page.items.len()).unwrap_or(0) - 1;
    let toggle_error = action_error(toggle);
    if page.items.is_empty() {
        let message = if state.search.is_empty() && state.status == StatusFilter::All {
            "No tenants yet. Create the first one above."
        } else {
            "No tenant matches this search and filter."
        };
        return view! { <div class="panel empty-state" data-testid="tenant-empty"><p>{message}</p></div> }.into_any();
    }
    let go_prev = {
        let go = go.clone();
        let state = state.clone();
        move |_: leptos::ev::MouseEvent| {
            go(ListState {
                page: state.page.saturating_sub(1).max(1),
                ..state.clone()
            })
        }
    };
    let go_next = {
        let go = go.clone();
        let state = state.clone();
        move |_: leptos::ev::MouseEvent| {
            go(ListState {
                page: state.page + 1,
                ..state.clone()
            })
        }
    };
    view! {
        {move || toggle_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        <div class="panel table-panel">
            <table class="data-table" data-testid="tenant-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Slug"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Usage"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|tenant| view! { <TenantRow tenant toggle/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            <span class="muted" data-testid="pager-status">
                {format!("{first}–{last} of {} · page {} of {pages}", page.total, page.page)}
            </span>
            <div class="pager-buttons">
                <button type="button" class="button secondary" disabled={page.page <= 1} on:click=go_prev>"← Previous"</button>
                <button type="button" class="button secondary" disabled={page.page >= pages} on:click=go_next>"Next →"</button>
            </div>
        </nav>
    }
    .into_any()
}

#[component]
fn TenantRow(tenant: TenantSummary, toggle: ServerAction<SetTenantActive>) -> impl IntoView {
    let usage = tenant.usage;
    let limits = tenant.limits;
    let id = tenant.id.to_string();
    let next_active = !tenant.active;
    let meter_label = format!("Usage of {}", tenant.name);
    view! {
        <tr data-testid="tenant-row" class:inactive=!tenant.active>
            <td>
                <A href=tenant_detail(&id)>{tenant.name.clone()}</A>
                {tenant.is_default.then(|| view! { <span class="badge neutral">"Default"</span> })}
            </td>
            <td class="mono muted">{tenant.slug.clone()}</td>
            <td>
                {if tenant.active {
                    view! { <span class="badge success">"Active"</span> }.into_any()
                } else {
                    view! { <span class="badge danger">"Deactivated"</span> }.into_any()
                }}
            </td>
            <td class="usage-cell">
                <span title="Automs">{format!("{}/{} Automs", usage.automs, limits.automs)}</span>
                <span title="Users">{format!("{}/{} users", usage.users, limits.users)}</span>
                <span title="AI agents">{format!("{}/{} agents", usage.agents, limits.agents)}</span>
                <Meter used=usage.total() limit=limits.automs + limits.users + limits.agents label=meter_label/>
            </td>
            <td class="muted">{iso_date_ms(tenant.created_at_ms)}</td>
            <td class="actions">
                <ActionForm action=toggle>
                    <input type="hidden" name="id" value=id.clone()/>
                    <input type="hidden" name="active" value=next_active.to_string()/>
                    <button type="submit" class="button secondary small">
                        {if next_active { "Reactivate" } else { "Deactivate" }}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}
