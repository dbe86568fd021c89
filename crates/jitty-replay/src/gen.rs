//! Random replay scripts from a seed ([`script`]).
//!
//! A generated script must parse, and it must never block the runner: a
//! call that may block runs in the background and is always woken before
//! its `wait`. The generator keeps a conservative model of what the kernel
//! will do (processes, threads and their masks, descriptor tables by
//! number, open file descriptions and their `O_NONBLOCK` flag, credentials,
//! dispositions, signals that may be pending) and of how sure it is of
//! each: a process is *alive* (certainly), *unsure* (a signal or a broken
//! pipe may have killed it) or *dead*.
//!
//! Blocking happens only in *episodes*, whose participants are certainly
//! alive and whose objects are fresh: a reader blocked on a new pipe and
//! woken by a writer (another thread or a forked child, sometimes
//! interrupted by a handler with or without `SA_RESTART`, or by end of
//! file), a writer blocked on a full pipe, `sigsuspend` woken by a handled
//! signal from a child, `wait4` woken by a child's exit, RPC calls served by
//! a forked server, and `EPIPE`. Between an episode's steps, other processes
//! make unrelated calls (never kills, exits or broken-pipe writes, which
//! could reach the participants). Outside episodes anything goes: fd reuse
//! after close, `dup2` over live descriptors, flag flips between writes,
//! `setuid` and `sigaction` changes between kills, threads coming and
//! going, regions whose method or `VM_SINGLE` flag changes between mallocs.
//!
//! The kernel allocates pids cyclically (like Linux), so a pid comes back
//! only after a full cycle: scripts kill exited processes (`ESRCH`) and
//! zombies, and now and then spawn a process with `reuse=` under a dead
//! process's pid and kill it by the dead process's name.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use jitty_os::abi::{SIGCHLD, SIGPIPE, SIGTERM, SIGUSR1, SIGUSR2};

use crate::names;

/// Appends one formatted line to the script.
macro_rules! emit {
    ($g:expr, $($arg:tt)*) => {{
        let line = format!($($arg)*);
        $g.emit(line);
    }};
}

/// SplitMix64: small, seedable, good enough for test generation.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len())]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Live {
    Alive,
    Unsure,
    Dead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum D {
    Default,
    Ignore,
    Handler { restart: bool },
    Unknown,
}

/// The signals scripts use (besides 0).
const SIGS: [i32; 5] = [SIGUSR1, SIGUSR2, SIGTERM, SIGCHLD, SIGPIPE];
/// The signals sent by kill.
const KILL_SIGS: [i32; 5] = [0, SIGUSR1, SIGUSR2, SIGTERM, SIGCHLD];

fn bit(sig: i32) -> u64 {
    1u64 << (sig - 1)
}

fn fatal_by_default(sig: i32) -> bool {
    sig != SIGCHLD && sig != 0
}

#[derive(Debug, Clone)]
struct Thread {
    name: String,
    mask: u64,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Pipe { id: usize, read: bool },
    File,
}

#[derive(Debug, Clone)]
struct Ofd {
    kind: Kind,
    /// `Some(on)` when the flag is known.
    nonblock: Option<bool>,
}

#[derive(Debug, Clone)]
struct Proc {
    name: String,
    live: Live,
    /// (real, effective, saved) uid.
    ids: (u32, u32, u32),
    threads: Vec<Thread>,
    /// The descriptor table (number → open file description); trusted only
    /// while the process is certainly alive.
    table: BTreeMap<i32, usize>,
    /// Descriptor names bound in this process → number (-1: a failed call).
    names: BTreeMap<String, i32>,
    disp: HashMap<i32, D>,
    /// Signals that may be pending.
    maybe_pending: u64,
    next_thread: usize,
    /// Spawned by the runner's admin, which reaps it as soon as it dies.
    spawned: bool,
    /// The process that took this one's pid after it died (`reuse=`).
    reused_by: Option<usize>,
}

impl Proc {
    fn disp(&self, sig: i32) -> D {
        *self.disp.get(&sig).unwrap_or(&D::Default)
    }

    fn lowest_free(&self) -> i32 {
        (0..).find(|n| !self.table.contains_key(n)).unwrap_or(0)
    }

    fn any_blocks(&self, sig: i32) -> bool {
        self.threads.iter().any(|t| t.mask & bit(sig) != 0)
    }
}

struct Gen {
    rng: Rng,
    out: String,
    procs: Vec<Proc>,
    ofds: Vec<Ofd>,
    /// Bytes ever written to each pipe (an upper bound of what it holds).
    pipe_bytes: Vec<usize>,
    names: usize,
    regions: Vec<(String, bool)>,
    blocks: Vec<(String, String)>,
}

impl Gen {
    fn emit(&mut self, s: impl AsRef<str>) {
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    fn alive(&self) -> Vec<usize> {
        (0..self.procs.len()).filter(|&i| self.procs[i].live == Live::Alive).collect()
    }

    fn not_dead(&self) -> Vec<usize> {
        (0..self.procs.len()).filter(|&i| self.procs[i].live != Live::Dead).collect()
    }

    /// A completed synchronous call by thread `t` of `p`: the signals it
    /// does not block were delivered at the call's end.
    fn called(&mut self, p: usize, t: usize) {
        let mask = self.procs[p].threads[t].mask;
        self.procs[p].maybe_pending &= mask;
    }

    fn make_unsure(&mut self, p: usize) {
        if self.procs[p].live == Live::Alive {
            self.procs[p].live = Live::Unsure;
        }
    }

    fn spawn(&mut self) -> usize {
        let name = self.fresh("p");
        let uid = self.rng.pick(&[1000, 1000, 1001, 0]);
        emit!(self, "spawn {name} uid={uid} gid={uid}");
        self.procs.push(Proc {
            name: name.clone(),
            live: Live::Alive,
            ids: (uid, uid, uid),
            threads: vec![Thread { name, mask: 0 }],
            table: BTreeMap::new(),
            names: BTreeMap::new(),
            disp: HashMap::new(),
            maybe_pending: 0,
            next_thread: 2,
            spawned: true,
            reused_by: None,
        });
        self.procs.len() - 1
    }

    /// A process spawned under the pid of a dead spawned process.
    fn spawn_reusing(&mut self) {
        let old: Vec<usize> = (0..self.procs.len())
            .filter(|&i| self.procs[i].spawned && self.procs[i].live == Live::Dead && self.procs[i].reused_by.is_none())
            .collect();
        if old.is_empty() {
            return;
        }
        let o = self.rng.pick(&old);
        let oname = self.procs[o].name.clone();
        let n = self.spawn();
        // Extend the spawn line just emitted.
        self.out.pop();
        self.out.push_str(&format!(" reuse={oname}\n"));
        self.procs[o].reused_by = Some(n);
    }

    fn fork(&mut self, p: usize, t: usize) -> usize {
        let name = self.fresh("c");
        let actor = self.procs[p].threads[t].name.clone();
        emit!(self, "{actor}: fork -> {name}");
        self.called(p, t);
        let parent = &self.procs[p];
        let child = Proc {
            name: name.clone(),
            live: if parent.live == Live::Alive { Live::Alive } else { Live::Dead },
            ids: parent.ids,
            threads: vec![Thread { name, mask: parent.threads[t].mask }],
            table: parent.table.clone(),
            names: parent.names.clone(),
            disp: parent.disp.clone(),
            maybe_pending: 0,
            next_thread: 2,
            spawned: false,
            reused_by: None,
        };
        // A child of an unsure parent may not exist: treat it as dead.
        self.procs.push(child);
        self.procs.len() - 1
    }

    fn new_thread(&mut self, p: usize) -> usize {
        let k = self.procs[p].next_thread;
        self.procs[p].next_thread += 1;
        let name = format!("{}.t{k}", self.procs[p].name);
        let main = self.procs[p].threads[0].clone();
        emit!(self, "{}: thread -> {name}", main.name);
        self.called(p, 0);
        self.procs[p].threads.push(Thread { name, mask: main.mask });
        self.procs[p].threads.len() - 1
    }

    fn pipe(&mut self, p: usize, t: usize, nonblock: bool) -> (String, String) {
        let id = self.pipe_bytes.len();
        self.pipe_bytes.push(0);
        let (r, w) = (format!("r{id}"), format!("w{id}"));
        let actor = self.procs[p].threads[t].name.clone();
        emit!(self, "{actor}: pipe {}-> {r} {w}", if nonblock { "O_NONBLOCK " } else { "" });
        self.called(p, t);
        let sure = self.procs[p].live == Live::Alive;
        let nb = if sure { Some(nonblock) } else { None };
        self.ofds.push(Ofd { kind: Kind::Pipe { id, read: true }, nonblock: nb });
        self.ofds.push(Ofd { kind: Kind::Pipe { id, read: false }, nonblock: nb });
        let (ro, wo) = (self.ofds.len() - 2, self.ofds.len() - 1);
        let pr = &mut self.procs[p];
        let a = pr.lowest_free();
        pr.table.insert(a, ro);
        let b = pr.lowest_free();
        pr.table.insert(b, wo);
        pr.names.insert(r.clone(), a);
        pr.names.insert(w.clone(), b);
        (r, w)
    }

    fn close(&mut self, p: usize, t: usize, name: &str) {
        let actor = self.procs[p].threads[t].name.clone();
        emit!(self, "{actor}: close {name}");
        self.called(p, t);
        let pr = &mut self.procs[p];
        if let Some(&n) = pr.names.get(name) {
            pr.table.remove(&n);
        }
    }

    /// The open description behind `name` in `p` (if the model knows it).
    fn ofd_of(&self, p: usize, name: &str) -> Option<usize> {
        let pr = &self.procs[p];
        pr.names.get(name).and_then(|n| pr.table.get(n)).copied()
    }

    /// Whether `p` certainly holds an open read end of pipe `id`.
    fn holds_reader(&self, p: usize, id: usize) -> bool {
        self.procs[p].live == Live::Alive
            && self.procs[p]
                .table
                .values()
                .any(|&o| matches!(self.ofds[o].kind, Kind::Pipe { id: i, read: true } if i == id))
    }

    fn kill(&mut self, s: usize, st: usize, target: usize, sig: i32) {
        let actor = self.procs[s].threads[st].name.clone();
        let tname = self.procs[target].name.clone();
        emit!(self, "{actor}: kill {tname} {}", names::signal(sig));
        // A dead process's name reaches whoever took its pid.
        let mut target = target;
        while let Some(n) = self.procs[target].reused_by {
            target = n;
        }
        let sure = self.procs[s].live == Live::Alive;
        let (su, se, _) = self.procs[s].ids;
        let (tu, _, ts) = self.procs[target].ids;
        let permitted = s == target || se == ts || se == tu || su == ts || su == tu || se == 0;
        if permitted && sig != 0 && self.procs[target].live != Live::Dead {
            match self.procs[target].disp(sig) {
                D::Ignore | D::Handler { .. } => self.procs[target].maybe_pending |= bit(sig),
                D::Default if !fatal_by_default(sig) => {}
                D::Default if sure && !self.procs[target].any_blocks(sig) && self.procs[target].live == Live::Alive => {
                    self.procs[target].live = Live::Dead;
                }
                D::Default | D::Unknown => {
                    if fatal_by_default(sig) {
                        self.make_unsure(target);
                    }
                    self.procs[target].maybe_pending |= bit(sig);
                }
            }
        }
        self.called(s, st);
    }

    fn sigaction(&mut self, p: usize, t: usize, sig: i32, d: D, reset: bool) {
        let actor = self.procs[p].threads[t].name.clone();
        let (word, flags) = match d {
            D::Handler { restart } => {
                let mut f = Vec::new();
                if restart {
                    f.push("SA_RESTART");
                }
                if reset {
                    f.push("SA_RESETHAND");
                }
                ("handler", f.join("|"))
            }
            D::Ignore => ("ignore", String::new()),
            _ => ("default", String::new()),
        };
        let mask = if self.rng.chance(15) { " mask={SIGUSR2}" } else { "" };
        let flags = if flags.is_empty() { String::new() } else { format!(" {flags}") };
        emit!(self, "{actor}: sigaction {} {word}{flags}{mask}", names::signal(sig));
        let pending = self.procs[p].maybe_pending & bit(sig) != 0;
        // A handler with SA_RESETHAND becomes the default after a delivery
        // the model cannot place: unknown from now on.
        self.procs[p].disp.insert(sig, if reset { D::Unknown } else { d });
        if fatal_by_default(sig) && pending && matches!(d, D::Default) || (reset && pending) {
            self.make_unsure(p);
        }
        if self.procs[p].live != Live::Alive {
            self.procs[p].disp.insert(sig, D::Unknown);
        }
        self.called(p, t);
    }

    /// Data for a write: its script text and length.
    fn write_data(&mut self) -> (String, usize) {
        let words: [(&str, usize); 6] = [("a", 1), ("hello", 5), ("xyz", 3), ("0123456789", 10), ("\\n", 1), ("Q", 1)];
        let (w, n) = self.rng.pick(&words);
        if self.rng.chance(10) {
            let k = 2 + self.rng.below(40);
            (format!("\"{w}\"*{k}"), n * k)
        } else {
            (format!("\"{w}\""), n)
        }
    }

    /// Whether a write by `p` to `name` is safe from blocking and from a
    /// fatal `SIGPIPE` the model cannot predict (and its effect).
    fn write_is_safe(&self, p: usize, name: &str) -> (bool, bool) {
        match self.ofd_of(p, name).map(|o| self.ofds[o].kind) {
            Some(Kind::Pipe { id, read: false }) => {
                let room = self.pipe_bytes[id] < 32 * 1024;
                let no_epipe =
                    self.holds_reader(p, id) || matches!(self.procs[p].disp(SIGPIPE), D::Ignore | D::Handler { .. });
                (room, no_epipe)
            }
            _ => (true, true),
        }
    }

    fn note_write(&mut self, p: usize, name: &str, len: usize) {
        if let Some(Kind::Pipe { id, .. }) = self.ofd_of(p, name).map(|o| self.ofds[o].kind) {
            self.pipe_bytes[id] += len;
        }
    }

    /// One call that cannot block, by a thread of a process not in
    /// `exclude`. `quiet`: nothing that could signal or kill anyone
    /// (during an episode).
    fn noise(&mut self, exclude: &[usize], quiet: bool) {
        let cands: Vec<usize> = self.not_dead().into_iter().filter(|i| !exclude.contains(i)).collect();
        if cands.is_empty() {
            return;
        }
        let p = self.rng.pick(&cands);
        let t = self.rng.below(self.procs[p].threads.len());
        let actor = self.procs[p].threads[t].name.clone();
        let sure = self.procs[p].live == Live::Alive;
        let fd_names: Vec<String> = self.procs[p].names.keys().cloned().collect();
        let any_fd = |g: &mut Gen| -> Option<String> {
            if fd_names.is_empty() { None } else { Some(fd_names[g.rng.below(fd_names.len())].clone()) }
        };
        match self.rng.below(22) {
            0 | 1 => {
                let f = self.fresh("f");
                let app = if self.rng.chance(30) { "|O_APPEND" } else { "" };
                emit!(self, "{actor}: open \"{f}\" O_CREAT|O_RDWR{app} 0644 -> {f}");
                self.called(p, t);
                self.ofds.push(Ofd { kind: Kind::File, nonblock: if sure { Some(false) } else { None } });
                let o = self.ofds.len() - 1;
                let pr = &mut self.procs[p];
                let n = pr.lowest_free();
                pr.table.insert(n, o);
                pr.names.insert(f, n);
            }
            2 => {
                let nb = self.rng.chance(50);
                self.pipe(p, t, nb);
            }
            3..=5 => {
                let Some(f) = any_fd(self) else { return };
                let (room, no_epipe) = self.write_is_safe(p, &f);
                if !room || (quiet && !no_epipe) {
                    return;
                }
                let (data, len) = self.write_data();
                emit!(self, "{actor}: write {f} {data}");
                self.note_write(p, &f, len);
                if !no_epipe {
                    self.make_unsure(p);
                }
                self.called(p, t);
            }
            6 | 7 => {
                let Some(f) = any_fd(self) else { return };
                let safe = match self.ofd_of(p, &f).map(|o| &self.ofds[o]) {
                    Some(Ofd { kind: Kind::File, .. }) => true,
                    Some(Ofd { kind: Kind::Pipe { read: true, .. }, nonblock }) => sure && *nonblock == Some(true),
                    Some(Ofd { kind: Kind::Pipe { read: false, .. }, .. }) => true,
                    // A closed number: EBADF at once, if the model is sure.
                    None => sure,
                };
                if !safe {
                    return;
                }
                let n = self.rng.pick(&[1, 3, 8, 64]);
                emit!(self, "{actor}: read {f} {n}");
                self.called(p, t);
            }
            8 => {
                let Some(f) = any_fd(self) else { return };
                self.close(p, t, &f);
            }
            9 => {
                let (Some(a), Some(b)) = (any_fd(self), any_fd(self)) else { return };
                if self.rng.chance(50) {
                    let d = self.fresh("d");
                    emit!(self, "{actor}: dup {a} -> {d}");
                    self.called(p, t);
                    let pr = &mut self.procs[p];
                    let src = pr.names.get(&a).and_then(|n| pr.table.get(n)).copied();
                    match src {
                        Some(o) => {
                            let n = pr.lowest_free();
                            pr.table.insert(n, o);
                            pr.names.insert(d, n);
                        }
                        None => {
                            pr.names.insert(d, -1);
                        }
                    }
                } else {
                    emit!(self, "{actor}: dup2 {a} {b}");
                    self.called(p, t);
                    let pr = &mut self.procs[p];
                    let (na, nb) = (pr.names.get(&a).copied(), pr.names.get(&b).copied());
                    if let (Some(na), Some(nb)) = (na, nb)
                        && let Some(&o) = pr.table.get(&na)
                        && nb >= 0
                    {
                        pr.table.insert(nb, o);
                    }
                }
            }
            10 | 11 => {
                let Some(f) = any_fd(self) else { return };
                let fl = self.rng.pick(&["O_RDONLY", "O_NONBLOCK", "O_APPEND", "O_NONBLOCK|O_APPEND"]);
                emit!(self, "{actor}: fcntl {f} setfl {fl}");
                self.called(p, t);
                if let Some(o) = self.ofd_of(p, &f) {
                    self.ofds[o].nonblock = if sure { Some(fl.contains("NONBLOCK")) } else { None };
                }
                if self.rng.chance(50) {
                    emit!(self, "{actor}: fcntl {f} getfl");
                }
            }
            12 if !quiet => {
                let targets = self.not_dead();
                let target =
                    if self.rng.chance(15) { self.rng.below(self.procs.len()) } else { self.rng.pick(&targets) };
                if exclude.contains(&target) {
                    return;
                }
                let sig = self.rng.pick(&KILL_SIGS);
                self.kill(p, t, target, sig);
            }
            13 => {
                let sig = self.rng.pick(&SIGS);
                let d = match self.rng.below(4) {
                    0 => D::Default,
                    1 => D::Ignore,
                    _ => D::Handler { restart: self.rng.chance(50) },
                };
                if quiet && matches!(d, D::Default) {
                    return;
                }
                let reset = matches!(d, D::Handler { .. }) && self.rng.chance(8);
                self.sigaction(p, t, sig, d, reset);
            }
            14 => {
                let set = self.rng.pick(&["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGUSR1,SIGUSR2", "{}"]);
                let how = self.rng.pick(&["block", "unblock", "setmask"]);
                if quiet && how != "block" {
                    // Unblocking may deliver a pending signal at once.
                    return;
                }
                emit!(self, "{actor}: sigprocmask {how} {set}");
                let m = names::parse_sigset(set).unwrap_or(0);
                let th = &mut self.procs[p].threads[t];
                th.mask = match how {
                    "block" => th.mask | m,
                    "unblock" => th.mask & !m,
                    _ => m,
                };
                self.called(p, t);
            }
            15 => {
                let (r, _, s) = self.procs[p].ids;
                let u = self.rng.pick(&[0, 1000, 1001, r, s]);
                emit!(self, "{actor}: setuid {u}");
                let ids = &mut self.procs[p].ids;
                if ids.1 == 0 {
                    *ids = (u, u, u);
                } else if u == ids.0 || u == ids.2 {
                    ids.1 = u;
                }
                self.called(p, t);
            }
            16 => {
                let what = self.rng.pick(&["getresuid", "sigpending"]);
                emit!(self, "{actor}: {what}");
                self.called(p, t);
                if let Some(f) = any_fd(self) {
                    emit!(self, "{actor}: fstat {f}");
                    if self.rng.chance(50) {
                        emit!(self, "{actor}: lseek {f} {} set", self.rng.below(8));
                    }
                }
            }
            17 | 20 | 21 => self.region_op(&actor),
            18 if !quiet && self.rng.chance(3) => {
                self.spawn_reusing();
                let reused: Vec<usize> = (0..self.procs.len()).filter(|&i| self.procs[i].reused_by.is_some()).collect();
                if !reused.is_empty() && sure {
                    let old = self.rng.pick(&reused);
                    let sig = self.rng.pick(&KILL_SIGS);
                    self.kill(p, t, old, sig);
                }
            }
            18 if !quiet && self.rng.chance(15) => {
                emit!(self, "{actor}: exit {}", self.rng.below(3));
                self.procs[p].live = Live::Dead;
            }
            18 if !quiet && self.procs.iter().filter(|p| p.live != Live::Dead).count() < 5 => {
                if self.rng.chance(50) {
                    self.spawn();
                } else if sure {
                    self.fork(p, t);
                }
            }
            19 => {
                let n = self.procs[p].threads.len();
                if n < 3 && sure && (n == 1 || self.rng.chance(40)) {
                    self.new_thread(p);
                } else if n > 1 && !quiet {
                    let th = self.procs[p].threads.pop().expect("two threads");
                    emit!(self, "end {}", th.name);
                }
            }
            _ => {}
        }
    }

    fn region_op(&mut self, actor: &str) {
        let open: Vec<String> = self.regions.iter().filter(|(_, o)| *o).map(|(n, _)| n.clone()).collect();
        if open.is_empty() || (open.len() < 2 && self.rng.chance(20)) {
            let r = self.fresh("g");
            let m = self.rng.pick(&["best", "pool", "last"]);
            let single = if self.rng.chance(30) { " single" } else { "" };
            emit!(self, "{actor}: region {r} {m}{single}");
            self.regions.push((r, true));
            return;
        }
        let r = open[self.rng.below(open.len())].clone();
        let mine: Vec<String> = self.blocks.iter().filter(|(_, g)| *g == r).map(|(b, _)| b.clone()).collect();
        match self.rng.below(10) {
            0..=2 => {
                let b = self.fresh("m");
                let size = self.rng.pick(&[0, 8, 24, 32, 100, 4096, 70000]);
                emit!(self, "{actor}: malloc {r} {size} -> {b}");
                self.blocks.push((b, r));
            }
            3..=5 if !mine.is_empty() => {
                let b = mine[self.rng.below(mine.len())].clone();
                emit!(self, "{actor}: free {b}");
                self.blocks.retain(|(x, _)| *x != b);
            }
            6 => {
                let m = self.rng.pick(&["best", "pool", "last"]);
                emit!(self, "{actor}: region {r} method {m}");
                self.blocks.retain(|(_, g)| *g != r);
            }
            7 => {
                let on = if self.rng.chance(50) { "on" } else { "off" };
                emit!(self, "{actor}: region {r} single {on}");
            }
            8 if self.rng.chance(40) => {
                emit!(self, "{actor}: region {r} close");
                self.blocks.retain(|(_, g)| *g != r);
                for reg in self.regions.iter_mut().filter(|(n, _)| *n == r) {
                    reg.1 = false;
                }
            }
            _ => emit!(self, "{actor}: region {r} check"),
        }
    }

    fn noise_n(&mut self, exclude: &[usize], quiet: bool, max: usize) {
        for _ in 0..self.rng.below(max + 1) {
            self.noise(exclude, quiet);
        }
    }

    /// A certainly alive process (spawning one if there is none).
    fn participant(&mut self, exclude: &[usize]) -> usize {
        let c: Vec<usize> = self.alive().into_iter().filter(|i| !exclude.contains(i)).collect();
        if c.is_empty() || self.rng.chance(10) { self.spawn() } else { self.rng.pick(&c) }
    }

    /// A blocked pipe reader woken by a writer (a thread or a forked child),
    /// sometimes interrupted by a signal first, sometimes by end of file.
    fn ep_reader(&mut self) {
        let p = self.participant(&[]);
        let (r, w) = self.pipe(p, 0, false);
        let forked = self.rng.chance(50);
        let (rp, rt) = if forked {
            let c = self.fork(p, 0);
            // The child reads: it drops its copy of the write end.
            self.close(c, 0, &w);
            (c, 0)
        } else {
            let t = if self.procs[p].threads.len() > 1 { 1 } else { self.new_thread(p) };
            (p, t)
        };
        // A signal from another process may interrupt the read: the reader
        // installs its handler first (with or without SA_RESTART).
        let interrupt = forked && self.rng.chance(40);
        let sig = self.rng.pick(&[SIGUSR1, SIGUSR2]);
        if interrupt {
            let restart = self.rng.chance(50);
            self.sigaction(rp, rt, sig, D::Handler { restart }, false);
        }
        let reader = self.procs[rp].threads[rt].name.clone();
        let writer = self.procs[p].threads[0].name.clone();
        emit!(self, "{reader}: read {r} {} &", self.rng.pick(&[1, 4, 16]));
        let parts = [rp, p];
        self.noise_n(&parts, true, 3);
        if interrupt {
            let rn = self.procs[rp].name.clone();
            emit!(self, "{writer}: kill {rn} {}", names::signal(sig));
            if self.procs[rp].threads[rt].mask & bit(sig) != 0 {
                self.procs[rp].maybe_pending |= bit(sig);
            }
            self.noise_n(&parts, true, 1);
        }
        if self.rng.chance(20) {
            // A blocked reader's descriptor turns non-blocking under it.
            emit!(self, "{writer}: fcntl {r} setfl O_NONBLOCK");
            if let Some(o) = self.ofd_of(p, &r) {
                self.ofds[o].nonblock = Some(true);
            }
        }
        if forked && self.rng.chance(25) {
            // End of file: the last write end goes away.
            self.close(p, 0, &w);
        } else {
            let (data, len) = self.write_data();
            emit!(self, "{writer}: write {w} {data}");
            self.note_write(p, &w, len);
        }
        self.noise_n(&parts, true, 2);
        emit!(self, "wait {reader}");
    }

    /// A writer blocked on a full pipe, drained by a reader.
    fn ep_full_pipe(&mut self) {
        let p = self.participant(&[]);
        let (r, w) = self.pipe(p, 0, false);
        let id = self.pipe_bytes.len() - 1;
        self.pipe_bytes[id] = usize::MAX / 2;
        let c = self.fork(p, 0);
        let (pn, cn) = (self.procs[p].name.clone(), self.procs[c].name.clone());
        let extra = 1 + self.rng.below(9000);
        emit!(self, "{pn}: write {w} \"x\"*{} &", 65536 + extra);
        self.noise_n(&[p, c], true, 2);
        emit!(self, "{cn}: read {r} 65536");
        emit!(self, "wait {pn}");
        emit!(self, "{cn}: read {r} 10000");
    }

    /// `sigsuspend` woken by a handled signal from a forked child.
    fn ep_sigsuspend(&mut self) {
        let p = self.participant(&[]);
        let sig = self.rng.pick(&[SIGUSR1, SIGUSR2, SIGTERM]);
        let restart = self.rng.chance(50);
        self.sigaction(p, 0, sig, D::Handler { restart }, false);
        let c = self.fork(p, 0);
        let pn = self.procs[p].name.clone();
        let others = [SIGUSR1, SIGUSR2, SIGTERM, SIGCHLD];
        let mut mask = String::from("{}");
        if self.rng.chance(50) {
            let o = self.rng.pick(&others);
            if o != sig {
                mask = names::signal(o);
            }
        }
        emit!(self, "{pn}: sigsuspend {mask} &");
        self.noise_n(&[p, c], true, 3);
        self.kill(c, 0, p, sig);
        emit!(self, "wait {pn}");
        self.called(p, 0);
    }

    /// `wait4` woken by a child's exit (or WNOHANG before it).
    fn ep_wait4(&mut self) {
        let p = self.participant(&[]);
        let c = self.fork(p, 0);
        let (pn, cn) = (self.procs[p].name.clone(), self.procs[c].name.clone());
        if self.rng.chance(30) {
            emit!(self, "{pn}: wait4 {cn} WNOHANG");
        }
        let target = if self.rng.chance(70) { cn.clone() } else { "any".to_string() };
        // With SIGCHLD ignored, children are reaped at exit and the kernel
        // does not wake a blocked wait4 then (POSIX wants ECHILD once the
        // last child is gone): only WNOHANG there.
        let blocking = matches!(self.procs[p].disp(SIGCHLD), D::Default | D::Handler { .. });
        if blocking {
            emit!(self, "{pn}: wait4 {target} &");
        }
        self.noise_n(&[p], true, 3);
        let code = self.rng.below(5);
        emit!(self, "{cn}: exit {code}");
        self.procs[c].live = Live::Dead;
        if blocking {
            emit!(self, "wait {pn}");
        } else {
            emit!(self, "{pn}: wait4 {target} WNOHANG");
        }
        self.called(p, 0);
    }

    /// RPC calls to a forked server.
    fn ep_rpc(&mut self) {
        let p = self.participant(&[]);
        let (req_r, req_w) = self.pipe(p, 0, false);
        let (rep_r, rep_w) = self.pipe(p, 0, false);
        let s = self.fork(p, 0);
        let (pn, sn) = (self.procs[p].name.clone(), self.procs[s].name.clone());
        self.close(p, 0, &req_r);
        self.close(p, 0, &rep_w);
        self.close(s, 0, &req_w);
        self.close(s, 0, &rep_r);
        let (cl, sv) = (self.fresh("clnt"), self.fresh("svc"));
        emit!(self, "{pn}: rpc_client {cl} {rep_r} {req_w}");
        emit!(self, "{sn}: rpc_server {sv}");
        for _ in 0..1 + self.rng.below(3) {
            let a = self.rng.below(2000) as i64 - 1000;
            let b = self.rng.next() as i32 as i64;
            let text = self.rng.pick(&["", "x", "hello world"]);
            let n = self.rng.below(5);
            let arr: Vec<String> = (0..n).map(|i| (i as i64 * 7 - 3).to_string()).collect();
            let proc_ = if self.rng.chance(15) { " proc=2" } else { "" };
            emit!(self, "{pn}: rpc {cl} {a} {b} \"{text}\" [{}]{proc_} &", arr.join(","));
            self.noise_n(&[p, s], true, 2);
            emit!(self, "{sn}: serve {sv} {req_r} {rep_w}");
            emit!(self, "wait {pn}");
        }
        if self.rng.chance(50) {
            emit!(self, "{sn}: serve {sv} {req_r} {rep_w} &");
            emit!(self, "{pn}: rpc_close {cl}");
            self.close(p, 0, &req_w);
            emit!(self, "wait {sn}");
        }
    }

    /// A write to a pipe with no reader: EPIPE, and SIGPIPE by disposition.
    fn ep_epipe(&mut self) {
        let p = self.participant(&[]);
        if self.rng.chance(60) {
            let d = if self.rng.chance(50) { D::Ignore } else { D::Handler { restart: false } };
            self.sigaction(p, 0, SIGPIPE, d, false);
        }
        let (r, w) = self.pipe(p, 0, false);
        self.close(p, 0, &r);
        let pn = self.procs[p].name.clone();
        emit!(self, "{pn}: write {w} \"lost\"");
        match self.procs[p].disp(SIGPIPE) {
            D::Ignore | D::Handler { .. } => self.called(p, 0),
            D::Default if !self.procs[p].any_blocks(SIGPIPE) => self.procs[p].live = Live::Dead,
            _ => self.make_unsure(p),
        }
    }

    /// Kills between credential and disposition changes.
    fn ep_kills(&mut self) {
        let a = self.participant(&[]);
        let b = self.participant(&[a]);
        for _ in 0..2 + self.rng.below(4) {
            if self.procs[b].live == Live::Dead || self.procs[a].live == Live::Dead {
                break;
            }
            match self.rng.below(4) {
                0 => {
                    let (r, _, s) = self.procs[b].ids;
                    let u = self.rng.pick(&[0, 1000, 1001, r, s]);
                    let bn = self.procs[b].name.clone();
                    emit!(self, "{bn}: setuid {u}");
                    let ids = &mut self.procs[b].ids;
                    if ids.1 == 0 {
                        *ids = (u, u, u);
                    } else if u == ids.0 || u == ids.2 {
                        ids.1 = u;
                    }
                    self.called(b, 0);
                }
                1 => {
                    let sig = self.rng.pick(&[SIGUSR1, SIGUSR2]);
                    let d = if self.rng.chance(70) { D::Handler { restart: true } } else { D::Ignore };
                    self.sigaction(b, 0, sig, d, false);
                }
                _ => {
                    let sig = self.rng.pick(&KILL_SIGS);
                    self.kill(a, 0, b, sig);
                }
            }
        }
        if self.procs[b].live != Live::Dead {
            let bn = self.procs[b].name.clone();
            emit!(self, "{bn}: sigpending");
        }
    }

    fn episode(&mut self) {
        match self.rng.below(8) {
            0 | 1 => self.ep_reader(),
            2 => self.ep_full_pipe(),
            3 => self.ep_sigsuspend(),
            4 => self.ep_wait4(),
            5 => self.ep_rpc(),
            6 => self.ep_epipe(),
            _ => self.ep_kills(),
        }
    }
}

/// A valid random script for `seed` (see the module doc for what it covers).
pub fn script(seed: u64) -> String {
    let mut g = Gen {
        rng: Rng(seed ^ 0x6a69_7474_795f_7270),
        out: String::new(),
        procs: Vec::new(),
        ofds: Vec::new(),
        pipe_bytes: Vec::new(),
        names: 0,
        regions: Vec::new(),
        blocks: Vec::new(),
    };
    let _ = writeln!(g.out, "# generated by jitty replay --generate {seed}");
    for _ in 0..2 + g.rng.below(2) {
        g.spawn();
    }
    let rounds = 4 + g.rng.below(5);
    for _ in 0..rounds {
        g.noise_n(&[], false, 6);
        g.episode();
    }
    g.noise_n(&[], false, 4);
    g.out
}
