// @ts-check
/**
 * Hub health in the extension (src/health.rs decides; this module performs and keeps). The core
 * plans a check (`healthPlan`: one request per saved hub that is due, for why it is asked), the
 * probe runner performs it (the same runner as detection: `errorKind` from the browser's error
 * codes, one deadline), and the core reads the answers (`healthRead`: up, slow, down with the
 * reason, or not checked). The clock is read here, never in the core.
 *
 * Health is runtime state, not a setting: it lives in `storage.session` (shared by the
 * background and the extension pages, gone when the browser closes), or in `storage.local`
 * where a browser has no session storage. Checks of the same hubs at once are made once: a
 * check asked while one runs waits for it.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {answersWithoutCors, performProbe, watchNetworkErrors} from './probe-runner.js';

/** The storage key of the hubs' health (`{<hub url>: Health}`, docs/contracts.md "Health"). */
export const HEALTH_KEY = 'health.v1';

/** Where health is kept: session storage, else local storage (an older browser); null without either. */
export function healthArea() {
  return ext.storage.session ?? ext.storage.local ?? null;
}

/** The storage area's name, as `storage.onChanged` reports it. */
export function healthAreaName() {
  return ext.storage.session ? 'session' : 'local';
}

/**
 * The hubs' last checks, as stored (`{}` when none, or when what is stored is not an object).
 * @returns {Promise<Record<string, any>>}
 */
export async function readHealth() {
  const area = healthArea();
  if (!area) return {};
  const got = await area.get(HEALTH_KEY);
  const value = got?.[HEALTH_KEY];
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/**
 * Did this `storage.onChanged` event change the hubs' health?
 * @param {Record<string, unknown>} changes
 * @param {string} area
 */
export function healthChanged(changes, area) {
  return area === healthAreaName() && HEALTH_KEY in changes;
}

/** The check under way, if any: later asks wait for it, then look again. @type {Promise<any> | null} */
let running = null;

/**
 * Check the hubs due for `why` (`startup`: all; `opened`: the popup or options page opened;
 * `pages`: pages with launch links are open), store what the core reads from the answers, and
 * return the health of every saved hub. A check asked while another runs waits for it first.
 * @param {any} settings the settings in use
 * @param {'startup' | 'opened' | 'pages'} why
 * @param {{fetch?: typeof fetch, now?: () => number}} [options] for the tests
 * @returns {Promise<Record<string, any>>}
 */
export async function checkHubs(settings, why, options = {}) {
  while (running) await running.catch(() => {
    // The other check's failure is its caller's to report; this one starts afresh.
  });
  const check = checkOnce(settings, why, options);
  running = check;
  try {
    return await check;
  } finally {
    if (running === check) running = null;
  }
}

/**
 * @param {any} settings
 * @param {'startup' | 'opened' | 'pages'} why
 * @param {{fetch?: typeof fetch, now?: () => number}} options
 */
async function checkOnce(settings, why, {fetch: fetchImpl = globalThis.fetch, now = Date.now} = {}) {
  // Nowhere to keep what a check finds (no session nor local storage): nothing to check for.
  if (!healthArea()) return {};
  const previous = await readHealth();
  const plan = await core.healthPlan(settings, previous, now(), why);
  if (plan.probes.length === 0) return previous;
  const watch = watchNetworkErrors(ext.webRequest, plan.probes.map((/** @type {{url: string}} */ p) => p.url));
  let answers;
  try {
    answers = await Promise.all(
      plan.probes.map(async (/** @type {{id: string, url: string}} */ probe) => {
        const started = now();
        const response = await performProbe(probe, {fetch: fetchImpl, timeoutMs: plan.timeoutMs, maxBytes: plan.maxBody, networkError: watch.networkError});
        const ms = Math.max(0, Math.round(now() - started));
        // A failure the browser does not explain may be a hub this extension may not read
        // (no access to its origin, and no CORS): ask without reading, so it is not called down.
        const answersWithoutAccess = response.errorKind === 'network' ? await answersWithoutCors(probe.url, {fetch: fetchImpl, timeoutMs: plan.timeoutMs}) : false;
        return {response, ms, answersWithoutAccess};
      }),
    );
  } finally {
    watch.stop();
  }
  // Stored over what is stored now (another context may have checked meanwhile).
  const health = await core.healthRead(settings, await readHealth(), answers, now());
  await healthArea()?.set({[HEALTH_KEY]: health});
  return health;
}
