//! Differential tests of the `jitty` binary against native builds.
//!
//! * The Rust corpus (`tests/corpus/rust`, compiled by rustc at -O0 and -O2)
//!   runs under `jitty exec --engine interp` and `--engine jit`; stdout bytes
//!   and exit codes must equal the native build's.
//! * csmith programs (clang-22 at -O0 and -O2) likewise, over
//!   `$JITTY_CSMITH_SEEDS` (default `1..=25` here; `.ci/run` runs 340 seeds).
//! * jitty's printer over every corpus module: `llvm-as-22` accepts the
//!   printed text, and reading it back gives an equivalent module.
//!
//! * Process-level behaviour a program can observe (signal dispositions)
//!   matches its native build.
//!
//! The oracles are native execution and LLVM's own assembler. The tools come
//! from `scripts/setup.sh`; without them these tests fail and say so.

use jitty_difftest::corpus::{CorpusConfig, run_corpus};
use jitty_difftest::csmith::{CsmithConfig, run_csmith};
use jitty_difftest::engine::EngineSpec;
use jitty_difftest::tools::{self, Tools, workspace_root};
use std::path::{Path, PathBuf};

fn engines() -> Vec<EngineSpec> {
    let exe = env!("CARGO_BIN_EXE_jitty");
    ["interp", "jit"]
        .iter()
        .map(|e| EngineSpec::parse(&format!("{e}='{exe}' exec --engine {e}")).expect("valid engine spec"))
        .collect()
}

fn require_tools(tools: &Tools) {
    assert!(tools::version(&tools.clang, "--version").is_some(), "{} not found: run scripts/setup.sh", tools.clang);
}

#[test]
fn corpus_runs_identically_on_interpreter_and_jit() {
    let tools = Tools::from_env();
    require_tools(&tools);
    let cfg = CorpusConfig::new(&workspace_root(), engines());
    let summary = run_corpus(&cfg, &tools).expect("corpus run");
    println!("corpus: {}", summary.line());
    assert_eq!(summary.failed, 0, "failed cases: {:#?}", summary.failures);
    // 49 programs x 2 opt levels x 2 engines at the time of writing.
    assert!(summary.passed >= 45 * 2 * 2, "too few cases ran: {}", summary.passed);
}

#[test]
fn csmith_programs_run_identically_on_interpreter_and_jit() {
    let tools = Tools::from_env();
    require_tools(&tools);
    let mut cfg = CsmithConfig::new(&workspace_root(), engines()).expect("csmith config");
    if std::env::var_os("JITTY_CSMITH_SEEDS").is_none() {
        cfg.seeds = (1..=25).collect();
    }
    let summary = run_csmith(&cfg, &tools).expect("csmith run");
    println!("csmith: {}", summary.line_with_skips());
    assert_eq!(summary.failed, 0, "failed cases: {:#?}", summary.failures);
    assert!(summary.passed >= cfg.seeds.len(), "too few cases ran: {}", summary.passed);
}

fn corpus_ir_files(cache: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(cache.join("rust")).into_iter().flatten().flatten() {
        for inner in std::fs::read_dir(entry.path()).into_iter().flatten().flatten() {
            if inner.path().extension().is_some_and(|e| e == "ll") {
                files.push(inner.path());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn printer_output_is_accepted_by_llvm_as_and_round_trips_over_the_corpus() {
    let tools = Tools::from_env();
    require_tools(&tools);
    let root = workspace_root();
    // Build the corpus IR (cached) by running it on one engine.
    let mut cfg = CorpusConfig::new(&root, engines().into_iter().take(1).collect());
    cfg.verbose = false;
    run_corpus(&cfg, &tools).expect("corpus run");
    let files = corpus_ir_files(&cfg.cache_dir);
    assert!(files.len() >= 45 * 2, "expected the corpus IR in {}, found {}", cfg.cache_dir.display(), files.len());
    let scratch =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-printer-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        let name = file.display().to_string();
        let first = jitty_llvm::parse_module(&src, &name).unwrap_or_else(|e| panic!("{e}"));
        let printed = jitty_ir::printer::print_module(&first);
        let again = jitty_llvm::parse_module(&printed, "printed.ll").unwrap_or_else(|e| panic!("{name}: reparse: {e}"));
        jitty_llvm::modules_equivalent(&first, &again).unwrap_or_else(|e| panic!("{name}: round trip differs: {e}"));
        let out = scratch.join("printed.ll");
        std::fs::write(&out, &printed).unwrap();
        let status = std::process::Command::new("llvm-as-22")
            .arg(&out)
            .arg("-o")
            .arg(scratch.join("printed.bc"))
            .status()
            .expect("llvm-as-22 runs (scripts/setup.sh installs it)");
        assert!(status.success(), "llvm-as-22 rejects jitty's printing of {name}");
    }
    println!("printer: {} corpus modules round-trip and pass llvm-as-22", files.len());
    std::fs::remove_dir_all(&scratch).ok();
}

/// Compiles the C program `src` natively and to IR with clang-22 -O2, runs
/// both (the IR under each engine) with `args`, and requires the same
/// stdout and the same exit status or terminating signal. Returns the
/// native status.
fn c_program_matches_native(src: &Path, args: &[&str]) -> std::process::ExitStatus {
    c_program_matches_native_at(src, "-O2", args)
}

/// [`c_program_matches_native`] at optimisation level `opt` (`-O0`, ...).
fn c_program_matches_native_at(src: &Path, opt: &str, args: &[&str]) -> std::process::ExitStatus {
    let tools = Tools::from_env();
    require_tools(&tools);
    let stem = src.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-{stem}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (native, ll) = (dir.join(&stem), dir.join(format!("{stem}.ll")));
    let cc = |extra: &[&std::ffi::OsStr]| {
        let ok = std::process::Command::new(&tools.clang)
            .args([opt, "-w"])
            .arg(src)
            .args(extra)
            .status()
            .expect("clang runs")
            .success();
        assert!(ok, "clang failed on {}", src.display());
    };
    cc(&["-o".as_ref(), native.as_os_str()]);
    cc(&["-S".as_ref(), "-emit-llvm".as_ref(), "-o".as_ref(), ll.as_os_str()]);
    let status = engines_match_native(&native, &ll, args, &stem);
    std::fs::remove_dir_all(&dir).ok();
    status
}

/// Runs the executable `native` and, on each engine, its IR `ll`, with
/// `args`; requires the same stdout and the same exit status or terminating
/// signal, and returns the native status.
fn engines_match_native(native: &Path, ll: &Path, args: &[&str], what: &str) -> std::process::ExitStatus {
    let expected = std::process::Command::new(native).args(args).output().unwrap();
    for engine in ["interp", "jit"] {
        let got = std::process::Command::new(env!("CARGO_BIN_EXE_jitty"))
            .args(["exec", "--engine", engine])
            .arg(ll)
            .arg("--")
            .args(args)
            .output()
            .unwrap();
        let what = format!("{what} on {engine}: {}", String::from_utf8_lossy(&got.stderr));
        assert_eq!(got.status, expected.status, "{what}");
        assert_eq!(String::from_utf8_lossy(&got.stdout), String::from_utf8_lossy(&expected.stdout), "{what}");
    }
    expected.status
}

/// An ordinary `std` Rust program (`fn main` through `lang_start`, whose
/// `black_box` is an empty inline asm: every such program exited 125
/// before), built by rustc at `-C opt-level` 0 and 2, runs on both engines
/// as natively.
#[test]
fn std_rust_programs_run_as_natively() {
    let tools = Tools::from_env();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/std_main.rs");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-std-main-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for opt in ["0", "2"] {
        let (native, ll) = (dir.join(format!("std_main{opt}")), dir.join(format!("std_main{opt}.ll")));
        let emit = format!("--emit=link={},llvm-ir={}", native.display(), ll.display());
        let ok = std::process::Command::new(&tools.rustc)
            .args(["--edition=2021", "-C", &format!("opt-level={opt}"), "-C", "panic=abort", "-C", "codegen-units=1"])
            .arg(&emit)
            .arg(&src)
            .current_dir(&dir)
            .status()
            .expect("rustc runs")
            .success();
        assert!(ok, "rustc failed on {}", src.display());
        let status = engines_match_native(&native, &ll, &["alpha", "beta"], &format!("opt-level={opt}"));
        assert!(status.code().is_some_and(|c| c > 0), "the program exits with a status of its own");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A program writing into a pipe with no reader is killed by SIGPIPE natively;
/// under jitty it must be too (Rust's runtime ignores SIGPIPE unless jitty
/// restores the default), on both engines.
#[test]
fn programs_see_the_native_sigpipe_disposition() {
    use std::os::unix::process::ExitStatusExt;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/sigpipe.c");
    let native = c_program_matches_native(&src, &[]);
    assert_eq!(native.signal(), Some(libc::SIGPIPE), "native run: {native:?}");
}

/// `llvm.global_ctors` run before `main` and `llvm.global_dtors` after it,
/// on both engines, as natively.
#[test]
fn constructors_and_destructors_run_as_natively() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../jitty-interp/tests/programs/ctors.c");
    assert!(c_program_matches_native(&src, &["a", "b"]).success());
}

/// A variadic function defined in IR cannot be JIT-compiled: it runs on the
/// interpreter, entered from compiled callers through its variadic native
/// entry, and the program behaves as natively on both engines.
#[test]
fn variadic_definitions_fall_back_to_the_interpreter() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/variadic.c");
    assert!(c_program_matches_native(&src, &["x"]).code().is_some());
}

/// JIT code calling a variadic function of the module directly (-O0): the
/// call goes through the function's variadic native entry into the
/// interpreter (it used to call a non-executable identity address and die
/// of SIGSEGV, then the caller was left to the interpreter).
#[test]
fn direct_calls_to_variadic_definitions_run_as_natively() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/variadic_direct.c");
    assert_eq!(c_program_matches_native_at(&src, "-O0", &[]).code(), Some(62));
}

/// Variadic functions of the program called from compiled code through
/// their native entries, at -O0 and -O2 on both engines: arguments beyond
/// the registers, a fixed double, a `va_list` passed on to `vsnprintf`,
/// `va_copy`, a call through a pointer.
#[test]
fn variadic_native_entries_run_as_natively() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/variadic_entry.c");
    for opt in ["-O0", "-O2"] {
        assert_eq!(c_program_matches_native_at(&src, opt, &["a"]).code(), Some(11), "{opt}");
    }
}

/// Computed goto (`blockaddress` in a static dispatch table, `indirectbr`)
/// runs as natively on both engines at -O0 and -O2.
#[test]
fn computed_goto_runs_as_natively() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/computed_goto.c");
    for opt in ["-O0", "-O2"] {
        assert_eq!(c_program_matches_native_at(&src, opt, &[]).code(), Some(230), "{opt}");
    }
}

/// setjmp/longjmp at -O0 and -O2 on both engines, as natively: jumps within
/// a function, out of nested calls and out of a qsort callback, an
/// error-handling loop, nested handlers, `longjmp(buf, 0)`, and the signal
/// mask of `sigsetjmp`. Under the JIT the functions that call setjmp run on
/// the interpreter and the jumps come from compiled code: checked on the
/// `--stats` of the run (the fallbacks, and entries from compiled code into
/// the interpreter, so interpreter -> JIT -> interpreter frames).
#[test]
fn setjmp_and_longjmp_run_as_natively() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/setjmp.c");
    for opt in ["-O0", "-O2"] {
        assert_eq!(c_program_matches_native_at(&src, opt, &["x"]).code(), Some(35), "{opt}");
    }
    let tools = Tools::from_env();
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-setjmp-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ll = dir.join("setjmp.ll");
    let ok = std::process::Command::new(&tools.clang)
        .args(["-O2", "-w", "-S", "-emit-llvm"])
        .arg(&src)
        .arg("-o")
        .arg(&ll)
        .status()
        .expect("clang runs")
        .success();
    assert!(ok, "clang failed");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jitty"))
        .args(["exec", "--engine", "jit", "--stats"])
        .arg(&ll)
        .args(["--", "x"])
        .output()
        .unwrap();
    let stats = String::from_utf8_lossy(&out.stderr);
    for f in ["main", "protected_call"] {
        assert!(
            stats.lines().any(|l| l.starts_with(&format!("jitty-stat: fallback {f}:")) && l.contains("setjmp")),
            "{f} should run on the interpreter: {stats}"
        );
    }
    let entries: u64 = stats
        .split_whitespace()
        .find_map(|w| w.strip_prefix("interp_entries="))
        .and_then(|n| n.parse().ok())
        .expect("interp_entries in --stats");
    assert!(entries > 0, "compiled code never entered the interpreter: {stats}");
    std::fs::remove_dir_all(&dir).ok();
}
