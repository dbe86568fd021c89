//! The process-wide guard runtime and each host thread's record: what the
//! host's syscall stubs and HAL entries call.
//!
//! A thread registers lazily at its first [`with_thread_record`] and unregisters
//! when it exits (a thread-local destructor), so the drain never waits for
//! a thread that is gone.

use std::cell::{Cell, RefCell};
use std::sync::OnceLock;

use super::sync::Arc;
use super::{GuardRuntime, ThreadRecord};

/// The process's guard runtime.
pub fn runtime() -> &'static GuardRuntime {
    static RUNTIME: OnceLock<GuardRuntime> = OnceLock::new();
    RUNTIME.get_or_init(GuardRuntime::new)
}

struct Registration(Arc<ThreadRecord>);

impl Drop for Registration {
    fn drop(&mut self) {
        FAST.with(|f| f.set(std::ptr::null()));
        runtime().domain().unregister(&self.0);
    }
}

thread_local! {
    static FAST: Cell<*const ThreadRecord> = const { Cell::new(std::ptr::null()) };
    static REGISTRATION: RefCell<Option<Registration>> = const { RefCell::new(None) };
}

/// The calling thread's record, registered on first use; the pointer stays
/// valid until the thread exits.
#[inline]
pub fn thread_record() -> *const ThreadRecord {
    let p = FAST.with(|c| c.get());
    if p.is_null() { register_slow() } else { p }
}

/// Runs `f` with the calling thread's record, registered on first use.
#[inline(always)]
pub fn with_thread_record<R>(f: impl FnOnce(&ThreadRecord) -> R) -> R {
    let mut p = FAST.with(|c| c.get());
    if p.is_null() {
        p = register_slow();
    }
    // SAFETY: `FAST` points into the `Arc` that `REGISTRATION` keeps alive
    // until this thread's destructors run (then `FAST` is null again, and a
    // late call registers anew); the reference does not escape `f`.
    f(unsafe { &*p })
}

#[cold]
fn register_slow() -> *const ThreadRecord {
    let rec = runtime().domain().register();
    let p = Arc::as_ptr(&rec);
    let kept = REGISTRATION.try_with(|r| *r.borrow_mut() = Some(Registration(rec.clone())));
    if kept.is_err() {
        // Called from another thread-local's destructor after ours ran: keep
        // the record for the rest of the process (it ends idle, so drains
        // never wait for it).
        std::mem::forget(rec);
        return p;
    }
    let _ = FAST.try_with(|f| f.set(p));
    p
}

/// The slow path of a guarded write (before the store, no kernel lock held).
pub fn prepare_write(deps_word: usize) {
    with_thread_record(|me| runtime().prepare_write(deps_word, Some(me)));
}

/// The end of a guarded write that took the slow path (after the store).
pub fn finish_write(deps_word: usize) {
    runtime().finish_write(deps_word);
}
