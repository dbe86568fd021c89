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
//!
//! The matrix's list of intrinsics is written by hand, so a second test
//! checks it against the engines' own table (`jitty_ir::Intrinsic`): every
//! intrinsic there that LLVM defines on vectors must be in the matrix.

mod common;
use jitty_difftest::run::{Status, run};
use jitty_difftest::tools::{self, Tools};
use jitty_difftest::vecmatrix::{self, line};
use jitty_ir::Intrinsic;
use std::collections::{BTreeSet, HashMap};
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
    let intrinsics: BTreeSet<&str> = m.cases.iter().map(|c| c.intrinsic.as_str()).collect();
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

/// Why an intrinsic of the engines' table has no vector form, or `None` when
/// LLVM defines it on vectors (its value operands are overloaded on
/// `llvm_anyint_ty`, `llvm_anyfloat_ty` or `llvm_any_ty`, or are vectors by
/// definition, in LLVM's `Intrinsics.td`). The match has no wildcard: a new
/// `Intrinsic` does not compile here until it is classified, and a vector
/// one must then get a row in `vecmatrix::kinds()`.
fn no_vector_form(i: Intrinsic) -> Option<&'static str> {
    use Intrinsic::*;
    match i {
        MemCpy | MemMove | MemSet => Some("pointers, a byte value and a length"),
        LifetimeStart | LifetimeEnd | InvariantStart | InvariantEnd | Prefetch => Some("operates on a pointer"),
        DbgDeclare | DbgValue | DbgLabel | DbgAssign | NoAliasScopeDecl => Some("metadata operands"),
        Assume => Some("one scalar i1 condition"),
        SideEffect | DoNothing | Trap | DebugTrap | SpinLoopHint => Some("no operands"),
        UbsanTrap | FrameAddress | AllowRuntimeCheck | AllowUbsanCheck => Some("only an immediate operand"),
        LaunderInvariantGroup | StripInvariantGroup | ThreadLocalAddress | ObjectSize => {
            Some("operates on one pointer")
        }
        LoadRelative => Some("one pointer and a scalar byte offset to one i32"),
        StackSave | StackRestore | VaStart | VaEnd | VaCopy => Some("operates on a stack or va_list pointer"),
        // `llvm_anyint_ty` / `llvm_any_ty`: integer (or any) vectors.
        Expect | IsConstant => None,
        SAddWithOverflow | UAddWithOverflow | SSubWithOverflow | USubWithOverflow | SMulWithOverflow
        | UMulWithOverflow => None,
        SAddSat | UAddSat | SSubSat | USubSat | SShlSat | UShlSat => None,
        SMax | SMin | UMax | UMin | Abs | SCmp | UCmp => None,
        CtPop | Ctlz | Cttz | BSwap | BitReverse | Fshl | Fshr => None,
        FAbs | Sqrt | CopySign | Floor | Ceil | Trunc | Round | RoundEven | Rint | NearbyInt | MinNum | MaxNum
        | Minimum | Maximum | Fma | FMulAdd | Pow | PowI | Exp | Exp2 | Log | Log2 | Log10 | Sin | Cos | LRint
        | LLRint | LRound | LLRound | FpToSiSat | FpToUiSat | Canonicalize | IsFpClass | Modf => None,
        VectorReduceAdd | VectorReduceMul | VectorReduceAnd | VectorReduceOr | VectorReduceXor | VectorReduceSMax
        | VectorReduceSMin | VectorReduceUMax | VectorReduceUMin | CttzElts => None,
    }
}

/// The base name of the engines' table a mangled intrinsic name resolves
/// to (the longest base it extends), checked against `from_name`.
fn base_of(name: &str) -> Option<&'static str> {
    let (base, which) = Intrinsic::base_names()
        .iter()
        .filter(|(b, _)| name.strip_prefix(b).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')))
        .max_by_key(|(b, _)| b.len())?;
    assert_eq!(Intrinsic::from_name(name), Some(*which), "{name} resolves to {base} by the longest base");
    Some(base)
}

#[test]
fn matrix_covers_every_vector_intrinsic_of_the_engines() {
    let m = vecmatrix::generate(1);
    let mut covered = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    for c in &m.cases {
        match base_of(&c.intrinsic) {
            Some(b) => covered.insert(b),
            None => unknown.insert(c.intrinsic.as_str()),
        };
    }
    assert!(unknown.is_empty(), "matrix rows call intrinsics the engines do not know: {unknown:?}");
    let uncovered: Vec<String> = Intrinsic::base_names()
        .iter()
        .filter(|&&(b, which)| no_vector_form(which).is_none() && !covered.contains(b))
        .map(|(b, which)| format!("{b} (Intrinsic::{which:?})"))
        .collect();
    assert!(
        uncovered.is_empty(),
        "{} vector intrinsics the engines accept have no row in vecmatrix::kinds(), so nothing checks them \
         against lli: {}",
        uncovered.len(),
        uncovered.join(", ")
    );
}
