//! How problems look, everywhere inside the branded shell: one panel for a page, tenant or
//! record that is not there (or not visible: the same thing to the caller), for what the
//! principal may not open, and for an error, with the typed error's own message and never a
//! stack trace.

use leptos::prelude::*;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not there, or not visible to the caller (404).
    NotFound,
    /// Visible, but not the caller's to open (403).
    Forbidden,
    /// Anything else: the error's message says what.
    Failed,
}

impl ProblemKind {
    fn mark(self) -> &'static str {
        match self {
            Self::NotFound => "404",
            Self::Forbidden => "403",
            Self::Failed => "!",
        }
    }

    fn test_id(self) -> &'static str {
        match self {
            Self::NotFound => "not-found",
            Self::Forbidden => "no-access",
            Self::Failed => "error-panel",
        }
    }
}

/// The one problem panel.
#[component]
pub fn Problem(
    kind: ProblemKind,
    #[prop(into)] title: String,
    #[prop(into)] detail: String,
    /// What to do about it, when there is something.
    #[prop(optional, into)]
    hint: Option<String>,
) -> impl IntoView {
    view! {
        <section class="panel problem" role="alert" data-testid=kind.test_id() data-kind=kind.mark()>
            <div class="problem-mark" aria-hidden="true">{kind.mark()}</div>
            <div class="problem-body">
                <h1>{title}</h1>
                <p>{detail}</p>
                {hint.map(|hint| view! { <p class="muted">{hint}</p> })}
                <a class="button secondary" href="/">"Go to the overview"</a>
            </div>
        </section>
    }
}

/// A panel showing one error message.
#[component]
pub fn ErrorPanel(#[prop(into)] message: String) -> impl IntoView {
    view! { <Problem kind=ProblemKind::Failed title="Something needs your attention" detail=message/> }
}

/// A page whose data could not be loaded: the error's message, and on the server the error's
/// HTTP status for the whole page (404 for what is not visible, 403, …).
pub fn error_page(error: &hub_model::HubError) -> AnyView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(
        http::StatusCode::from_u16(error.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
    );
    let kind = match error.status() {
        404 => ProblemKind::NotFound,
        403 => ProblemKind::Forbidden,
        _ => ProblemKind::Failed,
    };
    let title = match kind {
        ProblemKind::NotFound => "Not found",
        ProblemKind::Forbidden => "Not yours to open",
        ProblemKind::Failed => "Something needs your attention",
    };
    view! { <Problem kind title detail=error.to_string()/> }.into_any()
}

/// The fallback of an `<ErrorBoundary>`: every error's message.
pub fn error_fallback(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let detail = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| error.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    view! {
        <section class="panel problem" role="alert" data-testid="error-panel">
            <div class="problem-mark" aria-hidden="true">"!"</div>
            <div class="problem-body">
                <h1>"Something needs your attention"</h1>
                <p>{detail}</p>
                <a class="button secondary" href="/">"Go to the overview"</a>
            </div>
        </section>
    }
}
