//! Every vector intrinsic the engines accept, on every shape of the matrix
//! (`jitty_difftest::vecmatrix`), checked against LLVM: `lli-22` runs the
//! matrix module's `main`, which prints each function's output bytes for
//! each input set; the interpreter and the JIT run the same functions in
//! process on the same inputs, and every line must equal `lli-22`'s.
//!
//! A function one engine refuses (the interpreter's `Unsupported` trap, a
//! JIT compile failure) is a failure unless it is listed in `REFUSED` below
//! with the engine, so an engine that starts refusing (or silently
//! accepting) an intrinsic is noticed. Without `lli-22` the test prints why
//! and passes, as the other tool-dependent tests do.

mod common;
use jitty_difftest::run::{Status, run};
use jitty_difftest::tools::{self, Tools};
use jitty_difftest::vecmatrix::{self, line};
use std::collections::HashMap;
use std::time::Duration;

/// (engine, mangled-name prefix) pairs that engine is known to refuse.
const REFUSED: &[(&str, &str)] = &[];

fn refused(engine: &str, intrinsic: &str) -> bool {
    REFUSED.iter().any(|&(e, p)| e == engine && intrinsic.starts_with(p))
}

#[test]
fn vector_intrinsics_match_lli() {
    let tools = Tools::from_env();
    if tools::version(&tools.lli, "--version").is_none() {
        println!("skipped: {} not found (run scripts/setup.sh)", tools.lli);
        return;
    }
    let m = vecmatrix::generate(1);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jitty-vecmatrix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ll = dir.join("matrix.ll");
    std::fs::write(&ll, &m.ll).unwrap();
    let out = run(&tools.lli, &[ll.to_string_lossy().into_owned()], Duration::from_secs(300), None);
    assert_eq!(
        out.status,
        Status::Exited(0),
        "{} on {}: {}",
        tools.lli,
        ll.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let want: HashMap<&str, &str> =
        text.split_inclusive('\n').map(|l| (l.split_once(':').map_or(l, |(h, _)| h), l)).collect();

    let j = common::engines_lenient(&m.ll, |n| n != "main" && n != "dump");
    let mut bad = Vec::new();
    let (mut interp_runs, mut jit_runs) = (0usize, 0usize);
    for c in &m.cases {
        let fid = j.module.func_by_name(&c.func).unwrap();
        let jit = j.unit.addr(fid);
        match (jit.is_some(), refused("jit", &c.intrinsic)) {
            (false, false) => bad.push(format!("{} ({}): JIT refuses it", c.func, c.intrinsic)),
            (true, true) => bad.push(format!("{} ({}): JIT accepts a REFUSED intrinsic", c.func, c.intrinsic)),
            _ => {}
        }
        for (k, input) in c.inputs.iter().enumerate() {
            let key = format!("{} {k}", c.func);
            let Some(expected) = want.get(key.as_str()) else {
                bad.push(format!("{key}: no line from lli"));
                continue;
            };
            let mut buf = [0u8; 64];
            match j.interp.call(fid, &[input.as_ptr() as u64, buf.as_mut_ptr() as u64]) {
                Ok(_) => {
                    interp_runs += 1;
                    let got = line(&c.func, k, &buf[..c.out_bytes]);
                    if got != *expected {
                        bad.push(format!("interp {} ({}):\n  lli:    {expected}  interp: {got}", key, c.intrinsic));
                    }
                }
                Err(e) if e.trap() == jitty_interp::Trap::Unsupported && refused("interp", &c.intrinsic) => {}
                Err(e) => bad.push(format!("interp {key} ({}): {e}", c.intrinsic)),
            }
            if let Some(addr) = jit {
                // SAFETY: every matrix function is `void (ptr, ptr)`; the
                // input holds all its operands and `buf` its output.
                let f: extern "C" fn(*const u8, *mut u8) = unsafe { std::mem::transmute(addr as usize) };
                let mut buf = [0u8; 64];
                f(input.as_ptr(), buf.as_mut_ptr());
                jit_runs += 1;
                let got = line(&c.func, k, &buf[..c.out_bytes]);
                if got != *expected {
                    bad.push(format!("jit {} ({}):\n  lli: {expected}  jit: {got}", key, c.intrinsic));
                }
            }
        }
    }
    // SAFETY: no code of the unit runs any more.
    unsafe { j.unit.free() };
    let _ = std::fs::remove_dir_all(&dir);
    let intrinsics: std::collections::BTreeSet<&str> = m.cases.iter().map(|c| c.intrinsic.as_str()).collect();
    println!(
        "{} functions ({} mangled intrinsics), {} interpreter runs and {} JIT runs checked against lli",
        m.cases.len(),
        intrinsics.len(),
        interp_runs,
        jit_runs
    );
    // Which (engine, intrinsic) pairs fail, then the first details.
    let mut by: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for b in &bad {
        let head = b.lines().next().unwrap_or("");
        let engine = head.split(' ').next().unwrap_or("");
        let intr = head.split_once('(').and_then(|(_, r)| r.split_once(')')).map_or("", |(i, _)| i);
        *by.entry(format!("{engine} {intr}")).or_default() += 1;
    }
    for (k, n) in &by {
        println!("FAIL {k}: {n} runs");
    }
    for b in bad.iter().take(40) {
        println!("{b}");
    }
    assert!(bad.is_empty(), "{} mismatches or refusals (first ones above)", bad.len());
}
