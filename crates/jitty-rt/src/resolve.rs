//! Symbol resolution: external names to addresses in the host process,
//! then in the Rust toolchain's dynamic `libstd` (for the precompiled
//! `core`/`alloc` functions rustc's IR calls).

use std::ffi::{CString, c_void};
use std::sync::OnceLock;

/// Resolves external symbol names to addresses.
pub trait SymbolResolver {
    /// The address of `name`, if known.
    fn resolve(&self, name: &str) -> Option<u64>;
}

impl<F: Fn(&str) -> Option<u64>> SymbolResolver for F {
    fn resolve(&self, name: &str) -> Option<u64> {
        self(name)
    }
}

/// Resolves symbols in the host process, then in the Rust toolchain's
/// dynamic `libstd` (opened on the first miss).
#[derive(Clone, Copy, Debug, Default)]
pub struct HostResolver;

static LIBSTD: OnceLock<usize> = OnceLock::new();

fn libstd_handle() -> usize {
    *LIBSTD.get_or_init(|| {
        let sysroot = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .args(["--print", "sysroot"])
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string());
        let Some(sysroot) = sysroot else { return 0 };
        let dir = format!("{sysroot}/lib/rustlib/x86_64-unknown-linux-gnu/lib");
        let Ok(entries) = std::fs::read_dir(&dir) else { return 0 };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("libstd-") && name.ends_with(".so") {
                let Ok(path) = CString::new(format!("{dir}/{name}")) else { return 0 };
                // SAFETY: dlopen with a valid NUL-terminated path.
                let h = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
                return h as usize;
            }
        }
        0
    })
}

impl SymbolResolver for HostResolver {
    fn resolve(&self, name: &str) -> Option<u64> {
        let c = CString::new(name).ok()?;
        // SAFETY: dlsym with RTLD_DEFAULT and a valid C string.
        let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
        if !p.is_null() {
            return Some(p as u64);
        }
        let h = libstd_handle();
        if h == 0 {
            return None;
        }
        // SAFETY: `h` is a live handle from dlopen (never closed).
        let p = unsafe { libc::dlsym(h as *mut c_void, c.as_ptr()) };
        (!p.is_null()).then_some(p as u64)
    }
}
