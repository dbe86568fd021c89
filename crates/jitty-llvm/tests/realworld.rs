//! Real-world inputs generated at test time: rustc (`-C opt-level=0..3`, with
//! and without `-g`) on `tests/inputs/*.rs`, clang-22 (`-O0..-O3`, with and
//! without `-g`) on `tests/inputs/*.c`, and csmith programs. Each module must
//! parse, verify, print, be accepted by `llvm-as-22` and round-trip.
//! Missing tools are reported and skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn inputs(ext: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("inputs dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr)))
    }
}

fn check_all(files: &[PathBuf]) -> usize {
    let check_as = common::have("llvm-as-22");
    if !check_as {
        eprintln!("notice: llvm-as-22 not found; skipping the llvm-as check");
    }
    let mut failures = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(f).expect("read generated .ll");
        if let Err(e) = common::roundtrip(&src, &f.display().to_string(), check_as) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} of {} modules failed:\n{}", failures.len(), files.len(), failures.join("\n\n"));
    files.len()
}

#[test]
fn rustc_output() {
    let dir = common::scratch("rustc");
    let mut files = Vec::new();
    for src in inputs("rs") {
        let stem = src.file_stem().and_then(|s| s.to_str()).unwrap_or("x").to_string();
        let bin = stem == "nostd";
        for opt in 0..4 {
            for debug in [false, true] {
                let out = dir.join(format!("{stem}-O{opt}{}.ll", if debug { "-g" } else { "" }));
                let mut cmd = Command::new("rustc");
                cmd.args(["--edition=2021", "--emit=llvm-ir", "-C", &format!("opt-level={opt}")]);
                cmd.args(if bin {
                    ["--crate-type=bin", "-Cpanic=abort"]
                } else {
                    ["--crate-type=lib", "-Cpanic=unwind"]
                });
                if debug {
                    cmd.arg("-g");
                }
                cmd.arg("-o").arg(&out).arg(&src);
                run(&mut cmd).expect("rustc");
                files.push(out);
            }
        }
    }
    let n = check_all(&files);
    eprintln!("rustc: {n} modules round-tripped");
}

#[test]
fn clang_output() {
    if !common::have("clang-22") {
        eprintln!("notice: clang-22 not found; skipping the clang corpus");
        return;
    }
    let dir = common::scratch("clang");
    let mut files = Vec::new();
    for src in inputs("c") {
        let stem = src.file_stem().and_then(|s| s.to_str()).unwrap_or("x").to_string();
        for opt in 0..4 {
            for debug in [false, true] {
                let out = dir.join(format!("{stem}-O{opt}{}.ll", if debug { "-g" } else { "" }));
                let mut cmd = Command::new("clang-22");
                cmd.args(["-S", "-emit-llvm", "-w", &format!("-O{opt}")]);
                if debug {
                    cmd.arg("-g");
                }
                cmd.arg("-o").arg(&out).arg(&src);
                run(&mut cmd).expect("clang-22");
                files.push(out);
            }
        }
    }
    let n = check_all(&files);
    eprintln!("clang: {n} modules round-tripped");
}

#[test]
fn csmith_output() {
    if !common::have("clang-22") || !Path::new("/usr/include/csmith").exists() {
        eprintln!("notice: clang-22 or csmith headers not found; skipping csmith");
        return;
    }
    if Command::new("csmith").arg("--version").output().is_err() {
        eprintln!("notice: csmith not found; skipping csmith");
        return;
    }
    let dir = common::scratch("csmith");
    let mut files = Vec::new();
    for seed in 1..=20u32 {
        let c = dir.join(format!("s{seed}.c"));
        let out = Command::new("csmith").args(["--seed", &seed.to_string()]).output().expect("csmith");
        std::fs::write(&c, &out.stdout).expect("write csmith output");
        let ll = dir.join(format!("s{seed}.ll"));
        let opt = format!("-O{}", seed % 4);
        run(Command::new("clang-22")
            .args(["-S", "-emit-llvm", "-w", &opt, "-I/usr/include/csmith", "-o"])
            .arg(&ll)
            .arg(&c))
        .expect("clang-22 on csmith output");
        files.push(ll);
    }
    let n = check_all(&files);
    eprintln!("csmith: {n} modules round-tripped");
}
