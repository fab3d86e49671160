//! The MSP's own pages, at the root of the URL space (MSP Admin only), and the frame every
//! one of them shares: [`MspPage`] refuses anyone else; [`MspSectionPage`] is the honest
//! empty state of a section whose feature arrives in a later release.

pub mod branding;
pub mod license;
pub mod overview;
pub mod technicians;
pub mod tenants;

use crate::{components::error_view::ErrorPanel, context::Viewer, sections::msp_section};
use leptos::prelude::*;
use leptos_meta::Title;

/// An MSP page by slug; only hub administrators see it.
#[component]
pub fn MspSectionPage(slug: &'static str) -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let Some(section) = msp_section(slug) else {
        return view! { <ErrorPanel message="This page does not exist."/> }.into_any();
    };
    if !viewer.is_hub_admin() {
        return view! { <ErrorPanel message="You do not have permission to do that."/> }.into_any();
    }
    view! { <EmptySection title=section.title summary=section.summary/> }.into_any()
}

/// An MSP page that only hub administrators may open (the server functions behind it check
/// again; this only spares others a page of errors).
#[component]
pub fn MspPage<F, V>(page: F) -> impl IntoView
where
    F: Fn() -> V + Send + 'static,
    V: IntoView + 'static,
{
    let viewer = expect_context::<Viewer>();
    if viewer.is_hub_admin() {
        page().into_any()
    } else {
        view! { <ErrorPanel message="You do not have permission to do that."/> }.into_any()
    }
}

/// The header and empty state of a page whose feature is not in this version yet.
#[component]
pub fn EmptySection(title: &'static str, summary: &'static str) -> impl IntoView {
    view! {
        <Title text=title/>
        <header class="page-header">
            <h1>{title}</h1>
            <p class="muted">{summary}</p>
        </header>
        <div class="panel empty-state">
            <h2>"Not available in this version yet"</h2>
            <p class="muted">"This page arrives with an upcoming release of MSP Hub."</p>
        </div>
    }
}
