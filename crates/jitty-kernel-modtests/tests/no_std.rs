//! The kernel crate, which this crate tests under std, builds as the
//! `#![no_std]` + `alloc` image `jitty-os/build.rs` makes of it: plain rustc
//! on `lib.rs`, edition 2024, no dependencies, and here without warnings.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn kernel_builds_as_no_std_without_warnings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = dir.join("../jitty-kernel/src/lib.rs");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kernel_no_std");
    std::fs::create_dir_all(&out).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let o = Command::new(rustc)
        .args(["--edition=2024", "--crate-type=lib", "--crate-name=jitty_kernel", "-C", "panic=abort"])
        .args(["-D", "warnings", "-D", "unsafe_op_in_unsafe_fn", "-W", "missing_debug_implementations"])
        .arg("--emit=metadata")
        .arg("--out-dir")
        .arg(&out)
        .arg(&lib)
        .current_dir(&out)
        .output()
        .expect("run rustc");
    assert!(o.status.success(), "no_std build of the kernel failed:\n{}", String::from_utf8_lossy(&o.stderr));
}
