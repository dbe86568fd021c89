//! The VFS and its one disk-less file system (a RAM fs, like Linux's ramfs
//! with the page cache as the only storage).
//!
//! * [`Inode`]: type, mode, owner, link count, size, timestamps, the default
//!   file operations, and either file pages (4 KiB pages in a [`mm::PageMap`], a
//!   two-level radix tree in which holes cost nothing), directory entries, or
//!   a pipe. Files end at [`MAX_FILE_SIZE`] (Linux's `s_maxbytes`).
//! * Path walk (`link_path_walk`): absolute or cwd-relative, `.` and `..`,
//!   search permission on every directory crossed, `ENOTDIR`/`ENOENT`/
//!   `ENAMETOOLONG`.
//! * Permissions (`generic_permission`): owner/group/other class by the
//!   effective ids; root bypasses read/write and search, and exec when any x
//!   bit is set; sticky directories restrict unlink/rename.
//! * Namespace operations (create, mkdir, unlink, rmdir, rename, getdents) are
//!   serialized by one per-file-system rename/namespace mutex; file data by
//!   each inode's own mutex. Inodes are reference counted: directory entries,
//!   open files, working directories and walks hold references, so an
//!   unlinked file lives until its last close.

use alloc::boxed::Box;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::abi::*;
use crate::file::{FMODE_LSEEK, FMODE_PREAD, FMODE_READ, FMODE_WRITE};
use crate::hal;
use crate::inode::{igrab, iput, new_inode};
use crate::kobj::{DirEntry, File, FileOps, Inode, InodeData, Process, Thread};
use crate::mm;
use crate::sync::Mutex;

/// Device number of the RAM fs.
pub const RAMFS_DEV: u64 = 1;
/// Device number of the pipe fs.
pub const PIPEFS_DEV: u64 = 2;
/// Largest file size (Linux's `s_maxbytes`), 64 GiB: a write starting at or
/// past it is `EFBIG`, one crossing it is cut short there, and `lseek`
/// beyond it is `EINVAL`. It bounds a page map's leaf vector to 256 KiB.
pub const MAX_FILE_SIZE: u64 = 1 << 36;

impl Inode {
    /// Whether this is a directory.
    #[inline]
    pub fn is_dir(&self) -> bool {
        self.kind.get() == S_IFDIR
    }

    /// Whether this is a regular file.
    #[inline]
    pub fn is_reg(&self) -> bool {
        self.kind.get() == S_IFREG
    }

    /// Directory contents (namespace mutex held).
    ///
    /// # Safety
    /// The caller holds [`NS_LOCK`].
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn dir(&self) -> &mut InodeData {
        // SAFETY: directory entries are only touched under NS_LOCK.
        unsafe { &mut *self.data.data_ptr() }
    }
}

static ROOT: AtomicPtr<Inode> = AtomicPtr::new(ptr::null_mut());

/// The namespace mutex (per file system; this kernel has one RAM fs).
pub static NS_LOCK: Mutex<()> = Mutex::new(());

/// Creates the root directory (mode 0755) and `/tmp` (mode 1777).
pub fn init_rootfs() {
    if !ROOT.load(Ordering::Acquire).is_null() {
        return;
    }
    let root = new_inode(S_IFDIR, 0o755, 0, 0, RAMFS_DEV, &RAMFS_DIR_FOPS, ptr::null_mut());
    // SAFETY: fresh, private inode.
    unsafe { (*root).dir().parent = root };
    ROOT.store(root, Ordering::Release);
    let _g = NS_LOCK.lock();
    let tmp = new_inode(S_IFDIR, 0o1777, 0, 0, RAMFS_DEV, &RAMFS_DIR_FOPS, ptr::null_mut());
    // SAFETY: NS_LOCK held; `tmp` is private.
    unsafe {
        (*tmp).dir().parent = root;
        igrab(root);
        (*root).dir().entries.push(DirEntry { name: Box::from(&b"tmp"[..]), inode: tmp });
        (*root).nlink.fetch_add(1, Ordering::Relaxed);
    }
}

/// The root directory.
pub fn root() -> *mut Inode {
    ROOT.load(Ordering::Acquire)
}

/// `generic_permission`: may process `p` access `inode` with `mask` (`MAY_*`)?
pub fn permission(p: &Process, inode: &Inode, mask: u32) -> Result<(), i32> {
    let mode = inode.mode.get();
    if p.euid.get() == 0 {
        if mask & MAY_EXEC == 0 || inode.is_dir() || mode & 0o111 != 0 {
            return Ok(());
        }
        return Err(EACCES);
    }
    let bits = if p.euid.get() == inode.uid.get() {
        mode >> 6
    } else if p.egid.get() == inode.gid.get() {
        mode >> 3
    } else {
        mode
    };
    if bits & mask & 7 == mask { Ok(()) } else { Err(EACCES) }
}

/// Sticky-directory rule: in a sticky directory only the file's owner, the
/// directory's owner or root may remove or rename an entry.
fn check_sticky(p: &Process, dir: &Inode, inode: &Inode) -> Result<(), i32> {
    if dir.mode.get() & S_ISVTX == 0 {
        return Ok(());
    }
    let e = p.euid.get();
    if e == 0 || e == inode.uid.get() || e == dir.uid.get() { Ok(()) } else { Err(EPERM) }
}

/// The working directory of `p` with a reference.
fn cwd_get(p: &Process) -> *mut Inode {
    loop {
        let c = p.cwd.load(Ordering::Acquire);
        igrab(c);
        if p.cwd.load(Ordering::Acquire) == c {
            return c;
        }
        // SAFETY: our reference just taken.
        unsafe { iput(c) };
    }
}

/// Finds `name` in `dir` (NS_LOCK held); `.` and `..` included.
unsafe fn lookup_in(dir: *mut Inode, name: &[u8]) -> *mut Inode {
    // SAFETY: NS_LOCK held by the caller; `dir` is a live directory.
    let d = unsafe { (*dir).dir() };
    if name == b"." {
        return dir;
    }
    if name == b".." {
        return d.parent;
    }
    d.entries.iter().find(|e| &*e.name == name).map_or(ptr::null_mut(), |e| e.inode)
}

/// Result of walking to the parent of a path's last component.
#[derive(Debug)]
pub struct Nameidata {
    /// The parent directory (referenced).
    pub dir: *mut Inode,
    /// The last component (may be `.`/`..`; empty for "/").
    pub last: [u8; NAME_MAX + 1],
    /// Its length.
    pub last_len: usize,
    /// The path ended in `/`.
    pub trailing_slash: bool,
}

impl Nameidata {
    /// The last component.
    pub fn last(&self) -> &[u8] {
        &self.last[..self.last_len]
    }
}

impl Drop for Nameidata {
    fn drop(&mut self) {
        // SAFETY: we own the reference on `dir`.
        unsafe { iput(self.dir) };
    }
}

/// Walks every component but the last (NS_LOCK held), checking search
/// permission on each directory crossed.
pub fn path_parent(p: &Process, path: &[u8]) -> Result<Nameidata, i32> {
    if path.is_empty() {
        return Err(ENOENT);
    }
    let mut dir = if path[0] == b'/' {
        let r = root();
        igrab(r);
        r
    } else {
        cwd_get(p)
    };
    let mut comps = path.split(|&b| b == b'/').filter(|c| !c.is_empty()).peekable();
    let trailing_slash = path.len() > 1 && path[path.len() - 1] == b'/';
    let mut last: &[u8] = b"";
    while let Some(c) = comps.next() {
        if c.len() > NAME_MAX {
            // SAFETY: our reference.
            unsafe { iput(dir) };
            return Err(ENAMETOOLONG);
        }
        if comps.peek().is_none() {
            last = c;
            break;
        }
        // SAFETY: `dir` is referenced.
        let dr = unsafe { &*dir };
        if !dr.is_dir() {
            // SAFETY: our reference.
            unsafe { iput(dir) };
            return Err(ENOTDIR);
        }
        if let Err(e) = permission(p, dr, MAY_EXEC) {
            // SAFETY: our reference.
            unsafe { iput(dir) };
            return Err(e);
        }
        // SAFETY: NS_LOCK held by the caller.
        let next = unsafe { lookup_in(dir, c) };
        if next.is_null() {
            // SAFETY: our reference.
            unsafe { iput(dir) };
            return Err(ENOENT);
        }
        igrab(next);
        // SAFETY: our reference.
        unsafe { iput(dir) };
        dir = next;
    }
    // SAFETY: `dir` is referenced.
    if !unsafe { &*dir }.is_dir() {
        // SAFETY: our reference.
        unsafe { iput(dir) };
        return Err(ENOTDIR);
    }
    let mut nd = Nameidata { dir, last: [0; NAME_MAX + 1], last_len: last.len(), trailing_slash };
    nd.last[..last.len()].copy_from_slice(last);
    Ok(nd)
}

/// Looks the last component up in `nd.dir` (search permission checked);
/// returns a referenced inode or null.
pub fn lookup_last(p: &Process, nd: &Nameidata) -> Result<*mut Inode, i32> {
    // SAFETY: `nd.dir` is referenced.
    let dr = unsafe { &*nd.dir };
    permission(p, dr, MAY_EXEC)?;
    if nd.last_len == 0 {
        igrab(nd.dir);
        return Ok(nd.dir);
    }
    // SAFETY: NS_LOCK held by the caller.
    let i = unsafe { lookup_in(nd.dir, nd.last()) };
    if !i.is_null() {
        igrab(i);
        // SAFETY: just referenced.
        if nd.trailing_slash && !unsafe { &*i }.is_dir() {
            // SAFETY: our reference.
            unsafe { iput(i) };
            return Err(ENOTDIR);
        }
    }
    Ok(i)
}

/// Full path walk to a referenced inode.
pub fn path_lookup(p: &Process, path: &[u8]) -> Result<*mut Inode, i32> {
    let _g = NS_LOCK.lock();
    let nd = path_parent(p, path)?;
    let i = lookup_last(p, &nd)?;
    if i.is_null() { Err(ENOENT) } else { Ok(i) }
}

fn touch(i: &Inode, m: bool, c: bool) {
    let now = hal::realtime_ns();
    if m {
        i.mtime.store(now, Ordering::Relaxed);
    }
    if c {
        i.ctime.store(now, Ordering::Relaxed);
    }
}

/// Opens `path` (`do_sys_open`): returns a new `File` holding an inode reference.
pub fn do_open(p: &Process, path: &[u8], flags: u32, mode: u32) -> Result<*mut File, i32> {
    let acc = flags & O_ACCMODE;
    if acc == O_ACCMODE {
        return Err(EINVAL);
    }
    let inode = {
        let _g = NS_LOCK.lock();
        let nd = path_parent(p, path)?;
        let mut i = lookup_last(p, &nd)?;
        if !i.is_null() && flags & O_CREAT != 0 && flags & O_EXCL != 0 {
            // SAFETY: our reference.
            unsafe { iput(i) };
            return Err(EEXIST);
        }
        if i.is_null() {
            if flags & O_CREAT == 0 {
                return Err(ENOENT);
            }
            if nd.trailing_slash || nd.last_len == 0 || nd.last() == b"." || nd.last() == b".." {
                return Err(EISDIR);
            }
            // SAFETY: referenced.
            let dr = unsafe { &*nd.dir };
            permission(p, dr, MAY_WRITE | MAY_EXEC)?;
            if dr.nlink.load(Ordering::Relaxed) == 0 {
                return Err(ENOENT);
            }
            let umask = p.umask.load(Ordering::Relaxed);
            let gid = if dr.mode.get() & S_ISGID != 0 { dr.gid.get() } else { p.egid.get() };
            i = new_inode(
                S_IFREG,
                mode & !umask & 0o7777,
                p.euid.get(),
                gid,
                RAMFS_DEV,
                &RAMFS_FILE_FOPS,
                ptr::null_mut(),
            );
            igrab(i);
            // SAFETY: NS_LOCK held.
            unsafe { dr.dir().entries.push(DirEntry { name: Box::from(nd.last()), inode: i }) };
            touch(dr, true, true);
        } else {
            // SAFETY: referenced.
            let ir = unsafe { &*i };
            let mut mask = 0;
            if acc == O_RDONLY || acc == O_RDWR {
                mask |= MAY_READ;
            }
            if acc == O_WRONLY || acc == O_RDWR {
                mask |= MAY_WRITE;
            }
            let r = if ir.is_dir() && (acc != O_RDONLY || flags & O_CREAT != 0) {
                Err(EISDIR)
            } else if flags & O_DIRECTORY != 0 && !ir.is_dir() {
                Err(ENOTDIR)
            } else {
                permission(p, ir, mask)
            };
            if let Err(e) = r {
                // SAFETY: our reference.
                unsafe { iput(i) };
                return Err(e);
            }
        }
        i
    };
    // SAFETY: referenced.
    let ir = unsafe { &*inode };
    if flags & O_TRUNC != 0 && ir.is_reg() && acc != O_RDONLY {
        truncate(ir, 0);
    }
    let mut fmode = match acc {
        O_RDONLY => FMODE_READ,
        O_WRONLY => FMODE_WRITE,
        _ => FMODE_READ | FMODE_WRITE,
    };
    if ir.is_reg() || ir.is_dir() {
        fmode |= FMODE_LSEEK | FMODE_PREAD;
    }
    Ok(File::alloc(inode, ir.i_fop.get(), flags, fmode, ptr::null_mut()))
}

/// Truncates a regular file to `len` (inode data mutex taken here).
pub fn truncate(i: &Inode, len: u64) {
    let mut d = i.data.lock();
    let keep = (len as usize).div_ceil(PAGE_SIZE);
    d.pages.truncate(keep);
    let pg = if keep == 0 { ptr::null_mut() } else { d.pages.get(keep - 1) };
    if !len.is_multiple_of(PAGE_SIZE as u64) && !pg.is_null() {
        let off = (len % PAGE_SIZE as u64) as usize;
        // SAFETY: zero the tail of the last kept page.
        unsafe { ptr::write_bytes(pg.add(off), 0, PAGE_SIZE - off) };
    }
    i.size.store(len, Ordering::Relaxed);
    touch(i, true, true);
}

/// `mkdir(path, mode)`.
pub fn do_mkdir(p: &Process, path: &[u8], mode: u32) -> Result<(), i32> {
    let _g = NS_LOCK.lock();
    let nd = path_parent(p, path)?;
    if nd.last_len == 0 || nd.last() == b"." || nd.last() == b".." {
        return Err(EEXIST);
    }
    let existing = lookup_last(p, &nd).or_else(|e| if e == ENOTDIR { Ok(ptr::null_mut()) } else { Err(e) })?;
    // SAFETY: NS_LOCK held: re-check by name (lookup_last may fail on trailing slash).
    let existing = if existing.is_null() { unsafe { lookup_in(nd.dir, nd.last()) } } else { existing };
    if !existing.is_null() {
        return Err(EEXIST);
    }
    // SAFETY: referenced.
    let dr = unsafe { &*nd.dir };
    permission(p, dr, MAY_WRITE | MAY_EXEC)?;
    if dr.nlink.load(Ordering::Relaxed) == 0 {
        return Err(ENOENT);
    }
    let umask = p.umask.load(Ordering::Relaxed);
    let gid = if dr.mode.get() & S_ISGID != 0 { dr.gid.get() } else { p.egid.get() };
    let mut m = mode & !umask & 0o1777;
    if dr.mode.get() & S_ISGID != 0 {
        m |= S_ISGID;
    }
    let i = new_inode(S_IFDIR, m, p.euid.get(), gid, RAMFS_DEV, &RAMFS_DIR_FOPS, ptr::null_mut());
    igrab(nd.dir);
    // SAFETY: NS_LOCK held.
    unsafe {
        (*i).dir().parent = nd.dir;
        dr.dir().entries.push(DirEntry { name: Box::from(nd.last()), inode: i });
    }
    dr.nlink.fetch_add(1, Ordering::Relaxed);
    touch(dr, true, true);
    Ok(())
}

/// Removes the entry `name` from `dir` (NS_LOCK held) and returns its inode
/// (the entry's reference moves to the caller).
unsafe fn remove_entry(dir: &Inode, name: &[u8]) -> *mut Inode {
    // SAFETY: NS_LOCK held by the caller.
    let d = unsafe { dir.dir() };
    match d.entries.iter().position(|e| &*e.name == name) {
        Some(i) => d.entries.remove(i).inode,
        None => ptr::null_mut(),
    }
}

/// `unlink(path)`.
pub fn do_unlink(p: &Process, path: &[u8]) -> Result<(), i32> {
    let _g = NS_LOCK.lock();
    let nd = path_parent(p, path)?;
    if nd.last_len == 0 || nd.last() == b"." || nd.last() == b".." {
        return Err(EISDIR);
    }
    let i = lookup_last(p, &nd)?;
    if i.is_null() {
        return Err(ENOENT);
    }
    // SAFETY: referenced.
    let ir = unsafe { &*i };
    // SAFETY: referenced.
    let dr = unsafe { &*nd.dir };
    let r = if ir.is_dir() {
        Err(EISDIR)
    } else {
        permission(p, dr, MAY_WRITE | MAY_EXEC).and_then(|_| check_sticky(p, dr, ir))
    };
    if let Err(e) = r {
        // SAFETY: our reference.
        unsafe { iput(i) };
        return Err(e);
    }
    // SAFETY: NS_LOCK held.
    let e = unsafe { remove_entry(dr, nd.last()) };
    ir.nlink.fetch_sub(1, Ordering::Relaxed);
    touch(ir, false, true);
    touch(dr, true, true);
    // SAFETY: the entry's reference and ours.
    unsafe {
        iput(e);
        iput(i);
    }
    Ok(())
}

/// `rmdir(path)`.
pub fn do_rmdir(p: &Process, path: &[u8]) -> Result<(), i32> {
    let _g = NS_LOCK.lock();
    let nd = path_parent(p, path)?;
    if nd.last() == b"." {
        return Err(EINVAL);
    }
    if nd.last() == b".." {
        return Err(ENOTEMPTY);
    }
    if nd.last_len == 0 {
        return Err(EBUSY);
    }
    let i = lookup_last(p, &nd)?;
    if i.is_null() {
        return Err(ENOENT);
    }
    // SAFETY: referenced.
    let ir = unsafe { &*i };
    // SAFETY: referenced.
    let dr = unsafe { &*nd.dir };
    let r = if !ir.is_dir() {
        Err(ENOTDIR)
    } else if i == root() {
        Err(EBUSY)
    } else if let Err(e) = permission(p, dr, MAY_WRITE | MAY_EXEC).and_then(|_| check_sticky(p, dr, ir)) {
        Err(e)
    // SAFETY: NS_LOCK held.
    } else if !unsafe { ir.dir() }.entries.is_empty() {
        Err(ENOTEMPTY)
    } else {
        Ok(())
    };
    if let Err(e) = r {
        // SAFETY: our reference.
        unsafe { iput(i) };
        return Err(e);
    }
    // SAFETY: NS_LOCK held.
    let e = unsafe { remove_entry(dr, nd.last()) };
    ir.nlink.store(0, Ordering::Relaxed);
    dr.nlink.fetch_sub(1, Ordering::Relaxed);
    touch(dr, true, true);
    // SAFETY: the entry's reference and ours.
    unsafe {
        iput(e);
        iput(i);
    }
    Ok(())
}

/// Whether `anc` is `d` or one of its ancestors (NS_LOCK held).
unsafe fn is_ancestor(anc: *mut Inode, mut d: *mut Inode) -> bool {
    loop {
        if d == anc {
            return true;
        }
        // SAFETY: NS_LOCK held; directories keep their parents alive.
        let parent = unsafe { (*d).dir().parent };
        if parent == d || parent.is_null() {
            return false;
        }
        d = parent;
    }
}

/// `rename(old, new)`.
pub fn do_rename(p: &Process, old: &[u8], new: &[u8]) -> Result<(), i32> {
    let _g = NS_LOCK.lock();
    let ond = path_parent(p, old)?;
    let nnd = path_parent(p, new)?;
    // As Linux's do_renameat2: a last component that is no plain name.
    for n in [ond.last(), nnd.last()] {
        if n.is_empty() || n == b"." || n == b".." {
            return Err(EBUSY);
        }
    }
    // SAFETY: referenced directories.
    let (od, ndir) = unsafe { (&*ond.dir, &*nnd.dir) };
    permission(p, od, MAY_WRITE | MAY_EXEC)?;
    permission(p, ndir, MAY_WRITE | MAY_EXEC)?;
    // SAFETY: NS_LOCK held.
    let src = unsafe { lookup_in(ond.dir, ond.last()) };
    if src.is_null() {
        return Err(ENOENT);
    }
    // SAFETY: NS_LOCK held; entries keep `src` alive.
    let sr = unsafe { &*src };
    if (ond.trailing_slash || nnd.trailing_slash) && !sr.is_dir() {
        return Err(ENOTDIR);
    }
    // SAFETY: NS_LOCK held.
    let dst = unsafe { lookup_in(nnd.dir, nnd.last()) };
    if dst == src {
        return Ok(());
    }
    check_sticky(p, od, sr)?;
    if sr.is_dir() {
        // SAFETY: NS_LOCK held.
        if unsafe { is_ancestor(src, nnd.dir) } {
            return Err(EINVAL);
        }
    }
    // As Linux's rename trap: the target an ancestor of the source.
    // SAFETY: NS_LOCK held; `dst` is a live directory when is_dir says so.
    if !dst.is_null() && ond.dir != nnd.dir && unsafe { (*dst).is_dir() && is_ancestor(dst, ond.dir) } {
        return Err(ENOTEMPTY);
    }
    if !dst.is_null() {
        // SAFETY: entries keep `dst` alive.
        let dr = unsafe { &*dst };
        check_sticky(p, ndir, dr)?;
        if sr.is_dir() && !dr.is_dir() {
            return Err(ENOTDIR);
        }
        if !sr.is_dir() && dr.is_dir() {
            return Err(EISDIR);
        }
        // SAFETY: NS_LOCK held.
        if dr.is_dir() && !unsafe { dr.dir() }.entries.is_empty() {
            return Err(ENOTEMPTY);
        }
        // SAFETY: NS_LOCK held.
        let e = unsafe { remove_entry(ndir, nnd.last()) };
        if dr.is_dir() {
            dr.nlink.store(0, Ordering::Relaxed);
            ndir.nlink.fetch_sub(1, Ordering::Relaxed);
        } else {
            dr.nlink.fetch_sub(1, Ordering::Relaxed);
        }
        touch(dr, false, true);
        // SAFETY: the entry's reference.
        unsafe { iput(e) };
    }
    // SAFETY: NS_LOCK held.
    let moved = unsafe { remove_entry(od, ond.last()) };
    // SAFETY: NS_LOCK held.
    unsafe { ndir.dir().entries.push(DirEntry { name: Box::from(nnd.last()), inode: moved }) };
    if sr.is_dir() && ond.dir != nnd.dir {
        // SAFETY: NS_LOCK held; `..` moves to the new parent.
        unsafe {
            let d = sr.dir();
            igrab(nnd.dir);
            let oldp = core::mem::replace(&mut d.parent, nnd.dir);
            od.nlink.fetch_sub(1, Ordering::Relaxed);
            ndir.nlink.fetch_add(1, Ordering::Relaxed);
            iput(oldp);
        }
    }
    touch(sr, false, true);
    touch(od, true, true);
    touch(ndir, true, true);
    Ok(())
}

/// `chmod(path, mode)`: owner or root only.
pub fn do_chmod(p: &Process, path: &[u8], mode: u32) -> Result<(), i32> {
    let i = path_lookup(p, path)?;
    // SAFETY: referenced.
    let ir = unsafe { &*i };
    let r = if p.euid.get() != 0 && p.euid.get() != ir.uid.get() {
        Err(EPERM)
    } else {
        let w = ir.deps.prepare();
        let _d = ir.data.lock();
        ir.mode.store(&w, mode & 0o7777);
        touch(ir, false, true);
        Ok(())
    };
    // SAFETY: our reference.
    unsafe { iput(i) };
    r
}

/// `chdir(path)`.
pub fn do_chdir(p: &Process, path: &[u8]) -> Result<(), i32> {
    let i = path_lookup(p, path)?;
    // SAFETY: referenced.
    let ir = unsafe { &*i };
    let r = if !ir.is_dir() { Err(ENOTDIR) } else { permission(p, ir, MAY_EXEC) };
    if let Err(e) = r {
        // SAFETY: our reference.
        unsafe { iput(i) };
        return Err(e);
    }
    let old = p.cwd.swap(i, Ordering::AcqRel);
    // SAFETY: the old cwd reference.
    unsafe { iput(old) };
    Ok(())
}

/// Fills a [`Stat`] from an inode.
pub fn fill_stat(i: &Inode) -> Stat {
    let size = i.size.load(Ordering::Relaxed) as i64;
    Stat {
        st_dev: i.dev.get(),
        st_ino: i.ino.get(),
        st_mode: i.kind.get() | i.mode.get(),
        st_nlink: i.nlink.load(Ordering::Relaxed),
        st_uid: i.uid.get(),
        st_gid: i.gid.get(),
        st_size: size,
        st_blksize: PAGE_SIZE as i64,
        st_blocks: if i.is_reg() {
            // Under the data mutex: the count walks the leaves a truncate frees.
            (i.data.lock().pages.count() * 8) as i64
        } else {
            0
        },
        st_atime_ns: i.atime.load(Ordering::Relaxed),
        st_mtime_ns: i.mtime.load(Ordering::Relaxed),
        st_ctime_ns: i.ctime.load(Ordering::Relaxed),
    }
}

// --- RAM fs file operations ---------------------------------------------------

/// Read from a regular file: copy from the page map (holes read as zeros),
/// update atime with relatime rules.
///
/// # Safety
/// VFS contract: live file, checked user buffer, valid `pos`.
pub unsafe extern "C" fn ramfs_read(f: *mut File, _cur: *mut Thread, buf: *mut u8, len: usize, pos: *mut i64) -> isize {
    // SAFETY: VFS contract.
    let (file, off) = unsafe { (&*f, *pos) };
    // SAFETY: the file holds an inode reference.
    let inode = unsafe { &*file.f_inode.get() };
    let d = inode.data.lock();
    let size = inode.size.load(Ordering::Relaxed);
    if off < 0 {
        return -(EINVAL as isize);
    }
    if off as u64 >= size || len == 0 {
        return 0;
    }
    let n = len.min((size - off as u64) as usize);
    let mut done = 0;
    while done < n {
        let at = off as usize + done;
        let (pi, po) = (at / PAGE_SIZE, at % PAGE_SIZE);
        let chunk = (PAGE_SIZE - po).min(n - done);
        let pg = d.pages.get(pi);
        // SAFETY: user range checked by the VFS; page is PAGE_SIZE long.
        let left = unsafe {
            if pg.is_null() {
                mm::clear_user(buf.add(done), chunk)
            } else {
                mm::copy_to_user(buf.add(done), pg.add(po), chunk)
            }
        };
        done += chunk - left;
        if left != 0 {
            break;
        }
    }
    drop(d);
    if done == 0 {
        return -(EFAULT as isize);
    }
    let n = done;
    // SAFETY: VFS contract.
    unsafe { *pos = off + n as i64 };
    let at = inode.atime.load(Ordering::Relaxed);
    if at <= inode.mtime.load(Ordering::Relaxed) || at <= inode.ctime.load(Ordering::Relaxed) {
        inode.atime.store(hal::realtime_ns(), Ordering::Relaxed);
    }
    n as isize
}

/// Write to a regular file: allocate pages as needed, extend the size,
/// honor `O_APPEND`, update mtime/ctime.
///
/// # Safety
/// VFS contract: live file, checked user buffer, valid `pos`.
pub unsafe extern "C" fn ramfs_write(
    f: *mut File,
    _cur: *mut Thread,
    buf: *const u8,
    len: usize,
    pos: *mut i64,
) -> isize {
    // SAFETY: VFS contract.
    let file = unsafe { &*f };
    // SAFETY: the file holds an inode reference.
    let inode = unsafe { &*file.f_inode.get() };
    let mut d = inode.data.lock();
    // SAFETY: VFS contract.
    let mut off = unsafe { *pos };
    if file.f_flags.get() & O_APPEND != 0 {
        off = inode.size.load(Ordering::Relaxed) as i64;
    }
    if off < 0 {
        return -(EINVAL as isize);
    }
    if len == 0 {
        return 0;
    }
    // generic_write_check_limits: nothing at or past the limit, and a write
    // crossing it is cut short there.
    if off as u64 >= MAX_FILE_SIZE {
        return -(EFBIG as isize);
    }
    let len = len.min((MAX_FILE_SIZE - off as u64) as usize);
    let mut done = 0;
    let mut err = 0;
    while done < len {
        let at = off as usize + done;
        let (pi, po) = (at / PAGE_SIZE, at % PAGE_SIZE);
        let chunk = (PAGE_SIZE - po).min(len - done);
        let pg = d.pages.get_or_alloc(pi);
        if pg.is_null() {
            err = ENOSPC;
            break;
        }
        // SAFETY: user range checked by the VFS; page is PAGE_SIZE long.
        let left = unsafe { mm::copy_from_user(pg.add(po), buf.add(done), chunk) };
        done += chunk - left;
        if left != 0 {
            err = EFAULT;
            break;
        }
    }
    if done == 0 {
        return -(err as isize);
    }
    let new_end = off as u64 + done as u64;
    if new_end > inode.size.load(Ordering::Relaxed) {
        inode.size.store(new_end, Ordering::Relaxed);
    }
    drop(d);
    // SAFETY: VFS contract.
    unsafe { *pos = new_end as i64 };
    touch(inode, true, true);
    done as isize
}

/// `llseek` for RAM fs files and directories.
///
/// # Safety
/// VFS contract: live file.
pub unsafe extern "C" fn ramfs_llseek(f: *mut File, off: i64, whence: i32) -> i64 {
    // SAFETY: VFS contract.
    let file = unsafe { &*f };
    // SAFETY: the file holds an inode reference.
    let inode = unsafe { &*file.f_inode.get() };
    // SAFETY: the caller holds f_pos_lock when the file is shared.
    let cur = unsafe { *file.f_pos.get() };
    let base = match whence {
        SEEK_SET => 0,
        SEEK_CUR => cur,
        SEEK_END if !inode.is_dir() => inode.size.load(Ordering::Relaxed) as i64,
        _ => return -(EINVAL as i64),
    };
    match base.checked_add(off) {
        Some(n) if n as u64 > MAX_FILE_SIZE => -(EINVAL as i64),
        Some(n) if n >= 0 => {
            // SAFETY: as above.
            unsafe { *file.f_pos.get() = n };
            n
        }
        Some(_) => -(EINVAL as i64),
        None => -(EOVERFLOW as i64),
    }
}

/// `getdents` for RAM fs directories: `.`, `..`, then the entries; the file
/// position is the index of the next entry.
///
/// # Safety
/// VFS contract: live file, checked user buffer.
pub unsafe extern "C" fn ramfs_iterate(f: *mut File, buf: *mut u8, len: usize) -> isize {
    // SAFETY: VFS contract.
    let file = unsafe { &*f };
    let dir = file.f_inode.get();
    let _g = NS_LOCK.lock();
    // As Linux's iterate_dir: a removed directory lists nothing.
    // SAFETY: the open file references `dir`.
    if unsafe { (*dir).nlink.load(Ordering::Relaxed) } == 0 {
        return -(ENOENT as isize);
    }
    // SAFETY: the caller holds f_pos_lock when shared.
    let mut pos = unsafe { *file.f_pos.get() };
    // SAFETY: NS_LOCK held; the file references the directory.
    let d = unsafe { (*dir).dir() };
    let mut written = 0usize;
    loop {
        let idx = pos as usize;
        // SAFETY: the open file references `dir`; a directory references its parent.
        let (dir_ino, parent_ino) =
            unsafe { ((*dir).ino.get(), if d.parent.is_null() { 0 } else { (*d.parent).ino.get() }) };
        let (name, ino, ty): (&[u8], u64, u8) = match idx {
            0 => (b".", dir_ino, DT_DIR),
            1 => (b"..", parent_ino, DT_DIR),
            n => match d.entries.get(n - 2) {
                Some(e) => {
                    // SAFETY: entries keep their inodes alive.
                    let ir = unsafe { &*e.inode };
                    let ty = match ir.kind.get() {
                        S_IFDIR => DT_DIR,
                        S_IFIFO => DT_FIFO,
                        _ => DT_REG,
                    };
                    (&e.name, ir.ino.get(), ty)
                }
                None => break,
            },
        };
        let reclen = (DIRENT_NAME_OFFSET + name.len() + 1).div_ceil(8) * 8;
        if written + reclen > len {
            if written == 0 {
                return -(EINVAL as isize);
            }
            break;
        }
        let hdr = Dirent64Header { d_ino: ino, d_off: pos + 1, d_reclen: reclen as u16, d_type: ty };
        let mut rec = [0u8; 8 * 36];
        // SAFETY: the header is plain data; we copy its first 19 bytes.
        let hb = unsafe { core::slice::from_raw_parts(&hdr as *const Dirent64Header as *const u8, 24) };
        rec[..DIRENT_NAME_OFFSET].copy_from_slice(&hb[..DIRENT_NAME_OFFSET]);
        rec[DIRENT_NAME_OFFSET..DIRENT_NAME_OFFSET + name.len()].copy_from_slice(name);
        // SAFETY: user range checked by the VFS (len bytes), written + reclen <= len.
        if unsafe { mm::copy_to_user(buf.add(written), rec.as_ptr(), reclen) } != 0 {
            if written == 0 {
                return -(EFAULT as isize);
            }
            break;
        }
        written += reclen;
        pos += 1;
    }
    // SAFETY: as above.
    unsafe { *file.f_pos.get() = pos };
    written as isize
}

/// Regular-file operations of the RAM fs.
pub static RAMFS_FILE_FOPS: FileOps = FileOps {
    read: Some(ramfs_read),
    write: Some(ramfs_write),
    llseek: Some(ramfs_llseek),
    iterate: None,
    release: None,
};

/// Directory operations of the RAM fs.
pub static RAMFS_DIR_FOPS: FileOps =
    FileOps { read: None, write: None, llseek: Some(ramfs_llseek), iterate: Some(ramfs_iterate), release: None };
