// @ts-check
// The listing screenshots (1280×800, the size the Chrome Web Store takes; images.mjs), from the
// real build on the real servers under realistic names (store.test.mjs): a reader's hubs saved
// in the options page, a Jupyter Book page with its links on the reader's hub and the toolbar
// popup beside it, a MyST page's "Launch on <hub>", and the first hub down with the links on the
// next one. The popup is a page of its own: its picture and the book page's, both taken here in
// the same run, are placed on one canvas by compose.html. Playwright's page is used directly
// (Chromium only, as bench.mjs does) for what the driver interface has no call for: a
// viewport-only picture, and a picture clipped to the popup's size.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {sleep} from '../lib/driver.mjs';
import {serversDir} from '../lib/servers.mjs';
import {expect} from '../lib/suite.mjs';
import {checkSize, image} from './images.mjs';

/** @typedef {import('../store.test.mjs').StoreCtx} StoreCtx */
/** @typedef {import('../lib/chromium.mjs').ChromiumPage} ChromiumPage */

/** The most height a browser gives a popup (Chromium: 600 pixels; it scrolls beyond). */
const POPUP_MAX_HEIGHT = 600;
/** The book page's part of a composed picture (compose.html: the popup's column is the rest of 1280). */
const BOOK_VIEW = {width: 860, height: 800};

/**
 * Playwright's page behind a driver page (the store runner drives Chromium only).
 * @param {import('../lib/driver.mjs').Page} page
 */
const pw = (page) => /** @type {ChromiumPage} */ (page).page;

/**
 * Take the picture `file` of images.mjs into the run's folder and check its size at once.
 * @param {StoreCtx} ctx
 * @param {string} file
 * @param {(to: string) => Promise<void>} take
 */
async function save(ctx, file, take) {
  const to = path.join(ctx.out, file);
  await take(to);
  checkSize(to, image(file));
}

/**
 * What the viewport shows, at `size`.
 * @param {import('../lib/driver.mjs').Page} page
 * @param {string} to
 * @param {{width: number, height: number}} size
 */
async function viewportShot(page, to, size) {
  await pw(page).setViewportSize(size);
  await pw(page).screenshot({path: to});
}

/**
 * The popup as the browser shows it: as wide as its body (ui.css), as tall as its content up to
 * the browser's limit.
 * @param {import('../lib/driver.mjs').Page} popup
 * @param {string} to
 */
async function popupShot(popup, to) {
  await pw(popup).setViewportSize({width: 800, height: POPUP_MAX_HEIGHT});
  const width = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().width));
  await pw(popup).setViewportSize({width, height: POPUP_MAX_HEIGHT});
  const height = await popup.evaluate(() => document.documentElement.scrollHeight);
  await pw(popup).setViewportSize({width, height: Math.min(height, POPUP_MAX_HEIGHT)});
  await pw(popup).screenshot({path: to});
}

/**
 * The book page with its launch menu open, at BOOK_VIEW.
 * @param {import('../lib/driver.mjs').Page} book
 * @param {string} to
 */
async function bookShot(book, to) {
  await pw(book).setViewportSize(BOOK_VIEW);
  await book.evaluate(() => window.scrollTo(0, 0));
  await book.click('.dropdown-launch-buttons button');
  await book.waitFor(() => {
    const menu = document.querySelector('.dropdown-launch-buttons .dropdown-menu');
    return menu && getComputedStyle(menu).display !== 'none' && menu.getBoundingClientRect().height > 0;
  }, [], {what: 'the launch menu open'});
  await pw(book).screenshot({path: to});
}

/**
 * Place the book page's picture and the popup's on a 1280×800 canvas (compose.html), with a caption.
 * @param {StoreCtx} ctx
 * @param {string} file
 * @param {{page: string, popup: string, caption: string}} parts
 */
async function compose(ctx, file, {page, popup, caption}) {
  const canvas = await ctx.browser.ctx().newPage();
  try {
    await canvas.setViewportSize({width: 1280, height: 800});
    await canvas.goto(pathToFileURL(path.join(import.meta.dirname, 'compose.html')).href);
    const data = (/** @type {string} */ f) => `data:image/png;base64,${fs.readFileSync(f).toString('base64')}`;
    await canvas.evaluate(({page, popup, caption}) => /** @type {any} */ (window).compose({page, popup, caption}), {page: data(page), popup: data(popup), caption});
    await canvas.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    // Placed, never scaled: each picture is shown at its own pixel size, inside the canvas.
    const placed = await canvas.evaluate(() => [...document.images].map((i) => {
      const r = i.getBoundingClientRect();
      return {id: i.id, natural: [i.naturalWidth, i.naturalHeight], shown: [r.width, r.height], inside: r.left >= 0 && r.top >= 0 && r.right <= 1280 && r.bottom <= 800};
    }));
    for (const p of placed) expect(p.natural[0] === p.shown[0] && p.natural[1] === p.shown[1] && p.inside, `compose.html shows the ${p.id} picture (${p.natural.join('×')}) at ${p.shown.join('×')}${p.inside ? '' : ', beyond the canvas'}`);
    await save(ctx, file, (to) => canvas.screenshot({path: to}).then(() => {}));
  } finally {
    await canvas.close();
  }
}

/**
 * Whether every link of the book page's launch menu goes to `hub` (run in the page).
 * @param {string} hub
 */
const menuOn = (hub) => {
  const hrefs = [...document.querySelectorAll('.dropdown-launch-buttons a')].map((a) => a.getAttribute('href') ?? '');
  return hrefs.length > 0 && hrefs.every((h) => h.startsWith(hub));
};

/**
 * Wait until the hubs' last check is at least `ms` old (a younger one is not repeated when the
 * popup opens: design.md §6).
 * @param {import('../lib/extension-ui.mjs').ExtensionUi} ui
 * @param {number} ms
 */
async function checksOlderThan(ui, ms) {
  const last = await ui.ext(async (/** @type {any} */ x) => Math.max(0, ...Object.values((await x.storage.session.get('health.v1'))['health.v1'] ?? {}).map((/** @type {any} */ h) => h.checkedAt)));
  const wait = last + ms - Date.now();
  if (wait > 0) await sleep(wait);
}

/** @param {'start' | 'stop'} what @param {string} name */
function server(what, name) {
  execFileSync('python3', [path.join(serversDir, 'servers.py'), what, name], {stdio: 'inherit'});
}

/** @type {import('../store.test.mjs').StoreTests} */
export const shotTests = [
  [
    'options page: the reader\'s three hubs saved under their own names, detected and checked up (2-options.png)',
    async (ctx, s) => {
      const {ui, hubs} = ctx;
      s.step('allow all sites (the hubs\' names are sites like any other)');
      await ui.allowAllSites();
      for (const url of [hubs.HUB52, hubs.BINDER, hubs.HUB]) {
        s.step(`type ${url}: detected, saved`);
        const d = await ui.detect(url);
        expect(d.state === 'done', `the detection of ${url}: ${JSON.stringify(d)}`);
        await ui.saveHub();
      }
      await ui.useHub(hubs.HUB);
      const options = await ui.options();
      s.step('every hub checked up');
      await ui.ext((/** @type {any} */ x) => x.runtime.sendMessage({type: 'page:health', check: true}));
      await options.waitFor((urls) => urls.every((u) => document.querySelector(`#hub-list li[data-url="${u}"]`)?.getAttribute('data-state') === 'up'), [[hubs.HUB, hubs.BINDER, hubs.HUB52]], {what: 'the three hubs up'});
      s.step('the picture');
      await options.evaluate(() => window.scrollTo(0, 0));
      await save(ctx, '2-options.png', (to) => viewportShot(options, to, {width: 1280, height: 800}));
    },
  ],
  [
    'a Jupyter Book page with its links on the reader\'s hub, and the toolbar popup beside it (1-page-and-popup.png)',
    async (ctx, s) => {
      const {browser, ui, hubs, BOOK} = ctx;
      s.step('open the book page: its launch links go to jupyter.example.edu');
      const book = await browser.open(BOOK);
      await book.waitFor(menuOn, [hubs.HUB], {what: 'the links on jupyter.example.edu'});
      s.step('the page, its launch menu open');
      const {parts} = ctx;
      await bookShot(book, path.join(parts, 'book.png'));
      s.step('the popup for that tab, every link listed');
      const popup = await ui.popupFor(BOOK);
      await popup.waitFor(() => document.body.dataset.converted === '3', [], {what: 'the popup: 3 links converted'});
      await popupShot(popup, path.join(parts, 'popup.png'));
      await popup.close();
      s.step('composed');
      await compose(ctx, '1-page-and-popup.png', {page: path.join(parts, 'book.png'), popup: path.join(parts, 'popup.png'), caption: 'Every launch link on the page now opens on your hub.'});
      await book.close();
    },
  ],
  [
    'a Jupyter Book 2 (MyST) page: "Launch on jupyter.example.edu" beside its rocket (3-myst.png)',
    async (ctx, s) => {
      const {browser, hubs, MYST} = ctx;
      s.step('open the real mystmd 1.7 notebook page');
      const page = await browser.open(MYST);
      await pw(page).setViewportSize({width: 1280, height: 800});
      const text = await page.waitFor(
        (hub) => {
          for (const el of document.querySelectorAll('*')) {
            const a = el.shadowRoot?.querySelector('a.byob-myst-launch');
            if (a?.getAttribute('href')?.startsWith(hub)) return a.textContent;
          }
          return null;
        },
        [hubs.HUB],
        {what: 'the launch link on jupyter.example.edu'},
      );
      expect(text === 'Launch on jupyter.example.edu', `the link says: ${text}`);
      s.step('the picture, from the row of the rocket (the site\'s own top bar needs the theme\'s stylesheet, which the fixture has not)');
      await page.evaluate(() => {
        const rocket = document.querySelector('button[aria-label="Launch in external computing interface"]');
        window.scrollTo(0, Math.max(0, (rocket?.getBoundingClientRect().top ?? 0) + window.scrollY - 40));
      });
      await save(ctx, '3-myst.png', (to) => viewportShot(page, to, {width: 1280, height: 800}));
      await page.close();
    },
  ],
  [
    'the first hub down: the page\'s links open on the next hub, and the popup says why (5-fallback.png)',
    async (ctx, s) => {
      const {browser, ui, hubs, BOOK, parts} = ctx;
      const book = await browser.open(BOOK);
      await book.waitFor(menuOn, [hubs.HUB], {what: 'the links on jupyter.example.edu'});
      try {
        s.step('stop JupyterHub 6.1.1, jupyter.example.edu (its own processes only)');
        server('stop', 'hub6');
        s.step('the popup checks the hubs: jupyter.example.edu down');
        await checksOlderThan(ui, 10_000);
        const popup = await ui.popupFor(BOOK);
        await popup.waitFor((url) => document.querySelector(`#hub-health li[data-url="${url}"]`)?.getAttribute('data-state') === 'down', [hubs.HUB], {what: 'the hub down in the popup'});
        s.step('the page\'s links move to binder.example.org, the next hub');
        await book.waitFor(menuOn, [hubs.BINDER], {what: 'the links on binder.example.org'});
        await popup.close();
        s.step('the popup, listing each link on binder.example.org and why');
        const again = await ui.popupFor(BOOK);
        const notes = await again.waitFor(() => document.body.dataset.links && [...document.querySelectorAll('#links li .fallback')].map((e) => e.textContent), [], {what: 'the fallback notes'});
        expect(notes.length === 3 && notes.every((n) => n === 'Opens on binder.example.org: jupyter.example.edu is down: connection refused'), `fallback notes: ${JSON.stringify(notes)}`);
        await popupShot(again, path.join(parts, 'fallback-popup.png'));
        await again.close();
        s.step('the page, its launch menu open');
        await bookShot(book, path.join(parts, 'fallback-book.png'));
        await compose(ctx, '5-fallback.png', {page: path.join(parts, 'fallback-book.png'), popup: path.join(parts, 'fallback-popup.png'), caption: 'Your hub is down? The links open on your next hub, saying why.'});
      } finally {
        s.step('start JupyterHub 6.1.1 again');
        server('start', 'hub6');
      }
      await book.close();
    },
  ],
];
