// @ts-check
/**
 * Opening a launch in a new tab next to the page it came from. Firefox for Android refuses the
 * whole `tabs.create` call when it names an `openerTabId` (unsupported there): the tab is then
 * opened without it (docs/firefox-android.md).
 */
import {ext} from './api.js';

/**
 * @param {string} url
 * @param {{id: number, index: number}} opener the tab the reader clicked in
 */
export async function openBeside(url, opener) {
  try {
    return await ext.tabs.create({url, openerTabId: opener.id, index: opener.index + 1});
  } catch (err) {
    if (!/openerTabId/i.test(String(err instanceof Error ? err.message : err))) throw err;
    return ext.tabs.create({url, index: opener.index + 1});
  }
}

/** Whether this browser has link context menus (Firefox for Android has none). */
export const hasContextMenus = () => Boolean(ext.contextMenus?.create);
