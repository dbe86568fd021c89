//! The online evaluator (see the crate docs for what it does).
//!
//! **State.** A stack of frames (one per inlined call: function, block,
//! position, and an environment from SSA values to abstract values), the
//! virtual objects (allocas whose bytes are tracked), and whether `Quasi`
//! loads may still be folded. An abstract value is static (an integer or
//! pointer, an unfolded source constant, a pointer into a virtual object,
//! an aggregate of abstract values) or dynamic (a residual SSA value).
//!
//! **Residual blocks.** At every source block entry the state is pruned to
//! live values and turned into a key (dynamic values abstracted to their
//! type). A key seen before means a residual block exists for exactly this
//! static state: the evaluator branches to it, passing the dynamic values
//! as phi operands (one phi per dynamic leaf of the state, in a fixed
//! traversal order). Otherwise it makes the block, with one phi per dynamic
//! leaf, and evaluates it later from a worklist.
//!
//! **Termination.** A program point reached again along one path after a
//! dynamic branch, more than [`DYNAMIC_UNROLL`] times, or more than
//! `max_variants` times in all, is widened: the static leaves that differ
//! from the previous visit become phis (a pointer into a virtual object only
//! once every virtual object is real memory). If the state keeps changing
//! shape (tracked memory growing around a loop), every virtual object is
//! made real after three times `max_variants`. Every other bound is an
//! error, and the path stays generic.

use crate::import::Importer;
use crate::liveness::Liveness;
use crate::record::{Decision, LoadKind, Record};
use crate::{Classified, GuardTerm, Options, Oracle, Residual, Result, SpecError, StaticArg};
use jitty_ir::{
    BlockId, CastOp, ConstData, ConstExpr, ConstId, FuncId, Function, InstData, InstId, InstKind, IntPred, Intrinsic,
    Module, Param, Ty, TypeData, Value,
};
use jitty_sem::int::{OverflowOp, SatOp, icmp, int_bin, mask128, saturating, sext128, with_overflow};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// A loop head reached again after a dynamic branch is widened after this
/// many iterations along one path (short loops with a dynamic test inside
/// still unroll).
const DYNAMIC_UNROLL: usize = 3;

/// A virtual object: an alloca of frame `depth`, function, instruction.
type VirtId = (u32, FuncId, InstId);

/// An abstract value. Types are the source module's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Av {
    /// A static integer or pointer.
    S { bits: u128, ty: Ty },
    /// A source constant kept as it is (floats, vectors, aggregates).
    C(ConstId),
    /// A pointer `off` bytes into a virtual object.
    Virt { id: VirtId, off: i64 },
    /// A dynamic value: a residual SSA value.
    D { v: Value, ty: Ty },
    /// A struct or array, element by element.
    Agg { ty: Ty, elems: Vec<Av> },
}

/// An abstract value with dynamic values reduced to their type: the part
/// of the state that selects a residual block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Kav {
    S(u128, Ty),
    C(ConstId),
    Virt(VirtId, i64),
    Dyn(Ty),
    Agg(Ty, Vec<Kav>),
}

impl Av {
    fn key(&self) -> Kav {
        match self {
            Av::S { bits, ty } => Kav::S(*bits, *ty),
            Av::C(c) => Kav::C(*c),
            Av::Virt { id, off } => Kav::Virt(*id, *off),
            Av::D { ty, .. } => Kav::Dyn(*ty),
            Av::Agg { ty, elems } => Kav::Agg(*ty, elems.iter().map(Av::key).collect()),
        }
    }

    fn leaves_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Av>) {
        match self {
            Av::Agg { elems, .. } => elems.iter_mut().for_each(|e| e.leaves_mut(out)),
            other => out.push(other),
        }
    }
}

impl Kav {
    fn leaves<'a>(&'a self, out: &mut Vec<&'a Kav>) {
        match self {
            Kav::Agg(_, elems) => elems.iter().for_each(|e| e.leaves(out)),
            other => out.push(other),
        }
    }

    /// The structure with leaf values erased.
    fn shape(&self) -> Kav {
        match self {
            Kav::Agg(t, elems) => Kav::Agg(*t, elems.iter().map(Kav::shape).collect()),
            _ => Kav::Dyn(Ty(0)),
        }
    }
}

#[derive(Clone, Debug)]
struct VirtObj {
    size: u64,
    /// Offset → (size, value); entries never overlap.
    entries: BTreeMap<i64, (u64, Av)>,
    materialized: bool,
}

/// A frame's values, sorted by value as a `BTreeMap` would keep them, in
/// one allocation: the evaluator clones, prunes, keys and drops the
/// frames' values at every edge, and a frame holds a few dozen at most.
#[derive(Clone, Debug, Default)]
struct Env(Vec<(Value, Av)>);

impl Env {
    fn find(&self, v: &Value) -> std::result::Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(v))
    }

    fn get(&self, v: &Value) -> Option<&Av> {
        self.find(v).ok().map(|i| &self.0[i].1)
    }

    fn insert(&mut self, v: Value, a: Av) {
        match self.find(&v) {
            Ok(i) => self.0[i].1 = a,
            Err(i) => self.0.insert(i, (v, a)),
        }
    }

    fn retain(&mut self, mut keep: impl FnMut(&Value, &mut Av) -> bool) {
        self.0.retain_mut(|(v, a)| keep(v, a));
    }

    fn iter(&self) -> impl Iterator<Item = (&Value, &Av)> {
        self.0.iter().map(|(v, a)| (v, a))
    }

    fn values(&self) -> impl Iterator<Item = &Av> {
        self.0.iter().map(|(_, a)| a)
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut Av> {
        self.0.iter_mut().map(|(_, a)| a)
    }
}

#[derive(Clone, Debug)]
struct Frame {
    func: FuncId,
    block: BlockId,
    /// Top frame: the next instruction. Other frames: the call being made.
    pos: usize,
    env: Env,
    /// A caller frame already pruned to what is live after its call at
    /// `pos` (its values cannot change until the callee returns).
    pruned_caller: bool,
}

#[derive(Clone, Debug)]
struct State {
    frames: Vec<Frame>,
    virts: BTreeMap<VirtId, VirtObj>,
    quasi_ok: bool,
    /// Dynamic branches taken on this path so far.
    dyn_branches: u64,
    /// Per program point on this path: dynamic branches at the last visit,
    /// dynamic iterations so far, and the key then.
    history: Arc<HashMap<Point, Visit>>,
}

type Point = Vec<(FuncId, BlockId, usize)>;

/// A loop head's last visit along a path: dynamic branches then, dynamic
/// iterations so far, and the entry key then.
type Visit = (u64, usize, Arc<Key>);

/// A frame of a key: function, block, position, live values.
type FrameKey = (FuncId, BlockId, usize, Vec<(Value, Kav)>);
/// A virtual object of a key: id, size, materialized, tracked entries.
type VirtKey = (VirtId, u64, bool, Vec<(i64, u64, Kav)>);

/// The part of a state that selects a residual block. Its hash is taken
/// once, when it is made (a key is looked up and inserted several times),
/// and compared first.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    hash: u64,
    frames: Vec<FrameKey>,
    virts: Vec<VirtKey>,
    quasi_ok: bool,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.hash);
    }
}

impl Key {
    fn new(frames: Vec<FrameKey>, virts: Vec<VirtKey>, quasi_ok: bool) -> Key {
        let mut h = rustc_hash::FxHasher::default();
        (&frames, &virts, quasi_ok).hash(&mut h);
        Key { hash: h.finish(), frames, virts, quasi_ok }
    }

    fn leaves(&self) -> Vec<&Kav> {
        let mut out = Vec::new();
        for (_, _, _, env) in &self.frames {
            env.iter().for_each(|(_, k)| k.leaves(&mut out));
        }
        for (_, _, _, entries) in &self.virts {
            entries.iter().for_each(|(_, _, k)| k.leaves(&mut out));
        }
        out
    }

    fn shape(&self) -> Key {
        Key::new(
            self.frames
                .iter()
                .map(|(f, b, p, env)| (*f, *b, *p, env.iter().map(|(v, k)| (*v, k.shape())).collect()))
                .collect(),
            self.virts
                .iter()
                .map(|(id, s, m, e)| (*id, *s, *m, e.iter().map(|(o, z, k)| (*o, *z, k.shape())).collect()))
                .collect(),
            self.quasi_ok,
        )
    }
}

impl State {
    fn top(&self) -> &Frame {
        self.frames.last().expect("a frame")
    }

    fn top_mut(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("a frame")
    }

    fn point(&self) -> Point {
        self.frames.iter().map(|f| (f.func, f.block, f.pos)).collect()
    }

    fn key(&self) -> Key {
        Key::new(
            self.frames
                .iter()
                .map(|f| (f.func, f.block, f.pos, f.env.iter().map(|(v, a)| (*v, a.key())).collect()))
                .collect(),
            self.virts
                .iter()
                .map(|(id, o)| {
                    (*id, o.size, o.materialized, o.entries.iter().map(|(off, (s, a))| (*off, *s, a.key())).collect())
                })
                .collect(),
            self.quasi_ok,
        )
    }

    /// The static and dynamic leaves, in the order of [`Key::leaves`].
    fn leaves_mut(&mut self) -> Vec<&mut Av> {
        let mut out = Vec::new();
        for f in &mut self.frames {
            f.env.values_mut().for_each(|a| a.leaves_mut(&mut out));
        }
        for o in self.virts.values_mut() {
            o.entries.values_mut().for_each(|(_, a)| a.leaves_mut(&mut out));
        }
        out
    }
}

/// A residual block made for one static state.
#[derive(Debug)]
struct Made {
    block: BlockId,
    /// Per leaf: its phi, if the leaf is dynamic in the block.
    phis: Vec<Option<InstId>>,
}

enum Flow {
    Next,
    Stop,
}

/// Facts about a source module shared by every specialization of it.
#[derive(Debug)]
pub struct Evaluator<'m> {
    module: &'m Module,
    may_quiesce: Vec<bool>,
    /// Per function: its instructions plus those of every function it may
    /// inline, transitively (saturating; a recursive call counts once).
    inline_size: Vec<usize>,
    inline_bound: usize,
    liveness: Mutex<HashMap<FuncId, Arc<Liveness>>>,
    /// The module's `i8` and `ptr` types.
    i8: Option<Ty>,
    ptr: Ty,
}

impl<'m> Evaluator<'m> {
    /// An evaluator over `module`; a call to any of the `quiescent`
    /// externals, or to a function that may reach one (or an indirect
    /// call), may make the calling thread quiescent. A callee is inlined
    /// only if it and what it would inline in turn hold at most
    /// `inline_bound` instructions.
    pub fn new(module: &'m Module, quiescent: &[String], inline_bound: usize) -> Evaluator<'m> {
        let n = module.funcs.len();
        let mut may = vec![false; n];
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (id, f) in module.funcs_iter() {
            if f.is_declaration() {
                may[id.index()] = quiescent.contains(&f.name);
                continue;
            }
            for data in &f.insts {
                if let InstKind::Call { callee, .. } | InstKind::Invoke { callee, .. } = &data.kind {
                    match callee {
                        Value::Const(c) => match module.constant(*c) {
                            ConstData::Func { id: g, .. } => callers[g.index()].push(id.index()),
                            _ => may[id.index()] = true,
                        },
                        _ => may[id.index()] = true,
                    }
                }
            }
        }
        let mut work: Vec<usize> = (0..n).filter(|&i| may[i]).collect();
        while let Some(g) = work.pop() {
            for &c in &callers[g] {
                if !may[c] {
                    may[c] = true;
                    work.push(c);
                }
            }
        }
        let inline_size = inline_sizes(module, inline_bound);
        Evaluator {
            module,
            may_quiesce: may,
            inline_size,
            inline_bound,
            liveness: Mutex::new(HashMap::default()),
            i8: find_int(module, 8),
            ptr: find_ptr(module),
        }
    }

    /// The source module.
    pub fn module(&self) -> &'m Module {
        self.module
    }

    fn liveness(&self, f: FuncId) -> Arc<Liveness> {
        let mut map = self.liveness.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(f).or_insert_with(|| Arc::new(Liveness::new(self.module.func(f)))).clone()
    }

    /// Specializes `entry` for `args` (one per parameter) over the memory
    /// `oracle` describes.
    pub fn specialize(
        &self,
        entry: FuncId,
        args: &[StaticArg],
        oracle: &dyn Oracle,
        options: &Options,
    ) -> Result<Residual> {
        let m = self.module;
        if entry.index() >= m.funcs.len() || m.func(entry).is_declaration() {
            return Err(SpecError::Request("the entry is not a function definition".into()));
        }
        let ef = m.func(entry);
        if args.len() != ef.params.len() {
            return Err(SpecError::Request(format!("{} arguments for {} parameters", args.len(), ef.params.len())));
        }
        if m.types.func_sig(ef.ty).is_some_and(|(_, _, va)| va) {
            return Err(SpecError::Unsupported("variadic entry".into()));
        }
        let pe = Pe {
            ev: self,
            oracle,
            opts: options,
            imp: Importer::new(m),
            out: Function::declaration(options.name.clone(), Ty(0), Vec::new()),
            cur: BlockId(0),
            memo: HashMap::default(),
            work: Vec::new(),
            variants: HashMap::default(),
            last_key: HashMap::default(),
            blocks_by_func: HashMap::default(),
            locs: HashMap::default(),
            slots: HashMap::default(),
            guards: Vec::new(),
            seen_guards: HashSet::default(),
            record: Record::default(),
            steps: 0,
        };
        pe.run(entry, args)
    }
}

struct Pe<'e, 'm> {
    ev: &'e Evaluator<'m>,
    oracle: &'e dyn Oracle,
    opts: &'e Options,
    imp: Importer<'m>,
    out: Function,
    cur: BlockId,
    /// Residual blocks by entry key (keys shared with `last_key` and the
    /// states' histories).
    memo: HashMap<Arc<Key>, Arc<Made>>,
    work: Vec<(BlockId, State)>,
    variants: HashMap<Point, usize>,
    /// Source locations as the record prints them.
    locs: HashMap<(FuncId, InstId), String>,
    /// Residual blocks made per source function (to explain a blow-up).
    blocks_by_func: HashMap<FuncId, usize>,
    /// The entry key of the last block made at each point.
    last_key: HashMap<Point, Arc<Key>>,
    /// The residual `alloca` of each materialized virtual object.
    slots: HashMap<VirtId, Value>,
    guards: Vec<GuardTerm>,
    seen_guards: HashSet<(u64, u64)>,
    record: Record,
    steps: usize,
}

fn unsupported<T>(msg: impl Into<String>) -> Result<T> {
    Err(SpecError::Unsupported(msg.into()))
}

impl<'e, 'm> Pe<'e, 'm> {
    fn m(&self) -> &'m Module {
        self.ev.module
    }

    // ---------------------------------------------------------------- output

    fn emit(&mut self, kind: InstKind, ty: Ty) -> Value {
        let id = self.out.push_inst(InstData { kind, ty, name: None });
        self.out.blocks[self.cur.index()].insts.push(id);
        Value::Inst(id)
    }

    fn dst_ty(&mut self, t: Ty) -> Ty {
        self.imp.ty(t)
    }

    fn dst_int(&mut self, bits: u32, v: u128) -> Value {
        let t = self.imp.dst.types.int(bits);
        Value::Const(self.imp.dst.const_int(t, v))
    }

    fn loc(&mut self, st: &State, inst: InstId) -> String {
        let func = st.top().func;
        let m = self.ev.module;
        self.locs
            .entry((func, inst))
            .or_insert_with(|| {
                let f = m.func(func);
                match &f.inst(inst).name {
                    Some(n) => format!("{} %{n}", f.name),
                    None => format!("{} #{}", f.name, inst.0),
                }
            })
            .clone()
    }

    // ------------------------------------------------------------ driver

    fn run(mut self, entry: FuncId, args: &[StaticArg]) -> Result<Residual> {
        let m = self.m();
        let ef = m.func(entry);
        let ty = self.dst_ty(ef.ty);
        self.out.ty = ty;
        self.out.params = ef
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| Param { ty: self.imp.ty(p.ty), name: Some(format!("a{i}")), attrs: self.imp.attrs(p.attrs) })
            .collect();
        self.out.ret_attrs = self.imp.attrs(ef.ret_attrs);
        self.out.cconv = ef.cconv;
        self.out.linkage = jitty_ir::Linkage::External;
        let entry_block = self.out.push_block(Some("entry".into()));
        self.cur = entry_block;
        let mut env = Env::default();
        for (i, (p, a)) in ef.params.iter().zip(args).enumerate() {
            let av = match *a {
                StaticArg::Value(v) if m.types.int_bits(p.ty).is_some() || m.types.is_ptr(p.ty) => {
                    let bits = m.types.int_bits(p.ty).unwrap_or(64);
                    self.record.note(Decision::Read {
                        at: format!("{} argument {i}", ef.name),
                        kind: LoadKind::StaticArg,
                        what: format!("{v:#x}"),
                    });
                    Av::S { bits: u128::from(v) & mask128(bits), ty: p.ty }
                }
                StaticArg::Value(_) => return Err(SpecError::Request(format!("argument {i} cannot be static"))),
                StaticArg::Dynamic => Av::D { v: Value::Arg(i as u32), ty: p.ty },
            };
            env.insert(Value::Arg(i as u32), av);
        }
        if let Some(fallback) = self.opts.fallback.clone() {
            self.emit_arg_guard(entry, args, &fallback)?;
        }
        let st = State {
            frames: vec![Frame { func: entry, block: BlockId(0), pos: 0, env, pruned_caller: false }],
            virts: BTreeMap::new(),
            quasi_ok: true,
            dyn_branches: 0,
            history: Arc::new(HashMap::default()),
        };
        let first = self.edge(st, BlockId(0))?;
        let void = self.imp.dst.types.void();
        self.emit(InstKind::Br { dest: first }, void);
        while let Some((b, st)) = self.work.pop() {
            self.cur = b;
            self.block(st)?;
        }
        crate::cleanup::run(&mut self.out);
        let evaluated = self.steps;
        let mut module = self.imp.dst;
        let func = module.add_func(self.out);
        if let Err(errs) = jitty_ir::verify_module(&module) {
            let text = errs.iter().take(3).map(|e| e.to_string()).collect::<Vec<_>>().join("; ");
            return Err(SpecError::Verify(text));
        }
        Ok(Residual { module, func, guards: self.guards, record: self.record, evaluated })
    }

    /// The entry test of the static arguments: on a mismatch, the generic
    /// function runs with the same arguments. One compare-and-branch per
    /// argument, so the fast path runs a compare and a branch per static
    /// argument (an `or` of the mismatches would be computed into a
    /// register first).
    fn emit_arg_guard(&mut self, entry: FuncId, args: &[StaticArg], fallback: &str) -> Result<()> {
        let m = self.m();
        let ef = m.func(entry);
        let i1 = self.imp.dst.types.int(1);
        let vt = self.imp.dst.types.void();
        let mut tests = Vec::new();
        for (i, (p, a)) in ef.params.iter().zip(args).enumerate() {
            let StaticArg::Value(v) = *a else { continue };
            // The value at the parameter's width (an `int` argument may
            // come sign-extended to 64 bits).
            let width = m.types.int_bits(p.ty).unwrap_or(64);
            tests.push((i as u32, u128::from(v) & mask128(width), p.ty));
        }
        if tests.is_empty() {
            return Ok(());
        }
        let slow = self.out.push_block(Some("generic".into()));
        let last = tests.len() - 1;
        for (k, (i, bits, ty)) in tests.into_iter().enumerate() {
            let known = self.residual_leaf(&Av::S { bits, ty });
            let ne = self.emit(
                InstKind::ICmp { pred: IntPred::Ne, lhs: Value::Arg(i), rhs: known, flags: Default::default() },
                i1,
            );
            let next = self.out.push_block((k == last).then(|| "specialized".into()));
            self.emit(InstKind::CondBr { cond: ne, if_true: slow, if_false: next }, vt);
            self.cur = next;
        }
        let fast = self.cur;
        self.cur = slow;
        let fty = self.imp.ty(ef.ty);
        let callee = match m.func_by_name(fallback) {
            Some(g) => {
                let d = self.imp.func(g);
                let pty = self.imp.dst.types.ptr();
                Value::Const(self.imp.dst.intern_const(ConstData::Func { ty: pty, id: d }))
            }
            None => return Err(SpecError::Request(format!("fallback `{fallback}` is not in the module"))),
        };
        let arg_attrs = self.out.params.iter().map(|p| p.attrs).collect();
        let ret_ty = self.imp.dst.types.func_sig(fty).map(|(r, _, _)| r).unwrap_or(fty);
        let r = self.emit(
            InstKind::Call {
                callee,
                fn_ty: fty,
                args: (0..ef.params.len() as u32).map(Value::Arg).collect(),
                arg_attrs,
                ret_attrs: self.out.ret_attrs,
                cconv: ef.cconv,
                tail: Default::default(),
                flags: Default::default(),
            },
            ret_ty,
        );
        let void = self.imp.dst.types.is_void(ret_ty);
        self.emit(InstKind::Ret { val: (!void).then_some(r) }, vt);
        self.cur = fast;
        Ok(())
    }

    // ------------------------------------------------------- blocks and edges

    /// Prunes `st` to what is live at the top frame's position.
    fn prune(&self, st: &mut State) {
        let n = st.frames.len();
        for (k, fr) in st.frames.iter_mut().enumerate() {
            if k + 1 == n {
                let lv = self.ev.liveness(fr.func);
                let live = lv.live_in(fr.block);
                fr.env.retain(|v, _| live.contains(v));
            } else if !fr.pruned_caller {
                let live = self.ev.liveness(fr.func).live_after(self.m().func(fr.func), fr.block, fr.pos);
                fr.env.retain(|v, _| live.contains(v));
                fr.pruned_caller = true;
            }
        }
        // Virtual objects no live value reaches are dead.
        let mut reached: HashSet<VirtId> = HashSet::default();
        let mut stack: Vec<VirtId> = Vec::new();
        fn visit(a: &Av, stack: &mut Vec<VirtId>) {
            match a {
                Av::Virt { id, .. } => stack.push(*id),
                Av::Agg { elems, .. } => elems.iter().for_each(|e| visit(e, stack)),
                _ => {}
            }
        }
        for fr in &st.frames {
            fr.env.values().for_each(|a| visit(a, &mut stack));
        }
        while let Some(id) = stack.pop() {
            if reached.insert(id)
                && let Some(o) = st.virts.get(&id)
            {
                o.entries.values().for_each(|(_, a)| visit(a, &mut stack));
            }
        }
        st.virts.retain(|id, _| reached.contains(id));
    }

    /// The residual block for `st` entering block `to` of the top frame
    /// (its phis already evaluated), with the phi operands from the current
    /// block added.
    fn edge(&mut self, mut st: State, to: BlockId) -> Result<BlockId> {
        {
            let f = self.m().func(st.top().func);
            let first = f.block(to).insts.iter().position(|&i| !matches!(f.inst(i).kind, InstKind::Phi { .. }));
            let top = st.top_mut();
            top.block = to;
            top.pos = first.unwrap_or(0);
        }
        self.prune(&mut st);
        let key = st.key();
        if let Some(made) = self.memo.get(&key).cloned() {
            self.pass(&mut st, &made)?;
            return Ok(made.block);
        }
        // Widening.
        let point = st.point();
        let mut widen: Vec<bool> = Vec::new();
        let n = self.variants.entry(point.clone()).or_insert(0);
        *n += 1;
        let over_limit = *n > self.opts.max_variants;
        let n = *n;
        let mut dyn_iters = 0;
        // Only a loop head can be reached again along one path.
        let head = self.ev.liveness(st.top().func).is_loop_head(st.top().block);
        let along_path = st.history.get(&point).filter(|_| head).map(|(dyn_then, iters, prev)| {
            let dynamic_iteration = *dyn_then != st.dyn_branches;
            dyn_iters = iters + usize::from(dynamic_iteration);
            (dynamic_iteration && dyn_iters > DYNAMIC_UNROLL, prev.clone())
        });
        // The state to generalize against: the previous visit along this
        // path (a loop), else the last variant made anywhere (a join of
        // paths that keep differing).
        let reference = match along_path {
            Some((true, prev)) => Some(prev),
            _ if over_limit => self.last_key.get(&point).cloned(),
            _ => None,
        };
        let mut key = key;
        if let Some(prev) = reference {
            if prev.shape() != key.shape() && n > 3 * self.opts.max_variants {
                // The tracked memory keeps changing shape (a loop filling a
                // buffer on the stack): generalize memory too, by making
                // every virtual object real.
                let ids: Vec<VirtId> = st.virts.iter().filter(|(_, o)| !o.materialized).map(|(id, _)| *id).collect();
                for id in ids {
                    self.materialize(&mut st, id, "its contents change shape around a loop")?;
                }
                key = st.key();
            }
            if prev.shape() == key.shape() {
                let old = prev.leaves();
                let new = key.leaves();
                widen = old.iter().zip(&new).map(|(o, n)| o != n && !matches!(n, Kav::Dyn(_))).collect();
                // A pointer into a virtual object becomes dynamic only once
                // the object is real memory: make every virtual object real
                // and generalize at the next visit.
                let virt_widened = new.iter().zip(&widen).any(|(k, w)| {
                    *w && matches!(k, Kav::Virt(id, _) if st.virts.get(id).is_some_and(|o| !o.materialized))
                });
                if virt_widened {
                    let ids: Vec<VirtId> =
                        st.virts.iter().filter(|(_, o)| !o.materialized).map(|(id, _)| *id).collect();
                    for id in ids {
                        self.materialize(&mut st, id, "a pointer into it changes around a loop")?;
                    }
                    key = st.key();
                    widen.clear();
                }
            } else if n > 4 * self.opts.max_variants {
                return Err(SpecError::TooLarge(format!(
                    "more than {} variants of a point in {} (the static state changes shape)",
                    4 * self.opts.max_variants,
                    self.m().func(st.top().func).name
                )));
            }
        }
        let widened = widen.iter().filter(|&&w| w).count();
        if widened > 0 {
            let mut probe = st.clone();
            for (leaf, w) in probe.leaves_mut().into_iter().zip(&widen) {
                if *w {
                    let ty = self.av_ty(leaf);
                    *leaf = Av::D { v: Value::Arg(u32::MAX), ty };
                }
            }
            if let Some(made) = self.memo.get(&probe.key()).cloned() {
                self.memo.insert(Arc::new(key), made.clone());
                self.pass(&mut st, &made)?;
                return Ok(made.block);
            }
            self.record.note(Decision::Widened {
                at: format!("{} block {}", self.m().func(st.top().func).name, st.top().block.0),
                values: widened,
            });
        }
        *self.blocks_by_func.entry(st.top().func).or_insert(0) += 1;
        if self.out.blocks.len() >= self.opts.max_blocks {
            let mut by: Vec<(usize, FuncId)> = self.blocks_by_func.iter().map(|(f, n)| (*n, *f)).collect();
            by.sort_unstable_by(|a, b| b.cmp(a));
            let top: Vec<String> =
                by.iter().take(6).map(|(n, f)| format!("{} ({n})", self.m().func(*f).name)).collect();
            return Err(SpecError::TooLarge(format!(
                "more than {} residual blocks; most in {}",
                self.opts.max_blocks,
                top.join(", ")
            )));
        }
        // Make the block: one phi per dynamic (or widened) leaf.
        let block = self.out.push_block(None);
        let mut entry = st.clone();
        let mut phis = Vec::new();
        let mut new_phis: Vec<(InstId, Ty)> = Vec::new();
        for (i, leaf) in entry.leaves_mut().into_iter().enumerate() {
            let ty = match leaf {
                Av::D { ty, .. } | Av::S { ty, .. } => *ty,
                Av::C(c) => self.m().constant(*c).ty(),
                Av::Virt { .. } => self.ev.ptr,
                Av::Agg { .. } => unreachable!("aggregates are not leaves"),
            };
            if matches!(leaf, Av::D { .. }) || widen.get(i).copied().unwrap_or(false) {
                let dty = self.imp.ty(ty);
                let id =
                    self.out.push_inst(InstData { kind: InstKind::Phi { incoming: Vec::new() }, ty: dty, name: None });
                new_phis.push((id, dty));
                *leaf = Av::D { v: Value::Inst(id), ty };
                phis.push(Some(id));
            } else {
                phis.push(None);
            }
        }
        for (id, _) in &new_phis {
            self.out.blocks[block.index()].insts.push(*id);
        }
        let made = Arc::new(Made { block, phis });
        let entry_key = Arc::new(entry.key());
        self.last_key.insert(point.clone(), entry_key.clone());
        if head {
            Arc::make_mut(&mut entry.history).insert(point, (entry.dyn_branches, dyn_iters, entry_key.clone()));
        }
        self.memo.insert(Arc::new(key), made.clone());
        self.memo.entry(entry_key).or_insert_with(|| made.clone());
        self.pass(&mut st, &made)?;
        self.work.push((block, entry));
        Ok(block)
    }

    /// Adds the current block's values of `st`'s leaves to `made`'s phis.
    fn pass(&mut self, st: &mut State, made: &Made) -> Result<()> {
        if made.phis.iter().all(Option::is_none) {
            return Ok(());
        }
        let leaves: Vec<Av> = st.leaves_mut().into_iter().map(|a| a.clone()).collect();
        for (leaf, phi) in leaves.iter().zip(&made.phis) {
            if let Some(phi) = phi {
                let v = self.residual_in(st, leaf, "a generalized pointer")?;
                if let InstKind::Phi { incoming } = &mut self.out.insts[phi.index()].kind {
                    incoming.push((v, self.cur));
                }
            }
        }
        Ok(())
    }

    /// Evaluates the phis of `to` for an edge from `from` and enters it.
    fn transition(&mut self, mut st: State, from: BlockId, to: BlockId) -> Result<BlockId> {
        let f = self.m().func(st.top().func);
        let mut vals = Vec::new();
        for &i in &f.block(to).insts {
            let InstKind::Phi { incoming } = &f.inst(i).kind else { break };
            let Some(&(v, _)) = incoming.iter().find(|(_, b)| *b == from) else {
                return unsupported(format!("phi in {} without an entry for its predecessor", f.name));
            };
            vals.push((i, self.val(&mut st, v)?));
        }
        for (i, a) in vals {
            st.top_mut().env.insert(Value::Inst(i), a);
        }
        self.edge(st, to)
    }

    /// A residual block holding only a branch to the state's successor.
    fn trampoline(&mut self, st: State, from: BlockId, to: BlockId) -> Result<BlockId> {
        let saved = self.cur;
        let t = self.out.push_block(None);
        self.cur = t;
        let dest = self.transition(st, from, to)?;
        let void = self.imp.dst.types.void();
        self.emit(InstKind::Br { dest }, void);
        self.cur = saved;
        Ok(t)
    }

    /// Evaluates from the top frame's position until a terminator ends the
    /// residual block.
    fn block(&mut self, mut st: State) -> Result<()> {
        loop {
            self.steps += 1;
            if self.steps > self.opts.max_steps {
                return Err(SpecError::TooLarge(format!("more than {} evaluation steps", self.opts.max_steps)));
            }
            let (func, block, pos) = {
                let t = st.top();
                (t.func, t.block, t.pos)
            };
            let f = self.m().func(func);
            let Some(&inst) = f.block(block).insts.get(pos) else {
                return unsupported(format!("block without terminator in {}", f.name));
            };
            st.top_mut().pos = pos + 1;
            if let Flow::Stop = self.inst(&mut st, inst)? {
                return Ok(());
            }
        }
    }

    // ------------------------------------------------------------ values

    fn val(&mut self, st: &mut State, v: Value) -> Result<Av> {
        match v {
            Value::Const(c) => Ok(self.const_av(c)),
            _ => match st.top().env.get(&v) {
                Some(a) => Ok(a.clone()),
                None => {
                    unsupported(format!("value {v:?} of {} used before it is known", self.m().func(st.top().func).name))
                }
            },
        }
    }

    /// A source constant as an abstract value (scalars folded to bits,
    /// symbols to their live addresses).
    fn const_av(&self, c: ConstId) -> Av {
        match self.const_bits(c) {
            Some(bits) => Av::S { bits, ty: self.m().constant(c).ty() },
            None => Av::C(c),
        }
    }

    fn scalar_bits(&self, ty: Ty) -> Option<u32> {
        let t = &self.m().types;
        if t.is_ptr(ty) { Some(64) } else { t.int_bits(ty).filter(|&b| b <= 128) }
    }

    fn const_bits(&self, c: ConstId) -> Option<u128> {
        let m = self.m();
        let data = m.constant(c);
        let ty = data.ty();
        let bits = self.scalar_bits(ty)?;
        match data {
            ConstData::Int { bits: v, .. } => Some(*v),
            ConstData::Null(_) | ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) => Some(0),
            ConstData::Global { id, .. } => self.oracle.symbol_addr(&m.global(*id).name).map(u128::from),
            ConstData::Func { id, .. } => self.oracle.symbol_addr(&m.func(*id).name).map(u128::from),
            ConstData::Alias { id, .. } => self.oracle.symbol_addr(&m.aliases[id.index()].name).map(u128::from),
            ConstData::Expr { expr, .. } => match expr {
                ConstExpr::Cast { op, val } => {
                    let from = m.constant(*val).ty();
                    let fb = self.scalar_bits(from)?;
                    cast_int(*op, self.const_bits(*val)?, fb, bits)
                }
                ConstExpr::Binary { op, lhs, rhs, .. } => {
                    int_bin(*op, self.const_bits(*lhs)?, self.const_bits(*rhs)?, bits).ok()
                }
                ConstExpr::Gep { source_ty, base, indices, .. } => {
                    let b = self.const_bits(*base)?;
                    let (off, terms) = jitty_sem::gep::gep_walk(m, *source_ty, indices, |i| {
                        let ib = self.scalar_bits(m.constant(i).ty())?;
                        self.const_bits(i).map(|v| sext128(v, ib) as i64)
                    })
                    .ok()?;
                    terms.is_empty().then(|| (b as u64).wrapping_add(off as u64) as u128)
                }
                ConstExpr::FuncRef { func } => self.oracle.symbol_addr(&m.func(*func).name).map(u128::from),
                _ => None,
            },
            _ => None,
        }
        .map(|v| v & mask128(bits))
    }

    /// A leaf (static scalar, constant or dynamic) as a residual operand.
    fn residual_leaf(&mut self, a: &Av) -> Value {
        match a {
            Av::S { bits, ty } => self.static_operand(*bits, *ty),
            Av::C(c) => Value::Const(self.imp.constant(*c)),
            Av::D { v, .. } => *v,
            Av::Virt { .. } | Av::Agg { .. } => unreachable!("not a leaf"),
        }
    }

    fn static_operand(&mut self, bits: u128, ty: Ty) -> Value {
        let m = self.m();
        if m.types.is_ptr(ty) {
            let dty = self.imp.ty(ty);
            if bits == 0 {
                return Value::Const(self.imp.dst.intern_const(ConstData::Null(dty)));
            }
            if let Some(name) = self.oracle.symbol_at(bits as u64) {
                match m.symbol(&name) {
                    Some(jitty_ir::Symbol::Func(f)) => {
                        let d = self.imp.func(f);
                        return Value::Const(self.imp.dst.intern_const(ConstData::Func { ty: dty, id: d }));
                    }
                    Some(jitty_ir::Symbol::Global(g)) => {
                        let c = m.consts.iter().find(|(_, d)| matches!(d, ConstData::Global { id, .. } if *id == g));
                        if let Some((c, _)) = c {
                            return Value::Const(self.imp.constant(c));
                        }
                    }
                    _ => {}
                }
            }
            let i64t = self.imp.dst.types.int(64);
            let int = self.imp.dst.const_int(i64t, bits);
            return Value::Const(
                self.imp.dst.intern_const(ConstData::Expr {
                    ty: dty,
                    expr: ConstExpr::Cast { op: CastOp::IntToPtr, val: int },
                }),
            );
        }
        let dty = self.imp.ty(ty);
        Value::Const(self.imp.dst.intern_const(ConstData::Int { ty: dty, bits }))
    }

    /// Any abstract value as a residual operand (materializing virtual
    /// objects whose address is needed, building aggregates).
    fn residual_in(&mut self, st: &mut State, a: &Av, why: &str) -> Result<Value> {
        match a {
            Av::Virt { id, off } => {
                let base = self.materialize(st, *id, why)?;
                if *off == 0 {
                    return Ok(base);
                }
                let i8t = self.imp.dst.types.int(8);
                let ptr = self.imp.dst.types.ptr();
                let o = self.dst_int(64, *off as u64 as u128);
                Ok(self.emit(InstKind::Gep { source_ty: i8t, base, indices: vec![o], flags: Default::default() }, ptr))
            }
            Av::Agg { ty, elems } => {
                let dty = self.imp.ty(*ty);
                let mut acc = Value::Const(self.imp.dst.intern_const(ConstData::Undef(dty)));
                for (i, e) in elems.clone().iter().enumerate() {
                    let v = self.residual_in(st, e, why)?;
                    acc = self.emit(InstKind::InsertValue { agg: acc, val: v, indices: vec![i as u32] }, dty);
                }
                Ok(acc)
            }
            leaf => Ok(self.residual_leaf(leaf)),
        }
    }

    // ----------------------------------------------------- virtual objects

    /// The residual `alloca` behind virtual object `id`, made (and filled
    /// with the object's tracked bytes) on first need.
    fn materialize(&mut self, st: &mut State, id: VirtId, why: &str) -> Result<Value> {
        let Some(obj) = st.virts.get(&id).cloned() else {
            return unsupported("a pointer to an object that no longer exists");
        };
        let base = match self.slots.get(&id) {
            Some(&b) => b,
            None => {
                let i8t = self.imp.dst.types.int(8);
                let ptr = self.imp.dst.types.ptr();
                let n = self.dst_int(64, u128::from(obj.size.max(1)));
                let a = self.out.push_inst(InstData {
                    kind: InstKind::Alloca { elem_ty: i8t, count: n, align: 16 },
                    ty: ptr,
                    name: None,
                });
                self.out.blocks[0].insts.insert(0, a);
                self.slots.insert(id, Value::Inst(a));
                Value::Inst(a)
            }
        };
        if obj.materialized {
            return Ok(base);
        }
        self.record.note(Decision::Materialized {
            at: format!("{} #{}", self.m().func(id.1).name, id.2.0),
            why: why.to_string(),
        });
        st.virts.get_mut(&id).expect("present").materialized = true;
        for (off, (_, a)) in obj.entries {
            self.store_real(st, base, off, &a)?;
        }
        st.virts.get_mut(&id).expect("present").entries.clear();
        Ok(base)
    }

    fn av_ty(&self, a: &Av) -> Ty {
        match a {
            Av::S { ty, .. } | Av::D { ty, .. } | Av::Agg { ty, .. } => *ty,
            Av::C(c) => self.m().constant(*c).ty(),
            Av::Virt { .. } => self.ev.ptr,
        }
    }

    /// Stores `a` at `base + off` of a materialized object (16-aligned).
    fn store_real(&mut self, st: &mut State, base: Value, off: i64, a: &Av) -> Result<()> {
        let i8t = self.imp.dst.types.int(8);
        let ptr = self.imp.dst.types.ptr();
        let p = if off == 0 {
            base
        } else {
            let o = self.dst_int(64, off as u64 as u128);
            self.emit(InstKind::Gep { source_ty: i8t, base, indices: vec![o], flags: Default::default() }, ptr)
        };
        let v = self.residual_in(st, a, "stored into real memory")?;
        let void = self.imp.dst.types.void();
        // The alignment the offset in a 16-aligned object guarantees.
        let at_off = 1u64 << (off as u64 | 16).trailing_zeros();
        let align = self.m().abi_align(self.av_ty(a)).clamp(1, at_off) as u32;
        self.emit(InstKind::Store { val: v, ptr: p, align, volatile: false, atomic: None }, void);
        Ok(())
    }

    fn virt_load(&mut self, st: &mut State, id: VirtId, off: i64, ty: Ty) -> Result<Option<Av>> {
        let m = self.m();
        let size = m.alloc_size(ty);
        let Some(obj) = st.virts.get(&id) else { return unsupported("load from a dead object") };
        if obj.materialized || off < 0 || off as u64 + size > obj.size {
            return Ok(None);
        }
        if let Some((s, a)) = obj.entries.get(&off)
            && *s == size
        {
            let aty = self.av_ty(a);
            if aty == ty {
                return Ok(Some(a.clone()));
            }
            if let (Av::S { bits, .. }, Some(b)) = (a, self.scalar_bits(ty)) {
                return Ok(Some(Av::S { bits: bits & mask128(b), ty }));
            }
            if matches!(a, Av::Virt { .. }) && m.types.is_ptr(ty) {
                return Ok(Some(a.clone()));
            }
        }
        let end = off + size as i64;
        let overl: Vec<(i64, u64, Av)> = obj
            .entries
            .range(..end)
            .filter(|(o, (s, _))| **o + *s as i64 > off)
            .map(|(o, (s, a))| (*o, *s, a.clone()))
            .collect();
        if overl.is_empty() {
            // Uninitialized bytes: any value refines undef; zero is ours.
            if self.scalar_bits(ty).is_some() {
                return Ok(Some(Av::S { bits: 0, ty }));
            }
        }
        if let Some(b) = self.scalar_bits(ty)
            && overl.iter().all(|(_, _, a)| matches!(a, Av::S { .. }))
        {
            let mut bytes = [0u8; 16];
            for (o, s, a) in &overl {
                let Av::S { bits, .. } = a else { unreachable!() };
                let eb = bits.to_le_bytes();
                for k in 0..*s as i64 {
                    let at = o + k - off;
                    if (0..size as i64).contains(&at) && (k as usize) < 16 {
                        bytes[at as usize] = eb[k as usize];
                    }
                }
            }
            return Ok(Some(Av::S { bits: u128::from_le_bytes(bytes) & mask128(b), ty }));
        }
        // Aggregates: field by field.
        let fields: Option<Vec<(u64, Ty)>> = match m.types.get(ty) {
            TypeData::Struct { .. } | TypeData::Named(_) => {
                let lay = m.layout.struct_layout(&m.types, ty);
                let fs = m.types.struct_fields(ty).map(|f| f.0.to_vec());
                lay.zip(fs).map(|(l, fs)| l.offsets.iter().copied().zip(fs).collect())
            }
            TypeData::Array { elem, len } if *len <= 64 => {
                let es = m.alloc_size(*elem);
                Some((0..*len).map(|i| (i * es, *elem)).collect())
            }
            _ => None,
        };
        if let Some(fields) = fields {
            let mut elems = Vec::new();
            for (fo, fty) in fields {
                match self.virt_load(st, id, off + fo as i64, fty)? {
                    Some(a) => elems.push(a),
                    None => return Ok(None),
                }
            }
            return Ok(Some(Av::Agg { ty, elems }));
        }
        Ok(None)
    }

    /// Tracks a store into a virtual object; false when it must go to real
    /// memory instead.
    fn virt_store(&mut self, st: &mut State, id: VirtId, off: i64, a: Av, ty: Ty) -> Result<bool> {
        let m = self.m();
        let size = m.alloc_size(ty);
        let Some(obj) = st.virts.get(&id) else { return unsupported("store to a dead object") };
        if obj.materialized || off < 0 || off as u64 + size > obj.size {
            return Ok(false);
        }
        // Aggregates are stored element by element.
        let elems: Option<Vec<(u64, Ty, Av)>> = match (&a, m.types.get(ty)) {
            (Av::Agg { elems, .. }, TypeData::Struct { .. } | TypeData::Named(_)) => {
                let lay = m.layout.struct_layout(&m.types, ty);
                let fs = m.types.struct_fields(ty).map(|f| f.0.to_vec());
                lay.zip(fs).map(|(l, fs)| {
                    l.offsets.iter().copied().zip(fs).zip(elems.iter().cloned()).map(|((o, t), e)| (o, t, e)).collect()
                })
            }
            (Av::Agg { elems, .. }, TypeData::Array { elem, .. }) => {
                let es = m.alloc_size(*elem);
                Some(elems.iter().enumerate().map(|(i, e)| (i as u64 * es, *elem, e.clone())).collect())
            }
            _ => None,
        };
        if let Some(elems) = elems {
            for (fo, fty, e) in elems {
                if !self.virt_store(st, id, off + fo as i64, e, fty)? {
                    return Ok(false);
                }
            }
            return Ok(true);
        }
        if !self.clear_range(st, id, off, size) {
            return Ok(false);
        }
        st.virts.get_mut(&id).expect("present").entries.insert(off, (size, a));
        Ok(true)
    }

    /// Removes tracked bytes in `[off, off + size)`, splitting static
    /// entries that stick out; false if a non-static entry sticks out.
    fn clear_range(&mut self, st: &mut State, id: VirtId, off: i64, size: u64) -> bool {
        let obj = st.virts.get_mut(&id).expect("present");
        let end = off + size as i64;
        let hit: Vec<i64> =
            obj.entries.range(..end).filter(|(o, (s, _))| **o + *s as i64 > off).map(|(o, _)| *o).collect();
        let mut keep = Vec::new();
        for o in &hit {
            let (s, a) = obj.entries[o].clone();
            let e_end = o + s as i64;
            if *o >= off && e_end <= end {
                continue;
            }
            let Av::S { bits, .. } = a else { return false };
            let bytes = bits.to_le_bytes();
            for k in 0..s as i64 {
                let at = o + k;
                if (at < off || at >= end) && (k as usize) < 16 {
                    keep.push((at, bytes[k as usize]));
                }
            }
        }
        for o in hit {
            obj.entries.remove(&o);
        }
        let i8t = self.ev.i8;
        for (at, b) in keep {
            match i8t {
                Some(t) => {
                    obj.entries.insert(at, (1, Av::S { bits: u128::from(b), ty: t }));
                }
                None => return false,
            }
        }
        true
    }

    // ------------------------------------------------------- instructions

    fn bind(st: &mut State, inst: InstId, a: Av) {
        st.top_mut().env.insert(Value::Inst(inst), a);
    }

    /// Emits `inst` as it is, with its operands' residual values.
    fn residualize(&mut self, st: &mut State, inst: InstId) -> Result<Av> {
        let data = self.m().func(st.top().func).inst(inst).clone();
        let mut kind = self.import_kind(&data.kind);
        let mut ops = Vec::new();
        data.kind.for_each_operand(|v| ops.push(v));
        let mut vals = Vec::new();
        for v in ops {
            let a = self.val(st, v)?;
            vals.push(self.residual_in(st, &a, "used by a residual instruction")?);
        }
        let mut it = vals.into_iter();
        kind.for_each_operand_mut(|v| *v = it.next().expect("same operand count"));
        let ty = self.imp.ty(data.ty);
        let v = self.emit(kind, ty);
        Ok(Av::D { v, ty: data.ty })
    }

    /// `kind` with its types, attributes and case constants imported
    /// (operands are replaced by the caller).
    fn import_kind(&mut self, kind: &InstKind) -> InstKind {
        let mut k = kind.clone();
        match &mut k {
            InstKind::Alloca { elem_ty, .. } => *elem_ty = self.imp.ty(*elem_ty),
            InstKind::Gep { source_ty, .. } => *source_ty = self.imp.ty(*source_ty),
            InstKind::Call { fn_ty, arg_attrs, ret_attrs, tail, .. } => {
                *fn_ty = self.imp.ty(*fn_ty);
                for a in arg_attrs.iter_mut() {
                    *a = self.imp.attrs(*a);
                }
                *ret_attrs = self.imp.attrs(*ret_attrs);
                // Frames change under inlining: no tail-call promises.
                *tail = Default::default();
            }
            InstKind::Switch { cases, .. } => {
                for (c, _) in cases.iter_mut() {
                    *c = self.imp.constant(*c);
                }
            }
            _ => {}
        }
        k
    }

    fn inst(&mut self, st: &mut State, inst: InstId) -> Result<Flow> {
        let m = self.m();
        let func = st.top().func;
        let f = m.func(func);
        let data = f.inst(inst);
        let ty = data.ty;
        match &data.kind {
            InstKind::Phi { .. } => {}
            InstKind::Binary { op, lhs, rhs, .. } => {
                let (a, b) = (self.val(st, *lhs)?, self.val(st, *rhs)?);
                let r = match (&a, &b, self.scalar_bits(ty)) {
                    (Av::S { bits: x, .. }, Av::S { bits: y, .. }, Some(w)) if !op.is_float() => {
                        int_bin(*op, *x, *y, w).ok().map(|bits| Av::S { bits, ty })
                    }
                    _ => None,
                };
                let r = match r {
                    Some(r) => r,
                    None => self.residualize(st, inst)?,
                };
                Self::bind(st, inst, r);
            }
            InstKind::ICmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.val(st, *lhs)?, self.val(st, *rhs)?);
                let w = self.scalar_bits(m.constant_or_value_ty(f, *lhs));
                let r = match (&a, &b) {
                    (Av::S { bits: x, .. }, Av::S { bits: y, .. }) if w.is_some() => {
                        Some(icmp(*pred, *x, *y, w.unwrap_or(64)))
                    }
                    (Av::Virt { id: i, off: x }, Av::Virt { id: j, off: y }) if i == j => {
                        Some(icmp(*pred, *x as u64 as u128, *y as u64 as u128, 64))
                    }
                    (Av::Virt { .. }, Av::S { bits: 0, .. }) | (Av::S { bits: 0, .. }, Av::Virt { .. })
                        if matches!(pred, IntPred::Eq | IntPred::Ne) =>
                    {
                        Some(*pred == IntPred::Ne)
                    }
                    _ => None,
                };
                let r = match r {
                    Some(c) => Av::S { bits: u128::from(c), ty },
                    None => self.residualize(st, inst)?,
                };
                Self::bind(st, inst, r);
            }
            InstKind::Cast { op, val, .. } => {
                let a = self.val(st, *val)?;
                let from = m.constant_or_value_ty(f, *val);
                let r = match (&a, self.scalar_bits(from), self.scalar_bits(ty)) {
                    (Av::S { bits, .. }, Some(fb), Some(tb)) => {
                        cast_int(*op, *bits, fb, tb).map(|bits| Av::S { bits, ty })
                    }
                    (Av::Virt { .. }, _, _)
                        if matches!(op, CastOp::BitCast | CastOp::AddrSpaceCast) && m.types.is_ptr(ty) =>
                    {
                        Some(a.clone())
                    }
                    _ => None,
                };
                let r = match r {
                    Some(r) => r,
                    None => self.residualize(st, inst)?,
                };
                Self::bind(st, inst, r);
            }
            InstKind::Select { cond, if_true, if_false, .. } => {
                let c = self.val(st, *cond)?;
                let (t, e) = (self.val(st, *if_true)?, self.val(st, *if_false)?);
                let r = match c {
                    Av::S { bits, .. } if m.types.int_bits(m.constant_or_value_ty(f, *cond)) == Some(1) => {
                        if bits & 1 == 1 { t } else { e }
                    }
                    _ if t == e => t,
                    _ => self.residualize(st, inst)?,
                };
                Self::bind(st, inst, r);
            }
            InstKind::Freeze { val } => {
                let a = self.val(st, *val)?;
                let r = match a {
                    Av::D { .. } => self.residualize(st, inst)?,
                    other => other,
                };
                Self::bind(st, inst, r);
            }
            InstKind::Alloca { elem_ty, count, .. } => {
                let n = match self.val(st, *count)? {
                    Av::S { bits, .. } => bits as u64,
                    _ => return unsupported(format!("alloca of a dynamic size in {}", f.name)),
                };
                let size = m.alloc_size(*elem_ty).saturating_mul(n);
                let id: VirtId = (st.frames.len() as u32, func, inst);
                st.virts.insert(id, VirtObj { size, entries: BTreeMap::new(), materialized: false });
                Self::bind(st, inst, Av::Virt { id, off: 0 });
            }
            InstKind::Gep { source_ty, base, indices, .. } => {
                let b = self.val(st, *base)?;
                let mut idx = Vec::new();
                for &i in indices {
                    let a = self.val(st, i)?;
                    let w = self.scalar_bits(m.constant_or_value_ty(f, i));
                    idx.push(match (a, w) {
                        (Av::S { bits, .. }, Some(w)) => Some(sext128(bits, w) as i64),
                        _ => None,
                    });
                }
                let walked = if m.types.vector(ty).is_some() {
                    None
                } else {
                    jitty_sem::gep::gep_walk(m, *source_ty, &idx, |k| k).ok()
                };
                let r = match (b, walked) {
                    (Av::S { bits, .. }, Some((off, terms))) if terms.is_empty() => {
                        Av::S { bits: u128::from((bits as u64).wrapping_add(off as u64)), ty }
                    }
                    (Av::Virt { id, off: o }, Some((off, terms))) if terms.is_empty() => {
                        Av::Virt { id, off: o.wrapping_add(off) }
                    }
                    _ => self.residualize(st, inst)?,
                };
                Self::bind(st, inst, r);
            }
            InstKind::Load { ptr, volatile, atomic, .. } => {
                let p = self.val(st, *ptr)?;
                let plain = !*volatile
                    && matches!(atomic, None | Some(jitty_ir::Ordering::Unordered | jitty_ir::Ordering::Monotonic));
                let r = match p {
                    Av::Virt { id, off } if !*volatile && atomic.is_none() => self.virt_load(st, id, off, ty)?,
                    Av::S { bits, .. } if plain => self.static_load(st, inst, bits as u64, ty),
                    Av::D { .. } => {
                        let at = self.loc(st, inst);
                        self.record.note(Decision::Read {
                            at,
                            kind: LoadKind::Dynamic,
                            what: "through a dynamic pointer".into(),
                        });
                        None
                    }
                    _ => None,
                };
                let r = match r {
                    Some(r) => r,
                    None => self.residualize(st, inst)?,
                };
                Self::bind(st, inst, r);
            }
            InstKind::Store { val, ptr, volatile, atomic, .. } => {
                let p = self.val(st, *ptr)?;
                let v = self.val(st, *val)?;
                let vty = m.constant_or_value_ty(f, *val);
                let tracked = match p {
                    Av::Virt { id, off } if !*volatile && atomic.is_none() => self.virt_store(st, id, off, v, vty)?,
                    _ => false,
                };
                if !tracked {
                    self.residualize(st, inst)?;
                }
            }
            InstKind::ExtractValue { agg, indices } => {
                let a = self.val(st, *agg)?;
                let r = match extract(&a, indices) {
                    Some(r) => r,
                    None => match &a {
                        Av::C(c) => match self.const_elem(*c, indices) {
                            Some(e) => self.const_av(e),
                            None => self.residualize(st, inst)?,
                        },
                        _ => self.residualize(st, inst)?,
                    },
                };
                Self::bind(st, inst, r);
            }
            InstKind::InsertValue { agg, val, indices } => {
                let a = self.val(st, *agg)?;
                let v = self.val(st, *val)?;
                let aty = m.constant_or_value_ty(f, *agg);
                let base = match a {
                    Av::Agg { .. } => Some(a.clone()),
                    Av::C(c) => self.expand_const(c, aty),
                    _ => None,
                };
                let r = match base.and_then(|b| insert(b, indices, v)) {
                    Some(r) => r,
                    None => self.residualize(st, inst)?,
                };
                Self::bind(st, inst, r);
            }
            InstKind::Call { callee, args, .. } => return self.call(st, inst, *callee, args.clone()),
            InstKind::Ret { val } => {
                let r = match val {
                    Some(v) => Some(self.val(st, *v)?),
                    None => None,
                };
                if st.frames.len() == 1 {
                    let void = self.imp.dst.types.void();
                    let v = match r {
                        Some(a) => Some(self.residual_in(st, &a, "returned")?),
                        None => None,
                    };
                    self.emit(InstKind::Ret { val: v }, void);
                    return Ok(Flow::Stop);
                }
                let depth = st.frames.len() as u32;
                st.frames.pop();
                st.virts.retain(|id, _| id.0 < depth);
                let caller = st.top_mut();
                caller.pruned_caller = false;
                let call_pos = caller.pos;
                caller.pos = call_pos + 1;
                let cf = m.func(caller.func);
                let call = cf.block(caller.block).insts[call_pos];
                if let Some(r) = r {
                    caller.env.insert(Value::Inst(call), r);
                }
            }
            InstKind::Br { dest } => {
                let from = st.top().block;
                let d = self.transition(st.clone(), from, *dest)?;
                let void = self.imp.dst.types.void();
                self.emit(InstKind::Br { dest: d }, void);
                return Ok(Flow::Stop);
            }
            InstKind::CondBr { cond, if_true, if_false } => {
                let c = self.val(st, *cond)?;
                let from = st.top().block;
                let void = self.imp.dst.types.void();
                if let Av::S { bits, .. } = c {
                    let at = self.loc(st, inst);
                    self.record.note(Decision::BranchFolded { at });
                    let to = if bits & 1 == 1 { *if_true } else { *if_false };
                    let d = self.transition(st.clone(), from, to)?;
                    self.emit(InstKind::Br { dest: d }, void);
                } else {
                    let at = self.loc(st, inst);
                    self.record.note(Decision::BranchDynamic { at });
                    let cv = self.residual_in(st, &c, "branch condition")?;
                    st.dyn_branches += 1;
                    let t = self.trampoline(st.clone(), from, *if_true)?;
                    let e = self.trampoline(st.clone(), from, *if_false)?;
                    self.emit(InstKind::CondBr { cond: cv, if_true: t, if_false: e }, void);
                }
                return Ok(Flow::Stop);
            }
            InstKind::Switch { val, default, cases } => {
                let c = self.val(st, *val)?;
                let from = st.top().block;
                let void = self.imp.dst.types.void();
                if let Av::S { bits, .. } = c {
                    let at = self.loc(st, inst);
                    self.record.note(Decision::BranchFolded { at });
                    let to = cases
                        .iter()
                        .find(|(k, _)| self.const_bits(*k) == Some(bits))
                        .map(|(_, b)| *b)
                        .unwrap_or(*default);
                    let d = self.transition(st.clone(), from, to)?;
                    self.emit(InstKind::Br { dest: d }, void);
                } else {
                    let at = self.loc(st, inst);
                    self.record.note(Decision::BranchDynamic { at });
                    let cv = self.residual_in(st, &c, "switch value")?;
                    st.dyn_branches += 1;
                    let d = self.trampoline(st.clone(), from, *default)?;
                    let mut out_cases = Vec::new();
                    for (k, b) in cases.clone() {
                        let t = self.trampoline(st.clone(), from, b)?;
                        out_cases.push((self.imp.constant(k), t));
                    }
                    self.emit(InstKind::Switch { val: cv, default: d, cases: out_cases }, void);
                }
                return Ok(Flow::Stop);
            }
            InstKind::Unreachable => {
                let void = self.imp.dst.types.void();
                self.emit(InstKind::Unreachable, void);
                return Ok(Flow::Stop);
            }
            InstKind::Invoke { .. } | InstKind::LandingPad { .. } | InstKind::Resume { .. } => {
                return unsupported(format!("exception handling in {}", f.name));
            }
            InstKind::IndirectBr { .. } => return unsupported(format!("indirectbr in {}", f.name)),
            InstKind::VaArg { .. } => return unsupported(format!("va_arg in {}", f.name)),
            InstKind::AtomicRmw { .. } | InstKind::CmpXchg { .. } | InstKind::Fence { .. } => {
                let r = self.residualize(st, inst)?;
                if !m.types.is_void(ty) {
                    Self::bind(st, inst, r);
                }
            }
            _ => {
                let r = self.residualize(st, inst)?;
                if !m.types.is_void(ty) {
                    Self::bind(st, inst, r);
                }
            }
        }
        Ok(Flow::Next)
    }

    /// A load from a static address: folded if the oracle vouches for it.
    fn static_load(&mut self, st: &State, inst: InstId, addr: u64, ty: Ty) -> Option<Av> {
        let at = self.loc(st, inst);
        let m = self.m();
        let Some(bits) = self.scalar_bits(ty).filter(|&b| b <= 64) else {
            self.record.note(Decision::Read { at, kind: LoadKind::Dynamic, what: "not a scalar".into() });
            return None;
        };
        let size = m.alloc_size(ty);
        match self.oracle.classify(addr, size) {
            Classified::Const { what } => {
                let v = self.oracle.read(addr, size)?;
                self.record.note(Decision::Read { at, kind: LoadKind::Const, what });
                Some(Av::S { bits: u128::from(v) & mask128(bits), ty })
            }
            Classified::Quasi { what, deps_word, cell: (cell, cell_size) } => {
                if !st.quasi_ok {
                    self.record.note(Decision::Read {
                        at,
                        kind: LoadKind::Dynamic,
                        what: format!("{what}: after a point where the thread may have been quiescent"),
                    });
                    return None;
                }
                let v = self.oracle.read(addr, size)?;
                if self.seen_guards.insert((cell, cell_size)) {
                    let value = self.oracle.read(cell, cell_size)?;
                    self.guards.push(GuardTerm { deps_word, addr: cell, size: cell_size, value, what: what.clone() });
                }
                self.record.note(Decision::Read { at, kind: LoadKind::Quasi, what });
                Some(Av::S { bits: u128::from(v) & mask128(bits), ty })
            }
            Classified::No { why } => {
                self.record.note(Decision::Read { at, kind: LoadKind::Dynamic, what: why });
                None
            }
        }
    }

    fn const_elem(&self, c: ConstId, indices: &[u32]) -> Option<ConstId> {
        let mut c = c;
        for &i in indices {
            c = match self.m().constant(c) {
                ConstData::Aggregate { elems, .. } => *elems.get(i as usize)?,
                _ => return None,
            };
        }
        Some(c)
    }

    /// A constant aggregate (`undef`, `zeroinitializer`, element list) as
    /// an [`Av::Agg`] of its elements.
    fn expand_const(&self, c: ConstId, ty: Ty) -> Option<Av> {
        let m = self.m();
        let elem_tys: Vec<Ty> = match m.types.get(ty) {
            TypeData::Struct { .. } | TypeData::Named(_) => m.types.struct_fields(ty)?.0.to_vec(),
            TypeData::Array { elem, len } if *len <= 64 => vec![*elem; *len as usize],
            _ => return None,
        };
        let elems = match m.constant(c) {
            ConstData::Aggregate { elems, .. } => elems.iter().map(|&e| self.const_av(e)).collect(),
            ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) => {
                let mut v = Vec::new();
                for t in elem_tys {
                    if self.scalar_bits(t).is_some() {
                        v.push(Av::S { bits: 0, ty: t });
                    } else {
                        let z = m.consts.iter().find(|(_, d)| **d == ConstData::Zero(t)).map(|(id, _)| id)?;
                        v.push(self.expand_const(z, t).unwrap_or(Av::C(z)));
                    }
                }
                v
            }
            _ => return None,
        };
        Some(Av::Agg { ty, elems })
    }

    // -------------------------------------------------------------- calls

    fn call(&mut self, st: &mut State, inst: InstId, callee: Value, args: Vec<Value>) -> Result<Flow> {
        let m = self.m();
        let f = m.func(st.top().func);
        let data = f.inst(inst);
        let ty = data.ty;
        let at = self.loc(st, inst);
        // Which function is called?
        let direct = match callee {
            Value::Const(c) => match m.constant(c) {
                ConstData::Func { id, .. } => Some(*id),
                _ => None,
            },
            _ => None,
        };
        let target = match direct {
            Some(id) => Some((id, false)),
            None => match self.val(st, callee)? {
                Av::S { bits, .. } => {
                    self.oracle.symbol_at(bits as u64).and_then(|n| m.func_by_name(&n)).map(|id| (id, true))
                }
                _ => None,
            },
        };
        let mut avs = Vec::new();
        for &a in &args {
            avs.push(self.val(st, a)?);
        }
        if let Some((id, devirt)) = target {
            let callee_f = m.func(id);
            if let Some(which) = Intrinsic::from_name(&callee_f.name) {
                if let Some(r) = self.intrinsic(st, which, &avs, ty)? {
                    if !m.types.is_void(ty) {
                        Self::bind(st, inst, r);
                    }
                    return Ok(Flow::Next);
                }
            } else if !callee_f.is_declaration() {
                match self.inline_refusal(st, id) {
                    None => {
                        self.record.note(Decision::Inlined {
                            at,
                            callee: callee_f.name.clone(),
                            devirtualized: devirt,
                        });
                        let mut env = Env::default();
                        for (i, a) in avs.into_iter().enumerate() {
                            env.insert(Value::Arg(i as u32), a);
                        }
                        let caller = st.top_mut();
                        caller.pos -= 1;
                        st.frames.push(Frame { func: id, block: BlockId(0), pos: 0, env, pruned_caller: false });
                        let from_here = self.edge(st.clone(), BlockId(0))?;
                        let void = self.imp.dst.types.void();
                        self.emit(InstKind::Br { dest: from_here }, void);
                        return Ok(Flow::Stop);
                    }
                    Some(why) => self.record.note(Decision::CallKept { at, callee: callee_f.name.clone(), why }),
                }
            } else {
                self.record.note(Decision::CallKept {
                    at,
                    callee: callee_f.name.clone(),
                    why: "declared only (external)".into(),
                });
            }
            // A residual direct call.
            let r = self.residual_call(st, inst, Some(id), &avs)?;
            if self.ev.may_quiesce[id.index()] {
                st.quasi_ok = false;
            }
            if !m.types.is_void(ty) {
                Self::bind(st, inst, r);
            }
            return Ok(Flow::Next);
        }
        self.record.note(Decision::CallKept { at, callee: "indirect".into(), why: "the callee is dynamic".into() });
        let r = self.residual_call(st, inst, None, &avs)?;
        st.quasi_ok = false;
        if !m.types.is_void(ty) {
            Self::bind(st, inst, r);
        }
        Ok(Flow::Next)
    }

    fn inline_refusal(&self, st: &State, id: FuncId) -> Option<String> {
        let m = self.m();
        let f = m.func(id);
        if m.types.func_sig(f.ty).is_some_and(|(_, _, va)| va) {
            return Some("variadic".into());
        }
        if f.noinline {
            return Some("noinline (#[inline(never)] in the source)".into());
        }
        if f.cold {
            return Some("cold (#[cold] in the source)".into());
        }
        if st.frames.len() >= self.opts.max_depth {
            return Some(format!("inlining depth {} reached", self.opts.max_depth));
        }
        if st.frames.iter().filter(|fr| fr.func == id).count() >= 2 {
            return Some("recursive".into());
        }
        if st.dyn_branches > self.opts.inline_dynamic_branches {
            return Some(format!(
                "off the main path: {} dynamic branches taken before this call (the bound is {})",
                st.dyn_branches, self.opts.inline_dynamic_branches
            ));
        }
        let n = self.ev.inline_size[id.index()];
        if n > self.ev.inline_bound {
            return Some(format!("{n} instructions with what it would inline (the bound is {})", self.ev.inline_bound));
        }
        if f.insts.iter().any(|i| {
            matches!(
                i.kind,
                InstKind::Invoke { .. }
                    | InstKind::LandingPad { .. }
                    | InstKind::IndirectBr { .. }
                    | InstKind::VaArg { .. }
            )
        }) {
            return Some("exception handling, indirectbr or va_arg".into());
        }
        None
    }

    /// Emits the call `inst` with the given arguments; `target` replaces a
    /// static callee by the function it names.
    fn residual_call(&mut self, st: &mut State, inst: InstId, target: Option<FuncId>, avs: &[Av]) -> Result<Av> {
        let m = self.m();
        let data = m.func(st.top().func).inst(inst).clone();
        let mut kind = self.import_kind(&data.kind);
        let callee = match target {
            Some(id) => {
                let d = self.imp.func(id);
                let pty = self.imp.dst.types.ptr();
                Value::Const(self.imp.dst.intern_const(ConstData::Func { ty: pty, id: d }))
            }
            None => {
                let InstKind::Call { callee, .. } = &data.kind else { unreachable!() };
                let a = self.val(st, *callee)?;
                self.residual_in(st, &a, "indirect callee")?
            }
        };
        let mut vals = Vec::new();
        for a in avs {
            vals.push(self.residual_in(st, a, "passed to a call that is not inlined")?);
        }
        if let InstKind::Call { callee: c, args, .. } = &mut kind {
            *c = callee;
            *args = vals;
        }
        let ty = self.imp.ty(data.ty);
        let v = self.emit(kind, ty);
        Ok(Av::D { v, ty: data.ty })
    }

    /// Folds an intrinsic call; `None` leaves it residual.
    fn intrinsic(&mut self, st: &mut State, which: Intrinsic, a: &[Av], ty: Ty) -> Result<Option<Av>> {
        use Intrinsic::*;
        let m = self.m();
        if which.is_marker() || matches!(which, InvariantStart) {
            return Ok(Some(Av::S { bits: 0, ty }));
        }
        let s = |i: usize| match a.get(i) {
            Some(Av::S { bits, .. }) => Some(*bits),
            _ => None,
        };
        match which {
            Expect => return Ok(a.first().cloned()),
            IsConstant => return Ok(Some(Av::S { bits: 0, ty })),
            LaunderInvariantGroup | StripInvariantGroup => return Ok(a.first().cloned()),
            MemSet => {
                if let (Some(Av::Virt { id, off }), Some(byte), Some(len)) = (a.first(), s(1), s(2))
                    && len <= 4096
                {
                    let (id, off) = (*id, *off);
                    let fits = st
                        .virts
                        .get(&id)
                        .is_some_and(|o| !o.materialized && off >= 0 && off as u64 + len as u64 <= o.size);
                    if let (true, Some(t)) = (fits, self.ev.i8)
                        && self.clear_range(st, id, off, len as u64)
                    {
                        let obj = st.virts.get_mut(&id).expect("present");
                        for k in 0..len as i64 {
                            obj.entries.insert(off + k, (1, Av::S { bits: byte & 0xff, ty: t }));
                        }
                        return Ok(Some(Av::S { bits: 0, ty }));
                    }
                }
                return Ok(None);
            }
            MemCpy | MemMove => {
                if let (Some(Av::Virt { id: d, off: doff }), Some(Av::Virt { id: s_id, off: soff }), Some(len)) =
                    (a.first(), a.get(1), s(2))
                {
                    let (d, doff, s_id, soff) = (*d, *doff, *s_id, *soff);
                    let ok_src = st
                        .virts
                        .get(&s_id)
                        .is_some_and(|o| !o.materialized && soff >= 0 && soff as u64 + len as u64 <= o.size);
                    let ok_dst = st
                        .virts
                        .get(&d)
                        .is_some_and(|o| !o.materialized && doff >= 0 && doff as u64 + len as u64 <= o.size);
                    if ok_src && ok_dst {
                        let src = st.virts[&s_id].clone();
                        let end = soff + len as i64;
                        let inside: Vec<(i64, u64, Av)> = src
                            .entries
                            .range(..end)
                            .filter(|(o, (sz, _))| **o + *sz as i64 > soff)
                            .map(|(o, (sz, v))| (*o, *sz, v.clone()))
                            .collect();
                        if inside.iter().all(|(o, sz, _)| *o >= soff && *o + *sz as i64 <= end)
                            && self.clear_range(st, d, doff, len as u64)
                        {
                            let obj = st.virts.get_mut(&d).expect("present");
                            for (o, sz, v) in inside {
                                obj.entries.insert(o - soff + doff, (sz, v));
                            }
                            return Ok(Some(Av::S { bits: 0, ty }));
                        }
                    }
                }
                return Ok(None);
            }
            _ => {}
        }
        // Integer folds on static operands.
        let arg_bits = |i: usize| -> Option<u32> {
            match a.get(i) {
                Some(Av::S { ty, .. }) => self.scalar_bits(*ty),
                _ => None,
            }
        };
        if let Some(op) = OverflowOp::of(which)
            && let (Some(x), Some(y), Some(w)) = (s(0), s(1), arg_bits(0))
        {
            let (r, o) = with_overflow(op, x, y, w);
            let fields = m.types.struct_fields(ty).map(|f| f.0.to_vec()).unwrap_or_default();
            if fields.len() == 2 {
                return Ok(Some(Av::Agg {
                    ty,
                    elems: vec![Av::S { bits: r, ty: fields[0] }, Av::S { bits: u128::from(o), ty: fields[1] }],
                }));
            }
        }
        if let Some(op) = SatOp::of(which)
            && let (Some(x), Some(y), Some(w)) = (s(0), s(1), arg_bits(0))
        {
            return Ok(Some(Av::S { bits: saturating(op, x, y, w), ty }));
        }
        if let (Some(x), Some(w)) = (s(0), arg_bits(0)) {
            let y = s(1);
            let r = match (which, y) {
                (UMin, Some(y)) => Some(x.min(y)),
                (UMax, Some(y)) => Some(x.max(y)),
                (SMin, Some(y)) => Some(if sext128(x, w) <= sext128(y, w) { x } else { y }),
                (SMax, Some(y)) => Some(if sext128(x, w) >= sext128(y, w) { x } else { y }),
                (CtPop, _) => Some(u128::from(x.count_ones())),
                (Ctlz, _) => Some(u128::from(x.leading_zeros() - (128 - w))),
                (Cttz, _) => Some(u128::from(if x == 0 { w } else { x.trailing_zeros() })),
                (BSwap, _) if w % 8 == 0 => Some(x.swap_bytes() >> (128 - w)),
                (Abs, _) => Some((sext128(x, w).unsigned_abs()) & mask128(w)),
                _ => None,
            };
            if let Some(r) = r {
                return Ok(Some(Av::S { bits: r & mask128(w), ty }));
            }
        }
        Ok(None)
    }
}

/// [`Evaluator::inline_size`] of every function: its own instructions plus
/// the inline sizes of the callees that are themselves within `bound` (the
/// ones the evaluator would inline too; larger ones stay calls). A
/// recursive call counts as nothing: the evaluator cuts recursion.
fn inline_sizes(m: &Module, bound: usize) -> Vec<usize> {
    const VISITING: usize = usize::MAX;
    fn size(m: &Module, f: usize, bound: usize, memo: &mut Vec<Option<usize>>) -> usize {
        match memo[f] {
            Some(VISITING) => return 0,
            Some(n) => return n,
            None => {}
        }
        memo[f] = Some(VISITING);
        let func = &m.funcs[f];
        let mut total = func.inst_count();
        for b in &func.blocks {
            for &i in &b.insts {
                if let InstKind::Call { callee: Value::Const(c), .. } = &func.inst(i).kind
                    && let ConstData::Func { id, .. } = m.constant(*c)
                {
                    let g = m.func(*id);
                    if g.is_declaration() || g.noinline || g.cold {
                        continue;
                    }
                    let n = size(m, id.index(), bound, memo);
                    if n <= bound {
                        total = total.saturating_add(n);
                    }
                }
            }
        }
        memo[f] = Some(total.min(VISITING - 1));
        total
    }
    let mut memo = vec![None; m.funcs.len()];
    (0..m.funcs.len()).map(|f| size(m, f, bound, &mut memo)).collect()
}

/// An integer/pointer cast on static bits.
fn cast_int(op: CastOp, v: u128, from: u32, to: u32) -> Option<u128> {
    Some(match op {
        CastOp::Trunc | CastOp::ZExt | CastOp::PtrToInt | CastOp::PtrToAddr | CastOp::IntToPtr | CastOp::BitCast => {
            v & mask128(to)
        }
        CastOp::SExt => (sext128(v, from) as u128) & mask128(to),
        _ => return None,
    })
}

fn extract(a: &Av, indices: &[u32]) -> Option<Av> {
    let mut cur = a;
    for &i in indices {
        match cur {
            Av::Agg { elems, .. } => cur = elems.get(i as usize)?,
            _ => return None,
        }
    }
    Some(cur.clone())
}

fn insert(mut a: Av, indices: &[u32], v: Av) -> Option<Av> {
    let Some((&first, rest)) = indices.split_first() else { return Some(v) };
    match &mut a {
        Av::Agg { elems, .. } => {
            let e = elems.get_mut(first as usize)?;
            *e = insert(e.clone(), rest, v)?;
            Some(a)
        }
        _ => None,
    }
}

fn find_int(m: &Module, bits: u32) -> Option<Ty> {
    (0..m.types.len()).map(Ty::new).find(|&t| *m.types.get(t) == TypeData::Int(bits))
}

fn find_ptr(m: &Module) -> Ty {
    (0..m.types.len()).map(Ty::new).find(|&t| m.types.is_ptr(t)).unwrap_or(Ty(0))
}

/// The type of an operand of `f`.
trait OperandTy {
    fn constant_or_value_ty(&self, f: &Function, v: Value) -> Ty;
}

impl OperandTy for Module {
    fn constant_or_value_ty(&self, f: &Function, v: Value) -> Ty {
        match v {
            Value::Const(c) => self.constant(c).ty(),
            Value::Arg(i) => f.params[i as usize].ty,
            Value::Inst(i) => f.inst(i).ty,
        }
    }
}
