//! The overview, where sign-in lands: for the MSP Admin what needs attention now (tenants at
//! or near a limit, deactivated tenants, the license's days left, technicians with no
//! tenant, the tenants opened recently); for a technician their tenants with their access in
//! each; for the unlicensed Administrator the way to a license.

use crate::{
    api::{
        overview::{get_msp_attention, get_my_tenants},
        security::get_throttled_keys,
    },
    components::{error_view::ErrorPanel, progress::pending},
    context::{Viewer, Workspaces},
    paths::{technician_detail, tenant_detail, tenant_page},
};
use hub_model::{
    license::LicenseState,
    overview::{MspAttention, TenantAccess, NEAR_LIMIT_PERCENT},
    session::SystemRole,
    tenants::TenantSummary,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The home page after sign-in.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let first_name = viewer
        .user
        .display_name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let license = use_context::<LicenseState>().unwrap_or(LicenseState::Unlicensed);
    let body = match viewer.user.role {
        SystemRole::MspAdmin => view! { <MspHome/> }.into_any(),
        SystemRole::Technician => view! { <TechnicianHome/> }.into_any(),
        SystemRole::Administrator => view! {
            <section class="panel card accent">
                <h2>"Single-organization mode"</h2>
                <p>"Activate an MSP license to manage customer tenants, technicians and limits."</p>
                <a class="button" href="/license">"Go to License"</a>
            </section>
        }
        .into_any(),
        SystemRole::TenantUser => view! { <TenantUserHome/> }.into_any(),
    };
    let who = format!("{} · {}", viewer.organization, viewer.user.role);
    let subtitle = match (&license, viewer.user.role) {
        (LicenseState::Active { expires_on }, SystemRole::MspAdmin) => {
            format!("{who} · MSP license active until {expires_on}")
        }
        (LicenseState::Expired { expired_on }, SystemRole::MspAdmin) => {
            format!("{who} · MSP license expired on {expired_on}")
        }
        _ => who,
    };
    view! {
        <Title text="Overview"/>
        <header class="page-header">
            <h1>{format!("Welcome, {first_name}")}</h1>
            <p class="muted">{subtitle}</p>
        </header>
        {body}
        {viewer.is_hub_admin().then(|| view! { <SignInProtection/> })}
    }
}

/// "3 tenants", "1 tenant".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The tightest of a tenant's limits, as "users 19 / 20".
fn tightest(tenant: &TenantSummary) -> String {
    let (u, l) = (tenant.usage, tenant.limits);
    let share = |used: i64, max: i64| if max > 0 { used * 100 / max } else { 0 };
    [
        ("Automs", u.automs, l.automs),
        ("users", u.users, l.users),
        ("agents", u.agents, l.agents),
    ]
    .into_iter()
    .max_by_key(|(_, used, max)| share(*used, *max))
    .map(|(what, used, max)| format!("{what} {used} / {max}"))
    .unwrap_or_default()
}

#[component]
fn MspHome() -> impl IntoView {
    let attention = Resource::new(|| (), |()| get_msp_attention());
    view! {
        <Transition set_pending=pending() fallback=|| view! { <div class="panel" aria-busy="true">"Checking your tenants…"</div> }>
            {move || Suspend::new(async move {
                match attention.await {
                    Ok(data) => view! { <Attention data/> }.into_any(),
                    Err(error) => view! { <ErrorPanel message=error.to_string()/> }.into_any(),
                }
            })}
        </Transition>
        <RecentTenants/>
    }
}

#[component]
fn Attention(data: MspAttention) -> impl IntoView {
    let license_line = if data.license_days_left < 0 {
        format!("Expired on {}", data.license_expires_on)
    } else {
        format!(
            "{} left · until {}",
            count(data.license_days_left, "day", "days"),
            data.license_expires_on
        )
    };
    let license_warn = data.license_days_left < 30;
    let quiet = data.near_limit_count == 0
        && data.deactivated_count == 0
        && data.idle_technician_count == 0
        && !license_warn;
    let tenant_item = |tenant: TenantSummary, detail: String| {
        view! {
            <li>
                <a href=tenant_detail(tenant.id)>{tenant.name.clone()}</a>
                <span class="muted">{detail}</span>
            </li>
        }
    };
    let more = |shown: usize, total: i64, href: &'static str, what: &'static str| {
        let shown = i64::try_from(shown).unwrap_or(i64::MAX);
        (total > shown).then(|| view! { <a class="more-link" href=href>{what}</a> })
    };
    view! {
        <div class="cards attention" data-testid="attention">
            <section class="panel card" class:warn=license_warn data-testid="license-card">
                <h2>"License"</h2>
                <p class="big">{license_line}</p>
                <p class="muted">{format!("{} of {} used", count(data.tenants_used, "tenant", "tenants"), data.tenants_allowed)}</p>
                <a href="/license">"License details"</a>
            </section>
            <section class="panel card" class:warn={data.near_limit_count > 0} data-testid="near-limit">
                <h2>{format!("At or near a limit ({NEAR_LIMIT_PERCENT}%+)")}</h2>
                <p class="big">{count(data.near_limit_count, "tenant", "tenants")}</p>
                {if data.near_limit.is_empty() {
                    view! { <p class="muted">"Every active tenant has room to grow."</p> }.into_any()
                } else {
                    let shown = data.near_limit.len();
                    view! {
                        <ul class="plain attention-list">
                            {data.near_limit.into_iter().map(|t| { let d = tightest(&t); tenant_item(t, d) }).collect_view()}
                        </ul>
                        {more(shown, data.near_limit_count, "/tenants?sort=usage&dir=desc", "Every tenant by usage")}
                    }.into_any()
                }}
            </section>
            <section class="panel card" data-testid="deactivated">
                <h2>"Deactivated tenants"</h2>
                <p class="big">{count(data.deactivated_count, "tenant", "tenants")}</p>
                {if data.deactivated.is_empty() {
                    view! { <p class="muted">"None: every tenant is active."</p> }.into_any()
                } else {
                    let shown = data.deactivated.len();
                    view! {
                        <p class="muted">"They keep their data and still count against the license."</p>
                        <ul class="plain attention-list">
                            {data.deactivated.into_iter().map(|t| tenant_item(t, String::new())).collect_view()}
                        </ul>
                        {more(shown, data.deactivated_count, "/tenants?status=inactive", "All deactivated tenants")}
                    }.into_any()
                }}
            </section>
            <section class="panel card" class:warn={data.idle_technician_count > 0} data-testid="idle-technicians">
                <h2>"Technicians with no tenant"</h2>
                <p class="big">{count(data.idle_technician_count, "technician", "technicians")}</p>
                {if data.idle_technicians.is_empty() {
                    view! { <p class="muted">"Every active technician has at least one tenant."</p> }.into_any()
                } else {
                    let shown = data.idle_technicians.len();
                    view! {
                        <ul class="plain attention-list">
                            {data.idle_technicians.into_iter().map(|t| view! {
                                <li><a href=technician_detail(t.id)>{t.display_name}</a> <span class="muted">{t.email}</span></li>
                            }).collect_view()}
                        </ul>
                        {more(shown, data.idle_technician_count, "/technicians?sort=tenants&dir=asc", "Every technician by tenant count")}
                    }.into_any()
                }}
            </section>
        </div>
        {quiet.then(|| view! { <p class="muted all-clear">"Nothing needs your attention right now."</p> })}
    }
}

/// The tenants opened recently in this browser (the switcher's list), as quick links.
#[component]
fn RecentTenants() -> impl IntoView {
    let workspaces = use_context::<Workspaces>();
    let recent = RwSignal::new(Vec::<(String, String)>::new());
    #[cfg(feature = "hydrate")]
    {
        let known = workspaces.clone();
        Effect::new(move |_| {
            let slugs = crate::components::tenant_switcher::recent_tenants();
            let named = slugs
                .into_iter()
                .filter_map(|slug| {
                    known.as_ref().and_then(|w| {
                        w.0.entries
                            .iter()
                            .find(|e| e.slug == slug && e.active)
                            .map(|e| (e.slug.clone(), e.name.clone()))
                    })
                })
                .collect();
            recent.set(named);
        });
    }
    let _ = workspaces;
    view! {
        <Show when=move || recent.with(|r| !r.is_empty())>
            <section class="panel" data-testid="recent-tenants">
                <h2>"Opened recently"</h2>
                <ul class="chip-list">
                    {move || recent.get().into_iter().map(|(slug, name)| view! {
                        <li><a class="chip" href=tenant_page(&slug, "dashboard")>{name}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn TechnicianHome() -> impl IntoView {
    let tenants = Resource::new(|| (), |()| get_my_tenants());
    view! {
        <Transition set_pending=pending() fallback=|| view! { <div class="panel" aria-busy="true">"Loading your tenants…"</div> }>
            {move || Suspend::new(async move {
                match tenants.await {
                    Ok(list) => view! { <MyTenants list/> }.into_any(),
                    Err(error) => view! { <ErrorPanel message=error.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MyTenants(list: Vec<TenantAccess>) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <section class="panel empty-state" data-testid="no-tenant-yet">
                <h2>"No tenant yet"</h2>
                <p class="muted">"No tenant is assigned to you yet. Your MSP Admin decides which tenants you work in, and what you may do in each."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel" data-testid="my-tenants">
            <h2>{format!("Your tenants ({})", list.len())}</h2>
            <div class="table-panel flush">
                <table class="data-table">
                    <thead><tr><th scope="col">"Tenant"</th><th scope="col">"Your access"</th><th scope="col">"Status"</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|t| view! {
                            <tr data-testid="my-tenant-row" class:inactive=!t.active>
                                <td data-label="Name">
                                    {if t.active {
                                        view! { <a href=tenant_page(&t.slug, "dashboard")>{t.name.clone()}</a> }.into_any()
                                    } else {
                                        view! { <span>{t.name.clone()}</span> }.into_any()
                                    }}
                                    <div class="cell-sub mono">{t.slug.clone()}</div>
                                </td>
                                <td data-label="Your access" class="access-summary">{t.permissions.summary()}</td>
                                <td data-label="Status">{if t.active {
                                    view! { <span class="badge success">"Active"</span> }.into_any()
                                } else {
                                    view! { <span class="badge danger">"Deactivated"</span> }.into_any()
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// A tenant user's home: their tenant (sign-in lands inside it; this is the way back).
#[component]
fn TenantUserHome() -> impl IntoView {
    let first = use_context::<Workspaces>().and_then(|w| w.0.entries.first().cloned());
    match first {
        Some(tenant) => view! {
            <section class="panel card accent">
                <h2>"Your tenant"</h2>
                <p class="big">{tenant.name.clone()}</p>
                <a class="button" href=tenant_page(&tenant.slug, "dashboard")>"Open the dashboard"</a>
            </section>
        }
        .into_any(),
        None => view! {
            <section class="panel empty-state" data-testid="no-tenant-yet">
                <p>"Your tenant is deactivated right now. Ask your MSP for access."</p>
            </section>
        }
        .into_any(),
    }
}

/// Accounts and addresses whose failed sign-ins are being slowed down: the hub's
/// administrator should know who is guessing at whom.
#[component]
fn SignInProtection() -> impl IntoView {
    let throttled = Resource::new(|| (), |_| get_throttled_keys());
    view! {
        <section class="panel" data-testid="sign-in-protection">
            <h2>"Sign-in protection"</h2>
            <Transition set_pending=pending() fallback=|| view! { <p class="muted" aria-busy="true">"Checking sign-in attempts…"</p> }>
                {move || Suspend::new(async move {
                    match throttled.await {
                        Ok(keys) if keys.is_empty() => view! {
                            <p class="muted">"No account or address is being slowed down by failed attempts."</p>
                        }
                        .into_any(),
                        Ok(keys) => view! {
                            <p class="muted">"Failed attempts past the free ones are slowed down with growing delays; nobody is locked out, and an account's owner signing in from an address they used before is never slowed down by guesses from elsewhere."</p>
                            <div class="table-scroll">
                            <table class="data-table" data-testid="throttle-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Counted"</th>
                                        <th scope="col">"Account"</th>
                                        <th scope="col">"Address"</th>
                                        <th scope="col">"Failures"</th>
                                        <th scope="col">"Now"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {keys.into_iter().map(|key| view! {
                                        <tr data-testid="throttle-row">
                                            <td>{key.kind.label()}</td>
                                            <td>{if key.account.is_empty() { "—".to_owned() } else { key.account }}</td>
                                            <td class="mono">{if key.ip.is_empty() { "—".to_owned() } else { key.ip }}</td>
                                            <td>{key.failures}</td>
                                            <td>{if key.blocked_for_secs > 0 {
                                                view! { <span class="badge danger">{format!("Waiting {} s", key.blocked_for_secs)}</span> }.into_any()
                                            } else {
                                                view! { <span class="badge">"Watching"</span> }.into_any()
                                            }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorPanel message=error.to_string()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
