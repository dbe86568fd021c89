//! # The JITTY kernel
//!
//! A Unix-like kernel written once, generically, the way a Linux engineer
//! would write it, and compiled by one rustc invocation to a native object
//! and to LLVM IR (see `crates/jitty-os/build.rs`). It has no crate
//! dependencies: `#![no_std]` + `alloc`, and reaches its host only through
//! the HAL ([`hal`]).
//!
//! ## Layers
//!
//! The modules form a used-by hierarchy: a module uses only modules of
//! lower layers (and of its own line where the line says so), never one
//! above it. Lowest first:
//!
//! ```text
//!  1  abi, hal     user ABI (shared with the host by #[path]); the HAL externs   uses nothing
//!  2  sync, mm     locks, wait queues; pages, page maps, heap, user copies       hal, abi
//!  3  annotations  Const, Quasi, QuasiDeps (and, for now, the spec-point table)   hal
//!  4  kobj         the mutually pointing object declarations: Process, Thread,
//!                  SigHand, File, FileOps, Fdtable, FilesStruct, Inode, GFT type  1-3
//!  5  inode        inode allocation, igrab/iput                                  1-4
//!  6  file         File alloc/fput, descriptor tables (fdget, install, dup)       1-5
//!  7  vfs          path walk, permissions, namespace ops, RAM fs file ops         1-6
//!     task         process/thread references, pid table, enter/leave, creds       1-6
//!  8  exit         group exit and teardown; hands the parent's notification up   1-7
//!  9  signal       kill → permission → send_signal, sigaction/mask, delivery,
//!                  notify_parent_exit, group_exit, finish_exit                   1-8
//! 10  pipe         ring buffer, pipe_read/pipe_write/pipe_release                1-9
//!     process      create_init, do_spawn (the caller names the GFT), wait4       1-9
//! 11  syscall      jk_sys_* entries, GENERIC_GFT, ksys_*, exit_to_user           1-10
//!     vmalloc, rpc self-contained region allocator, XDR/RPC                      annotations, abi
//! 12  rpc_pipe     RPC over kernel pipes                                         rpc, syscall, kobj, abi
//! 13  check        boot, layout probe, invariant checker                        all below
//! 14  services     JK_HOST_SERVICES, the host-services table                    check, vmalloc, rpc(_pipe)
//! ```
//!
//! Calls that would go up are inverted: a pipe frees itself when its last
//! end is released (not in `iput`); exit returns an [`exit::ExitNotice`]
//! that its caller hands to [`signal::notify_parent_exit`]; a new process's
//! dispatch table is passed in by the caller of [`process::do_spawn`] and
//! [`process::create_init`]. `crates/jitty/tests/kernel_layers.rs` fails on
//! any import cycle between these modules.

//! ## Calling convention
//!
//! Every syscall is `extern "C" fn jk_sys_NAME(current: *mut Thread, args…)`
//! returning a value or `-errno`; the host calls it through the process's
//! dispatch table, `current->process->gft->NAME` ([`syscall::GENERIC_GFT`]
//! is the generic table). A host thread obtains its `current` with
//! `jk_task_enter(pid)` (thread-less process) or `clone_thread` (another
//! thread of the caller's process) and gives it back with `jk_task_leave`.
//!
//! ## API for in-kernel modules (vmalloc, rpc)
//!
//! Kernel modules call the `ksys_*` layer directly, on behalf of a thread
//! (`cur: &Thread`), and get `Result<isize, errno>`:
//!
//! | function | does |
//! | --- | --- |
//! | [`syscall::ksys_pipe2`]`(cur, fds: *mut i32, flags)` | pipe; `fds[0]` read end, `fds[1]` write end |
//! | [`syscall::ksys_read`]`(cur, fd, buf, len)` / [`syscall::ksys_write`]`(cur, fd, buf, len)` | read/write through the VFS (blocking, EINTR, EPIPE) |
//! | [`syscall::ksys_close`]`(cur, fd)`, [`syscall::ksys_dup2`]`(cur, old, new)`, [`syscall::ksys_fcntl`]`(cur, fd, cmd, arg)` | descriptor management |
//! | [`syscall::ksys_spawn`]`(cur)` | fork-like child; then [`task::task_enter`]`(pid)` from another host thread |
//! | [`task::clone_thread`]`(cur)`, [`task::task_leave`]`(t)` | more threads / release a thread |
//! | [`task::find_get_process`]`(pid)` / [`task::put_process`] | reference a process by pid |
//! | [`mm::alloc_pages`]`(n)` / [`mm::free_pages`] | page allocator (HAL backed) |
//! | [`sync::Mutex`], [`sync::SpinLock`], [`sync::WaitQueue`] | kernel locks |
//! | [`annotations::Const`], [`annotations::Quasi`], [`annotations::QuasiDeps`] | specialization annotations |
//!
//! From the host, the same operations go through the `extern "C"` entries
//! of the process's GFT (`gft->pipe2(cur, fds, flags)`, `read`, `write`, …);
//! every non-syscall entry (boot, tasks, vmalloc, RPC) through the
//! host-services table [`services::JK_HOST_SERVICES`] ([`abi::HostServices`]).
//!
//! ## Annotations
//!
//! Every field of every kernel object is deliberately `Const` (set at
//! construction), `Quasi` (guarded writes; the object's `deps` word is its
//! QUID) or plain (dynamic); see each struct's field docs. Specialization
//! points are the `JK_SPEC_POINTS` table in [`annotations`].

#![cfg_attr(not(any(test, feature = "testhal")), no_std)]
#![warn(missing_docs)]
// Kernel entry points take user pointers and validate them (`access_ok`,
// EFAULT) as a kernel does: passing a bad pointer is not undefined behavior
// for the caller, so these functions are deliberately not `unsafe fn`.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

extern crate alloc;

pub mod abi;
pub mod annotations;
pub mod check;
pub mod exit;
pub mod file;
pub mod hal;
pub mod inode;
pub mod kobj;
pub mod mm;
pub mod pipe;
pub mod process;
pub mod rpc;
pub mod rpc_pipe;
pub mod services;
pub mod signal;
pub mod sync;
pub mod syscall;
pub mod task;
pub mod vfs;
pub mod vmalloc;

#[cfg(any(test, feature = "testhal"))]
pub mod testhal;
#[cfg(test)]
mod tests;

/// Last-resort panic handler of a stand-alone kernel image: report through
/// the HAL and abort. The kernel returns errno on every bad input; reaching
/// this is a kernel bug. (Hosted in jitty-os, the host's handler is used.)
#[cfg(all(feature = "standalone", not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let msg = info.message().as_str().unwrap_or("kernel panic");
    // SAFETY: `msg` is a valid byte range; hal_panic does not return.
    unsafe { hal::hal_panic(msg.as_ptr(), msg.len()) }
}
