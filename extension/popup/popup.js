// @ts-check
/**
 * The toolbar popup: the hub in use and the health of every saved hub, the launch links on the
 * current tab and what each becomes (with warnings, the fallback hub and why, or why it cannot
 * be converted), switch hub, this site's own choice (a hub of its own, or its links left
 * alone), save the book's own hub in one click, copy a converted link.
 *
 * Opening the popup is the toolbar button's action. It runs the content script in the tab
 * (activeTab grants that for this tab even without all-sites access), so the tab's launch
 * links are relaunched on the user's hub right away; with all-sites access the script is
 * already there and only rescans. It also asks the background to check the hubs (those not
 * checked in the last few seconds): what the check finds arrives as a storage change, and the
 * popup shows it, with the tab's links where they now go.
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {siteRoute} from '../fallback.js';
import {healthChanged, readHealth} from '../health.js';
import {originPattern} from '../probe-runner.js';
import {PAGE_DETECT, PAGE_HEALTH, PAGE_REWRITE, isSiteDisabled} from '../protocol.js';
import {CONTENT_SCRIPT_FILES} from '../site-access.js';
import {errorMessage, loadState, settingsChanged, updateSettings, useFirst} from '../settings.js';
import {healthLine} from '../ui/health-view.js';
import {localize, t} from '../ui/i18n.js';
import {$, button, el, showStatus} from '../ui/dom.js';

/** How long to wait for the page's links to be answered before showing what is known. */
const SETTLE_TIMEOUT_MS = 4000;

/** The latest render asked for: an older one that finishes later shows nothing. */
let renders = 0;

main().catch((err) => {
  console.error('byob: the popup failed to start', err);
  setStatus(t('errorLoad', [errorMessage(err)]), 'bad');
});

async function main() {
  localize();
  const tab = await targetTab();
  const refresh = () => render(tab).catch((err) => console.error('byob: popup refresh failed', err));
  $('open-options').addEventListener('click', () => ext.runtime.openOptionsPage().then(() => window.close()));
  $('set-hub').addEventListener('click', () => ext.runtime.openOptionsPage().then(() => window.close()));
  $('hub-select').addEventListener('change', onSwitchHub);
  $('site-off').addEventListener('change', () => onToggleSite(tab));
  $('site-hub').addEventListener('change', () => onSiteHub(tab));
  ext.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (settingsChanged(changes, area) || healthChanged(changes, area)) refresh();
  });
  // The hubs' health, checked now where it is not fresh; the answer comes as a storage change.
  ext.runtime.sendMessage({type: PAGE_HEALTH, check: true}).then(
    (/** @type {any} */ reply) => {
      if (!reply?.ok) console.warn('byob: checking the hubs failed', reply?.error);
    },
    (/** @type {unknown} */ err) => console.warn('byob: checking the hubs failed', err),
  );
  await render(tab);
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
  const mine = ++renders;
  const state = await loadState();
  const health = await readHealth().catch((err) => {
    console.warn('byob: the hubs\' health could not be read', err);
    return {};
  });
  const views = await core.hubViews(state.settings, state.policy);
  if (mine !== renders) return;
  // Settings of a newer version (another device) are kept untouched; say so.
  const notice = $('settings-notice');
  notice.hidden = state.newer === null;
  notice.textContent = state.newer === null ? '' : t('settingsNewer', [String(state.newer)]);
  renderHubs(views, health);
  await renderPage(state.settings, health, views, tab, mine);
  document.body.dataset.rendered = String(mine);
}

/**
 * The saved hubs: the one in use to switch, and each with its health.
 * @param {{url: string, name: string, label: string, version: string | null, active: boolean, managed?: string}[]} hubs
 * @param {Record<string, any>} health
 */
function renderHubs(hubs, health) {
  const select = $('hub-select');
  select.replaceChildren(...hubs.map((hub) => Object.assign(el('option', hub.name), {value: hub.url, selected: hub.active})));
  $('no-hub').hidden = hubs.length > 0;
  select.hidden = hubs.length === 0;
  const active = hubs.find((h) => h.active);
  $('hub-status').textContent = active ? [t(active.label), active.version, active.url, active.managed ? t('managedBy') : ''].filter(Boolean).join(' · ') : '';
  $('hub-health').replaceChildren(
    ...hubs.map((hub) => {
      const line = healthLine(health[hub.url]);
      const li = el('li', '');
      Object.assign(li.dataset, {url: hub.url, state: line.state});
      li.append(el('span', hub.name, 'hub-name'), el('span', line.text, `health ${line.cls}`));
      return li;
    }),
  );
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
 * @param {Record<string, any>} health
 * @param {{url: string, name: string}[]} views
 * @param {{id: number, url?: string} | null} tab
 * @param {number} mine this render's number
 */
async function renderPage(settings, health, views, tab, mine) {
  const url = tab?.url ?? '';
  if (!tab || !/^https?:/.test(url)) {
    $('links').replaceChildren();
    $('site-choice').hidden = true;
    setStatus(t('popupNotAPage'), 'muted');
    return;
  }
  const host = new URL(url).hostname;
  renderSiteChoice(settings, health, views, host);

  let found;
  try {
    found = await linksInTab(tab.id);
  } catch (err) {
    console.warn('byob: could not read the page', err);
    setStatus(t('popupCannotRead', [errorMessage(err)]), 'bad');
    return;
  }
  if (mine !== renders) return;
  const list = $('links');
  if (found.length === 0) {
    list.replaceChildren();
    $('book-hubs').hidden = true;
    setStatus(t('popupNoLinks'), 'muted');
    return;
  }
  const hrefs = found.map((l) => l.href);
  const [reply, books] = await Promise.all([ext.runtime.sendMessage({type: PAGE_REWRITE, hrefs, url}), core.bookHubs(hrefs, settings)]);
  if (mine !== renders) return;
  if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
  renderBookHubs(books, host);
  const rewrites = reply.results ?? [];
  const converted = rewrites.filter((/** @type {any} */ r) => r.status === 'rewritten').length;
  document.body.dataset.links = String(found.length);
  document.body.dataset.converted = String(converted);
  if (reply.reason === 'no-hub') setStatus(t('popupFoundNoHub', [String(found.length)]), 'warn');
  else if (reply.off) setStatus(t('popupFoundSiteOff', [String(found.length), reply.site ?? host]), 'warn');
  else setStatus(t('popupFound', [String(found.length), String(converted)]), 'ok');
  list.replaceChildren(...found.map((link, i) => linkItem(link, rewrites[i])));
}

/**
 * This site's own choice: its links left alone, or a hub of its own (the most specific choice
 * that covers the host is shown; a change is made for this host).
 * @param {any} settings
 * @param {Record<string, any>} health
 * @param {{url: string, name: string}[]} views
 * @param {string} host
 */
function renderSiteChoice(settings, health, views, host) {
  const rule = siteRoute({default: {steps: []}, sites: siteRules(settings)}, host);
  $('site-choice').hidden = false;
  $('site-off').checked = rule.off;
  $('site-off-label').textContent = t('popupSiteOff', [host]);
  $('site-hub-label').textContent = t('popupSiteHub', [host]);
  const chosen = rule.off ? '' : (settings.siteHubs ?? []).find((/** @type {any} */ r) => r.site === rule.site)?.hub ?? '';
  const select = $('site-hub');
  select.replaceChildren(
    Object.assign(el('option', t('popupSiteHubDefault')), {value: '', selected: chosen === ''}),
    ...views.map((v) => Object.assign(el('option', [v.name, healthLine(health[v.url]).state === 'down' ? t('health_down') : ''].filter(Boolean).join(' · ')), {value: v.url, selected: v.url === chosen})),
  );
  select.disabled = rule.off || views.length === 0;
  $('site-hub-row').hidden = views.length < 2 && chosen === '';
}

/**
 * The site rules as the routes list them (for the host match only: routes are not needed).
 * @param {any} settings
 */
function siteRules(settings) {
  return [...(settings.siteHubs ?? []).map((/** @type {any} */ r) => ({site: r.site, off: false, route: null})), ...(settings.disabledSites ?? []).map((/** @type {string} */ site) => ({site, off: true, route: null}))];
}

/**
 * The book's own hubs, each with "Save and use it here".
 * @param {{url: string, name: string, linksKind: string, links: number}[]} books
 * @param {string} host
 */
function renderBookHubs(books, host) {
  const box = $('book-hubs');
  box.hidden = books.length === 0;
  box.replaceChildren(
    ...books.map((book) => {
      const row = el('div', '', 'book-hub');
      row.dataset.url = book.url;
      row.append(el('p', t('popupBookHub', [book.name, String(book.links)])));
      const save = button(t('popupSaveBookHub', [book.name, host]), () => onSaveBookHub(book, host));
      save.className = 'primary';
      row.append(save);
      return row;
    }),
  );
}

/**
 * Save the book's own hub, detected first as a typed hub is, and send this site's links there.
 * @param {{url: string, name: string}} book
 * @param {string} host
 */
function onSaveBookHub(book, host) {
  // First call of the click: the browser asks for this hub's origin only.
  const asked = ext.permissions.request({origins: [originPattern(book.url)]});
  const status = $('site-status');
  (async () => {
    const granted = await asked.catch((/** @type {unknown} */ err) => {
      console.warn('byob: the permission request failed', err);
      return false;
    });
    showStatus(status, t('detectChecking'), 'muted');
    const reply = await ext.runtime.sendMessage({type: PAGE_DETECT, input: book.url});
    if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
    const hub = await core.savedHub(reply.detection, null);
    if (!hub) {
      showStatus(status, t('popupBookHubFailed', [book.name, reply.detection.message]), 'bad');
      return;
    }
    await updateSettings((s) => {
      if (!s.hubs.some((/** @type {any} */ h) => h.url === hub.url)) s.hubs.push(hub);
      setSiteHub(s, host, hub.url);
      return s;
    });
    showStatus(status, t('popupBookHubSaved', [hub.name, host]) + (granted ? '' : ' ' + t('savedWithoutAccess')), granted ? 'ok' : 'warn');
  })().catch((err) => showStatus(status, t('settingsInvalid', [errorMessage(err)]), 'bad'));
}

/**
 * This host's links go to `url` ('' : the reader's order again). A host is in at most one of
 * `siteHubs` and `disabledSites`.
 * @param {any} s
 * @param {string} host
 * @param {string} url
 */
function setSiteHub(s, host, url) {
  s.siteHubs = (s.siteHubs ?? []).filter((/** @type {any} */ r) => r.site !== host);
  if (url) {
    s.siteHubs.push({site: host, hub: url});
    s.disabledSites = (s.disabledSites ?? []).filter((/** @type {string} */ site) => site !== host);
  }
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
  if (rewrite?.hub) li.dataset.hub = rewrite.hub;
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
  // A fallback hub: which, and why not the hubs before it.
  if (rewrite.fallback?.length && (rewrite.status === 'rewritten' || rewrite.status === 'unchanged')) {
    const note = el('span', t('popupFallback', [rewrite.hub ?? '', rewrite.fallback.join('; ')]), 'note warn fallback');
    li.append(note);
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
    // Left alone, the site has no hub of its own either.
    if (off) s.siteHubs = (s.siteHubs ?? []).filter((/** @type {any} */ r) => r.site !== host);
    return s;
  }).catch((err) => setStatus(t('settingsInvalid', [errorMessage(err)]), 'bad'));
}

/** @param {{url?: string} | null} tab */
function onSiteHub(tab) {
  const host = new URL(/** @type {string} */ (tab?.url)).hostname;
  const url = $('site-hub').value;
  updateSettings((s) => {
    setSiteHub(s, host, url);
    return s;
  }).then(
    () => showStatus($('site-status'), url ? t('popupSiteHubSet', [host, $('site-hub').selectedOptions[0]?.textContent ?? url]) : t('popupSiteHubCleared', [host]), 'ok'),
    (err) => setStatus(t('settingsInvalid', [errorMessage(err)]), 'bad'),
  );
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
