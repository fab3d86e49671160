//! The router: probes, server functions and pages, under one middleware stack.

use crate::{config::Config, health, middleware, rest, state::AppState};
use app::{shell, App};
use axum::{
    extract::{DefaultBodyLimit, Request},
    middleware::{from_fn, from_fn_with_state, Next},
    routing::get,
    Router,
};
use hub_core::Hub;
use leptos::prelude::provide_context;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes as _};
use tower::ServiceBuilder;
use tower_http::{compression::CompressionLayer, limit::RequestBodyLimitLayer, trace::TraceLayer};

/// Builds the whole application router.
pub fn build(hub: Hub, config: &Config) -> Router {
    build_with(AppState::new(hub.clone(), config), hub)
}

/// [`build`] with a state made by the caller (who keeps its draining flag).
pub fn build_with(state: AppState, hub: Hub) -> Router {
    let limit = state.web.body_limit_bytes;
    let context = move || provide_context(hub.clone());
    let options = state.leptos_options.clone();

    let pages = Router::new()
        .leptos_routes_with_context(&state, page_routes(), context.clone(), move || {
            shell(options.clone())
        })
        .route_layer(from_fn_with_state(state.clone(), middleware::pages::gate))
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(rest::routes())
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(from_fn(middleware::security::security_headers))
                .layer(CompressionLayer::new())
                .layer(from_fn(move |request: Request, next: Next| {
                    middleware::body_limit::typed_payload_too_large(request, next, limit)
                }))
                .layer(from_fn_with_state(
                    state.clone(),
                    middleware::csrf::reject_cross_site,
                ))
                .layer(from_fn_with_state(
                    state.clone(),
                    middleware::auth::authenticate,
                ))
                .layer(from_fn(move |request: Request, next: Next| {
                    middleware::server_fn_status::map_error_status(request, next, limit)
                }))
                // Innermost: it wraps the body in a limited one, which only the routes accept.
                .layer(DefaultBodyLimit::max(limit))
                .layer(RequestBodyLimitLayer::new(limit)),
        )
        .with_state(state)
}

/// The app's routes but its catch-all: an address no page claims reaches the fallback
/// below, which serves a static file by that name if there is one and otherwise renders the
/// app, whose router shows the not-found page (404).
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    generate_route_list(App)
        .into_iter()
        .filter(|route| !route.path().contains('*'))
        .collect()
}

#[cfg(test)]
mod tests {
    use app::sections::{MSP_SECTIONS, TENANT_SECTIONS};
    use std::collections::BTreeSet;

    /// Pages that are routes but not sidebar sections: signing in, setting up, the account,
    /// and the detail pages under a section.
    const NOT_SECTIONS: &[&str] = &[
        "/login",
        "/setup",
        "/account",
        "/tenants/{id}",
        "/technicians/{id}",
        "/t/{tenant}/automs/{id}",
        "/t/{tenant}/runs/{id}",
    ];

    #[test]
    fn the_sidebar_and_the_router_agree() {
        let routes: BTreeSet<String> = super::page_routes()
            .iter()
            .map(|route| route.path().to_owned())
            .filter(|path| !NOT_SECTIONS.contains(&path.as_str()))
            .collect();
        let sections: BTreeSet<String> = MSP_SECTIONS
            .iter()
            .map(|s| format!("/{}", s.slug))
            .chain(
                TENANT_SECTIONS
                    .iter()
                    .map(|s| format!("/t/{{tenant}}/{}", s.slug)),
            )
            .collect();
        assert_eq!(
            routes, sections,
            "every sidebar section has a route, and back"
        );
    }
}
