//! Run-time specialization of the live kernel: the driver specializes a
//! spec point for a live process, compiles it, plugs it into the process's
//! dispatch table, and calls through it behave as the generic kernel's.
//! The oracle vouches only for the annotated fields of the objects the
//! point's typed paths reach; the policies decide when to specialize.

mod common;

use common::*;
use jitty_os::spec::Specializer;

/// The policy is process-wide: the tests that depend on it run one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn write_to_a_pipe_specialized_and_plugged() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let d = Specializer::get().expect("driver");
    let s = d.specialize("write", &[sys::current() as u64, w as u64]).expect("specialize write");
    let f = s.residual.module.func(s.residual.func);
    eprintln!("{}", jitty_ir::printer::print_function(&s.residual.module, f));
    for (dec, n) in s.residual.record.iter() {
        eprintln!("{n:4} {dec}");
    }
    eprintln!(
        "residual {} insts, {} guards, {} bytes, evaluate {:?}, compile {:?}",
        f.inst_count(),
        s.residual.guards.len(),
        s.code_bytes,
        s.evaluate,
        s.compile
    );
    let opts = jitty_jit::JitOptions { dump_asm: std::env::var_os("JITTY_DUMP_ASM").is_some(), ..Default::default() };
    let again = d.specialize_with("write", &[sys::current() as u64, w as u64], &opts).expect("specialize write again");
    eprintln!("second: evaluate {:?}, compile {:?}", again.evaluate, again.compile);
    d.plug(s).expect("plug");
    assert_eq!(sys::write(w, b"x"), Ok(1));
    let mut b = [0u8; 4];
    assert_eq!(sys::read(r, &mut b), Ok(1));
    assert_eq!(b[0], b'x');
}

/// The code in the calling process's dispatch slot for `point`.
fn slot_code(d: &Specializer, point: &str) -> usize {
    d.slot_code(point).expect("a slot")
}

#[test]
fn a_flag_flip_on_the_specialized_fd_unplugs_the_write_before_fcntl_returns() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let d = Specializer::get().expect("driver");
    let s = d.specialize("write", &[sys::current() as u64, w as u64]).expect("specialize write");
    let whats: Vec<&str> = s.residual.guards.iter().map(|g| g.what.as_str()).collect();
    assert!(whats.contains(&"File.f_flags"), "the write path folds the file's flags: {whats:?}");
    let code = s.code as usize;
    d.plug(s).expect("plug");
    assert_eq!(slot_code(d, "write"), code, "plugged");
    assert_eq!(sys::write(w, b"ab"), Ok(2));
    // A guarded write of a folded term unplugs before it returns.
    assert_eq!(sys::fcntl(w, F_SETFL, O_NONBLOCK as u64), Ok(0));
    assert_ne!(slot_code(d, "write"), code, "unplugged by the flag flip");
    // The generic path now sees O_NONBLOCK: a full pipe gives EAGAIN.
    let mut n = 0usize;
    loop {
        match sys::write(w, &[0u8; 512]) {
            Ok(k) => n += k,
            Err(e) => {
                assert_eq!(e, Errno(EAGAIN));
                break;
            }
        }
        assert!(n < 1 << 24, "a non-blocking pipe must fill up");
    }
    let mut b = [0u8; 2];
    assert_eq!(sys::read(r, &mut b), Ok(2));
    assert_eq!(&b, b"ab");
}

/// The `File` behind `fd` of the calling process and the address of one of
/// its fields, by walking the write point's path.
fn file_field(fd: i32, field: &str) -> u64 {
    use jitty_os::annot::{Annotations, LiveMemory};
    let a = Annotations::native().expect("annotations");
    let point = a.point("write").expect("write");
    let path = point.paths.iter().find(|p| p.name == "file ops").expect("path");
    // SAFETY: walks live objects of the calling process.
    let mem = unsafe { LiveMemory::new() };
    let w = a.walk(path, &[sys::current() as u64, fd as u64], &mem).expect("walk");
    let file = w.objects.iter().find(|o| a.types[o.ty].name == "File").expect("File").addr as u64;
    let t = a.type_named("File").unwrap();
    file + t.fields.iter().find(|f| f.name == field).expect("field").offset
}

#[test]
fn the_oracle_vouches_only_for_objects_its_paths_reach() {
    use jitty_spec::{Classified, Oracle};
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let d = Specializer::get().expect("driver");
    let point = d.annotations().point("write").expect("write").clone();
    let oracle = d.oracle(&point, &[sys::current() as u64, w as u64]).expect("oracle");
    // The write end's flags: reached, Quasi, guarded by its File's deps word.
    let mine = file_field(w, "f_flags");
    assert!(matches!(oracle.classify(mine, 4), Classified::Quasi { .. }), "{:?}", oracle.classify(mine, 4));
    // The read end's File is not on the point's paths for fd w: its Quasi
    // field is refused.
    let other = file_field(r, "f_flags");
    assert!(matches!(oracle.classify(other, 4), Classified::No { .. }), "{:?}", oracle.classify(other, 4));
    // A Const field of the reached File folds; a straddling read does not.
    let f_op = file_field(w, "f_op");
    assert!(matches!(oracle.classify(f_op, 8), Classified::Const { .. }));
    assert!(matches!(oracle.classify(f_op + 4, 8), Classified::No { .. }));
}

/// Within an object the paths do reach, the oracle vouches only for the
/// annotated fields: the position and the reference count of the File
/// behind the specialized fd (dynamic, so not annotated) are refused with
/// a reason and never read, while that File's `Const` and `Quasi` fields
/// are accepted; and a real specialization of the point guards no byte of
/// an unannotated field.
#[test]
fn the_oracle_refuses_the_unannotated_fields_of_a_reached_object() {
    use jitty_spec::{Classified, Oracle};
    let _s = serial();
    let _t = user();
    let d = Specializer::get().expect("driver");
    let path = tmp("jitty-oracle-fpos");
    let fd = sys::open(&path, O_RDWR | O_CREAT | O_TRUNC, 0o600).unwrap();
    assert_eq!(sys::write(fd, b"0123456789"), Ok(10));
    assert_eq!(sys::lseek(fd, 7, SEEK_SET), Ok(7));
    let ty = d.annotations().type_named("File").expect("File");
    let field = |name: &str| ty.fields.iter().find(|f| f.name == name);
    assert!(field("f_pos").is_none() && field("f_count").is_none(), "f_pos and f_count carry no annotation");
    let offset = |name: &str| field(name).unwrap_or_else(|| panic!("File.{name} is annotated")).offset;
    // Their offsets come from the kernel's layout probe, whose File words
    // agree with the type descriptor.
    let probe = &kernel().image_report().probe;
    assert_eq!((probe[14], probe[15], probe[16]), (ty.size, offset("f_op"), offset("f_flags")), "layout probe");
    let f_op = file_field(fd, "f_op");
    let file = f_op - offset("f_op");
    let (f_pos, f_count) = (file + probe[17], file + probe[18]);
    // SAFETY: the position of a live File of this single-threaded process,
    // with no call in progress.
    assert_eq!(unsafe { std::ptr::read_volatile(f_pos as *const i64) }, 7, "it is the position lseek set");
    let point = d.annotations().point("write").expect("write").clone();
    let args = [sys::current() as u64, fd as u64];
    let oracle = d.oracle(&point, &args).expect("oracle");
    for (what, addr, size) in
        [("f_pos", f_pos, 8), ("f_pos", f_pos, 4), ("f_pos", f_pos + 4, 4), ("f_count", f_count, 8)]
    {
        match oracle.classify(addr, size) {
            Classified::No { why } => assert!(!why.is_empty(), "File.{what}: refused with a reason"),
            other => panic!("File.{what} ({size} bytes at +{}) is not annotated, yet: {other:?}", addr - file),
        }
        assert_eq!(oracle.read(addr, size), None, "File.{what} is never read for folding");
    }
    // The same File's annotated fields are accepted.
    let f_flags = file_field(fd, "f_flags");
    match oracle.classify(f_flags, 4) {
        Classified::Quasi { what, deps_word, cell } => {
            assert_eq!(what, "File.f_flags");
            assert_eq!(deps_word, file + offset("deps"), "guarded by the File's own dependents word");
            assert_eq!(cell, (f_flags, 4));
        }
        other => panic!("File.f_flags: {other:?}"),
    }
    assert!(oracle.read(f_flags, 4).is_some());
    for name in ["f_op", "f_inode"] {
        assert!(
            matches!(oracle.classify(file + offset(name), 8), Classified::Const { ref what } if *what == format!("File.{name}")),
            "File.{name}: {:?}",
            oracle.classify(file + offset(name), 8)
        );
    }
    // A real specialization folds no byte of them.
    let s = d.specialize("write", &args).expect("specialize write");
    assert!(!s.residual.guards.is_empty());
    for g in &s.residual.guards {
        for (what, at) in [("f_pos", f_pos), ("f_count", f_count)] {
            assert!(g.addr + g.size <= at || g.addr >= at + 8, "the guard on {} overlaps File.{what}", g.what);
        }
    }
    // SAFETY: never plugged: no thread is in the code or can reach it.
    unsafe { s.unit.free() };
    sys::close(fd).unwrap();
    sys::unlink(&path).unwrap();
}

#[test]
fn policy_force_specializes_at_the_first_call_and_calls_agree() {
    use jitty_os::spec::policy::{Policy, set_policy};
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let d = Specializer::get().expect("driver");
    let generic = slot_code(d, "write");
    set_policy(Policy::FORCE);
    let first = sys::write(w, b"abc");
    let plugged = slot_code(d, "write");
    let second = sys::write(w, b"de");
    set_policy(Policy::Off);
    assert_eq!((first, second), (Ok(3), Ok(2)));
    assert_ne!(plugged, generic, "the first call specialized and plugged the write slot");
    let mut b = [0u8; 8];
    assert_eq!(sys::read(r, &mut b), Ok(5));
    assert_eq!(&b[..5], b"abcde");
    // Another fd goes through the residual entry's check to the generic path.
    let [r2, w2] = sys::pipe().unwrap();
    assert_eq!(sys::write(w2, b"z"), Ok(1));
    assert_eq!(sys::read(r2, &mut b), Ok(1));
    assert_eq!(b[0], b'z');
}

#[test]
fn policy_background_plugs_after_a_compile_on_the_compiler_thread() {
    use jitty_os::spec::policy::{Policy, set_policy};
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let d = Specializer::get().expect("driver");
    let generic = slot_code(d, "write");
    set_policy(Policy::Background { after: 4 });
    let mut wrote = 0;
    let plugged = wait_until(30, || {
        wrote += sys::write(w, b"x").expect("write");
        let mut b = [0u8; 1];
        assert_eq!(sys::read(r, &mut b), Ok(1));
        assert_eq!(b[0], b'x');
        slot_code(d, "write") != generic
    });
    set_policy(Policy::Off);
    assert!(plugged, "the background compile was plugged by a later call");
    assert!(wrote >= 4, "the first calls stayed generic while it compiled ({wrote} writes)");
    assert!(d.counters().plugged >= 1);
}

/// Replugging: code unplugged by a flag flip comes back, unevaluated, when
/// the flag flips back (its every folded byte holds again), and only then;
/// calls through it still behave as POSIX says.
#[test]
fn unplugged_code_is_replugged_when_its_facts_hold_again() {
    let _s = serial();
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let d = Specializer::get().expect("driver");
    let args = [sys::current() as u64, w as u64];
    // The process's own dispatch table first: making it is a guarded write
    // of `Process::gft`, a fact the paths read.
    d.current_table().expect("a dispatch table");
    let blocking = d.specialize("write", &args).expect("specialize write");
    let blocking_code = blocking.code as usize;
    d.plug(blocking).expect("plug");
    assert_eq!(slot_code(d, "write"), blocking_code);
    // O_NONBLOCK on: unplugged (and drained, so kept for reuse), but its
    // facts no longer hold: not reusable.
    assert_eq!(sys::fcntl(w, F_SETFL, O_NONBLOCK as u64), Ok(0));
    assert_ne!(slot_code(d, "write"), blocking_code);
    assert!(d.reuse("write", &args).is_none(), "code folding a blocking fd is not reused for a non-blocking one");
    let nonblocking = d.specialize("write", &args).expect("specialize write, non-blocking");
    let nonblocking_code = nonblocking.code as usize;
    d.plug(nonblocking).expect("plug");
    // Back to blocking: the first specialization returns, not the second.
    let reused0 = d.counters().reused;
    assert_eq!(sys::fcntl(w, F_SETFL, 0), Ok(0));
    let again = d.reuse("write", &args).expect("the blocking specialization holds again");
    assert_eq!(again.code as usize, blocking_code, "the same code, not a new evaluation");
    d.plug(again).expect("replug");
    assert_eq!(slot_code(d, "write"), blocking_code);
    assert_eq!(d.counters().reused, reused0 + 1);
    assert!(d.reuse("write", &args).is_none(), "the non-blocking code does not hold for a blocking fd");
    assert_ne!(slot_code(d, "write"), nonblocking_code);
    assert_eq!(sys::write(w, b"yz"), Ok(2));
    let mut b = [0u8; 4];
    assert_eq!(sys::read(r, &mut b), Ok(2));
    assert_eq!(&b[..2], b"yz");
    invariants();
}

/// No reuse across a different object: a pipe's write end is specialized,
/// closed (unplugged, kept) and its number reused by a RAM-fs file, maybe
/// at the same address; the kept code folded the pipe's operations and
/// must not come back for the file. Writes then land in the file.
#[test]
fn kept_code_is_not_reused_for_another_file_under_the_same_number() {
    let _s = serial();
    let _t = user();
    let d = Specializer::get().expect("driver");
    d.current_table().expect("a dispatch table");
    let [r, w] = sys::pipe().unwrap();
    let args = [sys::current() as u64, w as u64];
    let s = d.specialize("write", &args).expect("specialize write");
    let pipe_code = s.code as usize;
    d.plug(s).expect("plug");
    sys::close(w).unwrap();
    assert_ne!(slot_code(d, "write"), pipe_code, "close unplugged the write");
    let path = tmp("jitty-reuse-file");
    let f = sys::open(&path, O_RDWR | O_CREAT | O_TRUNC, 0o600).unwrap();
    assert_eq!(f, w, "the lowest free number is reused");
    assert!(d.reuse("write", &args).is_none(), "code folding a pipe is not reused for a file");
    assert_eq!(sys::write(f, b"file"), Ok(4));
    assert_eq!(sys::fstat(f).unwrap().st_size, 4);
    sys::close(r).unwrap();
    sys::close(f).unwrap();
    invariants();
}
