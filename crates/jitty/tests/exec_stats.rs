//! `jitty exec --stats` on both engines: the summary line carries `run_ms`,
//! the wall time of the call of `main` alone (constructors excluded), also
//! when the program ends the process with `exit` inside `main`.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Instant;

/// A constructor that sleeps 300 ms, and a `main` that sleeps 30 ms, prints
/// `hi` and then returns 5 or, with `exit`, calls `exit(7)`.
fn program(exit: bool) -> String {
    let end = if exit { "call void @exit(i32 7)\n  unreachable" } else { "ret i32 5" };
    format!(
        r#"@s = private constant [3 x i8] c"hi\00"
@llvm.global_ctors = appending global [1 x {{ i32, ptr, ptr }}] [{{ i32, ptr, ptr }} {{ i32 65535, ptr @init, ptr null }}]

declare i32 @usleep(i32)
declare i32 @puts(ptr)
declare void @exit(i32)

define internal void @init() {{
  %r = call i32 @usleep(i32 300000)
  ret void
}}

define i32 @main() {{
  %r = call i32 @usleep(i32 30000)
  %p = call i32 @puts(ptr @s)
  {end}
}}
"#
    )
}

fn write_program(exit: bool) -> PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-exec-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(if exit { "exits.ll" } else { "returns.ll" });
    std::fs::write(&path, program(exit)).unwrap();
    path
}

/// The run and the process's wall time in ms.
fn exec(engine: &str, file: &PathBuf) -> (Output, f64) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jitty"))
        .args(["exec", "--stats", "--engine", engine])
        .arg(file)
        .output()
        .expect("run jitty");
    (out, start.elapsed().as_secs_f64() * 1e3)
}

/// `main` sleeps 30 ms, and the process also ran the 300 ms constructor
/// outside `main`: bounds that hold however loaded the machine is (a fixed
/// upper bound failed under load).
fn check_excludes_constructor(engine: &str, ms: f64, wall_ms: f64) {
    assert!(ms >= 30.0, "{engine}: run_ms={ms} is shorter than main's sleep");
    assert!(ms <= wall_ms - 300.0, "{engine}: run_ms={ms} includes the constructor (process wall {wall_ms:.1} ms)");
}

/// The `run_ms` of the one summary line on `stderr`.
fn run_ms(engine: &str, stderr: &[u8]) -> f64 {
    let text = String::from_utf8_lossy(stderr);
    let summaries: Vec<&str> = text.lines().filter(|l| l.starts_with("jitty-stat: compile_ms=")).collect();
    assert_eq!(summaries.len(), 1, "{engine}: one summary line expected:\n{text}");
    let last = summaries[0].split_whitespace().last().unwrap_or_default();
    let ms: f64 = last
        .strip_prefix("run_ms=")
        .unwrap_or_else(|| panic!("{engine}: run_ms is not the last key: {}", summaries[0]))
        .parse()
        .unwrap_or_else(|e| panic!("{engine}: run_ms does not parse: {e}: {}", summaries[0]));
    assert!(ms >= 0.0, "{engine}: run_ms={ms}");
    ms
}

#[test]
fn run_ms_times_main_only_on_both_engines() {
    let file = write_program(false);
    for engine in ["interp", "jit"] {
        let (out, wall_ms) = exec(engine, &file);
        assert_eq!(out.status.code(), Some(5), "{engine}: {out:?}");
        assert_eq!(out.stdout, b"hi\n", "{engine}");
        check_excludes_constructor(engine, run_ms(engine, &out.stderr), wall_ms);
    }
    std::fs::remove_file(&file).ok();
}

#[test]
fn run_ms_is_reported_when_main_calls_exit() {
    let file = write_program(true);
    for engine in ["interp", "jit"] {
        let (out, wall_ms) = exec(engine, &file);
        assert_eq!(out.status.code(), Some(7), "{engine}: {out:?}");
        assert_eq!(out.stdout, b"hi\n", "{engine}");
        check_excludes_constructor(engine, run_ms(engine, &out.stderr), wall_ms);
    }
    std::fs::remove_file(&file).ok();
}
