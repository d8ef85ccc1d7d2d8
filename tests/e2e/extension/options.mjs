// @ts-check
// Install and the options page, as a new user meets them: no site access at install, a hub typed
// and detected (with CORS, unreachable, without CORS once access is allowed), hubs saved, then
// automatic relaunch on all sites. Leaves the state every later area starts from (common.mjs).
import {expect, expectEqual} from '../lib/suite.mjs';
import {menuHrefs} from './common.mjs';

/** The area's tests, in order: from the install on. @type {import('./common.mjs').Tests} */
export const optionsTests = [
  [
    'install opens the options page; no site access at install',
    async (ctx, s) => {
      const {browser, ui, urls: u} = ctx;
      s.step('wait for the options page the extension opens on install');
      await ui.options();
      s.step('check granted permissions and registered content scripts');
      const perms = await ui.ext((/** @type {any} */ x) => x.permissions.getAll());
      expectEqual(perms.origins, [], 'host permissions at install');
      const scripts = await ui.ext((/** @type {any} */ x) => x.scripting.getRegisteredContentScripts());
      expectEqual(scripts.length, 0, 'registered content scripts at install');
      s.step('the book is left alone without access');
      const page = await browser.open(u.BOOK);
      const hrefs = await menuHrefs(page);
      expectEqual(hrefs.length, 3, 'launch links in the built book');
      expect(hrefs.every((x) => !x?.startsWith(u.HUB6)), `links changed without access: ${hrefs}`);
      await page.close();
    },
  ],
  [
    'options: JupyterHub 6.1.1 is detected with its version and CORS, well under a second',
    async (ctx, s) => {
      s.step('type the hub URL');
      const r = await ctx.ui.detect(ctx.urls.HUB6, 8000);
      expectEqual([r.state, r.kind, r.version], ['done', 'jupyterhub', '6.1.1'], 'detection');
      expect(/JupyterHub 6\.1\.1/.test(r.text) && /CORS on \/hub\/api\//.test(r.text) && !/no CORS/.test(r.text), `message: ${r.text}`);
      expect(r.ms < 1000, `detection took ${r.ms} ms (including the 250 ms typing pause)`);
    },
  ],
  [
    'options: an unreachable URL gives the error message',
    async (ctx, s) => {
      s.step('type a URL where nothing listens');
      const r = await ctx.ui.detect(ctx.urls.UNUSED, 8000);
      expectEqual(r.kind, 'unknown', 'kind');
      expect(/could not reach/i.test(r.text), `message: ${r.text}`);
    },
  ],
  [
    'options: a JupyterHub 5.2.1 without CORS is detected after allowing access to it',
    async (ctx, s) => {
      const {browser, ui, urls: u} = ctx;
      s.step('type the 5.2.1 hub: without access it answers but cannot be read');
      const r = await ui.detect(u.HUB52, 8000);
      expectEqual(r.state, 'needs-access', 'state before access');
      s.step('click "Allow access and check"');
      await browser.preApprove(['http://127.0.0.1/*']);
      const options = await ui.options();
      await options.click('#allow-check');
      const done = await options.waitFor(
        () => {
          const box = /** @type {HTMLElement} */ (document.getElementById('detect-result'));
          return box.dataset.state === 'done' ? {kind: box.dataset.kind, version: box.dataset.version, text: box.textContent} : null;
        },
        [],
        {what: 'the detection with access'},
      );
      expectEqual([done.kind, done.version], ['jupyterhub', '5.2.1'], 'detection with access');
      expect(/no CORS/.test(done.text), `message: ${done.text}`);
      const perms = await ui.ext((/** @type {any} */ x) => x.permissions.getAll());
      expectEqual(perms.origins, ['http://127.0.0.1/*'], 'granted origins (that hub only)');
    },
  ],
  [
    'options: save several hubs; the last saved is the hub in use (first)',
    async (ctx, s) => {
      const {ui, urls: u} = ctx;
      for (const hub of [u.BINDER, u.HUB6]) {
        s.step(`save ${hub}`);
        await ui.detect(hub, 8000);
        expectEqual(await ui.saveHub(), hub, 'the hub saved (and active)');
        const options = await ui.options();
        await options.waitFor((/** @type {string} */ url) => !!document.querySelector(`#hub-list li[data-url="${url}"]`), [hub], {what: `${hub} in the saved hubs`});
      }
      const saved = await ui.settings();
      expectEqual(
        saved.hubs.map((/** @type {any} */ hub) => [hub.url, hub.kind]),
        [
          [u.HUB6, 'jupyterhub'],
          [u.BINDER, 'binderhub'],
        ],
        'stored hubs, the last saved first (in use)',
      );
      expectEqual(saved.hubs[0].version, '6.1.1', 'stored version');
    },
  ],
  [
    'allow on all sites registers the content script and relaunches open tabs',
    async (ctx, s) => {
      const {browser, ui, urls: u} = ctx;
      s.step('open the book before granting');
      ctx.tabs.book = await browser.open(u.BOOK);
      s.step('click "Allow on all sites"');
      await ui.allowAllSites();
      const scripts = await ui.ext((/** @type {any} */ x) => x.scripting.getRegisteredContentScripts());
      expectEqual(scripts.map((/** @type {any} */ x) => x.id), ['byob-content'], 'registered content scripts');
      s.step('the already open book tab is relaunched');
      await ctx.tabs.book.waitFor(
        (/** @type {string} */ hub) => [...document.querySelectorAll('.dropdown-launch-buttons a')].every((a) => a.getAttribute('href')?.startsWith(hub)),
        [u.HUB6],
        {what: 'the open tab relaunched'},
      );
    },
  ],
];
