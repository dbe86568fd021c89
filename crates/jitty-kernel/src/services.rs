//! The host-services ABI table: every non-syscall entry the host may call,
//! exported as the `#[no_mangle]` static `JK_HOST_SERVICES`
//! ([`abi::HostServices`], declared once in the ABI the host shares).
//!
//! The host reaches the kernel only through the syscall ABI (a process's
//! GFT), the GFT itself and this table. Each entry is the kernel's generic
//! function; specialized versions of `vmalloc_alloc` or `rpc_call` belong in
//! per-object method and procedure tables, not here. This is the top layer:
//! it names entry points of `check`, `vmalloc`, `rpc` and `rpc_pipe`.

use crate::abi::{self, HostServiceTypes, HostServices};
use crate::check::{
    jk_admin_spawn, jk_boot, jk_check_invariants, jk_layout_probe, jk_nr_processes, jk_process_flags,
    jk_set_dispatch_table, jk_task_enter, jk_task_leave,
};
use crate::kobj::Thread;
use crate::rpc::{
    Auth, RpcClient, RpcServer, rpc_call, rpc_call_dispatch, rpc_client_create, rpc_client_destroy, rpc_client_marshal,
};
use crate::rpc_pipe::{
    rpc_bench_proc, rpc_bench_server_create, rpc_pipe_client_create, rpc_pipe_client_destroy, rpc_pipe_serve_one,
    rpc_server_destroy,
};
use crate::vmalloc::{
    Discipline, Method, Region, vmalloc_alloc, vmalloc_alloc_dispatch, vmalloc_check, vmalloc_default_region,
    vmalloc_free, vmalloc_heap_discipline, vmalloc_method, vmalloc_region_close, vmalloc_region_open,
    vmalloc_region_set,
};

/// The kernel's own types behind the host-services entries.
#[derive(Debug)]
pub enum KernelTypes {}

impl HostServiceTypes for KernelTypes {
    type Thread = Thread;
    type Region = Region;
    type Method = Method;
    type Discipline = Discipline;
    type Auth = Auth;
    type RpcClient = RpcClient;
    type RpcServer = RpcServer<'static>;
    type ProcDesc = crate::rpc::ProcDesc<'static>;
}

/// The host-services table.
#[unsafe(no_mangle)]
pub static JK_HOST_SERVICES: HostServices<KernelTypes> = abi::HostServices {
    boot: jk_boot,
    admin_spawn: jk_admin_spawn,
    task_enter: jk_task_enter,
    task_leave: jk_task_leave,
    nr_processes: jk_nr_processes,
    process_flags: jk_process_flags,
    check_invariants: jk_check_invariants,
    layout_probe: jk_layout_probe,
    set_dispatch_table: jk_set_dispatch_table,
    vmalloc_region_open,
    vmalloc_region_close,
    vmalloc_alloc,
    vmalloc_alloc_dispatch,
    vmalloc_region_set,
    vmalloc_free,
    vmalloc_check,
    vmalloc_default_region,
    vmalloc_method,
    vmalloc_heap_discipline,
    rpc_client_create,
    rpc_client_destroy,
    rpc_client_marshal,
    rpc_call,
    rpc_call_dispatch,
    rpc_pipe_client_create,
    rpc_pipe_client_destroy,
    rpc_bench_server_create,
    rpc_server_destroy,
    rpc_pipe_serve_one,
    rpc_bench_proc,
};
