//! Host-facing administration entry points: boot, entering and leaving
//! processes, the invariant checker and the layout probe.
//!
//! These are not syscalls (no `current`): they are what a boot loader and a
//! test harness need. `jk_check_invariants` stops the world for process
//! creation and exit (tasklist write lock) and checks the structural
//! invariants documented on [`jk_check_invariants`].

use alloc::vec::Vec;
use core::mem::{offset_of, size_of};
use core::sync::atomic::{AtomicU32, Ordering};

use crate::abi::*;
use crate::file::{FMODE_READ, FMODE_WRITE};
use crate::kobj::{Fdtable, File, FileOps, FilesStruct, Inode, Process, SyscallTable, Thread};
use crate::pipe::{self, Pipe};
use crate::process;
use crate::signal::UNBLOCKABLE;
use crate::syscall::GENERIC_GFT;
use crate::task::{self, PF_ZOMBIE, TASKLIST};
use crate::vfs;

static BOOTED: AtomicU32 = AtomicU32::new(0);

/// Boots the kernel once: root file system (`/`, `/tmp` 1777) and init
/// (pid 1). Returns 0, or a negative errno. Later calls return 0.
#[unsafe(no_mangle)]
pub extern "C" fn jk_boot() -> i32 {
    if BOOTED.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire).is_err() {
        while BOOTED.load(Ordering::Acquire) != 2 {
            core::hint::spin_loop();
        }
        return 0;
    }
    vfs::init_rootfs();
    let r = match process::create_init(&GENERIC_GFT) {
        Ok(_) => 0,
        Err(e) => -e,
    };
    BOOTED.store(2, Ordering::Release);
    r
}

/// Makes `table` the dispatch table (GFT) of process `pid`: the per-process
/// trap vector into which the runtime plugs specialized entries. A guarded
/// write of `Process::gft`, so every specialization that folded the old
/// table is unplugged first. The caller keeps `table` alive as long as the
/// process may use it. Returns 0, `-ESRCH` or `-EINVAL` (null table).
#[unsafe(no_mangle)]
pub extern "C" fn jk_set_dispatch_table(pid: Pid, table: *const SyscallTable) -> i32 {
    if table.is_null() {
        return -EINVAL;
    }
    let p = task::find_get_process(pid);
    if p.is_null() {
        return -ESRCH;
    }
    // SAFETY: we hold a reference.
    let pr = unsafe { &*p };
    {
        let w = pr.deps.prepare();
        pr.gft.store(&w, table);
    }
    // SAFETY: our reference.
    unsafe { task::put_process(p) };
    0
}

/// Creates a thread-less process as a child of init, with all uids `uid`
/// and all gids `gid` (what `login` does). Returns its pid or -errno.
#[unsafe(no_mangle)]
pub extern "C" fn jk_admin_spawn(uid: Uid, gid: Gid) -> Pid {
    let init = task::INIT.load(Ordering::Acquire);
    if init.is_null() {
        return -ENOSYS;
    }
    let pid = match process::do_spawn(init, 0, &GENERIC_GFT) {
        Ok(pid) => pid,
        Err(e) => return -e,
    };
    let p = task::find_get_process(pid);
    if p.is_null() {
        return -ESRCH;
    }
    // SAFETY: referenced; the process has no thread yet, so nothing reads
    // these fields concurrently except through plain loads.
    let pr = unsafe { &*p };
    {
        let sh = pr.sighand();
        let (wp, ws) = (pr.deps.prepare(), sh.deps.prepare());
        let _g = sh.siglock.lock();
        for (f, v) in [(&pr.uid, uid), (&pr.euid, uid), (&pr.suid, uid)] {
            f.store(&wp, v);
        }
        for (f, v) in [(&pr.gid, gid), (&pr.egid, gid), (&pr.sgid, gid)] {
            f.store(&wp, v);
        }
        // A login session starts with default dispositions (init ignores SIGCHLD).
        for a in sh.action.iter() {
            a.store(&ws, SigAction::default());
        }
    }
    // SAFETY: our reference.
    unsafe { task::put_process(p) };
    pid
}

/// Attaches the calling host thread to thread-less process `pid`; stores
/// the new `current` in `*out`. Returns 0 or -errno.
///
/// # Safety
/// `out` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jk_task_enter(pid: Pid, out: *mut *mut Thread) -> i32 {
    match task::task_enter(pid) {
        Ok(t) => {
            // SAFETY: per the contract.
            unsafe { out.write(t) };
            0
        }
        Err(e) => -e,
    }
}

/// Detaches and releases a thread from `jk_task_enter`/`clone_thread`.
///
/// # Safety
/// `t` is live, owned by the caller, not inside a syscall, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jk_task_leave(t: *mut Thread) {
    // SAFETY: per the contract.
    unsafe { task::task_leave(t) }
}

/// Number of pids in use.
#[unsafe(no_mangle)]
pub extern "C" fn jk_nr_processes() -> i32 {
    let _g = TASKLIST.read();
    // SAFETY: read lock held.
    unsafe { task::pid_table() }.nr as i32
}

/// `PF_*` flags of process `pid`, or -ESRCH.
#[unsafe(no_mangle)]
pub extern "C" fn jk_process_flags(pid: Pid) -> i32 {
    let _g = TASKLIST.read();
    // SAFETY: read lock held.
    let p = unsafe { task::pid_table() }.lookup(pid);
    if p.is_null() {
        -ESRCH
    } else {
        // SAFETY: live under the lock.
        unsafe { (*p).flags.load(Ordering::Acquire) as i32 }
    }
}

/// Layout probe: writes up to `n` words describing key `#[repr(C)]` kernel
/// objects (sizes and field offsets, as the compiled kernel sees them) and
/// returns how many it wrote. The same function run from the IR must give
/// the same words. Word meanings are listed in [`LAYOUT_PROBE_NAMES`].
///
/// # Safety
/// `out` is valid for `n` writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jk_layout_probe(out: *mut u64, n: usize) -> usize {
    let words: [u64; LAYOUT_PROBE_WORDS] = [
        0x4a49_5454_5921,
        1,
        size_of::<Process>() as u64,
        offset_of!(Process, pid) as u64,
        offset_of!(Process, gft) as u64,
        offset_of!(Process, uid) as u64,
        offset_of!(Process, euid) as u64,
        offset_of!(Process, suid) as u64,
        offset_of!(Process, files) as u64,
        offset_of!(Process, sighand) as u64,
        offset_of!(Process, nr_threads) as u64,
        size_of::<Thread>() as u64,
        offset_of!(Thread, process) as u64,
        offset_of!(Thread, blocked) as u64,
        size_of::<File>() as u64,
        offset_of!(File, f_op) as u64,
        offset_of!(File, f_flags) as u64,
        offset_of!(File, f_pos) as u64,
        offset_of!(File, f_count) as u64,
        offset_of!(File, private_data) as u64,
        size_of::<FilesStruct>() as u64,
        offset_of!(FilesStruct, users) as u64,
        offset_of!(FilesStruct, fdt) as u64,
        size_of::<Fdtable>() as u64,
        size_of::<FileOps>() as u64,
        size_of::<SyscallTable>() as u64,
        offset_of!(SyscallTable, write) as u64,
        size_of::<Pipe>() as u64,
        size_of::<Inode>() as u64,
        size_of::<SigAction>() as u64,
        size_of::<Stat>() as u64,
        offset_of!(Process, deps) as u64,
    ];
    let k = n.min(words.len());
    for (i, w) in words.iter().take(k).enumerate() {
        // SAFETY: i < n per the contract.
        unsafe { out.add(i).write(*w) };
    }
    k
}

/// Names of the layout-probe words, in order.
pub const LAYOUT_PROBE_NAMES: [&str; LAYOUT_PROBE_WORDS] = [
    "magic",
    "version",
    "sizeof Process",
    "Process.pid",
    "Process.gft",
    "Process.uid",
    "Process.euid",
    "Process.suid",
    "Process.files",
    "Process.sighand",
    "Process.nr_threads",
    "sizeof Thread",
    "Thread.process",
    "Thread.blocked",
    "sizeof File",
    "File.f_op",
    "File.f_flags",
    "File.f_pos",
    "File.f_count",
    "File.private_data",
    "sizeof FilesStruct",
    "FilesStruct.users",
    "FilesStruct.fdt",
    "sizeof Fdtable",
    "sizeof FileOps",
    "sizeof SyscallTable",
    "SyscallTable.write",
    "sizeof Pipe",
    "sizeof Inode",
    "sizeof SigAction",
    "sizeof Stat",
    "Process.deps",
];

fn fail(code: i32, msg: &str) -> i32 {
    crate::hal::console("jitty-kernel: invariant violated: ");
    crate::hal::console(msg);
    crate::hal::console("\n");
    -code
}

/// Checks the kernel's structural invariants; 0 if all hold, else a
/// negative code (and a console message):
///
/// 1. every pid-table slot holds a process with that pid; the count matches;
/// 2. every live process's parent is in the table and lists it as a child,
///    and every listed child points back to its parent;
/// 3. `nr_threads` equals the thread list's length and the descriptor
///    table's `users`;
/// 4. descriptor tables: a slot is non-null iff its open bit is set; no
///    close-on-exec bit without an open bit; `next_fd` ≤ the first free slot;
/// 5. every open file's `f_count` ≥ the number of table slots holding it;
/// 6. pipes: `0 ≤ head - tail ≤ PIPE_SIZE`, and the reader/writer counts are
///    at least the number of distinct read/write ends found in tables;
/// 7. no blocked mask contains SIGKILL or SIGSTOP.
#[unsafe(no_mangle)]
pub extern "C" fn jk_check_invariants() -> i32 {
    let _g = TASKLIST.write();
    // SAFETY: write lock held for the whole check.
    let table = unsafe { task::pid_table() };
    let mut procs: Vec<*mut Process> = Vec::new();
    table.for_each(|p| procs.push(p));
    if procs.len() != table.nr as usize {
        return fail(1, "pid table count");
    }
    for pid in 1..PID_MAX {
        let p = table.lookup(pid);
        // SAFETY: published processes are live under the lock.
        if !p.is_null() && unsafe { (*p).pid.get() } != pid {
            return fail(1, "pid slot");
        }
    }
    for &p in procs.iter() {
        // SAFETY: live under the lock.
        let pr = unsafe { &*p };
        let parent = pr.parent.load(core::sync::atomic::Ordering::Acquire);
        if !parent.is_null() {
            if !procs.contains(&parent) {
                return fail(2, "parent not in table");
            }
            // SAFETY: write lock held.
            if !unsafe { (*parent).children() }.contains(&p) {
                return fail(2, "child missing from parent's list");
            }
        }
        // SAFETY: write lock held.
        for &c in unsafe { pr.children() }.iter() {
            // SAFETY: listed children are live.
            if unsafe { (*c).parent.load(core::sync::atomic::Ordering::Acquire) } != p {
                return fail(2, "child's parent link");
            }
        }
        {
            let _s = pr.sighand().siglock.lock();
            // SAFETY: siglock held.
            let ths = unsafe { pr.threads() };
            if ths.len() as u32 != pr.nr_threads.get() {
                return fail(3, "nr_threads");
            }
            for &t in ths.iter() {
                // SAFETY: attached threads are live.
                if unsafe { (*t).blocked.load(Ordering::Relaxed) } & UNBLOCKABLE != 0 {
                    return fail(7, "SIGKILL/SIGSTOP blocked");
                }
            }
            if pr.idle_blocked.load(Ordering::Relaxed) & UNBLOCKABLE != 0 {
                return fail(7, "SIGKILL/SIGSTOP blocked (idle)");
            }
        }
        let files = pr.files();
        let _fl = files.lock.lock();
        if files.users.get() != pr.nr_threads.get() {
            return fail(3, "files.users");
        }
        if pr.flags.load(Ordering::Acquire) & PF_ZOMBIE != 0 {
            continue;
        }
        // SAFETY: files lock held.
        let t = unsafe { files.fdt() };
        let mut file_refs: Vec<(*mut File, usize)> = Vec::new();
        let mut first_free = t.max_fds;
        for fd in 0..t.max_fds {
            let f = t.get(fd);
            if f.is_null() == t.is_open(fd) {
                return fail(4, "fd slot vs open bit");
            }
            if f.is_null() {
                if t.is_cloexec(fd) {
                    return fail(4, "cloexec bit on closed fd");
                }
                first_free = first_free.min(fd);
                continue;
            }
            match file_refs.iter_mut().find(|(g, _)| *g == f) {
                Some((_, n)) => *n += 1,
                None => file_refs.push((f, 1)),
            }
        }
        if t.next_fd > first_free {
            return fail(4, "next_fd hint past a free slot");
        }
        // Reference counts are checked against this table only, under its
        // lock: the table's own references are stable, others only add.
        if let Err(e) = check_files(&file_refs) {
            return e;
        }
    }
    0
}

/// Checks invariants 5 and 6 for the files of one table (its lock held).
fn check_files(file_refs: &[(*mut File, usize)]) -> Result<(), i32> {
    let mut pipes: Vec<(*const Pipe, u32, u32)> = Vec::new();
    for &(f, n) in file_refs.iter() {
        // SAFETY: files in a locked table are live (the table holds a reference).
        let fr = unsafe { &*f };
        if fr.f_count.load(Ordering::Acquire) < n {
            return Err(fail(5, "f_count below table references"));
        }
        if pipe::is_pipe(fr) {
            let (head, tail, readers, writers) = pipe::ring_state(fr);
            if head.wrapping_sub(tail) as usize > PIPE_SIZE {
                return Err(fail(6, "pipe fill level"));
            }
            let key = fr.private_data.get() as *const Pipe;
            let (r, w) = ((fr.f_mode.get() & FMODE_READ != 0) as u32, (fr.f_mode.get() & FMODE_WRITE != 0) as u32);
            let idx = match pipes.iter().position(|(k, _, _)| *k == key) {
                Some(i) => {
                    pipes[i].1 += r;
                    pipes[i].2 += w;
                    i
                }
                None => {
                    pipes.push((key, r, w));
                    pipes.len() - 1
                }
            };
            if pipes[idx].1 > readers || pipes[idx].2 > writers {
                return Err(fail(6, "pipe reader/writer counts"));
            }
        }
    }
    Ok(())
}
