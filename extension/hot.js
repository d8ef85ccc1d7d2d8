// @ts-check
/**
 * The loader of the hot Wasm module (`pkg/byob_hot.js`, the bytes of src/hot.rs's module): what the background
 * needs to rewrite links when it wakes, and nothing else. Hand-written, no wasm-bindgen: the
 * module has five raw exports over its memory (docs/contracts.md, "The hot module"), and a
 * fresh instance after a trap is just `new WebAssembly.Instance(module)`.
 *
 * Text crosses as UTF-8 in the module's memory: the caller's text is written where
 * `byob_input` says, the answer read from `byob_output`. A call returns the answer's length
 * `n`, or `-1 - n` when it failed and the answer is the message.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * @typedef {{
 *   memory: WebAssembly.Memory,
 *   byob_input: (len: number) => number,
 *   byob_output: () => number,
 *   byob_set_target: (len: number) => number,
 *   byob_rewrite: (len: number) => number,
 *   byob_deferred: () => number,
 * }} HotExports
 */

/** One live instance of the hot module. */
export class Hot {
  /** @param {WebAssembly.Module} module */
  constructor(module) {
    /** The compiled module, to make a fresh instance from after a trap. */
    this.module = module;
    /** @type {HotExports} */
    this.exports = /** @type {any} */ (new WebAssembly.Instance(module, {}).exports);
    /** The wire text of the target this instance keeps, once set. @type {string | null} */
    this.target = null;
  }

  /**
   * Keep a target (its wire text, `Target::wire`) for every later batch; throws the module's
   * message when it is not a valid target.
   * @param {string} wire
   */
  setTarget(wire) {
    this.target = null;
    this.call('byob_set_target', wire);
    this.target = wire;
  }

  /**
   * Rewrite a batch: `hrefs` holds one href per line. Returns the answer, a JSON array text
   * with one object per line.
   * @param {string} hrefs
   * @returns {string}
   */
  rewrite(hrefs) {
    return this.call('byob_rewrite', hrefs);
  }

  /** How many answers of the last batch (`rewrite`) were `defer`. @returns {number} */
  deferred() {
    return this.exports.byob_deferred();
  }

  /**
   * Write `text` as UTF-8 into the module's input, given `room` bytes: the bytes written, or -1
   * when it did not fit.
   * @param {string} text
   * @param {number} room
   * @returns {number}
   */
  encode(text, room) {
    const ex = this.exports;
    const at = ex.byob_input(room);
    const {read, written} = encoder.encodeInto(text, new Uint8Array(ex.memory.buffer, at, room));
    return read === text.length ? (written ?? 0) : -1;
  }

  /**
   * @param {'byob_set_target' | 'byob_rewrite'} name
   * @param {string} text
   */
  call(name, text) {
    const ex = this.exports;
    // The module zeroes the room it gives (`byob_input`), so ask first for one byte per UTF-16
    // code unit, which holds ASCII text (a browser-normalised href always is), and only when
    // that did not hold it all for 3, the most UTF-8 takes per code unit. For the bench's
    // 1,000 links that zeroes 100 KB, not 300 KB (docs/benchmarks.md, "speed (JavaScript
    // side, third round)").
    let written = this.encode(text, text.length);
    if (written < 0) written = this.encode(text, text.length * 3);
    const n = ex[name](written);
    const len = n < 0 ? -1 - n : n;
    // The memory may have grown during the call: a view made now sees all of it.
    const out = decoder.decode(new Uint8Array(ex.memory.buffer, ex.byob_output(), len));
    if (n < 0) throw new Error(out);
    return out;
  }
}

/**
 * The key under which `pkg/byob_hot.js` puts the hot module's bytes on the global object, as
 * text (hex). The build writes that script from `byob_hot.wasm`: the module ships as a script,
 * not as a `.wasm` file, because a woken Chrome worker reads a script it imports from the
 * browser's store of its installed scripts at once, where its first `fetch` of an extension
 * file took about 3 ms (docs/benchmarks.md, "wake, eighth round"). Hex, not base64: the zip
 * compresses hex to 49.6 KB and base64 to 57.2 KB (the Wasm itself: 44.3), and both decode
 * natively.
 */
export const HOT_WASM = Symbol.for('byob.hotWasm');

/**
 * Bytes from hex text (`Uint8Array.fromHex` where the browser has it: Chrome 140, Firefox
 * 133; a loop before that).
 * @param {string} text
 * @returns {Uint8Array}
 */
export function fromHex(text) {
  const native = /** @type {any} */ (Uint8Array).fromHex;
  if (typeof native === 'function') return native(text);
  if (text.length % 2 !== 0) throw new SyntaxError('not hex text (odd length)');
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const high = nibble(text.charCodeAt(2 * i));
    const low = nibble(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) throw new SyntaxError(`not hex text (at ${2 * i})`);
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/** A hex digit's value from its code unit, or -1. @param {number} c */
function nibble(c) {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * The hot module's bytes: from the global when a script put them there (Chrome's worker
 * imports `pkg/byob_hot.js` before its bundle; Firefox's event page lists it before its bundle),
 * else from importing that script (a page, a module worker).
 * @returns {Promise<Uint8Array>}
 */
async function hotBytes() {
  const scope = /** @type {any} */ (globalThis);
  if (typeof scope[HOT_WASM] !== 'string') await import('./pkg/byob_hot.js');
  const text = scope[HOT_WASM];
  if (typeof text !== 'string') throw new Error('pkg/byob_hot.js did not give the hot module\'s bytes');
  return fromHex(text);
}

/**
 * Compile and instantiate the hot module. Asynchronously, in a worker too: compiled at once on
 * the worker's thread (`new WebAssembly.Module`) it was ready about 0.7 ms sooner in a woken
 * background, but answered no sooner, and a fresh worker's first call then took 2.4 or 3.0 ms
 * from one run to the next, against a steady 2.5–2.65 (docs/benchmarks.md, "wake, eighth round").
 * @param {WebAssembly.Module} [module] the module already compiled (a fresh instance after a trap)
 * @returns {Promise<Hot>}
 */
export async function startHot(module) {
  if (module instanceof WebAssembly.Module) return new Hot(module);
  return new Hot(await WebAssembly.compile(await hotBytes()));
}
