// @ts-check
// What the extension suite's areas share: the pages they browse, the state most of them start
// from, and the tabs one area leaves for the next.
import {ExtensionUi} from '../lib/extension-ui.mjs';

/**
 * The suite of one browser (lib/suite.mjs), with what extension.test.mjs adds: the sites' URLs,
 * the ports of the test servers, the extension's pages (`ui`), the tabs areas share.
 * @typedef {import('../lib/suite.mjs').Suite & {
 *   ports: Record<string, string>, urls: ReturnType<typeof urls>, myst: string,
 *   hostile: {url: string, evil: string}, ui: ExtensionUi, tabs: Record<string, import('../lib/driver.mjs').Page>,
 *   screenshotDir: string,
 * }} Ctx
 */

/**
 * An area's tests, in order: a title and what the test does; `only` names the one browser a
 * test runs in (where a driver cannot do what it needs: lib/driver.mjs); `skip` says why a test
 * cannot run on this machine (reported skipped, never passed).
 * @typedef {[string, (ctx: Ctx, s: import('../lib/suite.mjs').Steps) => Promise<void>, {only?: 'chromium' | 'firefox', skip?: string}?][]} Tests
 */

/** Tabs an area leaves open for the areas after it; any other an area opens is closed when it ends. */
export const SHARED_TABS = ['book', 'badges'];

/**
 * What most tests start from: the browser, the extension's pages (the options page ready, `ext`
 * to reach the extension's API from it), the sites' URLs.
 * @param {Ctx} ctx
 */
export async function env(ctx) {
  const options = await ctx.ui.options();
  return {...ctx.urls, browser: ctx.browser, ui: ctx.ui, options, ext: (/** @type {Function} */ fn, /** @type {any[]} */ ...args) => ctx.ui.ext(fn, ...args)};
}

/**
 * @param {string} site the test site (lib/site.mjs)
 * @param {Record<string, string>} ports
 */
export function urls(site, ports) {
  return {
    site,
    HUB6: ports.HUB6_URL,
    HUB52: ports.HUB52_URL,
    BINDER: ports.BINDER_URL,
    UNUSED: ports.UNUSED_URL,
    BOOK: `${site}book/analysis.html`,
    BADGES: `${site}pages/badges.html`,
    STRICT: `${site}strict/badges.html`,
    LATE: `${site}pages/late.html`,
  };
}

/**
 * The tab `name` an earlier test left open at `url`, or a new one there (an area run alone).
 * @param {Ctx} ctx
 * @param {string} name
 * @param {string} url
 */
export async function tab(ctx, name, url) {
  ctx.tabs[name] ??= await ctx.browser.open(url);
  return ctx.tabs[name];
}

/**
 * The state the install-and-options area leaves, and every later area starts from: the
 * BinderHub stand-in and JupyterHub 6.1.1 saved (6.1.1 first, in use), rewrite mode, no site
 * turned off or sent to a hub of its own, automatic relaunch on all sites. Nothing to do after the areas before ran as they should.
 * @param {Ctx} ctx
 */
export async function ensureReady(ctx) {
  const {ui, urls: u} = ctx;
  await ui.ensureHubs(
    [
      {input: u.BINDER, url: u.BINDER},
      {input: u.HUB6, url: u.HUB6},
    ],
    u.HUB6,
  );
  await ui.setMode('rewrite');
  if ((await ui.settings()).siteHubs?.length) {
    await ui.ext(async (/** @type {any} */ x) => {
      const s = (await x.storage.sync.get('settings.v2'))['settings.v2'];
      await x.storage.sync.set({'settings.v2': {...s, siteHubs: []}});
    });
    await ui.waitSettings((s) => s.siteHubs.length === 0, null, 'no site sent to a hub of its own');
  }
  if ((await ui.settings()).disabledSites?.length) {
    const options = await ui.options();
    await options.evaluate(() => {
      /** @type {HTMLTextAreaElement} */ (document.getElementById('disabled-sites')).value = '';
    });
    await options.click('#disabled-sites-save');
    await ui.waitSettings((s) => s.disabledSites.length === 0, null, 'no site turned off');
  }
  await ui.allowAllSites();
}

/** The Jupyter Book 1 launch menu's hrefs. @param {import('../lib/driver.mjs').Page} page */
export const menuHrefs = (page) => page.evaluate(() => [...document.querySelectorAll('.dropdown-launch-buttons a')].map((a) => a.getAttribute('href')));
