// The toolbar popup on a book page (what each link becomes, copy, switch hub, turn a site off),
// a turned-off site, the context menu (Chromium), and a BinderHub launch byte for byte. The tests
// run in order: the popup switches to the BinderHub and turns the site off, the next turns it on.
import path from 'node:path';
import {expect, expectEqual} from '../lib/suite.mjs';
import {env, tab} from './common.mjs';

/** The area's tests, in order. @type {import('./common.mjs').Tests} */
export const popupTests = [
  [
    'popup: lists the page\'s launch links and what each becomes; switch hub',
    async (ctx, s) => {
      const {ui, BOOK, HUB6, BINDER} = await env(ctx);
      const book = await tab(ctx, 'book', BOOK);
      s.step('open the popup for the book tab');
      await book.goto(BOOK);
      await book.waitFor((hub) => [...document.querySelectorAll('.dropdown-launch-buttons a')].every((a) => a.getAttribute('href').startsWith(hub)), [HUB6]);
      const popup = await ui.popupFor(BOOK);
      const shown = await popup.waitFor(() => (document.body.dataset.links ? {links: document.body.dataset.links, converted: document.body.dataset.converted, status: document.getElementById('page-status').textContent, items: [...document.querySelectorAll('#links li')].map((li) => li.dataset.status)} : null), [], {what: 'the popup list'});
      expectEqual([shown.links, shown.converted], ['3', '3'], 'links found / converted');
      expectEqual(shown.items, ['rewritten', 'rewritten', 'rewritten'], 'statuses');
      s.step('screenshot the popup');
      await popup.screenshot(path.join(ctx.screenshotDir, 'popup.png'), {width: 420, height: 560});
      s.step('copy a converted link');
      await popup.click('#links li:first-child button');
      const copied = await popup.waitFor(() => document.getElementById('copy-status').textContent, [], {what: 'the copy status'});
      expectEqual(copied, 'Link copied.', 'copy status');
      s.step('switch to the BinderHub in the popup');
      await popup.evaluate((url) => {
        const select = /** @type {HTMLSelectElement} */ (document.getElementById('hub-select'));
        select.value = url;
        select.dispatchEvent(new Event('change'));
      }, BINDER);
      await book.waitFor(
        (binder) => {
          const a = document.querySelector('.dropdown-launch-buttons li:first-child a');
          return a.getAttribute('href') === `${binder}v2/gh/byob-test/tiny-book/main?urlpath=lab/tree/book/analysis.ipynb`;
        },
        [BINDER],
        {what: 'the book relaunched on the BinderHub'},
      );
      s.step('turn the extension off for this site in the popup');
      await popup.click('#site-off');
      await book.waitFor(() => [...document.querySelectorAll('.dropdown-launch-buttons a')].every((a) => !a.dataset.byobOriginal && !a.getAttribute('href').includes('127.0.0.1')), [], {what: 'the book restored'});
      await popup.waitFor(() => /turned off/.test(document.getElementById('page-status').textContent), [], {what: 'the popup to say the site is off'});
      await popup.close();
    },
  ],
  [
    'a site turned off stays untouched; turning it on again relaunches',
    async (ctx, s) => {
      const {browser, ui, options, BADGES, BINDER} = await env(ctx);
      const badges = await tab(ctx, 'badges', BADGES);
      s.step('load a page of the turned-off site');
      await badges.goto(BADGES);
      const before = await badges.evaluate(() => document.getElementById('badge-binder').getAttribute('href'));
      // Nothing to wait for when nothing happens: the popup list says the page was answered.
      const listed = await ui.contentState(BADGES);
      expectEqual([listed.active, listed.reason], [false, 'site-off'], 'content script state on a turned-off site');
      expectEqual(before, 'https://mybinder.org/v2/gh/byob-test/tiny-book/main?urlpath=lab/tree/book/analysis.ipynb', 'href on a turned-off site');
      s.step('a MyST page of the turned-off site (also localhost): no launch link, its launch still listed');
      const mystUrl = `${ctx.myst}notebooks/notebook-template/`;
      const mystPage = await browser.open(mystUrl);
      const mystListed = await ui.contentState(mystUrl);
      expectEqual([mystListed.active, mystListed.reason, mystListed.links.map((l) => [l.source, l.status])], [false, 'site-off', [['myst', 'pending']]], 'content script state on a turned-off MyST page');
      const shadowed = await mystPage.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.shadowRoot).length + document.querySelectorAll('a.byob-myst-launch').length);
      expectEqual(shadowed, 0, 'nothing added to the MyST page');
      await mystPage.close();
      s.step('turn it on again in the options page (sites list)');
      await options.bringToFront();
      await options.evaluate(() => {
        /** @type {HTMLTextAreaElement} */ (document.getElementById('disabled-sites')).value = '';
      });
      await options.click('#disabled-sites-save');
      await badges.waitFor((binder) => document.getElementById('badge-binder').getAttribute('href').startsWith(binder), [BINDER], {what: 'the page relaunched'});
    },
  ],
  [
    'context menu: "Open on <hub>" on a plain GitHub link, "Copy link for <hub>", a non-launch link says why (Chromium: the menu handler called in the background)',
    async (ctx, s) => {
      const {browser, ui, BADGES, BINDER} = await env(ctx);
      const badges = await tab(ctx, 'badges', BADGES);
      const menuTab = {id: await ui.tabId(BADGES), index: 1};
      s.step('Open on <hub> on https://github.com/byob-test/tiny-book');
      await browser.background(({tab}) => /** @type {any} */ (globalThis).byobBackground.menuClick({menuItemId: 'byob-open', linkUrl: 'https://github.com/byob-test/tiny-book', frameId: 0}, tab), {tab: menuTab});
      // The stand-in's launch page goes on to the server it started as soon as its build
      // answers: either page may be the one seen (the launch page alone was a race, lost under load).
      const opened = await browser.waitForPage((u) => u.startsWith(BINDER) && (u.includes('/v2/gh/byob-test/tiny-book') || u.includes('/_standin/server/byob-test-tiny-book')));
      await opened.close();
      s.step('Copy link for <hub> on a colab link');
      await badges.bringToFront();
      await browser.background(({tab}) => /** @type {any} */ (globalThis).byobBackground.menuClick({menuItemId: 'byob-copy', linkUrl: 'https://colab.research.google.com/github/byob-test/tiny-book/blob/main/book/analysis.ipynb', frameId: 0}, tab), {tab: menuTab});
      const notice = await badges.waitFor(() => [...document.querySelectorAll('div[role=status]')].map((d) => d.textContent).join('|'), [], {what: 'the copied notice'});
      expectEqual(notice, 'Link copied.', 'notice in the page');
      s.step('a link that cannot go to the hub says why');
      await browser.background(({tab}) => /** @type {any} */ (globalThis).byobBackground.menuClick({menuItemId: 'byob-open', linkUrl: 'https://example.org/not-a-launch', frameId: 0}, tab), {tab: menuTab});
      await badges.waitFor(() => [...document.querySelectorAll('div[role=status]')].some((d) => /cannot be opened on your hub/.test(d.textContent)), [], {what: 'the cannot-convert notice'});
    },
    // The menu's handler is called in the background, which only Chromium's driver reaches (lib/driver.mjs: background).
    {only: 'chromium'},
  ],
  [
    'a click on a BinderHub launch reaches the hub byte for byte',
    async (ctx, s) => {
      const {BINDER, BADGES} = await env(ctx);
      const badges = await tab(ctx, 'badges', BADGES);
      s.step('clear the stand-in\'s launch log');
      await fetch(`${BINDER}_standin/launches`, {method: 'DELETE'});
      s.step('click the badge');
      await badges.click('#badge-binder');
      // The launch page, or the server it goes on to once the stand-in's build answers (waiting
      // for the launch page alone was a race: it can be gone before a poll sees it). What the
      // hub received is checked byte for byte below.
      await badges.waitFor((binder) => location.href.startsWith(`${binder}v2/`) || location.href.startsWith(`${binder}_standin/server/`), [BINDER], {what: 'the BinderHub launch page'});
      const launches = await (await fetch(`${BINDER}_standin/launches`)).json();
      expectEqual(launches.map((l) => l.raw), ['/v2/gh/byob-test/tiny-book/main?urlpath=lab/tree/book/analysis.ipynb'], 'launch requests the BinderHub received');
    },
  ],
];
