// @ts-check
/**
 * What the background needs when it wakes: the settings in use, the target links are
 * rewritten for and the active hub as shown, kept ready in `storage.local` (`wake.v1`) as the cold module computed them
 * (settings migrated and validated, the active target with its `wire` text for the hot module).
 * A background woken by a page reads it with the settings and uses it as it is: no migration
 * and no validation call, so the cold Wasm module is not compiled on the way to the first answer.
 *
 * The record names the stored settings it was computed from (their JSON): when they changed (a
 * save, another synced device, an older version of the extension), or it is missing or
 * unreadable, it is computed again through the cold module (settings.js `loadState`,
 * core.js `activeTarget`) and stored. It is never more than a cache: nothing else reads it.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {loadState} from './settings.js';

/** The `storage.local` key of the record. */
export const WAKE_KEY = 'wake.v1';
const SETTINGS_KEYS = /^settings\.v\d+$/;

/**
 * @typedef {{settings: any, target: any, hub: any}} Wake
 *   `target`: the Target of the active hub with its `wire` (core.js `activeTarget`), or null;
 *   `hub`: the active hub as shown (core.js `hubViews`), or null.
 */

/**
 * The stored settings items, as one text: what the record was computed from.
 * @param {Record<string, unknown> | undefined} items
 */
function sourceOf(items) {
  const keys = Object.keys(items ?? {}).filter((k) => SETTINGS_KEYS.test(k)).sort();
  return JSON.stringify(keys.map((k) => [k, /** @type {any} */ (items)[k]]));
}

/**
 * The settings and target for the background, from the record when it is current.
 * @returns {Promise<Wake>}
 */
export async function wakeState() {
  const local = ext.storage.local;
  const [items, kept] = await Promise.all([
    ext.storage.sync.get(null),
    local
      ? local.get(WAKE_KEY).catch((/** @type {unknown} */ err) => {
          console.warn('byob: the wake record could not be read; computing it again', err);
          return {};
        })
      : {},
  ]);
  const source = sourceOf(items);
  const record = kept?.[WAKE_KEY];
  if (record && typeof record === 'object' && record.source === source && record.settings && typeof record.settings === 'object') {
    const {target, hub} = record;
    const targetOk = target === null || (typeof target === 'object' && typeof target.wire === 'string');
    const hubOk = typeof hub === 'object';
    if (targetOk && hubOk) return {settings: record.settings, target, hub};
  }
  const {settings} = await loadState();
  const [target, hubs] = await Promise.all([core.activeTarget(settings), core.hubViews(settings)]);
  const hub = hubs.find((/** @type {any} */ h) => h.active) ?? null;
  if (local) {
    local.set({[WAKE_KEY]: {source, settings, target, hub}}).catch((/** @type {unknown} */ err) => console.warn('byob: the wake record could not be stored', err));
  }
  return {settings, target, hub};
}
