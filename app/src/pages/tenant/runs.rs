//! `/t/{tenant}/runs`: every run of the tenant (or of one Autom, `?autom=`), newest first,
//! with filters by status, trigger and time range, and pages. Runs still queued or running on
//! the page are followed as they go.

use super::{automs::RunTable, in_tenant, opening, NoAccess};
use crate::{
    api::automs::{list_runs, CancelRun},
    components::{
        data_table::{
            use_list_query, Filter, FilterOption, ListQuery, ListToolbar, Pager, PastTheEnd,
        },
        error_view::error_page,
        live::refresh_while,
        progress::pending,
        toast::toast_results,
    },
    context::TenantResource,
    paths::tenant_page,
};
use hub_model::{
    automs::{RunPage, RunStatus, RunSummary, RunTrigger},
    permissions::{Action, Permission, ResourceKind},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

const PAGE_SIZES: &[u32] = &[25, 50, 100];

fn filters() -> Vec<Filter> {
    let any = |label| FilterOption { value: "", label };
    vec![
        Filter {
            name: "status",
            label: "Status",
            options: std::iter::once(any("Any status"))
                .chain(RunStatus::ALL.into_iter().map(|s| FilterOption {
                    value: s.as_str(),
                    label: s.label(),
                }))
                .collect(),
        },
        Filter {
            name: "trigger",
            label: "Trigger",
            options: std::iter::once(any("Any trigger"))
                .chain(RunTrigger::ALL.into_iter().map(|t| FilterOption {
                    value: t.as_str(),
                    label: t.label(),
                }))
                .collect(),
        },
        Filter {
            name: "range",
            label: "Queued",
            options: vec![
                any("Any time"),
                FilterOption {
                    value: "24h",
                    label: "Last 24 hours",
                },
                FilterOption {
                    value: "7d",
                    label: "Last 7 days",
                },
                FilterOption {
                    value: "30d",
                    label: "Last 30 days",
                },
            ],
        },
    ]
}

fn fetch(
    slug: String,
    q: &ListQuery,
) -> impl std::future::Future<Output = Result<RunPage, hub_model::HubError>> {
    list_runs(
        slug,
        q.filter("autom").to_owned(),
        q.filter("status").to_owned(),
        q.filter("trigger").to_owned(),
        q.filter("range").to_owned(),
        i64::from(q.page),
        i64::from(q.per_page),
    )
}

/// `/t/{tenant}/runs`
#[component]
pub fn RunsPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let query = use_list_query(PAGE_SIZES);
    let cancel = ServerAction::<CancelRun>::new();
    toast_results(cancel, |r: &RunSummary| {
        Some(format!("Cancelled a run of {}.", r.autom_name))
    });
    let runs = Resource::new(
        move || (slug.get(), query.get(), cancel.version().get()),
        |(slug, q, _)| fetch(slug, &q),
    );
    let live = refresh_while(
        move || runs.get_untracked().and_then(Result::ok),
        |page: &RunPage| page.items.iter().any(|r| !r.status.is_final()),
        move || fetch(slug.get_untracked(), &query.get_untracked()),
    );
    Effect::new(move |_| {
        query.track();
        cancel.version().track();
        live.set(None);
    });
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let page = runs.await;
                in_tenant(context, move |ctx| {
                    if !ctx.permissions.allows(Permission::new(ResourceKind::Automs, Action::View)) {
                        return view! { <NoAccess title="Runs" tenant=ctx.name.clone()/> }.into_any();
                    }
                    let path = tenant_page(&ctx.slug, "runs");
                    let one_autom = query.with_untracked(|q| !q.filter("autom").is_empty());
                    let body = match page {
                        Ok(page) => {
                            let q = query.get_untracked();
                            let total = page.total;
                            let filtered = q.is_filtered();
                            let named = one_autom.then(|| page.items.first().map(|r| r.autom_name.clone())).flatten();
                            let scope_line = one_autom.then(|| {
                                let everything = tenant_page(&ctx.slug, "runs");
                                view! {
                                    <p class="muted" data-testid="runs-of-autom">
                                        {named.map_or_else(|| "Runs of one Autom. ".to_owned(), |n| format!("Runs of {n}. "))}
                                        <a href=everything>"Every run of the tenant"</a>
                                    </p>
                                }
                            });
                            let table = if page.items.is_empty() && total > 0 {
                                view! { <PastTheEnd path=path.clone() query=q.clone() total what="runs" test_id="runs-past-the-end"/> }.into_any()
                            } else if page.items.is_empty() {
                                let empty = if filtered { "No run matches these filters." } else { "No runs yet. Runs appear here as Automs are started." };
                                view! { <p class="muted panel" data-testid="no-runs">{empty}</p> }.into_any()
                            } else {
                                let ctx = ctx.clone();
                                view! {
                                    {move || {
                                        let page = live.get().unwrap_or_else(|| page.clone());
                                        view! { <RunTable page ctx=ctx.clone() cancel show_autom=true/> }
                                    }}
                                    <Pager path=path.clone() query=q.clone() total/>
                                }
                                .into_any()
                            };
                            view! {
                                {scope_line}
                                <ListToolbar path=path.clone() query placeholder="" label="Runs" page_sizes=PAGE_SIZES filters=filters() no_search=true/>
                                {table}
                            }
                            .into_any()
                        }
                        Err(e) => error_page(&e),
                    };
                    view! {
                        <Title text=format!("Runs · {}", ctx.name)/>
                        <div class="tenant-page" data-testid="tenant-page" data-tenant=ctx.slug.clone()>
                            <p class="breadcrumb muted" data-testid="tenant-name">{ctx.name.clone()}</p>
                            <header class="page-header">
                                <h1>"Runs"</h1>
                                <p class="muted">"Every run of this tenant's Automs, newest first: by hand, on schedule, from webhooks and reported by runners."</p>
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
