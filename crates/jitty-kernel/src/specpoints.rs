//! Specialization points and the exported annotation tables (top layer).
//!
//! [`JK_SPEC_POINTS`] declares each point: the generic entry, which
//! arguments are static, the type each static argument points to, and the
//! typed paths from those roots to the objects a specialization may fold
//! (Tempo's partially-static structures, as data). A path is a list of
//! [`PathStep`]s over the type descriptors of [`crate::typedesc`]; a program
//! walks it over live memory to find the objects, and the partial evaluator
//! folds a load only if it hits a `Const`/`Quasi` field of an object reached
//! this way (or an LLVM `constant` global). [`JK_TYPE_DESCS`] lists every
//! described type.
//!
//! This module sits above everything it names; nothing in the kernel uses it.

use crate::abi::{NO_INDEX, PathStep, SpecPath, SpecPoint, SpecTable, TypeDesc, TypeTable};
use crate::kobj::{
    FdSlot, Fdtable, File, FileOps, FilesStruct, Inode, Process, QuasiSigAction, SigHand, SyscallTable, Thread,
};
use crate::pipe::Pipe;
use crate::rpc::RpcClient;
use crate::rpc::msg::ProcDesc;
use crate::rpc::xdr::XdrType;
use crate::syscall;
use crate::task::{PID_TABLE, PidLeaf, PidTable, PidTableCell};
use crate::typedesc::Described;
use crate::vmalloc::{self, Discipline, Method, Region};

/// Index of the annotated field `name` of `ty`; a missing name fails the
/// build (const evaluation), so paths cannot name a field that is gone.
const fn field_of(ty: *const TypeDesc, name: &str) -> u32 {
    // SAFETY: `ty` is a descriptor static.
    let ty = unsafe { &*ty };
    let name = name.as_bytes();
    let mut i = 0;
    while i < ty.nfields as usize {
        // SAFETY: `fields` holds `nfields` descriptors (static data).
        let f = unsafe { &*ty.fields.add(i) };
        let mut k = 0;
        // SAFETY: field names are NUL-terminated static strings.
        while k < name.len() && unsafe { *f.name.add(k) } == name[k] {
            k += 1;
        }
        // SAFETY: as above; `k` is at most the name's length.
        if k == name.len() && unsafe { *f.name.add(k) } == 0 {
            return i as u32;
        }
        i += 1;
    }
    panic!("spec path names a field that is not annotated")
}

/// Step: follow field `field` of a `T`.
const fn at<T: Described>(field: &str) -> PathStep {
    PathStep { ty: T::DESC, field: field_of(T::DESC, field), index_arg: NO_INDEX, shift: 0, bias: 0, mask: 0 }
}

/// Step: element `((arg[arg] >> shift) & mask) - bias` of field `field` of a `T`.
const fn index<T: Described>(field: &str, arg: u32, shift: u32, mask: u64, bias: u32) -> PathStep {
    PathStep { ty: T::DESC, field: field_of(T::DESC, field), index_arg: arg, shift, bias, mask }
}

/// A path from static argument `arg` (an object of type `T`).
const fn from_arg<T: Described>(name: &'static str, arg: u32, steps: &'static [PathStep]) -> SpecPath {
    SpecPath {
        name: name.as_ptr(),
        root_arg: arg,
        nsteps: steps.len() as u32,
        root_global: core::ptr::null(),
        root_ty: T::DESC,
        steps: steps.as_ptr(),
    }
}

/// A path from the kernel static `global` (an object of type `T`).
const fn from_global<T: Described>(name: &'static str, global: *const u8, steps: &'static [PathStep]) -> SpecPath {
    SpecPath {
        name: name.as_ptr(),
        root_arg: NO_INDEX,
        nsteps: steps.len() as u32,
        root_global: global,
        root_ty: T::DESC,
        steps: steps.as_ptr(),
    }
}

/// An `int` argument (fd, pid, signal) as an index: its low 32 bits.
const INT: u64 = 0xffff_ffff;

/// Thread → process → files → fd table → slot[arg1] → File.
macro_rules! fd_file {
    ($($more:expr),*) => {
        &[
            at::<Thread>("process"),
            at::<Process>("files"),
            at::<FilesStruct>("fdt"),
            index::<Fdtable>("fd", 1, 0, INT, 0),
            at::<FdSlot>("file"),
            $($more),*
        ]
    };
}

const FD_FILE_OPS: &[PathStep] = fd_file!(at::<File>("f_op"));
const FD_FILE_INODE: &[PathStep] = fd_file!(at::<File>("f_inode"), at::<Inode>("i_fop"));
const SENDER: &[PathStep] = &[at::<Thread>("process")];
const KILL_TARGET: &[PathStep] = &[
    at::<PidTableCell>("table"),
    index::<PidTable>("root", 1, 9, INT >> 9, 0),
    index::<PidLeaf>("slots", 1, 0, 511, 0),
    at::<Process>("sighand"),
    index::<SigHand>("action", 2, 0, INT, 1),
];
const REGION_METHOD: &[PathStep] = &[at::<Region>("meth")];
const REGION_DISC: &[PathStep] = &[at::<Region>("disc")];
const REGION_POOL: &[PathStep] = &[at::<Region>("pool")];
const RPC_CLIENT: &[PathStep] = &[];
const RPC_ARGS: &[PathStep] = &[at::<ProcDesc<'static>>("args")];
const RPC_RES: &[PathStep] = &[at::<ProcDesc<'static>>("res")];

const WRITE_PATHS: &[SpecPath] =
    &[from_arg::<Thread>("file ops\0", 0, FD_FILE_OPS), from_arg::<Thread>("inode\0", 0, FD_FILE_INODE)];
const KILL_PATHS: &[SpecPath] = &[
    from_arg::<Thread>("sender creds\0", 0, SENDER),
    from_global::<PidTableCell>("target disposition\0", &raw const PID_TABLE as *const u8, KILL_TARGET),
];
const MALLOC_PATHS: &[SpecPath] = &[
    from_arg::<Region>("method\0", 0, REGION_METHOD),
    from_arg::<Region>("discipline\0", 0, REGION_DISC),
    from_arg::<Region>("pool sizes\0", 0, REGION_POOL),
];
const RPC_PATHS: &[SpecPath] = &[
    from_arg::<RpcClient>("client\0", 0, RPC_CLIENT),
    from_arg::<ProcDesc<'static>>("argument schema\0", 1, RPC_ARGS),
    from_arg::<ProcDesc<'static>>("result schema\0", 1, RPC_RES),
];

const NONE: *const TypeDesc = core::ptr::null();

/// Where a spec point's dispatch slot is.
#[derive(Clone, Copy)]
enum Slot {
    /// At this byte offset of a process's GFT.
    Gft(u32),
    /// At this byte offset of the object static argument `arg` points to.
    Object { arg: u32, offset: u32 },
}

/// A spec point; `arg_types` has one entry per argument.
const fn point(
    name: &'static str,
    entry_symbol: &'static str,
    entry: *const u8,
    static_args: u64,
    slot: Slot,
    arg_types: &'static [*const TypeDesc],
    paths: &'static [SpecPath],
) -> SpecPoint {
    let (gft_slot, obj_slot_arg, obj_slot_offset) = match slot {
        Slot::Gft(o) => (o, NO_INDEX, NO_INDEX),
        Slot::Object { arg, offset } => (NO_INDEX, arg, offset),
    };
    SpecPoint {
        name: name.as_ptr(),
        entry_symbol: entry_symbol.as_ptr(),
        entry,
        static_args,
        gft_slot,
        obj_slot_arg,
        obj_slot_offset,
        nargs: arg_types.len() as u32,
        arg_types: arg_types.as_ptr(),
        paths: paths.as_ptr(),
        npaths: paths.len() as u64,
    }
}

const SPEC_POINTS: &[SpecPoint] = &[
    point(
        "write\0",
        "jk_sys_write\0",
        syscall::jk_sys_write as *const u8,
        0b0011,
        Slot::Gft(core::mem::offset_of!(SyscallTable, write) as u32),
        &[Thread::DESC, NONE, NONE, NONE],
        WRITE_PATHS,
    ),
    point(
        "read\0",
        "jk_sys_read\0",
        syscall::jk_sys_read as *const u8,
        0b0011,
        Slot::Gft(core::mem::offset_of!(SyscallTable, read) as u32),
        &[Thread::DESC, NONE, NONE, NONE],
        WRITE_PATHS,
    ),
    point(
        "kill\0",
        "jk_sys_kill\0",
        syscall::jk_sys_kill as *const u8,
        0b0111,
        Slot::Gft(core::mem::offset_of!(SyscallTable, kill) as u32),
        &[Thread::DESC, NONE, NONE],
        KILL_PATHS,
    ),
    point(
        "malloc\0",
        "vmalloc_alloc\0",
        vmalloc::vmalloc_alloc as *const u8,
        0b0011,
        Slot::Object { arg: 0, offset: core::mem::offset_of!(Region, alloc_slot) as u32 },
        &[Region::DESC, NONE],
        MALLOC_PATHS,
    ),
    point(
        "rpc\0",
        "rpc_call\0",
        crate::rpc::rpc_call as *const u8,
        0b0011,
        Slot::Object { arg: 0, offset: core::mem::offset_of!(RpcClient, call_slot) as u32 },
        &[RpcClient::DESC, <ProcDesc<'static>>::DESC, NONE, NONE],
        RPC_PATHS,
    ),
];

/// The specialization-point table.
#[unsafe(no_mangle)]
pub static JK_SPEC_POINTS: SpecTable =
    SpecTable { points: SPEC_POINTS.as_ptr(), len: SPEC_POINTS.len() as u64, types: &raw const JK_TYPE_DESCS };

const TYPES: &[*const TypeDesc] = &[
    Thread::DESC,
    Process::DESC,
    PidTableCell::DESC,
    PidTable::DESC,
    PidLeaf::DESC,
    FilesStruct::DESC,
    Fdtable::DESC,
    FdSlot::DESC,
    File::DESC,
    FileOps::DESC,
    Inode::DESC,
    Pipe::DESC,
    SigHand::DESC,
    QuasiSigAction::DESC,
    SyscallTable::DESC,
    Region::DESC,
    Method::DESC,
    Discipline::DESC,
    RpcClient::DESC,
    <ProcDesc<'static>>::DESC,
    <XdrType<'static>>::DESC,
];

/// Every described type (types only reachable through an embedded field,
/// such as the pool method's state, are found through their container).
#[unsafe(no_mangle)]
pub static JK_TYPE_DESCS: TypeTable = TypeTable { types: TYPES.as_ptr(), len: TYPES.len() as u64 };
