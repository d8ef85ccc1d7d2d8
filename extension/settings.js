// @ts-check
/**
 * Settings in `storage.sync`. The Rust core owns the schema: defaults, validation and
 * migration. This module only moves validated values in and out of storage, so no context
 * ever writes a value the core has not accepted.
 *
 * Storage layout: one item per schema version, `settings.v<N>`. Reading takes the newest
 * item present and lets the core migrate it; writing replaces it with the current version.
 */
import {ext} from './api.js';
import * as core from './core.js';

/** The storage key of the current schema version. */
export const SETTINGS_KEY = 'settings.v1';
const KEY_PATTERN = /^settings\.v(\d+)$/;

/**
 * The stored settings, migrated to the current schema, or the defaults when nothing is
 * stored. A stored value the core rejects is logged and replaced by the defaults in memory
 * (storage is left as it is, so nothing is lost if a later version can read it).
 * @returns {Promise<any>}
 */
export async function loadSettings() {
  const items = await ext.storage.sync.get(null);
  const newest = newestStoredKey(items);
  if (newest === null) return core.settingsDefaults();
  try {
    return await core.settingsMigrate(items[newest]);
  } catch (err) {
    console.error(`byob: stored ${newest} is not valid (${errorMessage(err)}); using the defaults`);
    return core.settingsDefaults();
  }
}

/**
 * Validate `next` with the core, then store it. Throws (with the core's message naming the
 * offending field) and stores nothing when it is not valid.
 * @param {unknown} next
 * @returns {Promise<any>} the settings as stored
 */
export async function saveSettings(next) {
  const valid = await core.settingsValidate(next);
  await ext.storage.sync.set({[SETTINGS_KEY]: valid});
  return valid;
}

/**
 * Load, change, validate and store in one step.
 * @param {(settings: any) => any} change receives a copy of the current settings; returns the new value
 */
export async function updateSettings(change) {
  const current = await loadSettings();
  const next = change(structuredClone(current)) ?? current;
  return saveSettings(next);
}

/**
 * Did this `storage.onChanged` event touch the settings?
 * @param {Record<string, unknown>} changes
 * @param {string} area
 */
export function settingsChanged(changes, area) {
  return area === 'sync' && Object.keys(changes).some((k) => KEY_PATTERN.test(k));
}

/** @param {Record<string, unknown>} items */
function newestStoredKey(items) {
  let best = null;
  let bestVersion = -1;
  for (const key of Object.keys(items ?? {})) {
    const m = KEY_PATTERN.exec(key);
    if (m && Number(m[1]) > bestVersion) {
      bestVersion = Number(m[1]);
      best = key;
    }
  }
  return best;
}

/** @param {unknown} err */
export function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}
