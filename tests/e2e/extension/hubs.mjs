// @ts-check
// Several hubs (issue 12 parts 1–3) with the real JupyterHubs and the BinderHub stand-in: each
// hub's health in the options page and the popup; the order changed from the keyboard; a hub
// stopped in the middle of the test (JupyterHub 6.1.1, only its own processes:
// tests/servers/servers.py stop hub6), the open book page's links moving to the next hub with the
// reason in the tooltip and the popup, and back when it returns; a site sent to a hub of its own
// from the popup, listed and removed in the options page; a book's own BinderHub (JupyterHub
// 5.2.1's full BinderHub service) offered by the popup, saved in one click and used on its site.
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {sleep} from '../lib/driver.mjs';
import {serversDir} from '../lib/servers.mjs';
import {expect, expectEqual} from '../lib/suite.mjs';
import {env, tab} from './common.mjs';

const SERVERS = path.join(serversDir, 'servers.py');
/**
 * Whether every link of the book page's launch menu goes to `hub` (run in the page).
 * @param {string} hub
 */
const menuOn = (hub) => {
  const hrefs = [...document.querySelectorAll('.dropdown-launch-buttons a')].map((a) => a.getAttribute('href') ?? '');
  return hrefs.length > 0 && hrefs.every((h) => h.startsWith(hub));
};

/**
 * The popup's account of the hubs and the tab's links, once it listed them.
 * @param {import('../lib/driver.mjs').Page} popup
 */
function popupShown(popup) {
  return popup.waitFor(
    () =>
      document.body.dataset.links && {
        hubs: Object.fromEntries([...document.querySelectorAll('#hub-health li')].map((li) => [/** @type {HTMLElement} */ (li).dataset.url, [/** @type {HTMLElement} */ (li).dataset.state, li.textContent]])),
        links: [...document.querySelectorAll('#links li')].map((li) => ({status: /** @type {HTMLElement} */ (li).dataset.status, hub: /** @type {HTMLElement} */ (li).dataset.hub ?? null, fallback: li.querySelector('.fallback')?.textContent ?? null})),
      },
    [],
    {what: 'the popup\'s list'},
  );
}

/**
 * Wait until the hubs' last check is at least `ms` old (a check younger is not repeated when a
 * page opens: src/health.rs FRESH_MS).
 * @param {(fn: Function, ...args: any[]) => Promise<any>} ext
 * @param {number} ms
 */
async function checksOlderThan(ext, ms) {
  const last = await ext(async (/** @type {any} */ x) => Math.max(0, ...Object.values((await x.storage.session.get('health.v1'))['health.v1'] ?? {}).map((/** @type {any} */ h) => h.checkedAt)));
  const wait = last + ms - Date.now();
  if (wait > 0) await sleep(wait);
}

/**
 * No site sent to a hub of its own (what a test that failed half-way may leave behind).
 * @param {import('../lib/extension-ui.mjs').ExtensionUi} ui
 */
async function noSiteHubs(ui) {
  if (!(await ui.settings()).siteHubs?.length) return;
  await ui.ext(async (/** @type {any} */ x) => {
    const s = (await x.storage.sync.get('settings.v2'))['settings.v2'];
    await x.storage.sync.set({'settings.v2': {...s, siteHubs: []}});
  });
  await ui.waitSettings((s) => s.siteHubs.length === 0, null, 'no site sent to a hub of its own');
}

/** @param {'start' | 'stop'} what @param {string} name */
function server(what, name) {
  execFileSync('python3', [SERVERS, what, name], {stdio: 'inherit'});
}

/** The area's tests, in order. @type {import('./common.mjs').Tests} */
export const hubsTests = [
  [
    'several hubs: the options page shows each hub\'s health; the order changes from the keyboard',
    async (ctx, s) => {
      const {ui, options, HUB6, BINDER} = await env(ctx);
      s.step('each saved hub up, with when it was checked (checked as the page opened, or now)');
      await options.bringToFront();
      await ui.ext((/** @type {any} */ x) => x.runtime.sendMessage({type: 'page:health', check: true}));
      const states = await options.waitFor(
        (urls) => {
          const got = urls.map((u) => document.querySelector(`#hub-list li[data-url="${u}"]`));
          return got.every((li) => li?.dataset.state === 'up') && got.map((li) => li.querySelector('.health').textContent);
        },
        [[HUB6, BINDER]],
        {what: 'both hubs up'},
      );
      for (const text of states) expect(/^up · checked /.test(text), `health line: ${text}`);
      s.step('screenshot the saved hubs');
      await options.screenshotElement('#hub-list', path.join(ctx.screenshotDir, 'options-hubs.png'));
      try {
        s.step('move the BinderHub up with the keyboard (Move up, Enter): it is used first');
        await options.evaluate((url) => /** @type {HTMLElement} */ (document.querySelector(`#hub-list li[data-url="${url}"] button[data-move="up"]`)).focus(), BINDER);
        await options.press('Enter');
        await ui.waitSettings((st, url) => st.hubs[0].url === url, BINDER, 'the BinderHub first');
        // At the top its "Move up" is disabled: the focus is on its "Move down", where Enter moves it back.
        const focused = await options.waitFor(() => document.activeElement?.closest('li') && [document.activeElement.closest('li').dataset.url, /** @type {HTMLElement} */ (document.activeElement).dataset.control], [], {what: 'the focus kept on the moved hub'});
        expectEqual(focused, [BINDER, 'down'], 'the focus stays on the hub moved');
        s.step('and back down (Enter again)');
        await options.press('Enter');
        await ui.waitSettings((st, url) => st.hubs[0].url === url, HUB6, 'JupyterHub 6.1.1 first again');
      } finally {
        await ui.useHub(HUB6);
      }
    },
  ],
  [
    'a hub stopped mid-test: the open page\'s links move to the next hub, saying why; they return when it is back',
    async (ctx, s) => {
      const {ui, ext, BOOK, HUB6, BINDER} = await env(ctx);
      const book = await tab(ctx, 'book', BOOK);
      s.step('the book\'s links go to the first hub, JupyterHub 6.1.1');
      await book.goto(BOOK);
      await book.waitFor(menuOn, [HUB6], {what: 'the links on JupyterHub 6.1.1'});
      try {
        s.step('stop JupyterHub 6.1.1 (its own processes only)');
        server('stop', 'hub6');
        s.step('open the popup: it checks the hubs, finds 6.1.1 down and says why');
        await checksOlderThan(ext, 10_000);
        const popup = await ui.popupFor(BOOK);
        const down = await popup.waitFor((url) => {
          const li = document.querySelector(`#hub-health li[data-url="${url}"]`);
          return li?.dataset.state === 'down' && li.textContent;
        }, [HUB6], {what: 'the hub down in the popup'});
        expect(/down · connection refused · checked /.test(down), `popup: ${down}`);
        s.step('the open book page\'s links move to the BinderHub');
        await book.waitFor(menuOn, [BINDER], {what: 'the links on the BinderHub'});
        s.step('the tooltip says why');
        await book.evaluate(() => document.querySelector('.dropdown-launch-buttons a')?.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})));
        const title = await book.waitFor(() => document.querySelector('.dropdown-launch-buttons a')?.getAttribute('title'), [], {what: 'the tooltip'});
        expect(title.includes(`Fallback: ${HUB6.slice(7, -1)} is down: connection refused`), `tooltip: ${title}`);
        s.step('the popup shows each link on the BinderHub and why');
        await popup.close();
        const again = await ui.popupFor(BOOK);
        const shown = await popupShown(again);
        expectEqual(shown.links.map((l) => [l.status, l.hub]), shown.links.map(() => ['rewritten', BINDER.slice(7, -1)]), 'each link on the BinderHub');
        expect(shown.links.every((l) => l.fallback === `Opens on ${BINDER.slice(7, -1)}: ${HUB6.slice(7, -1)} is down: connection refused`), `fallback notes: ${JSON.stringify(shown.links)}`);
        s.step('screenshot the popup');
        await again.screenshot(path.join(ctx.screenshotDir, 'popup-fallback.png'), {width: 420, height: 640});
        await again.close();
      } finally {
        s.step('start JupyterHub 6.1.1 again');
        server('start', 'hub6');
      }
      s.step('the next check (the popup opening again) finds it up: the links return');
      await checksOlderThan(ext, 10_000);
      const popup = await ui.popupFor(BOOK);
      await popup.waitFor((url) => document.querySelector(`#hub-health li[data-url="${url}"]`)?.dataset.state === 'up', [HUB6], {what: 'the hub up in the popup'});
      await book.waitFor(menuOn, [HUB6], {what: 'the links back on JupyterHub 6.1.1'});
      // The popup renders again when the health changes and when the background has read the
      // change (its refresh message); a render may still be on its way when the page's links
      // are back, so the list is waited for, not read once.
      await popup.waitFor(
        (hub) => {
          const links = [...document.querySelectorAll('#links li')];
          return links.length > 0 && links.every((li) => /** @type {HTMLElement} */ (li).dataset.hub === hub && li.querySelector('.fallback') === null);
        },
        [HUB6.slice(7, -1)],
        {what: 'every link in the popup back on JupyterHub 6.1.1, without a fallback note'},
      );
      await popup.close();
    },
  ],
  [
    'per site, from the popup: "on localhost, use the BinderHub"; listed in the options page, removed there',
    async (ctx, s) => {
      const {ui, options, BOOK, HUB6, BINDER} = await env(ctx);
      await noSiteHubs(ui);
      const book = await tab(ctx, 'book', BOOK);
      await book.goto(BOOK);
      s.step('choose the BinderHub for this site in the popup');
      const popup = await ui.popupFor(BOOK);
      await popupShown(popup);
      await popup.evaluate((url) => {
        const select = /** @type {HTMLSelectElement} */ (document.getElementById('site-hub'));
        select.value = url;
        select.dispatchEvent(new Event('change'));
      }, BINDER);
      await ui.waitSettings((st, url) => st.siteHubs?.some((r) => r.site === 'localhost' && r.hub === url), BINDER, 'the site\'s hub');
      await popup.waitFor(() => /Links on localhost now open on/.test(document.getElementById('site-status').textContent), [], {what: 'the popup to say so'});
      s.step('the book\'s links go to the BinderHub, though JupyterHub 6.1.1 is first and up');
      await book.waitFor(menuOn, [BINDER], {what: 'the links on the BinderHub'});
      await popup.close();
      s.step('the options page lists the choice; remove it there');
      await options.bringToFront();
      const listed = await options.waitFor(() => [...document.querySelectorAll('#site-hub-list li')].map((li) => [/** @type {HTMLElement} */ (li).dataset.site, /** @type {HTMLSelectElement} */ (li.querySelector('select')).value]), [], {what: 'the per-site choices'});
      expectEqual(listed, [['localhost', BINDER]], 'per-site choices');
      await options.click('#site-hub-list li[data-site="localhost"] button');
      await ui.waitSettings((st) => (st.siteHubs ?? []).length === 0, null, 'no site hub');
      await book.waitFor(menuOn, [HUB6], {what: 'the links back on JupyterHub 6.1.1'});
    },
  ],
  [
    'a book\'s own BinderHub: the popup offers it, saves it in one click (detected first) and uses it on that site',
    async (ctx, s) => {
      const {browser, ui, options, site, ports: p} = {...(await env(ctx)), ports: ctx.ports};
      const own = `${site}pages/own-hub.html`;
      const service = p.HUB52_SERVICE_URL;
      await noSiteHubs(ui);
      const page = await tab(ctx, 'own-hub', own);
      s.step('the page\'s links launch on JupyterHub 5.2.1\'s BinderHub: rewritten to the reader\'s hub for now');
      await page.waitFor((hub) => document.getElementById('own').getAttribute('href').startsWith(hub), [ctx.urls.HUB6], {what: 'the link rewritten'});
      s.step('the popup offers to save the book\'s hub');
      const popup = await ui.popupFor(own);
      const offer = await popup.waitFor((url) => {
        const row = document.querySelector(`#book-hubs .book-hub[data-url="${url}"]`);
        return row && !document.getElementById('book-hubs').hidden && row.textContent;
      }, [service], {what: 'the offer'});
      expect(offer.includes(`its own hub, ${service.slice(7, -1)} (2 link(s))`), `offer: ${offer}`);
      await popup.screenshot(path.join(ctx.screenshotDir, 'popup-own-hub.png'), {width: 420, height: 560});
      s.step('one click: access to that hub, detection, saved, used on localhost');
      await browser.preApprove(['http://127.0.0.1/*']);
      await popup.click(`#book-hubs .book-hub button`);
      await popup.waitFor(() => /^Saved /.test(document.getElementById('site-status').textContent), [], {what: 'the hub saved'});
      const st = await ui.waitSettings((x, url) => x.hubs.some((h) => h.url === url), service, 'the book\'s hub saved');
      const saved = st.hubs.find((/** @type {any} */ h) => h.url === service);
      expectEqual([saved.kind, st.hubs.at(-1).url, st.siteHubs], ['binderhub', service, [{site: 'localhost', hub: service}]], 'saved as a BinderHub, after the others, for localhost');
      s.step('the page\'s links stay on the book\'s own hub');
      await page.waitFor((url) => document.getElementById('own').getAttribute('href').startsWith(url) && !document.getElementById('own').hasAttribute('data-byob-original'), [service], {what: 'the link on its own hub'});
      const listed = await popup.waitFor(() => !document.querySelector('#book-hubs .book-hub') && [...document.querySelectorAll('#links li')].map((li) => [/** @type {HTMLElement} */ (li).dataset.status, li.querySelector('.to')?.textContent ?? null]), [], {what: 'the offer gone, the links listed again'});
      expectEqual(listed.map(([status]) => status), ['unchanged', 'unchanged', 'rewritten'], 'its own links already on the site\'s hub; the mybinder.org one sent there too');
      expect(listed[2][1].startsWith(`${service}v2/gh/byob-test/tiny-book/main`), `the mybinder.org link: ${listed[2][1]}`);
      await popup.close();
      s.step('clean up in the options page: the site\'s choice, then the hub');
      await options.bringToFront();
      await options.click('#site-hub-list li[data-site="localhost"] button');
      await ui.waitSettings((x) => (x.siteHubs ?? []).length === 0, null, 'no site hub');
      await options.click(`#hub-list li[data-url="${service}"] button[aria-label^="Remove"]`);
      await ui.waitSettings((x, url) => !x.hubs.some((h) => h.url === url), service, 'the book\'s hub removed');
    },
  ],
];
