//! Cranelift-style filetests: each `filetests/*.ll` holds an input module and,
//! after a `; ---- expected ----` line, the expected result as `; `-prefixed
//! lines: the printed module when it parses and verifies, else the error.
//! Run with `JITTY_BLESS=1` to rewrite the expectations.
//!
//! An input may hold a `; command: EDIT @name` line: the harness applies the
//! edit to the parsed module before verifying it. The verifier filetests
//! (`verify-NN-*.ll`, one per invariant of the verifier's module doc) use
//! edits for the invariants the reader never breaks (it always builds a
//! function's type with its parameters, for one); see [`apply_command`].

mod common;

use std::path::Path;

const MARKER: &str = "; ---- expected ----";

/// Applies a `; command:` edit to `m`:
/// * `drop-last-param @f`: removes `@f`'s last parameter, not its type's;
/// * `init-out-of-pool @g`: points `@g`'s initializer past the constant pool;
/// * `drop-terminator @f`: removes the last instruction of `@f`'s last block;
/// * `place-twice @f`: places `@f`'s first instruction in its last block too;
/// * `arg-out-of-range @f`: makes the first binary operation of `@f` read
///   argument 99.
fn apply_command(m: &mut jitty_ir::Module, command: &str) -> Result<(), String> {
    use jitty_ir::{ConstId, InstKind, Symbol, Value};
    let (edit, name) = command.split_once(" @").ok_or_else(|| format!("command {command:?}: expected `EDIT @name`"))?;
    let symbol = m.symbol(name.trim()).ok_or_else(|| format!("command {command:?}: no @{name}"))?;
    let pool = m.consts.len();
    match (edit.trim(), symbol) {
        ("init-out-of-pool", Symbol::Global(g)) => m.globals[g.index()].init = Some(ConstId::new(pool)),
        (edit, Symbol::Func(f)) => {
            let f = &mut m.funcs[f.index()];
            match edit {
                "drop-last-param" => drop(f.params.pop()),
                "drop-terminator" => drop(f.blocks.last_mut().and_then(|b| b.insts.pop())),
                "place-twice" => {
                    let first = f.blocks.first().and_then(|b| b.insts.first().copied()).ok_or("no instruction")?;
                    f.blocks.last_mut().ok_or("no block")?.insts.insert(0, first);
                }
                "arg-out-of-range" => {
                    let lhs = f
                        .insts
                        .iter_mut()
                        .find_map(|i| match &mut i.kind {
                            InstKind::Binary { lhs, .. } => Some(lhs),
                            _ => None,
                        })
                        .ok_or("no binary operation")?;
                    *lhs = Value::Arg(99);
                }
                _ => return Err(format!("unknown command {command:?}")),
            }
        }
        _ => return Err(format!("unknown command {command:?}")),
    }
    Ok(())
}

/// The result of reading `input`: printed module, or error text.
fn run(input: &str, name: &str) -> String {
    match jitty_llvm::parse_module_with_report(input, name) {
        Err(e) => format!("error: {e}\n"),
        Ok((mut m, unsupported)) => {
            let mut out = String::new();
            if let Some(command) = input.lines().find_map(|l| l.strip_prefix("; command:"))
                && let Err(e) = apply_command(&mut m, command.trim())
            {
                return format!("command error: {e}\n");
            }
            for u in &unsupported {
                out.push_str(&format!("{u}\n"));
            }
            match jitty_ir::verify_module(&m) {
                Err(errs) => {
                    for e in errs {
                        out.push_str(&format!("verify error: {e}\n"));
                    }
                }
                Ok(()) => out.push_str(&jitty_ir::print_module(&m)),
            }
            out
        }
    }
}

fn check_file(path: &Path, bless: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (input, expected) = match text.find(MARKER) {
        Some(i) => (&text[..i], &text[i + MARKER.len()..]),
        None => (text.as_str(), ""),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("input.ll");
    let actual = run(input, name);
    let expected: String = expected
        .lines()
        .skip(1)
        .map(|l| format!("{}\n", l.strip_prefix("; ").unwrap_or(l.strip_prefix(';').unwrap_or(l))))
        .collect();
    let norm = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string();
    if norm(&actual) == norm(&expected) {
        return Ok(());
    }
    if bless {
        let mut new = input.trim_end().to_string();
        new.push_str("\n\n");
        new.push_str(MARKER);
        new.push('\n');
        for l in actual.lines() {
            new.push_str(if l.is_empty() { ";" } else { "; " });
            new.push_str(l);
            new.push('\n');
        }
        std::fs::write(path, new).map_err(|e| e.to_string())?;
        return Ok(());
    }
    Err(format!(
        "{}: output differs (re-bless with JITTY_BLESS=1)\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    ))
}

#[test]
fn filetests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let bless = std::env::var_os("JITTY_BLESS").is_some();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("filetests dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ll"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no filetests found");
    let mut failures = Vec::new();
    for p in &paths {
        if let Err(e) = check_file(p, bless) {
            failures.push(e);
        }
        // Every filetest that parses and verifies must also round-trip.
        let text = std::fs::read_to_string(p).expect("read");
        let input = text.split(MARKER).next().unwrap_or("");
        if let Ok(m) = jitty_llvm::parse_module(input, "x")
            && jitty_ir::verify_module(&m).is_ok()
            && let Err(e) = common::roundtrip(input, &p.display().to_string(), common::have("llvm-as-22"))
        {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} of {} filetests failed:\n{}", failures.len(), paths.len(), failures.join("\n"));
}
