// @ts-check
/**
 * The one module that loads the Rust core, shared by the background, the options page and the
 * popup. Content scripts never import it: Chromium refuses to compile Wasm in a content script
 * on pages whose CSP lacks 'wasm-unsafe-eval'.
 *
 * The core is two Wasm modules (docs/design.md §5, docs/contracts.md "The hot module"):
 *
 * - the **hot** module (`pkg/byob_hot.wasm`, loaded by `hot.js`): `rewriteBatch` only, for a
 *   target validated beforehand (its `wire` text). It starts loading at import time: the
 *   background needs it as soon as it wakes.
 * - the **cold** module (`pkg/byob.js` + `pkg/byob_bg.wasm`, wasm-bindgen `--target web`):
 *   everything else (settings, detection, parse, `mystLink`, the full rewrite). It is
 *   instantiated on the first call that needs it, so a background woken by a page never
 *   compiles it. The glue is imported statically (service workers forbid dynamic import()),
 *   but its `init` runs only then.
 *
 * Every export awaits its module, so callers never see a half-initialised one. Shapes in and
 * out are the JSON contracts of docs/contracts.md; the core throws an Error whose message names
 * what was wrong. An href the hot module cannot read exactly as the full model would (not in a
 * browser's serialised form) is answered by the cold module's full rewrite.
 *
 * If an instance dies anyway (a `WebAssembly.RuntimeError`: a trap, after which its memory and
 * allocator may be left half-way and every later call trap too), it is dropped and a fresh one
 * is made from the already compiled module, and the call is tried once more on it. The
 * wasm-bindgen glue keeps its instance in a module variable and `init()` returns early once it
 * is set; the extension's build adds `__byob_reset` to the pinned glue to forget it
 * (tools/build-extension.mjs, `patchGlue`, which fails the build if the glue changed shape).
 */
import initCold, * as cold from './pkg/byob.js';
import {startHot} from './hot.js';

const HOT_URL = new URL('./pkg/byob_hot.wasm', import.meta.url);
const COLD_URL = new URL('./pkg/byob_bg.wasm', import.meta.url);

/** Instances made in this context, of each module: 1, plus one per restart after a trap. */
const made = {hot: 0, cold: 0};

/**
 * The live hot instance. Its loading starts in a task of its own, right after the module graph
 * that imported this one is evaluated: the browser hands a woken worker its first event only
 * once its top-level code has run, and the first `fetch` of a worker costs 1–3 ms of that
 * code's time (measured in `make bench-ext`'s workers). Started a task later, it runs while the
 * worker waits for that event instead.
 * @type {Promise<import('./hot.js').Hot>}
 */
let hot = afterEvaluation().then(() => startHotFrom(HOT_URL));
hot.catch(() => {}); // startHotFrom logs a module that could not be loaded; callers see the rejection

/** Resolves in a task after the current one (the module graph's evaluation). */
export function afterEvaluation() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
/** The live cold instance's exports, once a call needed them. @type {Promise<any> | null} */
let coldInstance = null;

/** @param {URL | WebAssembly.Module} source */
function startHotFrom(source) {
  made.hot++;
  const started = startHot(source);
  started.catch((/** @type {unknown} */ err) => console.error('byob: the Rust core (hot module) could not be loaded', err));
  return started;
}

/** @param {URL | WebAssembly.Module} source */
function startColdFrom(source) {
  made.cold++;
  const started = initCold({module_or_path: source});
  started.catch((/** @type {unknown} */ err) => console.error('byob: the Rust core could not be loaded', err));
  return started;
}

/** The cold instance, started now if no call needed it before. */
function coldReady() {
  coldInstance ??= startColdFrom(COLD_URL);
  return coldInstance;
}

/** Drop the cold instance; the next call gets a fresh one (from the compiled module when there is one). */
function restartCold() {
  const reset = /** @type {any} */ (cold).__byob_reset;
  if (typeof reset !== 'function') throw new Error('the Wasm glue has no __byob_reset: build the extension with tools/build-extension.mjs');
  const compiled = reset();
  coldInstance = startColdFrom(compiled instanceof WebAssembly.Module ? compiled : COLD_URL);
}

/** Resolves once the hot module is instantiated (the cold one starts on its first use). */
export function ready() {
  return hot.then(() => undefined);
}

/** The live hot instance (`hot.js` `Hot`), for the tests and the console. */
export function hotInstance() {
  return hot;
}

/**
 * What the loader has done so far: `instances` of the cold module (0 until a call needed it;
 * one more per restart after a trap) and of the hot one (`hot`: 1, plus one per restart).
 */
export function status() {
  return {instances: made.cold, hot: made.hot};
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
    }
  }
}

/**
 * A call into the cold module.
 * @template T
 * @param {string} what @param {() => T} fn
 * @returns {Promise<T>}
 */
function call(what, fn) {
  return callOn(what, coldReady, restartCold, () => fn());
}

/**
 * A call into the hot module.
 * @template T
 * @param {string} what @param {(hot: import('./hot.js').Hot) => T} fn
 * @returns {Promise<T>}
 */
function callHot(what, fn) {
  return callOn(
    what,
    () => hot,
    (failed) => {
      hot = startHotFrom(failed ? failed.module : HOT_URL);
    },
    fn,
  );
}

/** Wire texts of target objects that came without one, by their JSON (a few at most). */
const wires = new Map();

/**
 * The wire text of a target (what the hot module reads): the one `activeTarget` put on it,
 * else the cold module's (which validates the target, and throws on an unusable one).
 * @param {any} target
 * @returns {Promise<string>}
 */
async function wireOf(target) {
  if (target !== null && typeof target === 'object' && typeof target.wire === 'string') return target.wire;
  let key;
  try {
    key = JSON.stringify(target);
  } catch {
    key = undefined; // not JSON (a cycle, a BigInt): the core says what is wrong with it
  }
  const known = key === undefined ? undefined : wires.get(key);
  if (known !== undefined) return known;
  const wire = await call('rewriteBatch', () => cold.targetWire(target));
  if (key !== undefined) {
    if (wires.size >= 16) wires.clear();
    wires.set(key, wire);
  }
  return wire;
}

/**
 * `target` with its wire text (the hot module's reading of it) as `wire`: what the wake record
 * keeps, so that a woken background's batches need no call into the cold module.
 * @param {any} target a Target (as `routes` and `activeTarget` give it)
 * @returns {Promise<any>}
 */
export async function withWire(target) {
  return {...target, wire: await wireOf(target)};
}

/** What a JavaScript value is, for messages, as the core says it (src/wasm.rs `kind_of`). @param {unknown} v */
function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  if (t === 'undefined') return 'undefined';
  if (t === 'object') return 'an object';
  return `a ${t}`;
}

/** @param {string} url @returns {Promise<any>} ParseOutcome */
export function parse(url) {
  return call('parse', () => cold.parse(url));
}

/**
 * One Rewrite-like result (`{status, output, reason, warnings}`) per href, in order. Hrefs are
 * rewritten by the hot module in one call; a non-string href is its own `none` result; an href
 * the hot module defers (or one holding a newline, which no browser-normalised href does) is
 * rewritten by the cold module's full model. Throws when `hrefs` is not an array or `target` is
 * not a usable target.
 * @param {unknown[]} hrefs @param {any} target @returns {Promise<any[]>}
 */
export async function rewriteBatch(hrefs, target) {
  if (!Array.isArray(hrefs)) return call('rewriteBatch', () => cold.rewriteBatch(hrefs, target));
  const wire = await wireOf(target);
  /** @type {any[]} */
  const results = new Array(hrefs.length);
  /** @type {string[]} */
  const lines = [];
  /** @type {number[]} */
  const lineAt = [];
  /** @type {string[]} */
  const full = [];
  /** @type {number[]} */
  const fullAt = [];
  for (let i = 0; i < hrefs.length; i++) {
    const h = hrefs[i];
    if (typeof h !== 'string') {
      results[i] = {status: 'none', output: null, reason: `not a launch link: not a string (${kindOf(h)})`, warnings: []};
    } else if (h.includes('\n')) {
      full.push(h);
      fullAt.push(i);
    } else {
      lines.push(h);
      lineAt.push(i);
    }
  }
  if (lines.length > 0) {
    const answer = await callHot('rewriteBatch', (h) => {
      if (h.target !== wire) h.setTarget(wire);
      return h.rewrite(lines.join('\n'));
    });
    const answers = JSON.parse(answer);
    for (let k = 0; k < answers.length; k++) {
      if (answers[k].status === 'defer') {
        full.push(lines[k]);
        fullAt.push(lineAt[k]);
      } else {
        results[lineAt[k]] = answers[k];
      }
    }
  }
  if (full.length > 0) {
    const rewrites = await call('rewriteBatch', () => cold.rewriteBatch(full, target));
    rewrites.forEach((/** @type {any} */ r, /** @type {number} */ k) => {
      results[fullAt[k]] = {status: r.status, output: r.output, reason: r.reason, warnings: r.warnings};
    });
  }
  return results;
}
/**
 * Rewrite a link the user chose (context menu): a plain GitHub repository or notebook page is
 * launched as its repository; any other link as `rewriteBatch` would.
 * @param {string} href @param {any} target @returns {Promise<any>} Rewrite
 */
export function rewriteRepoLink(href, target) {
  return call('rewriteRepoLink', () => cold.rewriteRepoLink(href, target));
}

/**
 * The Binder link a Jupyter Book 2 (MyST) page means, from its `thebe.binder` config and the
 * page's source location (throws on an unusable config).
 * @param {{url?: string, provider?: string, repo: string, ref?: string}} binder @param {string | null} location
 * @returns {Promise<string>}
 */
export function mystLink(binder, location) {
  return call('mystLink', () => cold.mystLink(binder, location ?? undefined));
}

/** @param {any} settings @returns {Promise<any | null>} the Target of the active hub, or null */
export function activeTarget(settings) {
  return call('activeTarget', () => cold.activeTarget(settings));
}

/** @param {string} input what the user typed @returns {Promise<any>} ProbePlan (throws on a bad hub URL) */
export function probePlan(input) {
  return call('probePlan', () => cold.probePlan(input));
}

/** @param {any} plan @param {any[]} responses @returns {Promise<any>} Detection */
export function classify(plan, responses) {
  return call('classify', () => cold.classify(plan, responses));
}

/** @returns {Promise<any>} Settings */
export function settingsDefaults() {
  return call('settingsDefaults', () => cold.settingsDefaults());
}

/** @param {unknown} value @returns {Promise<any>} Settings (throws naming the bad field) */
export function settingsValidate(value) {
  return call('settingsValidate', () => cold.settingsValidate(value));
}

/** @param {unknown} value @returns {Promise<any>} Settings at the current schema version (throws) */
export function settingsMigrate(value) {
  return call('settingsMigrate', () => cold.settingsMigrate(value));
}

/**
 * What importing a settings file would do over the settings in use (nothing stored).
 * @param {any} current the settings in use @param {unknown} file the parsed file
 * @returns {Promise<{settings: any, changes: {field: string, from: any, to: any}[], refused: {field: string, reason: string}[]}>}
 */
export function settingsImport(current, file) {
  return call('settingsImport', () => cold.settingsImport(current, file));
}

// ---- Hub kinds, decided by the core (src/hubs.rs): the front ends only render them. ----

/** @returns {Promise<{kind: string, label: string, target: boolean}[]>} every hub kind, its label's message key, and whether a hub of it can be saved */
export function hubKinds() {
  return call('hubKinds', () => cold.hubKinds());
}

/**
 * The hub to save for a detection: its launch target, or a hub of the kind the reader chose.
 * @param {any} detection @param {string | null} kind the reader's choice, null for "as detected"
 * @returns {Promise<any | null>} Hub, or null when the detection does not say what to save
 */
export function savedHub(detection, kind) {
  return call('savedHub', () => cold.savedHub(detection, kind));
}

/**
 * @param {any} settings the settings in use
 * @param {unknown} [policy] what the browser's managed storage holds (presets.js), if anything
 * @returns {Promise<any[]>} the saved hubs as shown: name, kind label, notes, whether active, `managed` (`locked` | `preset`) where the organisation sets them
 */
export function hubViews(settings, policy) {
  return call('hubViews', () => cold.hubViews(settings, policy ?? null));
}

// ---- An institution's presets, read by the core (src/managed.rs): the policy is untrusted. ----

/** @param {unknown} policy what the browser's managed storage holds @returns {Promise<{hubs: any[], locked: boolean, problems: {field: string, reason: string}[]}>} */
export function policyRead(policy) {
  return call('policyRead', () => cold.policyRead(policy ?? null));
}

/**
 * The settings in use: the reader's stored settings with the organisation's hubs merged in.
 * @param {any} stored @param {unknown} policy @param {unknown} presets the stored `presets.v1`
 * @returns {Promise<any>} Settings
 */
export function settingsWithPolicy(stored, policy, presets) {
  return call('settingsWithPolicy', () => cold.settingsWithPolicy(stored, policy ?? null, presets ?? null));
}

/**
 * What to store after a change to the settings in use (throws when it removes a hub the
 * organisation locks, or is not valid).
 * @param {any} next @param {any} stored @param {unknown} policy @param {unknown} presets
 * @returns {Promise<{settings: any, presets: {removed: string[]}}>}
 */
export function settingsToStore(next, stored, policy, presets) {
  return call('settingsToStore', () => cold.settingsToStore(next, stored, policy ?? null, presets ?? null));
}

// ---- Hub health, routes, a book's own hubs (src/health.rs, src/routes.rs, src/book_hubs.rs). ----

/** @returns {Promise<{checkEveryMinutes: number, timeoutMs: number, slowMs: number, freshMs: number}>} when hubs are checked */
export function healthPolicy() {
  return call('healthPolicy', () => cold.healthPolicy());
}

/**
 * The check to make now: a probe per saved hub due for `why` (its `id` is the hub's URL).
 * @param {any} settings @param {Record<string, any>} health the last checks @param {number} now ms since the epoch
 * @param {'startup' | 'opened' | 'pages'} why
 * @returns {Promise<{probes: {id: string, url: string}[], timeoutMs: number, maxBody: number}>}
 */
export function healthPlan(settings, health, now, why) {
  return call('healthPlan', () => cold.healthPlan(settings, health, now, why));
}

/**
 * The hubs' health after a check: `previous` with each checked hub's new state.
 * @param {any} settings @param {Record<string, any>} previous @param {{response: any, ms: number, answersWithoutAccess: boolean}[]} answers @param {number} now
 * @returns {Promise<Record<string, any>>}
 */
export function healthRead(settings, previous, answers, now) {
  return call('healthRead', () => cold.healthRead(settings, previous, answers, now));
}

/**
 * Where links go, for pages of each site and all others (docs/contracts.md "Routes").
 * @param {any} settings @param {Record<string, any>} health
 * @returns {Promise<{default: {steps: any[]}, sites: {site: string, off: boolean, route: {steps: any[]} | null}[]}>}
 */
export function routes(settings, health) {
  return call('routes', () => cold.routes(settings, health));
}

/**
 * The hubs a page's launch links point at that the reader could save.
 * @param {string[]} hrefs @param {any} settings
 * @returns {Promise<{url: string, name: string, linksKind: string, links: number}[]>}
 */
export function bookHubs(hrefs, settings) {
  return call('bookHubs', () => cold.bookHubs(hrefs, settings));
}
