// @ts-check
/**
 * Settings in `storage.sync`. The Rust core owns the schema: defaults, validation and
 * migration. This module only moves validated values in and out of storage, so no context
 * ever writes a value the core has not accepted.
 *
 * Storage layout: one item per schema version, `settings.v<N>`. Reading takes the newest item
 * this version understands and lets the core migrate it; writing replaces only this version's
 * item. Items of newer versions (another synced device) are kept untouched.
 */
import {ext} from './api.js';
import * as core from './core.js';

/** The storage key of the current schema version (src/settings.rs SETTINGS_KEY). */
export const SETTINGS_KEY = 'settings.v2';
const KEY_PATTERN = /^settings\.v(\d+)$/;

/**
 * @typedef {{settings: any, newer: number | null, unreadable: string | null}} SettingsState
 *   `newer`: the highest schema version stored by a newer version of the extension (another
 *   synced device), kept untouched; `unreadable`: why the stored settings this version reads
 *   could not be read (the defaults are used meanwhile).
 */

/**
 * The settings in use, and what the reader should know about the stored ones. The newest
 * stored item this version understands is read (and migrated by the core); an item of a newer
 * schema, written by a newer version of the extension on another synced device, is never read
 * nor written (`newer` says it is there, for the "update" notice), so this device keeps its
 * own valid settings and never overwrites the newer ones. With nothing readable, the defaults.
 * @returns {Promise<SettingsState>}
 */
export async function loadState() {
  const [items, defaults] = await Promise.all([ext.storage.sync.get(null), core.settingsDefaults()]);
  const current = defaults.version;
  let newer = null;
  let readable = null;
  let readableVersion = -1;
  for (const key of Object.keys(items ?? {})) {
    const m = KEY_PATTERN.exec(key);
    if (!m) continue;
    const version = Number(m[1]);
    if (version > current) newer = Math.max(newer ?? 0, version);
    else if (version > readableVersion) [readable, readableVersion] = [key, version];
  }
  if (readable === null) return {settings: defaults, newer, unreadable: null};
  try {
    return {settings: await core.settingsMigrate(items[readable]), newer, unreadable: null};
  } catch (err) {
    console.error(`byob: stored ${readable} is not valid (${errorMessage(err)}); using the defaults`);
    return {settings: defaults, newer, unreadable: `${readable}: ${errorMessage(err)}`};
  }
}

/**
 * The settings in use (see `loadState`).
 * @returns {Promise<any>}
 */
export async function loadSettings() {
  return (await loadState()).settings;
}

/**
 * Validate `next` with the core (schema and the storage's size limits), then store it under
 * this version's key only. Throws (with the core's message naming the offending field, or
 * saying what is too large) and stores nothing when it is not valid.
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
 * What importing `file` (a parsed settings file) over the settings in use would do:
 * `{settings, changes, refused}` from the core; nothing is stored. Throws when the file is not
 * settings, is from a newer version, or could not be stored.
 * @param {unknown} file
 */
export async function previewImport(file) {
  return core.settingsImport(await loadSettings(), file);
}

/**
 * Import `file` as the reader confirmed it: computed again over the settings in use now (they
 * may have changed while the preview was shown), then stored.
 * @param {unknown} file
 */
export async function applyImport(file) {
  const preview = await previewImport(file);
  return saveSettings(preview.settings);
}

/**
 * Did this `storage.onChanged` event touch the settings?
 * @param {Record<string, unknown>} changes
 * @param {string} area
 */
export function settingsChanged(changes, area) {
  return area === 'sync' && Object.keys(changes).some((k) => KEY_PATTERN.test(k));
}

/**
 * Make the saved hub at `url` the one in use: the hub in use is the first in the reader's
 * order (settings version 2), so it moves to the front and the others keep their order.
 * @param {any} settings changed in place
 * @param {string} url
 */
export function useFirst(settings, url) {
  const at = settings.hubs.findIndex((/** @type {any} */ h) => h.url === url);
  if (at > 0) settings.hubs.unshift(...settings.hubs.splice(at, 1));
}

/** @param {unknown} err */
export function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}
