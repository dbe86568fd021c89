//! End-to-end differential tests: C (clang-22 -O0/-O2) and Rust (rustc) programs
//! and csmith programs run in the interpreter must print exactly what their
//! native builds print and exit with the same code.
//!
//! The interpreter writes to the real fd 1, so every run happens in a child
//! process: this test binary re-executes itself with `JITTY_E2E_CHILD=<file.ll>`
//! and the `child_entry` test runs that file's `main` and exits.
//! Tests skip (pass with a note) when a tool is missing.

use jitty_interp::Interpreter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const CHILD_VAR: &str = "JITTY_E2E_CHILD";

/// Not a test of its own: the entry point of the child process.
#[test]
fn child_entry() {
    let Ok(path) = std::env::var(CHILD_VAR) else { return };
    let args: Vec<String> =
        std::env::var("JITTY_E2E_ARGS").map(|s| s.split_whitespace().map(String::from).collect()).unwrap_or_default();
    let src = std::fs::read_to_string(&path).expect("read .ll");
    let m = match jitty_llvm::parse_module(&src, &path) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("parse error: {e}");
            std::process::exit(201);
        }
    };
    let it = Interpreter::load_host(Arc::new(m)).expect("load");
    let code = match it.run_main("main", &path, &args) {
        Ok(c) => c,
        Err(e) => {
            // SAFETY: flush C stdio before reporting.
            unsafe { libc::fflush(std::ptr::null_mut()) };
            eprintln!("interpreter error: {e}");
            202
        }
    };
    // SAFETY: flush C stdio; Rust's exit does not.
    unsafe { libc::fflush(std::ptr::null_mut()) };
    std::process::exit(code);
}

fn tool(name: &str) -> bool {
    // Run in the temp dir: csmith writes platform.info into its working directory.
    Command::new(name)
        .arg("--version")
        .current_dir(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("jitty-interp-e2e-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs `ll` in a child interpreter process: (stdout, exit code, stderr).
fn interpret(ll: &Path, args: &str) -> (Vec<u8>, i32, String) {
    let out = Command::new("timeout")
        .arg("300")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "child_entry", "--nocapture", "--test-threads=1", "-q"])
        .env(CHILD_VAR, ll)
        .env("JITTY_E2E_ARGS", args)
        .output()
        .unwrap();
    // libtest prints a header before the test runs; the program's output follows.
    let mut stdout = out.stdout;
    let marker = b"running 1 test\n";
    if let Some(p) = stdout.windows(marker.len()).position(|w| w == marker) {
        stdout.drain(..p + marker.len());
    }
    (stdout, out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs the native build under `timeout` (csmith programs may not terminate).
fn native(exe: &Path, args: &str, secs: u32) -> (Vec<u8>, i32) {
    let out = Command::new("timeout").arg(secs.to_string()).arg(exe).args(args.split_whitespace()).output().unwrap();
    (out.stdout, out.status.code().unwrap_or(-1))
}

/// Exit code of `timeout` when the command timed out.
const TIMED_OUT: i32 = 124;

fn check(ll: &Path, exe: &Path, args: &str) -> Result<(), String> {
    let (want, want_code) = native(exe, args, 60);
    let (got, code, err) = interpret(ll, args);
    if got != want || code != want_code {
        return Err(format!(
            "{}: native exit {want_code}, interpreter exit {code}\n--- native\n{}\n--- interpreter\n{}\n--- stderr\n{err}",
            ll.display(),
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(&got)
        ));
    }
    Ok(())
}

fn run(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

fn c_program(file: &str, args: &str) {
    if !tool("clang-22") {
        eprintln!("clang-22 missing: skipped");
        return;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs").join(file);
    let d = tmpdir(file);
    let exe = d.join("native");
    assert!(run(Command::new("clang-22").args(["-O2", "-w"]).arg(&src).arg("-o").arg(&exe).arg("-lm")));
    for opt in ["-O0", "-O2"] {
        let ll = d.join(format!("p{opt}.ll"));
        assert!(run(Command::new("clang-22").args([opt, "-w", "-S", "-emit-llvm"]).arg(&src).arg("-o").arg(&ll)));
        check(&ll, &exe, args).unwrap();
    }
}

#[test]
fn c_basics() {
    c_program("basics.c", "argument");
}

#[test]
fn c_abi_corners() {
    c_program("abi.c", "x y");
}

fn rust_program(file: &str) {
    if !tool("rustc") {
        eprintln!("rustc missing: skipped");
        return;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs").join(file);
    let d = tmpdir(file);
    let exe = d.join("native");
    let base = ["--edition=2021", "-C", "panic=abort"];
    assert!(run(Command::new("rustc")
        .args(base)
        .args(["-C", "opt-level=2", "-C", "link-arg=-lc", "-o"])
        .arg(&exe)
        .arg(&src)));
    for opt in ["0", "2"] {
        let ll = d.join(format!("p{opt}.ll"));
        assert!(run(Command::new("rustc")
            .args(base)
            .args(["-C", &format!("opt-level={opt}"), "--emit=llvm-ir", "-o"])
            .arg(&ll)
            .arg(&src)));
        check(&ll, &exe, "").unwrap();
    }
}

#[test]
fn c_global_ctors_dtors() {
    c_program("ctors.c", "");
}

/// Trait objects, sorting, i128, overflow checks, malloc.
#[test]
fn rust_dyn_traits() {
    rust_program("dyn_traits.rs");
}

/// `core::fmt` precompiled in libstd calling back into IR `write_str`
/// through a vtable (native → libffi closure → interpreter).
#[test]
fn rust_core_fmt_callbacks() {
    rust_program("core_fmt.rs");
}

#[test]
fn csmith_differential() {
    if !tool("csmith") || !tool("clang-22") || !Path::new("/usr/include/csmith/csmith.h").exists() {
        eprintln!("csmith, clang-22 or csmith headers missing: skipped");
        return;
    }
    let d = tmpdir("csmith");
    let seeds: Vec<u64> = (1..=30).collect();
    let mut failures = Vec::new();
    let mut skipped = 0;
    for &seed in &seeds {
        let c = d.join(format!("s{seed}.c"));
        // csmith writes platform.info into its working directory.
        let out = Command::new("csmith").args(["--seed", &seed.to_string()]).current_dir(&d).output().unwrap();
        std::fs::write(&c, out.stdout).unwrap();
        let exe = d.join(format!("s{seed}"));
        assert!(run(Command::new("clang-22").args(["-O2", "-w", "-I/usr/include/csmith"]).arg(&c).arg("-o").arg(&exe)));
        // Skip programs that do not finish quickly natively (csmith can
        // generate very long loops); they would take minutes interpreted.
        if native(&exe, "", 2).1 == TIMED_OUT {
            skipped += 1;
            continue;
        }
        // Alternate optimization levels to keep the test's run time modest.
        let opt = if seed % 2 == 0 { "-O2" } else { "-O0" };
        let ll = d.join(format!("s{seed}{opt}.ll"));
        assert!(run(Command::new("clang-22")
            .args([opt, "-w", "-S", "-emit-llvm", "-I/usr/include/csmith"])
            .arg(&c)
            .arg("-o")
            .arg(&ll)));
        if let Err(e) = check(&ll, &exe, "") {
            failures.push(format!("seed {seed} {opt}: {e}"));
        }
    }
    eprintln!("csmith: {} seeds, {skipped} skipped (slow natively), {} failed", seeds.len(), failures.len());
    assert!(skipped <= seeds.len() / 4, "too many slow seeds skipped: {skipped}");
    assert!(failures.is_empty(), "{} of {} csmith seeds failed:\n{}", failures.len(), seeds.len(), failures.join("\n"));
}
