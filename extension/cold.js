// @ts-check
/**
 * The loader of the cold Wasm module (`pkg/byob_bg.wasm`, src/wasm.rs): every call into the core
 * but the hot module's rewriting. Hand-written, no wasm-bindgen: the module has three raw
 * exports over its memory (docs/contracts.md, "The cold module"), and a fresh instance after a
 * trap is just `new WebAssembly.Instance(module)`.
 *
 * A call crosses as UTF-8 text in the module's memory: the export's name, then a line per
 * argument, `<kind>\t<JSON.stringify text>` (empty when that gives nothing, `!` when it
 * throws; `JSON.stringify` never writes a line break or a tab). The core checks each argument's kind and reads its JSON itself, so its messages name
 * the argument and what it was; the answer is JSON text, or the message of an error.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The cold module's calls (src/wasm.rs `call`): each is a method of `Cold` taking its arguments. */
export const CALLS = /** @type {const} */ ([
  'parse', 'rewriteBatch', 'rewriteRepoLink', 'mystLink', 'activeTarget', 'targetWire', 'probePlan', 'classify',
  'settingsDefaults', 'settingsValidate', 'settingsMigrate', 'settingsImport', 'hubKinds', 'savedHub', 'hubViews',
  'policyRead', 'settingsWithPolicy', 'settingsToStore', 'healthPolicy', 'healthPlan', 'healthRead', 'routes', 'bookHubs',
]);

/**
 * What a JavaScript value is, for messages (`a number`, `null`, `an array`, `an object`, …): the
 * kind the core names in its messages (src/wasm.rs `kind`).
 * @param {unknown} v
 */
export function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  if (t === 'undefined') return 'undefined';
  if (t === 'object') return 'an object';
  return `a ${t}`;
}

/** Lone surrogates, which UTF-8 cannot carry (`JSON.stringify` would escape them instead). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** @param {unknown} x a string with lone surrogates as U+FFFD, anything else as it is */
const wellFormed = (x) => (typeof x === 'string' ? x.replace(LONE_SURROGATES, '\uFFFD') : x);

/** @param {unknown} x whether it is a string that is not well-formed */
const illFormed = (x) => typeof x === 'string' && LONE_SURROGATE.test(x);

/**
 * One argument's line: its kind, a tab, its JSON text. A string that is not well-formed, or an
 * array holding one, gets a second tab and the JSON of the value with those strings
 * well-formed (lone surrogates as U+FFFD, as the browser's own UTF-8 encoding would have them):
 * the core reads that where it wants a string or an array of strings (hrefs), and the JSON
 * text as it is (lone surrogates escaped) where it reads JSON.
 * @param {unknown} v
 */
export function encodeArg(v) {
  const kind = kindOf(v);
  let json;
  try {
    json = JSON.stringify(v);
  } catch {
    return `${kind}\t!`; // a cycle, a BigInt, a throwing toJSON: the core says it is not JSON
  }
  if (illFormed(v)) return `${kind}\t${json}\t${JSON.stringify(wellFormed(v))}`;
  if (Array.isArray(v) && v.some(illFormed)) return `${kind}\t${json}\t${JSON.stringify(v.map(wellFormed))}`;
  return `${kind}\t${json ?? ''}`;
}

/**
 * @typedef {{
 *   memory: WebAssembly.Memory,
 *   byob_input: (len: number) => number,
 *   byob_output: () => number,
 *   byob_call: (len: number) => number,
 * }} ColdExports
 */

/** One live instance of the cold module; each name of `CALLS` is a method (`cold.parse(url)`). */
export class Cold {
  /** @param {WebAssembly.Module} module */
  constructor(module) {
    /** The compiled module, to make a fresh instance from after a trap. */
    this.module = module;
    /** @type {ColdExports} */
    this.exports = /** @type {any} */ (new WebAssembly.Instance(module, {}).exports);
    for (const name of CALLS) /** @type {any} */ (this)[name] = (/** @type {unknown[]} */ ...args) => this.call(name, args);
  }

  /**
   * Call `name` with `args`: the answer's value, or an Error with the core's message.
   * @param {string} name @param {unknown[]} args
   * @returns {any}
   */
  call(name, args) {
    const text = [name, ...args.map(encodeArg)].join('\n');
    const ex = this.exports;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = text.length * 3;
    const at = ex.byob_input(room);
    const {written} = encoder.encodeInto(text, new Uint8Array(ex.memory.buffer, at, room));
    const n = ex.byob_call(written ?? 0);
    const len = n < 0 ? -1 - n : n;
    // The memory may have grown during the call: a view made now sees all of it.
    const out = decoder.decode(new Uint8Array(ex.memory.buffer, ex.byob_output(), len));
    if (n < 0) throw new Error(out);
    return JSON.parse(out);
  }
}

/**
 * Compile and instantiate the cold module.
 * @param {URL | WebAssembly.Module} source its URL, or the module already compiled
 * @returns {Promise<Cold>}
 */
export async function startCold(source) {
  if (source instanceof WebAssembly.Module) return new Cold(source);
  let module;
  try {
    module = await WebAssembly.compileStreaming(fetch(source));
  } catch (err) {
    // A server (or a test's fetch) that does not say `application/wasm`: compile the bytes.
    if (!(err instanceof TypeError)) throw err;
    module = await WebAssembly.compile(await (await fetch(source)).arrayBuffer());
  }
  return new Cold(module);
}
