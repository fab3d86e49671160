//! The one toast area: every action answers here, success or failure, and the message goes
//! away on its own (or when closed), so no "Added paula@…" outlives Paula. Where undoing is
//! cheap (deactivate → reactivate) the toast offers it.

use leptos::{prelude::*, server_fn::ServerFn};
use std::{sync::Arc, time::Duration};

/// How long a toast stays; one with an undo stays longer.
const SHOWN: Duration = Duration::from_secs(6);
const SHOWN_WITH_UNDO: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
    undo: Option<Undo>,
}

/// What an undo does (not an arena callback: it may outlive the page that offered it).
pub type Undo = Arc<dyn Fn() + Send + Sync>;

/// The toasts on screen; provided by the shell to every page.
#[derive(Clone, Copy)]
pub struct Toaster {
    toasts: RwSignal<Vec<Toast>>,
    next: RwSignal<u64>,
}

impl Toaster {
    /// Creates the area's state and provides it below.
    pub fn provide() -> Self {
        let toaster = Self {
            toasts: RwSignal::new(Vec::new()),
            next: RwSignal::new(0),
        };
        provide_context(toaster);
        toaster
    }

    fn push(self, kind: ToastKind, message: String, undo: Option<Undo>) {
        let id = self.next.get_untracked();
        self.next.set(id + 1);
        let stays = if undo.is_some() {
            SHOWN_WITH_UNDO
        } else {
            SHOWN
        };
        self.toasts.update(|t| {
            // One message per line of work: the newest replaces an identical one.
            t.retain(|old| old.message != message);
            t.push(Toast {
                id,
                kind,
                message,
                undo,
            });
        });
        set_timeout(move || self.dismiss(id), stays);
    }

    /// Says that something worked.
    pub fn success(self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into(), None);
    }

    /// Says that something worked, with a way to take it back.
    pub fn success_with_undo(self, message: impl Into<String>, undo: Undo) {
        self.push(ToastKind::Success, message.into(), Some(undo));
    }

    /// Says that something failed, and why.
    pub fn error(self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into(), None);
    }

    fn dismiss(self, id: u64) {
        self.toasts.try_update(|t| t.retain(|toast| toast.id != id));
    }
}

/// The toaster of this page.
pub fn use_toast() -> Toaster {
    expect_context::<Toaster>()
}

/// Reports each finished run of `action` as a toast: `success` says what worked (nothing
/// when it returns `None`); a failure shows the typed error's message.
pub fn toast_results<S>(
    action: ServerAction<S>,
    success: impl Fn(&S::Output) -> Option<String> + 'static,
) where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: std::fmt::Display + Send + Sync + 'static,
{
    let toaster = use_toast();
    Effect::new(move |_| {
        action.value().with(|last| match last {
            Some(Ok(output)) => {
                if let Some(message) = success(output) {
                    toaster.success(message);
                }
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    });
}

/// The area itself, rendered once by the shell. Each toast is its own live region (a
/// success a polite `status`, a failure an `alert`), so screen readers hear it once.
#[component]
pub fn ToastHost() -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    view! {
        <div class="toasts" data-testid="toasts">
            // A handful at most: re-rendered whole on a change (a keyed list costs more code
            // in every page's bundle than it saves here).
            {move || toaster.toasts.get().into_iter().map(|toast| {
                let id = toast.id;
                let undo = toast.undo.map(|undo| view! {
                    <button type="button" class="toast-undo" on:click=move |_| {
                        toaster.dismiss(id);
                        undo();
                    }>"Undo"</button>
                });
                let error = toast.kind == ToastKind::Error;
                view! {
                    <div class="toast" class:error=error role=if error { "alert" } else { "status" } data-testid="toast">
                        <span>{toast.message}</span>
                        {undo}
                        <button type="button" class="toast-close" aria-label="Close"
                            on:click=move |_| toaster.dismiss(id)>"×"</button>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// Runs a server call made from a row's button (no form, no action to watch), then says how
/// it went: `success` names what worked, and `after` runs (a list's refresh). A failure shows
/// the typed error's message and changes nothing here.
pub fn settle<T, E>(
    call: impl std::future::Future<Output = Result<T, E>> + 'static,
    success: impl FnOnce(&T) -> String + 'static,
    after: impl FnOnce() + 'static,
) where
    T: 'static,
    E: std::fmt::Display + 'static,
{
    let toaster = use_toast();
    leptos::task::spawn_local(async move {
        match call.await {
            Ok(value) => {
                toaster.success(success(&value));
                after();
            }
            Err(error) => toaster.error(error.to_string()),
        }
    });
}
