//! Shared helpers of the jitty-os integration tests: boot once per test
//! binary, give each test its own process(es), bounded waits.

#![allow(dead_code)]

use std::sync::Once;
use std::time::{Duration, Instant};

pub use jitty_os::abi::*;
pub use jitty_os::syscall as sys;
pub use jitty_os::{Errno, Kernel, Task};

static BOOT: Once = Once::new();

/// The booted kernel.
pub fn kernel() -> Kernel {
    BOOT.call_once(|| {
        jitty_os::boot().expect("boot");
    });
    jitty_os::boot().expect("boot")
}

/// A fresh process with the given ids, entered by the calling thread.
pub fn proc_as(uid: u32, gid: u32) -> Task {
    let k = kernel();
    let pid = k.spawn_process(uid, gid).expect("spawn_process");
    Task::enter(pid).expect("enter")
}

/// A fresh unprivileged process (uid/gid 1000).
pub fn user() -> Task {
    proc_as(1000, 1000)
}

/// A fresh root process.
pub fn root() -> Task {
    proc_as(0, 0)
}

/// `Err(Errno(e))`.
pub fn err<T>(e: i32) -> Result<T, Errno> {
    Err(Errno(e))
}

/// Runs `f` on a new host thread and fails the test if it takes longer than `secs`.
pub fn with_timeout<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let h = std::thread::spawn(f);
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !h.is_finished() {
        assert!(Instant::now() < deadline, "timed out after {secs}s (deadlock?)");
        std::thread::sleep(Duration::from_millis(5));
    }
    h.join().expect("test thread panicked")
}

/// Polls `cond` until true or `secs` pass.
pub fn wait_until(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    cond()
}

/// A unique path under /tmp for this test.
pub fn tmp(name: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("/tmp/{name}.{}", N.fetch_add(1, Ordering::Relaxed))
}

/// Asserts the kernel's invariants hold.
pub fn invariants() {
    assert_eq!(kernel().check_invariants(), Ok(()));
}
