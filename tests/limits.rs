//! Work per link is linear in its length and bounded in memory (issue 9, defect 9): a link
//! nested in itself cost quadratic time and 253 MB for 1 MB. Measured here in bytes
//! allocated (a counting allocator, per thread), which unlike a timing does not depend on
//! what else the machine is doing.

use byob::{parse, rewrite, RewriteStatus, Target, TargetKind, MAX_LINK_LEN};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed to the system allocator unchanged; the counter is a
// const-initialised thread local, which does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + layout.size()));
        // SAFETY: the caller's layout is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + new_size));
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated by `f` on this thread.
fn allocated(f: impl FnOnce()) -> usize {
    let before = ALLOCATED.with(Cell::get);
    f();
    ALLOCATED.with(Cell::get) - before
}

/// The next nesting of a Binder link in itself: a gh spec that is the url-encoded link (the
/// shape that cost quadratic time: each level is decoded and read again).
fn nest(link: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(link.len() * 3);
    for b in link.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            encoded.push(b as char);
        } else {
            encoded.push('%');
            encoded.push(HEX[usize::from(b >> 4)] as char);
            encoded.push(HEX[usize::from(b & 15)] as char);
        }
    }
    format!("https://mybinder.org/v2/gh/{encoded}/HEAD")
}

/// The deepest nesting that fits in `len` bytes, and its depth.
fn nested_up_to(len: usize) -> (String, usize) {
    let mut link = "https://mybinder.org/v2/gh/o/r/HEAD".to_string();
    let mut depth = 0;
    loop {
        let next = nest(&link);
        if next.len() > len {
            return (link, depth);
        }
        link = next;
        depth += 1;
    }
}

#[test]
fn nested_links_cost_memory_linear_in_their_length() {
    let target = Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap();
    let mut per_byte = Vec::new();
    for len in [1024, 2048, 4096, MAX_LINK_LEN] {
        let (link, depth) = nested_up_to(len);
        assert!(depth >= 3, "{depth}");
        let bytes = allocated(|| {
            let _ = parse(&link);
            let _ = rewrite(&link, &target);
        });
        per_byte.push((link.len(), bytes, bytes / link.len()));
    }
    // Linear: the bytes allocated per byte of link do not grow with the link (they grew
    // with the nesting depth before the fix). The bound leaves room for the rewrite's copies.
    // Measured: 25 bytes per byte at every size (before: 42, 56, 75, 104, and a stack
    // overflow at 1 MB).
    let first = per_byte[0].2;
    for &(len, bytes, ratio) in &per_byte {
        assert!(
            ratio <= 32 && ratio <= first + first / 4,
            "{len}-byte link allocated {bytes} bytes: {per_byte:?}"
        );
    }
}

#[test]
fn a_megabyte_link_is_refused_alone_and_costs_nothing_to_refuse() {
    let target = Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap();
    // 1 MB of a link nested in itself, padded to its size.
    let (nested, _) = nested_up_to(1 << 20);
    let huge = format!("{nested}?urlpath={}", "a".repeat((1 << 20) - nested.len()));
    let links = [
        "https://mybinder.org/v2/gh/o/r/HEAD".to_string(),
        huge.clone(),
        "https://mybinder.org/v2/gh/o/r2/HEAD".to_string(),
    ];
    let mut results = Vec::new();
    let bytes = allocated(|| results = links.iter().map(|l| rewrite(l, &target)).collect());
    // The huge link is refused on its own; its neighbours are rewritten.
    assert_eq!(
        results.iter().map(|r| r.status).collect::<Vec<_>>(),
        [
            RewriteStatus::Rewritten,
            RewriteStatus::Invalid,
            RewriteStatus::Rewritten
        ]
    );
    assert_eq!(
        results[1].reason.as_deref(),
        Some(
            format!(
                "invalid launch link: link is {} bytes long; byob reads links of at most 8192 bytes",
                huge.len()
            )
            .as_str()
        )
    );
    // The rewrite echoes its input (one copy); nothing else of the megabyte is held.
    assert!(
        bytes < 2 * huge.len() + 64 * 1024,
        "{bytes} bytes allocated"
    );
}
