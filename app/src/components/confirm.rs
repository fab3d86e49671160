//! The one confirm dialog of the hub. A destructive action never runs on one click: its
//! button asks [`Confirmer::ask`] with what will happen, and the action runs only from the
//! dialog's button, which is named by its effect ("Deactivate Contoso"). The dialog is the
//! browser's modal `<dialog>`: the rest of the page is inert while it is open (focus stays
//! inside), Esc closes it, and focus starts on Cancel.

use leptos::{html, prelude::*};
use std::sync::Arc;

/// One question: what happens, and what to run when the person agrees.
#[derive(Clone)]
pub struct Confirmation {
    /// The question, e.g. "Deactivate Contoso?".
    pub title: String,
    /// The impact, e.g. "3 technicians and 12 users lose access; nothing is deleted."
    pub body: String,
    /// The destructive button's label, named by its effect ("Deactivate Contoso").
    pub confirm: String,
    /// Whether the action destroys or takes away (red button) or only changes.
    pub destructive: bool,
    /// Runs when the person confirms. Not an arena callback: the row that asked may be
    /// re-rendered (and its owner disposed) while the dialog is open.
    pub run: Arc<dyn Fn() + Send + Sync>,
}

/// Opens the dialog; provided by the shell to every page.
#[derive(Clone, Copy)]
pub struct Confirmer(RwSignal<Option<Confirmation>>);

impl Confirmer {
    /// Creates the dialog's state and provides it below.
    pub fn provide() -> Self {
        let confirmer = Self(RwSignal::new(None));
        provide_context(confirmer);
        confirmer
    }

    /// Asks the question; `run` happens only if the person confirms.
    pub fn ask(self, confirmation: Confirmation) {
        self.0.set(Some(confirmation));
    }
}

/// The confirmer of this page.
pub fn use_confirm() -> Confirmer {
    expect_context::<Confirmer>()
}

/// The dialog, rendered once by the shell.
#[component]
pub fn ConfirmHost() -> impl IntoView {
    let state = expect_context::<Confirmer>().0;
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let wanted = state.with(Option::is_some);
        if let Some(dialog) = dialog.get() {
            if wanted && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !wanted && dialog.open() {
                dialog.close();
            }
        }
    });
    let body = move || {
        state.get().map(|question| {
            let Confirmation { title, body, confirm, destructive, run } = question;
            view! {
                <h2 id="confirm-title">{title}</h2>
                <p id="confirm-body">{body}</p>
                <div class="dialog-actions">
                    <button type="button" class="button secondary" autofocus data-testid="confirm-cancel"
                        on:click=move |_| state.set(None)>"Cancel"</button>
                    <button type="button" class="button" class:danger=destructive data-testid="confirm-accept"
                        on:click=move |_| {
                            state.set(None);
                            run();
                        }>{confirm}</button>
                </div>
            }
        })
    };
    view! {
        <dialog node_ref=dialog class="confirm-dialog" data-testid="confirm-dialog"
            aria-labelledby="confirm-title" aria-describedby="confirm-body"
            // Esc (the browser's cancel) and every other way of closing end the question.
            on:close=move |_| if state.with_untracked(Option::is_some) { state.set(None) }>
            {body}
        </dialog>
    }
}
