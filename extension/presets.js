// @ts-check
/**
 * An institution's presets: the policy an IT department deploys for this extension
 * (docs/it-departments.md), as the browser's managed storage holds it. Chrome checks it
 * against `managed_schema.json` and gives `{}` when there is none; Firefox gives what
 * `policies.json` says under `3rdparty.Extensions` unchecked, and rejects when there is none;
 * Firefox for Android has no `storage.managed` at all (docs/firefox-android.md). Each of those
 * "nothing" cases is no policy. What the policy says is the core's to read (src/managed.rs):
 * this module only fetches it, and never fails.
 */
import {ext} from './api.js';

/**
 * The policy as stored (a plain object), or null when the browser has none for us.
 * @returns {Promise<Record<string, unknown> | null>}
 */
export async function readPolicy() {
  const area = ext.storage?.managed;
  if (!area || typeof area.get !== 'function') return null; // Firefox for Android
  let value;
  try {
    value = await area.get(null);
  } catch (err) {
    // Firefox rejects when no policy names this extension ("Managed storage manifest not
    // found"): that is the usual case, not worth a word. Anything else is logged; the reader's
    // own settings are used either way.
    const message = err instanceof Error ? err.message : String(err);
    if (!/not found/i.test(message)) console.warn(`byob: the organisation's policy could not be read (${message}); using the reader's settings alone`);
    return null;
  }
  return value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 ? value : null;
}
