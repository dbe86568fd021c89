//! Inode lifetime: allocation, references and freeing (Linux `fs/inode.c`).
//!
//! The layer below open files (`file`: a file holds one inode reference and
//! drops it in `fput`) and the namespace (`vfs`). It knows nothing of the
//! file systems that own inodes: `vfs` and `pipe` fill them in and free what
//! they keep in them themselves.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

use crate::abi::*;
use crate::annotations::{Const, Quasi, QuasiDeps};
use crate::hal;
use crate::kobj::{FileOps, Inode, InodeData};
use crate::mm::PageMap;
use crate::sync::Mutex;

static NEXT_INO: AtomicU64 = AtomicU64::new(1);

/// Allocates an inode with one reference.
pub fn new_inode(
    kind: u32,
    mode: u32,
    uid: Uid,
    gid: Gid,
    dev: u64,
    fop: *const FileOps,
    pipe: *mut c_void,
) -> *mut Inode {
    let now = hal::realtime_ns();
    Box::into_raw(Box::new(Inode {
        deps: QuasiDeps::new(),
        ino: Const::new(NEXT_INO.fetch_add(1, Ordering::Relaxed)),
        dev: Const::new(dev),
        kind: Const::new(kind),
        i_fop: Const::new(fop),
        i_pipe: Const::new(pipe),
        mode: Quasi::new(mode & 0o7777),
        uid: Quasi::new(uid),
        gid: Quasi::new(gid),
        refcount: AtomicUsize::new(1),
        nlink: AtomicU32::new(if kind == S_IFDIR { 2 } else { 1 }),
        size: AtomicU64::new(0),
        atime: AtomicU64::new(now),
        mtime: AtomicU64::new(now),
        ctime: AtomicU64::new(now),
        data: Mutex::new(InodeData { pages: PageMap::new(), entries: Vec::new(), parent: ptr::null_mut() }),
    }))
}

/// Takes a reference on an inode.
#[inline]
pub fn igrab(i: *mut Inode) {
    // SAFETY: the caller holds a reference or a lock that keeps `i` alive.
    unsafe { (*i).refcount.fetch_add(1, Ordering::Relaxed) };
}

/// Drops a reference; the last frees the inode and its pages, and drops a
/// directory's reference on its parent. (A pipe inode's pipe is freed by
/// `pipe_release` when its last end closes, before that end's `iput`.)
///
/// # Safety
/// The caller owns one reference to the live `i`.
pub unsafe fn iput(i: *mut Inode) {
    // SAFETY: live while referenced.
    if unsafe { (*i).refcount.fetch_sub(1, Ordering::AcqRel) } != 1 {
        return;
    }
    // SAFETY: last reference; exclusive access.
    unsafe {
        let b = Box::from_raw(i);
        let d = &mut *b.data.data_ptr();
        d.pages.truncate(0);
        let parent = d.parent;
        drop(b);
        if !parent.is_null() && parent != i {
            iput(parent);
        }
    }
}
