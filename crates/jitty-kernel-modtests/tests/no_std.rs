//! The modules must build as part of a `#![no_std]` + `alloc` crate with no
//! dependencies, in both the edition the kernel image is compiled with by
//! plain rustc (2021) and the workspace's (2024), without warnings.

use std::path::{Path, PathBuf};
use std::process::Command;

fn build(edition: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kernel = dir.join("../jitty-kernel/src");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("no_std_{edition}"));
    std::fs::create_dir_all(&out).unwrap();
    let root = out.join("lib.rs");
    let src = format!(
        "//! no_std build check.\n#![no_std]\nextern crate alloc;\n\
         #[path = {:?}] pub mod annotations;\n#[path = {:?}] pub mod abi;\n#[path = {:?}] pub mod typedesc;\n\
         #[path = {:?}] pub mod vmalloc;\n#[path = {:?}] pub mod rpc;\n",
        dir.join("src/annotations.rs"),
        kernel.join("abi.rs"),
        kernel.join("typedesc.rs"),
        kernel.join("vmalloc/mod.rs"),
        kernel.join("rpc/mod.rs"),
    );
    std::fs::write(&root, src).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let o = Command::new(rustc)
        .args(["--edition", edition, "--crate-type=lib", "--crate-name=nostd_check", "-C", "panic=abort"])
        .args(["-D", "warnings", "-D", "unsafe_op_in_unsafe_fn", "-W", "missing_debug_implementations"])
        .arg("--emit=metadata")
        .arg("--out-dir")
        .arg(&out)
        .arg(&root)
        .output()
        .expect("run rustc");
    assert!(o.status.success(), "no_std build ({edition}) failed:\n{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn builds_as_no_std_2021() {
    build("2021");
}

#[test]
fn builds_as_no_std_2024() {
    build("2024");
}
