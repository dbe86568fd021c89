//! An actor: one host thread attached to a kernel process (a [`Task`]),
//! executing the calls the runner sends it, one at a time, and answering
//! with the raw outcome and the signals its handler caught meanwhile.
//!
//! Signal handlers run on the receiving thread at the end of a syscall, so
//! the one handler the runner installs ([`record_signal`]) appends to a
//! thread-local list that the actor drains after each call: a delivery is
//! reported with the call during which it ran.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};

use jitty_os::abi::*;
use jitty_os::rpc::{BenchServer, PipeClient, ProcDesc, Served, bench_proc};
use jitty_os::syscall as sys;
use jitty_os::{Errno, Task, ThreadHandle};

thread_local! {
    static CAUGHT: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
}

/// The handler every `sigaction ... handler` installs: records the signal
/// for the call during which it ran.
pub extern "C" fn record_signal(sig: i32) {
    CAUGHT.with(|c| {
        if let Ok(mut v) = c.try_borrow_mut() {
            v.push(sig);
        }
    });
}

/// The address `sigaction ... handler` installs.
pub fn handler_addr() -> usize {
    record_signal as *const () as usize
}

/// How an actor's thread joins its process.
#[derive(Debug)]
pub enum Init {
    /// Enter a thread-less process; with `Some((uid, gid))`, then set all
    /// three gids and uids (the process was spawned by the root admin).
    Enter(Pid, Option<(u32, u32)>),
    /// Adopt a thread made by `clone_thread`.
    Adopt(ThreadHandle),
}

/// A call with its operands resolved to numbers.
#[derive(Debug)]
pub enum Exec {
    Spawn,
    Clone,
    Pipe(u32),
    Open(String, u32, u32),
    Close(i32),
    Dup(i32),
    Dup2(i32, i32),
    Fcntl(i32, i32, u64),
    Write(i32, Vec<u8>),
    Read(i32, usize),
    Lseek(i32, i64, i32),
    Fstat(i32),
    Unlink(String),
    Mkdir(String, u32),
    Rmdir(String),
    Kill(Pid, i32),
    Sigaction(i32, SigAction),
    Sigprocmask(i32, SigSet),
    Sigpending,
    Sigsuspend(SigSet),
    Setuid(u32),
    Setgid(u32),
    Setresuid(u32, u32, u32),
    Getresuid,
    Exit(i32),
    Wait4(Pid, i32),
    RpcClient(String, i32, i32),
    RpcServer(String),
    Rpc {
        client: String,
        a: i32,
        b: i64,
        s: String,
        arr: Vec<i32>,
        proc_: u32,
    },
    RpcClose(String),
    Serve(String, i32, i32),
    /// The digest of the thread (and with `true`, of its process). Blocks
    /// every signal first, so that taking it delivers nothing.
    Digest(bool),
}

/// One open descriptor in a digest.
#[derive(Debug, Clone)]
pub struct FdInfo {
    pub fd: i32,
    pub cloexec: bool,
    pub flags: Result<u32, i32>,
    pub stat: Result<Stat, i32>,
    pub offset: Result<i64, i32>,
}

/// The process-wide part of a digest.
#[derive(Debug, Clone)]
pub struct ProcInfo {
    pub uids: Result<(u32, u32, u32), i32>,
    pub gids: Result<(u32, u32, u32), i32>,
    pub fds: Vec<FdInfo>,
    /// Every disposition other than the default: (signal, action).
    pub actions: Vec<(i32, SigAction)>,
}

/// A thread's digest.
#[derive(Debug, Clone)]
pub struct ThreadInfo {
    pub blocked: Result<SigSet, i32>,
    pub pending: Result<SigSet, i32>,
    pub proc_: Option<ProcInfo>,
}

/// The raw outcome of a call.
#[derive(Debug)]
pub enum Out {
    Val(i64),
    Err(i32),
    Fds([i32; 2]),
    Data(Vec<u8>),
    Stat(Stat),
    Thread(ThreadHandle),
    Ids(u32, u32, u32),
    Waited(Pid, i32),
    Set(SigSet),
    Rpc(Result<i32, i32>),
    Served(Result<Served, i32>),
    Digest(Box<ThreadInfo>),
}

/// An actor's answer.
#[derive(Debug)]
pub struct Reply {
    pub out: Out,
    pub caught: Vec<i32>,
}

/// What the runner sends.
#[derive(Debug)]
pub enum Cmd {
    Exec(Exec),
    Leave,
}

fn val(r: sys::SysResult) -> Out {
    match r {
        Ok(v) => Out::Val(v as i64),
        Err(Errno(e)) => Out::Err(e),
    }
}

fn map<T>(r: Result<T, Errno>, f: impl FnOnce(T) -> Out) -> Out {
    match r {
        Ok(v) => f(v),
        Err(Errno(e)) => Out::Err(e),
    }
}

#[derive(Default)]
struct Local {
    clients: HashMap<String, PipeClient>,
    servers: HashMap<String, BenchServer>,
}

fn digest(full: bool) -> ThreadInfo {
    let blocked = sys::sigprocmask(SIG_BLOCK, Some(u64::MAX)).map_err(|e| e.0);
    let pending = sys::sigpending().map_err(|e| e.0);
    let proc_ = full.then(|| {
        let uids = sys::getresuid().map_err(|e| e.0);
        let gids = sys::getresgid().map_err(|e| e.0);
        let mut fds = Vec::new();
        for fd in 0..NR_OPEN_DEFAULT as i32 {
            let Ok(fdfl) = sys::fcntl(fd, F_GETFD, 0) else { continue };
            fds.push(FdInfo {
                fd,
                cloexec: fdfl as u64 & FD_CLOEXEC != 0,
                flags: sys::fcntl(fd, F_GETFL, 0).map(|v| v as u32).map_err(|e| e.0),
                stat: sys::fstat(fd).map_err(|e| e.0),
                offset: sys::lseek(fd, 0, SEEK_CUR).map(|v| v as i64).map_err(|e| e.0),
            });
        }
        let mut actions = Vec::new();
        for sig in 1..=SIGMAX {
            if sig == SIGKILL || sig == SIGSTOP {
                continue;
            }
            if let Ok(a) = sys::sigaction(sig, None)
                && a != SigAction::default()
            {
                actions.push((sig, a));
            }
        }
        ProcInfo { uids, gids, fds, actions }
    });
    ThreadInfo { blocked, pending, proc_ }
}

fn exec(e: Exec, local: &mut Local) -> Out {
    match e {
        Exec::Spawn => val(sys::spawn()),
        Exec::Clone => map(sys::clone_thread(), Out::Thread),
        Exec::Pipe(fl) => map(sys::pipe2(fl), Out::Fds),
        Exec::Open(p, fl, m) => map(sys::open(&p, fl, m), |v| Out::Val(v.into())),
        Exec::Close(fd) => val(sys::close(fd)),
        Exec::Dup(fd) => val(sys::dup(fd)),
        Exec::Dup2(a, b) => val(sys::dup2(a, b)),
        Exec::Fcntl(fd, cmd, arg) => val(sys::fcntl(fd, cmd, arg)),
        Exec::Write(fd, data) => map(sys::write(fd, &data), |n| Out::Val(n as i64)),
        Exec::Read(fd, n) => {
            let mut buf = vec![0u8; n];
            map(sys::read(fd, &mut buf), |k| {
                buf.truncate(k);
                Out::Data(buf)
            })
        }
        Exec::Lseek(fd, off, wh) => val(sys::lseek(fd, off, wh)),
        Exec::Fstat(fd) => map(sys::fstat(fd), Out::Stat),
        Exec::Unlink(p) => val(sys::unlink(&p)),
        Exec::Mkdir(p, m) => val(sys::mkdir(&p, m)),
        Exec::Rmdir(p) => val(sys::rmdir(&p)),
        Exec::Kill(pid, sig) => val(sys::kill(pid, sig)),
        Exec::Sigaction(sig, act) => map(sys::sigaction(sig, Some(&act)), |_| Out::Val(0)),
        Exec::Sigprocmask(how, set) => map(sys::sigprocmask(how, Some(set)), Out::Set),
        Exec::Sigpending => map(sys::sigpending(), Out::Set),
        Exec::Sigsuspend(set) => val(sys::sigsuspend(set)),
        Exec::Setuid(u) => val(sys::setuid(u)),
        Exec::Setgid(g) => val(sys::setgid(g)),
        Exec::Setresuid(r, e, s) => val(sys::setresuid(r, e, s)),
        Exec::Getresuid => map(sys::getresuid(), |(a, b, c)| Out::Ids(a, b, c)),
        Exec::Exit(code) => val(sys::exit(code)),
        Exec::Wait4(pid, opts) => map(sys::wait4(pid, opts), |(p, st)| Out::Waited(p, st)),
        Exec::RpcClient(name, r, w) => map(PipeClient::new(r, w), |c| {
            local.clients.insert(name, c);
            Out::Val(0)
        }),
        Exec::RpcServer(name) => map(BenchServer::new(), |s| {
            local.servers.insert(name, s);
            Out::Val(0)
        }),
        Exec::Rpc { client, a, b, s, arr, proc_ } => match local.clients.get_mut(&client) {
            Some(c) => {
                let pd: ProcDesc = bench_proc().renumbered(BENCH_PROG, BENCH_VERS, proc_);
                Out::Rpc(c.call_bench(&pd, a, b, &s, &arr))
            }
            None => Out::Err(EBADF),
        },
        Exec::RpcClose(name) => {
            local.clients.remove(&name);
            Out::Val(0)
        }
        Exec::Serve(name, r, w) => match local.servers.get_mut(&name) {
            Some(s) => Out::Served(s.serve_one(r, w).map_err(|e| e.0)),
            None => Out::Err(EBADF),
        },
        Exec::Digest(full) => Out::Digest(Box::new(digest(full))),
    }
}

/// The Linux thread id of the calling thread (from `/proc/thread-self`).
fn linux_tid() -> Option<i32> {
    let l = std::fs::read_link("/proc/thread-self").ok()?;
    l.file_name()?.to_str()?.parse().ok()
}

/// The body of an actor's host thread. Sends its Linux thread id (or the
/// errno that kept it from joining its process) on `ready`, then serves
/// `cmds` until `Leave` or until the runner goes away.
pub fn main(
    init: Init,
    ready: Sender<Result<i32, i32>>,
    cmds: Receiver<Cmd>,
    replies: Sender<Reply>,
    started: Arc<AtomicBool>,
) {
    let task = match init {
        Init::Enter(pid, creds) => match Task::enter(pid) {
            Ok(t) => {
                if let Some((uid, gid)) = creds {
                    let r = sys::setresgid(gid, gid, gid).and_then(|_| sys::setresuid(uid, uid, uid));
                    if let Err(Errno(e)) = r {
                        let _ = ready.send(Err(e));
                        return;
                    }
                }
                t
            }
            Err(Errno(e)) => {
                let _ = ready.send(Err(e));
                return;
            }
        },
        Init::Adopt(h) => Task::adopt(h),
    };
    let _ = ready.send(Ok(linux_tid().unwrap_or(0)));
    let mut local = Local::default();
    while let Ok(Cmd::Exec(e)) = cmds.recv() {
        CAUGHT.with(|c| c.borrow_mut().clear());
        started.store(true, Ordering::SeqCst);
        let out = exec(e, &mut local);
        let caught = CAUGHT.with(|c| std::mem::take(&mut *c.borrow_mut()));
        started.store(false, Ordering::SeqCst);
        if replies.send(Reply { out, caught }).is_err() {
            break;
        }
    }
    drop(local);
    drop(task);
}
