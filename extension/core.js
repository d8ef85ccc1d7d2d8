// @ts-check
/**
 * The Rust core as the extension calls it, shared by the background, the options page and the
 * popup. Content scripts never import it: Chromium refuses to compile Wasm in a content script
 * on pages whose CSP lacks 'wasm-unsafe-eval'.
 *
 * Each export is one call into the core; `core-loader.js` loads its two Wasm modules (the hot
 * one, `rewriteBatch` only, at import; the cold one, everything else, on first use) and makes a
 * fresh instance after a trap. `ready`, `hotInstance`, `coldInstance` and `status` are the
 * loader's, passed on so that importers need this module only.
 *
 * Shapes in and out are the JSON contracts of docs/contracts.md; the core throws an Error whose
 * message names what was wrong. An href the hot module cannot read exactly as the full model
 * would (not in a browser's serialised form) is answered by the cold module's full rewrite.
 */
import {kindOf} from './cold.js';
import {call, callHot} from './core-loader.js';

export {MEMORY_KEPT, coldInstance, hotInstance, ready, status} from './core-loader.js';

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
  const wire = await call('rewriteBatch', (cold) => cold.targetWire(target));
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

/** @param {string} url @returns {Promise<any>} ParseOutcome */
export function parse(url) {
  return call('parse', (cold) => cold.parse(url));
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
  if (!Array.isArray(hrefs)) return call('rewriteBatch', (cold) => cold.rewriteBatch(hrefs, target));
  // The batch is a copy, made before anything waits: the caller's array may change meanwhile.
  /** @type {unknown[]} */
  const batch = hrefs.slice();
  const wire = await wireOf(target);
  // What a page sends: every href a string without a newline (as a browser normalises
  // `a.href`). Then the batch goes to the hot module as it is, and when it deferred none its
  // answer is the result as parsed: no per-href sorting, which a woken background's
  // first batch runs in the interpreter (docs/benchmarks.md, "cold first call (sixth round)").
  let asItIs = true;
  for (let i = 0; i < batch.length; i++) {
    const h = batch[i];
    if (typeof h !== 'string' || h.includes('\n')) {
      asItIs = false;
      break;
    }
  }
  /** @type {any[]} */
  const results = new Array(batch.length);
  /** @type {string[]} */
  let lines = /** @type {string[]} */ (batch);
  /** Where each line's href is in the batch (null: the lines are the batch as it is). @type {number[] | null} */
  let lineAt = null;
  /** @type {string[]} */
  const full = [];
  /** @type {number[]} */
  const fullAt = [];
  if (!asItIs) {
    lines = [];
    lineAt = [];
    for (let i = 0; i < batch.length; i++) {
      const h = batch[i];
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
  }
  if (lines.length > 0) {
    const {answer, deferred} = await hotAnswer(lines, wire);
    if (asItIs && deferred === 0) return JSON.parse(answer);
    const answers = JSON.parse(answer);
    for (let k = 0; k < answers.length; k++) {
      const at = lineAt === null ? k : lineAt[k];
      if (answers[k].status === 'defer') {
        full.push(lines[k]);
        fullAt.push(at);
      } else {
        results[at] = answers[k];
      }
    }
  }
  if (full.length > 0) {
    const rewrites = await call('rewriteBatch', (cold) => cold.rewriteBatch(full, target));
    rewrites.forEach((/** @type {any} */ r, /** @type {number} */ k) => {
      results[fullAt[k]] = {status: r.status, output: r.output, reason: r.reason, warnings: r.warnings};
    });
  }
  return results;
}

/**
 * The hot module's answer (a JSON array text, one object per line) for `lines`, strings
 * without a newline, on the target whose wire text is `wire`, and how many of its answers are
 * `defer`.
 * @param {string[]} lines @param {string} wire @returns {Promise<{answer: string, deferred: number}>}
 */
function hotAnswer(lines, wire) {
  return callHot('rewriteBatch', (h) => {
    if (h.target !== wire) h.setTarget(wire);
    const answer = h.rewrite(lines.join('\n'));
    return {answer, deferred: h.deferred()};
  });
}

/**
 * Rewrite a link the user chose (context menu): a plain GitHub repository or notebook page is
 * launched as its repository; any other link as `rewriteBatch` would.
 * @param {string} href @param {any} target @returns {Promise<any>} Rewrite
 */
export function rewriteRepoLink(href, target) {
  return call('rewriteRepoLink', (cold) => cold.rewriteRepoLink(href, target));
}

/**
 * The Binder link a Jupyter Book 2 (MyST) page means, from its `thebe.binder` config and the
 * page's source location (throws on an unusable config).
 * @param {{url?: string, provider?: string, repo: string, ref?: string}} binder @param {string | null} location
 * @returns {Promise<string>}
 */
export function mystLink(binder, location) {
  return call('mystLink', (cold) => cold.mystLink(binder, location ?? undefined));
}

/** @param {any} settings @returns {Promise<any | null>} the Target of the active hub, or null */
export function activeTarget(settings) {
  return call('activeTarget', (cold) => cold.activeTarget(settings));
}

/** @param {string} input what the user typed @returns {Promise<any>} ProbePlan (throws on a bad hub URL) */
export function probePlan(input) {
  return call('probePlan', (cold) => cold.probePlan(input));
}

/** @param {any} plan @param {any[]} responses @returns {Promise<any>} Detection */
export function classify(plan, responses) {
  return call('classify', (cold) => cold.classify(plan, responses));
}

/** @returns {Promise<any>} Settings */
export function settingsDefaults() {
  return call('settingsDefaults', (cold) => cold.settingsDefaults());
}

/** @param {unknown} value @returns {Promise<any>} Settings (throws naming the bad field) */
export function settingsValidate(value) {
  return call('settingsValidate', (cold) => cold.settingsValidate(value));
}

/** @param {unknown} value @returns {Promise<any>} Settings at the current schema version (throws) */
export function settingsMigrate(value) {
  return call('settingsMigrate', (cold) => cold.settingsMigrate(value));
}

/**
 * What importing a settings file would do over the settings in use (nothing stored).
 * @param {any} current the settings in use @param {unknown} file the parsed file
 * @returns {Promise<{settings: any, changes: {field: string, from: any, to: any}[], refused: {field: string, reason: string}[]}>}
 */
export function settingsImport(current, file) {
  return call('settingsImport', (cold) => cold.settingsImport(current, file));
}

// ---- Hub kinds, decided by the core (src/hubs.rs): the front ends only render them. ----

/** @returns {Promise<{kind: string, label: string, target: boolean}[]>} every hub kind, its label's message key, and whether a hub of it can be saved */
export function hubKinds() {
  return call('hubKinds', (cold) => cold.hubKinds());
}

/**
 * The hub to save for a detection: its launch target, or a hub of the kind the reader chose.
 * @param {any} detection @param {string | null} kind the reader's choice, null for "as detected"
 * @returns {Promise<any | null>} Hub, or null when the detection does not say what to save
 */
export function savedHub(detection, kind) {
  return call('savedHub', (cold) => cold.savedHub(detection, kind));
}

/**
 * @param {any} settings the settings in use
 * @param {unknown} [policy] what the browser's managed storage holds (presets.js), if anything
 * @returns {Promise<any[]>} the saved hubs as shown: name, kind label, notes, whether active, `managed` (`locked` | `preset`) where the organisation sets them
 */
export function hubViews(settings, policy) {
  return call('hubViews', (cold) => cold.hubViews(settings, policy ?? null));
}

// ---- An institution's presets, read by the core (src/managed.rs): the policy is untrusted. ----

/** @param {unknown} policy what the browser's managed storage holds @returns {Promise<{hubs: any[], locked: boolean, problems: {field: string, reason: string}[]}>} */
export function policyRead(policy) {
  return call('policyRead', (cold) => cold.policyRead(policy ?? null));
}

/**
 * The settings in use: the reader's stored settings with the organisation's hubs merged in.
 * @param {any} stored @param {unknown} policy @param {unknown} presets the stored `presets.v1`
 * @returns {Promise<any>} Settings
 */
export function settingsWithPolicy(stored, policy, presets) {
  return call('settingsWithPolicy', (cold) => cold.settingsWithPolicy(stored, policy ?? null, presets ?? null));
}

/**
 * What to store after a change to the settings in use (throws when it removes a hub the
 * organisation locks, or is not valid).
 * @param {any} next @param {any} stored @param {unknown} policy @param {unknown} presets
 * @returns {Promise<{settings: any, presets: {removed: string[]}}>}
 */
export function settingsToStore(next, stored, policy, presets) {
  return call('settingsToStore', (cold) => cold.settingsToStore(next, stored, policy ?? null, presets ?? null));
}

// ---- Hub health, routes, a book's own hubs (src/health.rs, src/routes.rs, src/book_hubs.rs). ----

/** @returns {Promise<{checkEveryMinutes: number, timeoutMs: number, slowMs: number, freshMs: number}>} when hubs are checked */
export function healthPolicy() {
  return call('healthPolicy', (cold) => cold.healthPolicy());
}

/**
 * The check to make now: a probe per saved hub due for `why` (its `id` is the hub's URL).
 * @param {any} settings @param {Record<string, any>} health the last checks @param {number} now ms since the epoch
 * @param {'startup' | 'opened' | 'pages'} why
 * @returns {Promise<{probes: {id: string, url: string}[], timeoutMs: number, maxBody: number}>}
 */
export function healthPlan(settings, health, now, why) {
  return call('healthPlan', (cold) => cold.healthPlan(settings, health, now, why));
}

/**
 * The hubs' health after a check: `previous` with each checked hub's new state.
 * @param {any} settings @param {Record<string, any>} previous @param {{response: any, ms: number, answersWithoutAccess: boolean}[]} answers @param {number} now
 * @returns {Promise<Record<string, any>>}
 */
export function healthRead(settings, previous, answers, now) {
  return call('healthRead', (cold) => cold.healthRead(settings, previous, answers, now));
}

/**
 * Where links go, for pages of each site and all others (docs/contracts.md "Routes").
 * @param {any} settings @param {Record<string, any>} health
 * @returns {Promise<{default: {steps: any[]}, sites: {site: string, off: boolean, route: {steps: any[]} | null}[]}>}
 */
export function routes(settings, health) {
  return call('routes', (cold) => cold.routes(settings, health));
}

/**
 * The hubs a page's launch links point at that the reader could save.
 * @param {string[]} hrefs @param {any} settings
 * @returns {Promise<{url: string, name: string, linksKind: string, links: number}[]>}
 */
export function bookHubs(hrefs, settings) {
  return call('bookHubs', (cold) => cold.bookHubs(hrefs, settings));
}
