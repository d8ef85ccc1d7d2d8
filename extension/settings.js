// @ts-check
/**
 * Settings in `storage.sync`. The Rust core owns the schema: defaults, validation and
 * migration. This module only moves validated values in and out of storage, so no context
 * ever writes a value the core has not accepted.
 *
 * Storage layout: one item per schema version, `settings.v<N>`. Reading takes the newest item
 * this version understands and lets the core migrate it; writing replaces only this version's
 * item. Items of newer versions (another synced device) are kept untouched.
 *
 * An organisation's policy (presets.js) is merged into the settings in use at read time by
 * the core (src/managed.rs) and never written by it: what a change stores is the core's
 * `settingsToStore` (the reader's own hubs and choices; `presets.v1`: the presets the reader
 * removed). Without a policy, the stored settings are the settings in use.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {readPolicy} from './presets.js';

/** The storage key of the current schema version (src/settings.rs SETTINGS_KEY). */
export const SETTINGS_KEY = 'settings.v2';
const KEY_PATTERN = /^settings\.v(\d+)$/;
/** The reader's choices about an organisation's presets (src/managed.rs PRESETS_KEY). */
export const PRESETS_KEY = 'presets.v1';

/**
 * @typedef {{settings: any, stored: any, policy: Record<string, unknown> | null, presets: unknown, newer: number | null, unreadable: string | null}} SettingsState
 *   `settings`: in use (the stored ones with the organisation's policy merged in); `stored`:
 *   the reader's own, as stored (what is exported); `policy`: what the browser's managed
 *   storage holds, or null; `presets`: the stored `presets.v1`; `newer`: the highest schema
 *   version stored by a newer version of the extension (another synced device), kept
 *   untouched; `unreadable`: why the stored settings this version reads could not be read
 *   (the defaults are used meanwhile).
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
  const [items, defaults, policy] = await Promise.all([ext.storage.sync.get(null), core.settingsDefaults(), readPolicy()]);
  return withPolicy(await loadStored(items, defaults), policy, items?.[PRESETS_KEY] ?? null);
}

/**
 * The stored settings (see `loadState`).
 * @param {Record<string, any>} items everything in `storage.sync`
 * @param {any} defaults
 */
async function loadStored(items, defaults) {
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
  if (readable === null) return {stored: defaults, newer, unreadable: null};
  try {
    return {stored: await core.settingsMigrate(items[readable]), newer, unreadable: null};
  } catch (err) {
    console.error(`byob: stored ${readable} is not valid (${errorMessage(err)}); using the defaults`);
    return {stored: defaults, newer, unreadable: `${readable}: ${errorMessage(err)}`};
  }
}

/**
 * The settings in use: the stored ones with the organisation's policy merged in by the core.
 * A policy the core cannot merge (it never should: it reads any policy part by part) leaves
 * the reader's settings as they are.
 * @param {{stored: any, newer: number | null, unreadable: string | null}} state
 * @param {Record<string, unknown> | null} policy
 * @param {unknown} presets
 * @returns {Promise<SettingsState>}
 */
async function withPolicy(state, policy, presets) {
  let settings = state.stored;
  if (policy !== null) {
    try {
      settings = await core.settingsWithPolicy(state.stored, policy, presets);
    } catch (err) {
      console.error(`byob: the organisation's policy could not be applied (${errorMessage(err)}); using the reader's settings alone`);
    }
  }
  return {...state, settings, policy, presets};
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
 * @param {(settings: any) => any} change receives a copy of the settings in use; changes it in place or returns the new value
 */
export async function updateSettings(change) {
  const state = await loadState();
  const copy = structuredClone(state.settings);
  const next = change(copy) ?? copy;
  if (state.policy === null) return saveSettings(next);
  // The core says what of the change is the reader's to store (and refuses removing a hub the
  // organisation locks); the settings in use are then merged again.
  const out = await core.settingsToStore(next, state.stored, state.policy, state.presets);
  await ext.storage.sync.set({[SETTINGS_KEY]: out.settings, [PRESETS_KEY]: out.presets});
  return core.settingsWithPolicy(out.settings, state.policy, out.presets);
}

/**
 * The reader's own settings, as stored: what "Export" writes (an organisation's hubs are not
 * the reader's to carry elsewhere).
 * @returns {Promise<any>}
 */
export async function exportableSettings() {
  return (await loadState()).stored;
}

/**
 * The saved hubs as the front ends show them (the core's `hubViews`), marked where the
 * organisation's policy sets them.
 * @param {any} settings the settings in use
 */
export async function hubViews(settings) {
  return core.hubViews(settings, await readPolicy());
}

/**
 * What importing `file` (a parsed settings file) over the reader's own settings would do:
 * `{settings, changes, refused}` from the core; nothing is stored. Throws when the file is not
 * settings, is from a newer version, or could not be stored.
 * @param {unknown} file
 */
export async function previewImport(file) {
  return core.settingsImport((await loadState()).stored, file);
}

/**
 * Import `file` as the reader confirmed it: computed again over the reader's settings now (they
 * may have changed while the preview was shown), then stored. Returns the settings in use.
 * @param {unknown} file
 */
export async function applyImport(file) {
  const state = await loadState();
  const preview = await core.settingsImport(state.stored, file);
  const saved = await saveSettings(preview.settings);
  return state.policy === null ? saved : core.settingsWithPolicy(saved, state.policy, state.presets);
}

/**
 * Did this `storage.onChanged` event touch the settings?
 * @param {Record<string, unknown>} changes
 * @param {string} area
 */
export function settingsChanged(changes, area) {
  // `managed`: the organisation's policy changed (Chrome tells at once; Firefox reads
  // policies.json at start-up).
  if (area === 'managed') return true;
  return area === 'sync' && Object.keys(changes).some((k) => KEY_PATTERN.test(k) || k === PRESETS_KEY);
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
