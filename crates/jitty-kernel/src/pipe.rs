//! Pipes: a 64 KiB ring buffer in pages from the page allocator, with
//! Linux's `pipe_read`/`pipe_write` semantics.
//!
//! * Reads return what is there (up to the request); with no data they sleep,
//!   return 0 (EOF) once every writer is gone, or `EAGAIN` with `O_NONBLOCK`.
//! * Writes of at most `PIPE_BUF` bytes are atomic (all or nothing at once);
//!   larger writes may be split. With no reader left: `SIGPIPE` to the
//!   writing thread and `EPIPE`. `O_NONBLOCK`: `EAGAIN` when nothing fits.
//! * A user buffer that faults ends the transfer as in Linux: the faulting
//!   chunk is neither consumed (read) nor published (write); earlier chunks
//!   count, none at all is `EFAULT`.
//! * Sleeps are interruptible: a deliverable signal ends them with the
//!   partial count, or with nothing transferred `ERESTARTSYS` (the syscall
//!   exit restarts the call after an `SA_RESTART` handler, else `EINTR`).
//! * Readers and writers wake each other through two wait queues on the HAL
//!   futex; the wake costs nothing when nobody sleeps.
//!
//! Ring indices (`head`, `tail`) are free-running `u32` byte counters:
//! `head - tail` is the fill level.

use alloc::boxed::Box;
use core::ffi::c_void;
use core::ptr;

use crate::abi::*;
use crate::file::{FMODE_READ, FMODE_WRITE};
use crate::inode::{igrab, new_inode};
use crate::kobj::{File, FileOps, Inode, Thread};
use crate::mm;
use crate::signal;
use crate::sync::{Mutex, WaitQueue};
use crate::vfs;

/// Pages of a pipe buffer.
const PIPE_PAGES: usize = PIPE_SIZE / PAGE_SIZE;

/// Ring state, under the pipe mutex.
#[repr(C)]
#[derive(Debug)]
pub struct PipeRing {
    /// Total bytes ever written (dynamic).
    pub head: u32,
    /// Total bytes ever read (dynamic).
    pub tail: u32,
    /// Open read ends (dynamic).
    pub readers: u32,
    /// Open write ends (dynamic).
    pub writers: u32,
}

/// A pipe (Linux `pipe_inode_info`).
#[repr(C)]
#[derive(Debug)]
pub struct Pipe {
    /// `pipe->mutex` with the ring state.
    pub ring: Mutex<PipeRing>,
    /// The buffer: `PIPE_SIZE` bytes from the page allocator.
    pub buf: *mut u8,
    /// Readers sleep here.
    pub rd_wait: WaitQueue,
    /// Writers sleep here.
    pub wr_wait: WaitQueue,
}

// SAFETY: the buffer and ring are only touched under `ring`'s mutex.
unsafe impl Sync for Pipe {}

/// Frees a pipe (both its ends are released).
///
/// # Safety
/// `p` came from [`create_pipe`] and is unreachable.
unsafe fn free_pipe(p: *mut Pipe) {
    // SAFETY: exclusive ownership per the caller.
    unsafe {
        mm::free_pages((*p).buf, PIPE_PAGES);
        drop(Box::from_raw(p));
    }
}

/// Creates a pipe: returns `(read end, write end)` files sharing one pipe
/// inode, with `flags & O_NONBLOCK` on both.
pub fn create_pipe(uid: Uid, gid: Gid, flags: u32) -> Result<(*mut File, *mut File), i32> {
    let buf = mm::alloc_pages(PIPE_PAGES);
    if buf.is_null() {
        return Err(ENOMEM);
    }
    let pipe = Box::into_raw(Box::new(Pipe {
        ring: Mutex::new(PipeRing { head: 0, tail: 0, readers: 1, writers: 1 }),
        buf,
        rd_wait: WaitQueue::new(),
        wr_wait: WaitQueue::new(),
    }));
    let inode = new_inode(S_IFIFO, 0o600, uid, gid, vfs::PIPEFS_DEV, &PIPE_FOPS, pipe as *mut c_void);
    igrab(inode);
    let fl = flags & O_NONBLOCK;
    let r = File::alloc(inode, &PIPE_FOPS, O_RDONLY | fl, FMODE_READ, pipe as *mut c_void);
    let w = File::alloc(inode, &PIPE_FOPS, O_WRONLY | fl, FMODE_WRITE, pipe as *mut c_void);
    Ok((r, w))
}

#[inline(always)]
fn pipe_of(f: &File) -> &Pipe {
    // SAFETY: pipe files carry their pipe in private_data for their lifetime.
    unsafe { &*(f.private_data.get() as *const Pipe) }
}

/// Copies `n` bytes between the ring at byte index `idx` and user memory;
/// returns how many were copied (fewer if the user range faults).
///
/// # Safety
/// `n <= PIPE_SIZE`, user range checked by the VFS, ring mutex held.
unsafe fn ring_copy(p: &Pipe, idx: u32, user: *mut u8, n: usize, to_user: bool) -> usize {
    let off = idx as usize % PIPE_SIZE;
    let first = n.min(PIPE_SIZE - off);
    // SAFETY: both chunks lie inside the PIPE_SIZE buffer and the user range.
    unsafe {
        let copy = |ring: *mut u8, user: *mut u8, k: usize| {
            if to_user { mm::copy_to_user(user, ring, k) } else { mm::copy_from_user(ring, user, k) }
        };
        let left = copy(p.buf.add(off), user, first);
        if left != 0 || first == n {
            return first - left;
        }
        n - copy(p.buf, user.add(first), n - first)
    }
}

/// `pipe_read`.
///
/// # Safety
/// VFS contract: live pipe file opened for reading, checked user buffer.
pub unsafe extern "C" fn pipe_read(f: *mut File, cur: *mut Thread, buf: *mut u8, len: usize, _pos: *mut i64) -> isize {
    // SAFETY: VFS contract.
    let (file, cur) = unsafe { (&*f, &*cur) };
    let p = pipe_of(file);
    if len == 0 {
        return 0;
    }
    loop {
        let ticket = p.rd_wait.prepare();
        let mut ring = p.ring.lock();
        let avail = ring.head.wrapping_sub(ring.tail) as usize;
        if avail > 0 {
            p.rd_wait.finish();
            let n = avail.min(len);
            // SAFETY: mutex held; n <= avail <= PIPE_SIZE.
            if unsafe { ring_copy(p, ring.tail, buf, n, true) } < n {
                // As Linux: a faulting copy consumes nothing.
                return -(EFAULT as isize);
            }
            ring.tail = ring.tail.wrapping_add(n as u32);
            drop(ring);
            p.wr_wait.wake_all();
            return n as isize;
        }
        if ring.writers == 0 {
            p.rd_wait.finish();
            return 0;
        }
        drop(ring);
        if file.f_flags.get() & O_NONBLOCK != 0 {
            p.rd_wait.finish();
            return -(EAGAIN as isize);
        }
        if !signal::sleep_interruptible(cur, &p.rd_wait, ticket) {
            return -(ERESTARTSYS as isize);
        }
    }
}

/// `pipe_write`.
///
/// # Safety
/// VFS contract: live pipe file opened for writing, checked user buffer.
pub unsafe extern "C" fn pipe_write(
    f: *mut File,
    cur: *mut Thread,
    buf: *const u8,
    len: usize,
    _pos: *mut i64,
) -> isize {
    // SAFETY: VFS contract.
    let (file, cur) = unsafe { (&*f, &*cur) };
    let p = pipe_of(file);
    if len == 0 {
        return 0;
    }
    let atomic = len <= PIPE_BUF;
    let mut written = 0usize;
    loop {
        let ticket = p.wr_wait.prepare();
        let mut ring = p.ring.lock();
        if ring.readers == 0 {
            p.wr_wait.finish();
            drop(ring);
            signal::send_signal(cur.proc_(), SIGPIPE, Some(cur));
            return if written > 0 { written as isize } else { -(EPIPE as isize) };
        }
        let free = PIPE_SIZE - ring.head.wrapping_sub(ring.tail) as usize;
        let want = len - written;
        let fits = if atomic { free >= want } else { free > 0 };
        if fits {
            let n = want.min(free);
            // SAFETY: mutex held; n <= free.
            if unsafe { ring_copy(p, ring.head, buf.add(written) as *mut u8, n, false) } < n {
                // As Linux: the faulting chunk is not published.
                drop(ring);
                p.wr_wait.finish();
                return if written > 0 { written as isize } else { -(EFAULT as isize) };
            }
            ring.head = ring.head.wrapping_add(n as u32);
            written += n;
            drop(ring);
            p.wr_wait.finish();
            p.rd_wait.wake_all();
            if written == len {
                return written as isize;
            }
            continue;
        }
        drop(ring);
        if file.f_flags.get() & O_NONBLOCK != 0 {
            p.wr_wait.finish();
            return if written > 0 { written as isize } else { -(EAGAIN as isize) };
        }
        if !signal::sleep_interruptible(cur, &p.wr_wait, ticket) {
            return if written > 0 { written as isize } else { -(ERESTARTSYS as isize) };
        }
    }
}

/// `pipe_release`: one end closed; wake the other side. The last end to
/// close frees the pipe (no file reaches it any more; its inode goes with
/// that end's `iput`).
///
/// # Safety
/// Called once per pipe file at its last `fput`.
pub unsafe extern "C" fn pipe_release(_inode: *mut Inode, f: *mut File) {
    // SAFETY: live until the caller frees it after we return.
    let file = unsafe { &*f };
    let p = pipe_of(file);
    let last = {
        let mut ring = p.ring.lock();
        if file.f_mode.get() & FMODE_READ != 0 {
            ring.readers -= 1;
        }
        if file.f_mode.get() & FMODE_WRITE != 0 {
            ring.writers -= 1;
        }
        ring.readers == 0 && ring.writers == 0
    };
    if last {
        // SAFETY: both ends are released, so nothing else reaches the pipe.
        unsafe { free_pipe(p as *const Pipe as *mut Pipe) };
        return;
    }
    p.rd_wait.wake_all();
    p.wr_wait.wake_all();
}

/// Pipe file operations (shared by both ends; `f_mode` tells them apart).
pub static PIPE_FOPS: FileOps = FileOps {
    read: Some(pipe_read),
    write: Some(pipe_write),
    llseek: None,
    iterate: None,
    release: Some(pipe_release),
};

/// Reads the ring of a pipe file for the invariant checker: `(head, tail, readers, writers)`.
pub fn ring_state(f: &File) -> (u32, u32, u32, u32) {
    let r = pipe_of(f).ring.lock();
    (r.head, r.tail, r.readers, r.writers)
}

/// Whether `f` is a pipe end.
pub fn is_pipe(f: &File) -> bool {
    ptr::eq(f.f_op.get(), &PIPE_FOPS)
}
