//! Tidy checks over the whole source tree (in the spirit of rust-analyzer's
//! tidy test): every Rust source file starts with a `//!` doc line, no
//! non-test source leaves a `todo!()`/`unimplemented!()` stub behind, every
//! crate has an entry in ARCHITECTURE.md's code map, and only the crates
//! listed in `UNSAFE_ALLOWED` may use `unsafe`.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/jitty sits two levels below the root")
        .into()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !(name.starts_with('.') || name.starts_with("target")) {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_sources() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = Vec::new();
    for top in ["crates", "tests", "fuzz"] {
        rust_files(&root.join(top), &mut files);
    }
    files.sort();
    files
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let files = all_sources();
    assert!(files.len() > 10, "tidy found only {} files: wrong root?", files.len());
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "files without a leading `//!` doc line:\n{}", offenders.join("\n"));
}

#[test]
fn no_stubs_outside_tests() {
    let offenders: Vec<String> = all_sources()
        .iter()
        .filter(|path| {
            let p = path.to_string_lossy();
            !(p.contains("/tests/") || p.ends_with("tidy.rs"))
        })
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let hit = text
                .lines()
                .position(|l| l.contains(concat!("todo", "!(")) || l.contains(concat!("unimplemented", "!(")))?;
            Some(format!("{}:{}", path.display(), hit + 1))
        })
        .collect();
    assert!(offenders.is_empty(), "stubs left in non-test code:\n{}", offenders.join("\n"));
}

/// The crates under `crates/`, by directory name.
fn crate_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("crates"))
        .expect("crates/")
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_crate_is_in_the_architecture_code_map() {
    let doc = std::fs::read_to_string(repo_root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let map = doc.split("## Code map").nth(1).and_then(|s| s.split("\n## ").next()).expect("a `## Code map` section");
    let names = crate_names();
    assert!(names.len() >= 10, "found only {names:?}");
    let missing: Vec<&String> = names.iter().filter(|n| !map.contains(&format!("### `crates/{n}`"))).collect();
    assert!(
        missing.is_empty(),
        "crates without a `### `crates/NAME`` entry in ARCHITECTURE.md's code map: {missing:?}"
    );
}

/// The crates that may contain `unsafe` (ARCHITECTURE.md, invariant 8):
/// the runtime, the engines, the runner, the kernel and its host, the
/// benches and the CLI edge. Every other crate `#![forbid(unsafe_code)]`.
const UNSAFE_ALLOWED: &[&str] = &[
    "jitty",
    "jitty-bench",
    "jitty-exec",
    "jitty-interp",
    "jitty-jit",
    "jitty-kernel",
    "jitty-kernel-modtests",
    "jitty-os",
    "jitty-rt",
];

#[test]
fn crates_outside_the_unsafe_list_forbid_unsafe_code() {
    let mut offenders = Vec::new();
    for name in crate_names() {
        let dir = repo_root().join("crates").join(&name).join("src");
        let roots: Vec<PathBuf> = ["lib.rs", "main.rs"].iter().map(|r| dir.join(r)).filter(|p| p.is_file()).collect();
        assert!(!roots.is_empty(), "{name}: no src/lib.rs or src/main.rs");
        let forbids = roots.iter().all(|p| {
            std::fs::read_to_string(p).unwrap_or_default().lines().any(|l| l.trim() == "#![forbid(unsafe_code)]")
        });
        if !UNSAFE_ALLOWED.contains(&name.as_str()) && !forbids {
            offenders.push(name);
        }
    }
    assert!(offenders.is_empty(), "crates not in UNSAFE_ALLOWED must #![forbid(unsafe_code)]: {offenders:?}");
}
