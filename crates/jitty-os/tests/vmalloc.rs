//! The host's Vmalloc wrapper: each method through the host-services
//! table, blocks as handles that only their own open region accepts, and
//! the guarded `VM_SINGLE` flip reporting the previous flags.

use jitty_os::abi::{VM_SINGLE, VM_TRUST};
use jitty_os::vmalloc::{BlockError, Method, Region};

#[test]
fn every_method_allocates_aligned_blocks_that_keep_their_contents() {
    jitty_os::boot().expect("boot");
    for m in [Method::Best, Method::Pool, Method::Last] {
        let r = Region::open(m, 0).expect("open");
        assert_eq!(r.method(), m);
        let blocks: Vec<_> = (0..8).map(|_| r.alloc(48).expect("alloc 48")).collect();
        for (i, b) in blocks.iter().enumerate() {
            assert!(b.is_aligned(16) && b.size() == 48);
            r.fill(b, i as u8 + 1).expect("fill");
        }
        for (i, b) in blocks.iter().enumerate() {
            assert!(r.holds(b, i as u8 + 1).expect("holds"), "{m:?}: block {i} overwritten");
        }
        assert_eq!(r.check(), 0, "{m:?}");
        // The last method frees only the most recent block.
        for b in blocks.into_iter().rev() {
            r.free(b).expect("free");
        }
        assert_eq!(r.check(), 0, "{m:?}");
    }
}

#[test]
fn a_block_is_refused_by_another_region_and_a_pool_keeps_its_size() {
    jitty_os::boot().expect("boot");
    let a = Region::open(Method::Best, 0).expect("open");
    let b = Region::open(Method::Pool, 0).expect("open");
    let x = a.alloc(32).expect("alloc");
    assert_eq!(b.fill(&x, 1), Err(BlockError::WrongRegion));
    assert_eq!(b.holds(&x, 1), Err(BlockError::WrongRegion));
    let y = b.alloc(64).expect("the first allocation fixes the pool's size");
    assert!(b.alloc(128).is_none(), "a larger block from a 64-byte pool");
    assert_eq!(b.free(x), Err(BlockError::WrongRegion));
    b.free(y).expect("free");
    let last = Region::open(Method::Last, 0).expect("open");
    let (p, q) = (last.alloc(10).expect("alloc"), last.alloc(10).expect("alloc"));
    assert_eq!(last.free(p), Err(BlockError::Rejected), "not the last block");
    last.free(q).expect("the last block");
}

#[test]
fn set_flags_is_a_flip_that_reports_the_old_flags() {
    jitty_os::boot().expect("boot");
    let r = Region::open(Method::Best, VM_SINGLE).expect("open");
    assert_eq!(r.set_flags(VM_SINGLE, false), VM_SINGLE);
    assert_eq!(r.set_flags(VM_TRUST, true), 0);
    assert_eq!(r.set_flags(VM_SINGLE, true), VM_TRUST);
    assert_eq!(r.set_flags(0, true), VM_SINGLE | VM_TRUST);
    let b = r.alloc(100).expect("alloc");
    r.free(b).expect("free");
    assert_eq!(r.check(), 0);
}
