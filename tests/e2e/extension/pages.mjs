// @ts-check
// Book pages with the extension relaunching on JupyterHub 6.1.1: a Jupyter Book 1 built with
// jupyter-book 1.x, launch badges and links in page content, Alt-click, a strict CSP, links added
// after load. Leaves the book and badges tabs open for the popup area.
import {expect, expectEqual} from '../lib/suite.mjs';
import {tab} from './common.mjs';

/** The area's tests. @type {import('./common.mjs').Tests} */
export const pagesTests = [
  [
    'Jupyter Book 1 (built with jupyter-book 1.x): every launch-menu link points at the hub; a click opens it',
    async (ctx, s) => {
      const {browser, urls: u} = ctx;
      s.step('load the book page');
      const book = await tab(ctx, 'book', u.BOOK);
      await book.goto(u.BOOK);
      const hrefs = await book.waitFor(
        (/** @type {string} */ hub) => {
          const links = /** @type {HTMLAnchorElement[]} */ ([...document.querySelectorAll('.dropdown-launch-buttons a')]);
          // Tooltips are written when a link is first hovered or focused.
          const hover = (/** @type {Element} */ a) => a.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
          return links.length === 3 && links.every((a) => a.getAttribute('href')?.startsWith(hub)) ? links.map((a) => (hover(a), {href: a.getAttribute('href'), original: a.dataset.byobOriginal, title: a.title})) : null;
        },
        [u.HUB6],
        {what: 'all three launch links rewritten'},
      );
      s.step('check what each became');
      const [binder, hub, colab] = hrefs;
      expectEqual(binder.original, 'https://mybinder.org/v2/gh/byob-test/tiny-book/main?urlpath=lab/tree/book/analysis.ipynb', 'Binder original');
      expectEqual(binder.href, `${u.HUB6}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fbyob-test%2Ftiny-book&branch=main&urlpath=lab%2Ftree%2Ftiny-book%2Fbook%2Fanalysis.ipynb`, 'Binder rewritten');
      expect(hub.original.startsWith('https://hub.example.org/hub/user-redirect/git-pull?'), `JupyterHub original ${hub.original}`);
      expect(hub.href.startsWith(`${u.HUB6}hub/user-redirect/git-pull?`), `JupyterHub rewritten ${hub.href}`);
      expect(colab.original.startsWith('https://colab.research.google.com/github/byob-test/tiny-book/'), `Colab original ${colab.original}`);
      expect(binder.title.includes(binder.original), `tooltip names the original: ${binder.title}`);
      s.step('click the Binder launch link (target=_blank)');
      await book.evaluate(() => /** @type {HTMLElement | null} */ (document.querySelector('.dropdown-launch-buttons .dropdown-toggle, .dropdown-launch-buttons button'))?.click());
      await book.click('.dropdown-launch-buttons li:first-child a');
      const opened = await browser.waitForPage((url) => url.startsWith(u.HUB6) && url.includes('git-pull'), 15_000);
      const landed = await opened.url();
      expect(landed.startsWith(`${u.HUB6}hub/`), `landed on ${landed}`);
      await opened.close();
    },
  ],
  [
    'launch badges and links in page content; a data repository goes to the BinderHub saved after the JupyterHub, saying why',
    async (ctx, s) => {
      const {browser, urls: u} = ctx;
      s.step('open the badges page');
      ctx.tabs.badges = await browser.open(u.BADGES);
      const state = await ctx.tabs.badges.waitFor(
        (/** @type {string} */ hub) => {
          const get = (/** @type {string} */ id) => /** @type {HTMLAnchorElement} */ (document.getElementById(id));
          const hover = (/** @type {Element} */ a) => a.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); // tooltips: on first hover
          const ids = ['badge-binder', 'pull', 'colab', 'local-binder'];
          if (!ids.every((id) => get(id).getAttribute('href')?.startsWith(hub))) return null;
          return {zenodo: get('zenodo').getAttribute('href'), zenodoTitle: (hover(get('zenodo')), get('zenodo').title), repo: get('repo').getAttribute('href'), image: get('badge-image').getAttribute('href')};
        },
        [u.HUB6],
        {what: 'the badge links rewritten'},
      );
      // The JupyterHub cannot launch a Zenodo archive; the BinderHub next in the order can (fallback).
      expectEqual(state.zenodo, `${u.BINDER}v2/zenodo/10.5281/zenodo.3242074/`, 'zenodo link on the BinderHub');
      expect(state.zenodoTitle.includes(`Fallback: ${u.HUB6.slice(7, -1)} cannot launch it: zenodo content cannot be pulled with nbgitpuller: only a BinderHub can launch it`), `zenodo tooltip: ${state.zenodoTitle}`);
      expectEqual([state.repo, state.image], ['https://github.com/byob-test/tiny-book', 'https://mybinder.org/badge_logo.svg'], 'ordinary links kept');
    },
  ],
  [
    'Alt-click opens the original link',
    async (ctx, s) => {
      const {urls: u} = ctx;
      const badges = await tab(ctx, 'badges', u.BADGES);
      s.step('Alt-click the rewritten local Binder link');
      await badges.waitFor((/** @type {string} */ hub) => document.getElementById('local-binder')?.getAttribute('href')?.startsWith(hub), [u.HUB6], {what: 'the local Binder link rewritten'});
      await badges.click('#local-binder', {alt: true});
      await badges.waitFor((/** @type {string} */ site) => location.href === `${site}v2/gh/byob-test/tiny-book/HEAD`, [u.site], {what: 'the original link opened'});
      await badges.goto(u.BADGES);
    },
  ],
  [
    "a page served with a strict CSP (script-src 'self')",
    async (ctx, s) => {
      const {browser, urls: u} = ctx;
      s.step('open the strict page');
      const page = await browser.open(u.STRICT);
      const ran = await page.evaluate(() => document.documentElement.dataset.inlineScriptRan ?? 'no');
      expectEqual(ran, 'no', 'inline script blocked by the CSP');
      await page.waitFor(
        (/** @type {string} */ hub) => ['badge-binder', 'pull', 'colab'].every((id) => document.getElementById(id)?.getAttribute('href')?.startsWith(hub)),
        [u.HUB6],
        {what: 'links rewritten under the strict CSP'},
      );
      await page.close();
    },
  ],
  [
    'a page that adds and re-renders links after load',
    async (ctx, s) => {
      const {browser, urls: u} = ctx;
      s.step('open the page and wait for its last change');
      const page = await browser.open(u.LATE);
      await page.waitFor(() => document.documentElement.dataset.lateDone === 'yes', [], {what: 'the page to finish rendering'});
      const hrefs = await page.waitFor(
        (/** @type {string} */ hub) => {
          const a = document.getElementById('late-binder');
          const b = document.getElementById('late-pull');
          return a && b && a.getAttribute('href')?.startsWith(hub) && b.getAttribute('href')?.startsWith(hub) ? [a.dataset.byobOriginal, b.dataset.byobOriginal] : null;
        },
        [u.HUB6],
        {what: 'the late links rewritten'},
      );
      expectEqual(hrefs[0], 'https://mybinder.org/v2/gh/byob-test/late/v2?urlpath=lab', 'the link changed in place is rewritten from its new href');
      await page.close();
    },
  ],
];
