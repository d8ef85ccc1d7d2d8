// @ts-check
/**
 * The loader of the hot Wasm module (`pkg/byob_hot.wasm`, src/hot.rs): what the background
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
 * Where Chrome's background (`background-start.js`) leaves the compilation it started before
 * the bundle was read: `{url, module}`, a URL's text and the promise of its compiled module.
 */
export const HOT_COMPILE = Symbol.for('byob.hotCompile');

/**
 * The compilation of `url` started before this module was read, if there is one (taken once:
 * a fresh start later, after a failure, compiles again).
 * @param {URL} url
 * @returns {Promise<WebAssembly.Module> | null}
 */
function startedEarly(url) {
  const scope = /** @type {any} */ (globalThis);
  const early = scope[HOT_COMPILE];
  if (!early || early.url !== url.href || !(early.module instanceof Promise)) return null;
  scope[HOT_COMPILE] = undefined;
  return early.module;
}

/**
 * Compile and instantiate the hot module.
 * @param {URL | WebAssembly.Module} source its URL, or the module already compiled
 * @returns {Promise<Hot>}
 */
export async function startHot(source) {
  if (source instanceof WebAssembly.Module) return new Hot(source);
  const early = startedEarly(source);
  if (early) {
    try {
      return new Hot(await early);
    } catch (err) {
      console.warn('byob: the hot module compiled at start failed; compiling it again', err);
    }
  }
  const response = fetch(source);
  let module;
  try {
    module = await WebAssembly.compileStreaming(response);
  } catch (err) {
    // A server (or a test's fetch) that does not say `application/wasm`: compile the bytes.
    if (!(err instanceof TypeError)) throw err;
    module = await WebAssembly.compile(await (await fetch(source)).arrayBuffer());
  }
  return new Hot(module);
}
