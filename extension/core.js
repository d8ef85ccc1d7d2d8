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
 */
import init, * as wasm from './pkg/byob.js';

/** Resolves once the Wasm module is instantiated; rejects if it cannot load. */
export const ready = init({module_or_path: new URL('./pkg/byob_bg.wasm', import.meta.url)});

/** @param {string} url @returns {Promise<any>} ParseOutcome */
export async function parse(url) {
  await ready;
  return wasm.parse(url);
}

/** @param {string[]} hrefs @param {any} target @returns {Promise<any[]>} one Rewrite per href, in order */
export async function rewriteBatch(hrefs, target) {
  await ready;
  return wasm.rewriteBatch(hrefs, target);
}

/**
 * Rewrite a link the user chose (context menu): a plain GitHub repository or notebook page is
 * launched as its repository; any other link as `rewriteBatch` would.
 * @param {string} href @param {any} target @returns {Promise<any>} Rewrite
 */
export async function rewriteRepoLink(href, target) {
  await ready;
  return wasm.rewriteRepoLink(href, target);
}

/**
 * The Binder link a Jupyter Book 2 (MyST) page means, from its `thebe.binder` config and the
 * page's source location (throws on an unusable config).
 * @param {{url?: string, provider?: string, repo: string, ref?: string}} binder @param {string | null} location
 * @returns {Promise<string>}
 */
export async function mystLink(binder, location) {
  await ready;
  return wasm.mystLink(binder, location ?? undefined);
}

/** @param {any} settings @returns {Promise<any | null>} the Target of the active hub, or null */
export async function activeTarget(settings) {
  await ready;
  return wasm.activeTarget(settings);
}

/** @param {string} input what the user typed @returns {Promise<any>} ProbePlan (throws on a bad hub URL) */
export async function probePlan(input) {
  await ready;
  return wasm.probePlan(input);
}

/** @param {any} plan @param {any[]} responses @returns {Promise<any>} Detection */
export async function classify(plan, responses) {
  await ready;
  return wasm.classify(plan, responses);
}

/** @returns {Promise<any>} Settings */
export async function settingsDefaults() {
  await ready;
  return wasm.settingsDefaults();
}

/** @param {unknown} value @returns {Promise<any>} Settings (throws naming the bad field) */
export async function settingsValidate(value) {
  await ready;
  return wasm.settingsValidate(value);
}

/** @param {unknown} value @returns {Promise<any>} Settings at the current schema version (throws) */
export async function settingsMigrate(value) {
  await ready;
  return wasm.settingsMigrate(value);
}
