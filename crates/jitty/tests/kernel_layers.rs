//! The kernel's module structure: its modules form a used-by hierarchy (no
//! import cycle between top-level modules of `crates/jitty-kernel/src`).
//!
//! The rule is `/work/shared/tools/kernel-cycles.py`'s: every `crate::x`
//! reference of a file (comments included) and every name of a
//! `crate::{a, b}` group counts as a use of top-level module `x`; `lib.rs`,
//! `tests.rs`, `testhal.rs` and a trailing `#[cfg(test)] mod … {…}` block are
//! ignored. One region is ignored too: the spec-point table (`SpecPoint` up
//! to the end of `JK_SPEC_POINTS`) of `annotations.rs`, which names the entry
//! points it describes and is moving to a top-layer module of its own; once it
//! has moved, that exclusion matches nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read kernel source dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn leading_ident(s: &str) -> &str {
    let s = s.trim_start();
    &s[..s.find(|c| !is_ident(c)).unwrap_or(s.len())]
}

/// The source of `rel` as the rule sees it.
fn relevant_source(rel: &Path, src: &str) -> String {
    let mut s = src.to_string();
    // A trailing `#[cfg(test)] mod name {` block, to the end of the file.
    let mut from = 0;
    while let Some(i) = s[from..].find("#[cfg(test)]").map(|i| i + from) {
        let rest = s[i + "#[cfg(test)]".len()..].trim_start();
        if let Some(after_mod) = rest.strip_prefix("mod")
            && after_mod.starts_with(char::is_whitespace)
            && !leading_ident(after_mod).is_empty()
            && after_mod.trim_start()[leading_ident(after_mod).len()..].trim_start().starts_with('{')
        {
            s.truncate(i);
            break;
        }
        from = i + 1;
    }
    if rel == Path::new("annotations.rs")
        && let (Some(a), Some(t)) =
            (s.find("/// One declared specialization point."), s.find("pub static JK_SPEC_POINTS"))
        && let Some(e) = s[t..].find("];")
    {
        s.replace_range(a..t + e + 2, "");
    }
    s
}

/// Top-level modules and the modules each one uses.
fn module_graph(root: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut refs: Graph = BTreeMap::new();
    for path in files {
        let rel = path.strip_prefix(root).expect("file under root");
        let first = rel.components().next().expect("non-empty path").as_os_str().to_string_lossy();
        let top = first.strip_suffix(".rs").unwrap_or(&first).to_string();
        if ["lib", "tests", "testhal"].contains(&top.as_str()) {
            continue;
        }
        let src = relevant_source(rel, &std::fs::read_to_string(&path).expect("read source"));
        let used = refs.entry(top.clone()).or_default();
        for (i, _) in src.match_indices("crate::") {
            let rest = &src[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                used.extend(group.split(',').map(leading_ident).filter(|n| !n.is_empty()).map(String::from));
            } else {
                let name = leading_ident(rest);
                if !name.is_empty() && rest.starts_with(name) {
                    used.insert(name.to_string());
                }
            }
        }
        used.remove(&top);
    }
    let names: BTreeSet<String> = refs.keys().cloned().collect();
    refs.into_iter().map(|(m, used)| (m, used.intersection(&names).cloned().collect())).collect()
}

fn reachable(g: &Graph, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        for n in &g[&m] {
            if seen.insert(n.clone()) {
                stack.push(n.clone());
            }
        }
    }
    seen
}

/// The import cycles: strongly connected components of more than one module.
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    let reach: BTreeMap<&String, BTreeSet<String>> = g.keys().map(|m| (m, reachable(g, m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for m in g.keys() {
        if out.iter().any(|c| c.contains(m)) {
            continue;
        }
        let mut comp: Vec<String> =
            g.keys().filter(|n| *n == m || (reach[m].contains(*n) && reach[n].contains(m))).cloned().collect();
        comp.sort();
        if comp.len() > 1 {
            out.push(comp);
        }
    }
    out
}

fn kernel_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../jitty-kernel/src")
}

#[test]
fn kernel_modules_have_no_import_cycle() {
    let g = module_graph(&kernel_src());
    assert!(g.len() >= 15, "found only {} kernel modules: {:?}", g.len(), g.keys());
    let c = cycles(&g);
    let shown: Vec<String> = c.iter().map(|c| c.join(" <-> ")).collect();
    assert!(c.is_empty(), "import cycles between kernel modules:\n{}", shown.join("\n"));
}

/// The checker finds a cycle through a `use crate::{…}` group, a plain
/// `crate::x::y` path and a doc comment, and ignores test blocks.
#[test]
fn the_rule_detects_cycles() {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-kernel-layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("c")).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod a; pub mod b; pub mod c; use crate::a::x;").unwrap();
    std::fs::write(dir.join("a.rs"), "//! A.\nuse crate::{b::Y, hal};\n").unwrap();
    std::fs::write(dir.join("b.rs"), "//! B.\n/// See [`crate::c::mod`].\npub struct Y;\n").unwrap();
    std::fs::write(dir.join("c/mod.rs"), "//! C.\nfn f() { crate::a::x(); }\n").unwrap();
    std::fs::write(dir.join("d.rs"), "//! D.\n#[cfg(test)]\nmod tests {\n use crate::a::x;\n}\n").unwrap();
    let g = module_graph(&dir);
    assert_eq!(cycles(&g), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    assert!(g["d"].is_empty(), "a trailing test module is ignored: {g:?}");
    std::fs::write(dir.join("c/mod.rs"), "//! C.\n").unwrap();
    assert!(cycles(&module_graph(&dir)).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
