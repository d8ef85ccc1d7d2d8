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
 * Recreate both items with the name of the hub links go to now (hidden while there is none).
 * @param {{name: string} | null} hub that hub as the core shows it (`hubViews`)
 */
export async function refreshMenus(hub) {
  if (!hasContextMenus()) return; // Firefox for Android
  const name = hub?.name ?? null;
  await ext.contextMenus.removeAll();
  const common = {contexts: ['link'], visible: name !== null, targetUrlPatterns: ['http://*/*', 'https://*/*']};
  ext.contextMenus.create({id: MENU_OPEN, title: ext.i18n.getMessage('menuOpenOn', [name ?? '']), ...common});
  ext.contextMenus.create({id: MENU_COPY, title: ext.i18n.getMessage('menuCopyFor', [name ?? '']), ...common});
}

/**
 * @param {{menuItemId: string, linkUrl?: string, frameId?: number}} info
 * @param {{id: number, index: number} | undefined} tab
 * @param {{targets: any[]}} now the targets to try, in order (the page's route without the hubs
 *   that are down: background.js `menuClick`); the first that does not refuse the link takes it
 */
export async function handleMenuClick(info, tab, now) {
  const href = info.linkUrl;
  if (!href || !tab) return;
  const inPage = (/** @type {string | null} */ copy, /** @type {string} */ notice) => ext.scripting.executeScript({target: frameTarget(tab, info), func: noticeInPage, args: [copy, notice]});
  if (now.targets.length === 0) {
    await inPage(null, ext.i18n.getMessage('noticeNoHub'));
    return;
  }
  let rewrite = null;
  for (const target of now.targets) {
    rewrite = await core.rewriteRepoLink(href, target);
    if (rewrite.status !== 'refused') break;
  }
  // The first hub's refusal says why, when no hub takes it.
  if (rewrite?.status === 'refused') rewrite = await core.rewriteRepoLink(href, now.targets[0]);
  const url = rewrite.status === 'rewritten' ? rewrite.output : rewrite.status === 'unchanged' ? href : null;
  if (!url) {
    await inPage(null, ext.i18n.getMessage('noticeCannotConvert', [rewrite.reason ?? rewrite.status]));
    return;
  }
  if (info.menuItemId === MENU_OPEN) {
    await openBeside(url, tab);
    return;
  }
  await inPage(url, ext.i18n.getMessage('noticeCopied'));
}

/**
 * @param {{id: number}} tab
 * @param {{frameId?: number}} info
 */
function frameTarget(tab, info) {
  return typeof info.frameId === 'number' ? {tabId: tab.id, frameIds: [info.frameId]} : {tabId: tab.id};
}

/**
 * Runs in the page (isolated world; self-contained, as executeScript needs): copy `text` when
 * there is one, then say `notice` in a short box in the corner.
 * @param {string | null} text
 * @param {string} notice
 */
async function noticeInPage(text, notice) {
  if (text !== null) {
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
  }
  const box = document.createElement('div');
  box.setAttribute('role', 'status');
  box.textContent = notice;
  box.style.cssText =
    'position:fixed;z-index:2147483647;bottom:16px;right:16px;max-width:28em;padding:8px 12px;border-radius:6px;background:#1d2733;color:#fff;font:14px/1.4 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3)';
  document.documentElement.append(box);
  setTimeout(() => box.remove(), 4000);
}
