//! The hot Wasm module's allocator (src/hot.rs): a bump arena for the work of one link and a
//! first region for what lasts, in front of the system allocator (dlmalloc on wasm32).
//!
//! Rewriting one link makes some 20–35 small, short-lived allocations (the launch model, the
//! values it decodes, the rendered link and the text it is checked against), all dropped once
//! the link's answer is written. Under dlmalloc at opt-level `z` each `malloc` and `free` cost
//! more than the work they serve; here an allocation is a pointer bump and a free does nothing,
//! and the whole arena is taken back at once between links (`Bump::reset`).
//!
//! What outlives a link (the target, the batch's input and answer, the link arena's own
//! memory) comes from the **first region**, 1 MiB of fresh pages bumped the same way but never
//! taken back: a woken background's first batches then run no dlmalloc code at all, which V8
//! would compile on its first call (about 3 KB of function bodies, a fifth of what the first
//! call compiled then; docs/benchmarks.md, "cold first call (sixth round)"). A block freed there is
//! reused only when it was the last one given, so the region can hold up to 1 MiB of dropped
//! buffers; once it is full, the system allocator serves, as it always did.
//!
//! The rules that make that sound, all kept by [`Arena::with`], the one way to use the arena:
//!
//! * the link arena gives memory only while it is on, for the duration of one closure, and it
//!   is reset only after that closure returned, when everything it allocated was dropped: the
//!   closure's result is built outside (`with` takes a result that owns no arena memory);
//! * memory the link arena did not give (anything allocated while it was off, or when it was
//!   full) is freed and grown by the region or the system allocator, whichever gave it,
//!   whatever the arena's state: a buffer that outlives a link (the module's input and output)
//!   never moves into the link arena;
//! * a request the link arena cannot hold (larger than what is left) goes to the system
//!   allocator, so a long link costs what it costs without the arena, never a failure; one the
//!   region cannot hold goes there too;
//! * the region's pages are the module's own (`memory.grow`), which the system allocator never
//!   hands out: it takes its pages the same way, each grow giving fresh ones.
//!
//! The wasm32 module is single-threaded (no `atomics` target feature): the state is plain
//! cells. On a native target the type is only built by its tests, never installed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Bytes the arena holds: a link's work is about 2 KB (tests/limits.rs measures it), and a
/// link of the largest size byob reads ([`crate::MAX_LINK_LEN`]) needs a few times that.
pub(crate) const ARENA_BYTES: usize = 64 * 1024;

/// Bytes of the first region: what a woken background's first batches keep between links (the
/// target, the batch's input and answer, the link arena itself) for a page of up to about
/// 2,000 launch links.
pub(crate) const REGION_BYTES: usize = 1024 * 1024;

/// One block of memory handed out by bumping a pointer: the last block given can grow in place
/// and its free rolls back; any other free does nothing until [`Bump::reset`].
struct Bump {
    /// The block's memory, or 0 before it is had (`usize::MAX`: it could not be had).
    start: Cell<usize>,
    /// Where the next allocation may start.
    next: Cell<usize>,
    /// Where the last allocation started (`usize::MAX`: none to roll back).
    last: Cell<usize>,
    size: usize,
}

impl Bump {
    const fn new(size: usize) -> Bump {
        Bump {
            start: Cell::new(0),
            next: Cell::new(0),
            last: Cell::new(usize::MAX),
            size,
        }
    }

    /// Gives the bump its memory (once; `memory` 0 when there is none: it then gives nothing).
    fn set_memory(&self, memory: usize) {
        self.start
            .set(if memory == 0 { usize::MAX } else { memory });
        self.reset();
    }

    fn has_memory(&self) -> bool {
        self.start.get() != 0 && self.start.get() != usize::MAX
    }

    fn reset(&self) {
        self.next.set(self.start.get());
        self.last.set(usize::MAX);
    }

    fn owns(&self, ptr: *mut u8) -> bool {
        let p = ptr as usize;
        self.has_memory() && p >= self.start.get() && p < self.start.get() + self.size
    }

    /// A block of `layout`, or null when it does not fit (or there is no memory).
    fn bump(&self, layout: Layout) -> *mut u8 {
        if !self.has_memory() {
            return std::ptr::null_mut();
        }
        let at = match self.next.get().checked_add(layout.align() - 1) {
            Some(n) => n & !(layout.align() - 1),
            None => return std::ptr::null_mut(),
        };
        match at.checked_add(layout.size()) {
            Some(end) if end <= self.start.get() + self.size => {
                self.next.set(end);
                self.last.set(at);
                at as *mut u8
            }
            _ => std::ptr::null_mut(),
        }
    }

    /// Keeps the last block given: its free no longer rolls back (what the link arena's memory,
    /// cut from the region, needs, whatever order `dealloc` checks the two in).
    fn keep_last(&self) {
        self.last.set(usize::MAX);
    }

    /// Takes back the last block given (any other is kept until a reset).
    fn free(&self, ptr: *mut u8) {
        if ptr as usize == self.last.get() {
            self.next.set(ptr as usize);
            self.last.set(usize::MAX);
        }
    }

    /// Whether `ptr`, the last block given, now has `new_size` bytes in place.
    fn resize_last(&self, ptr: *mut u8, new_size: usize) -> bool {
        let p = ptr as usize;
        if p == self.last.get() && new_size <= self.start.get() + self.size - p {
            self.next.set(p + new_size);
            return true;
        }
        false
    }
}

/// A bump arena for each link's work, and a first region for what lasts, in front of
/// [`System`].
pub(crate) struct Arena {
    /// The link arena: reset between links.
    link: Bump,
    /// The first region: never reset.
    region: Bump,
    /// Whether allocations come from the link arena now.
    on: Cell<bool>,
}

// SAFETY: the hot module is built for wasm32 without the `atomics` feature, where there is one
// thread; natively the type is only used by its own tests, one instance per test, on one thread.
unsafe impl Sync for Arena {}

/// Memory for the first region: fresh pages of the module's memory, which nothing else will
/// use (the system allocator takes its own pages the same way). Natively (tests), a block of
/// the system allocator's, kept for the process's life. 0 when there is none.
fn region_memory() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        let page = core::arch::wasm32::memory_grow::<0>(REGION_BYTES / 65536);
        // Never at the top of the address space (taken at the first allocation, when memory is
        // small), but a region whose end would wrap is no region: `owns` adds its size.
        page.checked_mul(65536)
            .filter(|&start| start.checked_add(REGION_BYTES).is_some())
            .unwrap_or(0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        match Layout::from_size_align(REGION_BYTES, 16) {
            // SAFETY: a layout of non-zero size.
            Ok(layout) => {
                let start = unsafe { System.alloc(layout) as usize };
                if start.checked_add(REGION_BYTES).is_some() {
                    start
                } else {
                    0
                }
            }
            Err(_) => 0,
        }
    }
}

impl Arena {
    /// An arena with no memory yet.
    pub(crate) const fn new() -> Arena {
        Arena {
            link: Bump::new(ARENA_BYTES),
            region: Bump::new(REGION_BYTES),
            on: Cell::new(false),
        }
    }

    /// Runs `f` with allocations from the link arena, then takes the arena back. `f`'s result
    /// must own no memory (`Copy`): whatever `f` allocated is dropped before the arena is reset.
    pub(crate) fn with<R: Copy>(&self, f: impl FnOnce() -> R) -> R {
        if self.on.get() {
            // Already on (not nested by this crate): the outer call resets.
            return f();
        }
        if self.link.start.get() == 0 {
            let memory = match Layout::from_size_align(ARENA_BYTES, 16) {
                // SAFETY: a layout of non-zero size; the block is never freed.
                Ok(layout) => unsafe { self.lasting(layout) as usize },
                Err(_) => 0,
            };
            self.link.set_memory(memory);
            self.region.keep_last();
        }
        if !self.link.has_memory() {
            // No memory for the arena: everything goes to the system allocator.
            return f();
        }
        self.link.reset();
        self.on.set(true);
        let r = f();
        self.on.set(false);
        self.link.reset();
        r
    }

    /// A block that may outlive a link: from the first region while it has room, else from the
    /// system allocator.
    ///
    /// # Safety
    /// As [`GlobalAlloc::alloc`].
    unsafe fn lasting(&self, layout: Layout) -> *mut u8 {
        if self.region.start.get() == 0 {
            self.region.set_memory(region_memory());
        }
        let p = self.region.bump(layout);
        if !p.is_null() {
            return p;
        }
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }
}

// SAFETY: every block handed out is either the system allocator's (and returned to it) or a
// range of the link arena's or the region's memory not handed out since it was last taken back,
// aligned as asked; the link arena is reset only in `with`, after the closure that could hold
// its blocks returned, and the region never is; a block that may outlive a link (one given
// while the link arena is off, or one that grows) never moves into the link arena.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.on.get() {
            let p = self.link.bump(layout);
            if !p.is_null() {
                return p;
            }
            // A link's work that outgrows the arena: the system allocator's, freed there (the
            // region keeps what lasts, and would keep these blocks until it is full).
            // SAFETY: the caller's layout, passed on.
            return unsafe { System.alloc(layout) };
        }
        // SAFETY: the caller's layout.
        unsafe { self.lasting(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.link.owns(ptr) {
            // The last block given is taken back: a temporary freed at once costs nothing.
            self.link.free(ptr);
            return;
        }
        if self.region.owns(ptr) {
            self.region.free(ptr);
            return;
        }
        // SAFETY: not the arena's or the region's, so `System.alloc` gave it with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let bump = if self.link.owns(ptr) {
            &self.link
        } else if self.region.owns(ptr) {
            &self.region
        } else {
            // SAFETY: the system allocator's block, with the caller's layout and size.
            return unsafe { System.realloc(ptr, layout, new_size) };
        };
        if bump.resize_last(ptr, new_size) {
            // The last block grows (or shrinks) in place.
            return ptr;
        }
        if new_size <= layout.size() {
            return ptr;
        }
        // SAFETY: the new layout has the old alignment and a size the caller asked for.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // A link's block moves within the link arena (or out of it); a lasting one only to
        // where lasting blocks go.
        let new = if std::ptr::eq(bump, &self.link) {
            // SAFETY: as above.
            unsafe { self.alloc(new_layout) }
        } else {
            // SAFETY: as above.
            unsafe { self.lasting(new_layout) }
        };
        if !new.is_null() {
            // SAFETY: both blocks are at least `layout.size()` long and do not overlap (the
            // new one was handed out after the old one, or by another allocator).
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size()) };
            bump.free(ptr);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn gives_aligned_blocks_inside_while_on_and_takes_them_all_back_after() {
        let a = Arena::new();
        let mut first = 0;
        a.with(|| {
            // SAFETY (test): blocks of the layouts asked, freed with them.
            unsafe {
                let p = a.alloc(layout(3, 1));
                let q = a.alloc(layout(8, 8));
                assert!(a.link.owns(p) && a.link.owns(q));
                assert_eq!(q as usize % 8, 0);
                assert!(q as usize >= p as usize + 3);
                first = p as usize;
                a.dealloc(q, layout(8, 8));
                a.dealloc(p, layout(3, 1));
            }
        });
        // Reset between uses: the next use starts where the first did.
        a.with(|| unsafe {
            let p = a.alloc(layout(5, 1));
            assert_eq!(p as usize, first);
            a.dealloc(p, layout(5, 1));
        });
    }

    #[test]
    fn the_last_block_grows_in_place_and_a_freed_last_block_is_reused() {
        let a = Arena::new();
        a.with(|| unsafe {
            let p = a.alloc(layout(4, 1));
            p.copy_from_nonoverlapping(b"abcd".as_ptr(), 4);
            let p2 = a.realloc(p, layout(4, 1), 64);
            assert_eq!(p2, p);
            let q = a.alloc(layout(4, 1));
            assert_eq!(q as usize, p as usize + 64);
            // Not the last block any more: it moves, its bytes with it.
            let p3 = a.realloc(p2, layout(64, 1), 128);
            assert_ne!(p3, p2);
            assert_eq!(std::slice::from_raw_parts(p3, 4), b"abcd");
            a.dealloc(p3, layout(128, 1));
            let r = a.alloc(layout(7, 1));
            assert_eq!(r, p3, "the freed last block is handed out again");
            a.dealloc(r, layout(7, 1));
            a.dealloc(q, layout(4, 1));
        });
    }

    #[test]
    fn what_the_arena_cannot_hold_or_did_not_give_stays_with_the_system_allocator() {
        let a = Arena::new();
        // SAFETY (test): each block is freed once, with the layout it has.
        let before = unsafe { a.alloc(layout(16, 8)) };
        a.with(|| unsafe {
            assert!(!a.link.owns(before), "allocated while off");
            let big = a.alloc(layout(ARENA_BYTES + 1, 1));
            assert!(
                !big.is_null() && !a.link.owns(big),
                "too large for the arena"
            );
            a.dealloc(big, layout(ARENA_BYTES + 1, 1));
            // A block from outside grows outside.
            let grown = a.realloc(before, layout(16, 8), 4096);
            assert!(!a.link.owns(grown));
            a.dealloc(grown, layout(4096, 8));
            // A block that outgrows what is left moves to the system allocator.
            let p = a.alloc(layout(ARENA_BYTES - 64, 1));
            assert!(a.link.owns(p));
            let q = a.alloc(layout(8, 1));
            let moved = a.realloc(p, layout(ARENA_BYTES - 64, 1), ARENA_BYTES);
            assert!(!moved.is_null() && !a.link.owns(moved));
            a.dealloc(moved, layout(ARENA_BYTES, 1));
            a.dealloc(q, layout(8, 1));
        });
        // SAFETY (test): off again, the system allocator serves.
        unsafe {
            let after = a.alloc(layout(16, 8));
            assert!(!a.link.owns(after));
            a.dealloc(after, layout(16, 8));
        }
    }

    #[test]
    fn what_lasts_comes_from_the_region_and_never_moves_into_the_link_arena() {
        let a = Arena::new();
        // SAFETY (test): each block is freed once, with the layout it has.
        unsafe {
            let input = a.alloc(layout(1000, 1));
            assert!(a.region.owns(input), "off: the region's");
            // The last block grows in place; its free rolls back.
            assert_eq!(a.realloc(input, layout(1000, 1), 4000), input);
            let output = a.alloc(layout(100, 8));
            assert!(a.region.owns(output) && output as usize >= input as usize + 4000);
            output.write_bytes(7, 100);
            a.with(|| {
                // A lasting block that grows during a link stays out of the link arena.
                let grown = a.realloc(output, layout(100, 8), 200_000);
                assert!(!a.link.owns(grown) && !grown.is_null());
                assert_eq!(std::slice::from_raw_parts(grown, 100), [7; 100]);
                // A link's block that outgrows the link arena goes to the system allocator.
                let big = a.alloc(layout(ARENA_BYTES + 1, 1));
                assert!(!a.link.owns(big) && !a.region.owns(big));
                a.dealloc(big, layout(ARENA_BYTES + 1, 1));
                a.dealloc(grown, layout(200_000, 8));
            });
            a.dealloc(input, layout(4000, 1));
            // A request the region cannot hold: the system allocator's.
            let huge = a.alloc(layout(REGION_BYTES, 1));
            assert!(!huge.is_null() && !a.region.owns(huge) && !a.link.owns(huge));
            a.dealloc(huge, layout(REGION_BYTES, 1));
        }
    }

    #[test]
    fn a_full_region_hands_over_to_the_system_allocator() {
        let a = Arena::new();
        // SAFETY (test): each block is freed once, with the layout it has.
        unsafe {
            let mut blocks = Vec::new();
            let mut outside = 0;
            for _ in 0..(REGION_BYTES / 4096 + 4) {
                let p = a.alloc(layout(4096, 16));
                assert!(!p.is_null());
                p.write_bytes(1, 4096);
                outside += usize::from(!a.region.owns(p));
                blocks.push(p);
            }
            assert!(outside >= 4, "{outside}");
            for p in blocks.into_iter().rev() {
                a.dealloc(p, layout(4096, 16));
            }
        }
    }
}
