//! The guard protocol on the live kernel (ARCHITECTURE.md, "The guard
//! protocol"): specializations registered with jitty-rt's process-wide
//! runtime on real kernel objects, found by walking the annotated paths, and
//! real syscalls that change what they folded.
//!
//! - A guarded write from a syscall (`fcntl(F_SETFL)`) unplugs the
//!   specializations that folded a term of the object before it stores, and
//!   only those.
//! - A writer never waits for a thread asleep in the kernel, even one asleep
//!   inside the code it unplugs; that sleeper restarts through the slot when
//!   it wakes, and its call then behaves as the generic kernel's.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use common::*;
use jitty_os::annot::{Annotations, LiveMemory, WalkEnd};
use jitty_os::image::{GENERIC_GFT, HostGft};
use jitty_rt::guard::host::runtime;
use jitty_rt::guard::{InstallError, Plug, Specialization, Term};

/// The runtime is process-wide: these tests change it one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Where a quasi-invariant field of the `File` behind `fd` lives, found by
/// walking the `write` spec point's path over live memory.
struct FileTerm {
    deps_word: usize,
    f_flags: usize,
}

fn file_term(fd: i32) -> FileTerm {
    kernel();
    let a = Annotations::native().expect("annotation tables");
    let point = a.point("write").expect("write spec point");
    let path = point.paths.iter().find(|p| p.name == "file ops").expect("file ops path");
    // SAFETY: the walk follows live objects of the calling process.
    let mem = unsafe { LiveMemory::new() };
    let w = a.walk(path, &[sys::current() as u64, fd as u64], &mem).expect("walk");
    assert_eq!(w.end, WalkEnd::Object);
    let file = w.objects.iter().find(|o| a.types[o.ty].name == "File").expect("a File on the path").addr;
    let t = a.type_named("File").unwrap();
    let off = |name: &str| t.fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("File.{name}")).offset;
    FileTerm { deps_word: file + off("deps") as usize, f_flags: file + off("f_flags") as usize }
}

fn flags_term(ft: &FileTerm) -> Term {
    // SAFETY: a live File's f_flags word (a Quasi<u32> cell).
    let value = unsafe { (*(ft.f_flags as *const AtomicU32)).load(Ordering::Relaxed) } as u64;
    Term { deps_word: ft.deps_word, field: ft.f_flags, size: 4, value }
}

fn deps_word(ft: &FileTerm) -> usize {
    // SAFETY: a live File's dependents word.
    unsafe { (*(ft.deps_word as *const AtomicUsize)).load(Ordering::Relaxed) }
}

#[test]
fn a_guarded_write_unplugs_exactly_the_dependents_of_its_object_before_it_stores() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let (rt, wt) = (file_term(r), file_term(w));
    // Two specializations, each folding one pipe end's flags, each in a slot
    // of its own (slots owned by the test stand in for dispatch slots).
    const GENERIC: usize = 0x1000;
    let slots: &'static [AtomicUsize; 2] = Box::leak(Box::new([AtomicUsize::new(GENERIC), AtomicUsize::new(GENERIC)]));
    let plug = |i: usize| Plug { slot: &slots[i] as *const AtomicUsize as usize, generic: GENERIC, code: 0x2000 + i };
    let before = runtime().stats();
    for (i, ft) in [&rt, &wt].into_iter().enumerate() {
        runtime().install(Specialization { terms: vec![flags_term(ft)], plug: plug(i) }, None).expect("install");
        assert_eq!(slots[i].load(Ordering::Relaxed), 0x2000 + i, "plugged");
        assert_ne!(deps_word(ft), 0, "the object now has dependents");
    }
    // A guarded write of the read end unplugs its specialization only.
    assert_eq!(sys::fcntl(r, F_SETFL, O_NONBLOCK as u64), Ok(0));
    assert_eq!(slots[0].load(Ordering::Relaxed), GENERIC, "unplugged before fcntl returned");
    assert_eq!(deps_word(&rt), 0, "no dependents left on the read end");
    assert_eq!(slots[1].load(Ordering::Relaxed), 0x2001, "the write end's specialization stays");
    assert_eq!(sys::fcntl(r, F_GETFL, 0).map(|f| f as u32 & O_NONBLOCK), Ok(O_NONBLOCK));
    // Reading a flag is no write: nothing is unplugged.
    assert_eq!(sys::fcntl(w, F_GETFL, 0).map(|f| f as u32 & O_NONBLOCK), Ok(0));
    assert_eq!(slots[1].load(Ordering::Relaxed), 0x2001);
    // A specialization folded from a value that has changed is refused.
    let stale = Term { value: 0, ..flags_term(&rt) };
    assert_eq!(runtime().install(Specialization { terms: vec![stale], plug: plug(0) }, None), Err(InstallError::Stale));
    assert_eq!(slots[0].load(Ordering::Relaxed), GENERIC);
    // Closing the write end releases its File after a guarded write of the
    // fd binding; its flags' specialization goes with the next write of them.
    assert_eq!(sys::fcntl(w, F_SETFL, O_NONBLOCK as u64), Ok(0));
    assert_eq!(slots[1].load(Ordering::Relaxed), GENERIC);
    let after = runtime().stats();
    assert_eq!(after.installed - before.installed, 2);
    assert_eq!(after.invalidated - before.invalidated, 2);
    assert_eq!(after.refused - before.refused, 1);
    sys::close(r).unwrap();
    sys::close(w).unwrap();
    invariants();
}

/// Entries that call the generic `read`, each with an address of its own and
/// a count: the slot's generic code, and a specialization's residual code
/// (which folded nothing, so any staleness would show only in the counts).
static GENERIC_READ_CALLS: AtomicU32 = AtomicU32::new(0);
static SPEC_READ_CALLS: AtomicU32 = AtomicU32::new(0);

unsafe extern "C" fn generic_read(t: *mut std::ffi::c_void, fd: i32, buf: *mut u8, len: usize) -> isize {
    GENERIC_READ_CALLS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the kernel's generic entry with the caller's own arguments.
    unsafe { (GENERIC_GFT.read)(t, fd, buf, len) }
}

unsafe extern "C" fn specialized_read(t: *mut std::ffi::c_void, fd: i32, buf: *mut u8, len: usize) -> isize {
    SPEC_READ_CALLS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: as above.
    unsafe { (GENERIC_GFT.read)(t, fd, buf, len) }
}

#[test]
fn a_writer_never_waits_for_a_sleeper_which_restarts_through_the_slot_when_it_wakes() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let k = kernel();
    let _t = user();
    // The process gets a dispatch table of its own, a copy of the generic one.
    // SAFETY: the kernel exports GENERIC_GFT; it is plain data.
    let mut gft = unsafe { GENERIC_GFT };
    gft.read = generic_read;
    let table: &'static HostGft = Box::leak(Box::new(gft));
    k.set_dispatch_table(sys::getpid().unwrap() as i32, table).unwrap();
    let [r, w] = sys::pipe().unwrap();
    let ft = file_term(r);
    let slot = &table.read as *const _ as usize;
    let generic = generic_read as *const () as usize;
    let before = runtime().stats();
    SPEC_READ_CALLS.store(0, Ordering::SeqCst);
    GENERIC_READ_CALLS.store(0, Ordering::SeqCst);
    runtime()
        .install(
            Specialization {
                terms: vec![flags_term(&ft)],
                plug: Plug { slot, generic, code: specialized_read as *const () as usize },
            },
            None,
        )
        .expect("install");
    // A second thread of the process blocks in read() on the empty pipe,
    // inside the specialized entry.
    let reader = sys::clone_thread().unwrap();
    let h = std::thread::spawn(move || {
        let _t = jitty_os::Task::adopt(reader);
        let mut buf = [0u8; 8];
        let n = sys::read(r, &mut buf);
        (n, buf[0])
    });
    assert!(wait_until(10, || SPEC_READ_CALLS.load(Ordering::SeqCst) == 1));
    std::thread::sleep(std::time::Duration::from_millis(50)); // let it reach the sleep
    assert!(!h.is_finished(), "the reader blocks: the pipe is empty");
    // The flip returns at once although a thread sleeps in the code it
    // unplugs (a drain that waited for sleepers would never return).
    let flipper = sys::clone_thread().unwrap();
    let flip = with_timeout(10, move || {
        let _t = jitty_os::Task::adopt(flipper);
        sys::fcntl(r, F_SETFL, O_NONBLOCK as u64)
    });
    assert_eq!(flip, Ok(0));
    // SAFETY: the slot is a live word of the leaked table.
    assert_eq!(unsafe { (*(slot as *const AtomicUsize)).load(Ordering::Relaxed) }, generic, "unplugged");
    assert!(!h.is_finished(), "a blocked reader stays blocked, as in the generic kernel");
    // Data arrives: the reader wakes in unplugged code, abandons the call and
    // re-issues it through the slot: generic code, which reads the byte.
    assert_eq!(sys::write(w, b"x"), Ok(1));
    let (n, byte) = with_timeout(10, move || h.join().unwrap());
    assert_eq!((n, byte), (Ok(1), b'x'));
    assert_eq!(SPEC_READ_CALLS.load(Ordering::SeqCst), 1, "the specialized entry ran once");
    assert_eq!(GENERIC_READ_CALLS.load(Ordering::SeqCst), 1, "the call was re-issued through the slot");
    let after = runtime().stats();
    assert_eq!(after.restarts - before.restarts, 1);
    assert_eq!(after.invalidated - before.invalidated, 1);
    // The unplugged code is freed once no thread is inside it.
    runtime().reclaim(None);
    assert_eq!(runtime().zombies(), 0);
    assert!(runtime().stats().freed > before.freed);
    sys::close(r).unwrap();
    sys::close(w).unwrap();
    invariants();
}
