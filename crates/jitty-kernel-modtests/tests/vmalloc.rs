//! Tests of the Vmalloc region allocator: model-checked random sequences for
//! every method and discipline, edge cases, best-fit policy, coalescing,
//! locking and the quasi-invariant guard on the pool size.

use std::collections::HashMap;
use std::ptr;

use jitty_kernel_modtests::vmalloc::*;
use proptest::prelude::*;

/// A region together with the discipline (and buffer) it lives on.
struct Fixture {
    region: *mut Region,
    _disc: Box<Discipline>,
    _fb: Option<Box<FixedBuffer>>,
    _buf: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy)]
enum Disc {
    Heap,
    Fixed,
}

impl Fixture {
    fn new(disc: Disc, meth: &'static Method, flags: u32) -> Fixture {
        match disc {
            Disc::Heap => {
                let d = Box::new(Discipline::heap(&GLOBAL_HEAP_HOOKS, 4096));
                // SAFETY: the discipline is boxed and outlives the region (closed in Drop).
                let region = unsafe { vmalloc_region_open(&*d, meth, flags) };
                assert!(!region.is_null());
                Fixture { region, _disc: d, _fb: None, _buf: None }
            }
            Disc::Fixed => {
                // Large enough for any generated sequence; zeroed pages are only touched when used.
                let mut buf = vec![0u8; 64 << 20];
                let mut fb = Box::new(FixedBuffer::new(buf.as_mut_ptr(), buf.len()));
                let d = Box::new(Discipline::fixed(&mut *fb));
                // SAFETY: buffer, fixed-buffer state and discipline outlive the region.
                let region = unsafe { vmalloc_region_open(&*d, meth, flags) };
                assert!(!region.is_null());
                Fixture { region, _disc: d, _fb: Some(fb), _buf: Some(buf) }
            }
        }
    }

    fn alloc(&self, n: usize) -> *mut u8 {
        // SAFETY: live region.
        unsafe { vmalloc_alloc(self.region, n) }
    }

    fn free(&self, p: *mut u8) -> i32 {
        // SAFETY: live region; the tests only pass pointers they got from it (or bad ones on purpose,
        // which the region detects without VM_TRUST).
        unsafe { vmalloc_free(self.region, p) }
    }

    fn resize(&self, p: *mut u8, n: usize) -> *mut u8 {
        // SAFETY: as for `free`.
        unsafe { vmalloc_resize(self.region, p, n) }
    }

    fn check(&self) -> i32 {
        // SAFETY: live region.
        unsafe { vmalloc_check(self.region) }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // SAFETY: the region is live and unused afterwards.
        unsafe { vmalloc_region_close(self.region) };
    }
}

#[derive(Debug, Clone)]
enum Op {
    Alloc(usize),
    Free(usize),
    Resize(usize, usize),
}

fn size_strategy() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0usize..=64, 3 => 65usize..1100, 2 => 1100usize..20_000, 1 => 20_000usize..100_000]
}

fn ops_strategy() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            5 => size_strategy().prop_map(Op::Alloc),
            4 => any::<usize>().prop_map(Op::Free),
            2 => (any::<usize>(), size_strategy()).prop_map(|(i, n)| Op::Resize(i, n)),
        ],
        1..250,
    )
}

/// The model: live pointer → (requested size, fill byte).
struct Model {
    live: HashMap<usize, (usize, u8)>,
    next_fill: u8,
}

impl Model {
    fn new() -> Self {
        Model { live: HashMap::new(), next_fill: 1 }
    }

    fn fill(&mut self, p: *mut u8, n: usize) {
        let f = self.next_fill;
        self.next_fill = self.next_fill.wrapping_add(1).max(1);
        // SAFETY: `p` is a live block of at least `n` bytes.
        unsafe { ptr::write_bytes(p, f, n) };
        assert!(self.live.insert(p as usize, (n, f)).is_none(), "pointer handed out twice");
    }

    fn pick(&self, i: usize) -> Option<usize> {
        if self.live.is_empty() {
            return None;
        }
        let mut keys: Vec<usize> = self.live.keys().copied().collect();
        keys.sort_unstable();
        Some(keys[i % keys.len()])
    }

    fn verify(&self, fx: &Fixture) {
        let mut blocks: Vec<(usize, usize)> = self.live.iter().map(|(&p, &(n, _))| (p, n)).collect();
        blocks.sort_unstable();
        for w in blocks.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "blocks overlap: {:x?}", w);
        }
        for (&p, &(n, f)) in &self.live {
            assert_eq!(p % 16, 0, "misaligned block {p:#x}");
            // SAFETY: live block of `n` bytes.
            let s = unsafe { std::slice::from_raw_parts(p as *const u8, n) };
            assert!(s.iter().all(|&b| b == f), "contents of {p:#x} ({n} bytes) damaged");
        }
        assert_eq!(fx.check(), 0, "integrity check failed");
    }
}

fn run_best(disc: Disc, flags: u32, ops: &[Op]) {
    let fx = Fixture::new(disc, &VMBEST, flags);
    let mut m = Model::new();
    for op in ops {
        match *op {
            Op::Alloc(n) => {
                let p = fx.alloc(n);
                assert!(!p.is_null(), "alloc({n}) failed");
                m.fill(p, n);
            }
            Op::Free(i) => {
                if let Some(p) = m.pick(i) {
                    assert_eq!(fx.free(p as *mut u8), 0);
                    m.live.remove(&p);
                }
            }
            Op::Resize(i, n) => {
                let Some(p) = m.pick(i) else { continue };
                let (old, f) = m.live[&p];
                let q = fx.resize(p as *mut u8, n);
                if n == 0 {
                    assert!(q.is_null());
                    m.live.remove(&p);
                    continue;
                }
                assert!(!q.is_null(), "resize({n}) failed");
                // SAFETY: `q` is live with at least `n` bytes.
                let s = unsafe { std::slice::from_raw_parts(q, old.min(n)) };
                assert!(s.iter().all(|&b| b == f), "resize lost contents");
                m.live.remove(&p);
                m.fill(q, n);
            }
        }
        m.verify(&fx);
    }
    for &p in m.live.keys() {
        assert_eq!(fx.free(p as *mut u8), 0);
    }
    assert_eq!(fx.check(), 0);
}

fn run_pool(disc: Disc, psize: usize, ops: &[Op]) {
    let fx = Fixture::new(disc, &VMPOOL, 0);
    let mut m = Model::new();
    for op in ops {
        match *op {
            Op::Alloc(n) => {
                let first = m.live.is_empty() && m.next_fill == 1;
                let want = if n % 4 == 0 || first { psize } else { n };
                let p = fx.alloc(want);
                if want == psize {
                    assert!(!p.is_null());
                    m.fill(p, psize);
                } else {
                    assert!(p.is_null(), "pool served a size {want} != {psize}");
                }
            }
            Op::Free(i) => {
                if let Some(p) = m.pick(i) {
                    assert_eq!(fx.free(p as *mut u8), 0);
                    m.live.remove(&p);
                }
            }
            Op::Resize(i, n) => {
                let Some(p) = m.pick(i) else { continue };
                let q = fx.resize(p as *mut u8, n);
                if n == 0 {
                    assert!(q.is_null());
                    m.live.remove(&p);
                } else if n <= psize {
                    assert_eq!(q as usize, p);
                } else {
                    assert!(q.is_null());
                }
            }
        }
        m.verify(&fx);
    }
}

fn run_last(disc: Disc, ops: &[Op]) {
    let fx = Fixture::new(disc, &VMLAST, 0);
    let mut m = Model::new();
    // Allocation order of blocks still allocated (tracked or ghosts); only the newest is freeable.
    let mut order: Vec<usize> = Vec::new();
    for op in ops {
        match *op {
            Op::Alloc(n) => {
                let p = fx.alloc(n);
                assert!(!p.is_null());
                m.fill(p, n);
                order.push(p as usize);
            }
            Op::Free(i) => {
                let Some(p) = m.pick(i) else { continue };
                let rc = fx.free(p as *mut u8);
                if order.last() == Some(&p) {
                    assert_eq!(rc, 0);
                    m.live.remove(&p);
                    order.pop();
                } else {
                    assert_eq!(rc, -1, "freed a block that is not the last");
                }
            }
            Op::Resize(i, n) => {
                let Some(p) = m.pick(i) else { continue };
                let (old, f) = m.live[&p];
                let q = fx.resize(p as *mut u8, n);
                if n == 0 {
                    assert!(q.is_null());
                    if order.last() == Some(&p) {
                        m.live.remove(&p);
                        order.pop();
                    }
                    continue;
                }
                assert!(!q.is_null());
                // SAFETY: `q` is live with at least `n` bytes.
                let s = unsafe { std::slice::from_raw_parts(q, old.min(n)) };
                assert!(s.iter().all(|&b| b == f));
                m.live.remove(&p);
                m.fill(q, n);
                if q as usize != p {
                    // The old block stays allocated, untracked: a ghost in the allocation order.
                    order.push(q as usize);
                }
            }
        }
        m.verify(&fx);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn best_heap_model(ops in ops_strategy()) {
        run_best(Disc::Heap, 0, &ops);
    }

    #[test]
    fn best_trusted_single_threaded_model(ops in ops_strategy()) {
        run_best(Disc::Heap, VM_TRUST | VM_SINGLE, &ops);
    }

    #[test]
    fn best_fixed_model(ops in ops_strategy()) {
        run_best(Disc::Fixed, 0, &ops);
    }

    #[test]
    fn pool_heap_model(psize in 1usize..3000, ops in ops_strategy()) {
        run_pool(Disc::Heap, psize, &ops);
    }

    #[test]
    fn pool_fixed_model(psize in 1usize..3000, ops in ops_strategy()) {
        run_pool(Disc::Fixed, psize, &ops);
    }

    #[test]
    fn last_heap_model(ops in ops_strategy()) {
        run_last(Disc::Heap, &ops);
    }

    #[test]
    fn last_fixed_model(ops in ops_strategy()) {
        run_last(Disc::Fixed, &ops);
    }
}

#[test]
fn zero_huge_and_null() {
    for (meth, zero_ok) in [(&VMBEST, true), (&VMPOOL, false), (&VMLAST, true)] {
        let fx = Fixture::new(Disc::Heap, meth, 0);
        let a = fx.alloc(0);
        let b = fx.alloc(0);
        if zero_ok {
            assert!(!a.is_null() && !b.is_null() && a != b, "malloc(0) must give unique pointers");
        } else {
            assert!(a.is_null() && b.is_null());
        }
        for huge in [usize::MAX, usize::MAX / 2, MAX_REQUEST + 1, 1 << 50] {
            assert!(fx.alloc(huge).is_null(), "alloc({huge:#x}) must fail");
        }
        assert_eq!(fx.free(ptr::null_mut()), 0);
        assert_eq!(fx.check(), 0);
    }
    // The fixed discipline runs out: null, and the region stays consistent.
    let fx = Fixture::new(Disc::Fixed, &VMBEST, 0);
    assert!(fx.alloc(65 << 20).is_null());
    let p = fx.alloc(1 << 20);
    assert!(!p.is_null());
    assert_eq!(fx.check(), 0);
}

#[test]
fn best_detects_bad_frees() {
    let fx = Fixture::new(Disc::Heap, &VMBEST, 0);
    let p = fx.alloc(100);
    let q = fx.alloc(100);
    assert_eq!(fx.free(p), 0);
    assert_eq!(fx.free(p), -1, "double free must be detected");
    let mut local = [0u128; 4];
    assert_eq!(fx.free(local.as_mut_ptr().cast::<u8>().wrapping_add(16)), -1, "foreign pointer");
    assert_eq!(fx.free(q.wrapping_add(1)), -1, "misaligned pointer");
    assert!(fx.resize(local.as_mut_ptr().cast(), 10).is_null());
    assert_eq!(fx.free(q), 0);
    assert_eq!(fx.check(), 0);
}

#[test]
fn pool_rejects_foreign_pointers() {
    let fx = Fixture::new(Disc::Heap, &VMPOOL, 0);
    let p = fx.alloc(40);
    assert_eq!(fx.free(p.wrapping_add(16)), -1, "pointer inside a block");
    let mut local = [0u128; 4];
    assert_eq!(fx.free(local.as_mut_ptr().cast()), -1);
    assert_eq!(fx.free(p), 0);
    assert_eq!(fx.alloc(40), p, "LIFO reuse");
    assert!(fx.alloc(41).is_null());
    assert_eq!(fx.check(), 0);
}

#[test]
fn last_is_a_stack() {
    let fx = Fixture::new(Disc::Heap, &VMLAST, 0);
    let a = fx.alloc(10);
    let b = fx.alloc(20);
    let c = fx.alloc(30);
    assert_eq!(fx.free(a), -1);
    assert_eq!(fx.free(b), -1);
    assert_eq!(fx.free(c), 0);
    assert_eq!(fx.free(b), 0);
    assert_eq!(fx.free(a), 0);
    assert_eq!(fx.alloc(10), a, "space of freed last blocks is reused");
    // The last block grows in place.
    let d = fx.alloc(16);
    assert_eq!(fx.resize(d, 4000), d);
    assert_eq!(fx.check(), 0);
}

#[test]
fn best_fit_picks_smallest_fitting_large_block() {
    // The fixed discipline grows one segment in place, so blocks and guards are laid out in order.
    let fx = Fixture::new(Disc::Fixed, &VMBEST, 0);
    let sizes = [9000usize, 2000, 5000, 3000, 7000, 2600];
    let mut blocks = Vec::new();
    for &n in &sizes {
        blocks.push(fx.alloc(n));
        fx.alloc(16); // a busy guard keeps the free blocks apart
    }
    for &b in &blocks {
        assert_eq!(fx.free(b), 0);
    }
    assert_eq!(fx.check(), 0);
    // 2500 fits 2600 best; 2900 fits 3000; 4000 → 5000; 8000 → 9000.
    assert_eq!(fx.alloc(2500), blocks[5]);
    assert_eq!(fx.alloc(2900), blocks[3]);
    assert_eq!(fx.alloc(4000), blocks[2]);
    assert_eq!(fx.alloc(8000), blocks[0]);
    assert_eq!(fx.check(), 0);
}

#[test]
fn tiny_and_small_reuse_exact_blocks() {
    let fx = Fixture::new(Disc::Fixed, &VMBEST, 0);
    let t: Vec<*mut u8> = (0..8).map(|_| fx.alloc(24)).collect();
    let s: Vec<*mut u8> = (0..8).map(|_| fx.alloc(500)).collect();
    fx.alloc(16);
    assert_eq!(fx.free(t[3]), 0);
    assert_eq!(fx.free(s[5]), 0);
    assert_eq!(fx.alloc(20), t[3], "tiny exact list");
    assert_eq!(fx.alloc(490), s[5], "small bin");
    assert_eq!(fx.check(), 0);
}

#[test]
fn coalescing_merges_neighbours() {
    let fx = Fixture::new(Disc::Fixed, &VMBEST, 0);
    let a = fx.alloc(200);
    let b = fx.alloc(200);
    let c = fx.alloc(200);
    let _guard = fx.alloc(16);
    assert_eq!(fx.free(a), 0);
    assert_eq!(fx.free(c), 0);
    assert_eq!(fx.free(b), 0);
    assert_eq!(fx.check(), 0);
    // One free block of 3 * 208 + 2 * 16 bytes now starts at `a`.
    assert_eq!(fx.alloc(600), a);
    assert_eq!(fx.check(), 0);
}

#[test]
fn resize_in_place_and_moving() {
    for disc in [Disc::Heap, Disc::Fixed] {
        let fx = Fixture::new(disc, &VMBEST, 0);
        let p = fx.alloc(100);
        // SAFETY: 100 live bytes.
        unsafe { ptr::write_bytes(p, 0xab, 100) };
        assert_eq!(fx.resize(p, 50), p, "shrink in place");
        let q = fx.resize(p, 5000);
        assert!(!q.is_null());
        if matches!(disc, Disc::Fixed) {
            assert_eq!(q, p, "the segment grows in place under the block");
        }
        let _pin = fx.alloc(16);
        let r = fx.resize(q, 200_000);
        assert!(!r.is_null());
        // SAFETY: at least 50 live bytes.
        assert!(unsafe { std::slice::from_raw_parts(r, 50) }.iter().all(|&b| b == 0xab));
        assert!(fx.resize(r, usize::MAX).is_null(), "failed resize keeps the block");
        assert!(fx.resize(r, 0).is_null());
        assert_eq!(fx.check(), 0);
    }
}

#[test]
fn clear_releases_everything() {
    let mut buf = vec![0u8; 1 << 20];
    let mut fb = Box::new(FixedBuffer::new(buf.as_mut_ptr(), buf.len()));
    let d = Box::new(Discipline::fixed(&mut *fb));
    // SAFETY: buffer and discipline outlive the region.
    unsafe {
        let r = vmalloc_region_open(&*d, &VMBEST, VM_SINGLE);
        let header = fb.used();
        for i in 0..100 {
            assert!(!vmalloc_alloc(r, i * 37).is_null());
        }
        assert!(fb.used() > header);
        assert_eq!(vmalloc_region_clear(r), 0);
        assert_eq!(fb.used(), header, "segments returned to the discipline");
        assert!(!vmalloc_alloc(r, 1000).is_null());
        assert_eq!(vmalloc_check(r), 0);
        assert_eq!(vmalloc_region_close(r), 0);
        assert_eq!(fb.used(), 0);
    }
    drop(buf);
}

#[test]
fn flags_and_trust() {
    let fx = Fixture::new(Disc::Heap, &VMBEST, VM_SINGLE);
    let p = fx.alloc(64);
    // SAFETY: live region.
    unsafe {
        assert_eq!(vmalloc_region_set(fx.region, VM_SINGLE, 0), VM_SINGLE);
        assert_eq!((*fx.region).flags.get(), 0);
        assert_eq!(vmalloc_region_set(fx.region, VM_TRUST, 1), 0);
        assert_eq!((*fx.region).flags.get(), VM_TRUST);
    }
    assert_eq!(fx.free(p), 0);
    assert_eq!(fx.check(), 0);
}

#[test]
fn pool_size_write_is_guarded() {
    use jitty_kernel_modtests::testhal::quasi_hook_calls as guarded_writes;
    let fx = Fixture::new(Disc::Heap, &VMPOOL, 0);
    let mut token = 0u8;
    // Install a dependents record as the runtime does: a store to the
    // region's dependents word (`QuasiDeps` is one `#[repr(C)]` pointer).
    // SAFETY: live region; the test HAL's hook only counts.
    unsafe {
        let word = &raw const (*fx.region).deps as *const std::sync::atomic::AtomicPtr<std::ffi::c_void>;
        (*word).store((&raw mut token).cast(), std::sync::atomic::Ordering::Release);
    }
    let before = guarded_writes();
    assert!(!fx.alloc(48).is_null());
    assert!(guarded_writes() > before, "psize and stride are written through one guarded write");
    let mid = guarded_writes();
    assert!(!fx.alloc(48).is_null());
    assert_eq!(guarded_writes(), mid, "later allocations do not write the quasi-invariant");
}

#[test]
fn jk_malloc_family() {
    let p = jk_malloc(100);
    assert!(!p.is_null() && (p as usize).is_multiple_of(16));
    // SAFETY: 100 live bytes.
    unsafe { ptr::write_bytes(p, 7, 100) };
    // SAFETY: `p` is a live default-region block.
    let q = unsafe { jk_realloc(p, 10_000) };
    // SAFETY: at least 100 live bytes.
    assert!(unsafe { std::slice::from_raw_parts(q, 100) }.iter().all(|&b| b == 7));
    let z = jk_calloc(33, 17);
    // SAFETY: 561 live bytes.
    assert!(unsafe { std::slice::from_raw_parts(z, 33 * 17) }.iter().all(|&b| b == 0));
    assert!(jk_calloc(usize::MAX, 2).is_null());
    assert!(jk_malloc(usize::MAX).is_null());
    // SAFETY: live blocks of the default region; free(null) is a no-op.
    unsafe {
        jk_free(q);
        jk_free(z);
        jk_free(ptr::null_mut());
        assert!(jk_realloc(ptr::null_mut(), 0).is_null() || vmalloc_check(vmalloc_default_region()) == 0);
        assert_eq!(vmalloc_check(vmalloc_default_region()), 0);
    }
}

#[test]
fn default_region_under_threads() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut live: Vec<(usize, usize)> = Vec::new();
                for i in 0..4000usize {
                    let n = (i * 7919 + t * 104_729) % 3000;
                    if i % 3 == 2 && !live.is_empty() {
                        let (p, n) = live.swap_remove((i * 31) % live.len());
                        // SAFETY: live block of `n` bytes from the default region.
                        unsafe {
                            assert!(std::slice::from_raw_parts(p as *const u8, n).iter().all(|&b| b == t as u8));
                            jk_free(p as *mut u8);
                        }
                    } else {
                        let p = jk_malloc(n);
                        assert!(!p.is_null());
                        // SAFETY: `n` live bytes.
                        unsafe { ptr::write_bytes(p, t as u8, n) };
                        live.push((p as usize, n));
                    }
                }
                for (p, _) in live {
                    // SAFETY: live blocks from the default region.
                    unsafe { jk_free(p as *mut u8) };
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // SAFETY: the default region is live.
    assert_eq!(unsafe { vmalloc_check(vmalloc_default_region()) }, 0);
}
