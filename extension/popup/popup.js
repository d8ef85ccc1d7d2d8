// @ts-check
/**
 * The toolbar popup: the active hub and its status, the launch links on the current tab and
 * what each becomes (with warnings, or why it cannot be converted), switch hub, turn the
 * extension off for this site, copy a converted link.
 *
 * Opening the popup is the toolbar button's action. It runs the content script in the tab
 * (activeTab grants that for this tab even without all-sites access), so the tab's launch
 * links are relaunched on the user's hub right away; with all-sites access the script is
 * already there and only rescans.
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {hrefRefusal, isSiteDisabled} from '../protocol.js';
import {CONTENT_SCRIPT_FILES} from '../site-access.js';
import {errorMessage, loadState, settingsChanged, updateSettings, useFirst} from '../settings.js';
import {localize, t} from '../ui/i18n.js';
import {$, el} from '../ui/dom.js';

/** How long to wait for the page's links to be answered before showing what is known. */
const SETTLE_TIMEOUT_MS = 4000;

main().catch((err) => {
  console.error('byob: the popup failed to start', err);
  setStatus(t('errorLoad', [errorMessage(err)]), 'bad');
});

async function main() {
  localize();
  const tab = await targetTab();
  const refresh = () => render(tab);
  $('open-options').addEventListener('click', () => ext.runtime.openOptionsPage().then(() => window.close()));
  $('set-hub').addEventListener('click', () => ext.runtime.openOptionsPage().then(() => window.close()));
  $('hub-select').addEventListener('change', onSwitchHub);
  $('site-off').addEventListener('change', () => onToggleSite(tab));
  ext.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (settingsChanged(changes, area)) refresh().catch((err) => console.error('byob: popup refresh failed', err));
  });
  await refresh();
  document.body.dataset.ready = 'true';
}

/**
 * The tab the popup is about: the active tab of its window. (`?tab=<id>` names one
 * explicitly, for when the popup page is opened in a tab of its own.)
 */
async function targetTab() {
  const id = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(id) && id > 0) return ext.tabs.get(id);
  const [active] = await ext.tabs.query({active: true, currentWindow: true});
  return active ?? null;
}

/** @param {{id: number, url?: string} | null} tab */
async function render(tab) {
  const state = await loadState();
  // Settings of a newer version (another device) are kept untouched; say so.
  const notice = $('settings-notice');
  notice.hidden = state.newer === null;
  notice.textContent = state.newer === null ? '' : t('settingsNewer', [String(state.newer)]);
  renderHubs(await core.hubViews(state.settings, state.policy));
  await renderPage(state.settings, tab);
}

/**
 * The saved hubs to switch between, and the active one's kind, version and URL, as the core shows them.
 * @param {{url: string, name: string, label: string, version: string | null, active: boolean, managed?: string}[]} hubs
 */
function renderHubs(hubs) {
  const select = $('hub-select');
  select.replaceChildren(...hubs.map((hub) => Object.assign(el('option', hub.name), {value: hub.url, selected: hub.active})));
  $('no-hub').hidden = hubs.length > 0;
  select.hidden = hubs.length === 0;
  const active = hubs.find((h) => h.active);
  $('hub-status').textContent = active ? [t(active.label), active.version, active.url, active.managed ? t('managedBy') : ''].filter(Boolean).join(' · ') : '';
  renderLock(hubs);
}

/**
 * An organisation that locks its hubs decides which one is in use: the switch is shown, not offered.
 * @param {{managed?: string}[]} hubs
 */
function renderLock(hubs) {
  const locked = hubs.some((h) => h.managed === 'locked');
  const select = $('hub-select');
  select.disabled = locked;
  select.title = locked ? t('managedLockedChoice') : '';
  document.body.dataset.managed = locked ? 'locked' : hubs.some((h) => h.managed) ? 'preset' : '';
}

/**
 * @param {any} settings
 * @param {{id: number, url?: string} | null} tab
 */
async function renderPage(settings, tab) {
  const list = $('links');
  list.replaceChildren();
  $('site-toggle').hidden = true;
  const url = tab?.url ?? '';
  if (!tab || !/^https?:/.test(url)) {
    setStatus(t('popupNotAPage'), 'muted');
    return;
  }
  const host = new URL(url).hostname;
  const off = isSiteDisabled(host, settings.disabledSites ?? []);
  $('site-toggle').hidden = false;
  $('site-off').checked = off;
  $('site-off-label').textContent = t('popupSiteOff', [host]);

  let found;
  try {
    found = await linksInTab(tab.id);
  } catch (err) {
    console.warn('byob: could not read the page', err);
    setStatus(t('popupCannotRead', [errorMessage(err)]), 'bad');
    return;
  }
  if (found.length === 0) {
    setStatus(t('popupNoLinks'), 'muted');
    return;
  }
  const target = await core.activeTarget(settings);
  const rewrites = target ? await rewriteListed(found.map((l) => l.href), target) : [];
  const converted = rewrites.filter((/** @type {any} */ r) => r.status === 'rewritten').length;
  document.body.dataset.links = String(found.length);
  document.body.dataset.converted = String(converted);
  if (!target) setStatus(t('popupFoundNoHub', [String(found.length)]), 'warn');
  else if (off) setStatus(t('popupFoundSiteOff', [String(found.length), host]), 'warn');
  else setStatus(t('popupFound', [String(found.length), String(converted)]), 'ok');
  found.forEach((link, i) => list.append(linkItem(link, rewrites[i])));
}

/**
 * What each listed href becomes; hrefs the background would not read (too long) are answered
 * here with the reason, as the background answers the page.
 * @param {string[]} hrefs
 * @param {any} target
 */
async function rewriteListed(hrefs, target) {
  const readable = hrefs.filter((h) => hrefRefusal(h) === null);
  const rewrites = readable.length ? await core.rewriteBatch(readable, target) : [];
  let k = 0;
  return hrefs.map((h) => {
    const why = hrefRefusal(h);
    return why === null ? rewrites[k++] : {status: 'invalid', output: null, reason: why, warnings: []};
  });
}

/**
 * Run the content script in the tab (relaunching its links) and collect what it found, from
 * every frame.
 * @param {number} tabId
 * @returns {Promise<{href: string, source: string, text: string}[]>}
 */
async function linksInTab(tabId) {
  // Absolute paths: Firefox resolves relative ones against this page (popup/), not the root.
  await ext.scripting.executeScript({target: {tabId, allFrames: true}, files: CONTENT_SCRIPT_FILES.map((f) => `/${f}`)});
  const frames = await ext.scripting.executeScript({target: {tabId, allFrames: true}, func: collectInPage, args: [SETTLE_TIMEOUT_MS]});
  /** @type {Map<string, {href: string, source: string, text: string}>} */
  const byHref = new Map();
  for (const frame of frames ?? []) {
    for (const link of frame?.result?.links ?? []) {
      if (!byHref.has(link.href) || link.source !== 'content') byHref.set(link.href, link);
    }
  }
  return [...byHref.values()];
}

/**
 * Runs in the page (isolated world, next to the content script).
 * @param {number} timeoutMs
 */
function collectInPage(timeoutMs) {
  /** @type {any} */
  const content = /** @type {any} */ (globalThis)[Symbol.for('byob.content')];
  if (!content) return {links: []};
  return Promise.race([content.settled(), new Promise((resolve) => setTimeout(() => resolve(content.list()), timeoutMs))]);
}

/**
 * @param {{href: string, source: string, text: string}} link
 * @param {any} rewrite
 */
function linkItem(link, rewrite) {
  const li = el('li', '');
  li.dataset.status = rewrite?.status ?? 'unknown';
  li.dataset.source = link.source;
  const source = link.source === 'launch-menu' ? 'popupSourceMenu' : link.source === 'myst' ? 'popupSourceMyst' : 'popupSourcePage';
  li.append(el('span', [link.text, t(source)].filter(Boolean).join(' · '), 'label'));
  const from = el('span', link.href, 'from url');
  from.title = link.text || link.href;
  li.append(from);
  if (!rewrite) return li;
  if (rewrite.status === 'rewritten') {
    li.append(el('span', rewrite.output, 'to url'));
  } else {
    li.append(el('span', t(`status_${rewrite.status}`) + (rewrite.reason ? `: ${rewrite.reason}` : ''), `note ${rewrite.status === 'unchanged' ? 'muted' : 'warn'}`));
  }
  for (const w of rewrite.warnings ?? []) li.append(el('span', t('titleWarning', [w]), 'note warn'));
  if (rewrite.status === 'rewritten') {
    const copy = /** @type {HTMLButtonElement} */ (el('button', t('popupCopy')));
    copy.type = 'button';
    copy.setAttribute('aria-label', t('popupCopyLink', [link.href]));
    copy.addEventListener('click', () =>
      navigator.clipboard.writeText(rewrite.output).then(
        () => ($('copy-status').textContent = t('noticeCopied')),
        (err) => ($('copy-status').textContent = t('popupCopyFailed', [errorMessage(err)])),
      ),
    );
    li.append(copy);
  }
  return li;
}

function onSwitchHub() {
  const url = $('hub-select').value;
  updateSettings((s) => {
    useFirst(s, url);
    return s;
  }).catch((err) => setStatus(t('settingsInvalid', [errorMessage(err)]), 'bad'));
}

/** @param {{url?: string} | null} tab */
function onToggleSite(tab) {
  const host = new URL(/** @type {string} */ (tab?.url)).hostname;
  const off = $('site-off').checked;
  updateSettings((s) => {
    const rest = (s.disabledSites ?? []).filter((/** @type {string} */ site) => !isSiteDisabled(host, [site]));
    s.disabledSites = off ? [...rest, host] : rest;
    return s;
  }).catch((err) => setStatus(t('settingsInvalid', [errorMessage(err)]), 'bad'));
}

/**
 * @param {string} text
 * @param {string} cls
 */
function setStatus(text, cls) {
  const el = $('page-status');
  el.textContent = text;
  el.className = cls;
}
