//! Model check of the guard protocol with loom (`RUSTFLAGS="--cfg loom"
//! cargo test -p jitty-rt --test loom_guard --release`).
//!
//! The real `GuardRuntime` runs against a modelled kernel object (a
//! dependents word and one quasi-invariant field), a dispatch slot, and
//! threads that install, write (guarded), enter, leave, block and wake. The
//! oracle: a thread that executes the specialized code reads the field and
//! must find the value the specialization folded. Any interleaving in which
//! specialized code runs after the write's store, or a plug lands after an
//! unplug, fails the assertion. The plug/unplug models add the code's
//! lifetime: the reclaim callback marks code freed, and a thread that runs
//! specialized code (or wakes in it and does not restart) must find it not
//! freed; once every thread is done, unplugged code is freed.
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use loom::thread;

use jitty_rt::guard::{GuardRuntime, Plug, Specialization, Term};

const GENERIC: usize = 0x1000;
const SPECIALIZED: usize = 0x2000;
const OLD: u64 = 1;
const NEW: u64 = 2;

struct Kernel {
    deps: AtomicUsize,
    field: AtomicU64,
    slot: AtomicUsize,
}

impl Kernel {
    fn new() -> Self {
        Self { deps: AtomicUsize::new(0), field: AtomicU64::new(OLD), slot: AtomicUsize::new(GENERIC) }
    }
    fn addr<T>(x: &T) -> usize {
        x as *const T as usize
    }
    fn spec(&self) -> Specialization {
        self.spec_of(SPECIALIZED)
    }
    /// A specialization folding `OLD` whose code is `code`.
    fn spec_of(&self, code: usize) -> Specialization {
        Specialization {
            terms: vec![Term {
                deps_word: Self::addr(&self.deps),
                field: Self::addr(&self.field),
                size: 8,
                value: OLD,
            }],
            plug: Plug { slot: Self::addr(&self.slot), generic: GENERIC, code },
        }
    }
    /// The kernel's guarded write: prepare (before any lock), store, finish.
    fn guarded_write(&self, rt: &GuardRuntime, me: &jitty_rt::guard::ThreadRecord, v: u64) {
        let d = self.deps.load(Ordering::Relaxed);
        if d != 0 {
            rt.prepare_write(d, Some(me));
        }
        self.field.store(v, Ordering::Relaxed);
        if d != 0 {
            rt.finish_write(d);
        }
    }

    /// A call through the slot. Specialized code checks the oracle: the
    /// field still holds the folded value. With `block`, it sleeps inside
    /// the specialized code and, unless it must restart, checks again.
    fn call(&self, rt: &GuardRuntime, me: &jitty_rt::guard::ThreadRecord, block: bool) {
        me.enter();
        let code = self.slot.load(Ordering::Acquire);
        if code == SPECIALIZED {
            me.entered(Self::addr(&self.slot), code);
            assert_eq!(self.field.load(Ordering::Relaxed), OLD, "specialized code ran on a stale fact");
            if block {
                me.sleep();
                if !rt.wake(me) {
                    assert_eq!(self.field.load(Ordering::Relaxed), OLD, "woke into stale specialized code");
                }
            }
        }
        me.leave();
    }

    /// Once every thread is done, a plugged specialization matches the field.
    fn assert_no_stale_plug(&self) {
        if self.slot.load(Ordering::Relaxed) == SPECIALIZED {
            assert_eq!(self.field.load(Ordering::Relaxed), OLD, "a stale specialization stayed plugged");
        }
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(3);
    b.check(f);
}

/// A thread that installs `k.spec()` (it may be refused).
fn spawn_installer(k: &Arc<Kernel>, rt: &Arc<GuardRuntime>) -> thread::JoinHandle<()> {
    let (k, rt) = (k.clone(), rt.clone());
    thread::spawn(move || {
        let _ = rt.install(k.spec(), None);
    })
}

/// A thread that enters, writes `NEW` through the guard, and leaves.
fn spawn_writer(k: &Arc<Kernel>, rt: &Arc<GuardRuntime>) -> thread::JoinHandle<()> {
    let (k, rt) = (k.clone(), rt.clone());
    thread::spawn(move || {
        let me = rt.domain().register();
        me.enter();
        k.guarded_write(&rt, &me, NEW);
        me.leave();
    })
}

/// Install races with a guarded write while a reader calls through the slot.
#[test]
fn install_write_enter_leave() {
    model(|| {
        let k = Arc::new(Kernel::new());
        let rt = Arc::new(GuardRuntime::new());
        let installer = spawn_installer(&k, &rt);
        let writer = spawn_writer(&k, &rt);
        k.call(&rt, &rt.domain().register(), false);
        installer.join().unwrap();
        writer.join().unwrap();
        k.assert_no_stale_plug();
    });
}

/// A specialization is live; a guarded write unplugs it and drains (the
/// writer is quiescent while it waits) while a second specialization is
/// installed folding the old value. The second one must never end up
/// plugged once the write has stored.
#[test]
fn install_during_a_draining_write() {
    model(|| {
        let k = Arc::new(Kernel::new());
        let rt = Arc::new(GuardRuntime::new());
        rt.install(k.spec(), None).expect("first install");
        let installer = spawn_installer(&k, &rt);
        let me = rt.domain().register();
        me.enter();
        k.guarded_write(&rt, &me, NEW);
        me.leave();
        installer.join().unwrap();
        k.assert_no_stale_plug();
    });
}

/// Everything at once: a live specialization, a caller that blocks in it and
/// wakes, a guarded write, and the installation of a second specialization.
/// Nothing stale runs after the store and nothing stale stays plugged. Run
/// at preemption bound 1: at 2, loom's exploration of the drain's spin loop
/// exceeds its branch limit (20,000 tried).
#[test]
fn sleeper_writer_and_installer() {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(1);
    b.max_branches = 5_000;
    b.check(|| {
        let k = Arc::new(Kernel::new());
        let rt = Arc::new(GuardRuntime::new());
        rt.install(k.spec(), None).expect("first install");
        let installer = spawn_installer(&k, &rt);
        let writer = spawn_writer(&k, &rt);
        k.call(&rt, &rt.domain().register(), true);
        installer.join().unwrap();
        writer.join().unwrap();
        k.assert_no_stale_plug();
    });
}

/// A reader blocks inside specialized code; the writer must not wait for it,
/// and the reader must restart when it wakes after the write.
#[test]
fn block_and_wake() {
    model(|| {
        let k = Arc::new(Kernel::new());
        let rt = Arc::new(GuardRuntime::new());
        rt.install(k.spec(), None).expect("no writer yet: install must succeed");
        let writer = spawn_writer(&k, &rt);
        k.call(&rt, &rt.domain().register(), true);
        writer.join().unwrap();
        assert_eq!(k.slot.load(Ordering::Relaxed), GENERIC);
        assert_eq!(k.field.load(Ordering::Relaxed), NEW);
    });
}

/// Two guarded writers, each on an object a live specialization depends on,
/// drain at the same time: neither may wait for the other (each counts as
/// quiescent while it drains), so the model finishes instead of spinning.
#[test]
fn concurrent_draining_writers() {
    model(|| {
        let ks = [Arc::new(Kernel::new()), Arc::new(Kernel::new())];
        let rt = Arc::new(GuardRuntime::new());
        for k in &ks {
            rt.install(k.spec(), None).expect("install");
        }
        let writers: Vec<_> = ks.iter().map(|k| spawn_writer(k, &rt)).collect();
        for w in writers {
            w.join().unwrap();
        }
        for k in &ks {
            assert_eq!(k.slot.load(Ordering::Relaxed), GENERIC);
            assert_eq!(k.deps.load(Ordering::Relaxed), 0);
        }
    });
}

/// Code addresses freed through the reclaim callback, as a bit set (bit
/// `code >> 12`).
#[derive(Clone)]
struct Freed(Arc<AtomicUsize>);

impl Freed {
    fn attach(rt: &GuardRuntime) -> Self {
        let f = Freed(Arc::new(AtomicUsize::new(0)));
        let bits = f.0.clone();
        rt.on_reclaim(Box::new(move |_, code| {
            let old = bits.fetch_or(1 << (code >> 12), Ordering::SeqCst);
            assert_eq!(old & 1 << (code >> 12), 0, "code freed twice");
        }));
        f
    }
    fn is_freed(&self, code: usize) -> bool {
        self.0.load(Ordering::SeqCst) & 1 << (code >> 12) != 0
    }
}

const REPLACEMENT: usize = 0x3000;

/// A call through the slot that checks the code it runs is not freed,
/// before and (with `block`) after a sleep it does not restart from.
fn call_live_code(k: &Kernel, rt: &GuardRuntime, freed: &Freed, block: bool) {
    let me = rt.domain().register();
    me.enter();
    let code = k.slot.load(Ordering::Acquire);
    if code != GENERIC {
        me.entered(Kernel::addr(&k.slot), code);
        assert!(!freed.is_freed(code), "ran code that was already freed");
        if block {
            me.sleep();
            if !rt.wake(&me) {
                assert!(!freed.is_freed(code), "woke into freed code");
            }
        }
    }
    me.leave();
}

/// An explicit unplug (an object released, an eviction) while a caller
/// runs, and maybe sleeps, in the code: the code is freed only once no
/// thread can be in it, and it is freed once everyone is done.
#[test]
fn uninstall_while_calling() {
    for block in [false, true] {
        model(move || {
            let k = Arc::new(Kernel::new());
            let rt = Arc::new(GuardRuntime::new());
            let freed = Freed::attach(&rt);
            let id = rt.install(k.spec(), None).expect("install");
            let unplugger = {
                let rt = rt.clone();
                thread::spawn(move || assert!(rt.uninstall(id, None), "it was installed"))
            };
            call_live_code(&k, &rt, &freed, block);
            unplugger.join().unwrap();
            assert_eq!(k.slot.load(Ordering::Relaxed), GENERIC);
            rt.reclaim(None);
            assert!(freed.is_freed(SPECIALIZED), "unplugged code is freed once no thread is in it");
            assert_eq!(rt.zombies(), 0);
        });
    }
}

/// A second specialization replaces the first in the same slot while a
/// caller runs the first: the first is freed only after the caller is out
/// of it, the second stays plugged and alive.
#[test]
fn replace_while_calling() {
    model(|| {
        let k = Arc::new(Kernel::new());
        let rt = Arc::new(GuardRuntime::new());
        let freed = Freed::attach(&rt);
        rt.install(k.spec(), None).expect("install");
        let replacer = {
            let (k, rt) = (k.clone(), rt.clone());
            thread::spawn(move || {
                rt.install(k.spec_of(REPLACEMENT), None).expect("no writer: the replacement installs");
            })
        };
        call_live_code(&k, &rt, &freed, false);
        replacer.join().unwrap();
        assert_eq!(k.slot.load(Ordering::Relaxed), REPLACEMENT);
        rt.reclaim(None);
        assert!(freed.is_freed(SPECIALIZED), "the replaced code is freed");
        assert!(!freed.is_freed(REPLACEMENT), "the plugged code is alive");
        assert_eq!(rt.live(), 1);
    });
}
