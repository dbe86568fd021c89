//! Entry stubs: one stable native address per IR function, dispatching
//! through a pluggable slot.
//!
//! A function's address (what `@f` evaluates to, what vtables and callback
//! pointers hold) is a 16-byte stub that jumps through the function's slot:
//!
//! ```text
//! movabs r11, SLOT      ; 49 BB imm64  (r11: scratch, never an argument)
//! jmp    qword [r11]    ; 41 FF 23
//! int3 x3               ; padding
//! ```
//!
//! The slot starts at the function's generic entry (the interpreter's libffi
//! closure, given by the engine that owns the fallback). Compiled code is
//! plugged into it ([`crate::Image::plug`]) and every caller — native code,
//! JIT code, callbacks handed to libc — reaches the compiled code through the
//! same address, so function identity never changes. Slots are written with
//! one atomic store: a concurrent caller runs either the old or the new
//! target, both of which implement the function.

use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes of one stub.
const STUB_SIZE: usize = 16;

/// The stubs of one image.
#[derive(Debug)]
pub(crate) struct EntryStubs {
    /// Executable stub code (read-only once built).
    _code: memmap2::Mmap,
    /// Address of the first stub.
    base: u64,
    /// Current target of each stub.
    slots: Box<[AtomicU64]>,
    /// The generic entry of each stub.
    defaults: Box<[u64]>,
}

impl EntryStubs {
    /// Builds one stub per target in `defaults`, each jumping to its default.
    pub(crate) fn new(defaults: Vec<u64>) -> std::io::Result<EntryStubs> {
        let slots: Box<[AtomicU64]> = defaults.iter().map(|&d| AtomicU64::new(d)).collect();
        let mut map = memmap2::MmapMut::map_anon((defaults.len() * STUB_SIZE).max(1))?;
        for (i, stub) in map.chunks_exact_mut(STUB_SIZE).enumerate() {
            let slot = std::ptr::from_ref(&slots[i]) as u64;
            stub[..2].copy_from_slice(&[0x49, 0xBB]);
            stub[2..10].copy_from_slice(&slot.to_le_bytes());
            stub[10..13].copy_from_slice(&[0x41, 0xFF, 0x23]);
            stub[13..].fill(0xCC);
        }
        let code = map.make_exec()?;
        let base = code.as_ptr() as u64;
        Ok(EntryStubs { _code: code, base, slots, defaults: defaults.into_boxed_slice() })
    }

    /// The stable address of stub `i`.
    pub(crate) fn addr(&self, i: usize) -> u64 {
        self.base + (i * STUB_SIZE) as u64
    }

    /// Points stub `i` at `code`.
    ///
    /// # Safety
    /// `code` must implement the stub's function with its native signature,
    /// and stay executable until the stub is pointed elsewhere and no thread
    /// can still be running it.
    pub(crate) unsafe fn plug(&self, i: usize, code: u64) {
        self.slots[i].store(code, Ordering::Release);
    }

    /// Points stub `i` back at its generic entry if it still jumps to
    /// `code`; returns whether it did.
    pub(crate) fn unplug(&self, i: usize, code: u64) -> bool {
        self.slots[i].compare_exchange(code, self.defaults[i], Ordering::AcqRel, Ordering::Acquire).is_ok()
    }

    /// The slot of stub `i` and its generic entry.
    pub(crate) fn slot(&self, i: usize) -> (&AtomicU64, u64) {
        (&self.slots[i], self.defaults[i])
    }

    /// The plugged code of stub `i`, if it is not the generic entry.
    pub(crate) fn plugged(&self, i: usize) -> Option<u64> {
        let cur = self.slots[i].load(Ordering::Acquire);
        (cur != self.defaults[i]).then_some(cur)
    }
}
