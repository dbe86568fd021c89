//! Run-time specialization of the live kernel: the driver specializes a
//! spec point for a live process, compiles it, plugs it into the process's
//! dispatch table, and calls through it behave as the generic kernel's.

mod common;

use common::*;
use jitty_os::spec::Specializer;

fn pid() -> i32 {
    sys::getpid().expect("getpid") as i32
}

#[test]
fn write_to_a_pipe_specialized_and_plugged() {
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
    d.plug(pid(), s).expect("plug");
    assert_eq!(sys::write(w, b"x"), Ok(1));
    let mut b = [0u8; 4];
    assert_eq!(sys::read(r, &mut b), Ok(1));
    assert_eq!(b[0], b'x');
}

/// The code in `pid`'s dispatch slot for `point`.
fn slot_code(d: &Specializer, pid: i32, point: &str) -> usize {
    let off = d.annotations().point(point).and_then(|p| p.gft_slot).expect("a slot") as usize;
    let table = d.table(pid).expect("table") as *const _ as usize;
    // SAFETY: a slot word of the process's live dispatch table.
    unsafe { (*((table + off) as *const std::sync::atomic::AtomicUsize)).load(std::sync::atomic::Ordering::Relaxed) }
}

#[test]
fn a_flag_flip_on_the_specialized_fd_unplugs_the_write_before_fcntl_returns() {
    let _t = user();
    let me = pid();
    let [r, w] = sys::pipe().unwrap();
    let d = Specializer::get().expect("driver");
    let s = d.specialize("write", &[sys::current() as u64, w as u64]).expect("specialize write");
    let whats: Vec<&str> = s.residual.guards.iter().map(|g| g.what.as_str()).collect();
    assert!(whats.contains(&"File.f_flags"), "the write path folds the file's flags: {whats:?}");
    let code = s.code as usize;
    d.plug(me, s).expect("plug");
    assert_eq!(slot_code(d, me, "write"), code, "plugged");
    assert_eq!(sys::write(w, b"ab"), Ok(2));
    // A guarded write of a folded term unplugs before it returns.
    assert_eq!(sys::fcntl(w, F_SETFL, O_NONBLOCK as u64), Ok(0));
    assert_ne!(slot_code(d, me, "write"), code, "unplugged by the flag flip");
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
