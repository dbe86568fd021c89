//! The fixed benchmark procedure of experiment E6.
//!
//! ```text
//! program 0x20000001 version 1 procedure 1:
//!     struct bench_args { int a; hyper b; string s<64>; int arr<16>; } -> int
//! ```
//!
//! [`BENCH_PROC`] is the descriptor a specialization of `rpc_call` /
//! `rpc_client_marshal` takes as its static argument; [`bench_handler`] is the
//! server side (it returns `a + b + strlen(s) + sum(arr)`, truncated to `int`).

use core::mem::offset_of;

use super::msg::ProcDesc;
use super::server::SvcReq;
use super::xdr::{Field, XdrType};

/// Program, version and procedure numbers and the arguments in C layout
/// (declared in the ABI, which hosts share).
pub use crate::abi::{BENCH_PROCNUM, BENCH_PROG, BENCH_VERS, BenchArgs};
/// Bound of `s`.
pub const BENCH_STR_MAX: u32 = 64;
/// Bound of `arr`.
pub const BENCH_ARR_MAX: u32 = 16;

static INT: XdrType<'static> = XdrType::Int;

static BENCH_FIELDS: [Field<'static>; 4] = [
    Field { offset: offset_of!(BenchArgs, a), ty: XdrType::Int },
    Field { offset: offset_of!(BenchArgs, b), ty: XdrType::Hyper },
    Field { offset: offset_of!(BenchArgs, s), ty: XdrType::String { max: BENCH_STR_MAX } },
    Field {
        offset: offset_of!(BenchArgs, arr),
        ty: XdrType::ArrayVar { elem: &INT, max: BENCH_ARR_MAX, stride: size_of::<i32>() },
    },
];

/// The argument schema.
pub static BENCH_ARGS: XdrType<'static> = XdrType::Struct { size: size_of::<BenchArgs>(), fields: &BENCH_FIELDS };

/// The result schema (`int`).
pub static BENCH_RES: XdrType<'static> = XdrType::Int;

/// The procedure descriptor.
pub static BENCH_PROC: ProcDesc<'static> =
    ProcDesc::new(BENCH_PROG, BENCH_VERS, BENCH_PROCNUM, &BENCH_ARGS, &BENCH_RES);

/// Server side of the benchmark procedure.
///
/// # Safety
/// `args` holds a decoded [`BenchArgs`]; `res` is writable for an `i32`.
pub unsafe extern "C" fn bench_handler(_req: *const SvcReq, args: *const u8, res: *mut u8) -> i32 {
    // SAFETY: `args` is a decoded BenchArgs whose pointers the decoder set (caller).
    unsafe {
        let a = &*(args as *const BenchArgs);
        let mut sum = (a.a as i64).wrapping_add(a.b);
        if !a.s.is_null() {
            let mut n = 0;
            while *a.s.add(n) != 0 {
                n += 1;
            }
            sum = sum.wrapping_add(n as i64);
        }
        let arr = a.arr.val as *const i32;
        for i in 0..a.arr.len as usize {
            sum = sum.wrapping_add(*arr.add(i) as i64);
        }
        (res as *mut i32).write(sum as i32);
    }
    0
}
