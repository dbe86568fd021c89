//! The runner: executes a checked [`Script`] on the booted kernel, one
//! statement at a time, and prints one line per statement.
//!
//! * The runner's own thread enters a hidden root process (the *admin*):
//!   it makes the run's private directory (every script process starts
//!   there), spawns the script's processes (its children, so it learns how
//!   they end), and kills and reaps whatever is left at the end.
//! * Every script thread is an actor: a host thread attached to its kernel
//!   process ([`crate::actor`]). A call runs on the actor's thread; a
//!   background call (`&`) is started there and collected by `wait`.
//! * After every statement the runner *settles*: it waits until each actor
//!   with a background call has either finished or is asleep in the kernel
//!   and stays asleep (two looks at its Linux scheduler state and context
//!   switch counts, `/proc/self/task/TID/status`, agree). Only then does the
//!   next statement run, so which call a wake-up reaches, and when a handler
//!   runs, depend only on the script.
//! * Output names processes, descriptors and inodes by script names or by
//!   order of first appearance, never by pid or address, so two runs of a
//!   script in one kernel print the same bytes.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use jitty_os::abi::*;
use jitty_os::rpc::Served;
use jitty_os::syscall as sys;
use jitty_os::vmalloc::{Block, BlockError, Method, Region};
use jitty_os::{Errno, Kernel, Task};

use crate::actor::{self, Cmd, Exec, Init, Out, Reply, ThreadInfo};
use crate::names;
use crate::script::{Call, Fcntl, Fd, RegionOp, Script, Stmt};
use crate::{RunError, SpecMode};

/// How a run is configured.
#[derive(Debug, Clone)]
pub struct Options {
    /// The specialization mode (see [`crate::set_spec_hook`]).
    pub mode: SpecMode,
    /// Print the digest's text as well as its hash.
    pub verbose: bool,
    /// How long a call, a `wait` or a settle may take before the run fails.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { mode: SpecMode::Off, verbose: false, timeout: Duration::from_secs(10) }
    }
}

const PF_EXITING: u32 = 1;
const PF_STOPPED: u32 = 2;
const PF_ZOMBIE: u32 = 4;

struct Actor {
    proc_: String,
    tx: Sender<Cmd>,
    rx: Receiver<Reply>,
    tid: i32,
    started: Arc<AtomicBool>,
    /// The background call in flight: its line and text.
    inflight: Option<(usize, Call)>,
    /// Its reply, once it came.
    ready: Option<Reply>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Proc {
    name: String,
    pid: Pid,
    fds: HashMap<String, i32>,
    /// Threads (actor names) in creation order, ended ones removed.
    threads: Vec<String>,
    dead: bool,
    /// Spawned by the admin (which reaps it and reports its status).
    admin_child: bool,
    reaped: bool,
}

struct RegionState {
    region: Region,
    single: bool,
}

struct BlockState {
    region: String,
    block: Option<Block>,
    pattern: u8,
}

struct Runner<'o> {
    out: &'o mut dyn Write,
    opts: Options,
    kernel: Kernel,
    procs: Vec<Proc>,
    actors: HashMap<String, Actor>,
    regions: HashMap<String, RegionState>,
    blocks: HashMap<String, BlockState>,
    inodes: HashMap<(u64, u64), usize>,
    rundir: String,
}

static RUNS: AtomicU64 = AtomicU64::new(0);

fn host(line: usize, what: impl Into<String>) -> RunError {
    RunError::Host { line, what: what.into() }
}

/// Runs `script` and prints its output to `out`.
pub fn run(script: &Script, opts: &Options, out: &mut dyn Write) -> Result<(), RunError> {
    let kernel = jitty_os::boot().map_err(|e| RunError::Boot(e.to_string()))?;
    crate::apply_mode(opts.mode)?;
    let admin_pid = kernel.spawn_process(0, 0).map_err(|e| host(0, format!("cannot spawn the admin process: {e}")))?;
    let admin = Task::enter(admin_pid).map_err(|e| host(0, format!("cannot enter the admin process: {e}")))?;
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let rundir = format!("/tmp/replay.{}.{n}", std::process::id());
    let mut r = Runner {
        out,
        opts: opts.clone(),
        kernel,
        procs: Vec::new(),
        actors: HashMap::new(),
        regions: HashMap::new(),
        blocks: HashMap::new(),
        inodes: HashMap::new(),
        rundir: rundir.clone(),
    };
    let setup = sys::mkdir(&rundir, 0o777)
        .and_then(|_| sys::chmod(&rundir, 0o777))
        .and_then(|_| sys::chdir(&rundir))
        .map_err(|e| host(0, format!("cannot make the run directory {rundir}: {e}")));
    let res = setup.and_then(|_| r.body(script));
    let clean = r.cleanup();
    let _ = sys::exit(0);
    drop(admin);
    res.and(clean)
}

impl Runner<'_> {
    fn body(&mut self, script: &Script) -> Result<(), RunError> {
        for l in &script.lines {
            let text = self.stmt(l.no, &l.stmt)?;
            self.settle(l.no)?;
            let notes = self.deaths(l.no)?;
            writeln!(self.out, "{}: {}{}", l.no, text, notes)?;
        }
        self.digest(script.lines.last().map_or(0, |l| l.no))
    }

    fn proc_idx(&self, name: &str) -> usize {
        self.procs.iter().position(|p| p.name == name).expect("checked by the parser")
    }

    fn proc_of_actor(&self, actor: &str) -> usize {
        self.proc_idx(&self.actors[actor].proc_)
    }

    fn name_of_pid(&self, pid: Pid) -> String {
        self.procs.iter().rev().find(|p| p.pid == pid).map_or_else(|| "?".to_string(), |p| p.name.clone())
    }

    fn start_actor(&mut self, line: usize, name: &str, proc_: &str, init: Init) -> Result<(), RunError> {
        let (rtx, rrx) = mpsc::channel();
        let (ctx, crx) = mpsc::channel();
        let (otx, orx) = mpsc::channel();
        let started = Arc::new(AtomicBool::new(false));
        let st = started.clone();
        let th = std::thread::Builder::new()
            .name(format!("replay-{name}"))
            .spawn(move || actor::main(init, rtx, crx, otx, st))
            .map_err(|e| host(line, format!("cannot start a thread for {name}: {e}")))?;
        let tid = match rrx.recv_timeout(self.opts.timeout) {
            Ok(Ok(tid)) => tid,
            Ok(Err(e)) => return Err(host(line, format!("{name} could not join its process: {}", names::errno(e)))),
            Err(_) => return Err(host(line, format!("{name} did not start"))),
        };
        self.actors.insert(
            name.to_string(),
            Actor {
                proc_: proc_.to_string(),
                tx: ctx,
                rx: orx,
                tid,
                started,
                inflight: None,
                ready: None,
                thread: Some(th),
            },
        );
        let pi = self.proc_idx(proc_);
        self.procs[pi].threads.push(name.to_string());
        Ok(())
    }

    fn new_proc(&mut self, name: &str, pid: Pid, admin_child: bool, fds: HashMap<String, i32>) {
        self.procs.push(Proc {
            name: name.to_string(),
            pid,
            fds,
            threads: Vec::new(),
            dead: false,
            admin_child,
            reaped: false,
        });
        crate::announce_process(self.opts.mode, pid);
    }

    /// Registers the process or thread a `fork`/`thread` call of a dead
    /// process (or a failed one) did not make: calls of its actor print
    /// `dead`, kills and waits of it `no such process`.
    fn ghost(&mut self, actor: &str, call: &Call) {
        let (name, proc_) = match call {
            Call::Fork(c) => {
                self.procs.push(Proc {
                    name: c.clone(),
                    pid: 0,
                    fds: HashMap::new(),
                    threads: vec![c.clone()],
                    dead: true,
                    admin_child: false,
                    reaped: true,
                });
                (c.clone(), c.clone())
            }
            Call::Thread(t) => (t.clone(), self.actors[actor].proc_.clone()),
            _ => return,
        };
        let (tx, _) = mpsc::channel();
        let (_, rx) = mpsc::channel();
        self.actors.insert(
            name,
            Actor {
                proc_,
                tx,
                rx,
                tid: 0,
                started: Arc::new(AtomicBool::new(false)),
                inflight: None,
                ready: None,
                thread: None,
            },
        );
    }

    fn fd(&self, actor: &str, fd: &Fd) -> i32 {
        match fd {
            Fd::Num(n) => *n,
            Fd::Name(n) => self.procs[self.proc_of_actor(actor)].fds.get(n).copied().unwrap_or(-1),
        }
    }

    fn bind(&mut self, actor: &str, name: &str, fd: i32) {
        let pi = self.proc_of_actor(actor);
        self.procs[pi].fds.insert(name.to_string(), fd);
    }

    fn call_actor(&mut self, line: usize, actor: &str, e: Exec) -> Result<Reply, RunError> {
        let a = &self.actors[actor];
        a.tx.send(Cmd::Exec(e)).map_err(|_| host(line, format!("{actor}'s thread is gone")))?;
        match a.rx.recv_timeout(self.opts.timeout) {
            Ok(r) => Ok(r),
            Err(RecvTimeoutError::Timeout) => Err(RunError::Timeout {
                line,
                what: format!(
                    "{actor} did not return within {:?} (a call that may block needs `&`)",
                    self.opts.timeout
                ),
            }),
            Err(RecvTimeoutError::Disconnected) => Err(host(line, format!("{actor}'s thread is gone"))),
        }
    }

    fn stmt(&mut self, line: usize, stmt: &Stmt) -> Result<String, RunError> {
        let text = stmt.to_string();
        match stmt {
            Stmt::Spawn { name, uid, gid, reuse } => {
                let (pid, note) = match reuse {
                    None => (self.admin_spawn(line)?, String::new()),
                    Some(old) => self.spawn_reusing(line, old)?,
                };
                self.new_proc(name, pid, true, HashMap::new());
                self.start_actor(line, name, name, Init::Enter(pid, Some((*uid, *gid))))?;
                Ok(format!("{text} = ok{note}"))
            }
            Stmt::Wait { actor } => {
                let a = self.actors.get_mut(actor).expect("checked");
                let (_, call) = a.inflight.take().expect("checked");
                let reply = match a.ready.take() {
                    Some(r) => Some(r),
                    None if a.thread.is_none() => None,
                    None => match a.rx.recv_timeout(self.opts.timeout) {
                        Ok(r) => Some(r),
                        Err(_) => {
                            return Err(RunError::Timeout {
                                line,
                                what: format!("the background call of {actor} ({call}) did not return"),
                            });
                        }
                    },
                };
                let res = match reply {
                    Some(r) => self.format(line, actor, &call, r)?,
                    None => "dead".to_string(),
                };
                if self.procs[self.proc_of_actor(actor)].dead {
                    self.leave(line, actor)?;
                }
                Ok(format!("{text} ({call}) = {res}"))
            }
            Stmt::End { actor } => {
                if self.actors[actor].thread.is_none() {
                    return Ok(format!("{text} = dead"));
                }
                self.leave(line, actor)?;
                let pi = self.proc_of_actor(actor);
                self.procs[pi].threads.retain(|t| t != actor);
                self.actors.remove(actor);
                Ok(format!("{text} = ok"))
            }
            Stmt::Call { actor, call, background } => {
                let pi = self.proc_of_actor(actor);
                if self.procs[pi].dead || self.actors[actor].thread.is_none() {
                    if *background {
                        self.actors.get_mut(actor).expect("checked").inflight = Some((line, call.clone()));
                    }
                    self.ghost(actor, call);
                    return Ok(format!("{text} = dead"));
                }
                match call {
                    Call::Kill(t, _) | Call::Wait4(Some(t), _) if self.procs[self.proc_idx(t)].pid <= 0 => {
                        return Ok(format!("{text} = no such process"));
                    }
                    _ => {}
                }
                if let Call::Region(..) | Call::Malloc(..) | Call::Free(..) = call {
                    return Ok(format!("{text} = {}", self.vmalloc(line, call)?));
                }
                let e = self.resolve(actor, call);
                if *background {
                    let a = self.actors.get_mut(actor).expect("checked");
                    a.tx.send(Cmd::Exec(e)).map_err(|_| host(line, format!("{actor}'s thread is gone")))?;
                    a.inflight = Some((line, call.clone()));
                    return Ok(format!("{text} = started"));
                }
                let reply = self.call_actor(line, actor, e)?;
                let res = self.format(line, actor, call, reply)?;
                Ok(format!("{text} = {res}"))
            }
        }
    }

    fn admin_spawn(&self, line: usize) -> Result<Pid, RunError> {
        sys::spawn().map(|p| p as Pid).map_err(|e| host(line, format!("the admin cannot spawn: {e}")))
    }

    /// Spawns a process under the pid `old` had: spawns (and at once kills
    /// and reaps) thread-less processes until the kernel's cyclic pid
    /// allocator hands out that pid, at most one full cycle.
    fn spawn_reusing(&mut self, line: usize, old: &str) -> Result<(Pid, String), RunError> {
        let p = &self.procs[self.proc_idx(old)];
        let want = p.pid;
        let free = want > 0 && self.kernel.process_flags(want).is_err();
        if !free {
            let pid = self.admin_spawn(line)?;
            return Ok((pid, format!(" ({old}'s pid is not free)")));
        }
        for _ in 0..PID_MAX {
            let pid = self.admin_spawn(line)?;
            if pid == want {
                return Ok((pid, format!(" (the pid {old} had)")));
            }
            // The child ends itself (the admin's thread enters it for one
            // `exit`): no kill, whose spec point would be specialized for
            // every pid of the cycle under `--spec force`.
            let child = Task::enter(pid).map_err(|e| host(line, format!("cannot enter a pid-cycling child: {e}")))?;
            let _ = sys::exit(0);
            drop(child);
            sys::wait4(pid, 0).map_err(|e| host(line, format!("the admin cannot reap a pid-cycling child: {e}")))?;
        }
        let pid = self.admin_spawn(line)?;
        Ok((pid, format!(" ({old}'s pid was taken meanwhile)")))
    }

    fn resolve(&self, actor: &str, call: &Call) -> Exec {
        let fd = |d: &Fd| self.fd(actor, d);
        match call {
            Call::Fork(_) => Exec::Spawn,
            Call::Thread(_) => Exec::Clone,
            Call::Pipe(fl, ..) => Exec::Pipe(*fl),
            Call::Open(p, fl, m, _) => Exec::Open(in_rundir(p), *fl, *m),
            Call::Close(d) => Exec::Close(fd(d)),
            Call::Dup(d, _) => Exec::Dup(fd(d)),
            Call::Dup2(a, b, _) => Exec::Dup2(fd(a), fd(b)),
            Call::Fcntl(d, c) => match c {
                Fcntl::GetFl => Exec::Fcntl(fd(d), F_GETFL, 0),
                Fcntl::SetFl(f) => Exec::Fcntl(fd(d), F_SETFL, u64::from(*f)),
                Fcntl::GetFd => Exec::Fcntl(fd(d), F_GETFD, 0),
                Fcntl::SetFd(on) => Exec::Fcntl(fd(d), F_SETFD, if *on { FD_CLOEXEC } else { 0 }),
            },
            Call::Write(d, data) => Exec::Write(fd(d), data.expand()),
            Call::Read(d, n) => Exec::Read(fd(d), *n),
            Call::Lseek(d, off, wh) => Exec::Lseek(fd(d), *off, *wh),
            Call::Fstat(d) => Exec::Fstat(fd(d)),
            Call::Unlink(p) => Exec::Unlink(in_rundir(p)),
            Call::Mkdir(p, m) => Exec::Mkdir(in_rundir(p), *m),
            Call::Rmdir(p) => Exec::Rmdir(in_rundir(p)),
            Call::Kill(t, sig) => Exec::Kill(self.procs[self.proc_idx(t)].pid, *sig),
            Call::Sigaction(sig, d, fl, mask) => Exec::Sigaction(
                *sig,
                SigAction { handler: d.raw().unwrap_or_else(actor::handler_addr), flags: *fl, mask: *mask },
            ),
            Call::Sigprocmask(how, set) => Exec::Sigprocmask(*how, *set),
            Call::Sigpending => Exec::Sigpending,
            Call::Sigsuspend(set) => Exec::Sigsuspend(*set),
            Call::Setuid(u) => Exec::Setuid(*u),
            Call::Setgid(g) => Exec::Setgid(*g),
            Call::Setresuid(r, e, s) => Exec::Setresuid(*r, *e, *s),
            Call::Getresuid => Exec::Getresuid,
            Call::Exit(c) => Exec::Exit(*c),
            Call::Wait4(t, nohang) => {
                let pid = t.as_ref().map_or(-1, |t| self.procs[self.proc_idx(t)].pid);
                Exec::Wait4(pid, if *nohang { WNOHANG } else { 0 })
            }
            Call::RpcClient(n, r, w) => Exec::RpcClient(n.clone(), fd(r), fd(w)),
            Call::RpcServer(n) => Exec::RpcServer(n.clone()),
            Call::Rpc { client, a, b, s, arr, proc_ } => Exec::Rpc {
                client: client.clone(),
                a: *a,
                b: *b,
                s: String::from_utf8_lossy(s).into_owned(),
                arr: arr.clone(),
                proc_: *proc_,
            },
            Call::RpcClose(n) => Exec::RpcClose(n.clone()),
            Call::Serve(n, r, w) => Exec::Serve(n.clone(), fd(r), fd(w)),
            Call::Region(..) | Call::Malloc(..) | Call::Free(..) => unreachable!("run on the runner's thread"),
        }
    }

    fn inode(&mut self, st: &Stat) -> usize {
        let n = self.inodes.len() + 1;
        *self.inodes.entry((st.st_dev, st.st_ino)).or_insert(n)
    }

    fn stat_text(&mut self, st: &Stat) -> String {
        let ino = self.inode(st);
        let kind = match st.st_mode & S_IFMT {
            S_IFIFO => "fifo",
            S_IFREG => "reg",
            S_IFDIR => "dir",
            _ => "other",
        };
        format!(
            "{kind} ino#{ino} mode={:04o} size={} nlink={} uid={} gid={}",
            st.st_mode & 0o7777,
            st.st_size,
            st.st_nlink,
            st.st_uid,
            st.st_gid
        )
    }

    fn status_text(st: i32) -> String {
        if st & 0x7f == 0 {
            format!("exit({})", (st >> 8) & 0xff)
        } else if st & 0xff == 0x7f {
            format!("stopped({})", names::signal((st >> 8) & 0xff))
        } else {
            format!("signal({})", names::signal(st & 0x7f))
        }
    }

    fn format(&mut self, line: usize, actor: &str, call: &Call, reply: Reply) -> Result<String, RunError> {
        if let Out::Err(_) = reply.out {
            self.ghost(actor, call);
            // A failed call binds its names to -1 (later uses get EBADF).
            match call {
                Call::Open(.., b) | Call::Dup(_, b) | Call::Dup2(_, _, Some(b)) => self.bind(actor, b, -1),
                Call::Pipe(_, r, w) => {
                    self.bind(actor, r, -1);
                    self.bind(actor, w, -1);
                }
                _ => {}
            }
        }
        let mut s = match reply.out {
            Out::Err(e) => names::errno(e),
            Out::Val(v) => match call {
                Call::Open(.., b) | Call::Dup(_, b) | Call::Dup2(_, _, Some(b)) => {
                    self.bind(actor, b, v as i32);
                    format!("{v} ({b})")
                }
                Call::Fork(child) => {
                    let pi = self.proc_of_actor(actor);
                    let fds = self.procs[pi].fds.clone();
                    self.new_proc(child, v as Pid, false, fds);
                    self.start_actor(line, child, child, Init::Enter(v as Pid, None))?;
                    format!("ok ({child})")
                }
                Call::Fcntl(_, Fcntl::GetFl) => names::open_flags(v as u32),
                Call::Fcntl(_, Fcntl::GetFd) => {
                    if v as u64 & FD_CLOEXEC != 0 {
                        "cloexec".into()
                    } else {
                        "0".into()
                    }
                }
                _ => v.to_string(),
            },
            Out::Fds([r, w]) => {
                if let Call::Pipe(_, rn, wn) = call {
                    self.bind(actor, rn, r);
                    self.bind(actor, wn, w);
                    format!("{rn}={r} {wn}={w}")
                } else {
                    format!("{r} {w}")
                }
            }
            Out::Data(d) => names::quote(&d),
            Out::Stat(st) => self.stat_text(&st),
            Out::Thread(h) => {
                let Call::Thread(name) = call else { return Err(host(line, "unexpected thread")) };
                let p = self.actors[actor].proc_.clone();
                self.start_actor(line, name, &p, Init::Adopt(h))?;
                format!("ok ({name})")
            }
            Out::Ids(a, b, c) => format!("{a} {b} {c}"),
            Out::Waited(0, _) => "none".to_string(),
            Out::Waited(pid, st) => {
                let name = self.name_of_pid(pid);
                if let Some(p) = self.procs.iter_mut().rev().find(|p| p.pid == pid) {
                    p.reaped = true;
                }
                format!("{name} {}", Self::status_text(st))
            }
            Out::Set(set) => names::sigset(set),
            Out::Rpc(Ok(v)) => v.to_string(),
            Out::Rpc(Err(st)) => names::rpc_stat(st),
            Out::Served(Ok(s)) => match s {
                Served::Eof => "EOF".into(),
                Served::Replied => "REPLIED".into(),
                Served::Dropped => "DROPPED".into(),
            },
            Out::Served(Err(e)) => names::errno(e),
            Out::Digest(_) => return Err(host(line, "unexpected digest")),
        };
        if !reply.caught.is_empty() {
            let v: Vec<String> = reply.caught.iter().map(|&s| names::signal(s)).collect();
            s.push_str(&format!(" [caught {}]", v.join(" ")));
        }
        Ok(s)
    }

    fn vmalloc(&mut self, line: usize, call: &Call) -> Result<String, RunError> {
        Ok(match call {
            Call::Region(r, op) => match op {
                RegionOp::Open(m, single) => self.open_region(line, r, *m, *single)?,
                RegionOp::Method(m) => {
                    let single = self.regions.get(r).is_some_and(|s| s.single);
                    self.blocks.retain(|_, b| b.region != *r);
                    self.regions.remove(r);
                    self.open_region(line, r, *m, single)?
                }
                RegionOp::Single(on) => match self.regions.get_mut(r) {
                    Some(st) => {
                        let old = st.region.set_flags(VM_SINGLE, *on);
                        st.single = *on;
                        format!("was {}", if old & VM_SINGLE != 0 { "on" } else { "off" })
                    }
                    None => "no region".into(),
                },
                RegionOp::Check => match self.regions.get(r) {
                    Some(st) => st.region.check().to_string(),
                    None => "no region".into(),
                },
                RegionOp::Close => {
                    self.blocks.retain(|_, b| b.region != *r);
                    match self.regions.remove(r) {
                        Some(_) => "ok".into(),
                        None => "no region".into(),
                    }
                }
            },
            Call::Malloc(r, size, b) => {
                let pattern = (names::fnv1a(b.as_bytes()) as u8) | 1;
                let Some(st) = self.regions.get(r) else { return Ok("no region".into()) };
                let block = st.region.alloc(*size);
                let res = match &block {
                    Some(blk) => {
                        st.region.fill(blk, pattern).map_err(|e| host(line, e.to_string()))?;
                        if blk.is_aligned(16) { "ok".to_string() } else { "ok (misaligned)".to_string() }
                    }
                    None => "null".to_string(),
                };
                self.blocks.insert(b.clone(), BlockState { region: r.clone(), block, pattern });
                res
            }
            Call::Free(b) => match self.blocks.remove(b) {
                Some(BlockState { region, block: Some(blk), pattern }) => match self.regions.get(&region) {
                    Some(st) => {
                        let intact = st.region.holds(&blk, pattern).map_err(|e| host(line, e.to_string()))?;
                        let r = match st.region.free(blk) {
                            Ok(()) => "ok".to_string(),
                            Err(BlockError::Rejected) => "rejected".to_string(),
                            Err(BlockError::WrongRegion) => "wrong region".to_string(),
                        };
                        if intact { r } else { format!("{r} (contents overwritten)") }
                    }
                    None => "no region".into(),
                },
                Some(_) => "null".into(),
                None => "no block".into(),
            },
            _ => return Err(host(line, "not a vmalloc call")),
        })
    }

    fn open_region(&mut self, line: usize, r: &str, m: Method, single: bool) -> Result<String, RunError> {
        match Region::open(m, if single { VM_SINGLE } else { 0 }) {
            Some(region) => {
                self.regions.insert(r.to_string(), RegionState { region, single });
                Ok("ok".into())
            }
            None => Err(host(line, format!("the kernel could not open region {r}"))),
        }
    }

    /// Reads a thread's scheduler state and context-switch count.
    fn sched(tid: i32) -> Option<(char, u64)> {
        let s = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")).ok()?;
        let mut state = None;
        let mut switches = 0u64;
        for l in s.lines() {
            if let Some(v) = l.strip_prefix("State:") {
                state = v.trim().chars().next();
            } else if let Some(v) =
                l.strip_prefix("voluntary_ctxt_switches:").or_else(|| l.strip_prefix("nonvoluntary_ctxt_switches:"))
            {
                switches += v.trim().parse::<u64>().unwrap_or(0);
            }
        }
        Some((state?, switches))
    }

    /// Waits until every background call has finished or sleeps in the
    /// kernel and stays asleep (see the module doc).
    fn settle(&mut self, line: usize) -> Result<(), RunError> {
        let deadline = Instant::now() + self.opts.timeout;
        let mut prev: Option<Vec<(String, u64)>> = None;
        let mut spins = 0u32;
        loop {
            let mut snap = Some(Vec::new());
            let mut keys: Vec<String> = self.actors.keys().cloned().collect();
            keys.sort();
            for n in keys {
                let a = self.actors.get_mut(&n).expect("listed");
                if a.inflight.is_none() || a.ready.is_some() || a.thread.is_none() {
                    continue;
                }
                if let Ok(r) = a.rx.try_recv() {
                    a.ready = Some(r);
                    continue;
                }
                let look = if a.started.load(Ordering::SeqCst) { Self::sched(a.tid) } else { None };
                match (look, snap.as_mut()) {
                    (Some(('S', sw)), Some(v)) => v.push((n.clone(), sw)),
                    _ => snap = None,
                }
            }
            match snap {
                Some(v) if v.is_empty() => return Ok(()),
                Some(v) if prev.as_ref() == Some(&v) => return Ok(()),
                s => prev = s,
            }
            if Instant::now() > deadline {
                return Err(RunError::Timeout {
                    line,
                    what: "a background call neither finished nor went to sleep".into(),
                });
            }
            spins += 1;
            if spins < 20 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(Duration::from_micros(50));
            }
        }
    }

    /// Notes for the processes that died during the last statement.
    fn deaths(&mut self, line: usize) -> Result<String, RunError> {
        let mut notes = String::new();
        for i in 0..self.procs.len() {
            if self.procs[i].dead {
                continue;
            }
            let pid = self.procs[i].pid;
            let deadline = Instant::now() + self.opts.timeout;
            let gone = loop {
                match self.kernel.process_flags(pid) {
                    Err(_) => break true,
                    Ok(f) if f & PF_ZOMBIE != 0 => break true,
                    Ok(f) if f & PF_EXITING == 0 => break false,
                    Ok(_) if Instant::now() > deadline => {
                        return Err(RunError::Timeout {
                            line,
                            what: format!("{} never finished exiting", self.procs[i].name),
                        });
                    }
                    Ok(_) => std::thread::sleep(Duration::from_micros(50)),
                }
            } || self.procs[i].reaped;
            if !gone {
                continue;
            }
            self.procs[i].dead = true;
            let name = self.procs[i].name.clone();
            if self.procs[i].admin_child && !self.procs[i].reaped {
                let st = sys::wait4(pid, 0).map_err(|e| host(line, format!("the admin cannot reap {name}: {e}")))?;
                self.procs[i].reaped = true;
                notes.push_str(&format!("; {name} died: {}", Self::status_text(st.1)));
            } else {
                notes.push_str(&format!("; {name} died"));
            }
            for t in self.procs[i].threads.clone() {
                if self.actors.get(&t).is_some_and(|a| a.inflight.is_none()) {
                    self.leave(line, &t)?;
                }
            }
        }
        Ok(notes)
    }

    /// Ends an actor's thread (it leaves its process).
    fn leave(&mut self, line: usize, actor: &str) -> Result<(), RunError> {
        let timeout = self.opts.timeout;
        let Some(a) = self.actors.get_mut(actor) else { return Ok(()) };
        let Some(th) = a.thread.take() else { return Ok(()) };
        let _ = a.tx.send(Cmd::Leave);
        let deadline = Instant::now() + timeout;
        loop {
            match a.rx.recv_timeout(Duration::from_millis(10)) {
                Ok(r) => a.ready = Some(r),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) if Instant::now() > deadline => {
                    return Err(RunError::Timeout { line, what: format!("{actor}'s thread did not end") });
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
        th.join().map_err(|_| host(line, format!("{actor}'s thread panicked")))
    }

    fn digest(&mut self, line: usize) -> Result<(), RunError> {
        let mut text = String::new();
        for i in 0..self.procs.len() {
            if self.procs[i].dead {
                continue;
            }
            let name = self.procs[i].name.clone();
            let threads = self.procs[i].threads.clone();
            if threads.is_empty() {
                text.push_str(&format!("{name}: no threads\n"));
                continue;
            }
            if self.kernel.process_flags(self.procs[i].pid).is_ok_and(|f| f & PF_STOPPED != 0) {
                // Its threads would stop in their first call.
                text.push_str(&format!("{name}: stopped\n"));
                continue;
            }
            let mut infos: Vec<(String, ThreadInfo)> = Vec::new();
            for (k, t) in threads.iter().enumerate() {
                match self.call_actor(line, t, Exec::Digest(k == 0))?.out {
                    Out::Digest(d) => infos.push((t.clone(), *d)),
                    _ => return Err(host(line, "digest: unexpected reply")),
                }
            }
            if let Some(p) = infos[0].1.proc_.clone() {
                let ids = |r: Result<(u32, u32, u32), i32>| match r {
                    Ok((a, b, c)) => format!("{a}/{b}/{c}"),
                    Err(e) => names::errno(e),
                };
                text.push_str(&format!("{name}: uid={} gid={}\n", ids(p.uids), ids(p.gids)));
                for f in &p.fds {
                    let st = match &f.stat {
                        Ok(s) => self.stat_text(s),
                        Err(e) => names::errno(*e),
                    };
                    let fl = match f.flags {
                        Ok(v) => names::open_flags(v),
                        Err(e) => names::errno(e),
                    };
                    let off = match f.offset {
                        Ok(v) => v.to_string(),
                        Err(e) => names::errno(e),
                    };
                    text.push_str(&format!(
                        "  fd {}: {st} flags={fl}{} offset={off}\n",
                        f.fd,
                        if f.cloexec { " cloexec" } else { "" }
                    ));
                }
                for (sig, a) in &p.actions {
                    let h = match a.handler {
                        SIG_DFL => "default".to_string(),
                        SIG_IGN => "ignore".to_string(),
                        h if h == actor::handler_addr() => "handler".to_string(),
                        _ => "unknown".to_string(),
                    };
                    text.push_str(&format!(
                        "  {}: {h} flags={} mask={}\n",
                        names::signal(*sig),
                        names::sa_flags(a.flags),
                        names::sigset(a.mask)
                    ));
                }
            }
            for (t, d) in &infos {
                let set = |r: Result<SigSet, i32>| r.map_or_else(names::errno, names::sigset);
                text.push_str(&format!("  thread {t}: blocked={} pending={}\n", set(d.blocked), set(d.pending)));
            }
        }
        let mut rs: Vec<&String> = self.regions.keys().collect();
        rs.sort();
        for r in rs {
            let st = &self.regions[r];
            let mut blocks: Vec<(&String, &BlockState)> = self.blocks.iter().filter(|(_, b)| b.region == *r).collect();
            blocks.sort_by_key(|(n, _)| *n);
            let live = blocks.iter().filter(|(_, b)| b.block.is_some()).count();
            let intact = blocks.iter().all(|(_, b)| match &b.block {
                Some(blk) => st.region.holds(blk, b.pattern).unwrap_or(false),
                None => true,
            });
            text.push_str(&format!(
                "region {r}: method={} single={} check={} blocks={live} intact={}\n",
                match st.region.method() {
                    Method::Best => "best",
                    Method::Pool => "pool",
                    Method::Last => "last",
                },
                if st.single { "on" } else { "off" },
                st.region.check(),
                intact
            ));
        }
        if text.is_empty() {
            text.push_str("no live processes, no regions\n");
        }
        if self.opts.verbose {
            for l in text.lines() {
                writeln!(self.out, "| {l}")?;
            }
        }
        writeln!(self.out, "digest {:016x}", names::fnv1a(text.as_bytes()))?;
        Ok(())
    }

    /// Kills what the script left alive, ends every actor, reaps the
    /// admin's children and removes the run directory. Runs after errors too.
    fn cleanup(&mut self) -> Result<(), RunError> {
        let mut first_err = None;
        for p in self.procs.iter().rev() {
            if !p.reaped {
                let _ = sys::kill(p.pid, SIGKILL);
            }
        }
        let mut names: Vec<String> = self.actors.keys().cloned().collect();
        names.sort();
        for n in names {
            if let Err(e) = self.leave(0, &n) {
                first_err.get_or_insert(e);
            }
        }
        for i in 0..self.procs.len() {
            let p = &self.procs[i];
            if p.admin_child && !p.reaped {
                let deadline = Instant::now() + self.opts.timeout;
                loop {
                    match sys::wait4(p.pid, WNOHANG) {
                        Ok((0, _)) if Instant::now() < deadline => std::thread::sleep(Duration::from_micros(100)),
                        _ => break,
                    }
                }
                self.procs[i].reaped = true;
            }
        }
        self.blocks.clear();
        self.regions.clear();
        let _ = sys::chdir("/");
        if let Err(e) = remove_tree(&self.rundir) {
            first_err.get_or_insert(host(0, format!("cannot remove {}: {e}", self.rundir)));
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A script path as the kernel sees it: relative to the calling process's
/// working directory, the run's directory (`/f` is `f`; the parser refuses
/// `..`).
fn in_rundir(p: &str) -> String {
    p.trim_start_matches('/').to_string()
}

/// Removes a directory tree as the calling (root) thread.
fn remove_tree(dir: &str) -> Result<(), Errno> {
    let fd = sys::open(dir, O_RDONLY | O_DIRECTORY, 0)?;
    let mut entries = Vec::new();
    loop {
        match sys::getdents(fd, 4096) {
            Ok(v) if v.is_empty() => break,
            Ok(v) => entries.extend(v),
            Err(e) => {
                let _ = sys::close(fd);
                return Err(e);
            }
        }
    }
    let _ = sys::close(fd);
    for (_, ty, name) in entries {
        if name == "." || name == ".." {
            continue;
        }
        let p = format!("{dir}/{name}");
        if ty == DT_DIR { remove_tree(&p)? } else { sys::unlink(&p).map(|_| ())? }
    }
    sys::rmdir(dir).map(|_| ())
}
