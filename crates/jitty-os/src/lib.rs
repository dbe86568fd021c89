//! # jitty-os: the host of the JITTY kernel
//!
//! * `build.rs` compiles `crates/jitty-kernel` with one rustc run to a native
//!   object (linked into every binary using this crate) and LLVM IR
//!   ([`image::KERNEL_IR`], embedded).
//! * [`hal`] implements the kernel's HAL (`hal_*`) on Linux.
//! * [`boot`] boots the kernel once per process and runs the start-up check
//!   ([`image::check_image`]); on a mismatch it says why and the native
//!   kernel runs alone (specialization disabled).
//! * [`annot`] reads the kernel's type descriptors and spec points and
//!   walks their typed paths over live memory.
//! * [`syscall`] is the syscall ABI as a program sees it: each call goes
//!   through `current->process->gft`.
//! * [`vmalloc`] wraps the kernel's Vmalloc regions (host services) safely.
//! * [`Task`] attaches the calling host thread to a kernel process
//!   (`current`), [`Kernel::spawn_process`] creates processes.
//!
//! What a benchmark needs: `boot()`, `Kernel::spawn_process(uid, gid)` +
//! `Task::enter(pid)` for a single-threaded process, `syscall::pipe()`,
//! `syscall::write(fd, &[b])` (the GFT path), `syscall::spawn()` (children
//! inherit signal handlers) and `syscall::kill(pid, 0 | SIGUSR1)`, and
//! `syscall::open/read` for small sequential file reads.

use std::ffi::c_void;
use std::sync::OnceLock;
use std::sync::atomic::Ordering;

#[path = "../../jitty-kernel/src/abi.rs"]
pub mod abi;
pub mod annot;
pub mod hal;
pub mod image;
pub mod rpc;
pub mod spec;
pub mod syscall;
pub mod vmalloc;

pub use image::{ImageReport, check_image};
pub use syscall::{Errno, SysResult};

/// Why the kernel could not boot.
#[derive(Debug, thiserror::Error)]
pub enum BootError {
    /// `jk_boot` failed with this errno.
    #[error("kernel boot failed: errno {0}")]
    Kernel(i32),
    /// The layout probe gave no usable offsets for the dispatch path.
    #[error("kernel layout probe unusable: {0}")]
    Probe(String),
}

/// The booted kernel (a handle; the kernel is a per-process singleton).
#[derive(Debug, Clone, Copy)]
pub struct Kernel {
    report: &'static ImageReport,
}

static BOOT: OnceLock<Result<ImageReport, String>> = OnceLock::new();
static IR_MODULE: OnceLock<Option<std::sync::Arc<jitty_ir::Module>>> = OnceLock::new();

/// Boots the kernel (once per process) and runs the image check. A failed
/// image check is not an error: it is reported and specialization stays off.
pub fn boot() -> Result<Kernel, BootError> {
    let r = BOOT.get_or_init(|| {
        hal::install_fault_handler();
        // SAFETY: jk_boot is idempotent and has no preconditions.
        let rc = image::in_kernel(|s| unsafe { (s.boot)() });
        if rc != 0 {
            return Err(format!("errno {}", -rc));
        }
        let (report, module) = image::check_image_with_module(image::KERNEL_IR);
        let _ = IR_MODULE.set(module);
        let (op, og) = (report.probe.get(12).copied(), report.probe.get(4).copied());
        match (op, og) {
            (Some(op), Some(og)) if op < 4096 && og < 4096 => {
                syscall::OFF_THREAD_PROCESS.store(op as usize, Ordering::Relaxed);
                syscall::OFF_PROCESS_GFT.store(og as usize, Ordering::Relaxed);
            }
            _ => return Err("probe offsets".to_string()),
        }
        if !report.ok() {
            eprintln!("jitty: {report}");
            eprintln!("jitty: kernel image check failed; running the native kernel without specialization");
        }
        Ok(report)
    });
    match r {
        Ok(report) => Ok(Kernel { report }),
        Err(e) if e.starts_with("errno") => Err(BootError::Kernel(e[6..].parse().unwrap_or(0))),
        Err(e) => Err(BootError::Probe(e.clone())),
    }
}

impl Kernel {
    /// The start-up check's report.
    pub fn image_report(&self) -> &'static ImageReport {
        self.report
    }

    /// Whether IR and native kernel agree, so specialization may be used.
    pub fn specialization_enabled(&self) -> bool {
        self.report.ok()
    }

    /// The kernel's LLVM IR.
    pub fn ir(&self) -> &'static str {
        image::KERNEL_IR
    }

    /// The kernel's IR, parsed once at boot (None if the parser rejected it).
    pub fn ir_module(&self) -> Option<&'static jitty_ir::Module> {
        IR_MODULE.get().and_then(|m| m.as_deref())
    }

    /// Creates a thread-less process (child of init) with all uids `uid` and
    /// gids `gid`; enter it with [`Task::enter`].
    pub fn spawn_process(&self, uid: u32, gid: u32) -> SysResult<abi::Pid> {
        // SAFETY: the kernel is booted.
        let r = image::in_kernel(|s| unsafe { (s.admin_spawn)(uid, gid) });
        if r < 0 { Err(Errno(-r)) } else { Ok(r) }
    }

    /// Makes `table` the dispatch table of process `pid` (its trap vector:
    /// a copy of the generic table whose slots the runtime may plug). A
    /// guarded write of the process's `gft`.
    pub fn set_dispatch_table(&self, pid: abi::Pid, table: &'static image::HostGft) -> SysResult<()> {
        // SAFETY: the kernel is booted; `table` lives for the rest of the
        // process and has the kernel's GFT layout.
        let r = image::in_kernel(|s| unsafe { (s.set_dispatch_table)(pid, table) });
        if r < 0 { Err(Errno(-r)) } else { Ok(()) }
    }

    /// Number of pids in use.
    pub fn nr_processes(&self) -> i32 {
        // SAFETY: the kernel is booted.
        image::in_kernel(|s| unsafe { (s.nr_processes)() })
    }

    /// `PF_*` state bits of a process (exiting 1, stopped 2, zombie 4).
    pub fn process_flags(&self, pid: abi::Pid) -> SysResult<u32> {
        // SAFETY: the kernel is booted.
        let r = image::in_kernel(|s| unsafe { (s.process_flags)(pid) });
        if r < 0 { Err(Errno(-r)) } else { Ok(r as u32) }
    }

    /// Runs the kernel's invariant checker; `Err(code)` names the violated invariant.
    pub fn check_invariants(&self) -> Result<(), i32> {
        // SAFETY: the kernel is booted.
        match image::in_kernel(|s| unsafe { (s.check_invariants)() }) {
            0 => Ok(()),
            e => Err(e),
        }
    }
}

/// A kernel thread not yet adopted by a host thread (from [`syscall::clone_thread`]).
#[derive(Debug)]
pub struct ThreadHandle(pub(crate) *mut c_void);

// SAFETY: the handle is an owned kernel thread meant to move to another host thread.
unsafe impl Send for ThreadHandle {}

impl Drop for ThreadHandle {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: an owned, unadopted thread: not inside any syscall.
            image::in_kernel(|s| unsafe { (s.task_leave)(self.0) });
        }
    }
}

/// The calling host thread's membership in a kernel process: while it
/// lives, `syscall::*` act as that process's thread (`current`).
#[derive(Debug)]
pub struct Task {
    thread: *mut c_void,
    prev: *mut c_void,
}

impl Task {
    /// Enters the thread-less process `pid` on the calling host thread.
    pub fn enter(pid: abi::Pid) -> SysResult<Task> {
        let mut t: *mut c_void = std::ptr::null_mut();
        // SAFETY: valid out-parameter.
        let r = image::in_kernel(|s| unsafe { (s.task_enter)(pid, &mut t) });
        if r < 0 {
            return Err(Errno(-r));
        }
        let prev = syscall::set_current(t);
        Ok(Task { thread: t, prev })
    }

    /// Adopts a thread created by [`syscall::clone_thread`] on the calling host thread.
    pub fn adopt(mut h: ThreadHandle) -> Task {
        let t = std::mem::replace(&mut h.0, std::ptr::null_mut());
        let prev = syscall::set_current(t);
        Task { thread: t, prev }
    }

    /// The kernel thread pointer (`current`).
    pub fn as_ptr(&self) -> *mut c_void {
        self.thread
    }

    /// Runs `f` with this task current on the calling host thread, then
    /// restores the task that was current before: a host thread that holds
    /// several tasks (a scheduler, a test driving many processes) acts for
    /// one at a time. A [`Task`] is not `Send`, so it is never current on
    /// two host threads at once.
    pub fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        let prev = syscall::set_current(self.thread);
        let r = f();
        syscall::set_current(prev);
        r
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        syscall::set_current(self.prev);
        // SAFETY: our thread; no syscall is in progress on it (we are not inside one).
        image::in_kernel(|s| unsafe { (s.task_leave)(self.thread) });
    }
}
