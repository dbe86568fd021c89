//! The experiments: their setup (processes, pipes, files, regions, RPC
//! client), the measured loops (`bench_loop_*`, `#[inline(never)]` so that
//! callgrind can attribute instructions to them with `--toggle-collect`), and
//! the work done outside the timed region (draining pipes, `lseek`).

use std::cell::Cell;
use std::ffi::c_void;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use jitty_os::abi::{
    EINTR, F_SETFL, O_APPEND, O_CREAT, O_NONBLOCK, O_RDONLY, O_TRUNC, O_WRONLY, SEEK_SET, SIG_BLOCK, SIGUSR1, SigSet,
};
use jitty_os::syscall as sys;
use jitty_os::{Kernel, Task};

use crate::BenchError;
use crate::ffi::{self, BenchArgs, Opaque, TransportOps, XdrVar};

/// One measured operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Experiment {
    /// E1: 1-byte `write()` to a pipe.
    E1PipeWrite,
    /// E1, specialized: the same write through residual code plugged into
    /// the writing process's dispatch table.
    E1PipeWriteSpec,
    /// E2: `kill(pid, SIGUSR1)` with a handler.
    E2KillUsr1,
    /// E2, specialized.
    E2KillUsr1Spec,
    /// E2': `kill(pid, 0)`.
    E2pKill0,
    /// E2', specialized.
    E2pKill0Spec,
    /// E3: producer–consumer over signals.
    E3ProdCons,
    /// E3, specialized: each side's `kill(peer, SIGUSR1)` through residual code.
    E3ProdConsSpec,
    /// E4: 16-byte sequential `read()`s of a RAM-fs file.
    E4Read16,
    /// E4, specialized.
    E4Read16Spec,
    /// E5: `malloc(32)` + `free` in the default (best-fit) region.
    E5VmBest,
    /// E5, specialized: a best-fit region whose allocation slot holds
    /// `vmalloc_alloc` specialized for (the region, 32).
    E5VmBestSpec,
    /// E5: `malloc(32)` + `free` in a pool region.
    E5VmPool,
    /// E5 context: the host's `malloc(32)` + `free`.
    E5HostMalloc,
    /// E6: marshal the call message of the benchmark procedure.
    E6Marshal,
    /// E6: a full call over an in-memory transport.
    E6Call,
    /// E6, specialized: the call stub specialized for (its client, the procedure).
    E6CallSpec,
    /// E8: `fcntl(F_SETFL)`, a guarded write of `File::f_flags` on a file
    /// nothing depends on (the fast path: a load and a test of the
    /// dependents word before the store).
    E8Unguarded,
    /// E8: the same write on a file a specialization depends on (the slow
    /// path: unplug and drain before the store).
    E8Guarded,
    /// Reference: the kernel's null syscall `getppid()` through the GFT.
    KGetppid,
    /// Host Linux: 1-byte pipe `write`.
    HostPipeWrite,
    /// Host Linux: `kill(getpid(), 0)`.
    HostKill0,
    /// Host Linux: `getppid()`.
    HostGetppid,
}

impl Experiment {
    /// Every experiment, in report order.
    pub const ALL: [Experiment; 23] = [
        Experiment::E1PipeWrite,
        Experiment::E1PipeWriteSpec,
        Experiment::E2KillUsr1,
        Experiment::E2KillUsr1Spec,
        Experiment::E2pKill0,
        Experiment::E2pKill0Spec,
        Experiment::E3ProdCons,
        Experiment::E3ProdConsSpec,
        Experiment::E4Read16,
        Experiment::E4Read16Spec,
        Experiment::E5VmBest,
        Experiment::E5VmBestSpec,
        Experiment::E5VmPool,
        Experiment::E5HostMalloc,
        Experiment::E6Marshal,
        Experiment::E6Call,
        Experiment::E6CallSpec,
        Experiment::E8Unguarded,
        Experiment::E8Guarded,
        Experiment::KGetppid,
        Experiment::HostPipeWrite,
        Experiment::HostKill0,
        Experiment::HostGetppid,
    ];

    /// Short key (command line, JSON).
    pub fn key(self) -> &'static str {
        match self {
            Experiment::E1PipeWrite => "e1",
            Experiment::E1PipeWriteSpec => "e1-spec",
            Experiment::E2KillUsr1 => "e2",
            Experiment::E2KillUsr1Spec => "e2-spec",
            Experiment::E2pKill0 => "e2p",
            Experiment::E2pKill0Spec => "e2p-spec",
            Experiment::E3ProdCons => "e3",
            Experiment::E3ProdConsSpec => "e3-spec",
            Experiment::E4Read16 => "e4",
            Experiment::E4Read16Spec => "e4-spec",
            Experiment::E5VmBest => "e5-best",
            Experiment::E5VmBestSpec => "e5-best-spec",
            Experiment::E5VmPool => "e5-pool",
            Experiment::E5HostMalloc => "e5-host",
            Experiment::E6Marshal => "e6-marshal",
            Experiment::E6Call => "e6-call",
            Experiment::E6CallSpec => "e6-call-spec",
            Experiment::E8Unguarded => "e8-unguarded",
            Experiment::E8Guarded => "e8-guarded",
            Experiment::KGetppid => "k-getppid",
            Experiment::HostPipeWrite => "host-pipe-write",
            Experiment::HostKill0 => "host-kill0",
            Experiment::HostGetppid => "host-getppid",
        }
    }

    /// The experiment with key `k`.
    pub fn from_key(k: &str) -> Option<Experiment> {
        Experiment::ALL.into_iter().find(|e| e.key() == k)
    }

    /// One-line label.
    pub fn label(self) -> &'static str {
        match self {
            Experiment::E1PipeWrite => "E1  write(pipe, 1 byte)",
            Experiment::E1PipeWriteSpec => "E1s write(pipe, 1 byte), specialized",
            Experiment::E2KillUsr1 => "E2  kill(pid, SIGUSR1) + handler",
            Experiment::E2KillUsr1Spec => "E2s kill(pid, SIGUSR1) + handler, specialized",
            Experiment::E2pKill0 => "E2' kill(pid, 0)",
            Experiment::E2pKill0Spec => "E2's kill(pid, 0), specialized",
            Experiment::E3ProdCons => "E3  producer-consumer (per item)",
            Experiment::E3ProdConsSpec => "E3s producer-consumer, specialized kill",
            Experiment::E4Read16 => "E4  read(file, 16 bytes)",
            Experiment::E4Read16Spec => "E4s read(file, 16 bytes), specialized",
            Experiment::E5VmBest => "E5  vmalloc best malloc(32)+free",
            Experiment::E5VmBestSpec => "E5s vmalloc best malloc(32)+free, specialized",
            Experiment::E5VmPool => "E5  vmalloc pool malloc(32)+free",
            Experiment::E5HostMalloc => "E5  host malloc(32)+free",
            Experiment::E6Marshal => "E6  RPC marshal (primary)",
            Experiment::E6Call => "E6  RPC full call, in-memory",
            Experiment::E6CallSpec => "E6s RPC full call, specialized stub",
            Experiment::E8Unguarded => "E8  fcntl(F_SETFL), no dependents",
            Experiment::E8Guarded => "E8  fcntl(F_SETFL), a dependent (drain)",
            Experiment::KGetppid => "ref getppid() through the GFT",
            Experiment::HostPipeWrite => "host write(pipe, 1 byte)",
            Experiment::HostKill0 => "host kill(getpid(), 0)",
            Experiment::HostGetppid => "host getppid()",
        }
    }

    /// Exactly what one operation is.
    pub fn what(self) -> &'static str {
        match self {
            Experiment::E1PipeWrite => {
                "jitty_os::syscall::raw::write(fd, &b, 1) on the write end of a kernel pipe, through \
                 current->process->gft->write, from a single-threaded process; batches of <= 4096 writes, \
                 the pipe is drained with 64 KiB reads outside the timed region"
            }
            Experiment::E1PipeWriteSpec => {
                "as E1, from a second single-threaded process (its own host thread) whose dispatch table's \
                 write slot holds residual code: jk_sys_write partially evaluated for (its thread, the \
                 pipe's write fd) by jitty-spec, compiled by the JIT and plugged with its guard set"
            }
            Experiment::E2KillUsr1Spec => {
                "as E2, from the specialized arms' process: kill(itself, SIGUSR1) with its handler, through \
                 jk_sys_kill specialized for (its thread, its pid, SIGUSR1)"
            }
            Experiment::E2pKill0Spec => {
                "as E2', from the specialized arms' process: kill(E2's target, 0) through jk_sys_kill \
                 specialized for (its thread, the target's pid, 0)"
            }
            Experiment::E4Read16Spec => {
                "as E4, from the specialized arms' process on its own descriptor of the same file, through \
                 jk_sys_read specialized for (its thread, that fd)"
            }
            Experiment::E2KillUsr1 => {
                "kill(getpid(), SIGUSR1) through the GFT with a handler installed: generation, permission \
                 check, pid lookup among the processes in the table, and delivery (the handler runs on \
                 return, counting deliveries)"
            }
            Experiment::E2pKill0 => {
                "kill(pid, 0) through the GFT to another process with the same uid (existence + permission \
                 check), same process table"
            }
            Experiment::E3ProdCons => {
                "Synthetix's producer/consumer: a producer and a consumer thread (each the one thread of its \
                 own kernel process, as kill() targets processes) pass 100,000 items per batch (quick mode: \
                 2,000) through a 4-slot buffer; mutual exclusion and condition waiting are built from \
                 signals: SIGUSR1 stays blocked, a waiting side blocks in sigsuspend(empty mask) until the \
                 other side's kill(peer, SIGUSR1) runs its handler (a kill sent before the wait stays \
                 pending, so no wake-up is lost); time per item produced+consumed"
            }
            Experiment::E3ProdConsSpec => {
                "as E3, with a second pair of processes; each side, on entering its process, specializes \
                 jk_sys_kill for (its thread, the peer's pid, SIGUSR1) and plugs it (sigsuspend stays generic: \
                 it has no spec point)"
            }
            Experiment::E4Read16 => {
                "read(fd, buf, 16) through the GFT, sequentially through a 64 KiB RAM-fs file; lseek(fd, 0) \
                 at end of file is outside the timed region"
            }
            Experiment::E5VmBest => {
                "vmalloc_alloc_dispatch(vmalloc_default_region(), 32) (the region's allocation slot, holding \
                 the generic vmalloc_alloc), one byte written, vmalloc_free (best-fit method, heap discipline, \
                 region lock taken)"
            }
            Experiment::E5VmBestSpec => {
                "as E5 best, on a best-fit region over the heap discipline of its own whose allocation slot \
                 holds vmalloc_alloc specialized for (that region, 32) and plugged with its guard set"
            }
            Experiment::E5VmPool => {
                "vmalloc_alloc_dispatch(pool region, 32), one byte written, vmalloc_free (VMPOOL method over the heap \
                 discipline, region lock taken)"
            }
            Experiment::E5HostMalloc => "libc malloc(32), one byte written, free (glibc)",
            Experiment::E6Marshal => {
                "rpc_client_marshal(client, &BENCH_PROC, &args): XDR call header (AUTH_NONE) + \
                 {int, hyper, string(12), int<8>} into the client's send buffer, no I/O"
            }
            Experiment::E6CallSpec => {
                "as E6 call, on a client of its own (same transport kind and peer) whose call slot holds \
                 rpc_call specialized for (that client, BENCH_PROC) and plugged with its guard set"
            }
            Experiment::E6Call => {
                "rpc_call_dispatch(client, &BENCH_PROC, &args, &res) (the client's call slot, holding the \
                 generic rpc_call) over an in-memory transport whose peer answers \
                 with a canned accepted reply (marshal + record write + record read + reply/result decode)"
            }
            Experiment::E8Unguarded => {
                "fcntl(fd, F_SETFL, O_APPEND or 0, alternating) on a RAM-fs file nothing depends on: the guarded \
                 write of File::f_flags takes its fast path (the dependents word is null)"
            }
            Experiment::E8Guarded => {
                "the same call after a specialization that folded the file's f_flags was installed (outside \
                 the timed call): the guarded write unplugs it and drains (membarrier) before it stores"
            }
            Experiment::KGetppid => "getppid() through current->process->gft (kernel null-syscall reference)",
            Experiment::HostPipeWrite => {
                "libc write(fd, &b, 1) to a Linux pipe, batches of <= 4096, drained outside the timed region"
            }
            Experiment::HostKill0 => "libc kill(getpid(), 0) against the Linux kernel",
            Experiment::HostGetppid => "libc getppid() against the Linux kernel",
        }
    }

    /// The generic experiment a specialized arm is measured against.
    pub fn generic_of(self) -> Option<Experiment> {
        Some(match self {
            Experiment::E1PipeWriteSpec => Experiment::E1PipeWrite,
            Experiment::E2KillUsr1Spec => Experiment::E2KillUsr1,
            Experiment::E2pKill0Spec => Experiment::E2pKill0,
            Experiment::E4Read16Spec => Experiment::E4Read16,
            Experiment::E3ProdConsSpec => Experiment::E3ProdCons,
            Experiment::E5VmBestSpec => Experiment::E5VmBest,
            Experiment::E6CallSpec => Experiment::E6Call,
            _ => return None,
        })
    }

    /// The specialized arm of a generic experiment.
    pub fn spec_of(self) -> Option<Experiment> {
        Experiment::ALL.into_iter().find(|e| e.generic_of() == Some(self))
    }

    /// Operations per timed batch.
    pub fn batch_ops(self, quick: bool) -> u64 {
        let full = match self {
            Experiment::E3ProdCons | Experiment::E3ProdConsSpec => 100_000,
            Experiment::E6Call | Experiment::E6CallSpec => 20_000,
            _ => 40_000,
        };
        if quick { (full / 50).max(200) } else { full }
    }

    /// The `bench_loop_*` functions whose inclusive callgrind cost is this
    /// experiment's (summed).
    pub(crate) fn loop_fns(self) -> &'static [&'static str] {
        match self {
            Experiment::E1PipeWrite => &["bench_loop_e1"],
            Experiment::E1PipeWriteSpec => &["bench_loop_e1_spec"],
            Experiment::E2KillUsr1 => &["bench_loop_e2"],
            Experiment::E2KillUsr1Spec => &["bench_loop_e2_spec"],
            Experiment::E2pKill0 => &["bench_loop_e2p"],
            Experiment::E2pKill0Spec => &["bench_loop_e2p_spec"],
            Experiment::E3ProdCons => &["bench_loop_e3_producer", "bench_loop_e3_consumer"],
            Experiment::E3ProdConsSpec => &["bench_loop_e3s_producer", "bench_loop_e3s_consumer"],
            Experiment::E4Read16 => &["bench_loop_e4"],
            Experiment::E4Read16Spec => &["bench_loop_e4_spec"],
            Experiment::E5VmBest => &["bench_loop_e5_best"],
            Experiment::E5VmBestSpec => &["bench_loop_e5_best_spec"],
            Experiment::E5VmPool => &["bench_loop_e5_pool"],
            Experiment::E5HostMalloc => &["bench_loop_e5_host"],
            Experiment::E6Marshal => &["bench_loop_e6_marshal"],
            Experiment::E6Call => &["bench_loop_e6_call"],
            Experiment::E6CallSpec => &["bench_loop_e6_call_spec"],
            Experiment::E8Unguarded => &["bench_loop_e8_unguarded"],
            Experiment::E8Guarded => &["bench_loop_e8_guarded_op"],
            Experiment::KGetppid => &["bench_loop_k_getppid"],
            Experiment::HostPipeWrite => &["bench_loop_host_pipe_write"],
            Experiment::HostKill0 => &["bench_loop_host_kill0"],
            Experiment::HostGetppid => &["bench_loop_host_getppid"],
        }
    }
}

const PIPE_CHUNK: u64 = 4096;
/// `n` one-byte writes of `byte` through `write_loop` to `pipe[1]`, in
/// batches of at most [`PIPE_CHUNK`] (timed), each drained from `pipe[0]`
/// and checked outside the timed region: the time and the writes done.
fn pipe_writes(
    pipe: [i32; 2],
    drain: &mut [u8],
    byte: u8,
    n: u64,
    write_loop: fn(i32, u64) -> u64,
    what: &str,
) -> Result<(Duration, u64), BenchError> {
    let (mut t, mut done, mut left) = (Duration::ZERO, 0, n);
    while left > 0 {
        let k = left.min(PIPE_CHUNK);
        let s = Instant::now();
        let w = write_loop(pipe[1], k);
        t += s.elapsed();
        done += w;
        let mut got = 0;
        while got < w as usize {
            got += sys::read(pipe[0], drain).map_err(kerr("drain pipe"))?;
            check(drain[..1] == [byte], what)?;
        }
        left -= k;
    }
    Ok((t, done))
}

/// `n` sequential 16-byte reads through `read_loop` (given the buffer and a
/// count) of the benchmark file open at `fd`, at `*pos` reads into it;
/// the seek back at its end and the check of the bytes are outside the
/// timed region: the time and the reads done.
fn file_reads(
    fd: i32,
    pos: &mut u64,
    buf: &mut [u8; READ_SIZE],
    n: u64,
    what: &str,
    mut read_loop: impl FnMut(&mut [u8; READ_SIZE], u64) -> u64,
) -> Result<(Duration, u64), BenchError> {
    let per_pass = (FILE_SIZE / READ_SIZE) as u64;
    let (mut t, mut done, mut left) = (Duration::ZERO, 0, n);
    while left > 0 {
        if *pos == per_pass {
            sys::lseek(fd, 0, SEEK_SET).map_err(kerr("lseek"))?;
            *pos = 0;
        }
        let k = left.min(per_pass - *pos);
        let s = Instant::now();
        done += read_loop(buf, k);
        t += s.elapsed();
        *pos += k;
        left -= k;
        let last = (*pos as usize * READ_SIZE) - 1;
        check(buf[READ_SIZE - 1] == (last * 7 % 251) as u8, what)?;
    }
    Ok((t, done))
}

/// E8's dummy plug: the "generic" and "specialized" words of its slot.
const E8_GENERIC: usize = 0x1000;
const E8_CODE: usize = 0x2000;

/// The dependents word and `f_flags` cell of the `File` behind `fd`, by
/// walking the `write` spec point's path over live memory.
fn e8_flags_term(fd: i32) -> Result<(usize, usize), BenchError> {
    use jitty_os::annot::{Annotations, LiveMemory};
    let bad = |m: String| BenchError::Check(format!("E8: {m}"));
    let a = Annotations::native().map_err(|e| bad(e.to_string()))?;
    let point = a.point("write").ok_or_else(|| bad("no write point".into()))?;
    let path = point.paths.iter().find(|p| p.name == "file ops").ok_or_else(|| bad("no file path".into()))?;
    // SAFETY: the walk follows live objects of the calling process.
    let mem = unsafe { LiveMemory::new() };
    let w = a.walk(path, &[sys::current() as u64, fd as u64], &mem).map_err(|e| bad(e.to_string()))?;
    let file = w.objects.iter().find(|o| a.types[o.ty].name == "File").ok_or_else(|| bad("no File".into()))?.addr;
    let t = a.type_named("File").ok_or_else(|| bad("no File type".into()))?;
    let off = |n: &str| t.fields.iter().find(|f| f.name == n).map(|f| f.offset as usize);
    match (off("deps"), off("f_flags")) {
        (Some(d), Some(f)) => Ok((file + d, file + f)),
        _ => Err(bad("File has no deps or f_flags".into())),
    }
}
const FILE_SIZE: usize = 64 * 1024;
const READ_SIZE: usize = 16;
const E3_SLOTS: usize = 4;

static USR1_DELIVERED: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_usr1(_sig: i32) {
    USR1_DELIVERED.fetch_add(1, Ordering::Relaxed);
}

fn kerr(what: &'static str) -> impl FnOnce(jitty_os::Errno) -> BenchError {
    move |e| BenchError::Syscall { what, errno: e.0 }
}

fn check(ok: bool, what: &str) -> Result<(), BenchError> {
    if ok { Ok(()) } else { Err(BenchError::Check(what.to_string())) }
}

// ---------------------------------------------------------------------------
// The measured loops.

#[inline(never)]
fn bench_loop_e1(fd: i32, n: u64) -> u64 {
    e1_writes(fd, n, b'x')
}

/// [`bench_loop_e1`] writing `y`: another function (identical code would be
/// merged with it), so callgrind tells the arms apart.
#[inline(never)]
fn bench_loop_e1_spec(fd: i32, n: u64) -> u64 {
    e1_writes(fd, n, b'y')
}

/// `n` one-byte writes of `byte` to `fd` through the GFT; the writes done.
#[inline(always)]
fn e1_writes(fd: i32, n: u64, byte: u8) -> u64 {
    let b = [byte];
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: a valid 1-byte buffer.
        ok += (unsafe { sys::raw::write(black_box(fd), b.as_ptr(), 1) } == 1) as u64;
    }
    ok
}

/// The specialized arms: a host thread that owns a kernel process of its
/// own, whose dispatch table's slots hold residual code for the arms'
/// static arguments, running batches on request.
#[derive(Debug)]
struct SpecWorker {
    latency: Vec<SpecLatency>,
    requests: std::sync::mpsc::Sender<(Experiment, u64)>,
    replies: std::sync::mpsc::Receiver<Result<(Duration, u64), BenchError>>,
}

/// What the worker's process holds.
struct SpecArms {
    pid: i32,
    target_pid: i32,
    pipe: [i32; 2],
    drain: Vec<u8>,
    file_fd: i32,
    file_pos: u64,
    read_buf: [u8; READ_SIZE],
    /// Arms whose specialization failed, with why (they report the error).
    failed: std::collections::BTreeMap<Experiment, String>,
    /// E7: specialization latency samples.
    latency: Vec<SpecLatency>,
}

/// E7: one specialization, request to plugged.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpecLatency {
    /// The spec point.
    pub point: String,
    /// Evaluation, compilation and plug, in microseconds.
    pub total_us: f64,
    /// In the partial evaluator.
    pub evaluate_us: f64,
    /// In the JIT.
    pub compile_us: f64,
    /// Machine code bytes.
    pub code_bytes: usize,
    /// Residual IR instructions.
    pub residual_insts: usize,
    /// Quasi cells in the guard set.
    pub guards: usize,
    /// A replug: unplugged code whose facts hold again, plugged back
    /// without evaluation or compilation (its evaluate and JIT times are
    /// those of its first specialization).
    pub reused: bool,
}

impl SpecLatency {
    /// The point, marked when the sample is a replug.
    pub fn label(&self) -> String {
        if self.reused { format!("{} (replug)", self.point) } else { self.point.clone() }
    }
}

/// Specializations per point measured for E7 (the last stays plugged).
pub(crate) const E7_SAMPLES: usize = 5;

impl SpecArms {
    fn setup(pid: i32, target_pid: i32, path: &str, e7_samples: usize) -> Result<SpecArms, BenchError> {
        let pipe = sys::pipe().map_err(kerr("pipe"))?;
        sys::signal(SIGUSR1, on_usr1, 0, 0).map_err(kerr("sigaction"))?;
        let file_fd = sys::open(path, O_RDONLY, 0).map_err(kerr("open"))?;
        let d = jitty_os::spec::Specializer::get().map_err(BenchError::Check)?;
        let me = sys::current() as u64;
        let mut failed = std::collections::BTreeMap::new();
        let mut latency = Vec::new();
        // One slot per point: each arm's static arguments. E7 times each
        // specialization from the request to the plug, several times.
        for (e, point, args) in [
            (Experiment::E2pKill0Spec, "kill", vec![me, target_pid as u64, 0]),
            (Experiment::E1PipeWriteSpec, "write", vec![me, pipe[1] as u64]),
            (Experiment::E2KillUsr1Spec, "kill", vec![me, pid as u64, SIGUSR1 as u64]),
            (Experiment::E4Read16Spec, "read", vec![me, file_fd as u64]),
        ] {
            for _ in 0..e7_samples.max(1) {
                let t0 = Instant::now();
                let r = d.specialize(point, &args).and_then(|s| {
                    let stats = (
                        s.evaluate,
                        s.compile,
                        s.code_bytes,
                        s.residual.module.func(s.residual.func).inst_count(),
                        s.residual.guards.len(),
                    );
                    d.plug(s).map(|_| stats)
                });
                match r {
                    Ok((ev, co, bytes, insts, guards)) => latency.push(SpecLatency {
                        point: point.to_string(),
                        total_us: t0.elapsed().as_secs_f64() * 1e6,
                        evaluate_us: ev.as_secs_f64() * 1e6,
                        compile_us: co.as_secs_f64() * 1e6,
                        code_bytes: bytes,
                        residual_insts: insts,
                        guards,
                        reused: false,
                    }),
                    Err(why) => {
                        failed.insert(e, why);
                        break;
                    }
                }
            }
        }
        // Replugging: O_NONBLOCK on and off again on E1's fd unplugs its
        // write (the drain keeps the code for reuse), then its facts hold
        // again and the code is plugged back, timed from request to plug.
        let write_args = [me, pipe[1] as u64];
        for _ in 0..e7_samples {
            if failed.contains_key(&Experiment::E1PipeWriteSpec) {
                break;
            }
            sys::fcntl(pipe[1], F_SETFL, u64::from(O_NONBLOCK)).map_err(kerr("fcntl"))?;
            sys::fcntl(pipe[1], F_SETFL, 0).map_err(kerr("fcntl"))?;
            let t0 = Instant::now();
            let Some(s) = d.reuse("write", &write_args) else {
                failed.insert(Experiment::E1PipeWriteSpec, "the unplugged write was not reusable".into());
                break;
            };
            let sample = SpecLatency {
                point: "write".into(),
                total_us: 0.0,
                evaluate_us: s.evaluate.as_secs_f64() * 1e6,
                compile_us: s.compile.as_secs_f64() * 1e6,
                code_bytes: s.code_bytes,
                residual_insts: s.residual.module.func(s.residual.func).inst_count(),
                guards: s.residual.guards.len(),
                reused: true,
            };
            if let Err(why) = d.plug(s) {
                failed.insert(Experiment::E1PipeWriteSpec, why);
                break;
            }
            latency.push(SpecLatency { total_us: t0.elapsed().as_secs_f64() * 1e6, ..sample });
        }
        // E2' shares the kill slot with E2; it is measured with its own
        // specialization plugged in its place (see `run`).
        Ok(SpecArms {
            pid,
            target_pid,
            pipe,
            drain: vec![0; 64 * 1024],
            file_fd,
            file_pos: 0,
            read_buf: [0; READ_SIZE],
            failed,
            latency,
        })
    }

    /// Plugs the kill specialization `e` needs (E2 and E2' share a slot).
    fn kill_slot_for(&mut self, e: Experiment) -> Result<(), BenchError> {
        let d = jitty_os::spec::Specializer::get().map_err(BenchError::Check)?;
        let (target, sig) = match e {
            Experiment::E2KillUsr1Spec => (self.pid, SIGUSR1),
            _ => (self.target_pid, 0),
        };
        d.specialize("kill", &[sys::current() as u64, target as u64, sig as u64])
            .and_then(|s| d.plug(s))
            .map(drop)
            .map_err(BenchError::Check)
    }

    fn run(&mut self, e: Experiment, n: u64) -> Result<(Duration, u64), BenchError> {
        if let Some(why) = self.failed.get(&e) {
            return Err(BenchError::Check(format!("{}: not specialized: {why}", e.key())));
        }
        let tag = e as u64;
        let t;
        let done = match e {
            Experiment::E1PipeWriteSpec => {
                let (d, done) = pipe_writes(
                    self.pipe,
                    &mut self.drain,
                    b'y',
                    n,
                    bench_loop_e1_spec,
                    "E1s bytes come out of the pipe",
                )?;
                t = d;
                done
            }
            Experiment::E2KillUsr1Spec => {
                self.kill_slot_for(e)?;
                let before = Suite::usr1_delivered();
                let s = Instant::now();
                let r = bench_loop_e2_spec(self.pid, n, tag);
                t = s.elapsed();
                check(Suite::usr1_delivered() - before == n, "E2s handler ran once per kill")?;
                r
            }
            Experiment::E2pKill0Spec => {
                self.kill_slot_for(e)?;
                let s = Instant::now();
                let r = bench_loop_e2p_spec(self.target_pid, n, tag);
                t = s.elapsed();
                r
            }
            Experiment::E4Read16Spec => {
                let (fd, buf) = (self.file_fd, &mut self.read_buf);
                let (d, done) = file_reads(fd, &mut self.file_pos, buf, n, "E4s read the file's bytes", |b, k| {
                    bench_loop_e4_spec(fd, b, k, tag)
                })?;
                t = d;
                done
            }
            _ => return Err(BenchError::Check(format!("{} is not a specialized arm", e.key()))),
        };
        Ok((t, done))
    }
}

impl SpecWorker {
    fn start(k: Kernel, target_pid: i32, path: String, e7_samples: usize) -> Result<SpecWorker, BenchError> {
        let pid = k.spawn_process(1000, 1000).map_err(kerr("spawn_process"))?;
        let (req_tx, req_rx) = std::sync::mpsc::channel::<(Experiment, u64)>();
        let (rep_tx, rep_rx) = std::sync::mpsc::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<Vec<SpecLatency>, BenchError>>();
        std::thread::spawn(move || {
            let task = match Task::enter(pid).map_err(kerr("task enter")) {
                Ok(t) => t,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let mut arms = match SpecArms::setup(pid, target_pid, &path, e7_samples) {
                Ok(a) => a,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(arms.latency.clone()));
            while let Ok((e, n)) = req_rx.recv() {
                let _ = rep_tx.send(arms.run(e, n));
            }
            drop(task);
        });
        let latency = ready_rx.recv().map_err(|_| BenchError::Check("specialized arms: worker died".into()))??;
        Ok(SpecWorker { requests: req_tx, replies: rep_rx, latency })
    }

    fn run(&self, e: Experiment, n: u64) -> Result<(Duration, u64), BenchError> {
        self.requests.send((e, n)).map_err(|_| BenchError::Check("specialized arms: worker gone".into()))?;
        self.replies.recv().map_err(|_| BenchError::Check("specialized arms: worker gone".into()))?
    }
}

#[inline(never)]
fn bench_loop_e2(pid: i32, n: u64) -> u64 {
    let mut ok = 0;
    for _ in 0..n {
        ok += (sys::kill(black_box(pid), SIGUSR1) == Ok(0)) as u64;
    }
    ok
}

/// The specialized arms' loops differ from the generic ones by a tag the
/// compiler cannot see through (identical functions would be merged and
/// callgrind could not tell the arms apart).
#[inline(never)]
fn bench_loop_e2_spec(pid: i32, n: u64, tag: u64) -> u64 {
    let mut ok = black_box(tag);
    for _ in 0..n {
        ok += (sys::kill(black_box(pid), SIGUSR1) == Ok(0)) as u64;
    }
    ok - tag
}

#[inline(never)]
fn bench_loop_e2p_spec(pid: i32, n: u64, tag: u64) -> u64 {
    let mut ok = black_box(tag);
    for _ in 0..n {
        ok += (sys::kill(black_box(pid), 0) == Ok(0)) as u64;
    }
    ok - tag
}

#[inline(never)]
fn bench_loop_e4_spec(fd: i32, buf: &mut [u8; READ_SIZE], n: u64, tag: u64) -> u64 {
    let mut ok = black_box(tag);
    for _ in 0..n {
        // SAFETY: a valid 16-byte buffer.
        ok += (unsafe { sys::raw::read(black_box(fd), buf.as_mut_ptr(), READ_SIZE) } == READ_SIZE as isize) as u64;
    }
    ok - tag
}

#[inline(never)]
fn bench_loop_e8_unguarded(fd: i32, n: u64) -> u64 {
    let mut ok = 0;
    for i in 0..n {
        let flags = if i & 1 == 0 { O_APPEND } else { 0 };
        ok += (sys::fcntl(black_box(fd), F_SETFL, u64::from(flags)) == Ok(0)) as u64;
    }
    ok
}

/// One guarded write with a dependent (callgrind counts calls of this).
#[inline(never)]
fn bench_loop_e8_guarded_op(fd: i32, flags: u32) -> u64 {
    (sys::fcntl(black_box(fd), F_SETFL, u64::from(flags)) == Ok(0)) as u64
}

#[inline(never)]
fn bench_loop_e2p(pid: i32, n: u64) -> u64 {
    let mut ok = 0;
    for _ in 0..n {
        ok += (sys::kill(black_box(pid), 0) == Ok(0)) as u64;
    }
    ok
}

#[inline(never)]
fn bench_loop_e4(fd: i32, buf: &mut [u8; READ_SIZE], n: u64) -> u64 {
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: a valid 16-byte buffer.
        ok += (unsafe { sys::raw::read(black_box(fd), buf.as_mut_ptr(), READ_SIZE) } == READ_SIZE as isize) as u64;
    }
    ok
}

#[inline(never)]
fn bench_loop_e5_best(region: *mut Opaque, n: u64) -> u64 {
    let (alloc, free) = (jitty_os::vmalloc::alloc_through_slot, ffi::services().vmalloc_free);
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: a live region; the block is written within its 32 bytes and freed once.
        unsafe {
            let p = alloc(black_box(region), black_box(32));
            if !p.is_null() {
                p.write_volatile(1);
                ok += (free(region, p) == 0) as u64;
            }
        }
    }
    ok
}

/// E5's specialized arm: the same calls on a best-fit region of its own
/// whose allocation slot holds code specialized for (the region, 32).
#[inline(never)]
fn bench_loop_e5_best_spec(region: *mut Opaque, n: u64) -> u64 {
    let (alloc, free) = (jitty_os::vmalloc::alloc_through_slot, ffi::services().vmalloc_free);
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: as in `bench_loop_e5_best` (byte 3: a distinct function).
        unsafe {
            let p = alloc(black_box(region), black_box(32));
            if !p.is_null() {
                p.write_volatile(3);
                ok += (free(region, p) == 0) as u64;
            }
        }
    }
    ok
}

#[inline(never)]
fn bench_loop_e5_pool(region: *mut Opaque, n: u64) -> u64 {
    let (alloc, free) = (jitty_os::vmalloc::alloc_through_slot, ffi::services().vmalloc_free);
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: as in `bench_loop_e5_best` (a different byte is written so
        // that the two loops stay distinct functions for callgrind).
        unsafe {
            let p = alloc(black_box(region), black_box(32));
            if !p.is_null() {
                p.write_volatile(2);
                ok += (free(region, p) == 0) as u64;
            }
        }
    }
    ok
}

#[inline(never)]
fn bench_loop_e5_host(n: u64) -> u64 {
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: malloc'd block written within bounds and freed once.
        unsafe {
            let p = libc::malloc(black_box(32)) as *mut u8;
            if !p.is_null() {
                p.write_volatile(1);
                libc::free(p as *mut c_void);
                ok += 1;
            }
        }
    }
    ok
}

#[inline(never)]
fn bench_loop_e6_marshal(client: *mut Opaque, args: &BenchArgs, n: u64) -> u64 {
    let marshal = ffi::services().rpc_client_marshal;
    // SAFETY: no preconditions; the kernel's static descriptor.
    let pd = unsafe { (ffi::services().rpc_bench_proc)() };
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: live client, the kernel's descriptor, args matching its schema.
        let r = unsafe { marshal(black_box(client), pd, args as *const _ as *const u8) };
        ok += (r > 0) as u64;
    }
    ok
}

#[inline(never)]
fn bench_loop_e6_call(client: *mut Opaque, args: &BenchArgs, expect: i32, n: u64) -> u64 {
    e6_calls(client, args, expect, n)
}

/// E6's specialized arm (another symbol for callgrind; its own client).
#[inline(never)]
fn bench_loop_e6_call_spec(client: *mut Opaque, args: &BenchArgs, expect: i32, n: u64) -> u64 {
    e6_calls(client, args, expect, black_box(n))
}

/// `n` calls of the benchmark procedure through the client's call slot.
#[inline(always)]
fn e6_calls(client: *mut Opaque, args: &BenchArgs, expect: i32, n: u64) -> u64 {
    let call = jitty_os::rpc::call_through_slot;
    // SAFETY: no preconditions; the kernel's static descriptor.
    let pd = unsafe { (ffi::services().rpc_bench_proc)() } as *const Opaque;
    let mut ok = 0;
    for _ in 0..n {
        let mut res = 0i32;
        // SAFETY: as above; `res` is writable for the `int` result.
        let st = unsafe { call(black_box(client), pd, args as *const _ as *const u8, &mut res as *mut i32 as *mut u8) };
        ok += (st == 0 && res == expect) as u64;
    }
    ok
}

#[inline(never)]
fn bench_loop_k_getppid(n: u64) -> u64 {
    let mut ok = 0;
    for _ in 0..n {
        ok += black_box(sys::getppid()).is_ok() as u64;
    }
    ok
}

#[inline(never)]
fn bench_loop_host_pipe_write(fd: i32, n: u64) -> u64 {
    let b = [b'x'];
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: a valid 1-byte buffer.
        ok += (unsafe { libc::write(black_box(fd), b.as_ptr() as *const c_void, 1) } == 1) as u64;
    }
    ok
}

#[inline(never)]
fn bench_loop_host_kill0(pid: i32, n: u64) -> u64 {
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: signal 0 only checks existence and permission.
        ok += (unsafe { libc::kill(black_box(pid), 0) } == 0) as u64;
    }
    ok
}

#[inline(never)]
fn bench_loop_host_getppid(n: u64) -> u64 {
    let mut ok = 0;
    for _ in 0..n {
        // SAFETY: getppid has no preconditions.
        ok += (black_box(unsafe { libc::getppid() }) > 0) as u64;
    }
    ok
}

// ---------------------------------------------------------------------------
// E6: the in-memory transport.

/// The peer of the RPC client: takes the call record, answers with an
/// accepted reply carrying `result` under the call's xid.
#[derive(Debug)]
struct LoopPeer {
    inbuf: Vec<u8>,
    reply: [u8; 32],
    rlen: usize,
    rpos: usize,
    result: i32,
    capture: bool,
    captured: Vec<u8>,
}

unsafe extern "C" fn peer_write(ctx: *mut c_void, buf: *const u8, len: usize) -> isize {
    // SAFETY: `ctx` is the live LoopPeer given to rpc_client_create; `buf` holds `len` bytes.
    let (p, data) = unsafe { (&mut *(ctx as *mut LoopPeer), std::slice::from_raw_parts(buf, len)) };
    p.inbuf.extend_from_slice(data);
    if p.inbuf.len() >= 4 {
        let mark = u32::from_be_bytes([p.inbuf[0], p.inbuf[1], p.inbuf[2], p.inbuf[3]]);
        let n = (mark & 0x7fff_ffff) as usize;
        if p.inbuf.len() >= 4 + n && n >= 4 {
            if p.capture {
                p.captured.clear();
                p.captured.extend_from_slice(&p.inbuf[4..4 + n]);
            }
            let words: [u32; 8] = [
                0x8000_0000 | 28,
                u32::from_be_bytes([p.inbuf[4], p.inbuf[5], p.inbuf[6], p.inbuf[7]]),
                1, // REPLY
                0, // MSG_ACCEPTED
                0, // verifier AUTH_NONE
                0, // verifier length
                0, // SUCCESS
                p.result as u32,
            ];
            for (i, w) in words.iter().enumerate() {
                p.reply[i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
            }
            p.rlen = 32;
            p.rpos = 0;
            p.inbuf.drain(..4 + n);
        }
    }
    len as isize
}

unsafe extern "C" fn peer_read(ctx: *mut c_void, buf: *mut u8, len: usize) -> isize {
    // SAFETY: `ctx` is the live LoopPeer; `buf` is writable for `len` bytes.
    let p = unsafe { &mut *(ctx as *mut LoopPeer) };
    let n = len.min(p.rlen - p.rpos);
    // SAFETY: both ranges are in bounds and do not overlap.
    unsafe { std::ptr::copy_nonoverlapping(p.reply.as_ptr().add(p.rpos), buf, n) };
    p.rpos += n;
    n as isize
}

static PEER_OPS: TransportOps = TransportOps { read: peer_read, write: peer_write };

/// The E6 arguments: `a = 7`, `b = 2^40 + 5`, `s = "hello, jitty"`, `arr = 1..=8`.
#[derive(Debug)]
pub(crate) struct RpcFixture {
    s: Box<[u8]>,
    arr: Box<[i32]>,
    pub(crate) args: BenchArgs,
    pub(crate) expect: i32,
}

impl RpcFixture {
    fn new() -> RpcFixture {
        let mut s: Box<[u8]> = b"hello, jitty\0".to_vec().into_boxed_slice();
        let mut arr: Box<[i32]> = (1..=8).collect::<Vec<i32>>().into_boxed_slice();
        let args = BenchArgs {
            a: 7,
            b: (1i64 << 40) + 5,
            s: s.as_mut_ptr(),
            arr: XdrVar { len: arr.len() as u32, val: arr.as_mut_ptr() as *mut u8 },
        };
        // What the kernel's bench_handler computes: a + b + strlen(s) + sum(arr), as int.
        let sum = 7i64 + (1i64 << 40) + 5 + 12 + (1..=8).sum::<i64>();
        RpcFixture { s, arr, args, expect: sum as i32 }
    }

    /// The string argument (without NUL).
    pub(crate) fn string(&self) -> &[u8] {
        &self.s[..self.s.len() - 1]
    }

    /// The array argument.
    pub(crate) fn array(&self) -> &[i32] {
        &self.arr
    }
}

// ---------------------------------------------------------------------------
// E3: producer–consumer with a mutex and condition variables built on signals.

thread_local! {
    static WOKEN: Cell<bool> = const { Cell::new(false) };
}

extern "C" fn e3_wake(_sig: i32) {
    WOKEN.with(|w| w.set(true));
}

/// The mask bit of SIGUSR1, blocked in both E3 threads outside `sigsuspend`.
const E3_USR1: SigSet = 1 << (SIGUSR1 - 1);

/// State shared by the two E3 processes (their "shared memory").
#[derive(Debug)]
struct E3Shared {
    lock: AtomicBool,
    lock_wait: [AtomicBool; 2],
    cond_wait: [AtomicBool; 2],
    ring: [AtomicU64; E3_SLOTS],
    head: AtomicUsize,
    count: AtomicUsize,
    pids: [i32; 2],
    kills: AtomicU64,
    failed: AtomicBool,
}

/// E3 counters of one batch.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct E3Stats {
    /// Items produced and consumed, in order.
    pub(crate) items: u64,
    /// `kill(peer, SIGUSR1)` calls made.
    pub(crate) kills: u64,
}

impl E3Shared {
    /// Blocks in `sigsuspend` until a SIGUSR1 has been delivered to this
    /// process (its handler sets `WOKEN`); one sent earlier is pending and
    /// ends the wait at once. Callers re-check their condition, so a stale
    /// wake-up only costs a loop.
    fn sig_wait(&self, me: usize) -> bool {
        while !WOKEN.with(|w| w.replace(false)) {
            if self.failed.load(Ordering::Relaxed) {
                return false;
            }
            let empty: SigSet = 0;
            // SAFETY: a valid mask.
            if unsafe { sys::raw::sigsuspend(&empty) } != -(EINTR as isize) {
                self.fail(me);
                return false;
            }
        }
        true
    }

    fn wake(&self, other: usize) {
        self.kills.fetch_add(1, Ordering::Relaxed);
        if sys::kill(self.pids[other], SIGUSR1).is_err() {
            self.failed.store(true, Ordering::SeqCst);
        }
    }

    fn fail(&self, me: usize) {
        self.failed.store(true, Ordering::SeqCst);
        let _ = sys::kill(self.pids[1 - me], SIGUSR1);
    }

    fn lock(&self, me: usize) -> bool {
        loop {
            if !self.lock.swap(true, Ordering::SeqCst) {
                return true;
            }
            self.lock_wait[me].store(true, Ordering::SeqCst);
            if !self.lock.swap(true, Ordering::SeqCst) {
                self.lock_wait[me].store(false, Ordering::SeqCst);
                return true;
            }
            if !self.sig_wait(me) {
                return false;
            }
        }
    }

    fn unlock(&self, me: usize) {
        self.lock.store(false, Ordering::SeqCst);
        if self.lock_wait[1 - me].swap(false, Ordering::SeqCst) {
            self.wake(1 - me);
        }
    }

    /// Waits on this side's condition: called and returns with the lock held.
    fn cond_wait(&self, me: usize) -> bool {
        self.cond_wait[me].store(true, Ordering::SeqCst);
        self.unlock(me);
        self.sig_wait(me) && self.lock(me)
    }

    /// Signals the other side's condition (with the lock held).
    fn cond_signal(&self, me: usize) {
        if self.cond_wait[1 - me].swap(false, Ordering::SeqCst) {
            self.wake(1 - me);
        }
    }
}

#[inline(never)]
fn bench_loop_e3_producer(sh: &E3Shared, n: u64) -> u64 {
    e3_producer(sh, n)
}

#[inline(never)]
fn bench_loop_e3_consumer(sh: &E3Shared, n: u64) -> u64 {
    e3_consumer(sh, n)
}

/// The specialized arm's loops (the same bodies, other symbols for callgrind).
#[inline(never)]
fn bench_loop_e3s_producer(sh: &E3Shared, n: u64) -> u64 {
    e3_producer(sh, black_box(n))
}

#[inline(never)]
fn bench_loop_e3s_consumer(sh: &E3Shared, n: u64) -> u64 {
    e3_consumer(sh, black_box(n))
}

#[inline(always)]
fn e3_producer(sh: &E3Shared, n: u64) -> u64 {
    const ME: usize = 0;
    for v in 1..=n {
        if !sh.lock(ME) {
            return v - 1;
        }
        while sh.count.load(Ordering::Relaxed) == E3_SLOTS {
            if !sh.cond_wait(ME) {
                return v - 1;
            }
        }
        let c = sh.count.load(Ordering::Relaxed);
        let slot = (sh.head.load(Ordering::Relaxed) + c) % E3_SLOTS;
        sh.ring[slot].store(v, Ordering::Relaxed);
        sh.count.store(c + 1, Ordering::Relaxed);
        sh.cond_signal(ME);
        sh.unlock(ME);
    }
    n
}

#[inline(always)]
fn e3_consumer(sh: &E3Shared, n: u64) -> u64 {
    const ME: usize = 1;
    let mut got = 0;
    while got < n {
        if !sh.lock(ME) {
            return got;
        }
        while sh.count.load(Ordering::Relaxed) == 0 {
            if !sh.cond_wait(ME) {
                return got;
            }
        }
        let h = sh.head.load(Ordering::Relaxed);
        let v = sh.ring[h].load(Ordering::Relaxed);
        sh.head.store((h + 1) % E3_SLOTS, Ordering::Relaxed);
        sh.count.store(sh.count.load(Ordering::Relaxed) - 1, Ordering::Relaxed);
        sh.cond_signal(ME);
        sh.unlock(ME);
        if v != got + 1 {
            sh.fail(ME);
            return got;
        }
        got += 1;
    }
    got
}

// ---------------------------------------------------------------------------
// The suite.

/// All experiments set up in the calling host thread's kernel process.
#[derive(Debug)]
pub(crate) struct Suite {
    task: Task,
    self_pid: i32,
    target_pid: i32,
    processes: i32,
    pipe: [i32; 2],
    drain: Vec<u8>,
    file_fd: i32,
    file_pos: u64,
    read_buf: [u8; READ_SIZE],
    best: *mut Opaque,
    pool: *mut Opaque,
    /// E5's specialized arm's region, and whether its slot was plugged.
    best_spec: *mut Opaque,
    best_spec_plugged: Result<jitty_rt::guard::SpecId, String>,
    peer: Box<LoopPeer>,
    client: *mut Opaque,
    /// E6's specialized arm: its peer, its client, and its plug.
    spec_peer: Box<LoopPeer>,
    spec_client: *mut Opaque,
    spec_client_plugged: Result<jitty_rt::guard::SpecId, String>,
    pub(crate) rpc: RpcFixture,
    e3_pids: [i32; 2],
    /// E3's specialized arm's pair.
    e3s_pids: [i32; 2],
    host_pipe: [i32; 2],
    host_pid: i32,
    /// Counters of the last E3 batch.
    pub(crate) e3_last: E3Stats,
    /// The specialized arms, or why they could not be set up.
    spec: Result<SpecWorker, String>,
    /// E8's file, the dependents word and `f_flags` cell of its `File`,
    /// and the slot its dependent plugs.
    e8_fd: i32,
    e8_term: (usize, usize),
    e8_slot: &'static AtomicUsize,
}

/// Number of processes E2/E2' want in the kernel's process table.
pub const TABLE_PROCESSES: i32 = 62;

impl Suite {
    /// Boots the kernel and sets every experiment up (uid/gid 1000 processes).
    pub(crate) fn new(k: Kernel, file_tag: &str, e7_samples: usize) -> Result<Suite, BenchError> {
        let pid = k.spawn_process(1000, 1000).map_err(kerr("spawn_process"))?;
        let target_pid = k.spawn_process(1000, 1000).map_err(kerr("spawn_process"))?;
        let mut e3_pids = [0; 2];
        let mut e3s_pids = [0; 2];
        for p in e3_pids.iter_mut().chain(e3s_pids.iter_mut()) {
            *p = k.spawn_process(1000, 1000).map_err(kerr("spawn_process"))?;
        }
        for &p in e3_pids.iter().chain(e3s_pids.iter()) {
            let t = Task::enter(p).map_err(kerr("task enter"))?;
            sys::signal(SIGUSR1, e3_wake, 0, 0).map_err(kerr("sigaction"))?;
            drop(t);
        }
        while k.nr_processes() < TABLE_PROCESSES {
            k.spawn_process(1000, 1000).map_err(kerr("spawn_process"))?;
        }
        let processes = k.nr_processes();

        let task = Task::enter(pid).map_err(kerr("task enter"))?;
        let pipe = sys::pipe().map_err(kerr("pipe"))?;
        sys::signal(SIGUSR1, on_usr1, 0, 0).map_err(kerr("sigaction"))?;

        let path = format!("/tmp/jitty-bench-{file_tag}");
        let wfd = sys::open(&path, O_WRONLY | O_CREAT | O_TRUNC, 0o644).map_err(kerr("open"))?;
        let content: Vec<u8> = (0..FILE_SIZE).map(|i| (i * 7 % 251) as u8).collect();
        let mut off = 0;
        while off < content.len() {
            off += sys::write(wfd, &content[off..]).map_err(kerr("write file"))?;
        }
        sys::close(wfd).map_err(kerr("close"))?;
        let file_fd = sys::open(&path, O_RDONLY, 0).map_err(kerr("open"))?;
        let e8_fd = sys::open(&path, O_RDONLY, 0).map_err(kerr("open"))?;
        let e8_term = e8_flags_term(e8_fd)?;

        let hs = ffi::services();
        // SAFETY: the kernel's default region, and a region of the pool method
        // over the heap discipline (kernel statics the table hands out).
        let (best, pool) = unsafe {
            (
                (hs.vmalloc_default_region)(),
                (hs.vmalloc_region_open)((hs.vmalloc_heap_discipline)(), (hs.vmalloc_method)(ffi::METHOD_POOL), 0),
            )
        };
        check(!best.is_null() && !pool.is_null(), "vmalloc regions")?;
        // E5's specialized arm: a best-fit region of its own over the heap.
        // SAFETY: kernel statics from the table.
        let best_spec = unsafe {
            (hs.vmalloc_region_open)((hs.vmalloc_heap_discipline)(), (hs.vmalloc_method)(ffi::METHOD_BEST), 0)
        };
        check(!best_spec.is_null(), "vmalloc region")?;
        let best_spec_plugged = jitty_os::spec::Specializer::get()
            .and_then(|d| d.specialize("malloc", &[best_spec as u64, 32]).and_then(|s| d.plug(s)));

        let rpc = RpcFixture::new();
        let mut peer = Box::new(LoopPeer {
            inbuf: Vec::with_capacity(1024),
            reply: [0; 32],
            rlen: 0,
            rpos: 0,
            result: rpc.expect,
            capture: false,
            captured: Vec::with_capacity(1024),
        });
        // SAFETY: the ops table is static and the peer outlives the client (destroyed first in Drop).
        let client = unsafe {
            (hs.rpc_client_create)(&PEER_OPS, &mut *peer as *mut LoopPeer as *mut c_void, std::ptr::null(), 1024)
        };
        check(!client.is_null(), "rpc_client_create")?;
        let mut spec_peer = Box::new(LoopPeer {
            inbuf: Vec::with_capacity(1024),
            reply: [0; 32],
            rlen: 0,
            rpos: 0,
            result: rpc.expect,
            capture: false,
            captured: Vec::with_capacity(1024),
        });
        // SAFETY: as above (the spec peer outlives its client too).
        let spec_client = unsafe {
            (hs.rpc_client_create)(&PEER_OPS, &mut *spec_peer as *mut LoopPeer as *mut c_void, std::ptr::null(), 1024)
        };
        check(!spec_client.is_null(), "rpc_client_create")?;
        // SAFETY: the kernel's static descriptor.
        let pd = unsafe { (hs.rpc_bench_proc)() };
        let spec_client_plugged = jitty_os::spec::Specializer::get()
            .and_then(|d| d.specialize("rpc", &[spec_client as u64, pd as u64]).and_then(|s| d.plug(s)));

        let mut host_pipe = [0i32; 2];
        // SAFETY: valid out-array of two fds.
        check(unsafe { libc::pipe(host_pipe.as_mut_ptr()) } == 0, "host pipe")?;
        // SAFETY: getpid has no preconditions.
        let host_pid = unsafe { libc::getpid() };

        Ok(Suite {
            task,
            self_pid: pid,
            target_pid,
            processes,
            pipe,
            drain: vec![0; 64 * 1024],
            file_fd,
            file_pos: 0,
            read_buf: [0; READ_SIZE],
            best,
            pool,
            best_spec,
            best_spec_plugged,
            peer,
            client,
            spec_peer,
            spec_client,
            spec_client_plugged,
            rpc,
            e3_pids,
            e3s_pids,
            host_pipe,
            host_pid,
            e3_last: E3Stats::default(),
            spec: SpecWorker::start(k, target_pid, path.clone(), e7_samples).map_err(|e| e.to_string()),
            e8_fd,
            e8_term,
            e8_slot: Box::leak(Box::new(AtomicUsize::new(E8_GENERIC))),
        })
    }

    /// Installs a specialization that depends on E8's file's flags (a
    /// dummy plug: the slot is the suite's own word, never called).
    fn e8_depend(&self) -> Result<(), BenchError> {
        use jitty_rt::guard::{Plug, Specialization, Term};
        let (deps_word, field) = self.e8_term;
        // SAFETY: a live File's f_flags cell (a Quasi<u32>, an atomic word).
        let value = u64::from(unsafe { (*(field as *const std::sync::atomic::AtomicU32)).load(Ordering::Relaxed) });
        let spec = Specialization {
            terms: vec![Term { deps_word, field, size: 4, value }],
            plug: Plug { slot: self.e8_slot as *const AtomicUsize as usize, generic: E8_GENERIC, code: E8_CODE },
        };
        jitty_rt::guard::host::runtime()
            .install(spec, None)
            .map(drop)
            .map_err(|e| BenchError::Check(format!("E8 install: {e}")))
    }

    /// E7's samples (empty if the specialized arms could not start).
    pub(crate) fn spec_latency(&self) -> Vec<SpecLatency> {
        self.spec.as_ref().map(|w| w.latency.clone()).unwrap_or_default()
    }

    /// Why the specialized arms could not start, if they could not.
    pub(crate) fn spec_error(&self) -> Option<String> {
        self.spec.as_ref().err().cloned()
    }

    /// Processes in the kernel table when set up.
    pub(crate) fn processes(&self) -> i32 {
        self.processes
    }

    /// SIGUSR1 deliveries to the benchmark process so far.
    pub(crate) fn usr1_delivered() -> u64 {
        USR1_DELIVERED.load(Ordering::Relaxed)
    }

    /// Turns capture of the last RPC call message on or off.
    pub(crate) fn set_rpc_capture(&mut self, on: bool) {
        self.peer.capture = on;
    }

    /// The last call message the RPC peer received (with capture on).
    pub(crate) fn rpc_captured(&self) -> &[u8] {
        &self.peer.captured
    }

    /// Runs `n` operations of `e`; returns the time spent in the measured
    /// loops (work between them is excluded).
    pub(crate) fn run(&mut self, e: Experiment, n: u64) -> Result<Duration, BenchError> {
        let _ = &self.task;
        let mut t = Duration::ZERO;
        let ok = match e {
            Experiment::E1PipeWrite => {
                let (d, done) =
                    pipe_writes(self.pipe, &mut self.drain, b'x', n, bench_loop_e1, "E1 bytes come out of the pipe")?;
                t = d;
                done
            }
            Experiment::E1PipeWriteSpec
            | Experiment::E2KillUsr1Spec
            | Experiment::E2pKill0Spec
            | Experiment::E4Read16Spec => {
                let w = self.spec.as_ref().map_err(|e| BenchError::Check(e.clone()))?;
                let (d, done) = w.run(e, n)?;
                t = d;
                done
            }
            Experiment::E8Unguarded => {
                let s = Instant::now();
                let r = bench_loop_e8_unguarded(self.e8_fd, n);
                t = s.elapsed();
                r
            }
            Experiment::E8Guarded => {
                let mut ok = 0;
                for i in 0..n {
                    let flags = if i & 1 == 0 { O_APPEND } else { 0 };
                    self.e8_depend()?;
                    let s = Instant::now();
                    ok += bench_loop_e8_guarded_op(self.e8_fd, flags);
                    t += s.elapsed();
                }
                check(self.e8_slot.load(Ordering::Relaxed) == E8_GENERIC, "E8 the write unplugged its dependent")?;
                ok
            }
            Experiment::E2KillUsr1 => {
                let before = Suite::usr1_delivered();
                let s = Instant::now();
                let r = bench_loop_e2(self.self_pid, n);
                t = s.elapsed();
                check(Suite::usr1_delivered() - before == n, "E2 handler ran once per kill")?;
                r
            }
            Experiment::E2pKill0 => {
                let s = Instant::now();
                let r = bench_loop_e2p(self.target_pid, n);
                t = s.elapsed();
                r
            }
            Experiment::E3ProdCons => {
                let (d, st) = self.run_e3(n, false)?;
                self.e3_last = st;
                t = d;
                st.items
            }
            Experiment::E3ProdConsSpec => {
                let (d, st) = self.run_e3(n, true)?;
                t = d;
                st.items
            }
            Experiment::E4Read16 => {
                let fd = self.file_fd;
                let (d, done) =
                    file_reads(fd, &mut self.file_pos, &mut self.read_buf, n, "E4 read the file's bytes", |b, k| {
                        bench_loop_e4(fd, b, k)
                    })?;
                t = d;
                done
            }
            Experiment::E5VmBestSpec => {
                self.best_spec_plugged.clone().map_err(|e| BenchError::Check(format!("E5s: {e}")))?;
                let s = Instant::now();
                let r = bench_loop_e5_best_spec(self.best_spec, n);
                t = s.elapsed();
                r
            }
            Experiment::E5VmBest => {
                let s = Instant::now();
                let r = bench_loop_e5_best(self.best, n);
                t = s.elapsed();
                r
            }
            Experiment::E5VmPool => {
                let s = Instant::now();
                let r = bench_loop_e5_pool(self.pool, n);
                t = s.elapsed();
                r
            }
            Experiment::E5HostMalloc => {
                let s = Instant::now();
                let r = bench_loop_e5_host(n);
                t = s.elapsed();
                r
            }
            Experiment::E6Marshal => {
                let s = Instant::now();
                let r = bench_loop_e6_marshal(self.client, &self.rpc.args, n);
                t = s.elapsed();
                r
            }
            Experiment::E6Call => {
                let s = Instant::now();
                let r = bench_loop_e6_call(self.client, &self.rpc.args, self.rpc.expect, n);
                t = s.elapsed();
                r
            }
            Experiment::E6CallSpec => {
                self.spec_client_plugged.clone().map_err(|e| BenchError::Check(format!("E6s: {e}")))?;
                let _ = &self.spec_peer;
                let s = Instant::now();
                let r = bench_loop_e6_call_spec(self.spec_client, &self.rpc.args, self.rpc.expect, n);
                t = s.elapsed();
                r
            }
            Experiment::KGetppid => {
                let s = Instant::now();
                let r = bench_loop_k_getppid(n);
                t = s.elapsed();
                r
            }
            Experiment::HostPipeWrite => {
                let mut done = 0;
                let mut left = n;
                while left > 0 {
                    let k = left.min(PIPE_CHUNK);
                    let s = Instant::now();
                    let w = bench_loop_host_pipe_write(self.host_pipe[1], k);
                    t += s.elapsed();
                    done += w;
                    let mut got = 0usize;
                    while got < w as usize {
                        // SAFETY: a valid buffer.
                        let r = unsafe {
                            libc::read(self.host_pipe[0], self.drain.as_mut_ptr() as *mut c_void, self.drain.len())
                        };
                        check(r > 0, "drain host pipe")?;
                        got += r as usize;
                    }
                    left -= k;
                }
                done
            }
            Experiment::HostKill0 => {
                let s = Instant::now();
                let r = bench_loop_host_kill0(self.host_pid, n);
                t = s.elapsed();
                r
            }
            Experiment::HostGetppid => {
                let s = Instant::now();
                let r = bench_loop_host_getppid(n);
                t = s.elapsed();
                r
            }
        };
        if ok != n {
            return Err(BenchError::Check(format!("{}: {ok} of {n} operations succeeded", e.key())));
        }
        Ok(t)
    }

    /// One E3 batch; `spec`: the specialized arm (its own pair of
    /// processes, each side's kill of the other specialized and plugged).
    fn run_e3(&mut self, n: u64, spec: bool) -> Result<(Duration, E3Stats), BenchError> {
        let pids = if spec { self.e3s_pids } else { self.e3_pids };
        let sh = Arc::new(E3Shared {
            lock: AtomicBool::new(false),
            lock_wait: [AtomicBool::new(false), AtomicBool::new(false)],
            cond_wait: [AtomicBool::new(false), AtomicBool::new(false)],
            ring: std::array::from_fn(|_| AtomicU64::new(0)),
            head: AtomicUsize::new(0),
            count: AtomicUsize::new(0),
            pids,
            kills: AtomicU64::new(0),
            failed: AtomicBool::new(false),
        });
        let barrier = Arc::new(Barrier::new(2));
        let mut handles = Vec::new();
        for me in 0..2usize {
            let (sh, barrier, pid, peer) = (Arc::clone(&sh), Arc::clone(&barrier), pids[me], pids[1 - me]);
            handles.push(std::thread::spawn(move || -> Result<(Instant, Instant, u64), BenchError> {
                let task = Task::enter(pid);
                if task.is_err() || sys::sigprocmask(SIG_BLOCK, Some(E3_USR1)).is_err() {
                    sh.failed.store(true, Ordering::SeqCst);
                }
                let mut plug_error = None;
                if spec && task.is_ok() {
                    // The thread is new to its process: specialize for it.
                    let r = jitty_os::spec::Specializer::get().and_then(|d| {
                        d.specialize("kill", &[sys::current() as u64, peer as u64, SIGUSR1 as u64])
                            .and_then(|s| d.plug(s))
                    });
                    if let Err(e) = r {
                        sh.failed.store(true, Ordering::SeqCst);
                        plug_error = Some(e);
                    }
                }
                barrier.wait();
                let _task = task.map_err(kerr("task enter"))?;
                if let Some(e) = plug_error {
                    return Err(BenchError::Check(format!("E3s: specialize kill: {e}")));
                }
                if sh.failed.load(Ordering::SeqCst) {
                    return Err(BenchError::Check("E3: the peer could not enter its process".into()));
                }
                WOKEN.with(|w| w.set(false));
                let s = Instant::now();
                let done = match (spec, me) {
                    (false, 0) => bench_loop_e3_producer(&sh, n),
                    (false, _) => bench_loop_e3_consumer(&sh, n),
                    (true, 0) => bench_loop_e3s_producer(&sh, n),
                    (true, _) => bench_loop_e3s_consumer(&sh, n),
                };
                Ok((s, Instant::now(), done))
            }));
        }
        let mut start: Option<Instant> = None;
        let mut end: Option<Instant> = None;
        let mut items = u64::MAX;
        for h in handles {
            let (s, e, d) = h.join().map_err(|_| BenchError::Check("E3 thread panicked".into()))??;
            start = Some(start.map_or(s, |x| x.min(s)));
            end = Some(end.map_or(e, |x| x.max(e)));
            items = items.min(d);
        }
        check(!sh.failed.load(Ordering::SeqCst), "E3 protocol")?;
        let d = match (start, end) {
            (Some(s), Some(e)) => e - s,
            _ => Duration::ZERO,
        };
        Ok((d, E3Stats { items, kills: sh.kills.load(Ordering::Relaxed) }))
    }

    /// Allocates `k` blocks of 32 bytes from the best and pool regions,
    /// checks they are distinct and writable, frees them (E5 self-check).
    pub(crate) fn check_regions(&mut self, k: usize) -> Result<(), BenchError> {
        for region in [self.best, self.pool] {
            let mut ptrs = Vec::with_capacity(k);
            for i in 0..k {
                // SAFETY: a live region.
                let p = unsafe { (ffi::services().vmalloc_alloc)(region, 32) };
                check(!p.is_null(), "E5 allocation")?;
                // SAFETY: the block is 32 bytes.
                unsafe { std::ptr::write_bytes(p, i as u8, 32) };
                ptrs.push(p);
            }
            for (i, &p) in ptrs.iter().enumerate() {
                // SAFETY: reading back within the block.
                check(unsafe { *p.add(31) } == i as u8, "E5 blocks are distinct and writable")?;
            }
            let mut sorted = ptrs.clone();
            sorted.sort();
            sorted.dedup();
            check(sorted.len() == k, "E5 pointers are distinct")?;
            for p in ptrs {
                // SAFETY: each block once.
                check(unsafe { (ffi::services().vmalloc_free)(region, p) } == 0, "E5 free")?;
            }
            // SAFETY: a live region.
            check(unsafe { (ffi::services().vmalloc_check)(region) } == 0, "E5 region consistency")?;
        }
        Ok(())
    }
}

impl Drop for Suite {
    fn drop(&mut self) {
        // SAFETY: the client and pool region were created in `new` and are not used afterwards.
        unsafe {
            (ffi::services().rpc_client_destroy)(self.client);
            if let Ok(id) = self.spec_client_plugged {
                jitty_rt::guard::host::runtime().uninstall(id, None);
            }
            (ffi::services().rpc_client_destroy)(self.spec_client);
            (ffi::services().vmalloc_region_close)(self.pool);
            // The region's slot goes with it: unplug first.
            if let Ok(id) = self.best_spec_plugged {
                jitty_rt::guard::host::runtime().uninstall(id, None);
            }
            (ffi::services().vmalloc_region_close)(self.best_spec);
            libc::close(self.host_pipe[0]);
            libc::close(self.host_pipe[1]);
        }
        let _ = sys::close(self.file_fd);
        let _ = sys::close(self.pipe[0]);
        let _ = sys::close(self.pipe[1]);
    }
}

/// Decodes an RPC call message (RFC 5531 header, AUTH_NONE) of the benchmark
/// procedure with an XDR decoder independent of the kernel's, and checks it
/// carries exactly the fixture's arguments: decode(encode(x)) == x.
pub(crate) fn check_call_message(msg: &[u8], fx: &RpcFixture) -> Result<(), BenchError> {
    struct Dec<'a>(&'a [u8], usize);
    impl Dec<'_> {
        fn u32(&mut self) -> Result<u32, BenchError> {
            let b = self.0.get(self.1..self.1 + 4).ok_or_else(|| BenchError::Check("E6 message too short".into()))?;
            self.1 += 4;
            Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
        fn bytes(&mut self, n: usize) -> Result<&[u8], BenchError> {
            let padded = n.div_ceil(4) * 4;
            let b = self.0.get(self.1..self.1 + n).ok_or_else(|| BenchError::Check("E6 message too short".into()))?;
            self.1 += padded;
            Ok(b)
        }
    }
    let mut d = Dec(msg, 0);
    let _xid = d.u32()?;
    let header = [d.u32()?, d.u32()?, d.u32()?, d.u32()?, d.u32()?];
    check(header == [0, 2, ffi::BENCH_PROG, ffi::BENCH_VERS, ffi::BENCH_PROCNUM], "E6 call header")?;
    check([d.u32()?, d.u32()?, d.u32()?, d.u32()?] == [0, 0, 0, 0], "E6 AUTH_NONE credentials")?;
    let a = d.u32()? as i32;
    let b = ((d.u32()? as u64) << 32 | d.u32()? as u64) as i64;
    let slen = d.u32()? as usize;
    let s = d.bytes(slen)?.to_vec();
    let alen = d.u32()? as usize;
    let mut arr = Vec::with_capacity(alen);
    for _ in 0..alen {
        arr.push(d.u32()? as i32);
    }
    check(d.1 == msg.len(), "E6 message length")?;
    check(a == fx.args.a && b == fx.args.b, "E6 scalar arguments round-trip")?;
    check(s == fx.string(), "E6 string argument round-trips")?;
    check(arr == fx.array(), "E6 array argument round-trips")
}
