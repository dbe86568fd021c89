//! Tidy checks over the whole source tree (in the spirit of rust-analyzer's
//! tidy test): every Rust source file starts with a `//!` doc line, and no
//! non-test source leaves a `todo!()`/`unimplemented!()` stub behind.

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
