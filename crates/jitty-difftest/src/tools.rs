//! The external tools the harness drives, where to find them, and the
//! workspace layout.
//!
//! Every tool can be overridden by an environment variable: `JITTY_RUSTC`
//! (default `rustc`), `JITTY_CLANG` (`clang-22`), `JITTY_LLI` (`lli-22`),
//! `JITTY_LLC` (`llc-22`), `JITTY_LLVM_LINK` (`llvm-link-22`), `JITTY_CSMITH` (`csmith`) and
//! `JITTY_CSMITH_INCLUDE` (`/usr/include/csmith`).

use crate::run::run;
use crate::{Result, err};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Paths and names of the external tools.
#[derive(Debug, Clone)]
pub struct Tools {
    /// rustc.
    pub rustc: String,
    /// clang (same LLVM major as rustc).
    pub clang: String,
    /// LLVM's `lli`.
    pub lli: String,
    /// LLVM's `llc`.
    pub llc: String,
    /// LLVM's `llvm-link` (joins the `.ll` files of a multi-file program).
    pub llvm_link: String,
    /// csmith.
    pub csmith: String,
    /// Directory holding `csmith.h`.
    pub csmith_include: String,
}

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var).ok().filter(|s| !s.is_empty()).unwrap_or_else(|| default.to_string())
}

impl Tools {
    /// Tools from the environment, with the defaults above.
    pub fn from_env() -> Tools {
        Tools {
            rustc: env_or("JITTY_RUSTC", "rustc"),
            clang: env_or("JITTY_CLANG", "clang-22"),
            lli: env_or("JITTY_LLI", "lli-22"),
            llc: env_or("JITTY_LLC", "llc-22"),
            llvm_link: env_or("JITTY_LLVM_LINK", "llvm-link-22"),
            csmith: env_or("JITTY_CSMITH", "csmith"),
            csmith_include: env_or("JITTY_CSMITH_INCLUDE", "/usr/include/csmith"),
        }
    }
}

/// The first line of `tool ARG`'s stdout (or stderr), for cache keys and
/// availability checks. `None` if the tool does not run.
pub fn version(tool: &str, arg: &str) -> Option<String> {
    let out = run(tool, &[arg.to_string()], Duration::from_secs(20), None);
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() { out.stderr } else { out.stdout };
    Some(String::from_utf8_lossy(&text).trim().to_string())
}

/// Like [`version`], but a missing tool is an error naming `scripts/setup.sh`.
pub fn require(tool: &str, arg: &str) -> Result<String> {
    version(tool, arg).ok_or_else(|| err!("required tool `{tool}` not found or not working (run scripts/setup.sh)"))
}

/// rustc's sysroot.
pub fn rustc_sysroot(rustc: &str) -> Result<PathBuf> {
    let out = run(rustc, &["--print".into(), "sysroot".into()], Duration::from_secs(20), None);
    if !out.status.success() {
        return Err(err!("`{rustc} --print sysroot` failed"));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// The toolchain's `libstd-*.so`, which exports the precompiled `core` and
/// `alloc` functions that rustc's IR calls (needed by `lli` on `-O0` IR).
pub fn libstd_so(rustc: &str) -> Result<PathBuf> {
    let dir = rustc_sysroot(rustc)?.join("lib/rustlib/x86_64-unknown-linux-gnu/lib");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| err!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("libstd-") && name.ends_with(".so")
        })
        .collect();
    found.sort();
    found.pop().ok_or_else(|| err!("no libstd-*.so in {}", dir.display()))
}

/// The workspace root: `JITTY_ROOT`, else the nearest ancestor of the current
/// directory holding `tests/corpus/rust`, else of this crate's manifest dir.
pub fn workspace_root() -> PathBuf {
    if let Ok(r) = std::env::var("JITTY_ROOT") {
        return PathBuf::from(r);
    }
    let marker = |p: &Path| p.join("tests/corpus/rust").is_dir() && p.join("Cargo.toml").is_file();
    if let Ok(cwd) = std::env::current_dir()
        && let Some(p) = cwd.ancestors().find(|p| marker(p))
    {
        return p.to_path_buf();
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().find(|p| marker(p)).unwrap_or(manifest).to_path_buf()
}

/// The cache directory: `JITTY_DIFFTEST_CACHE`, else `ROOT/target/difftest-cache`.
pub fn cache_dir(root: &Path) -> PathBuf {
    match std::env::var("JITTY_DIFFTEST_CACHE") {
        Ok(d) if !d.is_empty() => PathBuf::from(d),
        _ => root.join("target/difftest-cache"),
    }
}
