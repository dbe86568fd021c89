//! Tests of the Sun RPC / XDR module: RFC 4506 byte vectors for every XDR
//! type, malformed input, record marking, and client/server conversations
//! over an in-memory stream and over OS pipes, including every error reply.

use std::collections::VecDeque;
use std::ffi::CStr;
use std::io::{Read, Write};
use std::mem::offset_of;
use std::ptr;
use std::sync::{Arc, Condvar, Mutex};

use jitty_kernel_modtests::rpc::bench::*;
use jitty_kernel_modtests::rpc::msg::{self, AcceptStat, ReplyStat};
use jitty_kernel_modtests::rpc::stat::*;
use jitty_kernel_modtests::rpc::xdr::{xdr_decode, xdr_encode, xdr_free};
use jitty_kernel_modtests::rpc::*;
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

fn enc(ty: &XdrType<'_>, obj: *const u8) -> Result<Vec<u8>, XdrError> {
    let mut buf = vec![0u8; 4096];
    let mut e = XdrEnc::new(&mut buf);
    // SAFETY: every caller passes a value of `ty`.
    unsafe { xdr_encode(ty, obj, &mut e)? };
    let n = e.pos();
    buf.truncate(n);
    Ok(buf)
}

/// Decodes `bytes` into a zeroed `T`; requires all input consumed.
fn dec<T>(ty: &XdrType<'_>, bytes: &[u8]) -> Result<T, XdrError> {
    // SAFETY: all-zero is a valid value of the C-layout test types (null pointers, zero ints).
    let mut v: T = unsafe { std::mem::zeroed() };
    let mut d = XdrDec::new(bytes);
    // SAFETY: `v` is writable memory for a value of `ty` with null pointers.
    let r = unsafe { xdr_decode(ty, (&raw mut v).cast(), &mut d) };
    if r.is_err() {
        // SAFETY: pointers in `v` are null or allocated by the decoder.
        unsafe { xdr_free(ty, (&raw mut v).cast()) };
    }
    r?;
    assert_eq!(d.remaining(), 0, "trailing bytes");
    Ok(v)
}

fn round_trip<T: Copy + PartialEq + std::fmt::Debug>(ty: &XdrType<'_>, v: T, bytes: &[u8]) {
    assert_eq!(enc(ty, (&raw const v).cast()).unwrap(), bytes, "encoding of {v:?}");
    assert_eq!(dec::<T>(ty, bytes).unwrap(), v, "decoding of {bytes:02x?}");
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

// ---------------------------------------------------------------- XDR vectors (RFC 4506)

#[test]
fn xdr_integers() {
    round_trip(&XdrType::Int, -1i32, &hex("ffffffff"));
    round_trip(&XdrType::Int, 1i32, &hex("00000001"));
    round_trip(&XdrType::Int, i32::MIN, &hex("80000000"));
    round_trip(&XdrType::UInt, 0xdead_beefu32, &hex("deadbeef"));
    round_trip(&XdrType::Hyper, -2i64, &hex("ffffffff fffffffe"));
    round_trip(&XdrType::UHyper, 0x0102_0304_0506_0708u64, &hex("01020304 05060708"));
    round_trip(&XdrType::Float, 1.0f32, &hex("3f800000"));
    round_trip(&XdrType::Double, -2.5f64, &hex("c0040000 00000000"));
}

#[test]
fn xdr_bool_and_enum() {
    round_trip(&XdrType::Bool, 1i32, &hex("00000001"));
    round_trip(&XdrType::Bool, 0i32, &hex("00000000"));
    assert_eq!(enc(&XdrType::Bool, (&7i32 as *const i32).cast()).unwrap(), hex("00000001"), "non-zero is TRUE");
    let colors = XdrType::Enum { values: &[1, 2, 3] };
    round_trip(&colors, 2i32, &hex("00000002"));
    round_trip(&XdrType::Enum { values: &[] }, -5i32, &hex("fffffffb"));
    assert_eq!(enc(&colors, (&9i32 as *const i32).cast()), Err(XdrError::BadEnum));
    assert_eq!(dec::<i32>(&colors, &hex("00000009")), Err(XdrError::BadEnum));
    assert_eq!(dec::<i32>(&XdrType::Bool, &hex("00000002")), Err(XdrError::BadBool));
}

#[test]
fn xdr_strings() {
    let ty = XdrType::String { max: 8 };
    for (s, bytes) in [
        (&b"abc\0"[..], "00000003 61626300"),
        (b"\0", "00000000"),
        (b"abcd\0", "00000004 61626364"),
        (b"abcde\0", "00000005 61626364 65000000"),
    ] {
        let p: *const u8 = s.as_ptr();
        assert_eq!(enc(&ty, (&raw const p).cast()).unwrap(), hex(bytes));
        let mut got: *mut u8 = dec(&ty, &hex(bytes)).unwrap();
        // SAFETY: the decoder produced a NUL-terminated string.
        assert_eq!(unsafe { CStr::from_ptr(got.cast()) }.to_bytes_with_nul(), s);
        // SAFETY: allocated by the decoder.
        unsafe { xdr_free(&ty, (&raw mut got).cast()) };
        assert!(got.is_null());
    }
    let long = c"abcdefghi".as_ptr();
    assert_eq!(enc(&ty, (&raw const long).cast()), Err(XdrError::TooLong));
    let null: *const u8 = ptr::null();
    assert_eq!(enc(&ty, (&raw const null).cast()), Err(XdrError::NullPointer));
    assert_eq!(dec::<*mut u8>(&ty, &hex("00000009 61626364 65666768 69000000")), Err(XdrError::TooLong));
    assert_eq!(dec::<*mut u8>(&ty, &hex("00000003 61006300")), Err(XdrError::BadString));
    assert_eq!(dec::<*mut u8>(&ty, &hex("00000003 61626301")), Err(XdrError::BadPadding));
    assert_eq!(dec::<*mut u8>(&ty, &hex("00000003 616263")), Err(XdrError::Truncated));
    // Decoding into a caller buffer (rpcgen: large enough for max + 1).
    let mut buf = [0xffu8; 9];
    let mut p = buf.as_mut_ptr();
    let input = hex("00000002 68690000");
    let mut d = XdrDec::new(&input);
    // SAFETY: `p` points at max + 1 writable bytes.
    unsafe { xdr_decode(&ty, (&raw mut p).cast(), &mut d).unwrap() };
    assert_eq!(&buf[..3], b"hi\0");
}

#[test]
fn xdr_opaque() {
    round_trip(&XdrType::OpaqueFixed { len: 5 }, *b"hello", &hex("68656c6c 6f000000"));
    round_trip(&XdrType::OpaqueFixed { len: 4 }, *b"abcd", &hex("61626364"));
    assert_eq!(dec::<[u8; 5]>(&XdrType::OpaqueFixed { len: 5 }, &hex("68656c6c 6f000100")), Err(XdrError::BadPadding));
    let ty = XdrType::OpaqueVar { max: 8 };
    let data = [1u8, 2];
    let v = XdrVar { len: 2, val: data.as_ptr() as *mut u8 };
    assert_eq!(enc(&ty, (&raw const v).cast()).unwrap(), hex("00000002 01020000"));
    assert_eq!(enc(&ty, (&XdrVar::EMPTY as *const XdrVar).cast()).unwrap(), hex("00000000"));
    let mut got: XdrVar = dec(&ty, &hex("00000003 0a0b0c00")).unwrap();
    assert_eq!(got.len, 3);
    // SAFETY: the decoder allocated 3 bytes.
    assert_eq!(unsafe { std::slice::from_raw_parts(got.val, 3) }, &[10, 11, 12]);
    // SAFETY: allocated by the decoder.
    unsafe { xdr_free(&ty, (&raw mut got).cast()) };
    assert_eq!(dec::<XdrVar>(&ty, &hex("00000009 00000000 00000000 00000000")).err(), Some(XdrError::TooLong));
    assert_eq!(dec::<XdrVar>(&ty, &hex("00000008 0000")).err(), Some(XdrError::TooLong), "beyond the input");
    let big = XdrVar { len: 9, val: [0u8; 9].as_ptr() as *mut u8 };
    assert_eq!(enc(&ty, (&raw const big).cast()), Err(XdrError::TooLong));
}

static INT: XdrType<'static> = XdrType::Int;

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pair {
    a: i32,
    b: i64,
}

static PAIR: XdrType<'static> = XdrType::Struct {
    size: size_of::<Pair>(),
    fields: &[
        Field { offset: offset_of!(Pair, a), ty: XdrType::Int },
        Field { offset: offset_of!(Pair, b), ty: XdrType::Hyper },
    ],
};

#[test]
fn xdr_arrays_and_structs() {
    round_trip(&XdrType::ArrayFixed { elem: &INT, n: 3, stride: 4 }, [1i32, -1, 2], &hex("00000001 ffffffff 00000002"));
    round_trip(&PAIR, Pair { a: 5, b: -1 }, &hex("00000005 ffffffff ffffffff"));
    let pairs = XdrType::ArrayFixed { elem: &PAIR, n: 2, stride: size_of::<Pair>() };
    round_trip(
        &pairs,
        [Pair { a: 1, b: 2 }, Pair { a: 3, b: 4 }],
        &hex("00000001 00000000 00000002 00000003 00000000 00000004"),
    );

    let ty = XdrType::ArrayVar { elem: &INT, max: 4, stride: 4 };
    let one = [7i32];
    let v = XdrVar { len: 1, val: one.as_ptr() as *mut u8 };
    assert_eq!(enc(&ty, (&raw const v).cast()).unwrap(), hex("00000001 00000007"));
    let mut got: XdrVar = dec(&ty, &hex("00000002 00000008 fffffff7")).unwrap();
    // SAFETY: two decoded ints.
    assert_eq!(unsafe { std::slice::from_raw_parts(got.val as *const i32, 2) }, &[8, -9]);
    // SAFETY: allocated by the decoder.
    unsafe { xdr_free(&ty, (&raw mut got).cast()) };
    assert_eq!(dec::<XdrVar>(&ty, &hex("00000005")).err(), Some(XdrError::TooLong), "above max");
    assert_eq!(dec::<XdrVar>(&ty, &hex("00000003 00000001")).err(), Some(XdrError::TooLong), "beyond input");
    assert_eq!(dec::<XdrVar>(&ty, &hex("00000002 00000001 0000")).err(), Some(XdrError::TooLong));
    let fixed = XdrType::ArrayFixed { elem: &INT, n: 3, stride: 4 };
    assert_eq!(dec::<[i32; 3]>(&fixed, &hex("00000001 00000002 0000")).err(), Some(XdrError::Truncated));
    let five = XdrVar { len: 5, val: [0i32; 5].as_ptr() as *mut u8 };
    assert_eq!(enc(&ty, (&raw const five).cast()), Err(XdrError::TooLong));
    let nul = XdrVar { len: 1, val: ptr::null_mut() };
    assert_eq!(enc(&ty, (&raw const nul).cast()), Err(XdrError::NullPointer));
}

/// A linked list: `struct node { int v; node *next; }` (optional-data).
#[repr(C)]
#[derive(Debug)]
struct Node {
    v: i32,
    next: *mut Node,
}

static NODE: XdrType<'static> = XdrType::Struct {
    size: size_of::<Node>(),
    fields: &[
        Field { offset: offset_of!(Node, v), ty: XdrType::Int },
        Field { offset: offset_of!(Node, next), ty: XdrType::Optional { elem: &NODE } },
    ],
};

#[test]
fn xdr_optional_linked_list() {
    let mut n2 = Node { v: 1, next: ptr::null_mut() };
    let n1 = Node { v: 3, next: &mut n2 };
    let bytes = hex("00000003 00000001 00000001 00000000");
    assert_eq!(enc(&NODE, (&raw const n1).cast()).unwrap(), bytes);
    let mut got: Node = dec(&NODE, &bytes).unwrap();
    assert_eq!(got.v, 3);
    // SAFETY: the decoder allocated the second node.
    unsafe {
        assert_eq!((*got.next).v, 1);
        assert!((*got.next).next.is_null());
        xdr_free(&NODE, (&raw mut got).cast());
    }
    assert!(got.next.is_null());
    assert_eq!(dec::<Node>(&NODE, &hex("00000003 00000002")).err(), Some(XdrError::BadBool));
    // A list longer than the nesting bound is refused, not a stack overflow.
    let mut deep = Vec::new();
    for _ in 0..100 {
        deep.extend_from_slice(&hex("00000000 00000001"));
    }
    deep.extend_from_slice(&hex("00000000 00000000"));
    assert_eq!(dec::<Node>(&NODE, &deep).err(), Some(XdrError::TooDeep));
}

#[test]
fn schema_validation() {
    assert!(BENCH_ARGS.validate());
    assert!(NODE.validate());
    assert!(PAIR.validate());
    let bad = XdrType::Struct { size: 4, fields: &[Field { offset: 2, ty: XdrType::Int }] };
    assert!(!bad.validate());
    let bad_stride = XdrType::ArrayVar { elem: &PAIR, max: 3, stride: 8 };
    assert!(!bad_stride.validate());
    assert_eq!(BENCH_ARGS.mem_size(), size_of::<BenchArgs>());
    assert_eq!(BENCH_ARGS.min_wire_size(), 4 + 8 + 4 + 4);
}

fn bench_args(a: i32, b: i64, s: &CStr, arr: &[i32]) -> BenchArgs {
    BenchArgs { a, b, s: s.as_ptr() as *mut u8, arr: XdrVar { len: arr.len() as u32, val: arr.as_ptr() as *mut u8 } }
}

const BENCH_BYTES: &str = "00000007 00000001 00000002 00000002 6869 0000 00000003 00000001 00000002 00000003";

#[test]
fn bench_args_vector() {
    let arr = [1, 2, 3];
    let v = bench_args(7, (1 << 32) | 2, c"hi", &arr);
    let bytes = hex(BENCH_BYTES);
    assert_eq!(enc(&BENCH_ARGS, (&raw const v).cast()).unwrap(), bytes);
    let mut got: BenchArgs = dec(&BENCH_ARGS, &bytes).unwrap();
    assert_eq!((got.a, got.b, got.arr.len), (7, (1 << 32) | 2, 3));
    // SAFETY: decoder-allocated string and array.
    unsafe {
        assert_eq!(CStr::from_ptr(got.s.cast()), c"hi");
        assert_eq!(std::slice::from_raw_parts(got.arr.val as *const i32, 3), &arr);
        xdr_free(&BENCH_ARGS, (&raw mut got).cast());
    }
    // Every proper prefix is an error, never a panic.
    for n in 0..bytes.len() {
        assert!(dec::<BenchArgs>(&BENCH_ARGS, &bytes[..n]).is_err(), "prefix {n}");
    }
    // The encoder reports a full buffer.
    let mut small = [0u8; 20];
    let mut e = XdrEnc::new(&mut small);
    // SAFETY: `v` is a BenchArgs.
    assert_eq!(unsafe { xdr_encode(&BENCH_ARGS, (&raw const v).cast(), &mut e) }, Err(XdrError::Overflow));
}

fn kitchen_sink() -> &'static XdrType<'static> {
    static FIELDS: [Field<'static>; 6] = [
        Field { offset: 0, ty: XdrType::Bool },
        Field { offset: 4, ty: XdrType::Enum { values: &[0, 1, 2] } },
        Field { offset: 8, ty: XdrType::OpaqueVar { max: 32 } },
        Field { offset: 24, ty: XdrType::ArrayVar { elem: &PAIR, max: 8, stride: 16 } },
        Field { offset: 40, ty: XdrType::Optional { elem: &NODE } },
        Field { offset: 48, ty: XdrType::String { max: 16 } },
    ];
    static SINK: XdrType<'static> = XdrType::Struct { size: 56, fields: &FIELDS };
    &SINK
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// Random bytes never make a decoder panic or leak; errors leave freeable state.
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), bias in 0usize..3) {
        let mut input = bytes.clone();
        if bias == 1 && input.len() >= 4 {
            // Small lengths make it past the bound checks more often.
            input[0] = 0; input[1] = 0; input[2] = 0; input[3] &= 7;
        }
        for ty in [&BENCH_ARGS, kitchen_sink(), &NODE] {
            let mut obj = [0u64; 8];
            let mut d = XdrDec::new(&input);
            // SAFETY: `obj` is 64 zeroed bytes, enough for each schema, with null pointers.
            unsafe {
                let _ = xdr_decode(ty, obj.as_mut_ptr().cast(), &mut d);
                xdr_free(ty, obj.as_mut_ptr().cast());
            }
            prop_assert!(d.pos() <= input.len());
        }
    }

    /// Encode then decode gives the value back, with the size RFC 4506 predicts.
    #[test]
    fn bench_round_trip(a in any::<i32>(), b in any::<i64>(), s in "[ -~]{0,64}", arr in prop::collection::vec(any::<i32>(), 0..=16)) {
        let cs = std::ffi::CString::new(s.clone()).unwrap();
        let v = bench_args(a, b, &cs, &arr);
        let bytes = enc(&BENCH_ARGS, (&raw const v).cast()).unwrap();
        prop_assert_eq!(bytes.len(), 4 + 8 + 4 + s.len().div_ceil(4) * 4 + 4 + 4 * arr.len());
        let mut got: BenchArgs = dec(&BENCH_ARGS, &bytes).unwrap();
        prop_assert_eq!((got.a, got.b, got.arr.len as usize), (a, b, arr.len()));
        // SAFETY: decoder-allocated values.
        unsafe {
            prop_assert_eq!(CStr::from_ptr(got.s.cast()).to_bytes(), s.as_bytes());
            if !arr.is_empty() {
                prop_assert_eq!(std::slice::from_raw_parts(got.arr.val as *const i32, arr.len()), &arr[..]);
            }
            xdr_free(&BENCH_ARGS, (&raw mut got).cast());
        }
    }
}

// ---------------------------------------------------------------- transports

/// A one-way in-memory byte stream (a pipe).
#[derive(Default)]
struct Chan {
    q: Mutex<(VecDeque<u8>, bool)>,
    cv: Condvar,
}

/// One end of an in-memory duplex stream.
struct MemEnd {
    rx: Arc<Chan>,
    tx: Arc<Chan>,
}

fn mem_duplex() -> (MemEnd, MemEnd) {
    let (a, b) = (Arc::new(Chan::default()), Arc::new(Chan::default()));
    (MemEnd { rx: a.clone(), tx: b.clone() }, MemEnd { rx: b, tx: a })
}

impl Transport for MemEnd {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, i32> {
        let mut g = self.rx.q.lock().unwrap();
        while g.0.is_empty() && !g.1 {
            g = self.rx.cv.wait(g).unwrap();
        }
        let n = buf.len().min(g.0.len());
        for (i, b) in g.0.drain(..n).enumerate() {
            buf[i] = b;
        }
        Ok(n)
    }

    fn write(&mut self, buf: &[u8]) -> Result<usize, i32> {
        let mut g = self.tx.q.lock().unwrap();
        if g.1 {
            return Err(-32); // EPIPE
        }
        // Short writes exercise the write loops.
        let n = buf.len().min(37);
        g.0.extend(&buf[..n]);
        self.tx.cv.notify_all();
        Ok(n)
    }
}

impl Drop for MemEnd {
    fn drop(&mut self) {
        for c in [&self.tx, &self.rx] {
            c.q.lock().unwrap().1 = true;
            c.cv.notify_all();
        }
    }
}

/// A scripted peer: reads come from `input`, writes go to `output`.
struct Script {
    input: VecDeque<u8>,
    output: Vec<u8>,
}

impl Transport for Script {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, i32> {
        let n = buf.len().min(self.input.len()).min(5);
        for (i, b) in self.input.drain(..n).enumerate() {
            buf[i] = b;
        }
        Ok(n)
    }

    fn write(&mut self, buf: &[u8]) -> Result<usize, i32> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
}

/// Both directions of OS pipes (`std::io::pipe`).
struct PipeEnd {
    r: std::io::PipeReader,
    w: std::io::PipeWriter,
}

impl Transport for PipeEnd {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, i32> {
        self.r.read(buf).map_err(|e| -e.raw_os_error().unwrap_or(5))
    }

    fn write(&mut self, buf: &[u8]) -> Result<usize, i32> {
        self.w.write(buf).map_err(|e| -e.raw_os_error().unwrap_or(5))
    }
}

fn pipe_pair() -> (PipeEnd, PipeEnd) {
    let (r1, w1) = std::io::pipe().unwrap();
    let (r2, w2) = std::io::pipe().unwrap();
    (PipeEnd { r: r1, w: w2 }, PipeEnd { r: r2, w: w1 })
}

// ---------------------------------------------------------------- record marking

#[test]
fn record_marking_fragments() {
    let mut t = Script { input: VecDeque::new(), output: Vec::new() };
    let x = Xport::new(&mut t);
    let mut buf = *b"....abcdefghijkl";
    // SAFETY: `t` outlives `x`'s uses.
    unsafe { msg::write_record(&x, &mut buf, 12, 5).unwrap() };
    assert_eq!(t.output, hex("00000005 6162636465 00000005 666768696a 80000002 6b6c"));
    let mut buf = *b"....abcd";
    let x = Xport::new(&mut t);
    // SAFETY: as above.
    unsafe { msg::write_record(&x, &mut buf, 4, 100).unwrap() };
    assert_eq!(&t.output[24..], &hex("80000004 61626364")[..]);

    // Reassembly, including an empty non-final fragment.
    let stream = [hex("00000005 6162636465 00000000 80000002 6b6c"), hex("80000000")].concat();
    let mut t = Script { input: stream.into(), output: Vec::new() };
    let x = Xport::new(&mut t);
    let mut rb = [0u8; 16];
    // SAFETY: as above.
    unsafe {
        assert_eq!(msg::read_record(&x, &mut rb), Ok(7));
        assert_eq!(&rb[..7], b"abcdekl");
        assert_eq!(msg::read_record(&x, &mut rb), Ok(0));
        assert_eq!(msg::read_record(&x, &mut rb), Err(RpcError::Eof));
    }
    let mut t = Script { input: hex("80000020 0102").into(), output: Vec::new() };
    let x = Xport::new(&mut t);
    // SAFETY: as above.
    assert_eq!(unsafe { msg::read_record(&x, &mut rb) }, Err(RpcError::RecordTooLarge));
    let mut t = Script { input: hex("80000008 0102").into(), output: Vec::new() };
    let x = Xport::new(&mut t);
    // SAFETY: as above.
    assert_eq!(unsafe { msg::read_record(&x, &mut rb) }, Err(RpcError::Io(0)), "stream ends inside a record");
}

// ---------------------------------------------------------------- client and server

unsafe extern "C" fn uid_handler(req: *const SvcReq, _args: *const u8, res: *mut u8) -> i32 {
    // SAFETY: the server passes a live request and an int result slot.
    unsafe { (res as *mut i32).write(((*req).uid * 1000 + (*req).gid) as i32) };
    0
}

unsafe extern "C" fn failing_handler(_req: *const SvcReq, _args: *const u8, _res: *mut u8) -> i32 {
    1
}

static VOID: XdrType<'static> = XdrType::Void;
static WHOAMI: ProcDesc<'static> = ProcDesc::new(BENCH_PROG, BENCH_VERS, 2, &VOID, &INT);
static FAILS: ProcDesc<'static> = ProcDesc::new(BENCH_PROG, BENCH_VERS, 3, &VOID, &INT);
static NULLPROC: ProcDesc<'static> = ProcDesc::new(BENCH_PROG, BENCH_VERS, 0, &VOID, &VOID);
static NO_PROG: ProcDesc<'static> = ProcDesc::new(0x2000_0099, 1, 1, &VOID, &VOID);
static NO_VERS: ProcDesc<'static> = ProcDesc::new(BENCH_PROG, 7, 1, &VOID, &VOID);
static NO_PROC: ProcDesc<'static> = ProcDesc::new(BENCH_PROG, BENCH_VERS, 9, &VOID, &VOID);
/// The benchmark procedure called with the wrong argument type: the server sees garbage.
static GARBAGE: ProcDesc<'static> = ProcDesc::new(BENCH_PROG, BENCH_VERS, BENCH_PROCNUM, &INT, &INT);

fn server() -> RpcServer<'static> {
    let mut s = RpcServer::new(8800);
    s.register(&BENCH_PROC, bench_handler, 0);
    s.register(&WHOAMI, uid_handler, 0);
    s.register(&FAILS, failing_handler, 0);
    s.set_max_frag(64); // replies come in several fragments
    s
}

/// Runs a server thread over `end` until the stream ends; returns what it served.
fn spawn_server<T: Transport + Send + 'static>(mut end: T) -> std::thread::JoinHandle<Vec<Served>> {
    std::thread::spawn(move || {
        let mut s = server();
        let x = Xport::new(&mut end);
        let mut log = Vec::new();
        loop {
            // SAFETY: `end` outlives `x`; the handlers uphold the contract.
            match unsafe { s.serve_one(&x) } {
                Ok(Served::Eof) | Err(_) => break,
                Ok(st) => log.push(st),
            }
        }
        log
    })
}

fn conversation<T: Transport + Send + 'static>(mut client_end: T, server_end: T) {
    let h = spawn_server(server_end);
    {
        let x = Xport::new(&mut client_end);
        let mut c = RpcClient::new(x, Auth::sys(1, b"jitty", 42, 7, &[1, 2]), 8800).unwrap();
        for i in 0..50i32 {
            let arr: Vec<i32> = (0..(i % 17)).collect();
            let s = std::ffi::CString::new("x".repeat(i as usize)).unwrap();
            let args = bench_args(i, 1000, &s, &arr);
            let mut res = 0i32;
            // SAFETY: live client; `args`/`res` match BENCH_PROC's schemas.
            let rc = unsafe { rpc_call(&mut *c, &BENCH_PROC, (&raw const args).cast(), (&raw mut res).cast()) };
            assert_eq!(rc, RPC_SUCCESS, "call {i}");
            assert_eq!(res, i + 1000 + i + arr.iter().sum::<i32>());
        }
        let mut res = 0i32;
        let unit = 0u8;
        let call = |c: &mut RpcClient, pd: &ProcDesc<'_>, res: *mut u8| {
            // SAFETY: live client; void arguments; `res` fits the result schema.
            unsafe { rpc_call(c, pd, &raw const unit, res) }
        };
        assert_eq!(call(&mut c, &WHOAMI, (&raw mut res).cast()), RPC_SUCCESS);
        assert_eq!(res, 42_007, "the handler sees the AUTH_SYS identity");
        assert_eq!(call(&mut c, &NULLPROC, (&raw mut res).cast()), RPC_SUCCESS);
        assert_eq!(call(&mut c, &NO_PROG, (&raw mut res).cast()), RPC_PROGUNAVAIL);
        assert_eq!(call(&mut c, &NO_VERS, (&raw mut res).cast()), RPC_PROGVERSMISMATCH);
        assert_eq!(c.last_reply, Some(ReplyStat::Accepted(AcceptStat::ProgMismatch { low: 1, high: 1 })));
        assert_eq!(call(&mut c, &NO_PROC, (&raw mut res).cast()), RPC_PROCUNAVAIL);
        assert_eq!(call(&mut c, &FAILS, (&raw mut res).cast()), RPC_SYSTEMERROR);
        let three = 3i32;
        // SAFETY: `three` is an int, as GARBAGE's (wrong) argument schema says.
        let rc = unsafe { rpc_call(&mut *c, &GARBAGE, (&raw const three).cast(), (&raw mut res).cast()) };
        assert_eq!(rc, RPC_CANTDECODEARGS, "GARBAGE_ARGS");
        // Arguments that cannot be encoded never reach the wire.
        let long = "y".repeat(65);
        let ls = std::ffi::CString::new(long).unwrap();
        let bad = bench_args(0, 0, &ls, &[]);
        // SAFETY: as above.
        let rc = unsafe { rpc_call(&mut *c, &BENCH_PROC, (&raw const bad).cast(), (&raw mut res).cast()) };
        assert_eq!(rc, RPC_CANTENCODEARGS);
        drop(c);
        drop(client_end);
    }
    let log = h.join().unwrap();
    assert_eq!(log.len(), 50 + 7);
    assert!(log.contains(&Served::Replied(ReplyStat::Accepted(AcceptStat::GarbageArgs))));
}

#[test]
fn client_server_in_memory() {
    let (a, b) = mem_duplex();
    conversation(a, b);
}

#[test]
fn client_server_over_os_pipes() {
    let (a, b) = pipe_pair();
    conversation(a, b);
}

#[test]
fn call_message_bytes() {
    let mut t = Script { input: VecDeque::new(), output: Vec::new() };
    let x = Xport::new(&mut t);
    let mut c = RpcClient::new(x, Auth::none(), 1024).unwrap();
    let arr = [1, 2, 3];
    let v = bench_args(7, (1 << 32) | 2, c"hi", &arr);
    // SAFETY: live client, BENCH_PROC arguments.
    let n = unsafe { rpc_client_marshal(&mut *c, &BENCH_PROC, (&raw const v).cast()) };
    let xid = c.xid();
    let expect = [
        xid.to_be_bytes().to_vec(),
        hex("00000000 00000002 20000001 00000001 00000001"), // CALL, rpcvers 2, prog, vers, proc
        hex("00000000 00000000 00000000 00000000"),          // cred AUTH_NONE, verf AUTH_NONE
        hex(BENCH_BYTES),
    ]
    .concat();
    assert_eq!(n as usize, expect.len());
    assert_eq!(c.sent_message(n as usize), &expect[..]);
    // AUTH_SYS credential body: stamp, machine "ab", uid, gid, gids<16>.
    let mut buf = [0u8; 64];
    let mut e = XdrEnc::new(&mut buf);
    Auth::sys(9, b"ab", 1, 2, &[3]).encode(&mut e).unwrap();
    assert_eq!(
        e.written(),
        &hex("00000001 0000001c 00000009 00000002 61620000 00000001 00000002 00000001 00000003")[..]
    );
}

#[test]
fn client_skips_stale_replies_and_reports_denials() {
    // Pre-script the replies: a stale xid, then the real one.
    let mut probe = Script { input: VecDeque::new(), output: Vec::new() };
    let x = Xport::new(&mut probe);
    let c = RpcClient::new(x, Auth::none(), 1024).unwrap();
    let next = c.xid().wrapping_add(1);
    drop(c);
    let reply = |xid: u32, stat: ReplyStat, tail: &[u8]| {
        let mut b = vec![0u8; 256];
        let mut e = XdrEnc::new(&mut b[4..]);
        msg::encode_reply(&mut e, xid, &stat).unwrap();
        let n = e.pos();
        b[4 + n..4 + n + tail.len()].copy_from_slice(tail);
        let len = (n + tail.len()) as u32;
        b[..4].copy_from_slice(&(msg::LAST_FRAG | len).to_be_bytes());
        b.truncate(4 + len as usize);
        b
    };
    let ok = ReplyStat::Accepted(AcceptStat::Success);
    let input = [reply(next.wrapping_sub(5), ok, &hex("00000063")), reply(next, ok, &hex("0000002a"))].concat();
    let mut t = Script { input: input.into(), output: Vec::new() };
    let x = Xport::new(&mut t);
    let mut c = RpcClient::new(x, Auth::none(), 1024).unwrap();
    let mut res = 0i32;
    let unit = 0u8;
    // SAFETY: live client; void args; int result.
    assert_eq!(unsafe { rpc_call(&mut *c, &WHOAMI, &raw const unit, (&raw mut res).cast()) }, RPC_SUCCESS);
    assert_eq!(res, 42);
    for (stat, code) in [
        (ReplyStat::RpcMismatch { low: 2, high: 2 }, RPC_VERSMISMATCH),
        (ReplyStat::AuthError(msg::AUTH_REJECTEDCRED), RPC_AUTHERROR),
        (ReplyStat::Accepted(AcceptStat::SystemErr), RPC_SYSTEMERROR),
    ] {
        let mut t = Script { input: reply(next, stat, &[]).into(), output: Vec::new() };
        let x = Xport::new(&mut t);
        let mut c = RpcClient::new(x, Auth::none(), 1024).unwrap();
        // SAFETY: as above.
        assert_eq!(unsafe { rpc_call(&mut *c, &WHOAMI, &raw const unit, (&raw mut res).cast()) }, code);
        assert_eq!(c.last_reply, Some(stat));
    }
    // No reply at all; a truncated result.
    let mut t = Script { input: VecDeque::new(), output: Vec::new() };
    let x = Xport::new(&mut t);
    let mut c = RpcClient::new(x, Auth::none(), 1024).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { rpc_call(&mut *c, &WHOAMI, &raw const unit, (&raw mut res).cast()) }, RPC_CANTRECV);
    let mut t = Script { input: reply(next, ok, &hex("0000")).into(), output: Vec::new() };
    let x = Xport::new(&mut t);
    let mut c = RpcClient::new(x, Auth::none(), 1024).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { rpc_call(&mut *c, &WHOAMI, &raw const unit, (&raw mut res).cast()) }, RPC_CANTDECODERES);
}

#[test]
fn server_denials_and_dropped_messages() {
    let frame = |body: Vec<u8>| [(msg::LAST_FRAG | body.len() as u32).to_be_bytes().to_vec(), body].concat();
    let input = [
        // rpcvers 3 → MSG_DENIED / RPC_MISMATCH(2, 2)
        frame(hex("00000011 00000000 00000003 20000001 00000001 00000001 00000000 00000000 00000000 00000000")),
        // unknown credential flavor 7 → MSG_DENIED / AUTH_ERROR(AUTH_REJECTEDCRED)
        frame(hex("00000012 00000000 00000002 20000001 00000001 00000001 00000007 00000000 00000000 00000000")),
        // malformed AUTH_SYS body → AUTH_BADCRED
        frame(hex(
            "00000013 00000000 00000002 20000001 00000001 00000001 00000001 00000004 00000009 00000000 00000000",
        )),
        // a REPLY sent to a server, and a truncated header: dropped
        frame(hex("00000014 00000001 00000000")),
        frame(hex("00000015 00000000 0000")),
    ]
    .concat();
    let mut t = Script { input: input.into(), output: Vec::new() };
    let x = Xport::new(&mut t);
    let mut s = server();
    s.set_max_frag(1 << 20);
    let mut got = Vec::new();
    loop {
        // SAFETY: `t` outlives `x`.
        match unsafe { s.serve_one(&x) }.unwrap() {
            Served::Eof => break,
            st => got.push(st),
        }
    }
    assert_eq!(
        got,
        [
            Served::Replied(ReplyStat::RpcMismatch { low: 2, high: 2 }),
            Served::Replied(ReplyStat::AuthError(msg::AUTH_REJECTEDCRED)),
            Served::Replied(ReplyStat::AuthError(msg::AUTH_BADCRED)),
            Served::Dropped,
            Served::Dropped,
        ]
    );
    assert_eq!(
        &t.output[..28],
        &hex("80000018 00000011 00000001 00000001 00000000 00000002 00000002")[..],
        "xid, REPLY, MSG_DENIED, RPC_MISMATCH, low, high"
    );
}

#[test]
fn c_abi_client() {
    let (mut a, b) = mem_duplex();
    let h = spawn_server(b);
    let x = Xport::new(&mut a);
    let cred = Auth::sys(0, b"h", 5, 6, &[]);
    // SAFETY: `a` outlives the client; the ops table is the trampoline table.
    unsafe {
        let c = rpc_client_create(x.ops, x.ctx, &cred, 0);
        assert!(!c.is_null());
        let mut res = 0i32;
        let unit = 0u8;
        assert_eq!(rpc_call(c, &WHOAMI, &raw const unit, (&raw mut res).cast()), RPC_SUCCESS);
        assert_eq!(res, 5006);
        rpc_client_destroy(c);
    }
    drop(a);
    assert_eq!(h.join().unwrap().len(), 1);
}
