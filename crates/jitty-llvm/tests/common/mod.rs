//! Shared helpers of the integration tests: the full round-trip check.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// True when `tool` can be run.
pub fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// A fresh scratch directory under the target dir.
pub fn scratch(name: &str) -> PathBuf {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = base.join(format!("jitty-llvm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs `llvm-as-22` on `text`; `Err` holds its diagnostics.
pub fn llvm_as(text: &str) -> Result<(), String> {
    let mut child = Command::new("llvm-as-22")
        .args(["-", "-o", "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

/// Parse, verify, print, check with llvm-as (if `check_as`), re-parse,
/// compare structurally and check that printing is a fixed point.
pub fn roundtrip(src: &str, name: &str, check_as: bool) -> Result<(), String> {
    let m = jitty_llvm::parse_module(src, name).map_err(|e| format!("parse: {e}"))?;
    if let Err(errs) = jitty_ir::verify_module(&m) {
        let shown: Vec<String> = errs.iter().take(10).map(|e| e.to_string()).collect();
        return Err(format!("{name}: verify: {} errors:\n{}", errs.len(), shown.join("\n")));
    }
    let printed = jitty_ir::print_module(&m);
    if check_as && let Err(e) = llvm_as(&printed) {
        let dump = scratch("failed").join(Path::new(name).file_name().unwrap_or_default());
        let _ = std::fs::write(&dump, &printed);
        return Err(format!("{name}: llvm-as rejected the printed module ({}):\n{e}", dump.display()));
    }
    let m2 = jitty_llvm::parse_module(&printed, "printed").map_err(|e| format!("{name}: reparse: {e}"))?;
    jitty_llvm::modules_equivalent(&m, &m2).map_err(|e| format!("{name}: round trip differs: {e}"))?;
    jitty_ir::verify_module(&m2).map_err(|e| format!("{name}: verify after round trip: {:?}", e.first()))?;
    let printed2 = jitty_ir::print_module(&m2);
    if printed != printed2 {
        return Err(format!("{name}: printing is not a fixed point"));
    }
    Ok(())
}
