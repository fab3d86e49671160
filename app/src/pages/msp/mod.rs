//! The MSP's own pages, at the root of the URL space (MSP Admin only), and the frame every
//! one of them shares: [`MspPage`] refuses anyone else; [`MspSectionPage`] is the honest
//! empty state of a section whose feature arrives in a later release.

pub mod branding;
pub mod license;
pub mod overview;
pub mod technicians;
pub mod tenants;

use crate::{
    components::error_view::{Problem, ProblemKind},
    context::Viewer,
    pages::not_found::NotFoundPanel,
    sections::msp_section,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// An MSP page by slug; only hub administrators see it.
#[component]
pub fn MspSectionPage(slug: &'static str) -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let Some(section) = msp_section(slug) else {
        return view! { <NotFoundPanel what="Page"/> }.into_any();
    };
    if !section.needs.met(
        hub_model::permissions::PermissionSet::empty(),
        viewer.user.role,
    ) {
        return not_yours(section.title);
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
        not_yours("This page")
    }
}

/// An MSP page someone else opened: 403, in the shell's one problem design.
fn not_yours(title: &'static str) -> AnyView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::FORBIDDEN);
    view! {
        <Problem kind=ProblemKind::Forbidden title=title
            detail="Only your MSP Admin can open this page."
            hint="Your tenants are in the switcher and on the overview."/>
    }
    .into_any()
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
