//! Property test: random syscall sequences with random (often invalid)
//! arguments, each result compared with an independent reference model of
//! POSIX/Linux semantics written here: the fd table (lowest free slot,
//! close-on-exec), open file descriptions (shared offsets, status flags),
//! RAM-fs files (contents, sizes, modes, link counts, unlink-while-open),
//! directories (entries in creation order, rename rules), pipes (contents,
//! EOF, EPIPE, non-blocking EAGAIN, PIPE_BUF atomicity), user pointers
//! (EFAULT for bad and unmapped buffers, nothing changed), the signal mask
//! and SIGUSR1 deliveries, and child exit statuses. The kernel's invariant
//! checker runs after every step too.

mod common;
use common::*;
use proptest::prelude::*;
use std::cell::Cell;
use std::collections::{BTreeMap, VecDeque};

#[derive(Debug, Clone)]
enum Buf {
    Valid,
    Null,
    Low,
    NonCanonical,
    /// Passes the range check but lies in an unmapped page.
    Unmapped,
}

#[derive(Debug, Clone)]
enum Op {
    Open(usize, u32, u32),
    Creat(usize),
    Close(i32),
    Dup(i32),
    Dup2(i32, i32),
    Pipe2(u32),
    Read(i32, usize, Buf),
    Write(i32, usize, Buf),
    Pread(i32, usize, i64),
    Pwrite(i32, usize, i64),
    Lseek(i32, i64, i32),
    Fcntl(i32, i32, u64),
    Fstat(i32),
    Unlink(usize),
    Mkdir(usize),
    Rmdir(usize),
    Rename(usize, usize),
    Getdents(i32, usize),
    KillSelf(i32),
    KillOther(i32),
    SpawnKillWait(i32),
    Sigprocmask(i32, u64),
}

const PATHS: [&str; 6] = ["a", "b", "d", "d/e", "d/f/g", "."];

fn fd() -> impl Strategy<Value = i32> {
    prop_oneof![4 => 0..12i32, 1 => -3..0i32, 1 => 1000..1100i32]
}

fn buf() -> impl Strategy<Value = Buf> {
    prop_oneof![
        6 => Just(Buf::Valid),
        1 => Just(Buf::Null),
        1 => Just(Buf::Low),
        1 => Just(Buf::NonCanonical),
        2 => Just(Buf::Unmapped)
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let flags = prop::sample::select(vec![
        O_RDONLY,
        O_WRONLY | O_CREAT,
        O_RDWR | O_CREAT | O_TRUNC,
        O_WRONLY | O_APPEND | O_CREAT,
        O_RDONLY | O_DIRECTORY,
        O_CREAT | O_EXCL | O_RDWR,
        O_ACCMODE,
        O_RDWR | O_NONBLOCK | O_CLOEXEC,
    ]);
    prop_oneof![
        (0..PATHS.len(), flags, 0..0o1000u32).prop_map(|(p, f, m)| Op::Open(p, f, m)),
        (0..PATHS.len()).prop_map(Op::Creat),
        fd().prop_map(Op::Close),
        fd().prop_map(Op::Dup),
        (fd(), prop_oneof![fd(), 1020..1030i32]).prop_map(|(a, b)| Op::Dup2(a, b)),
        prop::sample::select(vec![0, O_NONBLOCK, O_CLOEXEC, O_NONBLOCK | O_CLOEXEC, O_APPEND, 0xffff_ffff])
            .prop_map(Op::Pipe2),
        (fd(), 0..70_000usize, buf()).prop_map(|(f, n, b)| Op::Read(f, n, b)),
        (fd(), 0..70_000usize, buf()).prop_map(|(f, n, b)| Op::Write(f, n, b)),
        (fd(), 0..9000usize, -3..20_000i64).prop_map(|(f, n, o)| Op::Pread(f, n, o)),
        (fd(), 0..9000usize, -3..20_000i64).prop_map(|(f, n, o)| Op::Pwrite(f, n, o)),
        (fd(), -10..10_000i64, -1..4i32).prop_map(|(f, o, w)| Op::Lseek(f, o, w)),
        (
            fd(),
            prop::sample::select(vec![F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, 77]),
            0..2000u64
        )
            .prop_map(|(f, c, a)| Op::Fcntl(f, c, a)),
        fd().prop_map(Op::Fstat),
        (0..PATHS.len()).prop_map(Op::Unlink),
        (0..PATHS.len()).prop_map(Op::Mkdir),
        (0..PATHS.len()).prop_map(Op::Rmdir),
        (0..PATHS.len(), 0..PATHS.len()).prop_map(|(a, b)| Op::Rename(a, b)),
        (fd(), 0..600usize).prop_map(|(f, n)| Op::Getdents(f, n)),
        prop::sample::select(vec![0, SIGUSR1, SIGCHLD, SIGURG, 65, -1, 0x7fff_ffff]).prop_map(Op::KillSelf),
        // Our own process group (0), and pids and groups that cannot exist.
        prop_oneof![Just(0), PID_MAX..40_000i32, -40_000..=-PID_MAX].prop_map(Op::KillOther),
        prop::sample::select(vec![SIGKILL, SIGTERM, SIGSTOP, SIGUSR2]).prop_map(Op::SpawnKillWait),
        (-1..4i32, any::<u64>()).prop_map(|(h, s)| Op::Sigprocmask(h, s)),
    ]
}

thread_local! {
    static USR1_RUNS: Cell<u64> = const { Cell::new(0) };
}

extern "C" fn on_usr1(_sig: i32) {
    USR1_RUNS.set(USR1_RUNS.get() + 1);
}

// --- the reference model ----------------------------------------------------------

const UMASK: u32 = 0o022;
const STATUS_FLAGS: u32 = O_ACCMODE | O_APPEND | O_NONBLOCK;
const RECLEN: usize = 24; // every name here is one byte: (19 + 1 + 1) rounded up to 8
const UNBLOCKABLE: u64 = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

#[derive(Debug, Clone, Copy, PartialEq)]
enum Obj {
    File(usize),
    Dir(usize),
}

#[derive(Debug)]
struct MFile {
    data: Vec<u8>,
    mode: u32,
    nlink: u32,
}

#[derive(Debug)]
struct MDir {
    entries: Vec<(String, Obj)>,
    parent: Option<usize>,
    removed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    File(usize),
    Dir(usize),
    PipeR(usize),
    PipeW(usize),
}

#[derive(Debug)]
struct Ofd {
    target: Target,
    pos: i64,
    flags: u32,
    refs: usize,
}

#[derive(Debug, Default)]
struct MPipe {
    buf: VecDeque<u8>,
    readers: usize,
    writers: usize,
}

type R = Result<isize, i32>;

#[derive(Debug)]
struct Model {
    files: Vec<MFile>,
    dirs: Vec<MDir>,
    ofds: Vec<Ofd>,
    pipes: Vec<MPipe>,
    fds: BTreeMap<i32, (usize, bool)>,
    blocked: u64,
    usr1_pending: bool,
    usr1_runs: u64,
}

fn bit(sig: i32) -> u64 {
    1 << (sig - 1)
}

impl Model {
    fn new() -> Model {
        Model {
            files: Vec::new(),
            dirs: vec![MDir { entries: Vec::new(), parent: None, removed: false }],
            ofds: Vec::new(),
            pipes: Vec::new(),
            fds: BTreeMap::new(),
            blocked: 0,
            usr1_pending: false,
            usr1_runs: 0,
        }
    }

    // --- names ---

    /// The directory holding the last component of `path`, and that component.
    fn parent<'p>(&self, path: &'p str) -> Result<(usize, &'p str), i32> {
        let comps: Vec<&str> = path.split('/').collect();
        let mut d = 0;
        for c in &comps[..comps.len() - 1] {
            d = match self.lookup(d, c) {
                None => return Err(ENOENT),
                Some(Obj::File(_)) => return Err(ENOTDIR),
                Some(Obj::Dir(x)) => x,
            };
        }
        Ok((d, comps[comps.len() - 1]))
    }

    fn lookup(&self, d: usize, name: &str) -> Option<Obj> {
        if name == "." {
            return Some(Obj::Dir(d));
        }
        self.dirs[d].entries.iter().find(|e| e.0 == name).map(|e| e.1)
    }

    fn remove_entry(&mut self, d: usize, name: &str) -> Obj {
        let i = self.dirs[d].entries.iter().position(|e| e.0 == name).expect("entry");
        self.dirs[d].entries.remove(i).1
    }

    /// Whether directory `a` is `d` or one of its ancestors.
    fn is_ancestor(&self, a: usize, mut d: usize) -> bool {
        loop {
            if a == d {
                return true;
            }
            match self.dirs[d].parent {
                Some(p) => d = p,
                None => return false,
            }
        }
    }

    fn subdirs(&self, d: usize) -> u32 {
        self.dirs[d].entries.iter().filter(|e| matches!(e.1, Obj::Dir(_))).count() as u32
    }

    // --- descriptors ---

    fn lowest_free(&self, from: i32) -> Result<i32, i32> {
        (from..NR_OPEN_DEFAULT as i32).find(|f| !self.fds.contains_key(f)).ok_or(EMFILE)
    }

    fn ofd_of(&self, fd: i32) -> Result<usize, i32> {
        self.fds.get(&fd).map(|e| e.0).ok_or(EBADF)
    }

    fn install(&mut self, from: i32, ofd: usize, cloexec: bool) -> R {
        let fd = self.lowest_free(from)?;
        self.ofds[ofd].refs += 1;
        self.fds.insert(fd, (ofd, cloexec));
        Ok(fd as isize)
    }

    fn new_ofd(&mut self, target: Target, flags: u32) -> usize {
        match target {
            Target::PipeR(p) => self.pipes[p].readers += 1,
            Target::PipeW(p) => self.pipes[p].writers += 1,
            _ => {}
        }
        self.ofds.push(Ofd { target, pos: 0, flags: flags & STATUS_FLAGS, refs: 0 });
        self.ofds.len() - 1
    }

    fn close(&mut self, fd: i32) -> R {
        let (o, _) = self.fds.remove(&fd).ok_or(EBADF)?;
        self.ofds[o].refs -= 1;
        if self.ofds[o].refs == 0 {
            match self.ofds[o].target {
                Target::PipeR(p) => self.pipes[p].readers -= 1,
                Target::PipeW(p) => self.pipes[p].writers -= 1,
                _ => {}
            }
        }
        Ok(0)
    }

    fn readable(&self, o: usize) -> bool {
        matches!(self.ofds[o].flags & O_ACCMODE, O_RDONLY | O_RDWR)
    }

    fn writable(&self, o: usize) -> bool {
        matches!(self.ofds[o].flags & O_ACCMODE, O_WRONLY | O_RDWR)
    }

    // --- syscalls ---

    fn open(&mut self, path: &str, flags: u32, mode: u32) -> R {
        let acc = flags & O_ACCMODE;
        if acc == O_ACCMODE {
            return Err(EINVAL);
        }
        let (d, last) = self.parent(path)?;
        let found = self.lookup(d, last);
        if found.is_some() && flags & O_CREAT != 0 && flags & O_EXCL != 0 {
            return Err(EEXIST);
        }
        let target = match found {
            None => {
                if flags & O_CREAT == 0 {
                    return Err(ENOENT);
                }
                self.files.push(MFile { data: Vec::new(), mode: mode & !UMASK & 0o7777, nlink: 1 });
                let f = self.files.len() - 1;
                self.dirs[d].entries.push((last.to_string(), Obj::File(f)));
                Target::File(f)
            }
            Some(Obj::Dir(x)) => {
                if acc != O_RDONLY || flags & O_CREAT != 0 {
                    return Err(EISDIR);
                }
                Target::Dir(x)
            }
            Some(Obj::File(f)) => {
                if flags & O_DIRECTORY != 0 {
                    return Err(ENOTDIR);
                }
                let m = self.files[f].mode;
                if (acc != O_WRONLY && m & 0o400 == 0) || (acc != O_RDONLY && m & 0o200 == 0) {
                    return Err(EACCES);
                }
                if flags & O_TRUNC != 0 && acc != O_RDONLY {
                    self.files[f].data.clear();
                }
                Target::File(f)
            }
        };
        let o = self.new_ofd(target, flags);
        self.install(0, o, flags & O_CLOEXEC != 0)
    }

    fn dup2(&mut self, a: i32, b: i32) -> R {
        let o = self.ofd_of(a)?;
        if !(0..NR_OPEN_DEFAULT as i32).contains(&b) {
            return Err(EBADF);
        }
        if a == b {
            return Ok(b as isize);
        }
        if self.fds.contains_key(&b) {
            self.close(b)?;
        }
        self.ofds[o].refs += 1;
        self.fds.insert(b, (o, false));
        Ok(b as isize)
    }

    fn pipe2(&mut self, flags: u32) -> Result<[i32; 2], i32> {
        if flags & !(O_NONBLOCK | O_CLOEXEC) != 0 {
            return Err(EINVAL);
        }
        self.pipes.push(MPipe::default());
        let p = self.pipes.len() - 1;
        let r = self.new_ofd(Target::PipeR(p), O_RDONLY | (flags & O_NONBLOCK));
        let w = self.new_ofd(Target::PipeW(p), O_WRONLY | (flags & O_NONBLOCK));
        let ce = flags & O_CLOEXEC != 0;
        let a = self.install(0, r, ce)? as i32;
        let b = self.install(0, w, ce)? as i32;
        Ok([a, b])
    }

    /// `read`; `Ok` carries the bytes read.
    fn read(&mut self, fd: i32, n: usize, b: &Buf) -> Result<Vec<u8>, i32> {
        let o = self.ofd_of(fd)?;
        if !self.readable(o) || matches!(self.ofds[o].target, Target::PipeW(_)) {
            return Err(EBADF);
        }
        if let Target::Dir(_) = self.ofds[o].target {
            return Err(EISDIR);
        }
        let bad = matches!(b, Buf::Null | Buf::Low | Buf::NonCanonical);
        if n > 0 && bad {
            return Err(EFAULT);
        }
        let unmapped = matches!(b, Buf::Unmapped);
        match self.ofds[o].target {
            Target::File(f) => {
                let pos = self.ofds[o].pos;
                let got = file_read(&self.files[f].data, pos, n, unmapped)?;
                self.ofds[o].pos += got.len() as i64;
                Ok(got)
            }
            Target::PipeR(p) => {
                if n == 0 {
                    return Ok(Vec::new());
                }
                let pipe = &mut self.pipes[p];
                if pipe.buf.is_empty() {
                    return if pipe.writers == 0 { Ok(Vec::new()) } else { Err(EAGAIN) };
                }
                if unmapped {
                    return Err(EFAULT);
                }
                let k = n.min(pipe.buf.len());
                Ok(pipe.buf.drain(..k).collect())
            }
            _ => unreachable!(),
        }
    }

    fn write(&mut self, fd: i32, data: &[u8], b: &Buf) -> R {
        let o = self.ofd_of(fd)?;
        if !self.writable(o) {
            return Err(EBADF);
        }
        let n = data.len();
        if n > 0 && matches!(b, Buf::Null | Buf::Low | Buf::NonCanonical) {
            return Err(EFAULT);
        }
        let unmapped = matches!(b, Buf::Unmapped);
        match self.ofds[o].target {
            Target::File(_) if n == 0 => Ok(0),
            Target::File(f) => {
                let pos =
                    if self.ofds[o].flags & O_APPEND != 0 { self.files[f].data.len() as i64 } else { self.ofds[o].pos };
                let k = file_write(&mut self.files[f].data, pos, data, unmapped)?;
                self.ofds[o].pos = pos + k as i64;
                Ok(k as isize)
            }
            Target::PipeW(p) => {
                if n == 0 {
                    return Ok(0);
                }
                let pipe = &mut self.pipes[p];
                if pipe.readers == 0 {
                    return Err(EPIPE);
                }
                let free = PIPE_SIZE - pipe.buf.len();
                let fits = if n <= PIPE_BUF { free >= n } else { free > 0 };
                if !fits {
                    return Err(EAGAIN);
                }
                if unmapped {
                    return Err(EFAULT);
                }
                let k = n.min(free);
                pipe.buf.extend(&data[..k]);
                Ok(k as isize)
            }
            _ => unreachable!("directories are never writable"),
        }
    }

    fn pread(&mut self, fd: i32, n: usize, off: i64) -> Result<Vec<u8>, i32> {
        if off < 0 {
            return Err(EINVAL);
        }
        let o = self.ofd_of(fd)?;
        match self.ofds[o].target {
            Target::PipeR(_) | Target::PipeW(_) => Err(ESPIPE),
            _ if !self.readable(o) => Err(EBADF),
            Target::Dir(_) => Err(EISDIR),
            Target::File(f) => file_read(&self.files[f].data, off, n, false),
        }
    }

    fn pwrite(&mut self, fd: i32, data: &[u8], off: i64) -> R {
        if off < 0 {
            return Err(EINVAL);
        }
        let o = self.ofd_of(fd)?;
        match self.ofds[o].target {
            Target::PipeR(_) | Target::PipeW(_) => Err(ESPIPE),
            _ if !self.writable(o) => Err(EBADF),
            Target::Dir(_) => unreachable!("directories are never writable"),
            Target::File(f) => {
                // Linux: pwrite on an O_APPEND file appends.
                let at = if self.ofds[o].flags & O_APPEND != 0 { self.files[f].data.len() as i64 } else { off };
                file_write(&mut self.files[f].data, at, data, false).map(|k| k as isize)
            }
        }
    }

    fn lseek(&mut self, fd: i32, off: i64, whence: i32) -> R {
        let o = self.ofd_of(fd)?;
        if !(SEEK_SET..=SEEK_END).contains(&whence) {
            return Err(EINVAL);
        }
        let base = match (self.ofds[o].target, whence) {
            (Target::PipeR(_) | Target::PipeW(_), _) => return Err(ESPIPE),
            (_, SEEK_SET) => 0,
            (_, SEEK_CUR) => self.ofds[o].pos,
            (Target::File(f), _) => self.files[f].data.len() as i64,
            (_, _) => return Err(EINVAL),
        };
        let n = base + off;
        if n < 0 {
            return Err(EINVAL);
        }
        self.ofds[o].pos = n;
        Ok(n as isize)
    }

    fn fcntl(&mut self, fd: i32, cmd: i32, arg: u64) -> R {
        let o = self.ofd_of(fd)?;
        match cmd {
            F_DUPFD | F_DUPFD_CLOEXEC => {
                if arg >= NR_OPEN_DEFAULT as u64 {
                    return Err(EINVAL);
                }
                self.install(arg as i32, o, cmd == F_DUPFD_CLOEXEC)
            }
            F_GETFD => Ok(self.fds[&fd].1 as isize),
            F_SETFD => {
                self.fds.get_mut(&fd).expect("open").1 = arg & FD_CLOEXEC != 0;
                Ok(0)
            }
            F_GETFL => Ok(self.ofds[o].flags as isize),
            F_SETFL => {
                let keep = self.ofds[o].flags & !(O_APPEND | O_NONBLOCK);
                self.ofds[o].flags = keep | (arg as u32 & (O_APPEND | O_NONBLOCK));
                Ok(0)
            }
            _ => Err(EINVAL),
        }
    }

    /// `(type|mode, nlink, size)`; the size of a directory is not compared.
    fn fstat(&self, fd: i32) -> Result<(u32, u32, Option<i64>), i32> {
        let o = self.ofd_of(fd)?;
        Ok(match self.ofds[o].target {
            Target::File(f) => {
                let m = &self.files[f];
                (S_IFREG | m.mode, m.nlink, Some(m.data.len() as i64))
            }
            Target::Dir(d) => {
                let nlink = if self.dirs[d].removed { 0 } else { 2 + self.subdirs(d) };
                (S_IFDIR | 0o755, nlink, None)
            }
            Target::PipeR(_) | Target::PipeW(_) => (S_IFIFO | 0o600, 1, Some(0)),
        })
    }

    fn unlink(&mut self, path: &str) -> R {
        let (d, last) = self.parent(path)?;
        match self.lookup(d, last) {
            _ if last == "." => Err(EISDIR),
            None => Err(ENOENT),
            Some(Obj::Dir(_)) => Err(EISDIR),
            Some(Obj::File(f)) => {
                self.remove_entry(d, last);
                self.files[f].nlink -= 1;
                Ok(0)
            }
        }
    }

    fn mkdir(&mut self, path: &str) -> R {
        let (d, last) = self.parent(path)?;
        if self.lookup(d, last).is_some() {
            return Err(EEXIST);
        }
        self.dirs.push(MDir { entries: Vec::new(), parent: Some(d), removed: false });
        let x = self.dirs.len() - 1;
        self.dirs[d].entries.push((last.to_string(), Obj::Dir(x)));
        Ok(0)
    }

    fn rmdir(&mut self, path: &str) -> R {
        let (d, last) = self.parent(path)?;
        if last == "." {
            return Err(EINVAL);
        }
        match self.lookup(d, last) {
            None => Err(ENOENT),
            Some(Obj::File(_)) => Err(ENOTDIR),
            Some(Obj::Dir(x)) if !self.dirs[x].entries.is_empty() => Err(ENOTEMPTY),
            Some(Obj::Dir(x)) => {
                self.remove_entry(d, last);
                self.dirs[x].removed = true;
                Ok(0)
            }
        }
    }

    /// Linux `do_renameat2` + `vfs_rename` order of checks.
    fn rename(&mut self, a: &str, b: &str) -> R {
        let (od, ol) = self.parent(a)?;
        let (nd, nl) = self.parent(b)?;
        if ol == "." || nl == "." {
            return Err(EBUSY);
        }
        let src = self.lookup(od, ol).ok_or(ENOENT)?;
        let dst = self.lookup(nd, nl);
        if od != nd {
            if let Obj::Dir(s) = src
                && self.is_ancestor(s, nd)
            {
                return Err(EINVAL);
            }
            if let Some(Obj::Dir(t)) = dst
                && self.is_ancestor(t, od)
            {
                return Err(ENOTEMPTY);
            }
        }
        if dst == Some(src) {
            return Ok(0);
        }
        match (src, dst) {
            (Obj::Dir(_), Some(Obj::File(_))) => return Err(ENOTDIR),
            (Obj::File(_), Some(Obj::Dir(_))) => return Err(EISDIR),
            (_, Some(Obj::Dir(t))) if !self.dirs[t].entries.is_empty() => return Err(ENOTEMPTY),
            _ => {}
        }
        if let Some(t) = dst {
            self.remove_entry(nd, nl);
            match t {
                Obj::File(f) => self.files[f].nlink -= 1,
                Obj::Dir(x) => self.dirs[x].removed = true,
            }
        }
        self.remove_entry(od, ol);
        self.dirs[nd].entries.push((nl.to_string(), src));
        if let Obj::Dir(s) = src {
            self.dirs[s].parent = Some(nd);
        }
        Ok(0)
    }

    /// `getdents`: the `(name, d_type)` of each record.
    fn getdents(&mut self, fd: i32, n: usize) -> Result<Vec<(String, u8)>, i32> {
        let o = self.ofd_of(fd)?;
        let Target::Dir(d) = self.ofds[o].target else { return Err(ENOTDIR) };
        if self.dirs[d].removed {
            return Err(ENOENT);
        }
        let mut all = vec![(".".to_string(), DT_DIR), ("..".to_string(), DT_DIR)];
        for (name, obj) in &self.dirs[d].entries {
            all.push((name.clone(), if matches!(obj, Obj::Dir(_)) { DT_DIR } else { DT_REG }));
        }
        let pos = self.ofds[o].pos as usize;
        if pos >= all.len() {
            return Ok(Vec::new());
        }
        let k = (all.len() - pos).min(n / RECLEN);
        if k == 0 {
            return Err(EINVAL);
        }
        self.ofds[o].pos += k as i64;
        Ok(all[pos..pos + k].to_vec())
    }

    fn kill_self(&mut self, sig: i32) -> R {
        if !(0..=SIGMAX).contains(&sig) {
            return Err(EINVAL);
        }
        if sig == SIGUSR1 {
            if self.blocked & bit(SIGUSR1) == 0 {
                self.usr1_runs += 1;
            } else {
                self.usr1_pending = true;
            }
        }
        Ok(0)
    }

    fn sigprocmask(&mut self, how: i32, set: u64) -> Result<u64, i32> {
        let old = self.blocked;
        let new = match how {
            SIG_BLOCK => old | set,
            SIG_UNBLOCK => old & !set,
            SIG_SETMASK => set,
            _ => return Err(EINVAL),
        };
        self.blocked = new & !UNBLOCKABLE;
        if self.usr1_pending && self.blocked & bit(SIGUSR1) == 0 {
            self.usr1_pending = false;
            self.usr1_runs += 1;
        }
        Ok(old)
    }

    /// The wait status of a child killed with `sig` (then SIGKILL).
    fn spawn_kill_status(&self, sig: i32) -> i32 {
        match sig {
            SIGTERM | SIGUSR2 if self.blocked & bit(sig) == 0 => w_termsig(sig),
            _ => w_termsig(SIGKILL),
        }
    }
}

/// Reads `n` bytes of `data` at `pos` (holes and nothing past the end).
fn file_read(data: &[u8], pos: i64, n: usize, unmapped: bool) -> Result<Vec<u8>, i32> {
    let pos = pos as usize;
    if pos >= data.len() || n == 0 {
        return Ok(Vec::new());
    }
    if unmapped {
        return Err(EFAULT);
    }
    Ok(data[pos..data.len().min(pos + n)].to_vec())
}

/// Writes `src` into `data` at `pos`, growing it with zeros.
fn file_write(data: &mut Vec<u8>, pos: i64, src: &[u8], unmapped: bool) -> Result<usize, i32> {
    if src.is_empty() {
        return Ok(0);
    }
    if unmapped {
        return Err(EFAULT);
    }
    let end = pos as usize + src.len();
    if data.len() < end {
        data.resize(end, 0);
    }
    data[pos as usize..end].copy_from_slice(src);
    Ok(src.len())
}

// --- running it ------------------------------------------------------------------

/// A page that is mapped, then unmapped again: passes `access_ok`, faults.
fn unmapped_page() -> *mut u8 {
    // SAFETY: map and unmap a fresh anonymous page; the address is only
    // handed to the kernel, which must not crash on it.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            1 << 20,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        assert_eq!(libc::munmap(p, 1 << 20), 0);
        p as *mut u8
    }
}

fn ptr_for(b: &Buf, v: &mut [u8], hole: *mut u8) -> *mut u8 {
    match b {
        Buf::Valid => v.as_mut_ptr(),
        Buf::Null => std::ptr::null_mut(),
        Buf::Low => 64 as *mut u8,
        Buf::NonCanonical => 0xdead_0000_0000_0000usize as *mut u8,
        Buf::Unmapped => hole,
    }
}

fn res(r: isize) -> R {
    if r < 0 { Err(-r as i32) } else { Ok(r) }
}

fn sres(r: Result<isize, Errno>) -> R {
    r.map_err(|e| e.0)
}

/// Runs `op` on the kernel and on the model; returns a description of the
/// first disagreement.
fn step(m: &mut Model, op: &Op, dir: &str, k: usize, hole: *mut u8) -> Result<(), String> {
    let path = |i: usize| format!("{dir}/{}", PATHS[i]);
    let pattern: Vec<u8> = (0..70_000usize).map(|i| (i * 7 + k * 13 + 1) as u8).collect();
    let mut v = vec![0u8; 70_000];
    let check = |got: R, want: R| if got == want { Ok(()) } else { Err(format!("got {got:?}, model {want:?}")) };
    // SAFETY: pointers are valid buffers of the stated length or
    // deliberately invalid ones the kernel must reject (EFAULT).
    unsafe {
        match op {
            Op::Open(p, f, mo) => {
                check(sres(sys::open(&path(*p), *f, *mo).map(|v| v as isize)), m.open(PATHS[*p], *f, *mo))
            }
            Op::Creat(p) => check(
                sres(sys::creat(&path(*p), 0o644).map(|v| v as isize)),
                m.open(PATHS[*p], O_CREAT | O_WRONLY | O_TRUNC, 0o644),
            ),
            Op::Close(f) => check(sres(sys::close(*f)), m.close(*f)),
            Op::Dup(f) => {
                let want = m.ofd_of(*f).and_then(|o| m.install(0, o, false));
                check(sres(sys::dup(*f)), want)
            }
            Op::Dup2(a, b) => check(sres(sys::dup2(*a, *b)), m.dup2(*a, *b)),
            Op::Pipe2(fl) => {
                // Always non-blocking: a blocking read of one's own empty pipe
                // waits forever, correctly, but a test cannot.
                let mut fds = [-1i32; 2];
                let got = res(sys::raw::pipe2(fds.as_mut_ptr(), *fl | O_NONBLOCK));
                match m.pipe2(*fl | O_NONBLOCK) {
                    Ok(want) => check(got.map(|_| 0), Ok(0))
                        .and_then(|_| check(Ok(fds[0] as isize), Ok(want[0] as isize)))
                        .and_then(|_| check(Ok(fds[1] as isize), Ok(want[1] as isize))),
                    Err(e) => check(got, Err(e)),
                }
            }
            Op::Read(f, n, b) => {
                let got = res(sys::raw::read(*f, ptr_for(b, &mut v, hole), *n));
                match m.read(*f, *n, b) {
                    Ok(data) => check(got, Ok(data.len() as isize)).and_then(|_| {
                        if v[..data.len()] == data[..] { Ok(()) } else { Err("read returned other bytes".into()) }
                    }),
                    Err(e) => check(got, Err(e)),
                }
            }
            Op::Write(f, n, b) => {
                let p = match b {
                    Buf::Valid => pattern.as_ptr() as *mut u8,
                    _ => ptr_for(b, &mut v, hole),
                };
                check(res(sys::raw::write(*f, p, *n)), m.write(*f, &pattern[..*n], b))
            }
            Op::Pread(f, n, o) => {
                let got = res(sys::raw::pread(*f, v.as_mut_ptr(), *n, *o));
                match m.pread(*f, *n, *o) {
                    Ok(data) => check(got, Ok(data.len() as isize)).and_then(|_| {
                        if v[..data.len()] == data[..] { Ok(()) } else { Err("pread returned other bytes".into()) }
                    }),
                    Err(e) => check(got, Err(e)),
                }
            }
            Op::Pwrite(f, n, o) => {
                check(res(sys::raw::pwrite(*f, pattern.as_ptr(), *n, *o)), m.pwrite(*f, &pattern[..*n], *o))
            }
            Op::Lseek(f, o, w) => check(sres(sys::lseek(*f, *o, *w)), m.lseek(*f, *o, *w)),
            Op::Fcntl(f, c, a) => {
                let a = if *c == F_SETFL { *a | O_NONBLOCK as u64 } else { *a };
                let got = sres(sys::fcntl(*f, *c, a));
                let got = if *c == F_GETFL { got.map(|fl| fl & STATUS_FLAGS as isize) } else { got };
                check(got, m.fcntl(*f, *c, a))
            }
            Op::Fstat(f) => {
                let got = sys::fstat(*f).map_err(|e| e.0);
                match (got, m.fstat(*f)) {
                    (Ok(st), Ok((mode, nlink, size))) => {
                        let size_ok = size.is_none_or(|s| s == st.st_size);
                        if st.st_mode == mode && st.st_nlink == nlink && size_ok {
                            Ok(())
                        } else {
                            Err(format!("fstat {st:?}, model mode {mode:o} nlink {nlink} size {size:?}"))
                        }
                    }
                    (Err(e), Err(w)) if e == w => Ok(()),
                    (g, w) => Err(format!("fstat {g:?}, model {w:?}")),
                }
            }
            Op::Unlink(p) => check(sres(sys::unlink(&path(*p))), m.unlink(PATHS[*p])),
            Op::Mkdir(p) => check(sres(sys::mkdir(&path(*p), 0o755)), m.mkdir(PATHS[*p])),
            Op::Rmdir(p) => check(sres(sys::rmdir(&path(*p))), m.rmdir(PATHS[*p])),
            Op::Rename(a, b) => check(sres(sys::rename(&path(*a), &path(*b))), m.rename(PATHS[*a], PATHS[*b])),
            Op::Getdents(f, n) => {
                let got = sys::getdents(*f, *n).map_err(|e| e.0);
                let got = got.map(|recs| recs.into_iter().map(|(_, t, name)| (name, t)).collect::<Vec<_>>());
                let want = m.getdents(*f, *n);
                if got == want { Ok(()) } else { Err(format!("getdents {got:?}, model {want:?}")) }
            }
            Op::KillSelf(s) => check(sres(sys::kill(sys::getpid().unwrap() as i32, *s)), m.kill_self(*s)),
            Op::KillOther(p) => {
                let want = if *p == 0 { Ok(0) } else { Err(ESRCH) };
                check(sres(sys::kill(*p, 0)), want)
            }
            Op::SpawnKillWait(s) => {
                let c = sys::spawn().unwrap() as i32;
                sys::kill(c, *s).unwrap();
                if *s != SIGKILL {
                    sys::kill(c, SIGKILL).unwrap();
                }
                let got = sys::wait4(c, 0).map_err(|e| e.0);
                let want = Ok((c, m.spawn_kill_status(*s)));
                if got == want { Ok(()) } else { Err(format!("wait4 {got:?}, model {want:?}")) }
            }
            Op::Sigprocmask(h, s) => {
                let got = sys::sigprocmask(*h, Some(*s)).map(|o| o as isize).map_err(|e| e.0);
                check(got, m.sigprocmask(*h, *s).map(|o| o as isize))
            }
        }
    }?;
    let runs = USR1_RUNS.get();
    if runs != m.usr1_runs {
        return Err(format!("SIGUSR1 handler ran {runs} times, model {}", m.usr1_runs));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_syscalls_match_the_model(ops in prop::collection::vec(op(), 1..40)) {
        let _t = user();
        let dir = tmp("prop");
        sys::mkdir(&dir, 0o755).unwrap();
        sys::umask(UMASK).unwrap();
        sys::signal(SIGUSR1, on_usr1, 0, 0).unwrap();
        sys::sigaction(SIGPIPE, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
        USR1_RUNS.set(0);
        let hole = unmapped_page();
        let mut m = Model::new();
        for (k, op) in ops.iter().enumerate() {
            let r = step(&mut m, op, &dir, k, hole);
            prop_assert!(r.is_ok(), "step {} {:?}: {}", k, op, r.unwrap_err());
            prop_assert!(sys::getpid().is_ok(), "process survived {:?}", op);
            prop_assert_eq!(kernel().check_invariants(), Ok(()), "after {:?}", op);
        }
        sys::exit(0).unwrap();
    }
}
