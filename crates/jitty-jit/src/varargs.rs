//! Calls to variadic functions (SysV x86-64).
//!
//! Cranelift 0.135 has no variadic calls. On SysV x86-64 a variadic call is
//! an ordinary call with the call site's actual argument list, plus `%al` =
//! an upper bound of the number of vector registers carrying arguments.
//! Cranelift cannot set `%al`, so JIT code calls a tiny per-unit thunk with
//! the call site's exact signature; the thunk sets `%eax` and jumps (not
//! calls) to the target, so the callee sees the caller's arguments and stack
//! unchanged. `%rax` and `%r11` are scratch at a call boundary in SysV.
//!
//! * direct target (address known at compile time):
//!   `mov eax, AL; movabs r11, TARGET; jmp r11`
//! * dynamic target (function pointer): the pointer is passed as one extra
//!   trailing integer argument, which lands in the first free argument GPR
//!   `REG`; the thunk does `mov r11, REG; mov eax, AL; jmp r11`. The callee
//!   ignores the extra register. Needs a free GPR (fewer than six integer
//!   arguments), else the call is reported unsupported.

/// Integer argument registers of SysV x86-64 in order, as hardware numbers.
const ARG_GPRS: [u8; 6] = [7, 6, 2, 1, 8, 9];

/// Machine code of a thunk for a call whose target address is known.
pub fn direct_thunk(target: u64, al: u8) -> Vec<u8> {
    let mut code = vec![0xB8];
    code.extend_from_slice(&u32::from(al).to_le_bytes());
    code.extend_from_slice(&[0x49, 0xBB]);
    code.extend_from_slice(&target.to_le_bytes());
    code.extend_from_slice(&[0x41, 0xFF, 0xE3]);
    code
}

/// Machine code of a thunk that jumps to the address passed in the
/// `gpr_index`-th integer argument register.
pub fn indirect_thunk(gpr_index: usize, al: u8) -> Option<Vec<u8>> {
    let src = *ARG_GPRS.get(gpr_index)?;
    // mov r11, src  (REX.W 89 /r: r/m64 = r11, reg = src)
    let rex = 0x48 | if src >= 8 { 0x04 } else { 0 } | 0x01;
    let modrm = 0xC0 | ((src & 7) << 3) | 3;
    let mut code = vec![rex, 0x89, modrm, 0xB8];
    code.extend_from_slice(&u32::from(al).to_le_bytes());
    code.extend_from_slice(&[0x41, 0xFF, 0xE3]);
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(indirect_thunk(0, 1).unwrap()[..3], [0x49, 0x89, 0xFB]); // mov r11, rdi
        assert_eq!(indirect_thunk(4, 1).unwrap()[..3], [0x4D, 0x89, 0xC3]); // mov r11, r8
        assert!(indirect_thunk(6, 0).is_none());
        assert_eq!(direct_thunk(0x1122, 2)[..5], [0xB8, 2, 0, 0, 0]);
    }
}
