// @ts-check
/**
 * Chrome's background worker, as the build ships it (`dist/chrome/background.js`, a classic
 * service worker; Firefox's event page lists the same hot module's script, then its module
 * bundle, as its module scripts): it reads the hot Wasm module's bytes (`pkg/byob_hot.js`, a
 * script the build writes from `byob_hot.wasm`), then the background itself
 * (`background-main.js`: the bundle of background.js and what it imports, built by
 * tools/build-extension.mjs).
 *
 * Why a script: a woken worker's first answer waits for the hot module. Chrome keeps the
 * scripts a worker imports with its installed scripts and hands them back at once when it
 * wakes, where the worker's first `fetch` of an extension file, and the streaming compilation
 * behind it, left the module ready about 1 ms later (docs/benchmarks.md, "wake, eighth
 * round"). `hot.js` starts compiling the bytes in the task after this script
 * (core-loader.js), while the browser is still on its way to hand the worker its event.
 * `importScripts` is synchronous: the bundle registers every listener during this script's
 * evaluation, as a woken worker needs.
 *
 * Not a module: a module service worker has no `importScripts`, and the bundle, as one module,
 * is parsed in full before any of it runs.
 */
importScripts('pkg/byob_hot.js', 'background-main.js');
