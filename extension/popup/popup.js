// @ts-check
/**
 * The toolbar popup: the hub in use and the health of every saved hub, the launch links on the
 * current tab and what each becomes (with warnings, the fallback hub and why, or why it cannot
 * be converted), switch hub, this site's own choice (a hub of its own, or its links left
 * alone), save the book's own hub in one click, copy a converted link.
 *
 * Opening the popup is the toolbar button's action. It runs the content script in the tab
 * (activeTab grants that for this tab even without all-sites access), so the tab's links are
 * relaunched on the user's hub right away; with all-sites access the script is already there
 * and only rescans. It also asks the background to check the hubs (those not checked in the
 * last few seconds): what the check finds arrives as a storage change, and the popup shows it,
 * with the tab's links where they now go.
 *
 * This module starts the popup and renders it in order; each part is its own module:
 * `hubs.js` (hub switch and health), `site-choice.js` (this site's own hub or off),
 * `book-hubs.js` (the book's own hub offer), `links.js` (the tab's links), `status.js` (the
 * page status line).
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {healthChanged, readHealth} from '../health.js';
import {BACKGROUND_REFRESH, PAGE_HEALTH, PAGE_REWRITE} from '../protocol.js';
import {errorMessage, loadState, settingsChanged} from '../settings.js';
import {localize, t} from '../ui/i18n.js';
import {$} from '../ui/dom.js';
import {hideBookHubs, renderBookHubs} from './book-hubs.js';
import {renderHubs, wireHubs} from './hubs.js';
import {clearLinks, linksInTab, renderLinks} from './links.js';
import {hideSiteChoice, renderSiteChoice, wireSiteChoice} from './site-choice.js';
import {setStatus} from './status.js';

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
  wireHubs();
  wireSiteChoice(tab);
  ext.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (settingsChanged(changes, area) || healthChanged(changes, area)) refresh();
  });
  // The background says when it has read a change that moves links: the links are asked for
  // again (a render on the storage event may have been answered before the background read it).
  ext.runtime.onMessage.addListener((/** @type {any} */ message, /** @type {any} */ sender) => {
    if (message?.type === BACKGROUND_REFRESH && sender?.id === ext.runtime.id) refresh();
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
 * What the popup says about the tab: this site's choice, the book's own hubs, the links.
 * @param {any} settings
 * @param {Record<string, any>} health
 * @param {{url: string, name: string}[]} views
 * @param {{id: number, url?: string} | null} tab
 * @param {number} mine this render's number
 */
async function renderPage(settings, health, views, tab, mine) {
  const url = tab?.url ?? '';
  if (!tab || !/^https?:/.test(url)) {
    clearLinks();
    hideSiteChoice();
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
  if (found.length === 0) {
    clearLinks();
    hideBookHubs();
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
  renderLinks(found, rewrites);
}
