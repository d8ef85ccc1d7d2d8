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
 *
 * What a woken worker needs not before its first answer (detection and the probes, the context
 * menu, the content script's registration, the cold module's glue: tools/build-extension.mjs
 * `LATER_MODULES`) is in `background-later.js`, read at the first use of one of its exports
 * (`loadLater`), so that a wake does not read its code. Chrome lets a worker `importScripts`
 * after its installation only the scripts it imported while installing ("importScripts() of new
 * scripts after service worker installation is not allowed"; docs/platform.md): the `install`
 * event imports it, and Chrome keeps it with the worker's scripts, across restarts, until the
 * next installation (an update), which imports it again.
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

/** Where `background-later.js` puts its modules, by file (tools/build-extension.mjs). */
const LATER_MODULES = Symbol.for('byob.laterModules');

/**
 * A module of `background-later.js` (its namespace), the script imported on the first call.
 * Synchronous, as a module's import would be: the bundle's stand-ins call it from the getter of
 * each export. Throws when the script cannot be imported or lacks the module (the caller's
 * handler reports it, naming the file).
 * @param {string} file
 */
function loadLater(file) {
  const scope = /** @type {any} */ (self);
  if (!scope[LATER_MODULES]) {
    try {
      importScripts('background-later.js');
    } catch (err) {
      throw new Error(`byob: could not load background-later.js (for ${file}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const module = scope[LATER_MODULES]?.[file];
  if (!module) throw new Error(`byob: background-later.js has no module ${file}`);
  return module;
}
/** @type {any} */ (self)[Symbol.for('byob.later')] = loadLater;

// Imported while installing, so that Chrome keeps it for every later wake (above). Its modules
// evaluate here once; what they export stays unused until a handler needs it.
self.addEventListener('install', () => {
  try {
    loadLater('cold.js');
  } catch (err) {
    console.error('byob: importing background-later.js at install failed; detection, the context menu and the cold module will not work', err);
  }
});

importScripts('background-main.js');
