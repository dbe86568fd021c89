//! Compiles the bundled demonstration program (`demo/demo.rs`) to LLVM IR
//! with the same rustc that builds jitty, so `jitty demo` runs real rustc
//! output without shipping generated files.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let source = "demo/demo.rs";
    println!("cargo:rerun-if-changed={source}");
    let status = Command::new(rustc)
        .args(["--edition=2021", "--crate-type=bin", "-C", "opt-level=2", "-C", "panic=abort", "--emit=llvm-ir", "-o"])
        .arg(out.join("demo.ll"))
        .arg(source)
        .status()
        .expect("running rustc for the demo program");
    assert!(status.success(), "rustc failed on {source}");
}
