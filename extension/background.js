// @ts-check
/**
 * The background: Chrome module service worker, Firefox module event page. It holds the Wasm
 * core (through core.js), answers the content scripts' batched rewrite requests, performs hub
 * detection for the options page, owns the link context menu and keeps the all-sites content
 * script registration in step with the permission.
 *
 * Every listener is registered synchronously at the top level (a worker woken by an event
 * must find its listener), the Wasm starts loading at import time, and handlers await it
 * (a top-level await would leave the first messages unanswered; docs/platform.md).
 */
import {ext} from './api.js';
import * as core from './core.js';
import {answersWithoutCors, describeFailure, originPattern, performProbes, watchNetworkErrors} from './detect.js';
import {BACKGROUND_REFRESH, CONTENT_MYST, CONTENT_OPEN, CONTENT_REWRITE, PAGE_DETECT, PAGE_SYNC_ACCESS, checkMessage, isSiteDisabled} from './messages.js';
import {injectInto, syncContentScripts} from './site-access.js';
import {errorMessage, loadSettings, settingsChanged} from './settings.js';
import {MENU_COPY, MENU_OPEN, handleMenuClick, refreshMenus} from './context-menu.js';
import {openBeside} from './tabs.js';

const self = {id: ext.runtime.id, origin: ext.runtime.getURL('').replace(/\/$/, '')};

/** Settings are read once and kept until storage says they changed. */
/** @type {Promise<any> | null} */
let settingsCache = null;
function currentSettings() {
  settingsCache ??= loadSettings().catch((err) => {
    settingsCache = null;
    throw err;
  });
  return settingsCache;
}

ext.runtime.onInstalled.addListener((/** @type {{reason: string}} */ details) => {
  if (details.reason === 'install') {
    ext.runtime.openOptionsPage().catch((/** @type {unknown} */ err) => console.error('byob: opening the options page on install failed', err));
  }
  setUp('installed');
});

ext.runtime.onStartup.addListener(() => setUp('startup'));

ext.permissions.onAdded.addListener(() => {
  syncAccess(true).catch((err) => console.error('byob: registering the content script after a grant failed', err));
});
ext.permissions.onRemoved.addListener(() => {
  // Revoking all-sites access turns automatic mode off: the registration goes with it.
  syncAccess(false).catch((err) => console.error('byob: unregistering the content script after a revocation failed', err));
});

ext.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
  if (!settingsChanged(changes, area)) return;
  settingsCache = null;
  refreshMenusNow();
  broadcastRefresh().catch((err) => console.error('byob: telling tabs about new settings failed', err));
});

// Firefox for Android has no context menus: without this guard the line would throw and no
// listener below it would be registered (docs/firefox-android.md).
ext.contextMenus?.onClicked.addListener((/** @type {any} */ info, /** @type {any} */ tab) => {
  if (info.menuItemId !== MENU_OPEN && info.menuItemId !== MENU_COPY) return;
  currentSettings()
    .then((settings) => handleMenuClick(info, tab, settings))
    .catch((err) => console.error(`byob: context menu ${info.menuItemId} on ${info.linkUrl} failed`, err));
});

ext.runtime.onMessage.addListener((/** @type {unknown} */ message, /** @type {any} */ sender, /** @type {(r: any) => void} */ sendResponse) => {
  const checked = checkMessage(message, sender, self);
  if (!checked.ok) {
    console.warn(`byob: refused a message from ${sender?.url ?? 'an unknown sender'}: ${checked.error}`);
    sendResponse({ok: false, error: checked.error});
    return false;
  }
  handle(checked.message, sender).then(sendResponse, (err) => {
    console.error(`byob: ${checked.message.type} failed`, err);
    sendResponse({ok: false, error: errorMessage(err)});
  });
  return true; // the reply is asynchronous
});

// The link context menu cannot be clicked by a test driver (nor its items listed). This is the
// click handler as the menu calls it, reachable from the service worker's console and the e2e
// tests: `await byobBackground.menuClick({menuItemId: 'byob-open', linkUrl}, tab)`.
/** @type {any} */ (globalThis).byobBackground = Object.freeze({
  menuClick: (/** @type {any} */ info, /** @type {any} */ tab) => currentSettings().then((settings) => handleMenuClick(info, tab, settings)),
});

/** @param {string} why */
function setUp(why) {
  syncContentScripts().catch((err) => console.error(`byob: content script registration (${why}) failed`, err));
  refreshMenusNow();
}

function refreshMenusNow() {
  currentSettings()
    .then(refreshMenus)
    .catch((err) => console.error('byob: updating the context menu failed', err));
}

/**
 * Make the registration match the permission; after a new grant, also run the content script
 * in the tabs already open, so the pages the user is looking at change at once.
 * @param {boolean} added
 */
async function syncAccess(added) {
  const automatic = await syncContentScripts();
  if (added && automatic) {
    const tabs = await ext.tabs.query({url: ['http://*/*', 'https://*/*']});
    await Promise.all(
      tabs.map((/** @type {{id: number, url?: string}} */ tab) =>
        injectInto(tab.id).catch((err) => console.warn(`byob: could not run in the already open tab ${tab.url}`, err)),
      ),
    );
  }
  return automatic;
}

/** Tell every tab's content script (where there is one) to rescan with the new settings. */
async function broadcastRefresh() {
  const tabs = await ext.tabs.query({});
  await Promise.all(
    tabs.map((/** @type {{id?: number}} */ tab) =>
      typeof tab.id === 'number'
        ? ext.tabs.sendMessage(tab.id, {type: BACKGROUND_REFRESH}).catch(() => {
            // Most tabs have no content script (no access, or not a web page): nothing to refresh.
          })
        : undefined,
    ),
  );
}

/**
 * @param {any} message a message that passed checkMessage
 * @param {any} sender
 */
async function handle(message, sender) {
  switch (message.type) {
    case CONTENT_REWRITE:
      return rewriteForPage(message.hrefs, sender, message.refused);
    case CONTENT_OPEN:
      return openForPage(message.href, message.newTab, sender);
    case CONTENT_MYST:
      return mystForPage(message.binder, message.location, sender);
    case PAGE_DETECT:
      return detect(message.input);
    case PAGE_SYNC_ACCESS:
      return {ok: true, automatic: await syncAccess(false)};
    default:
      throw new Error(`no handler for ${message.type}`);
  }
}

/**
 * The host of the page a content script runs in: the tab's top-level page, so turning a site
 * off also covers its frames.
 * @param {any} sender
 */
function pageHost(sender) {
  const url = sender.tab?.url || sender.url || '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * Decide, for the page a content script runs in, whether to rewrite, and how.
 * @param {any} settings
 * @param {any} sender
 */
async function pageTarget(settings, sender) {
  const target = await core.activeTarget(settings);
  if (!target) return {target: null, reason: 'no-hub'};
  if (isSiteDisabled(pageHost(sender), settings.disabledSites ?? [])) return {target: null, reason: 'site-off'};
  return {target, reason: null};
}

/**
 * @param {string[]} hrefs
 * @param {any} sender
 * @param {Record<number, string>} [refused] hrefs the message guard refused, by index: answered
 *   as invalid with that reason, never handed to the core
 */
async function rewriteForPage(hrefs, sender, refused = {}) {
  const settings = await currentSettings();
  const {target, reason} = await pageTarget(settings, sender);
  if (!target) return {ok: true, active: false, reason};
  const rewrites = await core.rewriteBatch(hrefs, target);
  const hidden = settings.mode === 'private';
  return {
    ok: true,
    active: true,
    mode: settings.mode,
    hub: hubName(settings),
    // In private mode the page never learns the user's hub: outputs stay in the background.
    results: rewrites.map((/** @type {any} */ r, /** @type {number} */ i) =>
      i in refused ? {status: 'invalid', output: null, reason: refused[i], warnings: []} : {status: r.status, output: hidden ? null : r.output, reason: r.reason, warnings: r.warnings ?? []},
    ),
  };
}

/**
 * Jupyter Book 2 (MyST) pages have no launch link: the core builds the Binder link the page's
 * own launch form would, and it is rewritten like any other. The page then gets a
 * "Launch on <hub>" link next to its launch button, and (rewrite mode, a BinderHub or a
 * JupyterHub) its launch form gets the hub's URL when the reader opens it. The link is
 * returned even where the extension is inactive, for the popup's list.
 * @param {any} binder
 * @param {string | null} location
 * @param {any} sender
 */
async function mystForPage(binder, location, sender) {
  const link = await core.mystLink(binder, location);
  const settings = await currentSettings();
  const {target, reason} = await pageTarget(settings, sender);
  if (!target) return {ok: true, active: false, reason, link};
  const reply = await rewriteForPage([link], sender);
  if (!reply.active) return {...reply, link};
  const prefill = settings.mode === 'rewrite' && (target.kind === 'binderhub' || target.kind === 'jupyterhub') ? {url: target.url, kind: target.kind} : null;
  return {...reply, link, result: reply.results[0], prefill};
}

/**
 * Private mode: the page kept its original link; the user clicked it; open the converted URL.
 * The URL is computed here again from the original: nothing the page says is opened as is.
 * @param {string} href
 * @param {boolean} newTab
 * @param {any} sender
 */
async function openForPage(href, newTab, sender) {
  const settings = await currentSettings();
  const {target} = await pageTarget(settings, sender);
  if (!target) return {ok: true, opened: false};
  const [rewrite] = await core.rewriteBatch([href], target);
  // Rewritten: the converted URL. Unchanged: the core found the link already on the reader's hub.
  const url = rewrite?.status === 'rewritten' ? rewrite.output : rewrite?.status === 'unchanged' ? href : null;
  if (!url) return {ok: true, opened: false, error: rewrite?.reason ?? null};
  if (newTab) {
    await openBeside(url, sender.tab);
  } else {
    await ext.tabs.update(sender.tab.id, {url});
  }
  return {ok: true, opened: true};
}

/**
 * Detect what the hub the user typed is. Only the URLs the core derives from that input are
 * fetched; pages never reach this handler (checkMessage accepts page:detect from extension
 * pages only).
 * @param {string} input
 */
async function detect(input) {
  const plan = await core.probePlan(input);
  if (plan.known) return {ok: true, detection: plan.known, access: await accessFor(plan.known.url ?? plan.candidates[0]), answersWithoutAccess: false};
  const started = Date.now();
  // The browser's own error codes (TLS, DNS, refused, redirect loop) for these requests: fetch
  // reports every network failure alike.
  const watch = watchNetworkErrors(ext.webRequest, plan.probes.map((/** @type {{url: string}} */ p) => p.url));
  let responses;
  try {
    responses = await performProbes(plan, {networkError: watch.networkError});
  } finally {
    watch.stop();
  }
  const detection = await core.classify(plan, responses);
  const access = await accessFor(detection.url ?? plan.candidates[0]);
  // Nothing recognised and the extension may not read this origin: find out whether the
  // server answered at all, to tell "needs access" from "down". (Some probes may have been
  // read anyway: a BinderHub service's `versions` sends CORS on a hub that does not.)
  let answersWithoutAccess = false;
  if (!access.granted && detection.kind === 'unknown') {
    answersWithoutAccess = (await Promise.all(plan.candidates.map((/** @type {string} */ c) => answersWithoutCors(c)))).some(Boolean);
  }
  const failure = detection.kind === 'unknown' ? describeFailure(responses, detection) : null;
  return {ok: true, detection, access, answersWithoutAccess, failure, ms: Date.now() - started};
}

/** @param {string} url */
async function accessFor(url) {
  const pattern = originPattern(url);
  return {pattern, granted: await ext.permissions.contains({origins: [pattern]})};
}

/** @param {any} settings */
function hubName(settings) {
  const hub = (settings.hubs ?? []).find((/** @type {any} */ h) => h.url === settings.activeHub);
  return hub ? hub.name || new URL(hub.url).host : null;
}
