//! The kernel's Vmalloc regions as a host program uses them: a safe,
//! owning wrapper over the host-services entries (`vmalloc_region_open`,
//! `vmalloc_alloc_dispatch`, `vmalloc_free`, `vmalloc_check`, `vmalloc_region_set`,
//! `vmalloc_region_close`), each called inside a dispatch region
//! ([`in_kernel`]).
//!
//! A [`Block`] is a handle, not a pointer: it names the region it came from
//! by a process-unique id, so a block can only be freed, filled or checked
//! through that region while it is open, and only once ([`Region::free`]
//! consumes it). That is what makes every operation here safe to call with
//! any sequence of handles.

use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::abi::{METHOD_BEST, METHOD_LAST, METHOD_POOL};
use crate::image::in_kernel;

/// A region's method (the kernel's `VMBEST`, `VMPOOL`, `VMLAST`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Best fit.
    Best,
    /// Equal-sized blocks; the first allocation fixes the size.
    Pool,
    /// Bump allocation; only the last block can be freed.
    Last,
}

impl Method {
    /// The ABI's `METHOD_*` id.
    pub fn id(self) -> u32 {
        match self {
            Method::Best => METHOD_BEST,
            Method::Pool => METHOD_POOL,
            Method::Last => METHOD_LAST,
        }
    }
}

static NEXT_REGION: AtomicU64 = AtomicU64::new(1);

/// An open region over the kernel heap's discipline, closed on drop.
#[derive(Debug)]
pub struct Region {
    raw: *mut c_void,
    id: u64,
    method: Method,
}

/// A block allocated from a [`Region`] (a handle: see the module doc).
#[derive(Debug)]
pub struct Block {
    ptr: *mut u8,
    size: usize,
    region: u64,
}

impl Block {
    /// The size asked for.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether the block's address is aligned to `align` bytes.
    pub fn is_aligned(&self, align: usize) -> bool {
        (self.ptr as usize).is_multiple_of(align.max(1))
    }
}

/// Why a block operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// The block belongs to another region (or one that was closed).
    #[error("the block belongs to another region")]
    WrongRegion,
    /// The method rejected the pointer (`vmalloc_free` returned -1).
    #[error("the method rejected the block")]
    Rejected,
}

impl Region {
    /// Opens a region with `method` over the heap discipline and `flags`
    /// (`VM_SINGLE`, `VM_TRUST`); `None` if the kernel could not.
    pub fn open(method: Method, flags: u32) -> Option<Region> {
        // SAFETY: the method and discipline are the kernel's statics, which
        // outlive every region.
        let raw = in_kernel(|s| unsafe {
            let m = (s.vmalloc_method)(method.id());
            if m.is_null() {
                return std::ptr::null_mut();
            }
            (s.vmalloc_region_open)((s.vmalloc_heap_discipline)(), m, flags)
        });
        if raw.is_null() {
            return None;
        }
        Some(Region { raw, id: NEXT_REGION.fetch_add(1, Ordering::Relaxed), method })
    }

    /// The region's method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The region's kernel address (for specialization drivers and
    /// `jitty explain`; never dereferenced by the host).
    pub fn as_ptr(&self) -> *mut c_void {
        self.raw
    }

    /// `vmalloc_alloc_dispatch(region, size)`: an allocation through the
    /// region's `alloc_slot` (the generic `vmalloc_alloc` unless the
    /// specialization driver plugged code for the region); `None` when the
    /// method returns null.
    pub fn alloc(&self, size: usize) -> Option<Block> {
        // SAFETY: a live region.
        let ptr = unsafe { alloc_through_slot(self.raw, size) };
        if crate::spec::policy::active() {
            let generic = crate::image::services().vmalloc_alloc as usize;
            crate::spec::policy::after_object_call(generic, &[self.raw as u64, size as u64]);
        }
        if ptr.is_null() { None } else { Some(Block { ptr, size, region: self.id }) }
    }

    /// `vmalloc_free(region, block)`.
    pub fn free(&self, b: Block) -> Result<(), BlockError> {
        if b.region != self.id {
            return Err(BlockError::WrongRegion);
        }
        // SAFETY: a live region and a block it returned, freed once (the
        // handle is consumed).
        match in_kernel(|s| unsafe { (s.vmalloc_free)(self.raw, b.ptr) }) {
            0 => Ok(()),
            _ => Err(BlockError::Rejected),
        }
    }

    /// Fills the block with `byte`.
    pub fn fill(&self, b: &Block, byte: u8) -> Result<(), BlockError> {
        if b.region != self.id {
            return Err(BlockError::WrongRegion);
        }
        // SAFETY: a live block of this open region, of `size` bytes, owned by
        // the holder of the handle.
        unsafe { std::ptr::write_bytes(b.ptr, byte, b.size) };
        Ok(())
    }

    /// Whether every byte of the block still holds `byte`.
    pub fn holds(&self, b: &Block, byte: u8) -> Result<bool, BlockError> {
        if b.region != self.id {
            return Err(BlockError::WrongRegion);
        }
        // SAFETY: as in `fill`.
        let s = unsafe { std::slice::from_raw_parts(b.ptr, b.size) };
        Ok(s.iter().all(|&x| x == byte))
    }

    /// `vmalloc_check(region)`: 0 if consistent, else the method's code.
    pub fn check(&self) -> i32 {
        // SAFETY: a live region.
        in_kernel(|s| unsafe { (s.vmalloc_check)(self.raw) })
    }

    /// `vmalloc_region_set(region, flags, on)`: returns the previous flags.
    /// Setting `VM_SINGLE` promises that one thread at a time uses the region.
    pub fn set_flags(&self, flags: u32, on: bool) -> u32 {
        // SAFETY: a live region.
        in_kernel(|s| unsafe { (s.vmalloc_region_set)(self.raw, flags, i32::from(on)) })
    }
}

/// `vmalloc_alloc_dispatch(region, size)` done on the host side: the
/// region's allocation slot is loaded and its code called inside a dispatch
/// region, with the code recorded (see `image::dispatch_object_slot`).
///
/// # Safety
/// `region` is a live kernel region.
pub unsafe fn alloc_through_slot(region: *mut c_void, size: usize) -> *mut u8 {
    let Some(off) = crate::image::object_slot_offset("malloc") else {
        // No slot declared: the kernel's own dispatch.
        // SAFETY: a live region (caller).
        return in_kernel(|s| unsafe { (s.vmalloc_alloc_dispatch)(region, size) });
    };
    crate::image::dispatch_object_slot(region as usize + off, |code| {
        // SAFETY: the slot holds `vmalloc_alloc` or code plugged with its
        // signature and contract; a live region (caller).
        let f: unsafe extern "C" fn(*mut c_void, usize) -> *mut u8 = unsafe { std::mem::transmute(code) };
        // SAFETY: as above.
        unsafe { f(region, size) }
    })
}

impl Drop for Region {
    fn drop(&mut self) {
        // Code plugged into the region's slot goes before the region.
        if let Some(d) = crate::spec::Specializer::running() {
            d.release_object(self.raw as usize);
        }
        // SAFETY: our region; blocks still held name its id, which no other
        // region will carry, so they can no longer reach it.
        in_kernel(|s| unsafe { (s.vmalloc_region_close)(self.raw) });
    }
}

// SAFETY: a region is a kernel object usable from any thread (its lock
// serializes access unless VM_SINGLE, whose promise `set_flags` documents);
// a block is a handle checked against its region on every use.
unsafe impl Send for Region {}
// SAFETY: see above.
unsafe impl Send for Block {}
