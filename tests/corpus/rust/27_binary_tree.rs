//! Corpus program: heap data: a binary search tree with insert, lookup, delete, in-order traversal, height and rotation-free balancing checks.
//!
//! Built natively and to LLVM IR by jitty-difftest; engines must print
//! exactly what the native build prints and exit with the same status.

#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_char;

unsafe extern "C" {
    fn printf(fmt: *const c_char, ...) -> i32;
    fn malloc(size: usize) -> *mut u8;
    fn free(ptr: *mut u8);
    fn abort() -> !;
}

/// The global allocator: libc `malloc`/`free` (16-byte aligned, enough here).
struct LibcAlloc;

unsafe impl GlobalAlloc for LibcAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: malloc accepts any size; the corpus never asks for alignment above 16.
        unsafe { malloc(layout.size()) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above.
        unsafe { free(ptr) }
    }
}

#[global_allocator]
static ALLOC: LibcAlloc = LibcAlloc;

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // SAFETY: abort never returns and has no preconditions.
    unsafe { abort() }
}

#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

/// `printf` with a literal format string (NUL appended here).
macro_rules! out {
    ($fmt:expr $(, $arg:expr)* $(,)?) => {
        // SAFETY: the format is NUL-terminated and its conversions match the arguments.
        unsafe { printf(concat!($fmt, "\0").as_ptr().cast(), $($arg),*) }
    };
}

use alloc::boxed::Box;
use alloc::vec::Vec;

#[derive(Default)]
struct Tree {
    root: Option<Box<TNode>>,
}

struct TNode {
    key: u32,
    count: u32,
    left: Option<Box<TNode>>,
    right: Option<Box<TNode>>,
}

impl Tree {
    fn insert(&mut self, key: u32) {
        let mut cur = &mut self.root;
        while let Some(n) = cur {
            if key == n.key {
                n.count += 1;
                return;
            }
            cur = if key < n.key { &mut n.left } else { &mut n.right };
        }
        *cur = Some(Box::new(TNode { key, count: 1, left: None, right: None }));
    }
    fn contains(&self, key: u32) -> bool {
        let mut cur = &self.root;
        while let Some(n) = cur {
            if key == n.key {
                return true;
            }
            cur = if key < n.key { &n.left } else { &n.right };
        }
        false
    }
    fn delete(&mut self, key: u32) -> bool {
        fn take_min(node: &mut Option<Box<TNode>>) -> Option<Box<TNode>> {
            if node.as_ref()?.left.is_some() {
                take_min(&mut node.as_mut()?.left)
            } else {
                let mut n = node.take()?;
                *node = n.right.take();
                Some(n)
            }
        }
        fn del(node: &mut Option<Box<TNode>>, key: u32) -> bool {
            let Some(n) = node else { return false };
            if key < n.key {
                return del(&mut n.left, key);
            }
            if key > n.key {
                return del(&mut n.right, key);
            }
            let mut n = node.take().unwrap();
            *node = match (n.left.take(), n.right.take()) {
                (None, r) => r,
                (l, None) => l,
                (l, r) => {
                    let mut right = r;
                    let mut m = take_min(&mut right).unwrap();
                    m.left = l;
                    m.right = right;
                    Some(m)
                }
            };
            true
        }
        del(&mut self.root, key)
    }
    fn height(n: &Option<Box<TNode>>) -> u32 {
        match n {
            None => 0,
            Some(b) => 1 + Tree::height(&b.left).max(Tree::height(&b.right)),
        }
    }
    fn inorder(n: &Option<Box<TNode>>, out: &mut Vec<(u32, u32)>) {
        if let Some(b) = n {
            Tree::inorder(&b.left, out);
            out.push((b.key, b.count));
            Tree::inorder(&b.right, out);
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut t = Tree::default();
    let mut x: u64 = 0x2545F4914F6CDD1D;
    for _ in 0..3000 {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        t.insert((x.wrapping_mul(0x2545F4914F6CDD1D) >> 40) as u32 % 2000);
    }
    let mut v = Vec::new();
    Tree::inorder(&t.root, &mut v);
    let dup: u32 = v.iter().map(|p| p.1 - 1).sum();
    out!(
        "distinct %zu dups %u height %u sorted %d\n",
        v.len(),
        dup,
        Tree::height(&t.root),
        v.windows(2).all(|w| w[0].0 < w[1].0) as i32
    );
    let hits = (0..2000).filter(|&k| t.contains(k)).count();
    let mut deleted = 0;
    for k in (0..2000).step_by(3) {
        deleted += t.delete(k) as u32;
    }
    let mut w = Vec::new();
    Tree::inorder(&t.root, &mut w);
    out!(
        "hits %zu deleted %u left %zu sorted %d height %u\n",
        hits,
        deleted,
        w.len(),
        w.windows(2).all(|p| p[0].0 < p[1].0) as i32,
        Tree::height(&t.root)
    );
    for p in w.iter().take(8) {
        out!("(%u x%u) ", p.0, p.1);
    }
    out!("\n");
    (w.len() & 0x7f) as i32
}
