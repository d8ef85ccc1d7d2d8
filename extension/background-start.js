// @ts-check
/**
 * Chrome's background worker, as the build ships it (`dist/chrome/background.js`, a classic
 * service worker; Firefox's event page is the module bundle alone): it starts the hot Wasm
 * module's fetch and compilation, then reads the background itself (`background-main.js`: the
 * bundle of background.js and what it imports, built by tools/build-extension.mjs).
 *
 * Why first: a woken worker's first answer waits for the hot module, and fetching an extension
 * file from the worker took 4–11 ms before compilation could start (docs/benchmarks.md, "wake,
 * third round"). Started here, it runs while the bundle is parsed and evaluated instead of after.
 * `hot.js` `startHot` takes the compilation from `HOT_COMPILE` (once), and compiles on its own
 * when there is none or it failed. `importScripts` is synchronous: the bundle registers every
 * listener during this script's evaluation, as a woken worker needs.
 *
 * Not a module: a module service worker has no `importScripts`, and the bundle, as one module,
 * is parsed in full before any of it runs.
 */

/** The key of the compilation started here: the same as hot.js's. */
const HOT_COMPILE = Symbol.for('byob.hotCompile');

(() => {
  const url = new URL('pkg/byob_hot.wasm', self.location.href);
  try {
    const module = WebAssembly.compileStreaming(fetch(url));
    // hot.js reports a failure (and compiles on its own): nothing to log twice here.
    module.catch(() => {});
    /** @type {any} */ (self)[HOT_COMPILE] = {url: url.href, module};
  } catch (err) {
    // No streaming compilation (or no fetch) here: hot.js compiles when the bundle asks.
    console.warn('byob: could not start compiling the hot module early', err);
  }
})();

importScripts('background-main.js');
