// @ts-check
/**
 * Site access, least first. At install the extension can read no site. "Allow on all sites"
 * (options page) asks once for http and https; while that grant stands, the content script is
 * registered for every page ("automatic mode"). When the user revokes it (here, in the
 * options page, or in the browser's own extension settings) the registration goes away.
 * Without the grant, the toolbar button injects the same scripts into the current tab
 * (activeTab), and the link context menu works everywhere.
 */
import {ext} from './api.js';

export const ALL_SITES = {origins: ['http://*/*', 'https://*/*']};
export const CONTENT_SCRIPT_ID = 'byob-content';
/**
 * The content script files, in order: the readers (links by href; MyST page data, read with
 * text-scan.js), the session, what converted links do (link-actions.js), the features (launch
 * links; the MyST button), and start.js, which starts the session (content/session.js says
 * how they fit).
 */
export const CONTENT_SCRIPT_FILES = [
  'content/launch-links.js',
  'content/text-scan.js',
  'content/myst-data.js',
  'content/session.js',
  'content/link-actions.js',
  'content/links.js',
  'content/myst-button.js',
  'content/myst.js',
  'content/start.js',
];

/** @returns {Promise<boolean>} */
export function hasAllSites() {
  return ext.permissions.contains(ALL_SITES);
}

/** Registration changes run one after another (a grant fires both onAdded and the page's sync). */
let queue = Promise.resolve(false);

/**
 * Make the content script registration match the permission: registered for every http(s)
 * page exactly while all-sites access is granted.
 * @returns {Promise<boolean>} whether automatic mode is now on
 */
export function syncContentScripts() {
  queue = queue.then(syncNow, syncNow);
  return queue;
}

async function syncNow() {
  const granted = await hasAllSites();
  const existing = await ext.scripting.getRegisteredContentScripts({ids: [CONTENT_SCRIPT_ID]});
  if (granted && existing.length === 0) {
    await ext.scripting.registerContentScripts([
      {
        id: CONTENT_SCRIPT_ID,
        matches: ALL_SITES.origins,
        js: CONTENT_SCRIPT_FILES,
        runAt: 'document_idle',
        allFrames: true,
        persistAcrossSessions: true,
      },
    ]);
  } else if (granted && String(existing[0].js) !== String(CONTENT_SCRIPT_FILES)) {
    // Registered by an earlier version with other files (registrations outlive updates).
    await ext.scripting.updateContentScripts([{id: CONTENT_SCRIPT_ID, js: CONTENT_SCRIPT_FILES}]);
  } else if (!granted && existing.length > 0) {
    await ext.scripting.unregisterContentScripts({ids: [CONTENT_SCRIPT_ID]});
  }
  return granted;
}

/**
 * Run the content script in one tab now (toolbar button without all-sites access, or right
 * after the grant for tabs that were already open). Safe to repeat: the script notices an
 * earlier copy and only rescans.
 * @param {number} tabId
 */
export async function injectInto(tabId) {
  await ext.scripting.executeScript({target: {tabId, allFrames: true}, files: CONTENT_SCRIPT_FILES});
}
