//! The overview: the organization at a glance and the next step.

use crate::components::progress::pending;
use crate::{
    api::security::get_throttled_keys, components::error_view::ErrorPanel, context::Viewer,
    paths::tenant_page,
};
use hub_model::license::LicenseState;
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
    let mode = match &license {
        LicenseState::Unlicensed => "Single-organization mode".to_owned(),
        LicenseState::Active { expires_on } => format!("MSP license active until {expires_on}"),
        LicenseState::Expired { expired_on } => format!("MSP license expired on {expired_on}"),
    };
    let workspaces = use_context::<crate::context::Workspaces>();
    let next_step = if !viewer.is_hub_admin() {
        let count = workspaces.map_or(0, |w| w.0.total);
        let first = use_context::<crate::context::Workspaces>()
            .and_then(|w| w.0.entries.first().map(|e| e.slug.clone()));
        match (count, first) {
            (0, _) | (_, None) => view! {
                <p data-testid="no-tenant-yet">"No tenant is open to you right now: none is assigned yet, or yours is deactivated. Your MSP Admin decides which tenants you work in."</p>
            }
            .into_any(),
            (count, Some(slug)) => view! {
                <p>{format!("You work in {count} tenant{}. Pick one in the tenant switcher, or open the first.", if count == 1 { "" } else { "s" })}</p>
                <a class="button" href=tenant_page(&slug, "dashboard")>"Open my first tenant"</a>
            }
            .into_any(),
        }
    } else if license.is_licensed() {
        view! {
            <p>"Create a tenant for each customer, set its limits, and brand the hub with your logo and colors."</p>
            <a class="button" href="/tenants">"Go to Tenants"</a>
        }
        .into_any()
    } else {
        view! {
            <p>"Activate an MSP license to manage customer tenants, technicians and limits."</p>
            <a class="button" href="/license">"Go to License"</a>
        }
        .into_any()
    };
    view! {
        <Title text="Overview"/>
        <header class="page-header">
            <h1>{format!("Welcome, {first_name}")}</h1>
            <p class="muted">"Your organization at a glance."</p>
        </header>
        <div class="cards">
            <section class="panel card">
                <h2>"Organization"</h2>
                <p class="big">{viewer.organization.clone()}</p>
                <p class="muted">{mode}</p>
            </section>
            <section class="panel card">
                <h2>"Your role"</h2>
                <p class="big">{viewer.user.role.to_string()}</p>
                <p class="muted">{viewer.user.email.clone()}</p>
            </section>
            <section class="panel card accent">
                <h2>"Next step"</h2>
                {next_step}
            </section>
        </div>
        {viewer.is_hub_admin().then(|| view! { <SignInProtection/> })}
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
