//! The hot Wasm module (the `hot` feature; `make wasm` builds it as `build/pkg/byob_hot.wasm`):
//! what the background needs to rewrite links when it wakes, and nothing else — no serde, no
//! `url` crate, no wasm-bindgen. Five raw exports over linear memory, called by
//! `extension/hot.js` (docs/contracts.md, "The hot module"):
//!
//! * `byob_input(len) -> ptr`: room for `len` bytes of UTF-8 input, written by the caller;
//! * `byob_set_target(len) -> i32`: the input is a target's wire text ([`Target::wire`]),
//!   validated and kept for every later batch;
//! * `byob_rewrite(len) -> i32`: the input is a batch of hrefs, one per line; the answer (a
//!   JSON array, [`crate::lean::answer_batch`]) is the output;
//! * `byob_output() -> ptr`: where the last output starts;
//! * `byob_deferred() -> i32`: how many answers of the last batch were `defer`.
//!
//! A call returns the output's length `n` (`0` for `byob_set_target`), or `-1 - n` when it
//! failed and the output is the message.
//!
//! Nothing here can trap on what a caller passes: lengths are clamped to the input buffer,
//! text that is not UTF-8 is an error, and the core never panics (fuzzed). The loader replaces
//! an instance that traps anyway.

use crate::arena::Arena;
use crate::raw::{failed, Io};
use crate::{lean, Target};
use std::cell::RefCell;

/// Each link's work is allocated in an arena taken back between links (src/arena.rs).
#[global_allocator]
static ARENA: Arena = Arena::new();

struct State {
    io: Io,
    target: Option<Target>,
    /// How many answers of the last batch were `defer` (0 after a failed call).
    deferred: usize,
}

thread_local! {
    static STATE: RefCell<State> = const {
        RefCell::new(State {
            io: Io::new(),
            target: None,
            deferred: 0,
        })
    };
}

/// Room for `len` bytes of input; returns where to write them.
#[no_mangle]
pub extern "C" fn byob_input(len: usize) -> *mut u8 {
    STATE.with_borrow_mut(|s| s.io.room(len))
}

/// Where the last output starts (its length was returned by the call that wrote it).
#[no_mangle]
pub extern "C" fn byob_output() -> *const u8 {
    STATE.with_borrow(|s| s.io.output_ptr())
}

/// Keeps the target whose wire text is the first `len` bytes of the input: 0, or `-1 - n`
/// with the reason (`n` bytes) in the output (the target kept before is dropped).
#[no_mangle]
pub extern "C" fn byob_set_target(len: usize) -> i32 {
    STATE.with_borrow_mut(|s| {
        let (text, output) = s.io.take(len);
        let read = text.and_then(|text| Target::from_wire(text).map_err(|e| e.to_string()));
        match read {
            Ok(t) => {
                s.target = Some(t);
                0
            }
            Err(e) => {
                s.target = None;
                output.push_str(&e);
                failed(output)
            }
        }
    })
}

/// Answers the batch of hrefs in the first `len` bytes of the input for the kept target:
/// the answer's length, or `-1 - n` with the reason (`n` bytes) in the output.
#[no_mangle]
pub extern "C" fn byob_rewrite(len: usize) -> i32 {
    STATE.with_borrow_mut(|s| {
        let State {
            io,
            target,
            deferred,
        } = s;
        *deferred = 0;
        let (hrefs, output) = io.take(len);
        let Some(target) = target.as_ref() else {
            output.push_str("no target: call byob_set_target first");
            return failed(output);
        };
        match hrefs {
            Ok(hrefs) => {
                // The output is allocated here, outside the arena, before any link's work: the
                // arena never holds what outlives a link (src/arena.rs). Three bytes a byte of
                // input: a batch of rewritten launch links answers about 2.65 (the bench's), so
                // the first batch neither copies its answer to a larger block nor runs the
                // allocator's free (each a function compiled on its first call), and the memory
                // ends smaller than after a doubling (25 pages against 31; docs/benchmarks.md,
                // "cold first call (fifth round, second part)").
                output.reserve(hrefs.len() * 3 + 64);
                *deferred =
                    lean::answer_batch_with(hrefs, target, output, |answer| ARENA.with(answer));
                i32::try_from(output.len()).unwrap_or(-1)
            }
            Err(e) => {
                output.push_str(&e);
                failed(output)
            }
        }
    })
}

/// How many answers of the last `byob_rewrite` were `defer` (0 after a failed call): the caller
/// sends those hrefs to the full model, and takes the answer as it is when there are none.
#[no_mangle]
pub extern "C" fn byob_deferred() -> i32 {
    STATE.with_borrow(|s| i32::try_from(s.deferred).unwrap_or(i32::MAX))
}
