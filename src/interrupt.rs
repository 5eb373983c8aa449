//! Ctrl-C, SIGTERM and SIGHUP end arcfleet as they end any program, except while a render writes
//! its output folder: then they ask the write to stop, which changes nothing (or, once the new
//! files are staged, lets the renames finish), and the process exits with 130 afterwards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

struct Flags {
    /// Set by a signal that arrived during a write.
    stop: Arc<AtomicBool>,
    /// While set, a signal runs its default action (ends the process).
    outside_write: Arc<AtomicBool>,
}

/// The handlers, installed at the first write. `None` if the system refused them; signals then
/// keep their default action throughout.
fn flags() -> Option<&'static Flags> {
    static FLAGS: OnceLock<Option<Flags>> = OnceLock::new();
    FLAGS
        .get_or_init(|| {
            let flags = Flags {
                stop: Arc::new(AtomicBool::new(false)),
                outside_write: Arc::new(AtomicBool::new(true)),
            };
            for signal in [SIGINT, SIGTERM, SIGHUP] {
                // The default action first: outside a write, the flag below is never seen.
                signal_hook::flag::register_conditional_default(
                    signal,
                    Arc::clone(&flags.outside_write),
                )
                .ok()?;
                signal_hook::flag::register(signal, Arc::clone(&flags.stop)).ok()?;
            }
            Some(flags)
        })
        .as_ref()
}

/// Runs `write` with a stop flag that the signals set while it runs; returns its result and
/// whether a signal arrived.
pub fn during_write<T>(write: impl FnOnce(&AtomicBool) -> T) -> (T, bool) {
    let Some(flags) = flags() else {
        return (write(&AtomicBool::new(false)), false);
    };
    flags.stop.store(false, Ordering::SeqCst);
    flags.outside_write.store(false, Ordering::SeqCst);
    let result = write(&flags.stop);
    flags.outside_write.store(true, Ordering::SeqCst);
    (result, flags.stop.load(Ordering::SeqCst))
}
