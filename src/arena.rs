//! The hot Wasm module's allocator (src/hot.rs): a bump arena for the work of one link, in
//! front of the system allocator (dlmalloc on wasm32).
//!
//! Rewriting one link makes some 20–35 small, short-lived allocations (the launch model, the
//! values it decodes, the rendered link and the text it is checked against), all dropped once
//! the link's answer is written. Under dlmalloc at opt-level `z` each `malloc` and `free` cost
//! more than the work they serve; here an allocation is a pointer bump and a free does nothing,
//! and the whole arena is taken back at once between links ([`Arena::reset`]).
//!
//! The rules that make that sound, all kept by [`Arena::with`], the one way to use the arena:
//!
//! * the arena gives memory only while it is on, for the duration of one closure, and it is
//!   reset only after that closure returned, when everything it allocated was dropped: the
//!   closure's result is built outside (`with` takes a result that owns no arena memory);
//! * memory the arena did not give (anything allocated while it was off, or when it was full)
//!   is always freed and grown by the system allocator, whatever the arena's state: a buffer
//!   that outlives a link (the module's input and output) never moves into it;
//! * a request the arena cannot hold (larger than what is left) goes to the system allocator,
//!   so a long link costs what it costs without the arena, never a failure.
//!
//! The wasm32 module is single-threaded (no `atomics` target feature): the state is plain
//! cells. On a native target the type is only built by its tests, never installed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Bytes the arena holds: a link's work is about 2 KB (tests/limits.rs measures it), and a
/// link of the largest size byob reads ([`crate::MAX_LINK_LEN`]) needs a few times that.
pub(crate) const ARENA_BYTES: usize = 64 * 1024;

/// A bump arena in front of [`System`].
pub(crate) struct Arena {
    /// The arena's memory (from [`System`], on first use), or 0 before.
    start: Cell<usize>,
    /// Where the next allocation may start.
    next: Cell<usize>,
    /// Where the last allocation started: it can grow in place, and its free rolls back.
    last: Cell<usize>,
    /// Whether allocations come from the arena now.
    on: Cell<bool>,
}

// SAFETY: the hot module is built for wasm32 without the `atomics` feature, where there is one
// thread; natively the type is only used by its own tests, one instance per test, on one thread.
unsafe impl Sync for Arena {}

impl Arena {
    /// An arena with no memory yet.
    pub(crate) const fn new() -> Arena {
        Arena {
            start: Cell::new(0),
            next: Cell::new(0),
            last: Cell::new(0),
            on: Cell::new(false),
        }
    }

    /// Runs `f` with allocations from the arena, then takes the arena back. `f`'s result must
    /// own no memory (`Copy`): whatever `f` allocated is dropped before the arena is reset.
    pub(crate) fn with<R: Copy>(&self, f: impl FnOnce() -> R) -> R {
        if self.on.get() {
            // Already on (not nested by this crate): the outer call resets.
            return f();
        }
        if self.start.get() == 0 {
            let Ok(layout) = Layout::from_size_align(ARENA_BYTES, 16) else {
                return f();
            };
            // SAFETY: a layout of non-zero size.
            let memory = unsafe { System.alloc(layout) };
            if memory.is_null() {
                // No memory for the arena: everything goes to the system allocator.
                return f();
            }
            self.start.set(memory as usize);
        }
        self.reset();
        self.on.set(true);
        let r = f();
        self.on.set(false);
        self.reset();
        r
    }

    fn reset(&self) {
        self.next.set(self.start.get());
        self.last.set(usize::MAX);
    }

    fn owns(&self, ptr: *mut u8) -> bool {
        let start = self.start.get();
        let p = ptr as usize;
        start != 0 && p >= start && p < start + ARENA_BYTES
    }

    /// A block of `layout` from the arena, or null when it does not fit.
    fn bump(&self, layout: Layout) -> *mut u8 {
        let at = match self.next.get().checked_add(layout.align() - 1) {
            Some(n) => n & !(layout.align() - 1),
            None => return std::ptr::null_mut(),
        };
        match at.checked_add(layout.size()) {
            Some(end) if end <= self.start.get() + ARENA_BYTES => {
                self.next.set(end);
                self.last.set(at);
                at as *mut u8
            }
            _ => std::ptr::null_mut(),
        }
    }
}

// SAFETY: every block handed out is either the system allocator's (and returned to it) or a
// range of the arena's memory not handed out since the last reset, aligned as asked; a reset
// happens only in `with`, after the closure that could hold arena blocks returned.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.on.get() {
            let p = self.bump(layout);
            if !p.is_null() {
                return p;
            }
        }
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.owns(ptr) {
            // The last block given is taken back: a temporary freed at once costs nothing.
            if ptr as usize == self.last.get() {
                self.next.set(ptr as usize);
                self.last.set(usize::MAX);
            }
            return;
        }
        // SAFETY: not the arena's, so `System.alloc` gave it with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !self.owns(ptr) {
            // SAFETY: the system allocator's block, with the caller's layout and size.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let p = ptr as usize;
        if p == self.last.get() && p + new_size <= self.start.get() + ARENA_BYTES {
            // The last block grows (or shrinks) in place.
            self.next.set(p + new_size);
            return ptr;
        }
        if new_size <= layout.size() {
            return ptr;
        }
        // SAFETY: the new layout has the old alignment and a size the caller asked for.
        let new =
            unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
        if !new.is_null() {
            // SAFETY: both blocks are at least `layout.size()` long and do not overlap (the
            // new one was handed out after the old one).
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size()) };
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
                assert!(a.owns(p) && a.owns(q));
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
            assert!(!a.owns(before), "allocated while off");
            let big = a.alloc(layout(ARENA_BYTES + 1, 1));
            assert!(!big.is_null() && !a.owns(big), "too large for the arena");
            a.dealloc(big, layout(ARENA_BYTES + 1, 1));
            // A block from outside grows outside.
            let grown = a.realloc(before, layout(16, 8), 4096);
            assert!(!a.owns(grown));
            a.dealloc(grown, layout(4096, 8));
            // A block that outgrows what is left moves to the system allocator.
            let p = a.alloc(layout(ARENA_BYTES - 64, 1));
            assert!(a.owns(p));
            let q = a.alloc(layout(8, 1));
            let moved = a.realloc(p, layout(ARENA_BYTES - 64, 1), ARENA_BYTES);
            assert!(!moved.is_null() && !a.owns(moved));
            a.dealloc(moved, layout(ARENA_BYTES, 1));
            a.dealloc(q, layout(8, 1));
        });
        // SAFETY (test): off again, the system allocator serves.
        unsafe {
            let after = a.alloc(layout(16, 8));
            assert!(!a.owns(after));
            a.dealloc(after, layout(16, 8));
        }
    }
}
