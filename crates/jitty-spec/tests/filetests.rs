//! `test specialize` filetests: each `filetests/*.ll` holds directives, an
//! input module and, after `; ---- expected ----`, the expected residual
//! function, guard set and refusals as `; `-prefixed lines. Run with
//! `JITTY_BLESS=1` to rewrite the expectations.
//!
//! Directives (comment lines before the module):
//! * `; test specialize @f ARG...`: the entry and one argument each, a
//!   number (static) or `_` (dynamic);
//! * `; memory ADDR const|quasi SIZE VALUE [deps=ADDR] [what=NAME]`: an
//!   annotated cell of the memory image (everything else is unannotated);
//! * `; symbol NAME ADDR`: the live address of a module symbol;
//! * `; quiescent NAME`: an external whose call may make the thread
//!   quiescent;
//! * `; fallback NAME`: the generic entry the residual code falls back to.

mod common;

use common::{Cell, MapOracle, num};
use jitty_spec::{Decision, Evaluator, Options, StaticArg};
use std::path::Path;

const MARKER: &str = "; ---- expected ----";

fn run(input: &str) -> String {
    let mut oracle = MapOracle::default();
    let mut entry = None;
    let mut args = Vec::new();
    let mut quiescent = Vec::new();
    let mut opts = Options { name: "residual".into(), ..Options::default() };
    for line in input.lines() {
        let Some(d) = line.strip_prefix("; ") else { continue };
        let w: Vec<&str> = d.split_whitespace().collect();
        match w.as_slice() {
            ["test", "specialize", f, rest @ ..] => {
                entry = Some(f.trim_start_matches('@').to_string());
                for a in rest {
                    args.push(if *a == "_" { StaticArg::Dynamic } else { StaticArg::Value(num(a).expect("arg")) });
                }
            }
            ["memory", addr, kind, size, value, rest @ ..] => {
                let mut deps = None;
                let mut what = format!("cell {addr}");
                for r in rest {
                    if let Some(v) = r.strip_prefix("deps=") {
                        deps = num(v);
                    } else if let Some(v) = r.strip_prefix("what=") {
                        what = v.to_string();
                    }
                }
                let quasi = match *kind {
                    "const" => None,
                    "quasi" => Some(deps.expect("a quasi cell needs deps=")),
                    k => panic!("memory kind {k}"),
                };
                oracle.cells.push(Cell {
                    addr: num(addr).unwrap(),
                    size: num(size).unwrap(),
                    value: num(value).unwrap(),
                    quasi,
                    what,
                });
            }
            ["symbol", name, addr] => {
                oracle.symbols.insert(name.to_string(), num(addr).unwrap());
            }
            ["quiescent", name] => quiescent.push(name.to_string()),
            ["fallback", name] => opts.fallback = Some(name.to_string()),
            _ => {}
        }
    }
    let m = match jitty_llvm::parse_module(input, "filetest") {
        Ok(m) => m,
        Err(e) => return format!("parse error: {e}\n"),
    };
    let Some(name) = entry else { return "no `; test specialize` line\n".into() };
    let Some(f) = m.func_by_name(&name) else { return format!("no @{name}\n") };
    let ev = Evaluator::new(&m, &quiescent, jitty_spec::INLINE_BOUND);
    match ev.specialize(f, &args, &oracle, &opts) {
        Err(e) => format!("error: {e}\n"),
        Ok(r) => {
            let mut out = jitty_ir::printer::print_function(&r.module, r.module.func(r.func));
            for g in &r.guards {
                out.push_str(&format!(
                    "guard {} at {:#x} ({} bytes) = {:#x}, deps {:#x}\n",
                    g.what, g.addr, g.size, g.value, g.deps_word
                ));
            }
            for (d, n) in r.record.iter() {
                if matches!(d, Decision::CallKept { .. } | Decision::Widened { .. } | Decision::Materialized { .. })
                    || matches!(d, Decision::Read { kind: jitty_spec::LoadKind::Dynamic, .. })
                {
                    out.push_str(&format!("{n}x {d}\n"));
                }
            }
            out
        }
    }
}

#[test]
fn filetests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let bless = std::env::var_os("JITTY_BLESS").is_some();
    let mut failures = Vec::new();
    let mut n = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "ll")) {
        n += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let input = text.split(MARKER).next().unwrap().trim_end().to_string();
        let got = run(&input);
        let expected_block: String = got.lines().map(|l| format!("; {l}").trim_end().to_string() + "\n").collect();
        let want = text.split(MARKER).nth(1).map(|s| s.trim_start_matches('\n').to_string());
        if bless {
            std::fs::write(&path, format!("{input}\n{MARKER}\n{expected_block}")).unwrap();
        } else if want.as_deref() != Some(expected_block.as_str()) {
            failures.push(format!(
                "{}:\n--- got\n{expected_block}--- want\n{}",
                path.display(),
                want.unwrap_or_default()
            ));
        }
    }
    assert!(n >= 8, "the filetests are missing ({n} found)");
    assert!(
        failures.is_empty(),
        "{} filetest(s) differ (JITTY_BLESS=1 to rewrite):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
