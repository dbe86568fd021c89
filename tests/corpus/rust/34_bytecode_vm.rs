//! Corpus program: a small stack-based bytecode VM with jumps, calls and locals running loops, factorial and a prime counter.
//!
//! Built natively and to LLVM IR by jitty-difftest; engines must print
//! exactly what the native build prints and exit with the same status.

#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_char;

unsafe extern "C" {
    fn printf(fmt: *const c_char, ...) -> i32;
    fn malloc(size: usize) -> *mut u8;
    fn free(ptr: *mut u8);
    fn abort() -> !;
}

/// The global allocator: libc `malloc`/`free` (16-byte aligned, enough here).
struct LibcAlloc;

unsafe impl GlobalAlloc for LibcAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: malloc accepts any size; the corpus never asks for alignment above 16.
        unsafe { malloc(layout.size()) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above.
        unsafe { free(ptr) }
    }
}

#[global_allocator]
static ALLOC: LibcAlloc = LibcAlloc;

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // SAFETY: abort never returns and has no preconditions.
    unsafe { abort() }
}

#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

/// `printf` with a literal format string (NUL appended here).
macro_rules! out {
    ($fmt:expr $(, $arg:expr)* $(,)?) => {
        // SAFETY: the format is NUL-terminated and its conversions match the arguments.
        unsafe { printf(concat!($fmt, "\0").as_ptr().cast(), $($arg),*) }
    };
}

#[derive(Clone, Copy)]
enum Op {
    Push(i64),
    Load(u8),
    Store(u8),
    Add,
    Sub,
    Mul,
    Mod,
    Lt,
    Eq,
    Jmp(u16),
    Jz(u16),
    Call(u16),
    Ret,
    Print,
    Halt,
}

struct Vm {
    stack: [i64; 256],
    sp: usize,
    locals: [i64; 16],
    frames: [usize; 64],
    fp: usize,
    steps: u64,
}

impl Vm {
    fn new() -> Self {
        Vm { stack: [0; 256], sp: 0, locals: [0; 16], frames: [0; 64], fp: 0, steps: 0 }
    }
    fn push(&mut self, v: i64) {
        self.stack[self.sp] = v;
        self.sp += 1;
    }
    fn pop(&mut self) -> i64 {
        self.sp -= 1;
        self.stack[self.sp]
    }
    fn run(&mut self, code: &[Op]) -> i64 {
        let mut pc = 0usize;
        loop {
            self.steps += 1;
            let op = code[pc];
            pc += 1;
            match op {
                Op::Push(v) => self.push(v),
                Op::Load(i) => self.push(self.locals[i as usize]),
                Op::Store(i) => {
                    let v = self.pop();
                    self.locals[i as usize] = v;
                }
                Op::Add | Op::Sub | Op::Mul | Op::Mod | Op::Lt | Op::Eq => {
                    let b = self.pop();
                    let a = self.pop();
                    self.push(match op {
                        Op::Add => a.wrapping_add(b),
                        Op::Sub => a.wrapping_sub(b),
                        Op::Mul => a.wrapping_mul(b),
                        Op::Mod => a % b,
                        Op::Lt => (a < b) as i64,
                        _ => (a == b) as i64,
                    });
                }
                Op::Jmp(t) => pc = t as usize,
                Op::Jz(t) => {
                    if self.pop() == 0 {
                        pc = t as usize;
                    }
                }
                Op::Call(t) => {
                    self.frames[self.fp] = pc;
                    self.fp += 1;
                    pc = t as usize;
                }
                Op::Ret => {
                    self.fp -= 1;
                    pc = self.frames[self.fp];
                }
                Op::Print => {
                    let v = self.pop();
                    out!("vm: %lld\n", v);
                }
                Op::Halt => return if self.sp > 0 { self.pop() } else { 0 },
            }
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    use Op::*;
    // locals: 0 = n, 1 = acc, 2 = i, 3 = count, 4 = d, 5 = isprime
    #[rustfmt::skip]
    let code = [
        // 0: factorial of 20 into acc, printed
        Push(20), Store(0), Push(1), Store(1),
        // 4: loop
        Load(0), Push(0), Eq, Jz(10), Jmp(18), Halt,
        // 10: acc *= n; n -= 1
        Load(1), Load(0), Mul, Store(1), Load(0), Push(1), Sub, Store(0),
        // 18 (falls through from 17 after Store): check
        Jmp(20), Halt,
        // 20: if n == 0 goto 22 else loop
        Load(0), Jz(24), Jmp(4), Halt,
        // 24: print acc, count primes below 3000 via call
        Load(1), Print, Push(2), Store(2), Push(0), Store(3),
        // 30: while i < 3000
        Load(2), Push(3000), Lt, Jz(44),
        Call(50), Load(3), Load(5), Add, Store(3),
        Load(2), Push(1), Add, Store(2), Jmp(30),
        // 44: print the count and return it
        Load(3), Print, Load(3), Halt, Halt, Halt,
        // 50: isprime(i) -> locals[5]
        Push(1), Store(5), Push(2), Store(4),
        // 54: while d*d <= i  (i < d*d ? exit)
        Load(2), Load(4), Load(4), Mul, Lt, Jz(61), Ret,
        // 61: if i % d == 0 { isprime = 0; ret }
        Load(2), Load(4), Mod, Jz(71),
        Load(4), Push(1), Add, Store(4), Jmp(54), Halt,
        // 71
        Push(0), Store(5), Ret,
    ];
    let mut vm = Vm::new();
    let r = vm.run(&code);
    out!("result %lld steps %llu\n", r, vm.steps);
    (r & 0x7f) as i32
}
