//! Typed access to real process memory.
//!
//! The interpreter runs IR on the process's own memory, so every access is a
//! raw pointer access whose validity is the *IR program's* responsibility,
//! exactly as for the same program compiled natively. These helpers are the
//! only place where such raw accesses are spelled out.

use jitty_sem::{Fk, Repr, Scalar, f64_to_f80, f80_to_f64, mask64, mask128};

/// Reads a `T` from `addr` (unaligned allowed).
///
/// # Safety
/// `addr` must be readable for `size_of::<T>()` bytes (the IR program's
/// obligation).
#[inline(always)]
pub unsafe fn rd<T: Copy>(addr: u64) -> T {
    // SAFETY: forwarded to the caller.
    unsafe { (addr as *const T).read_unaligned() }
}

/// Writes `v` to `addr` (unaligned allowed).
///
/// # Safety
/// `addr` must be writable for `size_of::<T>()` bytes.
#[inline(always)]
pub unsafe fn wr<T: Copy>(addr: u64, v: T) {
    // SAFETY: forwarded to the caller.
    unsafe { (addr as *mut T).write_unaligned(v) }
}

/// Reads `n` (<= 16) bytes little-endian.
///
/// # Safety
/// `addr` must be readable for `n` bytes.
#[inline]
pub unsafe fn rd_bytes(addr: u64, n: usize) -> u128 {
    let mut buf = [0u8; 16];
    // SAFETY: caller guarantees `n` readable bytes; `buf` holds 16 >= n.
    unsafe { std::ptr::copy_nonoverlapping(addr as *const u8, buf.as_mut_ptr(), n.min(16)) };
    u128::from_le_bytes(buf)
}

/// Writes the low `n` (<= 16) bytes of `v` little-endian.
///
/// # Safety
/// `addr` must be writable for `n` bytes.
#[inline]
pub unsafe fn wr_bytes(addr: u64, n: usize, v: u128) {
    let buf = v.to_le_bytes();
    // SAFETY: caller guarantees `n` writable bytes.
    unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), addr as *mut u8, n.min(16)) };
}

/// Loads a scalar from memory into register format (`out` gets 1 or 2 slots).
///
/// # Safety
/// `addr` readable for the scalar's store size; `out` valid for its slots.
pub unsafe fn load_scalar(s: Scalar, addr: u64, out: *mut u64) {
    // SAFETY: forwarded to the caller for `addr` and `out`.
    unsafe {
        match s {
            Scalar::I(b) if b <= 64 => {
                let v = match b {
                    1 => u64::from(rd::<u8>(addr) & 1),
                    8 => u64::from(rd::<u8>(addr)),
                    16 => u64::from(rd::<u16>(addr)),
                    32 => u64::from(rd::<u32>(addr)),
                    64 => rd::<u64>(addr),
                    _ => rd_bytes(addr, b.div_ceil(8) as usize) as u64 & mask64(b),
                };
                *out = v;
            }
            Scalar::I(b) => {
                let v = rd_bytes(addr, b.div_ceil(8) as usize) & mask128(b);
                *out = v as u64;
                *out.add(1) = (v >> 64) as u64;
            }
            Scalar::F(Fk::F80) => *out = f80_to_f64(rd_bytes(addr, 10)).to_bits(),
            Scalar::F(Fk::F64) | Scalar::P => *out = rd::<u64>(addr),
            Scalar::F(Fk::F32) => *out = u64::from(rd::<u32>(addr)),
            Scalar::F(Fk::Half | Fk::BF16) => *out = u64::from(rd::<u16>(addr)),
        }
    }
}

/// Stores a register-format scalar to memory (its store size in bytes).
///
/// # Safety
/// `addr` writable for the scalar's store size; `inp` valid for its slots.
pub unsafe fn store_scalar(s: Scalar, addr: u64, inp: *const u64) {
    // SAFETY: forwarded to the caller for `addr` and `inp`.
    unsafe {
        match s {
            Scalar::I(b) if b <= 64 => match b {
                1..=8 => wr::<u8>(addr, *inp as u8),
                16 => wr::<u16>(addr, *inp as u16),
                32 => wr::<u32>(addr, *inp as u32),
                64 => wr::<u64>(addr, *inp),
                _ => wr_bytes(addr, b.div_ceil(8) as usize, u128::from(*inp)),
            },
            Scalar::I(b) => {
                let v = u128::from(*inp) | (u128::from(*inp.add(1)) << 64);
                wr_bytes(addr, b.div_ceil(8) as usize, v);
            }
            Scalar::F(Fk::F80) => wr_bytes(addr, 10, f64_to_f80(f64::from_bits(*inp))),
            Scalar::F(Fk::F64) | Scalar::P => wr::<u64>(addr, *inp),
            Scalar::F(Fk::F32) => wr::<u32>(addr, *inp as u32),
            Scalar::F(Fk::Half | Fk::BF16) => wr::<u16>(addr, *inp as u16),
        }
    }
}

/// Loads a value of any representation.
///
/// # Safety
/// `addr` readable for the type's store size; `out` valid for `r.slots()`.
pub unsafe fn load_repr(r: &Repr, addr: u64, out: *mut u64) {
    // SAFETY: forwarded to the caller.
    unsafe {
        match r {
            Repr::S(s) => load_scalar(*s, addr, out),
            Repr::V { elem, len, stride: 0 } => {
                let _ = elem;
                for i in 0..*len as u64 {
                    let byte = rd::<u8>(addr + i / 8);
                    *out.add(i as usize) = u64::from((byte >> (i % 8)) & 1);
                }
            }
            Repr::V { elem, len, stride } => {
                let n = elem.slots() as usize;
                for i in 0..*len as usize {
                    load_scalar(*elem, addr + (i as u64) * u64::from(*stride), out.add(i * n));
                }
            }
            Repr::A { size, .. } => {
                std::ptr::copy_nonoverlapping(addr as *const u8, out as *mut u8, *size as usize);
            }
            Repr::W(bits) => {
                let n = r.slots() as usize;
                std::ptr::write_bytes(out, 0, n);
                std::ptr::copy_nonoverlapping(addr as *const u8, out as *mut u8, bits.div_ceil(8) as usize);
                let rem = bits % 64;
                if rem != 0 {
                    *out.add(n - 1) &= (1u64 << rem) - 1;
                }
            }
            Repr::None => {}
        }
    }
}

/// Stores a value of any representation.
///
/// # Safety
/// `addr` writable for the type's store size; `inp` valid for `r.slots()`.
pub unsafe fn store_repr(r: &Repr, addr: u64, inp: *const u64) {
    // SAFETY: forwarded to the caller.
    unsafe {
        match r {
            Repr::S(s) => store_scalar(*s, addr, inp),
            Repr::V { len, stride: 0, .. } => {
                let nbytes = len.div_ceil(8) as u64;
                for b in 0..nbytes {
                    let mut byte = 0u8;
                    for bit in 0..8u64 {
                        let i = b * 8 + bit;
                        if i < u64::from(*len) && *inp.add(i as usize) & 1 != 0 {
                            byte |= 1 << bit;
                        }
                    }
                    wr::<u8>(addr + b, byte);
                }
            }
            Repr::V { elem, len, stride } => {
                let n = elem.slots() as usize;
                for i in 0..*len as usize {
                    store_scalar(*elem, addr + (i as u64) * u64::from(*stride), inp.add(i * n));
                }
            }
            Repr::A { size, .. } => {
                std::ptr::copy_nonoverlapping(inp as *const u8, addr as *mut u8, *size as usize);
            }
            Repr::W(bits) => {
                std::ptr::copy_nonoverlapping(inp as *const u8, addr as *mut u8, bits.div_ceil(8) as usize);
            }
            Repr::None => {}
        }
    }
}
