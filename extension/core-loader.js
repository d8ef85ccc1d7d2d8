// @ts-check
/**
 * The loader of the Rust core's two Wasm modules, behind `core.js` (which holds the calls the
 * extension makes; nothing else imports this file). It owns the instances: when each starts,
 * how many were made, and a fresh one after a trap.
 *
 * The core is two Wasm modules (docs/design.md §5, docs/contracts.md "The hot module"):
 *
 * - the **hot** module (`pkg/byob_hot.js`, loaded by `hot.js`): `rewriteBatch` only, for a
 *   target validated beforehand (its `wire` text). It starts loading at import time: the
 *   background needs it as soon as it wakes.
 * - the **cold** module (`pkg/byob_bg.wasm`, loaded by `cold.js`): everything else (settings,
 *   detection, parse, `mystLink`, the full rewrite). It is fetched and compiled on the first
 *   call that needs it, so a background woken by a page never compiles it.
 *
 * Every call awaits its module, so callers never see a half-initialised one.
 *
 * If an instance dies anyway (a `WebAssembly.RuntimeError`: a trap, after which its memory and
 * allocator may be left half-way and every later call trap too), it is dropped and a fresh one
 * is made from the already compiled module, and the call is tried once more on it. An instance
 * whose memory a call grew past `MEMORY_KEPT` is replaced the same way after answering, so that
 * one huge batch does not keep its memory allocated.
 */
import {startCold} from './cold.js';
import {startHot} from './hot.js';

const COLD_URL = new URL('./pkg/byob_bg.wasm', import.meta.url);

/** Instances made in this context, of each module: 1, plus one per restart. */
const made = {hot: 0, cold: 0};
/**
 * The call that first needed the cold module in this context, and when (`performance.now()`),
 * or null.
 * @type {{what: string, at: number} | null}
 */
let firstCold = null;

/**
 * The most linear memory an instance may keep after a call (32 MiB). A Wasm memory only grows:
 * one huge batch (20,000 odd links take the cold module from 3.6 to 51 MB) would otherwise stay
 * allocated for the life of the page or worker. An instance left above this after a call is
 * replaced by a fresh one from the compiled module (about 0.05 ms; the hot one's target is set
 * again by its next batch). Normal calls stay far below it: the hot module uses about 2 MB for
 * 1,000 links, the cold one starts at 3.6 MB.
 */
export const MEMORY_KEPT = 32 * 1024 * 1024;

/**
 * The live hot instance. It is compiled in a task of its own, right after the module graph that
 * imported this one is evaluated: the browser hands a woken worker its first event only once
 * its top-level code has run, and then after a round trip of its own (about 2 ms). Compiled a
 * task later, the module is ready in that wait instead of delaying the event (measured in
 * `make bench-ext`'s workers; docs/benchmarks.md, "wake, eighth round").
 * @type {Promise<import('./hot.js').Hot>}
 */
let hot = afterEvaluation().then(() => startHotFrom());
hot.catch(() => {}); // startHotFrom logs a module that could not be loaded; callers see the rejection

/** Resolves in a task after the current one (the module graph's evaluation). */
function afterEvaluation() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
/** The live cold instance, once a call needed it. @type {Promise<import('./cold.js').Cold> | null} */
let cold = null;

/** @param {WebAssembly.Module} [module] the module already compiled, if it is */
function startHotFrom(module) {
  made.hot++;
  const started = startHot(module);
  started.catch((/** @type {unknown} */ err) => console.error('byob: the Rust core (hot module) could not be loaded', err));
  return started;
}

/** @param {URL | WebAssembly.Module} source */
function startColdFrom(source) {
  made.cold++;
  const started = startCold(source);
  started.catch((/** @type {unknown} */ err) => console.error('byob: the Rust core could not be loaded', err));
  return started;
}

/** The cold instance, started now if no call needed it before. */
function coldReady() {
  cold ??= startColdFrom(COLD_URL);
  return cold;
}

/**
 * Drop the cold instance; the next call gets a fresh one (from the compiled module when there is one).
 * @param {import('./cold.js').Cold | null} failed
 */
function restartCold(failed) {
  cold = startColdFrom(failed ? failed.module : COLD_URL);
}

/** Resolves once the hot module is instantiated (the cold one starts on its first use). */
export function ready() {
  return hot.then(() => undefined);
}

/** The live hot instance (`hot.js` `Hot`), for the tests and the console. */
export function hotInstance() {
  return hot;
}

/** The live cold instance (`cold.js` `Cold`, started now if no call needed it before), for the tests and the console. */
export function coldInstance() {
  return coldReady();
}

/**
 * What the loader has done so far: `instances` of the cold module (0 until a call needed it;
 * one more per restart after a trap or a call that left it above `MEMORY_KEPT`) and of the hot
 * one (`hot`: 1, plus one per restart); `firstCold`, the call that first needed the cold module
 * and when (`make bench-ext` tells a woken background's first answer, which must not need it,
 * from its later work).
 */
export function status() {
  return {instances: made.cold, hot: made.hot, firstCold: firstCold && {...firstCold}};
}

/**
 * Run `fn` (a call into a module) on a live instance; after a trap, on a fresh one.
 * @template I, T
 * @param {string} what the export, for messages
 * @param {() => Promise<I>} current the live instance
 * @param {(failed: I) => void} restart drop it and start a fresh one
 * @param {(instance: I) => T} fn
 * @returns {Promise<T>}
 */
async function callOn(what, current, restart, fn) {
  for (let attempt = 0; ; attempt++) {
    const live = current();
    /** @type {I} */
    let instance;
    try {
      instance = await live;
    } catch (err) {
      if (live === current()) restart(/** @type {any} */ (null)); // a failed load is tried again by the next call
      throw err;
    }
    if (live !== current()) continue; // another call restarted it meanwhile
    try {
      return fn(instance);
    } catch (err) {
      if (!(err instanceof WebAssembly.RuntimeError)) throw err;
      console.error(`byob: the Rust core trapped in ${what}; starting a fresh instance`, err);
      restart(instance);
      // Once more on the fresh instance (the damage may have been an earlier call's); a second
      // trap is this input's own: report it (the next call still finds a fresh instance).
      if (attempt >= 1) throw new Error(`${what}: the core failed on this input (${err.message})`);
    } finally {
      // Answered or refused, an instance the call grew past the bound is not kept (after a
      // trap it was replaced above already).
      if (live === current() && /** @type {any} */ (instance).exports.memory.buffer.byteLength > MEMORY_KEPT) restart(instance);
    }
  }
}

/**
 * A call into the cold module: `fn` gets the live instance, whose methods are its calls.
 * @template T
 * @param {string} what @param {(cold: any) => T} fn
 * @returns {Promise<T>}
 */
export function call(what, fn) {
  if (cold === null) firstCold ??= {what, at: performance.now()};
  return callOn(what, coldReady, restartCold, fn);
}

/**
 * A call into the hot module.
 * @template T
 * @param {string} what @param {(hot: import('./hot.js').Hot) => T} fn
 * @returns {Promise<T>}
 */
export function callHot(what, fn) {
  return callOn(
    what,
    () => hot,
    (failed) => {
      hot = startHotFrom(failed?.module);
    },
    fn,
  );
}
