//! Builds the JITTY kernel image: one rustc invocation, outside cargo's
//! graph, emits the native object and the LLVM IR of `crates/jitty-kernel`
//! (BRIEF §3). The object is archived into `libjitty_kernel_image.a` and
//! linked (the link request propagates to every binary that uses
//! `jitty-os`); the IR is embedded by `src/image.rs` with `include_str!`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let kdir = manifest.join("../jitty-kernel/src");
    println!("cargo:rerun-if-changed={}", kdir.display());
    if let Ok(rd) = std::fs::read_dir(&kdir) {
        for e in rd.flatten() {
            println!("cargo:rerun-if-changed={}", e.path().display());
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let obj = out.join("kernel.o");
    let ll = out.join("kernel.ll");
    let status = Command::new(&rustc)
        .args(["--edition=2024", "--crate-type=lib", "--crate-name=jitty_kernel"])
        .args(["-C", "opt-level=2", "-C", "panic=abort", "-C", "codegen-units=1"])
        .args(["-C", "no-vectorize-loops", "-C", "no-vectorize-slp", "-C", "metadata=jitty-kernel-image"])
        .args(["-C", "debug-assertions=off", "-C", "overflow-checks=off"])
        .arg(format!("--emit=obj={},llvm-ir={}", obj.display(), ll.display()))
        .arg(kdir.join("lib.rs"))
        // rustc keeps temporary files in its working directory: not the source tree.
        .current_dir(&out)
        .status()
        .expect("running rustc for the kernel image");
    assert!(status.success(), "rustc failed to build the kernel image");
    let lib = out.join("libjitty_kernel_image.a");
    let _ = std::fs::remove_file(&lib);
    let ar = env::var("AR").unwrap_or_else(|_| "ar".into());
    let ok = Command::new(&ar).arg("crs").arg(&lib).arg(&obj).status().map(|s| s.success()).unwrap_or(false);
    if ok {
        println!("cargo:rustc-link-search=native={}", out.display());
        println!("cargo:rustc-link-lib=static=jitty_kernel_image");
    } else {
        // No archiver: link the object into this package's own targets.
        println!("cargo:rustc-link-arg={}", obj.display());
    }
    let _ = Path::new(&ll);
}
