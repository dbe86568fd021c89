//! E8, the primitive: what a guarded write costs when nothing depends on
//! the object (the common case), against a plain store of the same cell.
//!
//! The kernel's own types: `QuasiDeps::prepare` (a relaxed load and a test
//! of the dependents word) then `Quasi::store` (a relaxed atomic store),
//! against `AtomicU32::store` (relaxed). Both arms run in one process,
//! interleaved batch by batch; the report is the median ns per write of
//! each and their difference (target: at most 2 ns).
//!
//! `cargo bench -p jitty-kernel-modtests --bench e8_quasi_write [-- --quick]`

use jitty_kernel::annotations::{Quasi, QuasiDeps};
use std::hint::black_box;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

/// An object with a dependents word and one quasi-invariant field.
struct Obj {
    deps: QuasiDeps,
    flags: Quasi<u32>,
}

#[inline(never)]
fn guarded_writes(o: &Obj, n: u32) {
    for i in 0..n {
        let w = o.deps.prepare();
        o.flags.store(&w, black_box(i));
    }
}

#[inline(never)]
fn plain_writes(cell: &AtomicU32, n: u32) {
    for i in 0..n {
        cell.store(black_box(i), Ordering::Relaxed);
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (batches, n) = if quick { (9, 2_000_000u32) } else { (21, 20_000_000u32) };
    let o = black_box(Obj { deps: QuasiDeps::new(), flags: Quasi::new(0) });
    let cell = black_box(AtomicU32::new(0));
    let (mut g, mut p) = (Vec::new(), Vec::new());
    for _ in 0..batches {
        let t = Instant::now();
        guarded_writes(&o, n);
        g.push(t.elapsed().as_nanos() as f64 / f64::from(n));
        let t = Instant::now();
        plain_writes(&cell, n);
        p.push(t.elapsed().as_nanos() as f64 / f64::from(n));
    }
    assert!(!o.deps.has_dependents());
    assert_eq!(o.flags.get(), n - 1);
    let (gm, pm) = (median(&mut g), median(&mut p));
    println!("E8 guarded write, no dependents: {gm:.3} ns/write (median of {batches} batches of {n})");
    println!("E8 plain relaxed store:          {pm:.3} ns/write");
    println!("E8 difference:                   {:.3} ns/write (target: <= 2 ns)", gm - pm);
}
