// @ts-check
/**
 * What the background needs when it wakes, kept ready in `storage.local` (`wake.v2`) as the
 * cold module computed it: the settings in use (stored settings migrated and validated, the
 * organisation's policy merged in), the hubs' health, the routes links take (src/routes.rs;
 * each hub's target carrying its `wire` text for the hot module), the saved hubs as shown and
 * the hub links of pages without a choice of their own go to. No migration, no policy merge, no
 * route call: the cold Wasm module is not compiled on the way to a woken background's answers.
 *
 * The record names what it was computed from (`source`: the stored settings items, the
 * reader's `presets.v1`, the managed policy and the stored health, as one JSON text). Two
 * readings (ARCHITECTURE.md, "A woken background answers from the record, then checks it"):
 *
 * - `keptState`: the record alone, one storage read. A woken background answers its first
 *   messages from it, then checks it with `wakeState`. The record is kept current by the events
 *   that change its sources (`storage.onChanged` wakes the background for the settings, the
 *   policy and the health), so the check almost always agrees; when a change was missed (the
 *   browser restarted and `storage.session` lost the health, a worker stopped before it stored
 *   the new record, Firefox read a new `policies.json` at start-up), the background takes the
 *   fresh state and tells every tab to ask again.
 * - `wakeState`: the record checked against its sources (four storage areas read); when any of
 *   them changed, or the record is missing or not of this shape, it is computed again through
 *   the cold module and stored.
 *
 * It is never more than a cache: nothing else reads it.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {readHealth} from './health.js';
import {readPolicy} from './presets.js';
import {PRESETS_KEY, loadState} from './settings.js';

/** The `storage.local` key of the record. */
export const WAKE_KEY = 'wake.v2';
/** The record of release 0.1.x's successors before routes (no routes): removed when one is stored. */
const OLD_KEYS = ['wake.v1'];
const SETTINGS_KEYS = /^settings\.v\d+$/;

/**
 * @typedef {import('./fallback.js').Route} Route
 * @typedef {{default: Route, sites: {site: string, off: boolean, route: Route | null}[]}} Routes
 * @typedef {{settings: any, health: Record<string, any>, routes: Routes, views: Map<string, any>, hub: any | null, source: string}} Wake
 *   `routes`: where links go (core.js `routes`), every step's target with its `wire`; `views`:
 *   the saved hubs as shown (core.js `hubViews`) by URL; `hub`: the first hub of the default
 *   route that is not down, as shown, or null; `source`: what it was computed from (`sourceOf`).
 */

/**
 * What the record is computed from, as one text.
 * @param {Record<string, unknown> | undefined} items everything in `storage.sync`
 * @param {unknown} policy @param {unknown} health
 */
function sourceOf(items, policy, health) {
  const all = items ?? {};
  const keys = Object.keys(all).filter((k) => SETTINGS_KEYS.test(k) || k === PRESETS_KEY).sort();
  return JSON.stringify([keys.map((k) => [k, /** @type {any} */ (all)[k]]), policy, health]);
}

/** @param {any} route */
function routeOk(route) {
  return (
    route !== null &&
    typeof route === 'object' &&
    Array.isArray(route.steps) &&
    route.steps.every((/** @type {any} */ s) => s && typeof s === 'object' && typeof s.url === 'string' && typeof s.target?.wire === 'string')
  );
}

/**
 * A kept record of this shape (anything else is computed again).
 * @param {any} record
 */
function usable(record) {
  return (
    record !== null &&
    typeof record === 'object' &&
    typeof record.source === 'string' &&
    record.settings &&
    typeof record.settings === 'object' &&
    record.health &&
    typeof record.health === 'object' &&
    routeOk(record.routes?.default) &&
    Array.isArray(record.routes.sites) &&
    record.routes.sites.every((/** @type {any} */ s) => s && typeof s.site === 'string' && (s.route === null || routeOk(s.route))) &&
    Array.isArray(record.views) &&
    typeof record.hub === 'object'
  );
}

/**
 * The routes of `settings` with `health`, each step's target given its wire text.
 * @param {any} settings @param {Record<string, any>} health
 * @returns {Promise<Routes>}
 */
async function routesWithWires(settings, health) {
  const routes = await core.routes(settings, health).catch((err) => {
    // What is stored is not health this core reads (another version wrote it): start afresh.
    console.warn('byob: the stored health is not readable; taking every hub as not checked', err);
    return core.routes(settings, {});
  });
  /** @param {Route | null} route */
  const wired = async (route) => {
    if (!route) return;
    for (const step of route.steps) step.target = await core.withWire(step.target);
  };
  await wired(routes.default);
  for (const site of routes.sites) await wired(site.route);
  return routes;
}

/** @param {any} record a usable record @returns {Wake} */
function fromRecord(record) {
  return {settings: record.settings, health: record.health, routes: record.routes, views: viewMap(record.views), hub: record.hub, source: record.source};
}

/**
 * The record as kept, unchecked (one read of `storage.local`), or null when there is none of
 * this shape (or no `storage.local`, or it could not be read): then only `wakeState` can say.
 * @returns {Promise<Wake | null>}
 */
export async function keptState() {
  const local = ext.storage.local;
  if (!local) return null;
  let kept;
  try {
    kept = await local.get(WAKE_KEY);
  } catch (err) {
    console.warn('byob: the wake record could not be read; computing it again', err);
    return null;
  }
  const record = kept?.[WAKE_KEY];
  return usable(record) ? fromRecord(record) : null;
}

/**
 * The settings, routes and hubs for the background, from the record when it is current (its
 * sources read and compared), else computed again and stored.
 * @returns {Promise<Wake>}
 */
export async function wakeState() {
  const local = ext.storage.local;
  const [items, kept, policy, health] = await Promise.all([
    ext.storage.sync.get(null),
    local
      ? local.get(WAKE_KEY).catch((/** @type {unknown} */ err) => {
          console.warn('byob: the wake record could not be read; computing it again', err);
          return {};
        })
      : {},
    readPolicy(),
    readHealth().catch((err) => {
      console.warn('byob: the hubs\' health could not be read; taking every hub as not checked', err);
      return {};
    }),
  ]);
  const source = sourceOf(items, policy, health);
  const record = kept?.[WAKE_KEY];
  if (record?.source === source && usable(record)) return fromRecord(record);
  const {settings} = await loadState();
  const [routes, views] = await Promise.all([routesWithWires(settings, health), core.hubViews(settings)]);
  const first = routes.default.steps.find((s) => !s.down);
  const map = viewMap(views);
  const hub = first ? map.get(first.url) ?? null : null;
  if (local) {
    local
      .set({[WAKE_KEY]: {source, settings, health, routes, views, hub}})
      .then(() => local.remove(OLD_KEYS))
      .catch((/** @type {unknown} */ err) => console.warn('byob: the wake record could not be stored', err));
  }
  return {settings, health, routes, views: map, hub, source};
}

/** @param {any[]} views */
function viewMap(views) {
  return new Map(views.map((v) => [v.url, v]));
}
