//! Top-down splay tree of large free blocks (Sleator and Tarjan), keyed by (size, address).
//!
//! Nodes are the free blocks themselves: `l0` is the left child, `l1` the
//! right child. Keys are unique because addresses are. Best fit for a size
//! `n` is the smallest key not below `(n, 0)`.

use core::ptr;

use super::best::{Block, size};

type Key = (usize, usize);

#[inline(always)]
unsafe fn key(b: *mut Block) -> Key {
    // SAFETY: `b` is a live tree node (caller).
    (unsafe { size(b) }, b as usize)
}

/// Splays the tree rooted at `t` around `k`; returns the new root (the node
/// with key `k`, or its predecessor or successor if `k` is absent).
///
/// # Safety
/// `t` is null or the root of a well-formed tree of live blocks.
pub(super) unsafe fn splay(mut t: *mut Block, k: Key) -> *mut Block {
    if t.is_null() {
        return t;
    }
    let mut header = Block { prev_size: 0, head: 0, l0: ptr::null_mut(), l1: ptr::null_mut() };
    let hdr: *mut Block = &mut header;
    let mut l = hdr;
    let mut r = hdr;
    // SAFETY: every pointer followed is a node of the well-formed tree or the local header.
    unsafe {
        loop {
            if k < key(t) {
                let mut c = (*t).l0;
                if c.is_null() {
                    break;
                }
                if k < key(c) {
                    // Rotate right.
                    (*t).l0 = (*c).l1;
                    (*c).l1 = t;
                    t = c;
                    c = (*t).l0;
                    if c.is_null() {
                        break;
                    }
                }
                // Link right.
                (*r).l0 = t;
                r = t;
                t = c;
            } else if k > key(t) {
                let mut c = (*t).l1;
                if c.is_null() {
                    break;
                }
                if k > key(c) {
                    // Rotate left.
                    (*t).l1 = (*c).l0;
                    (*c).l0 = t;
                    t = c;
                    c = (*t).l1;
                    if c.is_null() {
                        break;
                    }
                }
                // Link left.
                (*l).l1 = t;
                l = t;
                t = c;
            } else {
                break;
            }
        }
        // Assemble.
        (*l).l1 = (*t).l0;
        (*r).l0 = (*t).l1;
        (*t).l0 = (*hdr).l1;
        (*t).l1 = (*hdr).l0;
    }
    t
}

/// Inserts block `b` (not in the tree); returns the new root.
///
/// # Safety
/// As for [`splay`]; `b` is a live free block not in the tree.
pub(super) unsafe fn tree_insert(root: *mut Block, b: *mut Block) -> *mut Block {
    // SAFETY: well-formed tree and live `b` (caller).
    unsafe {
        if root.is_null() {
            (*b).l0 = ptr::null_mut();
            (*b).l1 = ptr::null_mut();
            return b;
        }
        let t = splay(root, key(b));
        if key(b) < key(t) {
            (*b).l0 = (*t).l0;
            (*b).l1 = t;
            (*t).l0 = ptr::null_mut();
        } else {
            (*b).l1 = (*t).l1;
            (*b).l0 = t;
            (*t).l1 = ptr::null_mut();
        }
    }
    b
}

/// Removes block `b` (in the tree); returns the new root.
///
/// # Safety
/// As for [`splay`]; `b` is in the tree.
pub(super) unsafe fn tree_remove(root: *mut Block, b: *mut Block) -> *mut Block {
    // SAFETY: well-formed tree containing `b` (caller).
    unsafe {
        let t = splay(root, key(b));
        debug_assert!(t == b);
        if (*t).l0.is_null() {
            (*t).l1
        } else {
            // All keys on the left are below key(b): splaying for it brings the maximum up, with no right child.
            let x = splay((*t).l0, key(b));
            (*x).l1 = (*t).l1;
            x
        }
    }
}

/// Removes and returns the best-fitting block for `n` bytes (null if none); returns the new root too.
///
/// # Safety
/// As for [`splay`].
pub(super) unsafe fn tree_take_best(root: *mut Block, n: usize) -> (*mut Block, *mut Block) {
    if root.is_null() {
        return (root, ptr::null_mut());
    }
    // SAFETY: well-formed tree (caller).
    unsafe {
        let t = splay(root, (n, 0));
        let mut best = t;
        if size(t) < n {
            // The root is the predecessor; the successor is the leftmost node on its right.
            best = (*t).l1;
            if best.is_null() {
                return (t, ptr::null_mut());
            }
            while !(*best).l0.is_null() {
                best = (*best).l0;
            }
        }
        (tree_remove(t, best), best)
    }
}

/// Visits the tree in order, at most `limit` nodes. A node is passed to
/// `valid` before it is dereferenced; returns false if some node was invalid
/// or the limit was exceeded (a cycle).
///
/// # Safety
/// Every node accepted by `valid` is a readable block tag.
pub(super) unsafe fn tree_walk(
    root: *mut Block,
    limit: usize,
    valid: &dyn Fn(*mut Block) -> bool,
    visit: &mut dyn FnMut(*mut Block),
) -> bool {
    let mut stack: alloc::vec::Vec<*mut Block> = alloc::vec::Vec::new();
    let mut cur = root;
    let mut seen = 0usize;
    loop {
        while !cur.is_null() {
            if !valid(cur) {
                return false;
            }
            seen += 1;
            if seen > limit {
                return false;
            }
            stack.push(cur);
            // SAFETY: `cur` was accepted by `valid`.
            cur = unsafe { (*cur).l0 };
        }
        let Some(n) = stack.pop() else {
            return true;
        };
        visit(n);
        // SAFETY: `n` was accepted by `valid`.
        cur = unsafe { (*n).l1 };
    }
}
