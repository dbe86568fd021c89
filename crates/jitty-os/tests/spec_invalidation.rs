//! Invalidation of real residual code, one test per kind of quasi-invariant
//! (issue: "the specialized code ran before the change and provably never
//! runs after it"). Each test plugs residual code produced by the driver,
//! shows it is in the slot and that calls agree with POSIX, makes the
//! change through an ordinary syscall, and shows the slot no longer holds
//! the code when that syscall returns, and that calls still agree.

mod common;

use common::*;
use jitty_os::spec::Specializer;
use std::sync::Mutex;

/// Tests that plug into the process-wide guard runtime run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn driver() -> &'static Specializer {
    kernel();
    Specializer::get().expect("driver")
}

/// Specializes `point` for the calling thread and `args`, plugs it, and
/// returns the code address.
fn plug(point: &str, args: &[u64]) -> usize {
    let d = driver();
    let mut all = vec![sys::current() as u64];
    all.extend_from_slice(args);
    let s = d.specialize(point, &all).unwrap_or_else(|e| panic!("specialize {point}: {e}"));
    let code = s.code as usize;
    d.plug(s).unwrap_or_else(|e| panic!("plug {point}: {e}"));
    assert_eq!(d.slot_code(point), Some(code), "{point} plugged");
    code
}

fn plugged(point: &str, code: usize) -> bool {
    driver().slot_code(point) == Some(code)
}

#[test]
fn dup2_over_a_specialized_fd() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let [r2, w2] = sys::pipe().unwrap();
    let code = plug("write", &[w as u64]);
    assert_eq!(sys::write(w, b"a"), Ok(1));
    assert_eq!(sys::dup2(w2, w), Ok(w as isize));
    assert!(!plugged("write", code), "dup2 over the fd unplugged the write");
    // fd w is now the second pipe's write end.
    assert_eq!(sys::write(w, b"b"), Ok(1));
    let mut b = [0u8; 4];
    assert_eq!(sys::read(r, &mut b), Ok(1));
    assert_eq!(b[0], b'a');
    assert_eq!(sys::read(r2, &mut b), Ok(1));
    assert_eq!(b[0], b'b');
    invariants();
}

#[test]
fn close_and_reuse_of_an_fd_number() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let code = plug("write", &[w as u64]);
    assert_eq!(sys::write(w, b"a"), Ok(1));
    sys::close(w).unwrap();
    assert!(!plugged("write", code), "close unplugged the write");
    assert_eq!(sys::write(w, b"a"), err(EBADF));
    // The number comes back for a new file (the lowest free one).
    let [r2, w2] = sys::pipe().unwrap();
    if w2 == w {
        assert_eq!(sys::write(w, b"c"), Ok(1));
        let mut b = [0u8; 2];
        assert_eq!(sys::read(r2, &mut b), Ok(1));
        assert_eq!(b[0], b'c');
    } else {
        // The reused number is the new read end: writing it fails as POSIX says.
        assert_eq!(r2, w, "the lowest free number is reused");
        assert_eq!(sys::write(w, b"c"), err(EBADF));
    }
    let mut b = [0u8; 2];
    assert_eq!(sys::read(r, &mut b), Ok(1));
    invariants();
}

#[test]
fn the_last_reader_of_a_pipe_goes_away() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    // SIGPIPE ignored, so the write reports EPIPE.
    sys::sigaction(SIGPIPE, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
    let code = plug("write", &[w as u64]);
    assert_eq!(sys::write(w, b"a"), Ok(1));
    sys::close(r).unwrap();
    assert!(!plugged("write", code), "closing the last reader (a guarded write of the fd table) unplugged");
    assert_eq!(sys::write(w, b"a"), err(EPIPE));
    invariants();
}

#[test]
fn a_process_goes_from_one_thread_to_two() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let code = plug("write", &[w as u64]);
    let whats: Vec<String> = {
        let d = driver();
        let s = d.specialize("write", &[sys::current() as u64, w as u64]).unwrap();
        s.residual.guards.iter().map(|g| g.what.clone()).collect()
    };
    assert!(whats.iter().any(|w| w == "FilesStruct.users"), "the path folds the table's single user: {whats:?}");
    let second = sys::clone_thread().unwrap();
    assert!(!plugged("write", code), "a second thread (users 1 -> 2) unplugged the write");
    let h = std::thread::spawn(move || {
        let _t = jitty_os::Task::adopt(second);
        sys::write(w, b"t")
    });
    assert_eq!(h.join().unwrap(), Ok(1));
    assert_eq!(sys::write(w, b"m"), Ok(1));
    let mut b = [0u8; 4];
    assert_eq!(sys::read(r, &mut b), Ok(2));
    assert_eq!(&b[..2], b"tm");
    invariants();
}

#[test]
fn uid_changes_while_another_process_keeps_killing_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let _s = serial();
    let k = kernel();
    let target = k.spawn_process(0, 0).unwrap();
    let changed = std::sync::Arc::new(AtomicBool::new(false));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let c2 = changed.clone();
    // The killer: uid 1000, kill(target, 0) through residual code.
    let killer = std::thread::spawn(move || {
        let _t = user();
        let code = plug("kill", &[target as u64, 0]);
        let mut before = 0u32;
        let mut after_denied = 0u32;
        ready_tx.send(()).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let flag = c2.load(Ordering::SeqCst);
            let r = sys::kill(target, 0);
            if flag {
                // The change happened before this call began: EPERM, always.
                assert_eq!(r, err(EPERM), "a kill after the uid change must be refused");
                assert!(!plugged("kill", code), "the kill was unplugged by the uid change");
                after_denied += 1;
                if after_denied == 200 {
                    break;
                }
            } else {
                // Root target, uid-1000 sender: permitted until the change.
                assert!(r == Ok(0) || r == err(EPERM));
                before += 1;
            }
            assert!(std::time::Instant::now() < deadline, "killer timed out");
        }
        before
    });
    ready_rx.recv().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    {
        let _t = Task::enter(target).unwrap();
        // root -> uid 2000: the killer (uid 1000) may no longer signal it.
        assert_eq!(sys::setresuid(2000, 2000, 2000), Ok(0));
    }
    changed.store(true, Ordering::SeqCst);
    let before = killer.join().unwrap();
    assert!(before > 0, "the specialized kill ran before the change");
    invariants();
}

#[test]
fn the_target_of_a_specialized_kill_exits() {
    let _s = serial();
    let _t = user();
    let k = kernel();
    let target = k.spawn_process(1000, 1000).unwrap();
    let code = plug("kill", &[target as u64, 0]);
    assert_eq!(sys::kill(target, 0), Ok(0));
    {
        let _c = Task::enter(target).unwrap();
        sys::exit(0).unwrap();
    }
    // The exit (and, its parent being init, the reap) rewrote the pid's
    // binding through the guard.
    assert!(wait_until(10, || !plugged("kill", code)), "the target's exit unplugged the kill");
    assert!(wait_until(10, || sys::kill(target, 0) == err(ESRCH)), "the pid is gone");
    invariants();
}

#[test]
fn a_reader_blocked_in_specialized_code_while_o_nonblock_flips() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    // Two threads from the start: the reader specializes for itself.
    let reader = sys::clone_thread().unwrap();
    let (code_tx, code_rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        let _t = jitty_os::Task::adopt(reader);
        let code = plug("read", &[r as u64]);
        code_tx.send(code).unwrap();
        let mut buf = [0u8; 8];
        (sys::read(r, &mut buf), buf[0])
    });
    let code = code_rx.recv().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!h.is_finished(), "the reader blocks in the specialized read: the pipe is empty");
    // The flip returns at once: the drain does not wait for the sleeper.
    let t0 = std::time::Instant::now();
    assert_eq!(sys::fcntl(r, F_SETFL, O_NONBLOCK as u64), Ok(0));
    assert!(t0.elapsed() < std::time::Duration::from_secs(2), "the flip returned at once");
    assert!(!plugged("read", code), "the flip unplugged the read");
    assert!(!h.is_finished(), "the blocked reader stays blocked, as in the generic kernel");
    // Data arrives: it wakes in unplugged code, restarts through the slot,
    // and reads the byte, as the generic kernel's blocked reader would.
    assert_eq!(sys::write(w, b"x"), Ok(1));
    let (n, byte) = with_timeout(10, move || h.join().unwrap());
    assert_eq!((n, byte), (Ok(1), b'x'));
    // Now non-blocking: an empty read says EAGAIN.
    let mut buf = [0u8; 1];
    assert_eq!(sys::read(r, &mut buf), err(EAGAIN));
    invariants();
}

#[test]
fn a_regions_flags_change_under_its_specialized_allocator() {
    use jitty_os::image::{in_kernel, services};
    let _s = serial();
    let d = driver();
    let hs = services();
    // A best-fit region of the test's own, over the kernel heap.
    // SAFETY: kernel statics from the host-services table.
    let region =
        in_kernel(|s| unsafe { (s.vmalloc_region_open)((s.vmalloc_heap_discipline)(), (s.vmalloc_method)(1), 0) });
    assert!(!region.is_null());
    let slot = |r: *mut std::ffi::c_void| {
        let off = d.annotations().point("malloc").and_then(|p| p.obj_slot).expect("malloc has an object slot").1;
        // SAFETY: the slot word of a live region.
        unsafe {
            (*((r as usize + off as usize) as *const std::sync::atomic::AtomicUsize))
                .load(std::sync::atomic::Ordering::Relaxed)
        }
    };
    let generic = slot(region);
    let s = d.specialize("malloc", &[region as u64, 32]).expect("specialize malloc");
    assert!(s.residual.guards.iter().any(|g| g.what == "Region.flags"), "the allocator folds the region's flags");
    let code = s.code as usize;
    let id = d.plug(s).expect("plug");
    assert_eq!(slot(region), code, "plugged into the region's allocation slot");
    // Allocations through the slot agree with the generic allocator: distinct, writable blocks.
    let mut blocks = Vec::new();
    for i in 0..64u8 {
        // SAFETY: a live region; 32-byte blocks written within bounds.
        let p = in_kernel(|_| unsafe { (hs.vmalloc_alloc_dispatch)(region, 32) });
        assert!(!p.is_null());
        // SAFETY: a fresh 32-byte block of the region.
        unsafe { p.write_bytes(i, 32) };
        blocks.push(p);
    }
    let mut sorted = blocks.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), blocks.len(), "distinct blocks");
    // The flags change (VM_SINGLE on): a guarded write of Region.flags.
    // SAFETY: a live region.
    in_kernel(|_| unsafe { (hs.vmalloc_region_set)(region, 1, 1) });
    assert_eq!(slot(region), generic, "the flag change unplugged the specialized allocator");
    for p in blocks {
        // SAFETY: blocks of this region, freed once.
        assert_eq!(in_kernel(|_| unsafe { (hs.vmalloc_free)(region, p) }), 0);
    }
    // SAFETY: a live region.
    assert_eq!(in_kernel(|_| unsafe { (hs.vmalloc_check)(region) }), 0);
    jitty_rt::guard::host::runtime().uninstall(id, None);
    // SAFETY: nothing uses the region any more.
    assert_eq!(in_kernel(|_| unsafe { (hs.vmalloc_region_close)(region) }), 0);
}
