//! Boot and the start-up image check: IR symbols resolve, layout probe, GFT.

mod common;
use common::*;

#[test]
fn image_check_passes() {
    let k = kernel();
    let r = k.image_report();
    assert!(r.ok(), "{r}");
    assert!(r.ir_functions > 100, "{r}");
    assert!(r.roots_checked > 40, "{r}");
    assert!(k.specialization_enabled());
    assert!(r.ir_reader.starts_with("jitty-llvm"), "{r}");
    assert!(r.ir_probe_compared, "the layout probe must also run from the IR on the interpreter: {r}");
    assert_eq!(r.probe.len(), 32, "{r}");
    assert!(r.descs_compared >= 10, "the IR's descriptor table must be compared with the native one: {r}");
    let m = k.ir_module().expect("the kernel IR parses");
    assert!(m.funcs.iter().any(|f| f.name == "jk_sys_write" && !f.is_declaration()));
    eprintln!("{r}");
}

#[test]
fn scanner_finds_definitions() {
    let (f, s) = jitty_os::image::scan_ir_definitions(
        "define internal void @foo(i32 %x) {\n@BAR = global i32 1\n@baz = external global i32\n@\"q.x\" = internal constant [1 x i8] c\"a\"\n@.p = private constant i8 0\ndefine i64 @\"quoted name\"() #0 {\n",
    );
    assert_eq!(f, vec!["foo".to_string(), "quoted name".to_string()]);
    assert_eq!(s, vec!["BAR".to_string(), "q.x".to_string()]);
}

#[test]
fn ir_defines_syscall_entries_and_spec_points() {
    let ir = kernel().ir();
    for name in ["jk_sys_write", "jk_sys_read", "jk_sys_kill", "jk_layout_probe", "jk_check_invariants"] {
        assert!(ir.contains(&format!("@{name}(")), "{name}");
    }
    assert!(ir.contains("@JK_SPEC_POINTS = "));
    assert!(ir.contains("@JK_TYPE_DESCS = "));
    assert!(ir.contains("@GENERIC_GFT = "));
}

/// The immutable-data rule (ARCHITECTURE.md): ops tables, the generic GFT,
/// RPC schemas and the annotation tables are LLVM `constant` globals, so a
/// load from them is foldable without any annotation.
#[test]
fn immutable_tables_are_constant_globals() {
    let m = kernel().ir_module().expect("the kernel IR parses");
    for part in [
        "GENERIC_GFT",
        "PIPE_FOPS",
        "RAMFS_FILE_FOPS",
        "VMPOOL",
        "BENCH_ARGS",
        "BENCH_PROC",
        "JK_TYPE_DESCS",
        "JK_SPEC_POINTS",
    ] {
        let g =
            m.globals.iter().find(|g| g.name.contains(part) && g.init.is_some()).unwrap_or_else(|| panic!("{part}"));
        assert!(g.is_constant, "{} is not an LLVM constant", g.name);
    }
    let t = m.globals.iter().find(|g| g.name.contains("PID_TABLE")).expect("PID_TABLE");
    assert!(!t.is_constant, "the pid table is mutable (its bindings are Quasi)");
}

#[test]
fn layout_probe_is_sane() {
    let p = &kernel().image_report().probe;
    assert_eq!(p.len(), LAYOUT_PROBE_WORDS);
    assert_eq!(p[0], 0x4a49_5454_5921);
    assert!(p[2] > 0 && p[4] < p[2], "gft offset inside Process");
}

#[test]
fn init_exists_and_spawned_process_is_child_of_init() {
    let _t = user();
    assert_eq!(sys::getppid(), Ok(1));
    assert!(sys::getpid().unwrap() > 1);
}

#[test]
fn no_current_thread_is_efault() {
    kernel();
    std::thread::spawn(|| {
        assert_eq!(sys::getpid(), err(EFAULT));
        assert_eq!(sys::write(1, b"x"), err(EFAULT));
    })
    .join()
    .unwrap();
}

/// The check compares the IR's annotation tables with the native ones: an
/// IR whose descriptor says something else (here a renamed type) fails it.
#[test]
fn image_check_fails_when_the_ir_descriptors_disagree() {
    kernel();
    let ir = jitty_os::image::KERNEL_IR.replacen("c\"FdSlot\\00\"", "c\"FdSlat\\00\"", 1);
    assert_ne!(ir, jitty_os::image::KERNEL_IR, "the descriptor's name is in the IR");
    let r = jitty_os::check_image(&ir);
    assert!(!r.ok(), "{r}");
    assert!(r.problems.iter().any(|p| p.starts_with("annotations (native vs IR): type FdSlot")), "{r}");
}
