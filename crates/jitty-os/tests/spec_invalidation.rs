//! Invalidation of real residual code, one test per kind of quasi-invariant
//! (issue: "the specialized code ran before the change and provably never
//! runs after it"). Each test plugs residual code produced by the driver,
//! shows it is in the slot and that calls agree with POSIX (where a test
//! can, that a call ran it: the code the thread's guard record says it
//! entered), makes the change through an ordinary syscall, and shows the
//! slot no longer holds the code when that syscall returns, and that calls
//! still agree. Besides the `Quasi` facts (bindings, flags, credentials,
//! thread counts, a pid reused by a new process), a region's `Const`
//! method changes only with the region itself: its code is released from
//! the region's slot before the region is closed.

mod common;

use common::*;
use jitty_os::spec::Specializer;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// The code the calling host thread's last call through a dispatch slot
/// (a syscall stub, or `dispatch_object_slot` for an object's slot) loaded
/// and ran: what its guard record says it entered.
fn last_entered() -> usize {
    jitty_rt::guard::host::with_thread_record(|r| r.code())
}

/// The signal set holding `sig` alone.
fn bit(sig: i32) -> SigSet {
    1 << (sig - 1)
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
    // Entering the target (a guarded write of its thread count) already
    // unplugs the kill, so this test does not tell the exit's own unplug
    // (the pid's binding rewritten) apart: the pid-reuse test below keeps
    // the target's thread entered throughout and shows the exit alone does.
    assert!(wait_until(10, || !plugged("kill", code)), "the kill is unplugged once the target has exited");
    assert!(wait_until(10, || sys::kill(target, 0) == err(ESRCH)), "the pid is gone");
    invariants();
}

/// The target of a specialized `kill` exits and a new process gets its
/// pid: the code folded the old process (its binding in the pid table and
/// its credentials) and is out of the slot once the exit returns; the new
/// process is signalled by the generic kill, with its own permission check
/// and its own pending set.
#[test]
fn the_pid_of_a_specialized_kills_target_is_reused_by_a_new_process() {
    use std::sync::mpsc::channel;
    let _s = serial();
    let _t = user();
    let k = kernel();
    let d = driver();
    let generic = d.slot_code("kill").expect("the sender's kill slot");
    let slot = d.slot_addr(d.annotations().point("kill").expect("kill"), &[]).expect("the sender's kill slot");
    // SAFETY: a slot word of the sender's dispatch table, which lives for
    // the rest of the run.
    let sender_slot = move || unsafe { (*(slot as *const AtomicUsize)).load(Ordering::Acquire) };
    let target = k.spawn_process(1000, 1000).unwrap();
    // The target's one thread stays entered on a host thread of its own from
    // before the plug until its exit: no enter or leave (a guarded write of
    // its thread count, which unplugs whatever folded a Quasi of the process)
    // happens in between.
    let (go_tx, go_rx) = channel::<()>();
    let (pending_tx, pending_rx) = channel::<SigSet>();
    let (slot_tx, slot_rx) = channel::<usize>();
    let target_thread = std::thread::spawn(move || {
        let _c = Task::enter(target).unwrap();
        sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR1))).unwrap();
        pending_tx.send(0).unwrap();
        go_rx.recv().unwrap();
        pending_tx.send(sys::sigpending().unwrap()).unwrap();
        go_rx.recv().unwrap();
        sys::exit(0).unwrap();
        // The exit has returned and the thread has not left yet.
        slot_tx.send(sender_slot()).unwrap();
    });
    assert_eq!(pending_rx.recv().unwrap(), 0);
    let s = d.specialize("kill", &[sys::current() as u64, target as u64, SIGUSR1 as u64]).expect("specialize kill");
    let whats: Vec<&str> = s.residual.guards.iter().map(|g| g.what.as_str()).collect();
    assert!(
        whats.contains(&"PidLeaf.slots") && whats.contains(&"Process.uid"),
        "the kill folds the pid's binding and the target's credentials: {whats:?}"
    );
    let code = s.code as usize;
    d.plug(s).expect("plug");
    assert!(plugged("kill", code));
    // Before: the call runs the residual code and the signal reaches the
    // target (blocked there, so it stays pending).
    assert_eq!(sys::kill(target, SIGUSR1), Ok(0));
    assert_eq!(last_entered(), code, "the kill ran the specialized code");
    go_tx.send(()).unwrap();
    assert_eq!(pending_rx.recv().unwrap(), bit(SIGUSR1), "the specialized kill signalled the target");
    assert!(plugged("kill", code), "still plugged until the target exits");
    // The exit: with init as its parent it is reaped at once, and the pid's
    // binding is rewritten through the guard.
    go_tx.send(()).unwrap();
    assert_eq!(slot_rx.recv().unwrap(), generic, "the target's exit unplugged the kill before it returned");
    target_thread.join().unwrap();
    assert_eq!(d.slot_code("kill"), Some(generic));
    assert_eq!(sys::kill(target, SIGUSR1), err(ESRCH), "the pid is free");
    assert_eq!(last_entered(), generic);
    // Cycle the allocator (spawn a root process, let it exit) until the pid
    // comes back; the one that gets it stays.
    let mut cycled = 0;
    loop {
        let pid = k.spawn_process(0, 0).unwrap();
        if pid == target {
            break;
        }
        {
            let _c = Task::enter(pid).unwrap();
            sys::exit(0).unwrap();
        }
        cycled += 1;
        assert!(cycled < PID_MAX, "pid {target} never came back");
    }
    assert_eq!(d.slot_code("kill"), Some(generic), "nothing is plugged for the new process");
    // The kept code folded the old process; the bytes it was evaluated from
    // no longer hold for the new one, so it is not plugged again.
    assert!(
        d.reuse("kill", &[sys::current() as u64, target as u64, SIGUSR1 as u64]).is_none(),
        "code folding the old process is not reused for the new one under its pid"
    );
    // After: the generic permission check against the new process (root): a
    // uid-1000 sender may not signal it, though it could signal the old one.
    assert_eq!(sys::kill(target, SIGUSR1), err(EPERM), "the permission check is against the new, root process");
    assert_eq!(last_entered(), generic, "the generic kill ran");
    {
        let _c = Task::enter(target).unwrap();
        assert_eq!(sys::sigpending(), Ok(0), "the new process has nothing pending");
        sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR1))).unwrap();
        assert_eq!(sys::setresuid(1000, 1000, 1000), Ok(0));
    }
    // Now permitted: the signal is pending on the new process.
    assert_eq!(sys::kill(target, SIGUSR1), Ok(0));
    assert_eq!(last_entered(), generic);
    {
        let _c = Task::enter(target).unwrap();
        assert_eq!(sys::sigpending(), Ok(bit(SIGUSR1)), "delivered to the new process");
        sys::exit(0).unwrap();
    }
    assert_eq!(sys::kill(target, 0), err(ESRCH));
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

/// `O_APPEND` set on a RAM-fs file whose `write` is specialized, by another
/// thread of the process: before, writes go at the file position; the flip
/// (a guarded write of `File.f_flags`) unplugs the code before `fcntl`
/// returns, and the next write appends at the end of the file, as POSIX
/// requires.
#[test]
fn o_append_set_by_another_thread_on_a_specialized_file_write() {
    let _s = serial();
    let _t = user();
    let d = driver();
    let path = tmp("jitty-append");
    let fd = sys::open(&path, O_RDWR | O_CREAT | O_TRUNC, 0o600).unwrap();
    // Two threads from the start: a second thread's arrival (the table's
    // users 1 -> 2) would unplug the write by itself.
    let other = sys::clone_thread().unwrap();
    let generic = d.slot_code("write").expect("a write slot");
    let s = d.specialize("write", &[sys::current() as u64, fd as u64]).expect("specialize write");
    let whats: Vec<&str> = s.residual.guards.iter().map(|g| g.what.as_str()).collect();
    assert!(whats.contains(&"File.f_flags"), "the write folds the file's flags: {whats:?}");
    let code = s.code as usize;
    d.plug(s).expect("plug");
    assert!(plugged("write", code));
    // Before: writes at the file position, through the specialized code.
    assert_eq!(sys::write(fd, b"hello"), Ok(5));
    assert_eq!(last_entered(), code, "the write ran the specialized code");
    assert_eq!(sys::lseek(fd, 0, SEEK_SET), Ok(0));
    assert_eq!(sys::write(fd, b"HE"), Ok(2));
    assert_eq!(last_entered(), code);
    assert_eq!(sys::lseek(fd, 0, SEEK_CUR), Ok(2), "no O_APPEND: the write went at the position");
    assert_eq!(sys::fstat(fd).unwrap().st_size, 5);
    assert!(plugged("write", code));
    // The flip, by the other thread; it looks at the slot when fcntl returns.
    let flipper = std::thread::spawn(move || {
        let _t = Task::adopt(other);
        let r = sys::fcntl(fd, F_SETFL, O_APPEND as u64);
        (r, driver().slot_code("write"))
    });
    let (r, slot_then) = flipper.join().unwrap();
    assert_eq!(r, Ok(0));
    assert_eq!(slot_then, Some(generic), "the flip unplugged the write before fcntl returned");
    assert_eq!(sys::fcntl(fd, F_GETFL, 0).map(|f| f as u32 & O_APPEND), Ok(O_APPEND));
    // After: a write at position 0 appends at the end of the file.
    assert_eq!(sys::lseek(fd, 0, SEEK_SET), Ok(0));
    assert_eq!(sys::write(fd, b"XY"), Ok(2));
    assert_eq!(last_entered(), generic, "the write ran the generic code");
    assert_eq!(sys::lseek(fd, 0, SEEK_CUR), Ok(7), "O_APPEND: the write went at the end, the position follows it");
    assert_eq!(sys::fstat(fd).unwrap().st_size, 7);
    let mut b = [0u8; 16];
    assert_eq!(sys::pread(fd, &mut b, 0), Ok(7));
    assert_eq!(&b[..7], b"HElloXY");
    sys::close(fd).unwrap();
    sys::unlink(&path).unwrap();
    invariants();
}

/// A region's method is `Const` (fixed at open), so the specialized
/// allocator folds it with no guard; it changes only by closing the region
/// and opening another. Closing (`vmalloc::Region`'s drop) goes through
/// `Specializer::release_object`, which unplugs the region's slot before
/// the kernel frees the header; the region reopened with the pool method
/// (maybe at the same address) allocates as a pool, through generic code.
#[test]
fn a_region_reopened_with_another_method_drops_its_specialized_allocator() {
    use jitty_os::image::{in_kernel, object_slot_offset, services};
    use jitty_os::vmalloc::{Method, Region, alloc_through_slot};
    use jitty_rt::guard::host::runtime;
    use jitty_spec::{Decision, LoadKind};
    let _s = serial();
    let d = driver();
    let hs = services();
    let generic = hs.vmalloc_alloc as usize;
    let slot_off = object_slot_offset("malloc").expect("malloc has an object slot");
    let deps_off = d
        .annotations()
        .type_named("Region")
        .and_then(|t| t.fields.iter().find(|f| f.name == "deps"))
        .expect("Region.deps")
        .offset as usize;
    // SAFETY: callers pass a word of a region that is still open.
    let word = |addr: usize| unsafe { (*(addr as *const AtomicUsize)).load(Ordering::Relaxed) };
    // An allocation through the region's slot, as `Region::alloc` makes it
    // (the code it ran is then `last_entered()`).
    // SAFETY: an open region.
    let alloc = |r: &Region, size: usize| unsafe { alloc_through_slot(r.as_ptr(), size) } as usize;
    // SAFETY: an open region and a block it returned, freed once.
    let free = |r: &Region, p: usize| in_kernel(|s| unsafe { (s.vmalloc_free)(r.as_ptr(), p as *mut u8) });
    let live0 = runtime().live();

    // Before: a best-fit region with its allocator specialized for 32 bytes.
    let best = Region::open(Method::Best, 0).expect("open");
    let addr = best.as_ptr() as usize;
    assert_eq!(word(addr + slot_off), generic, "a new region's slot holds the generic allocator");
    let s = d.specialize("malloc", &[addr as u64, 32]).expect("specialize malloc");
    assert!(
        s.residual
            .record
            .iter()
            .any(|(dec, _)| matches!(dec, Decision::Read { kind: LoadKind::Const, what, .. } if what == "Region.meth")),
        "the allocator folds the region's method, a Const no guard watches"
    );
    let code = s.code as usize;
    let id = d.plug(s).expect("plug");
    assert_eq!(word(addr + slot_off), code, "plugged into the region's allocation slot");
    let a = alloc(&best, 32);
    assert_eq!(last_entered(), code, "the allocation ran the specialized code");
    let b = alloc(&best, 32);
    let c = alloc(&best, 64);
    assert_eq!(last_entered(), code);
    assert!(a != 0 && b != 0 && c != 0 && a != b && b != c && a != c, "best fit: distinct blocks of any size");
    // Best fit frees any block, not only the last one.
    assert_eq!(free(&best, a), 0);
    assert_eq!(free(&best, c), 0);
    assert_eq!(free(&best, b), 0);
    assert_eq!(best.check(), 0);

    // The method changes: the region is closed...
    drop(best);
    assert_eq!(runtime().live(), live0, "closing the region unplugged its allocator");
    assert!(!runtime().uninstall(id, None), "and removed it from the guard runtime");
    // ... and reopened with the pool method.
    let pool = Region::open(Method::Pool, 0).expect("open");
    let paddr = pool.as_ptr() as usize;
    eprintln!("best-fit region at {addr:#x}, pool region at {paddr:#x}");
    assert_eq!(word(paddr + slot_off), generic, "nothing plugged for the new region");
    assert!(
        d.reuse("malloc", &[paddr as u64, 32]).is_none(),
        "the kept best-fit code is not plugged again for the pool region, whatever its address"
    );
    // After: pool semantics, through the generic allocator.
    let p = alloc(&pool, 32);
    assert_eq!(last_entered(), generic, "the allocation ran the generic code");
    assert_ne!(p, 0);
    assert_eq!(alloc(&pool, 64), 0, "the first allocation fixed the pool's block size (best fit would give 64)");
    let q = alloc(&pool, 32);
    assert!(q != 0 && q != p);
    assert_eq!(free(&pool, p), 0);
    assert_eq!(alloc(&pool, 32), p, "the pool hands back the block just freed (its free list)");
    assert_eq!(last_entered(), generic);
    assert_eq!(pool.check(), 0);

    // The order in the close: specialized again (it folds the pool's block
    // size, a Quasi of the region), then the step a close takes before the
    // kernel frees the header, observed while the region is still open: the
    // slot is generic again and the runtime no longer watches the region.
    let s = d.specialize("malloc", &[paddr as u64, 32]).expect("specialize malloc for the pool");
    assert!(s.residual.guards.iter().any(|g| g.what.contains("psize")), "the pool's block size is folded");
    let code2 = s.code as usize;
    let id2 = d.plug(s).expect("plug");
    assert_eq!(
        word(paddr + deps_off),
        paddr + deps_off,
        "the region's dependents word is set while code depends on it"
    );
    let r = alloc(&pool, 32);
    assert_eq!(last_entered(), code2, "the pool allocation ran the specialized code");
    assert!(r != 0 && r != p && r != q);
    d.release_object(paddr);
    assert_eq!(word(paddr + slot_off), generic, "released before the close: the open region's slot is generic");
    assert_eq!(word(paddr + deps_off), 0, "and its dependents word is clear");
    assert!(!runtime().uninstall(id2, None), "the release removed the specialization");
    let t = alloc(&pool, 32);
    assert_eq!(last_entered(), generic);
    assert!(t != 0 && ![p, q, r].contains(&t));
    for x in [p, q, r, t] {
        assert_eq!(free(&pool, x), 0);
    }
    assert_eq!(pool.check(), 0);
    drop(pool);
    assert_eq!(runtime().live(), live0);
}
