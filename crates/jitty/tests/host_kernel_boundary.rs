//! The host reaches the kernel only through the syscall ABI, the GFT and the
//! host-services ABI (ARCHITECTURE.md, invariant 7): the only kernel symbols
//! `jitty-os` and `jitty-bench` may declare in an `extern` block are the
//! generic GFT, the host-services table and the spec-point table. Every other
//! call goes through `JK_HOST_SERVICES` or a process's GFT. (A kernel symbol
//! is any function or static the kernel source names, or a `link_name` into
//! the kernel image; the host's own symbols, such as its HAL's assembly
//! labels, may be declared.)

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a host crate may declare in an `extern` block.
const ALLOWED: [&str; 3] = ["GENERIC_GFT", "JK_HOST_SERVICES", "JK_SPEC_POINTS"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn ident_after<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let rest = s.split_once(word)?.1.trim_start();
    let rest = rest.strip_prefix("mut ").unwrap_or(rest).trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The items (`fn` and `static` names, and `link_name`s) declared in the
/// `extern` blocks of `src`.
fn extern_declarations(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = src[from..].find("extern").map(|i| i + from) {
        from = i + "extern".len();
        let rest = src[from..].trim_start();
        // `extern {` or `extern "ABI" {`: a block (not `extern "C" fn`, `extern crate`).
        let after_abi = match rest.strip_prefix('"') {
            Some(r) => r.split_once('"').map_or("", |(_, r)| r).trim_start(),
            None => rest,
        };
        if !after_abi.starts_with('{') {
            continue;
        }
        let open = src.len() - after_abi.len();
        let mut depth = 0usize;
        let mut close = src.len();
        for (k, c) in src[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        for line in src[open + 1..close].lines().map(str::trim) {
            if line.starts_with("//") {
                continue;
            }
            if let Some(name) = line.split_once("link_name").map(|(_, r)| r.trim_start_matches([' ', '=', '"'])) {
                out.push(format!("link_name {}", name.trim_end_matches([']', '"', ')'])));
            }
            for word in ["fn ", "static "] {
                if let Some(name) = ident_after(line, word) {
                    out.push(name.to_string());
                }
            }
        }
        from = close;
    }
    out
}

/// Every name that follows `fn ` or `static ` in the kernel's source: its
/// functions and statics, `#[no_mangle]` entries and `entry!` syscalls included.
fn kernel_names(crates: &Path) -> HashSet<String> {
    let mut files = Vec::new();
    rust_files(&crates.join("jitty-kernel/src"), &mut files);
    let mut names = HashSet::new();
    for f in files {
        let src = std::fs::read_to_string(&f).expect("read kernel source");
        for word in ["fn ", "static "] {
            for (i, _) in src.match_indices(word) {
                if let Some(name) = ident_after(&src[i..], word) {
                    names.insert(name.to_string());
                }
            }
        }
    }
    names
}

#[test]
fn host_crates_declare_only_the_allowed_kernel_symbols() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let kernel = kernel_names(&crates);
    assert!(kernel.contains("rpc_call") && kernel.contains("jk_sys_write") && kernel.contains("JK_HOST_SERVICES"));
    let mut files = Vec::new();
    for krate in ["jitty-os", "jitty-bench"] {
        rust_files(&crates.join(krate).join("src"), &mut files);
        rust_files(&crates.join(krate).join("tests"), &mut files);
    }
    assert!(files.len() > 10, "found only {} host source files", files.len());
    let mut bad = Vec::new();
    let mut seen = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).expect("read source");
        for d in extern_declarations(&src) {
            if ALLOWED.contains(&d.as_str()) {
                seen.push(d);
            } else if kernel.contains(&d) || d.starts_with("link_name") && d.contains("jitty_kernel") {
                bad.push(format!("{}: {d}", f.display()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "kernel symbols reached outside the syscall, GFT and host-services ABIs:\n{}",
        bad.join("\n")
    );
    assert!(seen.iter().any(|d| d == "JK_HOST_SERVICES"), "the host declares the host-services table");
}

#[test]
fn the_scan_sees_every_declaration_form() {
    let src = r#"
        unsafe extern "C" {
            /// doc with fn words
            pub fn rpc_call(c: *mut u8) -> i32;
            #[link_name = "_ZN12jitty_kernel3VMPOOL"]
            pub static VMPOOL: u8;
            static mut JK_HOST_SERVICES: u8;
        }
        extern "C" fn not_a_block() {}
        extern { fn jk_boot(); }
    "#;
    let d = extern_declarations(src);
    assert_eq!(d, ["rpc_call", "link_name _ZN12jitty_kernel3VMPOOL", "VMPOOL", "JK_HOST_SERVICES", "jk_boot"]);
}
