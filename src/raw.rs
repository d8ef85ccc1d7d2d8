//! What the raw exports of both Wasm modules share (src/hot.rs, src/wasm.rs;
//! docs/contracts.md, "The hot module" and "The cold module"): the caller writes UTF-8 text
//! into room the module gives it, the module writes its answer into one output string, and a
//! call returns the answer's length, or `-1 - n` when it failed and the output is the message.

/// One instance's input room and output.
pub(crate) struct Io {
    /// The input buffer, at the longest length asked so far (its room is `room` bytes of it).
    input: Vec<u8>,
    /// The length of the room last given.
    room: usize,
    output: String,
}

impl Io {
    pub(crate) const fn new() -> Self {
        Io {
            input: Vec::new(),
            room: 0,
            output: String::new(),
        }
    }

    /// Room for `len` bytes of input, zeroed (nothing of an earlier call can be read as part of
    /// this one); returns where to write them.
    pub(crate) fn room(&mut self, len: usize) -> *mut u8 {
        // Zeroed with one `fill` (a `memory.fill` in Wasm), not `resize`'s loop of one store a
        // byte: the first batch's room is about 100 KB, zeroed by V8's baseline code. The
        // buffer keeps its longest length, so that a short call (a target) between batches
        // does not make the next batch allocate again; it grows at least twofold, and the old
        // buffer is dropped first (in the hot module's first region a freed last block is
        // reused, src/arena.rs).
        if self.input.len() < len {
            let size = len.max(self.input.len().saturating_mul(2));
            drop(std::mem::take(&mut self.input));
            self.input = vec![0; size];
        } else {
            self.input[..len].fill(0);
        }
        self.room = len;
        self.input.as_mut_ptr()
    }

    /// Where the last output starts (its length was returned by the call that wrote it).
    pub(crate) fn output_ptr(&self) -> *const u8 {
        self.output.as_ptr()
    }

    /// A call's two sides: the first `len` bytes of the input as text (`len` clamped to the
    /// room given; not UTF-8 is an error), and the output, cleared, to write the answer into.
    pub(crate) fn take(&mut self, len: usize) -> (Result<&str, String>, &mut String) {
        self.output.clear();
        let text = std::str::from_utf8(&self.input[..len.min(self.room)])
            .map_err(|_| "input: not utf-8".to_string());
        (text, &mut self.output)
    }
}

/// The return value of a call that failed with `message` in the output.
pub(crate) fn failed(message: &str) -> i32 {
    -1 - i32::try_from(message.len()).unwrap_or(0)
}
