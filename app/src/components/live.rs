//! Data that is still changing (a run queued or running), read again every few seconds into a
//! signal of its own, so only what shows it renders again: never a form being typed in, and
//! no progress bar for a refresh nobody asked for. Pushed live updates (a later issue) take
//! this over.

use hub_model::HubError;
use leptos::prelude::*;
use std::{future::Future, time::Duration};

/// How often changing data is read again.
pub const EVERY: Duration = Duration::from_secs(2);

/// A signal with the freshest value `fetch` read while `busy` holds for the value shown
/// (the signal's, or `seed`'s: the page's own data while the signal is empty). Reading stops
/// once the value settles and when the component goes away; failed reads keep what is shown.
pub fn refresh_while<T, F, Fut>(
    seed: impl Fn() -> Option<T> + 'static,
    busy: fn(&T) -> bool,
    fetch: F,
) -> RwSignal<Option<T>>
where
    T: Clone + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, HubError>> + 'static,
{
    let fresh = RwSignal::new(None::<T>);
    #[cfg(feature = "hydrate")]
    {
        use std::sync::{
            atomic::{AtomicBool, Ordering},
            Arc,
        };
        let in_flight = Arc::new(AtomicBool::new(false));
        let handle = set_interval_with_handle(
            move || {
                let shown = fresh.try_get_untracked().flatten().or_else(&seed);
                if !shown.as_ref().is_some_and(busy) || in_flight.swap(true, Ordering::SeqCst) {
                    return;
                }
                let in_flight = in_flight.clone();
                let next = fetch();
                leptos::task::spawn_local(async move {
                    if let Ok(value) = next.await {
                        fresh.try_set(Some(value));
                    }
                    in_flight.store(false, Ordering::SeqCst);
                });
            },
            EVERY,
        )
        .ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (seed, busy, fetch);
    fresh
}
