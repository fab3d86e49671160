//! The slim progress bar at the top of the content area. It is on while any page loads or
//! replaces its data (every page's `<Transition>` reports to it through [`pending`]). What is on screen stays there meanwhile: navigation never blanks
//! the app, it shows this bar and swaps the content when the new data is ready.

use leptos::prelude::*;
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

/// How many sources (page transitions) are loading right now.
#[derive(Clone, Copy, Debug)]
pub struct Progress(RwSignal<u32>);

impl Progress {
    /// Creates the counter and provides it to everything below.
    pub fn provide() -> Self {
        let progress = Self(RwSignal::new(0));
        provide_context(progress);
        progress
    }

    /// Whether anything is loading.
    pub fn active(self) -> bool {
        self.0.get() > 0
    }

    /// A setter for one source: `true` while it loads. A source torn down while loading
    /// (a page left mid-load) stops counting.
    pub fn source(self) -> SignalSetter<bool> {
        let count = self.0;
        let on = Arc::new(AtomicBool::new(false));
        on_cleanup({
            let on = Arc::clone(&on);
            move || {
                if on.swap(false, Ordering::Relaxed) {
                    count.try_update(|c| *c = c.saturating_sub(1));
                }
            }
        });
        SignalSetter::map(move |loading: bool| {
            if on.swap(loading, Ordering::Relaxed) != loading {
                count.try_update(|c| {
                    *c = if loading { *c + 1 } else { c.saturating_sub(1) };
                });
            }
        })
    }
}

/// The `set_pending` of a page's `<Transition>`: reports its loading to the progress bar.
pub fn pending() -> SignalSetter<bool> {
    use_context::<Progress>().map_or_else(SignalSetter::default, Progress::source)
}

/// The bar itself; invisible for loads shorter than its delay (in the style sheet), so fast
/// navigations do not flicker.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let progress = expect_context::<Progress>();
    view! {
        <div class="progress-bar" class:active=move || progress.active() data-testid="progress" aria-hidden="true">
            <span></span>
        </div>
    }
}
