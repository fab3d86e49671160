//! `/t/{tenant}/automs`: the tenant's Automs (list, create), `/t/{tenant}/automs/{id}`: one
//! Autom (edit, run now, webhook address, its runs) and `/t/{tenant}/runs/{id}`: one run
//! with its log. Every action shows only where the principal holds its permission, and the
//! server checks it again.

use super::{in_tenant, opening, NoAccess};
use crate::{
    api::automs::{
        autom_webhook, get_autom, get_run, list_automs, list_runs, preview_schedule, CancelRun,
        CreateAutom, DeleteAutom, RunAutom, SetAutomEnabled, UpdateAutom,
    },
    components::{
        confirm::{use_confirm, Confirmation, Confirmer},
        data_table::{
            no_rows, use_list_query, ActionsHeader, Filter, FilterOption, ListToolbar, NoRows,
            Pager, RowMenu,
        },
        error_view::{error_page, ErrorPanel},
        live::refresh_while,
        meter::Meter,
        progress::pending,
        toast::{toast_results, use_toast},
    },
    context::TenantResource,
    paths::tenant_page,
};
use hub_model::{
    alerts::Severity,
    automs::{
        AutomDetail, AutomPage, AutomSummary, RunDetail, RunPage, RunStatus, RunSummary,
        SchedulePreview, Trigger, TriggerKind,
    },
    dates::{duration_text, iso_time_ms},
    permissions::{Action, Permission, ResourceKind},
    tenant_users::TenantContext,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

const PAGE_SIZES: &[u32] = &[25, 50, 100];

/// The definition a new Autom starts from.
const EXAMPLE: &str = r#"{
  "steps": [
    { "kind": "log", "message": "Checking {{input.host}}" },
    { "kind": "http", "method": "GET", "url": "https://status.example.com/health", "expect_status": 200, "timeout_secs": 10 },
    { "kind": "log", "message": "All good" }
  ]
}"#;

fn may(ctx: &TenantContext, action: Action) -> bool {
    ctx.permissions
        .allows(Permission::new(ResourceKind::Automs, action))
}

fn status_badge(status: RunStatus) -> AnyView {
    let class = match status {
        RunStatus::Succeeded => "badge success",
        RunStatus::Failed | RunStatus::TimedOut => "badge danger",
        RunStatus::Queued | RunStatus::Running => "badge info",
        RunStatus::Cancelled => "badge neutral",
    };
    view! { <span class=class data-testid="run-status">{status.label()}</span> }.into_any()
}

fn trigger_text(trigger: &Trigger) -> String {
    match trigger {
        Trigger::Manual => "Manual".to_owned(),
        Trigger::Webhook => "Webhook".to_owned(),
        Trigger::Schedule { cron, timezone } => format!("{cron} · {timezone}"),
    }
}

/// `/t/{tenant}/automs`
#[component]
pub fn AutomsPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let query = use_list_query(PAGE_SIZES);
    let create = ServerAction::<CreateAutom>::new();
    let toggle = ServerAction::<SetAutomEnabled>::new();
    let run = ServerAction::<RunAutom>::new();
    let delete = ServerAction::<DeleteAutom>::new();
    let created = RwSignal::new(None::<String>);
    toast_results(toggle, |a: &AutomSummary| {
        Some(if a.enabled {
            format!("{} is enabled.", a.name)
        } else {
            format!(
                "{} is disabled: nothing starts it until it is enabled again.",
                a.name
            )
        })
    });
    toast_results(run, |r: &RunSummary| {
        Some(format!(
            "{} is queued; a runner picks it up next.",
            r.autom_name
        ))
    });
    toast_results(delete, |()| {
        Some("The Autom and its runs are deleted.".to_owned())
    });
    let automs = Resource::new(
        move || {
            (
                slug.get(),
                query.get(),
                create.version().get(),
                toggle.version().get(),
                run.version().get(),
                delete.version().get(),
            )
        },
        |(slug, q, ..)| {
            list_automs(
                slug,
                q.search.clone(),
                q.filter("trigger").to_owned(),
                q.filter("enabled").to_owned(),
                i64::from(q.page),
                i64::from(q.per_page),
            )
        },
    );
    let filters = move || {
        vec![
            Filter {
                name: "trigger",
                label: "Trigger",
                options: std::iter::once(FilterOption {
                    value: "",
                    label: "Any trigger",
                })
                .chain(TriggerKind::ALL.into_iter().map(|k| FilterOption {
                    value: k.as_str(),
                    label: k.label(),
                }))
                .collect(),
            },
            Filter {
                name: "enabled",
                label: "Enabled",
                options: vec![
                    FilterOption {
                        value: "",
                        label: "Enabled or not",
                    },
                    FilterOption {
                        value: "yes",
                        label: "Enabled",
                    },
                    FilterOption {
                        value: "no",
                        label: "Disabled",
                    },
                ],
            },
        ]
    };
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let page = automs.await;
                in_tenant(context, move |ctx| {
                    if !may(&ctx, Action::View) {
                        return view! { <NoAccess title="Automs" tenant=ctx.name.clone()/> }.into_any();
                    }
                    let path = tenant_page(&ctx.slug, "automs");
                    let (pill, body) = match page {
                        Ok(page) => {
                            let pill = view! {
                                <div class="count-pill" data-testid="autom-count">
                                    <Meter used=page.used limit=page.limit label="Automs in use"/>
                                    <span><strong>{page.used}</strong>" / "{page.limit}" Automs"</span>
                                </div>
                            };
                            let limit_line = (page.used >= page.limit).then(|| view! {
                                <p class="form-warning" role="alert" data-testid="autom-limit">{format!(
                                    "{} has used {} of {} Automs. Nothing new can be created until a slot is free; ask your MSP Admin to raise the limit.",
                                    ctx.name, page.used, page.limit
                                )}</p>
                            });
                            let form = (may(&ctx, Action::Create) && page.used < page.limit)
                                .then(|| view! { <AutomForm tenant=ctx.slug.clone() create created/> });
                            let body = view! {
                                {limit_line}
                                {form}
                                <ListToolbar path=path.clone() query placeholder="Search by name" label="Search Automs"
                                    page_sizes=PAGE_SIZES filters=filters()/>
                                <AutomTable page ctx=ctx.clone() path toggle run delete created/>
                            };
                            (Some(pill), body.into_any())
                        }
                        Err(e) => (None, error_page(&e)),
                    };
                    view! {
                        <Title text=format!("Automs · {}", ctx.name)/>
                        <div class="tenant-page" data-testid="tenant-page" data-tenant=ctx.slug.clone()>
                            <p class="breadcrumb muted" data-testid="tenant-name">{ctx.name.clone()}</p>
                            <header class="page-header split">
                                <div>
                                    <h1>"Automs"</h1>
                                    <p class="muted">"Automations that this tenant's runners execute: by hand, on a schedule or from a webhook."</p>
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
fn AutomTable(
    page: AutomPage,
    ctx: TenantContext,
    path: String,
    toggle: ServerAction<SetAutomEnabled>,
    run: ServerAction<RunAutom>,
    delete: ServerAction<DeleteAutom>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let query = use_list_query(PAGE_SIZES);
    let total = page.total;
    if page.items.is_empty() {
        return no_rows(
            &path,
            query.get_untracked(),
            total,
            NoRows {
                what: "Automs",
                past_the_end_id: "automs-past-the-end",
                empty_id: "no-automs",
                no_match: "No Autom matches this search.",
                nothing_yet:
                    "No Automs yet. Create one above; a runner with a key of this tenant runs it.",
            },
        );
    }
    let rows = page
        .items
        .into_iter()
        .map(|autom| view! { <AutomRow autom ctx=ctx.clone() toggle run delete created/> })
        .collect_view();
    view! {
        <div class="table-panel">
            <table class="data-table" data-testid="autom-table">
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Trigger"</th>
                    <th scope="col">"Last run"</th>
                    <th scope="col">"Next run"</th>
                    <th scope="col">"Status"</th>
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
fn AutomRow(
    autom: AutomSummary,
    ctx: TenantContext,
    toggle: ServerAction<SetAutomEnabled>,
    run: ServerAction<RunAutom>,
    delete: ServerAction<DeleteAutom>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let confirmer = use_confirm();
    let id = autom.id.to_string();
    let href = format!("{}/{id}", tenant_page(&ctx.slug, "automs"));
    let is_new = created.get_untracked().as_deref() == Some(id.as_str());
    let (slug, name, enabled) = (ctx.slug.clone(), autom.name.clone(), autom.enabled);
    let last = autom.last_run.as_ref().map(|r| {
        let at = iso_time_ms(r.at);
        view! { {status_badge(r.status)}<div class="cell-sub nowrap">{at}</div> }
    });
    let next = autom
        .next_run_at
        .map_or_else(|| "—".to_owned(), iso_time_ms);
    let on_run = {
        let (slug, id) = (slug.clone(), id.clone());
        move |_| {
            run.dispatch(RunAutom {
                tenant: slug.clone(),
                id: id.clone(),
                input: String::new(),
            });
        }
    };
    let on_toggle = {
        let (slug, id) = (slug.clone(), id.clone());
        move |_| {
            toggle.dispatch(SetAutomEnabled {
                tenant: slug.clone(),
                id: id.clone(),
                enabled: !enabled,
            });
        }
    };
    let on_delete = {
        let (slug, id, name) = (slug.clone(), id.clone(), name.clone());
        move |_| {
            let input = DeleteAutom {
                tenant: slug.clone(),
                id: id.clone(),
            };
            confirmer.ask(Confirmation {
                title: format!("Delete {name}?"),
                body: format!(
                    "{name} and every one of its runs, with their logs, are deleted. A run in progress finishes on its runner but is not recorded. The audit log keeps that it was deleted."
                ),
                confirm: format!("Delete {name} and its runs"),
                destructive: true,
                run: Arc::new(move || {
                    delete.dispatch(input.clone());
                }),
            });
        }
    };
    let (can_run, can_update, can_delete) = (
        may(&ctx, Action::Run) && enabled,
        may(&ctx, Action::Update),
        may(&ctx, Action::Delete),
    );
    view! {
        <tr data-testid="autom-row" data-name=name.clone() class:inactive=!enabled class:just-created=is_new>
            <td data-label="Name">
                <a class="cell-title" href=href>{name.clone()}</a>
                <div class="cell-sub">{autom.description.clone()}</div>
            </td>
            <td data-label="Trigger"><span class="mono">{trigger_text(&autom.trigger)}</span></td>
            <td data-label="Last run">{last.map_or_else(|| view! { <span class="muted">"Never run"</span> }.into_any(), IntoAny::into_any)}</td>
            <td data-label="Next run" class="nowrap">{next}</td>
            <td data-label="Status">{if enabled {
                view! { <span class="badge success">"Enabled"</span> }.into_any()
            } else {
                view! { <span class="badge neutral">"Disabled"</span> }.into_any()
            }}</td>
            <td class="actions">
                {(can_run || can_update || can_delete).then(|| view! {
                    <RowMenu label=name.clone()>
                        {can_run.then(|| view! { <button type="button" role="menuitem" class="menu-item" data-testid="run-now" on:click=on_run.clone()>"Run now"</button> })}
                        {can_update.then(|| view! { <button type="button" role="menuitem" class="menu-item" on:click=on_toggle.clone()>{if enabled { "Disable" } else { "Enable" }}</button> })}
                        {can_delete.then(|| view! { <button type="button" role="menuitem" class="menu-item danger" on:click=on_delete.clone()>"Delete…"</button> })}
                    </RowMenu>
                })}
            </td>
        </tr>
    }
}

/// The editor's fields, shared by creating and editing.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    description: RwSignal<String>,
    trigger: RwSignal<String>,
    cron: RwSignal<String>,
    timezone: RwSignal<String>,
    definition: RwSignal<String>,
    alert: RwSignal<String>,
}

impl Fields {
    fn new(from: Option<&AutomDetail>) -> Self {
        let (trigger, cron, timezone) = match from.map(|d| &d.summary.trigger) {
            Some(Trigger::Schedule { cron, timezone }) => {
                ("schedule", cron.clone(), timezone.clone())
            }
            Some(Trigger::Webhook) => ("webhook", String::new(), "UTC".to_owned()),
            _ => ("manual", "0 3 * * *".to_owned(), "UTC".to_owned()),
        };
        Self {
            name: RwSignal::new(from.map(|d| d.summary.name.clone()).unwrap_or_default()),
            description: RwSignal::new(
                from.map(|d| d.summary.description.clone())
                    .unwrap_or_default(),
            ),
            trigger: RwSignal::new(trigger.to_owned()),
            cron: RwSignal::new(cron),
            timezone: RwSignal::new(timezone),
            definition: RwSignal::new(
                from.map_or_else(|| EXAMPLE.to_owned(), |d| d.definition.clone()),
            ),
            alert: RwSignal::new(
                from.and_then(|d| d.summary.alert_on_failure)
                    .map_or("warning", Severity::as_str)
                    .to_owned(),
            ),
        }
    }
}

/// Name, description, trigger (with the schedule's next runs as it is typed), definition
/// and alerting.
#[component]
fn EditorFields(fields: Fields) -> impl IntoView {
    let Fields {
        name,
        description,
        trigger,
        cron,
        timezone,
        definition,
        alert,
    } = fields;
    let schedule = move || trigger.get() == "schedule";
    // The preview follows the typing through an effect, not a resource under a boundary of
    // its own: a boundary nested in the page's `<Transition>` breaks hydration (README,
    // Known problems). Only the latest answer is shown.
    let preview = RwSignal::new(None::<Result<SchedulePreview, String>>);
    let asked = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let (on, cron, zone) = (schedule(), cron.get(), timezone.get());
        if !on {
            preview.set(None);
            return;
        }
        asked.update_value(|n| *n += 1);
        let mine = asked.get_value();
        leptos::task::spawn_local(async move {
            let answer = preview_schedule(cron, zone)
                .await
                .map_err(|e| e.to_string());
            if asked.try_get_value() == Some(mine) {
                preview.try_set(Some(answer));
            }
        });
    });
    view! {
        <label class="field"><span>"Name"</span>
            <input type="text" name="name" required maxlength="120" autocomplete="off" placeholder="Nightly backup check"
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
        </label>
        <label class="field"><span>"Description"</span>
            <input type="text" name="description" maxlength="2000" autocomplete="off" placeholder="What it does, for the next technician"
                prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))/>
        </label>
        <label class="field"><span>"Starts"</span>
            <select name="trigger" on:change=move |ev| trigger.set(event_target_value(&ev)) prop:value=move || trigger.get()>
                <option value="manual">"By hand (Run now)"</option>
                <option value="schedule">"On a schedule"</option>
                <option value="webhook">"From a webhook"</option>
            </select>
        </label>
        <label class="field"><span>"When it fails"</span>
            <select name="alert" on:change=move |ev| alert.set(event_target_value(&ev)) prop:value=move || alert.get()>
                <option value="none">"Raise no alert"</option>
                {Severity::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{format!("Raise a {} alert", s.as_str())}</option> }).collect_view()}
            </select>
        </label>
        <Show when=schedule>
            <label class="field"><span>"Cron (minute hour day month weekday)"</span>
                <input type="text" name="cron" class="mono" autocomplete="off" placeholder="0 3 * * 1-5"
                    prop:value=move || cron.get() on:input=move |ev| cron.set(event_target_value(&ev))/>
            </label>
            <label class="field"><span>"Time zone"</span>
                <input type="text" name="timezone" autocomplete="off" placeholder="Europe/Berlin"
                    prop:value=move || timezone.get() on:input=move |ev| timezone.set(event_target_value(&ev))/>
            </label>
            <div class="field wide schedule-preview" aria-live="polite" data-testid="schedule-preview">
                {move || match preview.get() {
                    Some(Ok(p)) => view! {
                        <p><strong>{p.description}</strong></p>
                        <ol class="plain">{p.next_local.into_iter().map(|t| view! { <li class="mono">{t}</li> }).collect_view()}</ol>
                    }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
        </Show>
        <label class="field wide"><span>"Definition (JSON steps: http, wait, log, fail)"</span>
            <textarea name="definition" class="mono" rows="10" spellcheck="false"
                prop:value=move || definition.get() on:input=move |ev| definition.set(event_target_value(&ev))></textarea>
        </label>
    }
}

#[component]
fn AutomForm(
    tenant: String,
    create: ServerAction<CreateAutom>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let fields = Fields::new(None);
    let toaster = use_toast();
    Effect::new(move |_| {
        create.value().with(|last| match last {
            Some(Ok(autom)) => {
                created.set(Some(autom.id.to_string()));
                toaster.success(format!("Created {}.", autom.name));
                fields.name.set(String::new());
                fields.description.set(String::new());
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateAutom {
            tenant: tenant.clone(),
            name: fields.name.get_untracked(),
            description: fields.description.get_untracked(),
            trigger: fields.trigger.get_untracked(),
            cron: fields.cron.get_untracked(),
            timezone: fields.timezone.get_untracked(),
            definition: fields.definition.get_untracked(),
            alert: fields.alert.get_untracked(),
        });
    };
    view! {
        <details class="panel form-panel disclosure" data-testid="new-autom">
            <summary><h2>"New Autom"</h2></summary>
            <form class="grid-form" on:submit=submit>
                <EditorFields fields/>
                <div class="form-actions">
                    <button type="submit" disabled=move || create.pending().get()>"Create Autom"</button>
                </div>
            </form>
        </details>
    }
}

/// `/t/{tenant}/automs/{id}`
#[component]
pub fn AutomDetailPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let update = ServerAction::<UpdateAutom>::new();
    let run = ServerAction::<RunAutom>::new();
    let cancel = ServerAction::<CancelRun>::new();
    toast_results(update, |a: &AutomSummary| {
        Some(format!("Saved {}.", a.name))
    });
    toast_results(run, |r: &RunSummary| {
        Some(format!(
            "{} is queued; a runner picks it up next.",
            r.autom_name
        ))
    });
    toast_results(cancel, |r: &RunSummary| {
        Some(format!("Cancelled a run of {}.", r.autom_name))
    });
    let detail = Resource::new(
        move || (slug.get(), id.get(), update.version().get()),
        |(slug, id, _)| get_autom(slug, id),
    );
    let runs = Resource::new(
        move || {
            (
                slug.get(),
                id.get(),
                run.version().get(),
                cancel.version().get(),
            )
        },
        |(slug, id, ..)| list_runs(slug, id, String::new(), String::new(), String::new(), 1, 25),
    );
    // Runs still queued or running are followed on the page (only the run table redraws).
    let live_runs = refresh_while(
        move || runs.get_untracked().and_then(Result::ok),
        |page: &RunPage| page.items.iter().any(|r| !r.status.is_final()),
        move || {
            list_runs(
                slug.get_untracked(),
                id.get_untracked(),
                String::new(),
                String::new(),
                String::new(),
                1,
                25,
            )
        },
    );
    Effect::new(move |_| {
        run.version().track();
        cancel.version().track();
        live_runs.set(None);
    });
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let detail = detail.await;
                let runs = runs.await;
                in_tenant(context, move |ctx| {
                    let detail = match detail {
                        Ok(detail) => detail,
                        Err(e) => return error_page(&e),
                    };
                    let name = detail.summary.name.clone();
                    let can_run = may(&ctx, Action::Run) && detail.summary.enabled;
                    let editor = may(&ctx, Action::Update)
                        .then(|| view! { <AutomEditor detail=detail.clone() tenant=ctx.slug.clone() update/> });
                    let webhook = (may(&ctx, Action::Update) && detail.summary.trigger == Trigger::Webhook)
                        .then(|| view! { <WebhookAddress tenant=ctx.slug.clone() id=detail.summary.id.to_string()/> });
                    let on_run = {
                        let (slug, id) = (ctx.slug.clone(), detail.summary.id.to_string());
                        move |_| {
                            run.dispatch(RunAutom { tenant: slug.clone(), id: id.clone(), input: String::new() });
                        }
                    };
                    let history = match runs {
                        Ok(page) => {
                            let ctx = ctx.clone();
                            (move || {
                                let page = live_runs.get().unwrap_or_else(|| page.clone());
                                view! { <RunTable page ctx=ctx.clone() cancel show_autom=false/> }
                            })
                            .into_any()
                        }
                        Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                    };
                    view! {
                        <Title text=format!("{name} · Automs · {}", ctx.name)/>
                        <div class="tenant-page" data-testid="tenant-page" data-tenant=ctx.slug.clone()>
                            <p class="breadcrumb muted"><a href=tenant_page(&ctx.slug, "automs")>{format!("{} · Automs", ctx.name)}</a></p>
                            <header class="page-header split">
                                <div>
                                    <h1 data-testid="autom-name">{name.clone()}</h1>
                                    <p class="muted">{format!("{} · {}", trigger_text(&detail.summary.trigger), if detail.summary.enabled { "enabled" } else { "disabled" })}</p>
                                </div>
                                {can_run.then(|| view! { <button type="button" class="button" data-testid="run-now" on:click=on_run disabled=move || run.pending().get()>"Run now"</button> })}
                            </header>
                            <section class="panel form-panel">
                                <h2>"Runs"</h2>
                                {history}
                            </section>
                            {webhook}
                            {editor}
                            {(!may(&ctx, Action::Update)).then(|| view! {
                                <section class="panel form-panel"><h2>"Definition"</h2><pre class="mono code-block">{detail.definition.clone()}</pre></section>
                            })}
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
fn AutomEditor(
    detail: AutomDetail,
    tenant: String,
    update: ServerAction<UpdateAutom>,
) -> impl IntoView {
    let fields = Fields::new(Some(&detail));
    let id = detail.summary.id.to_string();
    let toaster = use_toast();
    Effect::new(move |_| {
        if let Some(Err(error)) = update.value().get() {
            toaster.error(error.to_string());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        update.dispatch(UpdateAutom {
            tenant: tenant.clone(),
            id: id.clone(),
            name: fields.name.get_untracked(),
            description: fields.description.get_untracked(),
            trigger: fields.trigger.get_untracked(),
            cron: fields.cron.get_untracked(),
            timezone: fields.timezone.get_untracked(),
            definition: fields.definition.get_untracked(),
            alert: fields.alert.get_untracked(),
        });
    };
    view! {
        <section class="panel form-panel" data-testid="autom-editor">
            <h2>"Edit"</h2>
            <form class="grid-form" on:submit=submit>
                <EditorFields fields/>
                <div class="form-actions">
                    <button type="submit" disabled=move || update.pending().get()>"Save changes"</button>
                </div>
            </form>
        </section>
    }
}

/// The secret webhook address: hidden until asked for, with a way to replace it.
#[component]
fn WebhookAddress(tenant: String, id: String) -> impl IntoView {
    let address = RwSignal::new(None::<String>);
    let toaster = use_toast();
    let confirmer = use_confirm();
    let fetch = {
        let (tenant, id) = (tenant.clone(), id.clone());
        move |rotate: bool| {
            let (tenant, id) = (tenant.clone(), id.clone());
            leptos::task::spawn_local(async move {
                match autom_webhook(tenant, id, rotate).await {
                    Ok(path) => {
                        let origin = window_origin();
                        address.set(Some(format!("{origin}{path}")));
                        if rotate {
                            toaster.success(
                                "A new webhook address is in place; the old one no longer works.",
                            );
                        }
                    }
                    Err(error) => toaster.error(error.to_string()),
                }
            });
        }
    };
    let reveal = {
        let fetch = fetch.clone();
        move |_| fetch(false)
    };
    let rotate = move |_| {
        let fetch = fetch.clone();
        confirmer.ask(Confirmation {
            title: "Replace the webhook address?".to_owned(),
            body: "The current address stops working at once; whatever calls it must be given the new one.".to_owned(),
            confirm: "Replace the address".to_owned(),
            destructive: true,
            run: Arc::new(move || fetch(true)),
        });
    };
    view! {
        <section class="panel form-panel" data-testid="webhook">
            <h2>"Webhook address"</h2>
            <p class="muted">"A POST to this secret address queues a run; its JSON body (up to 64 KB) becomes the run's input. Treat it like a password."</p>
            {move || match address.get() {
                Some(url) => view! { <p class="mono break" data-testid="webhook-address">{url}</p> }.into_any(),
                None => view! { <button type="button" class="button secondary" on:click=reveal.clone()>"Show the address"</button> }.into_any(),
            }}
            <button type="button" class="button secondary small" on:click=rotate>"Replace it…"</button>
        </section>
    }
}

fn window_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Asks before cancelling a run (its runner stops at its next call; it cannot be resumed).
fn ask_to_cancel(
    confirmer: Confirmer,
    cancel: ServerAction<CancelRun>,
    input: CancelRun,
    autom: &str,
) {
    confirmer.ask(Confirmation {
        title: format!("Cancel this run of {autom}?"),
        body: "A queued run is never started; a running one stops at its runner's next call, after the step in progress. It cannot be resumed; Run now starts a new one.".to_owned(),
        confirm: "Cancel the run".to_owned(),
        destructive: true,
        run: Arc::new(move || {
            cancel.dispatch(input.clone());
        }),
    });
}

/// Runs, newest first; with `show_autom`, each names its Autom (the tenant's run history).
#[component]
pub(super) fn RunTable(
    page: RunPage,
    ctx: TenantContext,
    cancel: ServerAction<CancelRun>,
    show_autom: bool,
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="muted" data-testid="no-runs">"No runs yet."</p> }.into_any();
    }
    let can_cancel = may(&ctx, Action::Run);
    let confirmer = use_confirm();
    let total = page.total;
    let page_autom = page
        .items
        .first()
        .map(|r| r.autom_id.to_string())
        .unwrap_or_default();
    let shown = page.items.len();
    let rows = page
        .items
        .into_iter()
        .map(|run| {
            let href = tenant_page(&ctx.slug, &format!("runs/{}", run.id));
            let live = !run.status.is_final();
            let on_cancel = {
                let input = CancelRun { tenant: ctx.slug.clone(), id: run.id.to_string() };
                let name = run.autom_name.clone();
                move |_| ask_to_cancel(confirmer, cancel, input.clone(), &name)
            };
            let autom = show_autom.then(|| {
                let href = format!("{}/{}", tenant_page(&ctx.slug, "automs"), run.autom_id);
                view! { <td data-label="Autom"><a href=href>{run.autom_name.clone()}</a></td> }
            });
            view! {
                <tr data-testid="run-row">
                    <td data-label="Queued"><a href=href class="nowrap">{iso_time_ms(run.queued_at)}</a></td>
                    {autom}
                    <td data-label="Status">{status_badge(run.status)}</td>
                    <td data-label="Trigger">{run.trigger.label()}</td>
                    <td data-label="Attempt">{run.attempt}</td>
                    <td data-label="Duration" class="nowrap">{run.duration_ms.map_or_else(|| "—".to_owned(), duration_text)}</td>
                    <td data-label="Runner">{run.runner.clone().unwrap_or_else(|| "—".to_owned())}</td>
                    <td data-label="Error" class="cell-sub">{run.error.clone().unwrap_or_default()}</td>
                    <td class="actions">{(can_cancel && live).then(|| view! {
                        <button type="button" class="button secondary small" on:click=on_cancel>"Cancel"</button>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-panel flush">
            <table class="data-table" data-testid="run-table">
                <thead><tr>
                    <th scope="col">"Queued"</th>
                    {show_autom.then(|| view! { <th scope="col">"Autom"</th> })}
                    <th scope="col">"Status"</th><th scope="col">"Trigger"</th>
                    <th scope="col">"Attempt"</th><th scope="col">"Duration"</th><th scope="col">"Runner"</th>
                    <th scope="col">"Error"</th><ActionsHeader/>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(!show_autom && total > i64::try_from(shown).unwrap_or(i64::MAX)).then(|| {
            let all = format!("{}?autom={}", tenant_page(&ctx.slug, "runs"), page_autom);
            view! {
                <p class="muted">{format!("The latest {shown} of {total} runs. ")}
                    <a href=all data-testid="all-runs">"Every run of this Autom, with filters →"</a></p>
            }
        })}
    }
    .into_any()
}

/// `/t/{tenant}/runs/{id}`
#[component]
pub fn RunDetailPage() -> impl IntoView {
    let tenant = expect_context::<TenantResource>().0;
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("tenant").unwrap_or_default()));
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let cancel = ServerAction::<CancelRun>::new();
    toast_results(cancel, |_: &RunSummary| {
        Some("The run is cancelled.".to_owned())
    });
    let run = Resource::new(
        move || (slug.get(), id.get(), cancel.version().get()),
        |(slug, id, _)| get_run(slug, id),
    );
    // A run still queued or running is followed: its status and log as they come.
    let live_run = refresh_while(
        move || run.get_untracked().and_then(Result::ok),
        |run: &RunDetail| !run.summary.status.is_final(),
        move || get_run(slug.get_untracked(), id.get_untracked()),
    );
    Effect::new(move |_| {
        cancel.version().track();
        live_run.set(None);
    });
    view! {
        <Transition set_pending=pending() fallback=opening>
            {move || Suspend::new(async move {
                let context = tenant.await;
                let run = run.await;
                in_tenant(context, move |ctx| match run {
                    Ok(run) => (move || {
                        let run = live_run.get().unwrap_or_else(|| run.clone());
                        view! { <RunView run ctx=ctx.clone() cancel/> }
                    })
                    .into_any(),
                    Err(e) => error_page(&e),
                })
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn RunView(run: RunDetail, ctx: TenantContext, cancel: ServerAction<CancelRun>) -> impl IntoView {
    let s = run.summary.clone();
    let autom_href = format!("{}/{}", tenant_page(&ctx.slug, "automs"), s.autom_id);
    let can_cancel = may(&ctx, Action::Run) && !s.status.is_final();
    let confirmer = use_confirm();
    let on_cancel = {
        let input = CancelRun {
            tenant: ctx.slug.clone(),
            id: s.id.to_string(),
        };
        let name = s.autom_name.clone();
        move |_| ask_to_cancel(confirmer, cancel, input.clone(), &name)
    };
    let facts = [
        ("Queued", iso_time_ms(s.queued_at)),
        (
            "Started",
            s.started_at.map_or_else(|| "—".to_owned(), iso_time_ms),
        ),
        (
            "Finished",
            s.finished_at.map_or_else(|| "—".to_owned(), iso_time_ms),
        ),
        (
            "Duration",
            s.duration_ms.map_or_else(|| "—".to_owned(), duration_text),
        ),
        ("Trigger", s.trigger.as_str().to_owned()),
        ("Attempt", s.attempt.to_string()),
        ("Runner", s.runner.clone().unwrap_or_else(|| "—".to_owned())),
    ];
    view! {
        <Title text=format!("Run of {} · {}", s.autom_name, ctx.name)/>
        <div class="tenant-page" data-testid="tenant-page" data-tenant=ctx.slug.clone()>
            <p class="breadcrumb muted"><a href=autom_href>{format!("{} · {}", ctx.name, s.autom_name)}</a></p>
            <header class="page-header split">
                <div>
                    <h1>"Run of " {s.autom_name.clone()} " " {status_badge(s.status)}</h1>
                    <p class="muted mono">{s.id.to_string()}</p>
                </div>
                {can_cancel.then(|| view! { <button type="button" class="button secondary" on:click=on_cancel>"Cancel the run"</button> })}
            </header>
            {s.error.clone().map(|e| view! { <p class="form-error" role="alert" data-testid="run-error">{e}</p> })}
            <section class="panel form-panel">
                <dl class="facts">{facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}</dl>
            </section>
            <section class="panel form-panel">
                <h2>"Log"</h2>
                {if run.log.is_empty() {
                    view! { <p class="muted">"No log lines yet."</p> }.into_any()
                } else {
                    view! {
                        <pre class="mono code-block" data-testid="run-log">{run.log.iter().map(|l| format!("{}  {}\n", iso_time_ms(l.at), l.line)).collect::<String>()}</pre>
                    }.into_any()
                }}
                {run.log_truncated.then(|| view! { <p class="muted">"Later lines were left out: the log reached its size limit."</p> })}
            </section>
            <section class="panel form-panel">
                <h2>"Input"</h2>
                <pre class="mono code-block">{run.input.clone()}</pre>
            </section>
        </div>
    }
}
