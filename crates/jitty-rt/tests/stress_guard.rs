//! Stress test of the guard runtime on real threads and real atomics: eight
//! threads call through a dispatch slot (sometimes blocking inside the
//! specialized code) while one thread keeps installing specializations that
//! fold the current value of a quasi-invariant and another keeps changing it
//! with guarded writes. The oracle knows the fact at each call: specialized
//! code encodes the value it folded, and every execution of it compares
//! that with the field. Zero stale executions are allowed.
#![cfg(not(loom))]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use jitty_rt::guard::{GuardRuntime, Plug, Specialization, Term, ThreadRecord};

const GENERIC: usize = 0x1000;
const SPEC_BASE: usize = 0x10_0000;

#[derive(Default)]
struct Object {
    deps: AtomicUsize,
    field: AtomicU64,
}

#[derive(Default)]
struct Counters {
    specialized_calls: AtomicU64,
    generic_calls: AtomicU64,
    stale: AtomicU64,
    restarts: AtomicU64,
    installs: AtomicU64,
    refused: AtomicU64,
    writes: AtomicU64,
    freed: AtomicU64,
}

fn addr<T>(x: &T) -> usize {
    x as *const T as usize
}

fn guarded_write(rt: &GuardRuntime, me: &ThreadRecord, o: &Object, v: u64) {
    let d = o.deps.load(Ordering::Relaxed);
    if d != 0 {
        rt.prepare_write(d, Some(me));
    }
    o.field.store(v, Ordering::Relaxed);
    if d != 0 {
        rt.finish_write(d);
    }
}

#[test]
fn eight_callers_one_writer_one_installer_no_stale_execution() {
    let rt = Arc::new(GuardRuntime::new());
    let obj = Arc::new(Object::default());
    let slot = Arc::new(AtomicUsize::new(GENERIC));
    let c = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    {
        let c = c.clone();
        rt.on_reclaim(Box::new(move |_, _| {
            c.freed.fetch_add(1, Ordering::Relaxed);
        }));
    }
    let mut handles = Vec::new();
    for n in 0..8u64 {
        let (rt, obj, slot, c, stop) = (rt.clone(), obj.clone(), slot.clone(), c.clone(), stop.clone());
        handles.push(thread::spawn(move || {
            let me = rt.domain().register();
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                // Callers do other work between calls (2 cores, 10 threads).
                if i.is_multiple_of(16) {
                    thread::sleep(Duration::from_micros(20));
                }
                loop {
                    me.enter();
                    let code = slot.load(Ordering::Acquire);
                    if code == GENERIC {
                        c.generic_calls.fetch_add(1, Ordering::Relaxed);
                        me.leave();
                        break;
                    }
                    me.entered(addr(&*slot), code);
                    let folded = (code - SPEC_BASE) as u64;
                    // The specialized code runs a while on its folded fact.
                    for _ in 0..200 {
                        if obj.field.load(Ordering::Relaxed) != folded {
                            c.stale.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        std::hint::spin_loop();
                    }
                    // Some calls block inside the specialized code.
                    if (i + n).is_multiple_of(64) {
                        me.sleep();
                        thread::sleep(Duration::from_micros(50));
                        if rt.wake(&me) {
                            c.restarts.fetch_add(1, Ordering::Relaxed);
                            me.leave();
                            continue; // restart through the slot
                        }
                        if obj.field.load(Ordering::Relaxed) != folded {
                            c.stale.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    c.specialized_calls.fetch_add(1, Ordering::Relaxed);
                    me.leave();
                    break;
                }
            }
            rt.domain().unregister(&me);
        }));
    }
    {
        let (rt, obj, c, stop) = (rt.clone(), obj.clone(), c.clone(), stop.clone());
        handles.push(thread::spawn(move || {
            let me = rt.domain().register();
            let mut v = 0;
            while !stop.load(Ordering::Relaxed) {
                v = (v + 1) % 1000;
                me.enter();
                guarded_write(&rt, &me, &obj, v);
                me.leave();
                c.writes.fetch_add(1, Ordering::Relaxed);
                thread::sleep(Duration::from_millis(3));
            }
            rt.domain().unregister(&me);
        }));
    }
    {
        let (rt, obj, slot, c, stop) = (rt.clone(), obj.clone(), slot.clone(), c.clone(), stop.clone());
        handles.push(thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let v = obj.field.load(Ordering::Relaxed);
                let spec = Specialization {
                    terms: vec![Term { deps_word: addr(&obj.deps), field: addr(&obj.field), size: 8, value: v }],
                    plug: Plug { slot: addr(&*slot), generic: GENERIC, code: SPEC_BASE + v as usize },
                };
                match rt.install(spec, None) {
                    Ok(_) => c.installs.fetch_add(1, Ordering::Relaxed),
                    Err(_) => c.refused.fetch_add(1, Ordering::Relaxed),
                };
                thread::sleep(Duration::from_micros(100));
            }
        }));
    }
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(2) {
        thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("thread");
    }
    rt.reclaim(None);
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    eprintln!(
        "specialized calls {}, generic calls {}, restarts {}, installs {} (refused {}), guarded writes {}, code freed {}",
        get(&c.specialized_calls),
        get(&c.generic_calls),
        get(&c.restarts),
        get(&c.installs),
        get(&c.refused),
        get(&c.writes),
        get(&c.freed)
    );
    assert_eq!(get(&c.stale), 0, "stale specialized executions");
    assert!(get(&c.specialized_calls) > 1000, "the specialized code must actually run");
    assert!(get(&c.installs) > 10 && get(&c.writes) > 10);
    // Everything unplugged was freed once no thread was inside it.
    assert_eq!(rt.zombies(), 0);
    assert_eq!(get(&c.freed) as usize + rt.live(), get(&c.installs) as usize);
}
