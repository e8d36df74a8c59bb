//! A global allocator that counts, so the benchmark can report allocations per committed
//! entry for both libraries from the same counter.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The system allocator, counting every call that obtains memory: `alloc`, `alloc_zeroed`
/// and `realloc` (a growing `Vec` reallocates; that is an allocator call too). Frees are
/// not counted.
pub struct CountingAllocator;

static CALLS: AtomicU64 = AtomicU64::new(0);

fn count() {
    // Relaxed: the benchmark is single-threaded; the counter only needs to add up.
    CALLS.fetch_add(1, Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches no
// memory the caller owns.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as ours, passed through.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as ours, passed through.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as ours, passed through.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours, passed through.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocator calls that obtained memory so far, process-wide.
pub fn allocations() -> u64 {
    CALLS.load(Relaxed)
}
