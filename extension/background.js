// @ts-check
/**
 * The background: Chrome's service worker (bundled into a classic script, which
 * background-start.js imports), Firefox's module event page (bundled). It keeps the state
 * links are answered from (the settings, the routes and the hubs as shown: the wake record,
 * wake.js), registers every listener and sends each message to what answers it: links
 * (page-answers.js: a page's batch along its site's route, a MyST page's launch, a click in
 * private mode, the context menu, the popup's list), the hubs' checks (health-schedule.js),
 * detection for the options page (detect-answer.js); it keeps the all-sites content script
 * registration in step with the permission, and tells the tabs when the settings, the policy
 * or the hubs' health change where links go.
 *
 * Every listener is registered synchronously at the top level (a worker woken by an event
 * must find its listener), the Wasm starts loading at import time, and handlers await it
 * (a top-level await would leave the first messages unanswered; docs/platform.md).
 */
import {ext} from './api.js';
import * as core from './core.js';
import {detect} from './detect-answer.js';
import {healthChanged} from './health.js';
import {HEALTH_ALARM, checkNow, healthFor, onHealthAlarm, pageWithLinks} from './health-schedule.js';
import {hostOf, menuClick, mystForPage, openForPage, rewriteForPage, routed} from './page-answers.js';
import {BACKGROUND_REFRESH, CONTENT_MYST, CONTENT_OPEN, CONTENT_REWRITE, PAGE_DETECT, PAGE_HEALTH, PAGE_REWRITE, PAGE_SYNC_ACCESS, checkMessage} from './protocol.js';
import {injectInto, syncContentScripts} from './site-access.js';
import {errorMessage, settingsChanged} from './settings.js';
import {keptState, wakeState} from './wake.js';
import {MENU_COPY, MENU_OPEN, refreshMenus} from './context-menu.js';


const self = {id: ext.runtime.id, origin: ext.runtime.getURL('').replace(/\/$/, '')};

/**
 * When this worker's wake went where (ms since the worker started, `performance.now()`): the
 * module evaluated (its top-level code ended: every listener registered), the settings read,
 * the hot module ready, the first message received and answered. Read by `make bench-ext`
 * through `byobBackground.wake()`; nothing else uses it.
 * @type {Record<string, number>}
 */
const wakeTimes = {};

/**
 * The settings and what the core makes of them with the hubs' health: where links go (the
 * routes, each hub's target with its `wire` for the hot module), the saved hubs as shown, and
 * the hub links of pages without a choice of their own go to. Read once and kept until storage
 * says the settings, the policy or the health changed. They come ready from the wake record
 * (wake.js): a worker woken by a page makes no call into the cold module on the way to its
 * first answer.
 * @typedef {import('./wake.js').Wake} Current
 * @type {Promise<Current> | null}
 */
let cache = null;
/** @returns {Promise<Current>} */
function current() {
  cache ??= settle(wakeState());
  return cache;
}
/**
 * A state promise as `cache` keeps it: forgotten when it fails, so the next use reads again.
 * @param {Promise<Current>} state
 */
function settle(state) {
  const kept = state.catch((err) => {
    if (cache === kept) cache = null;
    throw err;
  });
  return kept;
}

/**
 * The record this wake answers from before its sources were read, until they are
 * (`checkKept`); null once checked, or when the state was read with its sources.
 * @type {Current | null}
 */
let unchecked = null;
/** When a wake with no message to answer checks the record anyway (ms after it was read). */
const CHECK_KEPT_MS = 20;

// At wake: the record alone, one storage read alongside the hot module's compilation, so the
// page's first batch, which woke the worker, finds it ready. Sent now, while this script is
// still registering the listeners below: sent in the task after it, the read was still in
// flight when the browser came to hand the worker its first event, which came about half a
// millisecond later (docs/benchmarks.md, "wake in Chrome: what else was tried (ninth round)").
// Its sources are read once the first answer is sent (`checkKept`): the record is kept current
// by the events that change them, and a change missed while no worker ran is caught there.
const waking = settle(
  keptState().then((kept) => {
    if (!kept) return wakeState(); // no record yet (a first run, a new version): computed and stored
    // Unless a storage event already replaced it with a state read with its sources.
    if (cache === waking) {
      unchecked = kept;
      setTimeout(checkKept, CHECK_KEPT_MS);
    }
    return kept;
  }),
);
cache = waking;
waking.then(
  () => (wakeTimes.settings = performance.now()),
  (err) => console.error('byob: reading the settings at wake failed', err),
);
core.ready().then(
  () => (wakeTimes.hot = performance.now()),
  () => {}, // core.js logs a module that could not be loaded
);

/**
 * Check the record this wake answered from against its sources (once). When they changed while
 * no worker ran, the fresh state (computed and stored by `wakeState`) replaces it, and every
 * tab is told to ask again, so a page answered from the stale record is corrected at once.
 */
function checkKept() {
  const kept = unchecked;
  if (!kept) return;
  unchecked = null;
  wakeState().then(
    (fresh) => {
      // Unchanged; or a storage event replaced the state meanwhile (and told the tabs itself).
      if (fresh.source === kept.source || cache !== waking) return;
      cache = Promise.resolve(fresh);
      refreshMenusNow();
      return broadcastRefresh();
    },
    (err) => console.error('byob: checking the wake record against the settings failed', err),
  ).catch((err) => console.error('byob: telling tabs about the settings read at wake failed', err));
}

ext.runtime.onInstalled.addListener((/** @type {{reason: string}} */ details) => {
  if (details.reason === 'install') {
    ext.runtime.openOptionsPage().catch((/** @type {unknown} */ err) => console.error('byob: opening the options page on install failed', err));
  }
  setUp('installed');
});

ext.runtime.onStartup.addListener(() => {
  setUp('startup');
  checkNow(current, 'startup');
});

ext.permissions.onAdded.addListener(() => {
  syncAccess(true).catch((err) => console.error('byob: registering the content script after a grant failed', err));
});
ext.permissions.onRemoved.addListener(() => {
  // Revoking all-sites access turns automatic mode off: the registration goes with it.
  syncAccess(false).catch((err) => console.error('byob: unregistering the content script after a revocation failed', err));
});

ext.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
  if (settingsChanged(changes, area)) {
    cache = null;
    unchecked = null; // read again with its sources, and every tab told below
    refreshMenusNow();
    broadcastRefresh().catch((err) => console.error('byob: telling tabs about new settings failed', err));
  } else if (healthChanged(changes, area)) {
    followHealth().catch((err) => console.error('byob: following a change of the hubs\' health failed', err));
  }
});

ext.alarms?.onAlarm.addListener((/** @type {{name: string}} */ alarm) => {
  if (alarm.name !== HEALTH_ALARM) return;
  onHealthAlarm(current).catch((err) => console.error('byob: the periodic hub check failed', err));
});

// Firefox for Android has no context menus: without this guard the line would throw and no
// listener below it would be registered (docs/firefox-android.md).
ext.contextMenus?.onClicked.addListener((/** @type {any} */ info, /** @type {any} */ tab) => {
  if (info.menuItemId !== MENU_OPEN && info.menuItemId !== MENU_COPY) return;
  current()
    .then((now) => menuClick(now, info, tab))
    .catch((err) => console.error(`byob: context menu ${info.menuItemId} on ${info.linkUrl} failed`, err));
});

ext.runtime.onMessage.addListener((/** @type {unknown} */ message, /** @type {any} */ sender, /** @type {(r: any) => void} */ sendResponse) => {
  wakeTimes.message ??= performance.now();
  const checked = checkMessage(message, sender, self);
  if (!checked.ok) {
    console.warn(`byob: refused a message from ${sender?.url ?? 'an unknown sender'}: ${checked.error}`);
    sendResponse({ok: false, error: checked.error});
    return false;
  }
  handle(checked.message, sender).then((reply) => {
    wakeTimes.answered ??= performance.now();
    sendResponse(reply);
    // The first answer is sent: now read the record's sources.
    if (unchecked) setTimeout(checkKept, 0);
  }, (err) => {
    console.error(`byob: ${checked.message.type} failed`, err);
    sendResponse({ok: false, error: errorMessage(err)});
  });
  return true; // the reply is asynchronous
});

// The link context menu cannot be clicked by a test driver (nor its items listed), and an
// alarm cannot be made to ring. These are the handlers as the browser calls them, reachable
// from the service worker's console and the e2e tests:
// `await byobBackground.menuClick({menuItemId: 'byob-open', linkUrl}, tab)`,
// `await byobBackground.healthAlarm()`.
// `coreStatus()` says which Wasm modules this worker instantiated (core.js `status`): a worker
// woken by a page should have made the hot one only (`make bench-ext` checks it).
/** @type {any} */ (globalThis).byobBackground = Object.freeze({
  menuClick: (/** @type {any} */ info, /** @type {any} */ tab) => current().then((now) => menuClick(now, info, tab)),
  healthAlarm: () => onHealthAlarm(current),
  coreStatus: () => core.status(),
  wake: () => ({...wakeTimes}),
});

// The last top-level statement: every listener is registered.
wakeTimes.evaluated = performance.now();

/** @param {string} why */
function setUp(why) {
  syncContentScripts().catch((err) => console.error(`byob: content script registration (${why}) failed`, err));
  refreshMenusNow();
}

function refreshMenusNow() {
  current()
    .then((now) => refreshMenus(now.hub))
    .catch((err) => console.error('byob: updating the context menu failed', err));
}

/**
 * The hubs' health changed: read the routes again, and when links now go elsewhere, tell every
 * tab (their content scripts ask again) and rename the context menu.
 */
async function followHealth() {
  // Forgotten at once, so that no answer given while the old state is awaited comes from it.
  const previous = cache;
  cache = null;
  unchecked = null; // read again with its sources; the tabs are told below if links moved
  const before = previous ? await previous.catch(() => null) : null;
  const now = await current();
  if (before && JSON.stringify(before.routes) === JSON.stringify(now.routes)) return;
  refreshMenusNow();
  await broadcastRefresh();
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
  tellPages();
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

/** Tell the extension's own pages that are open (the popup) to ask for their links again. */
function tellPages() {
  if (typeof ext.runtime.sendMessage !== 'function') return; // no pages to tell (a worker's test double)
  ext.runtime.sendMessage({type: BACKGROUND_REFRESH}).catch(() => {
    // No extension page open, or one that does not answer: nothing to refresh.
  });
}

/**
 * @param {any} message a message that passed checkMessage
 * @param {any} sender
 */
async function handle(message, sender) {
  switch (message.type) {
    case CONTENT_REWRITE:
      return rewriteForPage(await current(), message.hrefs, sender, message.refused ?? {}, () => pageWithLinks(current));
    case CONTENT_OPEN:
      return openForPage(await current(), message.href, message.newTab, sender);
    case CONTENT_MYST:
      return mystForPage(await current(), message.binder, message.location, sender);
    case PAGE_DETECT:
      return detect(message.input);
    case PAGE_SYNC_ACCESS:
      return {ok: true, automatic: await syncAccess(false)};
    case PAGE_HEALTH:
      // The stored settings, read afresh: the storage event of a change the page has just made
      // (a hub saved) may not have reached this worker yet.
      return healthFor(wakeState, message.check, message.all);
    case PAGE_REWRITE:
      // The popup lists what a tab's links become, also on a site turned off (`off`).
      return {ok: true, ...(await routed(await current(), message.hrefs, hostOf(message.url), message.refused, true))};
    default:
      throw new Error(`no handler for ${message.type}`);
  }
}

