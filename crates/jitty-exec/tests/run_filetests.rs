//! `run` filetests: each `tests/run/*.ll` holds IR functions and `; run:`
//! lines, and every line is executed on both engines (the interpreter and
//! the JIT), each checked against the expected result:
//!
//! ```text
//! ; run: i32 @add(i32 7, i32 -3) == 4
//! ; run: i32 @div(i32 1, i32 0) traps DivByZero
//! ; run: i128 @vec(i32 1) == <4 x i32> <1, 2, 3, 4>
//! ```
//!
//! The arguments are IR text. The harness appends one wrapper per line,
//! `define void @__run_N(ptr %out)`, that calls the function and stores the
//! result to `%out`, and reads the stored bytes back by the result type
//! (integers as signed decimals, `i1` as 0/1, floats as Rust prints them).
//! An expected value may name a vector type its bytes are read as
//! (`<4 x i32> <a, b, c, d>`): the JIT returns no vector values, so vector
//! functions return their result bitcast to an integer. A trap is named by
//! `jitty_sem::Trap`, which both engines report.

use jitty_interp::Interpreter;
use jitty_ir::{FuncId, Module, Ty, TypeData};
use jitty_jit::{JitOptions, compile_unit};
use std::path::Path;
use std::sync::Arc;

/// What a `; run:` line expects.
enum Expect {
    /// The stored result, as the expected value's text.
    Value(String),
    /// The name of a `jitty_sem::Trap`.
    Trap(String),
}

struct RunLine {
    /// `i32 @f(i32 1)`: the call, as written.
    call: String,
    ret: String,
    expect: Expect,
    line: usize,
}

fn parse_run_lines(text: &str) -> Result<Vec<RunLine>, String> {
    let mut out = Vec::new();
    for (n, l) in text.lines().enumerate() {
        let Some(spec) = l.strip_prefix("; run:") else { continue };
        let spec = spec.trim();
        let (call, expect) = if let Some((c, v)) = spec.split_once(" == ") {
            (c.trim(), Expect::Value(v.trim().to_string()))
        } else if let Some((c, t)) = spec.split_once(" traps ") {
            (c.trim(), Expect::Trap(t.trim().to_string()))
        } else {
            return Err(format!("line {}: expected `== VALUE` or `traps TRAP`", n + 1));
        };
        let at = call.find(" @").ok_or_else(|| format!("line {}: no ` @function`", n + 1))?;
        out.push(RunLine { call: call.to_string(), ret: call[..at].to_string(), expect, line: n + 1 });
    }
    Ok(out)
}

/// How a result is read back from memory.
#[derive(Clone, Copy)]
enum Kind {
    Int(u32),
    F32,
    F64,
}

impl Kind {
    fn of(m: &Module, ty: Ty) -> Result<Kind, String> {
        match m.types.get(ty) {
            TypeData::Int(b) if *b <= 128 => Ok(Kind::Int(*b)),
            TypeData::Float(jitty_ir::FloatKind::Float) => Ok(Kind::F32),
            TypeData::Float(jitty_ir::FloatKind::Double) => Ok(Kind::F64),
            TypeData::Ptr { .. } => Ok(Kind::Int(64)),
            other => Err(format!("unsupported result element {other:?}")),
        }
    }

    fn size(self) -> usize {
        match self {
            Kind::Int(b) => b.div_ceil(8) as usize,
            Kind::F32 => 4,
            Kind::F64 => 8,
        }
    }

    /// The canonical text of the value stored at `bytes`.
    fn show(self, bytes: &[u8]) -> String {
        let mut buf = [0u8; 16];
        buf[..self.size()].copy_from_slice(&bytes[..self.size()]);
        let raw = u128::from_le_bytes(buf);
        match self {
            Kind::Int(1) => (raw & 1).to_string(),
            Kind::Int(b) => jitty_sem::sext128(raw & jitty_sem::mask128(b), b).to_string(),
            Kind::F32 => format!("{:?}", f32::from_bits(raw as u32)),
            Kind::F64 => format!("{:?}", f64::from_bits(raw as u64)),
        }
    }

    /// The bytes of the value written `text` (independent of the engines).
    fn encode(self, text: &str) -> Result<Vec<u8>, String> {
        let bytes = match self {
            Kind::Int(_) => {
                let v: i128 = match text {
                    "true" => 1,
                    "false" => 0,
                    _ => text.parse().map_err(|e| format!("{text:?}: {e}"))?,
                };
                v.to_le_bytes().to_vec()
            }
            Kind::F32 => text.parse::<f32>().map_err(|e| format!("{text:?}: {e}"))?.to_le_bytes().to_vec(),
            Kind::F64 => text.parse::<f64>().map_err(|e| format!("{text:?}: {e}"))?.to_le_bytes().to_vec(),
        };
        Ok(bytes[..self.size()].to_vec())
    }
}

fn show(kind: Kind, lanes: Option<usize>, bytes: &[u8]) -> String {
    match lanes {
        None => kind.show(bytes),
        Some(n) => {
            let items: Vec<String> = (0..n).map(|i| kind.show(&bytes[i * kind.size()..])).collect();
            format!("<{}>", items.join(", "))
        }
    }
}

fn expected_text(kind: Kind, lanes: Option<usize>, text: &str) -> Result<String, String> {
    let bytes = match lanes {
        None => kind.encode(text)?,
        Some(n) => {
            let inner = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')).ok_or("a vector is `<a, b, ...>`")?;
            let items: Vec<&str> = inner.split(',').map(str::trim).collect();
            if items.len() != n {
                return Err(format!("{} lanes expected, {} given", n, items.len()));
            }
            items.iter().map(|t| kind.encode(t)).collect::<Result<Vec<_>, _>>()?.concat()
        }
    };
    Ok(show(kind, lanes, &bytes))
}

/// A leading `<N x T>` of an expected value: the element kind, the lane
/// count and the rest of the text.
fn view(text: &str) -> Option<(Kind, usize, &str)> {
    let (ty, rest) = text.strip_prefix('<')?.split_once('>')?;
    let (n, elem) = ty.split_once(" x ")?;
    let kind = match elem.trim() {
        "float" => Kind::F32,
        "double" => Kind::F64,
        e => Kind::Int(e.strip_prefix('i')?.parse().ok()?),
    };
    Some((kind, n.trim().parse().ok()?, rest.trim()))
}

/// The outcome of one engine: the shown value or the trap's name.
fn outcome(trap: Option<jitty_sem::Trap>, kind: Kind, lanes: Option<usize>, out: &[u8]) -> String {
    match trap {
        Some(t) => format!("trap {t:?}"),
        None => show(kind, lanes, out),
    }
}

fn check_file(path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let runs = parse_run_lines(&text)?;
    if runs.is_empty() {
        return Err("no `; run:` lines".into());
    }
    let mut src = text.clone();
    for (i, r) in runs.iter().enumerate() {
        src.push_str(&format!(
            "\ndefine void @__run_{i}(ptr %out) {{\n  %r = call {}\n  store {} %r, ptr %out, align 1\n  ret void\n}}\n",
            r.call, r.ret
        ));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("run.ll");
    let module = Arc::new(jitty_llvm::parse_module(&src, name).map_err(|e| e.to_string())?);
    jitty_ir::verify_module(&module).map_err(|e| format!("{e:?}"))?;
    let interp = Interpreter::load_host(module.clone()).map_err(|e| e.to_string())?;
    let defs: Vec<FuncId> = module.funcs_iter().filter(|(_, f)| !f.is_declaration()).map(|(id, _)| id).collect();
    let unit = compile_unit(&module, &defs, &**interp.image(), &JitOptions { verify: true, ..JitOptions::default() })
        .map_err(|e| e.to_string())?;
    if !unit.failures().is_empty() {
        return Err(format!("the JIT must compile every function: {:?}", unit.failures()));
    }
    let mut errors = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let wrapper = module.func_by_name(&format!("__run_{i}")).ok_or("wrapper missing")?;
        let callee = r.call[r.call.find(" @").unwrap_or(0) + 2..].split('(').next().unwrap_or("");
        let f = module.func_by_name(callee).ok_or_else(|| format!("line {}: no @{callee}", r.line))?;
        let ret_ty = module.types.func_sig(module.func(f).ty).ok_or("not a function")?.0;
        let mut kind = Kind::of(&module, ret_ty).map_err(|e| format!("line {}: {e}", r.line))?;
        let mut lanes = None;
        let want = match &r.expect {
            Expect::Value(v) => {
                let v = match view(v) {
                    Some((k, n, rest)) => {
                        (kind, lanes) = (k, Some(n));
                        rest
                    }
                    None => v.as_str(),
                };
                expected_text(kind, lanes, v).map_err(|e| format!("line {}: {e}", r.line))?
            }
            Expect::Trap(t) => format!("trap {t}"),
        };
        let mut out_i = [0xa5u8; 256];
        let trap_i = interp.call(wrapper, &[out_i.as_mut_ptr() as u64]).err().map(|e| e.trap());
        let mut out_j = [0xa5u8; 256];
        let addr = unit.addr(wrapper).ok_or("wrapper not compiled")?;
        // SAFETY: the wrapper is `void (ptr)`, compiled by the JIT, and
        // stores at most the result's size (< 256 bytes) to `out_j`.
        let run: extern "C" fn(*mut u8) = unsafe { std::mem::transmute(addr as usize) };
        run(out_j.as_mut_ptr());
        let trap_j = jitty_jit::take_trap().map(|t| t.kind);
        for (engine, got) in
            [("interp", outcome(trap_i, kind, lanes, &out_i)), ("jit", outcome(trap_j, kind, lanes, &out_j))]
        {
            if got != want {
                errors.push(format!("line {} `{}`: {engine} gives {got}, expected {want}", r.line, r.call));
            }
        }
    }
    // SAFETY: no code of the unit runs any more.
    unsafe { unit.free() };
    if errors.is_empty() { Ok(runs.len()) } else { Err(errors.join("\n")) }
}

#[test]
fn run_filetests_on_both_engines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/run")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ll"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 12, "only {} run filetests", paths.len());
    let mut failures = Vec::new();
    let mut lines = 0;
    for p in &paths {
        match check_file(p) {
            Ok(n) => lines += n,
            Err(e) => failures.push(format!("{}:\n{e}", p.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("{} run filetests, {lines} run lines, each on the interpreter and the JIT", paths.len());
}
