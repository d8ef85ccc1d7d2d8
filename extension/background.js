// @ts-check
/**
 * The background: Chrome module service worker, Firefox module event page. It holds the Wasm
 * core (through core.js), answers the content scripts' batched rewrite requests along the
 * route the core decides for their site (fallback.js), checks the saved hubs' health
 * (health.js), performs hub detection for the options page, owns the link context menu and
 * keeps the all-sites content script registration in step with the permission.
 *
 * Every listener is registered synchronously at the top level (a worker woken by an event
 * must find its listener), the Wasm starts loading at import time, and handlers await it
 * (a top-level await would leave the first messages unanswered; docs/platform.md).
 *
 * Health is checked when the browser starts, when the popup or the options page opens, and
 * while pages with launch links are open, by an alarm (a worker that sleeps keeps no timer):
 * the alarm is set when a page's links are answered and cleared when it rings and no open
 * tab has launch links left. When a check changes where links go, every tab is told, and its
 * content script asks again.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {siteRoute, walk} from './fallback.js';
import {checkHubs, healthChanged, readHealth} from './health.js';
import {answersWithoutCors, originPattern, performProbes, watchNetworkErrors} from './probe-runner.js';
import {BACKGROUND_COUNT, BACKGROUND_REFRESH, CONTENT_MYST, CONTENT_OPEN, CONTENT_REWRITE, PAGE_DETECT, PAGE_HEALTH, PAGE_REWRITE, PAGE_SYNC_ACCESS, checkMessage} from './protocol.js';
import {injectInto, syncContentScripts} from './site-access.js';
import {errorMessage, settingsChanged} from './settings.js';
import {keptState, wakeState} from './wake.js';
import {MENU_COPY, MENU_OPEN, handleMenuClick, refreshMenus} from './context-menu.js';
import {openBeside} from './tabs.js';

const self = {id: ext.runtime.id, origin: ext.runtime.getURL('').replace(/\/$/, '')};

/** The alarm that checks the hubs while pages with launch links are open. */
export const HEALTH_ALARM = 'byob-health';

/**
 * When this worker's wake went where (ms since the worker started, `performance.now()`): the
 * module evaluated, the settings read, the hot module ready, the first message received and
 * answered. Read by `make bench-ext` through `byobBackground.wake()`; nothing else uses it.
 * @type {Record<string, number>}
 */
const wakeTimes = {evaluated: performance.now()};

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
// page's first batch, which woke the worker, finds it ready. Read in a task after this
// module's evaluation (as core.js starts the hot module): the listeners below are registered
// first, and the browser hands the worker its first event only once they are. Its sources are
// read once the first answer is sent (`checkKept`): the record is kept current by the events
// that change them, and a change missed while no worker ran is caught there.
const waking = settle(
  core.afterEvaluation().then(keptState).then((kept) => {
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
  checkNow('startup');
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
  onHealthAlarm().catch((err) => console.error('byob: the periodic hub check failed', err));
});

// Firefox for Android has no context menus: without this guard the line would throw and no
// listener below it would be registered (docs/firefox-android.md).
ext.contextMenus?.onClicked.addListener((/** @type {any} */ info, /** @type {any} */ tab) => {
  if (info.menuItemId !== MENU_OPEN && info.menuItemId !== MENU_COPY) return;
  menuClick(info, tab).catch((err) => console.error(`byob: context menu ${info.menuItemId} on ${info.linkUrl} failed`, err));
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
  menuClick: (/** @type {any} */ info, /** @type {any} */ tab) => menuClick(info, tab),
  healthAlarm: () => onHealthAlarm(),
  coreStatus: () => core.status(),
  wake: () => ({...wakeTimes}),
});

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
 * Check the hubs due for `why`, in the background of whatever asked (a check ends within its
 * deadline; what it finds arrives as a storage change, `followHealth`).
 * @param {'startup' | 'opened' | 'pages'} why
 */
function checkNow(why) {
  return current()
    .then((now) => checkHubs(now.settings, why))
    .catch((err) => {
      console.error(`byob: checking the hubs (${why}) failed`, err);
      return null;
    });
}

/**
 * The hubs' health changed: read the routes again, and when links now go elsewhere, tell every
 * tab (their content scripts ask again) and rename the context menu.
 */
async function followHealth() {
  const before = cache ? await cache.catch(() => null) : null;
  cache = null;
  unchecked = null; // read again with its sources; the tabs are told below if links moved
  const now = await current();
  if (before && JSON.stringify(before.routes) === JSON.stringify(now.routes)) return;
  refreshMenusNow();
  await broadcastRefresh();
}

/** The alarm rang: check the hubs while a tab has launch links; else stop ringing. */
async function onHealthAlarm() {
  if ((await launchLinksOpen()) === 0) {
    await ext.alarms?.clear(HEALTH_ALARM);
    return;
  }
  await checkNow('pages');
}

/** When this worker last looked at the hubs for a page with launch links (ms). */
let pagesLookedAt = -Infinity;

/**
 * A page with launch links is open: keep the hubs checked while it is (the alarm). When the
 * alarm was not set (no page had launch links: a page opened after a long idle), set it and
 * check now the hubs whose last check is older than its period. Looked at once a minute at
 * most: pages send many batches. While the alarm is set, a worker woken by a page leaves the
 * checks to it, so its first answers need nothing of the cold module (wake.js).
 */
function pageWithLinks() {
  if (Date.now() - pagesLookedAt < 60_000) return;
  pagesLookedAt = Date.now();
  keepChecking().then(
    (set) => {
      if (set) checkNow('pages');
    },
    (err) => console.warn('byob: setting the hub check alarm failed', err),
  );
}

/**
 * Set the alarm unless it is set.
 * @returns {Promise<boolean>} whether it was set now (or there are no alarms: check anyway)
 */
async function keepChecking() {
  if (!ext.alarms) return true;
  if (await ext.alarms.get(HEALTH_ALARM)) return false;
  const {checkEveryMinutes} = await core.healthPolicy();
  await ext.alarms.create(HEALTH_ALARM, {delayInMinutes: checkEveryMinutes, periodInMinutes: checkEveryMinutes});
  return true;
}

/** How many launch links the open tabs' content scripts have (tabs without one count none). */
async function launchLinksOpen() {
  const tabs = await ext.tabs.query({});
  const counts = await Promise.all(
    tabs.map((/** @type {{id?: number}} */ tab) =>
      typeof tab.id === 'number'
        ? ext.tabs.sendMessage(tab.id, {type: BACKGROUND_COUNT}).then(
            (/** @type {any} */ reply) => (typeof reply?.links === 'number' ? reply.links : 0),
            () => 0, // no content script in this tab (no access, or not a web page)
          )
        : 0,
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
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
    case PAGE_HEALTH:
      return healthFor(message.check);
    case PAGE_REWRITE:
      // The popup lists what a tab's links become, also on a site turned off (`off`).
      return {ok: true, ...(await routed(message.hrefs, hostOf(message.url), message.refused, true))};
    default:
      throw new Error(`no handler for ${message.type}`);
  }
}

/** @param {string} url */
function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return ''; // not a URL: no site matches, the default route applies
  }
}

/**
 * The host of the page a content script runs in: the tab's top-level page, so turning a site
 * off also covers its frames.
 * @param {any} sender
 */
function pageHost(sender) {
  return hostOf(sender.tab?.url || sender.url || '');
}

/** The reader's strings, for the reasons a link went past a hub. @param {string} key @param {string[]} [subs] */
function t(key, subs) {
  return ext.i18n.getMessage(key, subs) || key;
}

/**
 * What `hrefs` become on a page of `host`: the route of its site walked for them. Inactive
 * (`active: false`) when no saved hub can launch (`no-hub`) or the reader turned the site off
 * (`site-off`).
 * @param {string[]} hrefs
 * @param {string} host
 * @param {Record<number, string>} [refused] hrefs the message guard refused, by index: answered
 *   as invalid with that reason, never handed to the core
 * @param {boolean} [evenIfOff] on a site turned off, what its links would become (the popup's list)
 */
async function routed(hrefs, host, refused = {}, evenIfOff = false) {
  const now = await current();
  const choice = siteRoute(now.routes, host);
  const {site, off} = choice;
  if (off && !evenIfOff) return {active: false, reason: 'site-off', site};
  const route = off ? now.routes.default : choice.route;
  if (!route || route.steps.length === 0) return {active: false, reason: 'no-hub', site};
  const {results, hub} = await walk(hrefs, route, core.rewriteBatch, t);
  return {
    active: true,
    off,
    mode: now.settings.mode,
    site,
    hub: hub?.name ?? null,
    hubUrl: hub?.url ?? null,
    results: results.map((r, i) => (i in refused ? {status: 'invalid', output: null, reason: refused[i], warnings: [], fallback: []} : r)),
  };
}

/**
 * @param {string[]} hrefs
 * @param {any} sender
 * @param {Record<number, string>} [refused] hrefs the message guard refused
 */
async function rewriteForPage(hrefs, sender, refused = {}) {
  const reply = await routed(hrefs, pageHost(sender), refused);
  if (!reply.active) return {ok: true, active: false, reason: reply.reason};
  const results = /** @type {any[]} */ (reply.results);
  if (results.some((r) => r.status !== 'none' && r.status !== 'invalid')) pageWithLinks();
  // In private mode the page never learns the user's hub: outputs and hubs stay here.
  const hidden = reply.mode === 'private';
  return {
    ok: true,
    active: true,
    mode: reply.mode,
    hub: reply.hub,
    results: results.map((r) =>
      hidden ? {status: r.status, output: null, reason: r.reason, warnings: r.warnings, fallback: []} : {status: r.status, output: r.output, reason: r.reason, warnings: r.warnings, hub: r.hub, fallback: r.fallback ?? []},
    ),
  };
}

/**
 * Jupyter Book 2 (MyST) pages have no launch link: the core builds the Binder link the page's
 * own launch form would, and it is rewritten like any other. The page then gets a
 * "Launch on <hub>" link next to its launch button, and (rewrite mode, a hub the form has a
 * tab for) its launch form gets the URL of the hub the link goes to when the reader opens it.
 * The link is returned even where the extension is inactive, for the popup's list.
 * @param {any} binder
 * @param {string | null} location
 * @param {any} sender
 */
async function mystForPage(binder, location, sender) {
  const link = await core.mystLink(binder, location);
  const reply = await routed([link], pageHost(sender));
  if (!reply.active) return {ok: true, active: false, reason: reply.reason, link};
  const now = await current();
  const [result] = /** @type {any[]} */ (reply.results);
  const hidden = reply.mode === 'private';
  const view = now.views.get(result.hubUrl ?? reply.hubUrl);
  const prefill = !hidden && view?.mystTab ? {url: view.url, tab: view.mystTab} : null;
  return {
    ok: true,
    active: true,
    mode: reply.mode,
    // The button names the hub this page's launch goes to.
    hub: result.hub ?? reply.hub,
    link,
    result: hidden ? {status: result.status, output: null, reason: result.reason, warnings: result.warnings, fallback: []} : {status: result.status, output: result.output, reason: result.reason, warnings: result.warnings, hub: result.hub, fallback: result.fallback ?? []},
    prefill,
  };
}

/**
 * Private mode: the page kept its original link; the user clicked it; open the converted URL.
 * The URL is computed here again from the original: nothing the page says is opened as is.
 * @param {string} href
 * @param {boolean} newTab
 * @param {any} sender
 */
async function openForPage(href, newTab, sender) {
  const reply = await routed([href], pageHost(sender));
  if (!reply.active) return {ok: true, opened: false};
  const [rewrite] = /** @type {any[]} */ (reply.results);
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
 * The link context menu, along the route of the page it was opened on: the first hub that is
 * up and takes the link.
 * @param {any} info
 * @param {any} tab
 */
async function menuClick(info, tab) {
  const now = await current();
  const {off, route} = siteRoute(now.routes, hostOf(tab?.url ?? ''));
  // A site turned off still gets the menu: the reader asked for this link explicitly.
  const steps = (off ? now.routes.default : route ?? now.routes.default).steps.filter((s) => !s.down);
  return handleMenuClick(info, tab, {targets: steps.map((s) => s.target)});
}

/**
 * The hubs' health, checked first (those due: not checked in the last few seconds) when the
 * popup or the options page asks.
 * @param {boolean} check
 */
async function healthFor(check) {
  const health = check ? await checkNow('opened') : null;
  return {ok: true, health: health ?? (await readHealth())};
}

/**
 * Detect what the hub the user typed is. Only the URLs the core derives from that input are
 * fetched; pages never reach this handler (checkMessage accepts page:detect from extension
 * pages only). The detection's message (the core's sentence, also for a hub that cannot be
 * reached) is what the reader sees.
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
  return {ok: true, detection, access, answersWithoutAccess, ms: Date.now() - started};
}

/** @param {string} url */
async function accessFor(url) {
  const pattern = originPattern(url);
  return {pattern, granted: await ext.permissions.contains({origins: [pattern]})};
}
