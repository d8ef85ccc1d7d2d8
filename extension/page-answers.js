// @ts-check
/**
 * What the background answers about links: a content script's batch along its site's route
 * (fallback.js walks it), a MyST page's launch, a private-mode click, the link context menu,
 * and the popup's list of a tab's links. Each takes the background's current state (`now`:
 * settings, routes, hubs as shown; background.js keeps it) and asks nothing else of storage.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {handleMenuClick} from './context-menu.js';
import {siteRoute, walk} from './fallback.js';
import {openBeside} from './tabs.js';

/** @typedef {import('./wake.js').Wake} Current */

/** @param {string} url */
export function hostOf(url) {
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
 * @param {Current} now
 * @param {string[]} hrefs
 * @param {string} host
 * @param {Record<number, string>} [refused] hrefs the message guard refused, by index: answered
 *   as invalid with that reason, never handed to the core
 * @param {boolean} [evenIfOff] on a site turned off, what its links would become (the popup's list)
 */
export async function routed(now, hrefs, host, refused = {}, evenIfOff = false) {
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
 * A content script's batch.
 * @param {Current} now
 * @param {string[]} hrefs
 * @param {any} sender
 * @param {Record<number, string>} refused hrefs the message guard refused
 * @param {() => void} onLaunchLinks called when the batch has launch links (the hubs' checks)
 */
export async function rewriteForPage(now, hrefs, sender, refused, onLaunchLinks) {
  const reply = await routed(now, hrefs, pageHost(sender), refused);
  if (!reply.active) return {ok: true, active: false, reason: reply.reason};
  const results = /** @type {any[]} */ (reply.results);
  if (results.some((r) => r.status !== 'none' && r.status !== 'invalid')) onLaunchLinks();
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
 * @param {Current} now
 * @param {any} binder
 * @param {string | null} location
 * @param {any} sender
 */
export async function mystForPage(now, binder, location, sender) {
  const link = await core.mystLink(binder, location);
  const reply = await routed(now, [link], pageHost(sender));
  if (!reply.active) return {ok: true, active: false, reason: reply.reason, link};
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
 * @param {Current} now
 * @param {string} href
 * @param {boolean} newTab
 * @param {any} sender
 */
export async function openForPage(now, href, newTab, sender) {
  const reply = await routed(now, [href], pageHost(sender));
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
 * @param {Current} now
 * @param {any} info
 * @param {any} tab
 */
export async function menuClick(now, info, tab) {
  const {off, route} = siteRoute(now.routes, hostOf(tab?.url ?? ''));
  // A site turned off still gets the menu: the reader asked for this link explicitly.
  const steps = (off ? now.routes.default : route ?? now.routes.default).steps.filter((s) => !s.down);
  return handleMenuClick(info, tab, {targets: steps.map((s) => s.target)});
}
