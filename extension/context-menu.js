// @ts-check
/**
 * The link context menu: "Open on <hub>" and "Copy link for <hub>", on every page, with or
 * without site access (a menu click grants activeTab for that tab, which is all the copy and
 * the notice need).
 */
import {ext} from './api.js';
import * as core from './core.js';
import {hasContextMenus, openBeside} from './tabs.js';

export const MENU_OPEN = 'byob-open';
export const MENU_COPY = 'byob-copy';

/**
 * Recreate both items with the active hub's name (hidden while no hub is set).
 * @param {any} settings
 */
export async function refreshMenus(settings) {
  if (!hasContextMenus()) return; // Firefox for Android
  const hub = (settings.hubs ?? []).find((/** @type {any} */ h) => h.url === settings.activeHub);
  const name = hub ? hub.name || new URL(hub.url).host : null;
  await ext.contextMenus.removeAll();
  const common = {contexts: ['link'], visible: name !== null, targetUrlPatterns: ['http://*/*', 'https://*/*']};
  ext.contextMenus.create({id: MENU_OPEN, title: ext.i18n.getMessage('menuOpenOn', [name ?? '']), ...common});
  ext.contextMenus.create({id: MENU_COPY, title: ext.i18n.getMessage('menuCopyFor', [name ?? '']), ...common});
}

/**
 * @param {{menuItemId: string, linkUrl?: string, frameId?: number}} info
 * @param {{id: number, index: number} | undefined} tab
 * @param {any} settings
 */
export async function handleMenuClick(info, tab, settings) {
  const href = info.linkUrl;
  if (!href || !tab) return;
  const target = await core.activeTarget(settings);
  if (!target) {
    await notify(tab, info, ext.i18n.getMessage('noticeNoHub'));
    return;
  }
  const rewrite = await core.rewriteRepoLink(href, target);
  const url = rewrite.status === 'rewritten' ? rewrite.output : rewrite.status === 'unchanged' ? href : null;
  if (!url) {
    await notify(tab, info, ext.i18n.getMessage('noticeCannotConvert', [rewrite.reason ?? rewrite.status]));
    return;
  }
  if (info.menuItemId === MENU_OPEN) {
    await openBeside(url, tab);
    return;
  }
  await ext.scripting.executeScript({target: frameTarget(tab, info), func: copyInPage, args: [url, ext.i18n.getMessage('noticeCopied')]});
}

/**
 * @param {{id: number}} tab
 * @param {{frameId?: number}} info
 */
function frameTarget(tab, info) {
  return typeof info.frameId === 'number' ? {tabId: tab.id, frameIds: [info.frameId]} : {tabId: tab.id};
}

/**
 * @param {{id: number}} tab
 * @param {{frameId?: number}} info
 * @param {string} text
 */
async function notify(tab, info, text) {
  await ext.scripting.executeScript({target: frameTarget(tab, info), func: showNotice, args: [text]});
}

/**
 * Runs in the page (isolated world): copy `text`, then say so.
 * @param {string} text
 * @param {string} done
 */
async function copyInPage(text, done) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {
    // The async clipboard needs focus; the extension's clipboardWrite permission also allows
    // the older command from a content script.
    console.debug('byob: clipboard.writeText failed, using execCommand', err);
    const area = document.createElement('textarea');
    area.value = text;
    area.style.cssText = 'position:fixed;top:-1000px;opacity:0';
    document.documentElement.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  showNotice(done);

  /** @param {string} message */
  function showNotice(message) {
    const box = document.createElement('div');
    box.setAttribute('role', 'status');
    box.textContent = message;
    box.style.cssText =
      'position:fixed;z-index:2147483647;bottom:16px;right:16px;max-width:28em;padding:8px 12px;border-radius:6px;background:#1d2733;color:#fff;font:14px/1.4 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3)';
    document.documentElement.append(box);
    setTimeout(() => box.remove(), 4000);
  }
}

/**
 * Runs in the page (isolated world): a short notice in the corner.
 * @param {string} message
 */
function showNotice(message) {
  const box = document.createElement('div');
  box.setAttribute('role', 'status');
  box.textContent = message;
  box.style.cssText =
    'position:fixed;z-index:2147483647;bottom:16px;right:16px;max-width:28em;padding:8px 12px;border-radius:6px;background:#1d2733;color:#fff;font:14px/1.4 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3)';
  document.documentElement.append(box);
  setTimeout(() => box.remove(), 4000);
}
