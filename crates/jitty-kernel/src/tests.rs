//! Unit tests of kernel internals (run with std and the test HAL).

use crate::abi::*;
use crate::check::{jk_admin_spawn, jk_boot, jk_check_invariants, jk_layout_probe};
use crate::kobj::Thread;
use crate::syscall::*;
use crate::task::{self, PidTable};

fn setup() -> *mut Thread {
    assert_eq!(jk_boot(), 0);
    let pid = jk_admin_spawn(1000, 1000);
    assert!(pid > 1);
    task::task_enter(pid).expect("enter")
}

#[test]
fn pid_table_alloc_lookup_free_wraps() {
    let mut t = PidTable { root: [core::ptr::null_mut(); 64], last_pid: 0, nr: 0 };
    let a = t.alloc().unwrap();
    let b = t.alloc().unwrap();
    assert_eq!((a, b), (1, 2));
    t.free(a);
    t.last_pid = PID_MAX - 1;
    assert_eq!(t.alloc(), Some(3), "wraps to 2.., skipping used pids");
    assert!(t.lookup(3).is_null(), "allocated but not yet published");
    assert!(t.lookup(-1).is_null() && t.lookup(PID_MAX).is_null());
}

#[test]
fn fd_allocation_is_lowest_free_and_grows() {
    let cur = setup();
    // SAFETY: live current from setup.
    let t = unsafe { &*cur };
    let mut fds = [0i32; 2];
    for _ in 0..40 {
        ksys_pipe2(t, fds.as_mut_ptr(), 0).unwrap();
    }
    assert_eq!(fds, [78, 79]);
    ksys_close(t, 5).unwrap();
    assert_eq!(ksys_dup(t, 0).unwrap(), 5);
    assert_eq!(jk_check_invariants(), 0);
    // SAFETY: not in a syscall.
    unsafe { task::task_leave(cur) };
}

#[test]
fn pipe_roundtrip_and_probe() {
    let cur = setup();
    // SAFETY: live current from setup.
    let t = unsafe { &*cur };
    let mut fds = [0i32; 2];
    ksys_pipe2(t, fds.as_mut_ptr(), O_NONBLOCK).unwrap();
    assert_eq!(ksys_write(t, fds[1], b"hey".as_ptr(), 3), Ok(3));
    let mut buf = [0u8; 8];
    assert_eq!(ksys_read(t, fds[0], buf.as_mut_ptr(), 8), Ok(3));
    assert_eq!(ksys_read(t, fds[0], buf.as_mut_ptr(), 8), Err(EAGAIN));
    let mut w = [0u64; LAYOUT_PROBE_WORDS];
    // SAFETY: valid output buffer.
    assert_eq!(unsafe { jk_layout_probe(w.as_mut_ptr(), w.len()) }, LAYOUT_PROBE_WORDS);
    assert_eq!(w[0], 0x4a49_5454_5921);
    // SAFETY: not in a syscall.
    unsafe { task::task_leave(cur) };
}
