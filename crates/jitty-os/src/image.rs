//! The kernel image: the embedded LLVM IR, the native kernel's exported
//! symbols, and the start-up check that the two agree.
//!
//! [`check_image`] verifies, before anything is specialized:
//!
//! 1. **Symbols.** Every function and static *defined* in the IR is looked up
//!    in the binary's own symbol table (`/proc/self/exe`, parsed with
//!    `object`), with the load bias computed from a known kernel function
//!    (handles PIE). Definitions the linker discarded as unreferenced are
//!    counted, not errors (nothing can reach them). The roots that live
//!    memory does reach — every slot of the generic GFT, every entry of the
//!    host-services table, every file-ops table, the spec-point entries, the
//!    exported statics — must resolve to exactly the address the running
//!    code uses, and be defined in the IR.
//! 2. **Layout.** `jk_layout_probe` (computed by the kernel itself) is
//!    compared with the host's copy of the shared ABI (`abi.rs`) for the
//!    structures both sides know, and with the same function run from the
//!    embedded IR on jitty's interpreter, word for word.
//! 3. **Annotations.** The type descriptors and spec points
//!    (`JK_TYPE_DESCS`, `JK_SPEC_POINTS`) as the interpreter materializes
//!    them from the IR's initializers must equal the native kernel's, field
//!    by field; each spec point's entry and global root must resolve.
//!
//! The IR is parsed once with `jitty_llvm::parse_module` (the module is kept
//! for the interpreter and the specializer) and, independently, scanned by a
//! small line scanner (`define … @name(`, `@name = <linkage> global|constant`);
//! the two must find the same definitions. If the parser rejects the kernel
//! IR, specialization is disabled and the scanner's names are used for the
//! symbol check.

use std::collections::{HashMap, HashSet};
use std::ffi::c_void;
use std::fmt;
use std::sync::Arc;

use crate::abi::{self, LAYOUT_PROBE_WORDS, SigAction, Stat};
use crate::annot::{Annotations, Root};

/// The kernel's LLVM IR, produced by the same rustc run as the native object.
pub static KERNEL_IR: &str = include_str!(concat!(env!("OUT_DIR"), "/kernel.ll"));

/// The host's view of the dispatch table.
pub type HostGft = abi::SyscallTable<*mut c_void>;

/// A file-operations table as the host sees it (its objects opaque).
pub type HostFileOps = abi::FileOps<HostTypes>;

/// The kernel objects the host-services entries take, opaque to the host.
#[derive(Debug)]
pub enum HostTypes {}

impl abi::HostServiceTypes for HostTypes {
    type Thread = c_void;
    type Region = c_void;
    type Method = c_void;
    type Discipline = c_void;
    type Auth = c_void;
    type RpcClient = c_void;
    type RpcServer = c_void;
    type ProcDesc = crate::rpc::ProcDesc;
}

impl abi::FileOpsTypes for HostTypes {
    type File = c_void;
    type Thread = c_void;
    type Inode = c_void;
}

/// The host's view of the host-services table (`abi::HostServices`).
pub type HostServices = abi::HostServices<HostTypes>;

unsafe extern "C" {
    /// The generic dispatch table.
    pub static GENERIC_GFT: HostGft;
    /// The spec-point table.
    pub static JK_SPEC_POINTS: abi::SpecTable;
    /// The host-services table: every non-syscall entry into the kernel.
    static JK_HOST_SERVICES: HostServices;
}

/// The kernel's host-services table.
pub fn services() -> &'static HostServices {
    // SAFETY: the kernel exports JK_HOST_SERVICES with this layout (abi.rs);
    // it is immutable.
    unsafe { &JK_HOST_SERVICES }
}

/// Runs a host-services call as every entry into kernel code runs: inside a
/// dispatch region of the guard protocol (enter before, leave after), so a
/// guarded write it makes is covered by the drain like a syscall's.
pub fn in_kernel<R>(call: impl FnOnce(&'static HostServices) -> R) -> R {
    jitty_rt::guard::host::with_thread_record(|rec| {
        rec.enter();
        let r = call(services());
        rec.leave();
        r
    })
}

/// Calls the code in the object dispatch slot at `slot` (a region's
/// allocation slot, a client's call slot) as the syscall stubs call a GFT
/// slot: the slot is loaded inside the dispatch region and the code
/// recorded, so a guarded write (even one this very call makes) never frees
/// code a caller is still in.
pub fn dispatch_object_slot<R>(slot: usize, call: impl FnOnce(usize) -> R) -> R {
    jitty_rt::guard::host::with_thread_record(|rec| {
        rec.enter();
        // SAFETY: `slot` is the code-address word of a live object (caller).
        let code =
            unsafe { (*(slot as *const std::sync::atomic::AtomicUsize)).load(std::sync::atomic::Ordering::Acquire) };
        rec.entered(slot, code);
        let r = call(code);
        rec.leave();
        r
    })
}

/// The offset of point `name`'s slot in its object (from the spec-point
/// table: the ABI the kernel declares).
pub fn object_slot_offset(name: &str) -> Option<usize> {
    static OFFSETS: std::sync::OnceLock<Vec<(String, usize)>> = std::sync::OnceLock::new();
    OFFSETS
        .get_or_init(|| {
            crate::annot::Annotations::native()
                .map(|a| {
                    a.points.iter().filter_map(|p| p.obj_slot.map(|(_, off)| (p.name.clone(), off as usize))).collect()
                })
                .unwrap_or_default()
        })
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, o)| *o)
}

/// Outcome of the start-up check.
#[derive(Debug, Clone, Default)]
pub struct ImageReport {
    /// How the IR was read ("line scanner").
    pub ir_reader: &'static str,
    /// Size of the embedded IR in bytes.
    pub ir_bytes: usize,
    /// Functions defined in the IR.
    pub ir_functions: usize,
    /// Globals (statics) defined in the IR.
    pub ir_statics: usize,
    /// IR definitions found in the binary's symbol table.
    pub resolved: usize,
    /// IR definitions absent from the binary (discarded by the linker as unreferenced).
    pub discarded: usize,
    /// Load bias of the executable (0 for non-PIE).
    pub load_bias: usize,
    /// Live roots checked (GFT slots, ops tables, spec points, statics).
    pub roots_checked: usize,
    /// Layout words compared.
    pub layout_checked: usize,
    /// Native probe words.
    pub probe: Vec<u64>,
    /// Whether the IR-side probe was compared (needs the interpreter).
    pub ir_probe_compared: bool,
    /// Type descriptors compared between the IR's tables (materialized by
    /// the interpreter) and the native kernel's.
    pub descs_compared: usize,
    /// Everything that disagreed.
    pub problems: Vec<String>,
    /// Live address of every IR definition the binary kept, by name (what
    /// the specializer's oracle and residual code link against).
    pub symbols: HashMap<String, u64>,
}

impl ImageReport {
    /// Whether the IR and the native kernel agree (specialization may proceed).
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for ImageReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "kernel image: {} bytes of IR ({}), {} functions, {} statics",
            self.ir_bytes, self.ir_reader, self.ir_functions, self.ir_statics
        )?;
        writeln!(
            f,
            "symbols: {} resolved, {} discarded by the linker, load bias {:#x}, {} live roots checked",
            self.resolved, self.discarded, self.load_bias, self.roots_checked
        )?;
        writeln!(
            f,
            "layout: {} words compared with the host ABI; ir_probe: {}",
            self.layout_checked,
            if self.ir_probe_compared { "interpreted IR agrees word for word" } else { "not compared" }
        )?;
        writeln!(
            f,
            "annotations: {} type descriptors and the spec points compared, IR vs native",
            self.descs_compared
        )?;
        if self.problems.is_empty() {
            write!(f, "status: ok")
        } else {
            writeln!(f, "status: MISMATCH — specialization disabled, native kernel only:")?;
            for p in &self.problems {
                writeln!(f, "  - {p}")?;
            }
            Ok(())
        }
    }
}

/// Names defined in LLVM IR text: `(functions, statics)`.
pub fn scan_ir_definitions(ir: &str) -> (Vec<String>, Vec<String>) {
    let mut funcs = Vec::new();
    let mut statics = Vec::new();
    for line in ir.lines() {
        if let Some(rest) = line.strip_prefix("define ") {
            if let Some(at) = rest.find(" @")
                && let Some(name) = ir_name(&rest[at + 2..])
            {
                funcs.push(name);
            }
        } else if let Some(rest) = line.strip_prefix('@') {
            let Some(name) = ir_name(rest) else { continue };
            let after = &rest[rest.find(" = ").map_or(rest.len(), |i| i + 3)..];
            let is_decl = after.starts_with("external ") || after.starts_with("extern_weak ");
            let is_private = after.starts_with("private ");
            let is_var = after.split_whitespace().take(8).any(|w| w == "global" || w == "constant");
            if !is_decl && !is_private && is_var {
                statics.push(name);
            }
        }
    }
    (funcs, statics)
}

fn ir_name(s: &str) -> Option<String> {
    if let Some(q) = s.strip_prefix('"') {
        let end = q.find('"')?;
        return Some(q[..end].to_string());
    }
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || "._$-".contains(c)))?;
    if end == 0 { None } else { Some(s[..end].to_string()) }
}

/// Definitions of a parsed module: `(functions, statics)` with a symbol
/// (declarations and private globals excluded).
pub fn module_definitions(m: &jitty_ir::Module) -> (Vec<String>, Vec<String>) {
    let funcs = m.funcs.iter().filter(|f| !f.is_declaration()).map(|f| f.name.clone()).collect();
    let statics = m
        .globals
        .iter()
        .filter(|g| g.init.is_some() && g.linkage != jitty_ir::Linkage::Private)
        .map(|g| g.name.clone())
        .collect();
    (funcs, statics)
}

/// Runs the start-up check of the kernel image against `ir_text`.
pub fn check_image(ir_text: &str) -> ImageReport {
    check_image_with_module(ir_text).0
}

/// [`check_image`], also returning the parsed module (None if the parser
/// rejected the IR).
pub fn check_image_with_module(ir_text: &str) -> (ImageReport, Option<Arc<jitty_ir::Module>>) {
    let (sf, ss) = scan_ir_definitions(ir_text);
    let mut problems = Vec::new();
    let (module, funcs, statics, reader) = match jitty_llvm::parse_module(ir_text, "kernel.ll") {
        Ok(m) => {
            let (mf, ms) = module_definitions(&m);
            let a: HashSet<&String> = mf.iter().chain(ms.iter()).collect();
            let b: HashSet<&String> = sf.iter().chain(ss.iter()).collect();
            let diff: Vec<_> = a.symmetric_difference(&b).take(5).collect();
            if !diff.is_empty() {
                problems.push(format!("jitty-llvm and the line scanner disagree on definitions, e.g. {diff:?}"));
            }
            (Some(Arc::new(m)), mf, ms, "jitty-llvm (cross-checked by the line scanner)")
        }
        Err(e) => {
            problems.push(format!("jitty-llvm cannot parse the kernel IR: {e}"));
            (None, sf, ss, "line scanner (jitty-llvm failed)")
        }
    };
    let mut r = ImageReport {
        ir_reader: reader,
        ir_bytes: ir_text.len(),
        ir_functions: funcs.len(),
        ir_statics: statics.len(),
        problems,
        ..Default::default()
    };
    check_symbols(&mut r, &funcs, &statics);
    if let Some(m) = &module {
        ir_layout_check(&mut r, m);
    }
    (r, module)
}

/// Runs `jk_layout_probe` from the kernel's IR on jitty's interpreter and
/// compares every word with what the native kernel computed: the IR and the
/// native object must agree on the layout of every kernel object the
/// specializer will read.
fn ir_layout_check(r: &mut ImageReport, module: &Arc<jitty_ir::Module>) {
    let interp = match jitty_interp::Interpreter::load_host(module.clone()) {
        Ok(interp) => interp,
        Err(e) => {
            r.problems.push(format!("loading the kernel IR into the interpreter: {e}"));
            return;
        }
    };
    let mut words = vec![0u64; LAYOUT_PROBE_WORDS];
    let args = [words.as_mut_ptr() as u64, words.len() as u64];
    match interp.call_by_name("jk_layout_probe", &args) {
        Ok(ret) => {
            let n = ret.first().copied().unwrap_or(0) as usize;
            words.truncate(n.min(LAYOUT_PROBE_WORDS));
            r.ir_probe_compared = true;
            if words != r.probe {
                r.problems
                    .push(format!("layout probe: interpreted IR says {words:?}, native kernel says {:?}", r.probe));
            }
        }
        Err(e) => r.problems.push(format!("interpreting jk_layout_probe from the kernel IR: {e}")),
    }
    ir_annotations_check(r, &interp);
}

/// Compares the annotation tables as the IR initializes them (the copies
/// the interpreter's Image materialized, pointers relocated to the Image's
/// own globals) with the native kernel's: same types, fields, offsets,
/// sizes, kinds, pointees and spec-point paths.
fn ir_annotations_check(r: &mut ImageReport, interp: &jitty_interp::Interpreter) {
    let image = interp.image();
    let (Some(types), Some(points)) = (image.symbol_addr("JK_TYPE_DESCS"), image.symbol_addr("JK_SPEC_POINTS")) else {
        r.problems.push("the kernel IR defines no JK_TYPE_DESCS/JK_SPEC_POINTS".into());
        return;
    };
    let native = match Annotations::native() {
        Ok(a) => a,
        Err(e) => return r.problems.push(format!("native annotations: {e}")),
    };
    // SAFETY: the Image materialized both tables from the IR's initializers,
    // with the abi.rs layout; their pointers point into the Image's globals.
    let ir = match unsafe { Annotations::read(types as *const abi::TypeTable, points as *const abi::SpecTable) } {
        Ok(a) => a,
        Err(e) => return r.problems.push(format!("annotations in the kernel IR: {e}")),
    };
    let diff = native.diff(&ir);
    if diff.is_empty() {
        r.descs_compared = native.types.len();
    }
    r.problems.extend(diff.into_iter().take(5).map(|d| format!("annotations (native vs IR): {d}")));
}

fn check_symbols(r: &mut ImageReport, funcs: &[String], statics: &[String]) {
    let defined: HashSet<&str> = funcs.iter().chain(statics.iter()).map(|s| s.as_str()).collect();
    let symtab = match read_own_symbols(&defined) {
        Ok(s) => s,
        Err(e) => {
            r.problems.push(format!("cannot read the binary's symbol table: {e}"));
            return;
        }
    };
    r.resolved = symtab.len();
    r.discarded = defined.len().saturating_sub(symtab.len());
    // Load bias from a known kernel function; cross-checked with a second one.
    let hs = services();
    let anchor = hs.boot as usize;
    match symtab.get("jk_boot") {
        Some(&a) => r.load_bias = anchor.wrapping_sub(a as usize),
        None => {
            r.problems.push("jk_boot is not in the symbol table".into());
            return;
        }
    }
    let check_root = |what: String, name: &str, addr: usize, r: &mut ImageReport| {
        r.roots_checked += 1;
        if !defined.contains(name) {
            r.problems.push(format!("{what}: `{name}` is not defined in the IR"));
            return;
        }
        match symtab.get(name) {
            Some(&a) if (a as usize).wrapping_add(r.load_bias) == addr => {}
            Some(&a) => r.problems.push(format!(
                "{what}: `{name}` at {:#x} in the symbol table, {addr:#x} live",
                (a as usize).wrapping_add(r.load_bias)
            )),
            None => r.problems.push(format!("{what}: `{name}` missing from the symbol table")),
        }
    };
    r.symbols = symtab.iter().map(|(n, &a)| (n.clone(), a.wrapping_add(r.load_bias as u64))).collect();
    let by_addr: HashMap<usize, &str> =
        symtab.iter().map(|(n, &a)| ((a as usize).wrapping_add(r.load_bias), n.as_str())).collect();
    // The generic GFT: each slot must be a symbol defined in the IR.
    // SAFETY: the kernel exports GENERIC_GFT with this layout (abi.rs).
    let gft = unsafe { &GENERIC_GFT };
    let slots = std::mem::size_of::<HostGft>() / 8;
    // SAFETY: the table is `slots` function pointers.
    let words = unsafe { std::slice::from_raw_parts(gft as *const HostGft as *const usize, slots) };
    for (i, &w) in words.iter().enumerate() {
        match by_addr.get(&w) {
            Some(name) => check_root(format!("GFT slot {i}"), name, w, r),
            None => r.problems.push(format!("GFT slot {i} ({w:#x}) names no kernel symbol")),
        }
    }
    check_root("static".into(), "GENERIC_GFT", gft as *const HostGft as usize, r);
    // The host-services table: likewise, each entry a kernel function of the IR.
    let entries = std::mem::size_of::<HostServices>() / 8;
    // SAFETY: the table is `entries` function pointers.
    let words = unsafe { std::slice::from_raw_parts(hs as *const HostServices as *const usize, entries) };
    for (i, &w) in words.iter().enumerate() {
        match by_addr.get(&w) {
            Some(name) => check_root(format!("host-services entry {i}"), name, w, r),
            None => r.problems.push(format!("host-services entry {i} ({w:#x}) names no kernel symbol")),
        }
    }
    check_root("static".into(), "JK_HOST_SERVICES", hs as *const HostServices as usize, r);
    check_root("static".into(), "JK_SPEC_POINTS", &raw const JK_SPEC_POINTS as usize, r);
    // SAFETY: exported static of the kernel image.
    let types = unsafe { JK_SPEC_POINTS.types } as usize;
    check_root("static".into(), "JK_TYPE_DESCS", types, r);
    match Annotations::native() {
        Ok(a) => {
            for p in &a.points {
                check_root(format!("spec point `{}`", p.name), &p.entry_symbol, p.entry, r);
                for path in &p.paths {
                    if let Root::Global(g) = path.root {
                        match by_addr.get(&g) {
                            Some(name) => check_root(format!("root of `{}.{}`", p.name, path.name), name, g, r),
                            None => {
                                r.problems.push(format!("root of `{}.{}` names no kernel symbol", p.name, path.name))
                            }
                        }
                    }
                }
            }
        }
        Err(e) => r.problems.push(format!("native annotations: {e}")),
    }
    // File-ops tables reachable from the spec points' roots are checked below.
    for name in ["jk_sys_write", "jk_sys_read", "jk_sys_kill", "jk_layout_probe", "jk_check_invariants"] {
        if let Some(&a) = symtab.get(name) {
            check_root("entry".into(), name, (a as usize).wrapping_add(r.load_bias), r);
        }
    }
    // File-ops tables: find them by scanning the IR statics whose names mention FOPS.
    for s in statics.iter().filter(|s| s.contains("FOPS")) {
        if let Some(&a) = symtab.get(s.as_str()) {
            let addr = (a as usize).wrapping_add(r.load_bias);
            // SAFETY: a FileOps static of the live kernel image.
            let ops = unsafe { &*(addr as *const HostFileOps) };
            let slots = [
                ops.read.map(|f| f as usize),
                ops.write.map(|f| f as usize),
                ops.llseek.map(|f| f as usize),
                ops.iterate.map(|f| f as usize),
                ops.release.map(|f| f as usize),
            ];
            for (i, slot) in slots.into_iter().enumerate() {
                let Some(slot) = slot else { continue };
                match by_addr.get(&slot) {
                    Some(name) => check_root(format!("{s} slot {i}"), name, slot, r),
                    None => r.problems.push(format!("{s} slot {i} names no kernel symbol")),
                }
            }
        }
    }
    layout_check(r);
}

fn layout_check(r: &mut ImageReport) {
    let mut w = vec![0u64; LAYOUT_PROBE_WORDS];
    // SAFETY: `w` has room for LAYOUT_PROBE_WORDS words.
    let n = unsafe { (services().layout_probe)(w.as_mut_ptr(), w.len()) };
    w.truncate(n);
    let expect: [(usize, u64, &str); 6] = [
        (0, 0x4a49_5454_5921, "magic"),
        (1, 1, "version"),
        (25, std::mem::size_of::<HostGft>() as u64, "sizeof SyscallTable"),
        (26, std::mem::offset_of!(HostGft, write) as u64, "SyscallTable.write"),
        (29, std::mem::size_of::<SigAction>() as u64, "sizeof SigAction"),
        (30, std::mem::size_of::<Stat>() as u64, "sizeof Stat"),
    ];
    if n != LAYOUT_PROBE_WORDS {
        r.problems.push(format!("layout probe wrote {n} words, expected {LAYOUT_PROBE_WORDS}"));
    }
    for (i, v, what) in expect {
        r.layout_checked += 1;
        if w.get(i) != Some(&v) {
            r.problems.push(format!("layout: {what}: kernel says {:?}, host ABI says {v}", w.get(i)));
        }
    }
    r.probe = w;
}

/// Live addresses of the names in `wanted` that this binary defines (the
/// host's HAL and hooks, which the kernel IR declares), by the symbol table
/// and the load bias of the start-up check.
pub fn own_symbols(wanted: &HashSet<&str>, load_bias: usize) -> HashMap<String, u64> {
    read_own_symbols(wanted)
        .unwrap_or_default()
        .into_iter()
        .map(|(n, a)| (n, a.wrapping_add(load_bias as u64)))
        .collect()
}

/// Reads `/proc/self/exe`'s symbol table, keeping the names in `wanted`.
fn read_own_symbols(wanted: &HashSet<&str>) -> Result<HashMap<String, u64>, String> {
    use object::{Object, ObjectSymbol};
    let data = std::fs::read("/proc/self/exe").map_err(|e| e.to_string())?;
    let file = object::File::parse(&*data).map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    for sym in file.symbols() {
        if sym.is_undefined() {
            continue;
        }
        if let Ok(name) = sym.name()
            && wanted.contains(name)
        {
            out.insert(name.to_string(), sym.address());
        }
    }
    Ok(out)
}
