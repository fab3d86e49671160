//! `/t/{tenant}/alerts`: the tenant's alerts, still to handle first, with filters by severity,
//! status, source and assignee; acknowledge, resolve, reopen and assign one alert from its row
//! menu or many at once from the bulk bar. The sidebar's open count follows every change.

use super::{in_tenant, opening, NoAccess};
use crate::{
    api::alerts::{alert_assignees, list_alerts, ChangeAlerts},
    components::{
        data_table::{
            no_rows, use_list_query, ActionsHeader, Filter, FilterOption, ListToolbar, NoRows,
            Pager, RowMenu,
        },
        error_view::error_page,
        progress::pending,
        toast::toast_results,
    },
    context::{CurrentTenant, TenantResource, Viewer},
    paths::tenant_page,
};
use hub_model::{
    alerts::{
        AlertChangeResult, AlertPage, AlertSource, AlertStatus, AlertSummary, Assignee, Severity,
    },
    dates::iso_time_ms,
    permissions::{Action, Permission, ResourceKind},
    tenant_users::TenantContext,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

const PAGE_SIZES: &[u32] = &[25, 50, 100];

fn may(ctx: &TenantContext, action: Action) -> bool {
    ctx.permissions
        .allows(Permission::new(ResourceKind::Alerts, action))
}

pub(crate) fn severity_badge(severity: Severity) -> AnyView {
    let class = match severity {
        Severity::Critical => "badge danger",
        Severity::Warning => "badge warning",
        Severity::Info => "badge info",
    };
    view! { <span class=class data-testid="alert-severity">{severity.label()}</span> }.into_any()
}

fn status_badge(status: AlertStatus) -> AnyView {
    let class = match status {
        AlertStatus::Open => "badge outline",
        AlertStatus::Acknowledged => "badge info",
        AlertStatus::Resolved => "badge success",
    };
    view! { <span class=class data-testid="alert-status">{status.label()}</span> }.into_any()
}

fn filters() -> Vec<Filter> {
    let any = |label| FilterOption { value: "", label };
    vec![
        Filter {
            name: "severity",
            label: "Severity",
            options: std::iter::once(any("Any severity"))
                .chain(Severity::ALL.into_iter().rev().map(|s| FilterOption {
                    value: s.as_str(),
                    label: s.label(),
                }))
                .collect(),
        },
        Filter {
            name: "status",
            label: "Status",
            options: std::iter::once(any("To handle"))
                .chain(AlertStatus::ALL.into_iter().map(|s| FilterOption {
                    value: s.as_str(),
                    label: s.label(),
                }))
                .chain(std::iter::once(FilterOption {
                    value: "all",
                    label: "All",
                }))
                .collect(),
        },
        Filter {
            name: "source",
            label: "Source",
            options: std::iter::once(any("Any source"))
                .chain(AlertSource::ALL.into_iter().map(|s| FilterOption {
                    value: s.as_str(),
                    label: s.label(),
                }))
                .collect(),
        },
        Filter {
            name: "assignee",
            label: "Assignee",
            options: vec![
                any("Anyone"),
                FilterOption {
                    value: "me",
                    label: "Assigned to me",
                },
                FilterOption {
                    value: "nobody",
                    label: "Unassigned",
                },
            ],
        },
    ]
}

/// What a change did, in words.
fn outcome_text(verb: &str, result: &AlertChangeResult) -> String {
    let alerts = |n: i64| {
        if n == 1 {
            "1 alert".to_owned()
        } else {
            format!("{n} alerts")
        }
    };
    match (result.changed, result.unchanged) {
        (0, n) => format!("Nothing to do: {} already {verb}.", alerts(n)),
        (n, 0) => format!("{} {verb}.", capitalized(&alerts(n))),
        (n, m) => format!(
            "{} {verb}; {} already were.",
            capitalized(&alerts(n)),
            alerts(m)
        ),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `/t/{tenant}/alerts`
#[component]
pub fn AlertsPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let current = expect_context::<CurrentTenant>().0;
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let query = use_list_query(PAGE_SIZES);
    let change = ServerAction::<ChangeAlerts>::new();
    let selected = RwSignal::new(BTreeSet::<String>::new());
    toast_results(change, |result: &AlertChangeResult| {
        Some(outcome_text(result.change.verb(), result))
    });
    // The sidebar's count follows every change, and a changed list starts a new selection.
    Effect::new(move |_| {
        if let Some(Ok(result)) = change.value().get() {
            let open = result.open;
            current.update(|ctx| {
                if let Some(ctx) = ctx.as_mut() {
                    ctx.open_alerts = Some(open);
                }
            });
            selected.set(BTreeSet::new());
        }
    });
    let alerts = Resource::new(
        move || (slug.get(), query.get(), change.version().get()),
        |(slug, q, _)| {
            list_alerts(
                slug,
                q.search.clone(),
                q.filter("severity").to_owned(),
                q.filter("status").to_owned(),
                q.filter("source").to_owned(),
                q.filter("assignee").to_owned(),
                i64::from(q.page),
                i64::from(q.per_page),
            )
        },
    );
    let people = Resource::new(move || slug.get(), alert_assignees);
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let page = alerts.await;
                let people = people.await.unwrap_or_default();
                in_tenant(context, move |ctx| {
                    if !may(&ctx, Action::View) {
                        return view! { <NoAccess title="Alerts" tenant=ctx.name.clone()/> }.into_any();
                    }
                    let path = tenant_page(&ctx.slug, "alerts");
                    let (pill, body) = match page {
                        Ok(page) => {
                            let open = page.open;
                            // What the list says is the freshest count: the sidebar shows it too.
                            if current.with_untracked(|c| c.as_ref().and_then(|c| c.open_alerts)) != Some(open) {
                                current.update(|c| {
                                    if let Some(c) = c.as_mut() {
                                        c.open_alerts = Some(open);
                                    }
                                });
                            }
                            let pill = view! {
                                <div class="count-pill" data-testid="open-alerts">
                                    <strong>{open}</strong>{if open == 1 { " open alert" } else { " open alerts" }}
                                </div>
                            };
                            let body = view! {
                                <ListToolbar path=path.clone() query placeholder="Search by title or source" label="Search alerts"
                                    page_sizes=PAGE_SIZES filters=filters()/>
                                <AlertTable page ctx=ctx.clone() path people change selected/>
                            };
                            (Some(pill), body.into_any())
                        }
                        Err(e) => (None, error_page(&e)),
                    };
                    view! {
                        <Title text=format!("Alerts · {}", ctx.name)/>
                        <div class="tenant-page" data-testid="tenant-page" data-tenant=ctx.slug.clone()>
                            <p class="breadcrumb muted" data-testid="tenant-name">{ctx.name.clone()}</p>
                            <header class="page-header split">
                                <div>
                                    <h1>"Alerts"</h1>
                                    <p class="muted">"What needs attention in this tenant: failed runs of alerting Automs, reached limits, and alerts from monitoring tools."</p>
                                </div>
                                {pill}
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

#[component]
fn AlertTable(
    page: AlertPage,
    ctx: TenantContext,
    path: String,
    people: Vec<Assignee>,
    change: ServerAction<ChangeAlerts>,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let query = use_list_query(PAGE_SIZES);
    let total = page.total;
    if page.items.is_empty() {
        return no_rows(
            &path,
            query.get_untracked(),
            total,
            NoRows {
                what: "alerts",
                past_the_end_id: "alerts-past-the-end",
                empty_id: "no-alerts",
                no_match: "No alert matches these filters.",
                nothing_yet: "Nothing to handle. Failed runs of Automs set to alert, reached limits and monitoring tools with an alerts:write key raise alerts here.",
            },
        );
    }
    let can_change = may(&ctx, Action::Update);
    let on_page: Vec<String> = page.items.iter().map(|a| a.id.to_string()).collect();
    // A selection only ever holds alerts of the page on screen.
    selected.update_untracked(|s| s.retain(|id| on_page.contains(id)));
    let all_selected = {
        let on_page = on_page.clone();
        move || selected.with(|s| !on_page.is_empty() && on_page.iter().all(|id| s.contains(id)))
    };
    let toggle_all = {
        let on_page = on_page.clone();
        move |_| {
            let everything = on_page
                .iter()
                .all(|id| selected.with_untracked(|s| s.contains(id)));
            selected.update(|s| {
                if everything {
                    s.clear();
                } else {
                    s.extend(on_page.iter().cloned());
                }
            });
        }
    };
    let rows = page
        .items
        .into_iter()
        .map(|alert| view! { <AlertRow alert ctx=ctx.clone() can_change change selected/> })
        .collect_view();
    let bulk = can_change
        .then(|| view! { <BulkBar slug=ctx.slug.clone() people=people.clone() change selected/> });
    view! {
        {bulk}
        <div class="table-panel">
            <table class="data-table" data-testid="alert-table">
                <thead><tr>
                    {can_change.then(|| view! {
                        <th scope="col" class="select-cell">
                            <input type="checkbox" aria-label="Select every alert on this page" data-testid="select-all"
                                prop:checked=all_selected on:change=toggle_all/>
                        </th>
                    })}
                    <th scope="col">"Severity"</th>
                    <th scope="col">"Alert"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Assignee"</th>
                    <th scope="col">"Last seen"</th>
                    <ActionsHeader/>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager path=path query=query.get_untracked() total/>
    }
    .into_any()
}

/// The actions on the selected alerts; shown while any is selected.
#[component]
fn BulkBar(
    slug: String,
    people: Vec<Assignee>,
    change: ServerAction<ChangeAlerts>,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    // Nobody is chosen until someone is: Assign never unassigns by default.
    let assignee = RwSignal::new(None::<String>);
    let count = move || selected.with(BTreeSet::len);
    let act = move |what: &'static str| {
        let slug = slug.clone();
        move |_| {
            let ids = selected.with_untracked(|s| s.iter().cloned().collect::<Vec<_>>().join(","));
            change.dispatch(ChangeAlerts {
                tenant: slug.clone(),
                ids,
                change: what.to_owned(),
                assignee: assignee.get_untracked().unwrap_or_default(),
            });
        }
    };
    let options = people
        .into_iter()
        .map(|p| {
            let label = format!("{} ({})", p.name, p.acting_as);
            view! { <option value=p.id.to_string()>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="bulk-bar" data-testid="bulk-bar" role="region" aria-label="Selected alerts" class:hidden=move || count() == 0>
            <span data-testid="selected-count"><strong>{count}</strong>" selected"</span>
            <button class="button secondary" on:click=act("acknowledge") disabled=move || change.pending().get()>"Acknowledge"</button>
            <button class="button secondary" on:click=act("resolve") disabled=move || change.pending().get()>"Resolve"</button>
            <button class="button secondary" on:click=act("reopen") disabled=move || change.pending().get()>"Reopen"</button>
            <span class="bulk-assign">
                <label class="select">
                    <span>"Assign to"</span>
                    <select data-testid="bulk-assignee"
                        on:change=move |e| assignee.set(Some(event_target_value(&e)).filter(|v| v != "-"))>
                        <option value="-">"Choose…"</option>
                        <option value="">"Nobody (unassign)"</option>
                        {options}
                    </select>
                </label>
                <button class="button secondary" on:click=act("assign")
                    disabled=move || change.pending().get() || assignee.with(Option::is_none)>"Assign"</button>
            </span>
            <button type="button" class="button link" data-testid="clear-selection"
                on:click=move |_| selected.set(BTreeSet::new())>"Clear selection"</button>
        </div>
    }
}

#[component]
fn AlertRow(
    alert: AlertSummary,
    ctx: TenantContext,
    can_change: bool,
    change: ServerAction<ChangeAlerts>,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let viewer = use_context::<Viewer>();
    let id = alert.id.to_string();
    let slug = ctx.slug.clone();
    let act = {
        let (slug, id) = (slug.clone(), id.clone());
        move |what: &'static str, assignee: String| {
            let (slug, id) = (slug.clone(), id.clone());
            move |_| {
                change.dispatch(ChangeAlerts {
                    tenant: slug.clone(),
                    ids: id.clone(),
                    change: what.to_owned(),
                    assignee: assignee.clone(),
                });
            }
        }
    };
    let me = viewer.map(|v| v.user.id.to_string()).unwrap_or_default();
    let mine = alert.assignee_id.map(|a| a.to_string()) == Some(me.clone());
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let on_check = {
        let id = id.clone();
        move |_| {
            selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id.clone());
                }
            })
        }
    };
    let run_link = alert
        .run_id
        .map(|run| format!("{}/{run}", tenant_page(&ctx.slug, "runs")));
    let source = match alert.source {
        AlertSource::Api => format!("API · {}", alert.source_name),
        AlertSource::Autom => format!("Autom · {}", alert.source_name),
        AlertSource::Limit => alert.source_name.clone(),
    };
    let repeats = (alert.count > 1).then(|| format!(" · raised {} times", alert.count));
    let details = (!alert.details.is_empty()).then(|| {
        let details = alert.details.clone();
        view! {
            <details class="alert-details">
                <summary>"Details"</summary>
                <p class="pre-wrap">{details}</p>
                {run_link.clone().map(|href| view! { <a href=href data-testid="alert-run">"Open the run"</a> })}
            </details>
        }
    });
    let status = alert.status;
    let title = alert.title.clone();
    let menu = can_change.then(|| {
        let act = act.clone();
        view! {
            <RowMenu label=title.clone()>
                {(status == AlertStatus::Open).then(|| view! {
                    <button role="menuitem" type="button" class="menu-item" on:click=act("acknowledge", String::new())>"Acknowledge"</button>
                })}
                {(status != AlertStatus::Resolved).then(|| view! {
                    <button role="menuitem" type="button" class="menu-item" on:click=act("resolve", String::new())>"Resolve"</button>
                })}
                {(status != AlertStatus::Open).then(|| view! {
                    <button role="menuitem" type="button" class="menu-item" on:click=act("reopen", String::new())>"Reopen"</button>
                })}
                {if mine {
                    view! { <button role="menuitem" type="button" class="menu-item" on:click=act("assign", String::new())>"Unassign"</button> }.into_any()
                } else {
                    view! { <button role="menuitem" type="button" class="menu-item" on:click=act("assign", me.clone())>"Assign to me"</button> }.into_any()
                }}
            </RowMenu>
        }
    });
    view! {
        <tr data-testid="alert-row" data-alert=id.clone() class:inactive=status == AlertStatus::Resolved>
            {can_change.then(|| view! {
                <td class="select-cell">
                    <input type="checkbox" aria-label=format!("Select {}", alert.title) data-testid="select-alert"
                        prop:checked=checked on:change=on_check/>
                </td>
            })}
            <td data-label="Severity">{severity_badge(alert.severity)}</td>
            <td class="alert-cell" data-label="Name">
                <span class="alert-title" data-testid="alert-title">{alert.title.clone()}</span>
                <div class="cell-sub">{source}{repeats}</div>
                {details}
            </td>
            <td data-label="Status">{status_badge(status)}</td>
            <td data-label="Assignee" data-testid="alert-assignee">{alert.assignee_name.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td class="nowrap" data-label="Last seen">
                {iso_time_ms(alert.last_seen_at)}
                {(alert.first_seen_at != alert.last_seen_at).then(|| view! {
                    <div class="cell-sub">{format!("first {}", iso_time_ms(alert.first_seen_at))}</div>
                })}
            </td>
            <td class="actions">{menu}</td>
        </tr>
    }
}
