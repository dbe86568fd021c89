//! Open files and per-process file descriptor tables.
//!
//! * [`File`] is the open-file object (Linux's `struct file`): ops table,
//!   inode, mode, flags, position, reference count. Several descriptors (after
//!   `dup`) and several processes (after `spawn`) share one `File`.
//! * [`FileOps`] is the per-file operations table (`file_operations`). The
//!   `f_op` pointer is `Const`: it never changes for an open file, which is
//!   what lets a specializer inline `file->f_op->write` for a given fd.
//! * [`FilesStruct`] is the descriptor table (`files_struct` + `fdtable`): a
//!   dynamic array of `File` pointers with an open bitmap and a close-on-exec
//!   bitmap, resized by doubling under the table lock. When exactly one thread
//!   uses the table (`users == 1`, a quasi-invariant), lookups take neither the
//!   lock nor a reference: Linux's `__fget_light` fast path.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::abi::*;
use crate::annotations::{Const, Quasi, QuasiDeps};
use crate::inode::iput;
use crate::kobj::{Fdtable, File, FileOps, FilesStruct, Inode};
use crate::sync::{Mutex, SpinLock};

/// `f_mode`: opened for reading.
pub const FMODE_READ: u32 = 1;
/// `f_mode`: opened for writing.
pub const FMODE_WRITE: u32 = 2;
/// `f_mode`: has a position (not a stream such as a pipe).
pub const FMODE_LSEEK: u32 = 4;
/// `f_mode`: pread/pwrite allowed.
pub const FMODE_PREAD: u32 = 8;

/// Flags `fcntl(F_SETFL)` may change.
pub const SETFL_MASK: u32 = O_APPEND | O_NONBLOCK;

impl File {
    /// Allocates an open file holding the caller's reference to `inode`.
    pub fn alloc(inode: *mut Inode, fop: *const FileOps, flags: u32, mode: u32, private: *mut c_void) -> *mut File {
        Box::into_raw(Box::new(File {
            deps: QuasiDeps::new(),
            f_op: Const::new(fop),
            f_inode: Const::new(inode),
            f_mode: Const::new(mode),
            f_flags: Quasi::new(flags & !O_CLOEXEC & !O_CREAT & !O_EXCL & !O_TRUNC),
            private_data: Const::new(private),
            f_count: AtomicUsize::new(1),
            f_lock: SpinLock::new(()),
            f_pos_lock: Mutex::new(()),
            f_pos: UnsafeCell::new(0),
        }))
    }

    /// The ops table.
    #[inline(always)]
    pub fn ops(&self) -> &FileOps {
        // SAFETY: ops tables are statics that outlive every file.
        unsafe { &*self.f_op.get() }
    }
}

/// Takes a reference on an open file.
#[inline]
pub fn get_file(f: *mut File) {
    // SAFETY: the caller holds a reference or the table lock.
    unsafe { (*f).f_count.fetch_add(1, Ordering::Relaxed) };
}

/// Drops a reference; the last one releases the file.
///
/// # Safety
/// `f` is a live file and the caller owns one reference.
pub unsafe fn fput(f: *mut File) {
    // SAFETY: the caller owns a reference, so `f` is live.
    if unsafe { (*f).f_count.fetch_sub(1, Ordering::AcqRel) } != 1 {
        return;
    }
    // SAFETY: last reference: nobody else can reach `f`.
    unsafe {
        let inode = (*f).f_inode.get();
        if let Some(rel) = (*f).ops().release {
            rel(inode, f);
        }
        drop(Box::from_raw(f));
        iput(inode);
    }
}

/// Number of bits in a bitmap word.
const BITS: u32 = 64;
/// Initial number of descriptor slots.
const NR_OPEN_INITIAL: u32 = 64;

fn alloc_array<T: Copy>(n: usize, v: T) -> *mut T {
    Box::into_raw(alloc::vec![v; n].into_boxed_slice()) as *mut T
}

/// # Safety
/// `p` came from `alloc_array(n, _)`.
unsafe fn free_array<T>(p: *mut T, n: usize) {
    // SAFETY: reconstructs the boxed slice allocated by `alloc_array`.
    unsafe { drop(Box::from_raw(ptr::slice_from_raw_parts_mut(p, n))) }
}

impl Fdtable {
    fn new(n: u32) -> Self {
        Fdtable {
            max_fds: n,
            next_fd: 0,
            fd: alloc_array(n as usize, ptr::null_mut()),
            open_fds: alloc_array((n / BITS) as usize, 0u64),
            close_on_exec: alloc_array((n / BITS) as usize, 0u64),
        }
    }

    /// The file at `fd` (null if none or out of range).
    #[inline(always)]
    pub fn get(&self, fd: u32) -> *mut File {
        if fd < self.max_fds {
            // SAFETY: in range of the `max_fds`-long array.
            unsafe { *self.fd.add(fd as usize) }
        } else {
            ptr::null_mut()
        }
    }

    fn word(p: *mut u64, fd: u32) -> *mut u64 {
        // SAFETY: callers pass fd < max_fds, so the word index is in range.
        unsafe { p.add((fd / BITS) as usize) }
    }

    /// Whether `fd` is marked open.
    pub fn is_open(&self, fd: u32) -> bool {
        // SAFETY: fd < max_fds checked by the caller or here.
        fd < self.max_fds && unsafe { *Self::word(self.open_fds, fd) } & (1 << (fd % BITS)) != 0
    }

    /// Whether `fd` is close-on-exec.
    pub fn is_cloexec(&self, fd: u32) -> bool {
        // SAFETY: as above.
        fd < self.max_fds && unsafe { *Self::word(self.close_on_exec, fd) } & (1 << (fd % BITS)) != 0
    }

    fn set_bit(p: *mut u64, fd: u32, on: bool) {
        let w = Self::word(p, fd);
        // SAFETY: `w` is in range (see `word`).
        unsafe {
            if on {
                *w |= 1 << (fd % BITS);
            } else {
                *w &= !(1 << (fd % BITS));
            }
        }
    }

    fn install(&mut self, fd: u32, f: *mut File, cloexec: bool) {
        // SAFETY: fd < max_fds (the caller expanded the table).
        unsafe { *self.fd.add(fd as usize) = f };
        Self::set_bit(self.open_fds, fd, true);
        Self::set_bit(self.close_on_exec, fd, cloexec);
    }

    fn remove(&mut self, fd: u32) -> *mut File {
        let f = self.get(fd);
        if !f.is_null() {
            // SAFETY: fd < max_fds since `get` found a file.
            unsafe { *self.fd.add(fd as usize) = ptr::null_mut() };
            Self::set_bit(self.open_fds, fd, false);
            Self::set_bit(self.close_on_exec, fd, false);
            if fd < self.next_fd {
                self.next_fd = fd;
            }
        }
        f
    }

    /// First clear bit at or after `start`, or `max_fds`.
    fn find_free(&self, start: u32) -> u32 {
        let mut fd = start;
        while fd < self.max_fds {
            // SAFETY: fd < max_fds.
            let w = unsafe { *Self::word(self.open_fds, fd) } | ((1u64 << (fd % BITS)) - 1);
            if w != u64::MAX {
                return (fd / BITS) * BITS + (!w).trailing_zeros();
            }
            fd = (fd / BITS + 1) * BITS;
        }
        // Past the table: `start` itself if it lay beyond (F_DUPFD with a
        // high minimum), else the first slot of a grown table.
        fd
    }

    /// Grows the table to hold at least `fd`; false if over the limit.
    fn expand(&mut self, fd: u32) -> bool {
        if fd < self.max_fds {
            return true;
        }
        if fd >= NR_OPEN_DEFAULT {
            return false;
        }
        let mut n = self.max_fds;
        while n <= fd {
            n *= 2;
        }
        let new = Fdtable::new(n);
        // SAFETY: copying the old, smaller arrays into the fresh, larger ones.
        unsafe {
            ptr::copy_nonoverlapping(self.fd, new.fd, self.max_fds as usize);
            ptr::copy_nonoverlapping(self.open_fds, new.open_fds, (self.max_fds / BITS) as usize);
            ptr::copy_nonoverlapping(self.close_on_exec, new.close_on_exec, (self.max_fds / BITS) as usize);
            self.free_arrays();
        }
        let hint = self.next_fd;
        *self = new;
        self.next_fd = hint;
        true
    }

    /// # Safety
    /// The arrays are not used afterwards.
    unsafe fn free_arrays(&mut self) {
        // SAFETY: allocated by `Fdtable::new` with these lengths.
        unsafe {
            free_array(self.fd, self.max_fds as usize);
            free_array(self.open_fds, (self.max_fds / BITS) as usize);
            free_array(self.close_on_exec, (self.max_fds / BITS) as usize);
        }
    }
}

impl FilesStruct {
    /// An empty table.
    pub fn new() -> *mut FilesStruct {
        Box::into_raw(Box::new(FilesStruct {
            deps: QuasiDeps::new(),
            users: Quasi::new(0),
            refcount: AtomicUsize::new(1),
            lock: SpinLock::new(()),
            fdt: UnsafeCell::new(Fdtable::new(NR_OPEN_INITIAL)),
        }))
    }

    /// The table, for a caller holding `lock` (or the only user).
    ///
    /// # Safety
    /// The caller holds `lock` or is the table's only user.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub unsafe fn fdt(&self) -> &mut Fdtable {
        // SAFETY: forwarded to the caller.
        unsafe { &mut *self.fdt.get() }
    }

    /// Copies the table for a child (`dup_fd`): every open file gains a
    /// reference; close-on-exec bits are kept (cleared by exec, which this
    /// kernel does not have).
    pub fn dup(&self) -> *mut FilesStruct {
        let new = FilesStruct::new();
        let _g = self.lock.lock();
        // SAFETY: we hold the lock on `self`; `new` is private to us.
        unsafe {
            let old = self.fdt();
            let nt = (*new).fdt();
            nt.expand(old.max_fds - 1);
            for fd in 0..old.max_fds {
                let f = old.get(fd);
                if !f.is_null() {
                    get_file(f);
                    nt.install(fd, f, old.is_cloexec(fd));
                }
            }
            nt.next_fd = old.next_fd;
        }
        new
    }

    /// Closes every descriptor (process exit).
    pub fn close_all(&self) {
        let mut files = Vec::new();
        {
            let _g = self.lock.lock();
            // SAFETY: lock held.
            let t = unsafe { self.fdt() };
            for fd in 0..t.max_fds {
                let f = t.remove(fd);
                if !f.is_null() {
                    files.push(f);
                }
            }
        }
        for f in files {
            // SAFETY: the table's reference moved to us.
            unsafe { fput(f) };
        }
    }

    /// Frees the table (after `close_all`).
    ///
    /// # Safety
    /// `p` is unreachable from everywhere else.
    pub unsafe fn free(p: *mut FilesStruct) {
        // SAFETY: the caller guarantees exclusive ownership.
        unsafe {
            (*p).close_all();
            (*p).fdt().free_arrays();
            drop(Box::from_raw(p));
        }
    }
}

/// A looked-up file: the pointer plus whether a reference must be dropped.
#[derive(Debug)]
pub struct Fd {
    /// The file.
    pub file: *mut File,
    /// A reference was taken (shared table) and is dropped by [`fdput`].
    pub put: bool,
}

/// Looks up `fd` (Linux `fdget`). With a single user the lookup is lock-free
/// and takes no reference.
#[inline]
pub fn fdget(files: &FilesStruct, fd: i32) -> Result<Fd, i32> {
    if fd < 0 {
        return Err(EBADF);
    }
    if files.users.get() == 1 {
        // SAFETY: the single user is the calling thread; nobody else modifies the table.
        let f = unsafe { files.fdt().get(fd as u32) };
        if f.is_null() {
            return Err(EBADF);
        }
        return Ok(Fd { file: f, put: false });
    }
    let _g = files.lock.lock();
    // SAFETY: lock held.
    let f = unsafe { files.fdt().get(fd as u32) };
    if f.is_null() {
        return Err(EBADF);
    }
    get_file(f);
    Ok(Fd { file: f, put: true })
}

/// Releases a lookup.
#[inline]
pub fn fdput(fd: Fd) {
    if fd.put {
        // SAFETY: `fdget` took this reference.
        unsafe { fput(fd.file) };
    }
}

/// Installs `f` at the lowest free descriptor ≥ `start` (`get_unused_fd` +
/// `fd_install`); the table takes the caller's reference. On failure the
/// reference is dropped and -EMFILE returned.
pub fn fd_alloc_install(files: &FilesStruct, start: u32, f: *mut File, cloexec: bool) -> Result<i32, i32> {
    let r = {
        let _g = files.lock.lock();
        // SAFETY: lock held.
        let t = unsafe { files.fdt() };
        let from = if start > t.next_fd { start } else { t.next_fd };
        let fd = t.find_free(from);
        if !t.expand(fd) {
            Err(EMFILE)
        } else {
            t.install(fd, f, cloexec);
            if start <= t.next_fd {
                t.next_fd = fd + 1;
            }
            Ok(fd as i32)
        }
    };
    if r.is_err() {
        // SAFETY: the caller's reference was not installed.
        unsafe { fput(f) };
    }
    r
}

/// Removes `fd` from the table and returns its file (the table's reference
/// moves to the caller).
pub fn fd_remove(files: &FilesStruct, fd: i32) -> Result<*mut File, i32> {
    if fd < 0 {
        return Err(EBADF);
    }
    let _g = files.lock.lock();
    // SAFETY: lock held.
    let f = unsafe { files.fdt().remove(fd as u32) };
    if f.is_null() { Err(EBADF) } else { Ok(f) }
}

/// `dup2`/`dup3` core: makes `newfd` refer to `oldfd`'s file. Returns the
/// displaced file (to be `fput` by the caller) through `displaced`.
pub fn fd_dup_to(files: &FilesStruct, oldfd: i32, newfd: i32, cloexec: bool) -> Result<*mut File, i32> {
    if oldfd < 0 || newfd < 0 || newfd as u32 >= NR_OPEN_DEFAULT {
        return Err(EBADF);
    }
    let _g = files.lock.lock();
    // SAFETY: lock held.
    let t = unsafe { files.fdt() };
    let f = t.get(oldfd as u32);
    if f.is_null() {
        return Err(EBADF);
    }
    if !t.expand(newfd as u32) {
        return Err(EBADF);
    }
    get_file(f);
    let old = t.remove(newfd as u32);
    t.install(newfd as u32, f, cloexec);
    Ok(old)
}

/// Sets or clears the close-on-exec flag of `fd`.
pub fn fd_set_cloexec(files: &FilesStruct, fd: i32, on: bool) -> Result<(), i32> {
    let _g = files.lock.lock();
    // SAFETY: lock held.
    let t = unsafe { files.fdt() };
    if fd < 0 || !t.is_open(fd as u32) {
        return Err(EBADF);
    }
    Fdtable::set_bit(t.close_on_exec, fd as u32, on);
    Ok(())
}

/// Reads the close-on-exec flag of `fd`.
pub fn fd_get_cloexec(files: &FilesStruct, fd: i32) -> Result<bool, i32> {
    let _g = files.lock.lock();
    // SAFETY: lock held.
    let t = unsafe { files.fdt() };
    if fd < 0 || !t.is_open(fd as u32) {
        return Err(EBADF);
    }
    Ok(t.is_cloexec(fd as u32))
}
