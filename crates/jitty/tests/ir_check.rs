//! `jitty ir check`: what it reports per engine and its exit status, through
//! the binary. The expectations follow the engines' documented limits: the
//! JIT does not compile variadic definitions and leaves them to the
//! interpreter, which runs them (their callers compile: they enter the
//! interpreter through the variadic native entry); `landingpad` (unwinding)
//! runs on neither.

use std::path::PathBuf;
use std::process::Output;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-ir-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn check(path: &PathBuf, engine: Option<&str>) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jitty"));
    cmd.args(["ir", "check"]).arg(path);
    if let Some(e) = engine {
        cmd.args(["--engine", e]);
    }
    cmd.output().unwrap()
}

fn lines(o: &Output, prefix: &str) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout).lines().filter(|l| l.starts_with(prefix)).map(str::to_string).collect()
}

const VARIADIC: &str = r#"
declare void @llvm.va_start.p0(ptr)
declare void @llvm.va_end.p0(ptr)
define i32 @first(i32 %n, ...) {
  %ap = alloca [24 x i8], align 16
  call void @llvm.va_start.p0(ptr %ap)
  call void @llvm.va_end.p0(ptr %ap)
  ret i32 %n
}
define i32 @main() {
  %r = call i32 (i32, ...) @first(i32 3, i32 4)
  ret i32 %r
}
define i32 @plain(i32 %a) {
  %r = add i32 %a, 1
  ret i32 %r
}
"#;

#[test]
fn variadic_definitions_are_unsupported_by_the_jit_only() {
    let f = write("variadic.ll", VARIADIC);
    let interp = check(&f, Some("interp"));
    assert_eq!(interp.status.code(), Some(0), "{interp:?}");
    assert!(lines(&interp, "unsupported").is_empty(), "{interp:?}");

    for (engine, counts) in [
        (Some("jit"), "(0 in the reader, 1 for the JIT)"),
        (None, "(0 in the reader, 0 for the interpreter, 1 for the JIT)"),
    ] {
        let jit = check(&f, engine);
        assert_eq!(jit.status.code(), Some(1), "{jit:?}");
        let listed = lines(&jit, "unsupported (jit");
        // @first (a variadic definition); @main, which calls it directly,
        // and @plain compile.
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert!(listed.iter().any(|l| l.contains("first: ") && l.contains("variadic")), "{listed:?}");
        let out = String::from_utf8_lossy(&jit.stdout);
        let summary = out.lines().last().unwrap();
        assert!(summary.ends_with(&format!("variadic.ll: 1 unsupported {counts}")), "{summary}");
    }
}

#[test]
fn landingpad_is_unsupported_by_the_interpreter() {
    let f = write(
        "landingpad.ll",
        r#"
declare i32 @__gxx_personality_v0(...)
declare void @may_throw()
define i32 @f() personality ptr @__gxx_personality_v0 {
entry:
  invoke void @may_throw() to label %ok unwind label %lp
ok:
  ret i32 0
lp:
  %e = landingpad { ptr, i32 } cleanup
  ret i32 1
}
"#,
    );
    let o = check(&f, Some("interp"));
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let listed = lines(&o, "unsupported (interp): @f: ");
    assert_eq!(listed.len(), 1, "{o:?}");
    assert!(listed[0].contains("landingpad"), "{listed:?}");
    assert!(lines(&o, "unsupported (jit").is_empty(), "{o:?}");
}

#[test]
fn a_module_both_engines_run_checks_clean() {
    let f = write("plain.ll", "define i32 @main() {\n  ret i32 0\n}\n");
    for engine in [Some("interp"), Some("jit"), None] {
        let o = check(&f, engine);
        assert_eq!(o.status.code(), Some(0), "{engine:?}: {o:?}");
        assert!(lines(&o, "unsupported").is_empty(), "{o:?}");
    }
}
