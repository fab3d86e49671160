//! The overview: the organization at a glance and the next step.

use crate::components::shell::Viewer;
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
                <p class="muted">"Single-organization mode"</p>
            </section>
            <section class="panel card">
                <h2>"Your role"</h2>
                <p class="big">{viewer.user.role.to_string()}</p>
                <p class="muted">{viewer.user.email.clone()}</p>
            </section>
            <section class="panel card accent">
                <h2>"Next step"</h2>
                <p>"Activate an MSP license to manage customer tenants, technicians and limits."</p>
                <a class="button" href="/license">"Go to License"</a>
            </section>
        </div>
    }
}
