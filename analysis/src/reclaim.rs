//! Frees large query results on a background thread, off the edit path.
//!
//! Salsa keeps the memos a revision replaced until the next write, and frees them inside
//! that write (`reset_for_new_revision`). After the diagnostics of a large file ran, that
//! is every scope's inference: tens of milliseconds spent freeing values before the
//! hover that follows the keystroke can start. Values that opt in (their `Drop` calls
//! [`defer_drop`]) are moved to one reclaim thread instead, which frees them while the
//! next queries run.
//!
//! The values are moved, never shared: freeing them later changes no result.

use std::any::Any;
use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

type Garbage = Box<dyn Any + Send>;

/// How long the reclaim thread lets the queries after a write run before it frees.
const QUIET_BEFORE_FREEING: Duration = Duration::from_millis(100);

static RECLAIMER: OnceLock<Option<Sender<Garbage>>> = OnceLock::new();

thread_local! {
    /// Set on the reclaim thread, where values are freed in place.
    static IS_RECLAIM_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Whether a value dropped on this thread should go to [`defer_drop`]: false on the
/// reclaim thread itself, so the values it frees do not come back to it.
pub(crate) fn should_defer() -> bool {
    !IS_RECLAIM_THREAD.with(Cell::get)
}

/// Frees `value` on the reclaim thread (in place when that thread cannot be started or
/// has gone away).
pub(crate) fn defer_drop<T: Send + 'static>(value: T) {
    let sender = RECLAIMER.get_or_init(|| {
        let (sender, receiver) = channel::<Garbage>();
        std::thread::Builder::new()
            .name("remedy-reclaim".to_owned())
            .spawn(move || {
                IS_RECLAIM_THREAD.with(|flag| flag.set(true));
                // Wait for a quiet moment after the first value of a batch: the
                // write that replaced the memos is followed at once by the request
                // that waited for it, and freeing while it runs competes for the
                // cores and the allocator.
                while let Ok(first) = receiver.recv() {
                    std::thread::sleep(QUIET_BEFORE_FREEING);
                    drop(first);
                    for garbage in receiver.try_iter() {
                        drop(garbage);
                    }
                }
            })
            .ok()
            .map(|_| sender)
    });
    if let Some(sender) = sender {
        // A send fails only when the thread has ended; the value then drops here.
        let _ = sender.send(Box::new(value));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    struct Flagged(Arc<AtomicBool>);

    impl Drop for Flagged {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn deferred_values_are_freed_on_another_thread() {
        let freed = Arc::new(AtomicBool::new(false));
        assert!(super::should_defer());
        super::defer_drop(Flagged(freed.clone()));
        let started = Instant::now();
        while !freed.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(
            freed.load(Ordering::SeqCst),
            "the reclaim thread frees the value"
        );
    }
}
