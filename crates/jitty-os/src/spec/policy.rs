//! When the driver specializes: the policy, and the hook the host's
//! syscall stubs call after each call through a slot that has a spec point.
//!
//! * [`Policy::Off`]: never (the default).
//! * [`Policy::Sync`]: at the `after`-th call with the same static
//!   arguments, the calling thread specializes and plugs, synchronously
//!   (`after == 1`: `--spec force`).
//! * [`Policy::Background`]: at the `after`-th call the calling thread walks
//!   the paths and snapshots every byte the evaluator may fold; a compiler
//!   thread evaluates and compiles from the snapshot while the caller stays
//!   generic; at a later call the caller checks that the snapshot still
//!   holds and plugs. The compiler thread never reads kernel memory, so an
//!   object freed meanwhile cannot be read, and a snapshot that no longer
//!   holds is dropped (counted under its reason).
//!
//! A slot holds one specialization; calls with other arguments take the
//! residual entry's argument check back to the generic entry. A slot whose
//! code was unplugged by a guarded write is filled again after the same
//! number of calls: with code unplugged earlier whose facts all hold again
//! ([`Specializer::reuse`]), else by a new specialization.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, OnceLock};

use super::{Specialized, Specializer};

/// When to specialize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Never.
    Off,
    /// Synchronously, in the calling thread, at the `after`-th call.
    Sync {
        /// Calls with the same static arguments before specializing.
        after: u32,
    },
    /// On the compiler thread, requested at the `after`-th call.
    Background {
        /// Calls with the same static arguments before requesting.
        after: u32,
    },
}

impl Policy {
    /// Calls before `--spec on` specializes, unless told otherwise.
    pub const DEFAULT_AFTER: u32 = 64;
    /// The default of `--spec on`: a background compile after
    /// [`Policy::DEFAULT_AFTER`] calls.
    pub const ON: Policy = Policy::Background { after: Policy::DEFAULT_AFTER };
    /// `--spec force`: synchronously at the first call.
    pub const FORCE: Policy = Policy::Sync { after: 1 };
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static POLICY: Mutex<Policy> = Mutex::new(Policy::Off);

/// Sets the policy for every thread.
pub fn set_policy(p: Policy) {
    *POLICY.lock().unwrap_or_else(|e| e.into_inner()) = p;
    ACTIVE.store(p != Policy::Off, Ordering::Relaxed);
}

/// The policy in force.
pub fn policy() -> Policy {
    *POLICY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether any policy is on (one relaxed load: the stubs' only cost when off).
#[inline(always)]
pub fn active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// A request to the compiler thread.
struct Job {
    point: String,
    args: Vec<u64>,
    oracle: super::KernelOracle<'static>,
    reply: Sender<Result<Specialized, String>>,
}

fn compiler() -> &'static Mutex<Sender<Job>> {
    static TX: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    TX.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("jitty-spec-compiler".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    let r = Specializer::get().and_then(|d| {
                        let p = d.annotations().point(&job.point).ok_or("unknown point")?.clone();
                        d.specialize_over(&p, &job.args, &job.oracle, &jitty_jit::JitOptions::default())
                    });
                    let _ = job.reply.send(r);
                }
            })
            .expect("spawning the compiler thread");
        Mutex::new(tx)
    })
}

/// A point (its index) with static argument values.
type Key = (usize, Vec<u64>);

/// Per thread: calls per key, pending compiles, and what was plugged.
#[derive(Default)]
struct Local {
    calls: HashMap<Key, u32>,
    pending: Vec<(Key, Receiver<Result<Specialized, String>>)>,
    /// Code this thread plugged per key (to tell whether it is still in).
    plugged: HashMap<Key, usize>,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new(Local::default());
}

/// Called by the host stub after a call through the GFT slot at offset
/// `slot` with `args` (all but the thread), when [`active`].
pub fn after_call(slot: usize, args: &[u64]) {
    let Ok(d) = Specializer::get() else { return };
    let Some(k) = d.annotations().points.iter().position(|p| p.gft_slot == Some(slot as u32)) else { return };
    let mut full = Vec::with_capacity(args.len() + 1);
    full.push(crate::syscall::current() as u64);
    full.extend_from_slice(args);
    count(d, k, full);
}

/// Called by a host wrapper after a call through an object's slot whose
/// generic code is `entry` (the point's entry), with all the arguments,
/// when [`active`].
pub fn after_object_call(entry: usize, args: &[u64]) {
    let Ok(d) = Specializer::get() else { return };
    let Some(k) = d.annotations().points.iter().position(|p| p.obj_slot.is_some() && p.entry == entry) else {
        return;
    };
    count(d, k, args.to_vec());
}

/// Counts a call of point `k` with arguments `full`; specializes, requests
/// or plugs as the policy says.
fn count(d: &'static Specializer, k: usize, full: Vec<u64>) {
    let (after, background) = match policy() {
        Policy::Off => return,
        Policy::Sync { after } => (after.max(1), false),
        Policy::Background { after } => (after.max(1), true),
    };
    let point = &d.annotations().points[k];
    let key = (k, super::static_args_of(point.static_args, &full));
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        // Finished background compiles: check their snapshot and plug.
        let mut still = Vec::new();
        for (pk, rx) in std::mem::take(&mut l.pending) {
            match rx.try_recv() {
                Ok(Ok(s)) => {
                    let code = s.code as usize;
                    if d.plug(s).is_ok() {
                        l.plugged.insert(pk, code);
                    }
                }
                Ok(Err(_)) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
                Err(std::sync::mpsc::TryRecvError::Empty) => still.push((pk, rx)),
            }
        }
        l.pending = still;
        // Already plugged and still in the slot: nothing to do.
        if let Some(&code) = l.plugged.get(&key)
            && let Some(slot) = d.slot_addr(point, &full)
            // SAFETY: a live dispatch slot word (the process's table, or an
            // object a live static argument points to).
            && unsafe { (*(slot as *const std::sync::atomic::AtomicUsize)).load(Ordering::Relaxed) } == code
        {
            return;
        }
        let n = l.calls.entry(key.clone()).or_insert(0);
        *n += 1;
        if *n < after {
            return;
        }
        *n = 0;
        // Unplugged code whose facts hold again goes back in at once.
        if let Some(s) = d.reuse(&point.name, &full) {
            let code = s.code as usize;
            if d.plug(s).is_ok() {
                l.plugged.insert(key, code);
            }
            return;
        }
        if background {
            if let Ok(oracle) = d.snapshot_oracle(point, &full) {
                let (reply, rx) = channel();
                let job = Job { point: point.name.clone(), args: full, oracle, reply };
                if compiler().lock().unwrap_or_else(|e| e.into_inner()).send(job).is_ok() {
                    l.pending.push((key, rx));
                }
            }
        } else if let Ok(s) = d.specialize(&point.name, &full) {
            let code = s.code as usize;
            if d.plug(s).is_ok() {
                l.plugged.insert(key, code);
            }
        }
    });
}
