// @ts-check
/**
 * The one module that loads the Rust core (build/pkg, wasm-bindgen `--target web`), shared by
 * the background, the options page and the popup. Content scripts never import it: Chromium
 * refuses to compile Wasm in a content script on pages whose CSP lacks 'wasm-unsafe-eval'.
 *
 * Loading starts at import time (`ready`), and every export awaits it, so callers never see a
 * half-initialised module. The import is static: service workers forbid dynamic import(), and
 * a top-level `await` in the service worker would leave messages unanswered (docs/platform.md).
 *
 * Shapes in and out are the JSON contracts of docs/contracts.md; the core throws an Error whose
 * message names what was wrong.
 *
 * If the instance dies anyway (a `WebAssembly.RuntimeError`: a trap, after which its memory and
 * allocator may be left half-way and every later call trap too), it is dropped and a fresh one
 * is made from the already compiled module, and the call is tried once more on it. The
 * wasm-bindgen glue keeps its instance in a module variable and `init()` returns early once it
 * is set; the extension's build adds `__byob_reset` to the pinned glue to forget it
 * (tools/build-extension.mjs, `patchGlue`, which fails the build if the glue changed shape).
 */
import init, * as wasm from './pkg/byob.js';

const WASM_URL = new URL('./pkg/byob_bg.wasm', import.meta.url);

/** Instances made in this context: 1, plus one per restart after a trap (tests, console). */
let instances = 0;
/** The live instance's exports, once instantiated. @type {Promise<any>} */
let instance = start(WASM_URL);

/** @param {URL | WebAssembly.Module} source */
function start(source) {
  instances++;
  const made = init({module_or_path: source});
  made.catch((/** @type {unknown} */ err) => console.error('byob: the Rust core could not be loaded', err));
  return made;
}

/** Drop the instance; the next call gets a fresh one (from the compiled module when there is one). */
function restart() {
  const reset = /** @type {any} */ (wasm).__byob_reset;
  if (typeof reset !== 'function') throw new Error('the Wasm glue has no __byob_reset: build the extension with tools/build-extension.mjs');
  const compiled = reset();
  instance = start(compiled instanceof WebAssembly.Module ? compiled : WASM_URL);
}

/** Resolves once the Wasm module is instantiated. */
export function ready() {
  return instance;
}

/** What the loader has done so far: `{instances}` (1 until a trap made it start a fresh one). */
export function status() {
  return {instances};
}

/**
 * Run `fn` (a call into the glue) on a live instance; after a trap, on a fresh one.
 * @template T
 * @param {string} what the export, for messages
 * @param {() => T} fn
 * @returns {Promise<T>}
 */
async function call(what, fn) {
  for (let attempt = 0; ; attempt++) {
    const current = instance;
    try {
      await current;
    } catch (err) {
      if (current === instance) restart(); // a failed load is tried again by the next call
      throw err;
    }
    if (current !== instance) continue; // another call restarted it meanwhile
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof WebAssembly.RuntimeError)) throw err;
      console.error(`byob: the Rust core trapped in ${what}; starting a fresh instance`, err);
      restart();
      // Once more on the fresh instance (the damage may have been an earlier call's); a second
      // trap is this input's own: report it (the next call still finds a fresh instance).
      if (attempt >= 1) throw new Error(`${what}: the core failed on this input (${err.message})`);
    }
  }
}

/** @param {string} url @returns {Promise<any>} ParseOutcome */
export function parse(url) {
  return call('parse', () => wasm.parse(url));
}

/** @param {string[]} hrefs @param {any} target @returns {Promise<any[]>} one Rewrite per href, in order */
export function rewriteBatch(hrefs, target) {
  return call('rewriteBatch', () => wasm.rewriteBatch(hrefs, target));
}

/**
 * Rewrite a link the user chose (context menu): a plain GitHub repository or notebook page is
 * launched as its repository; any other link as `rewriteBatch` would.
 * @param {string} href @param {any} target @returns {Promise<any>} Rewrite
 */
export function rewriteRepoLink(href, target) {
  return call('rewriteRepoLink', () => wasm.rewriteRepoLink(href, target));
}

/**
 * The Binder link a Jupyter Book 2 (MyST) page means, from its `thebe.binder` config and the
 * page's source location (throws on an unusable config).
 * @param {{url?: string, provider?: string, repo: string, ref?: string}} binder @param {string | null} location
 * @returns {Promise<string>}
 */
export function mystLink(binder, location) {
  return call('mystLink', () => wasm.mystLink(binder, location ?? undefined));
}

/** @param {any} settings @returns {Promise<any | null>} the Target of the active hub, or null */
export function activeTarget(settings) {
  return call('activeTarget', () => wasm.activeTarget(settings));
}

/** @param {string} input what the user typed @returns {Promise<any>} ProbePlan (throws on a bad hub URL) */
export function probePlan(input) {
  return call('probePlan', () => wasm.probePlan(input));
}

/** @param {any} plan @param {any[]} responses @returns {Promise<any>} Detection */
export function classify(plan, responses) {
  return call('classify', () => wasm.classify(plan, responses));
}

/** @returns {Promise<any>} Settings */
export function settingsDefaults() {
  return call('settingsDefaults', () => wasm.settingsDefaults());
}

/** @param {unknown} value @returns {Promise<any>} Settings (throws naming the bad field) */
export function settingsValidate(value) {
  return call('settingsValidate', () => wasm.settingsValidate(value));
}

/** @param {unknown} value @returns {Promise<any>} Settings at the current schema version (throws) */
export function settingsMigrate(value) {
  return call('settingsMigrate', () => wasm.settingsMigrate(value));
}

/**
 * What importing a settings file would do over the settings in use (nothing stored).
 * @param {any} current the settings in use @param {unknown} file the parsed file
 * @returns {Promise<{settings: any, changes: {field: string, from: any, to: any}[], refused: {field: string, reason: string}[]}>}
 */
export function settingsImport(current, file) {
  return call('settingsImport', () => wasm.settingsImport(current, file));
}

// ---- Hub kinds, decided by the core (src/hubs.rs): the front ends only render them. ----

/** @returns {Promise<{kind: string, label: string, target: boolean}[]>} every hub kind, its label's message key, and whether a hub of it can be saved */
export function hubKinds() {
  return call('hubKinds', () => wasm.hubKinds());
}

/**
 * The hub to save for a detection: its launch target, or a hub of the kind the reader chose.
 * @param {any} detection @param {string | null} kind the reader's choice, null for "as detected"
 * @returns {Promise<any | null>} Hub, or null when the detection does not say what to save
 */
export function savedHub(detection, kind) {
  return call('savedHub', () => wasm.savedHub(detection, kind));
}

/**
 * @param {any} settings the settings in use
 * @param {unknown} [policy] what the browser's managed storage holds (presets.js), if anything
 * @returns {Promise<any[]>} the saved hubs as shown: name, kind label, notes, whether active, `managed` (`locked` | `preset`) where the organisation sets them
 */
export function hubViews(settings, policy) {
  return call('hubViews', () => wasm.hubViews(settings, policy ?? null));
}

// ---- An institution's presets, read by the core (src/managed.rs): the policy is untrusted. ----

/** @param {unknown} policy what the browser's managed storage holds @returns {Promise<{hubs: any[], locked: boolean, problems: {field: string, reason: string}[]}>} */
export function policyRead(policy) {
  return call('policyRead', () => wasm.policyRead(policy ?? null));
}

/**
 * The settings in use: the reader's stored settings with the organisation's hubs merged in.
 * @param {any} stored @param {unknown} policy @param {unknown} presets the stored `presets.v1`
 * @returns {Promise<any>} Settings
 */
export function settingsWithPolicy(stored, policy, presets) {
  return call('settingsWithPolicy', () => wasm.settingsWithPolicy(stored, policy ?? null, presets ?? null));
}

/**
 * What to store after a change to the settings in use (throws when it removes a hub the
 * organisation locks, or is not valid).
 * @param {any} next @param {any} stored @param {unknown} policy @param {unknown} presets
 * @returns {Promise<{settings: any, presets: {removed: string[]}}>}
 */
export function settingsToStore(next, stored, policy, presets) {
  return call('settingsToStore', () => wasm.settingsToStore(next, stored, policy ?? null, presets ?? null));
}

// ---- Hub health, routes, a book's own hubs (src/health.rs, src/routes.rs, src/book_hubs.rs). ----

/** @returns {Promise<{checkEveryMinutes: number, timeoutMs: number, slowMs: number, freshMs: number}>} when hubs are checked */
export function healthPolicy() {
  return call('healthPolicy', () => wasm.healthPolicy());
}

/**
 * The check to make now: a probe per saved hub due for `why` (its `id` is the hub's URL).
 * @param {any} settings @param {Record<string, any>} health the last checks @param {number} now ms since the epoch
 * @param {'startup' | 'opened' | 'pages'} why
 * @returns {Promise<{probes: {id: string, url: string}[], timeoutMs: number, maxBody: number}>}
 */
export function healthPlan(settings, health, now, why) {
  return call('healthPlan', () => wasm.healthPlan(settings, health, now, why));
}

/**
 * The hubs' health after a check: `previous` with each checked hub's new state.
 * @param {any} settings @param {Record<string, any>} previous @param {{response: any, ms: number, answersWithoutAccess: boolean}[]} answers @param {number} now
 * @returns {Promise<Record<string, any>>}
 */
export function healthRead(settings, previous, answers, now) {
  return call('healthRead', () => wasm.healthRead(settings, previous, answers, now));
}

/**
 * Where links go, for pages of each site and all others (docs/contracts.md "Routes").
 * @param {any} settings @param {Record<string, any>} health
 * @returns {Promise<{default: {steps: any[]}, sites: {site: string, off: boolean, route: {steps: any[]} | null}[]}>}
 */
export function routes(settings, health) {
  return call('routes', () => wasm.routes(settings, health));
}

/**
 * The hubs a page's launch links point at that the reader could save.
 * @param {string[]} hrefs @param {any} settings
 * @returns {Promise<{url: string, name: string, linksKind: string, links: number}[]>}
 */
export function bookHubs(hrefs, settings) {
  return call('bookHubs', () => wasm.bookHubs(hrefs, settings));
}
