// Jupyter Book 2 (MyST) pages, end to end (issues 4 and 12 part 5: every page that shows the
// rocket, notebook or not, gets the reader's hub), once the extension has a JupyterHub (HUB6,
// active) and a BinderHub saved and all sites allowed. The sites are those of
// lib/myst-site.mjs: the real mystmd 1.7 pages from `/`, variants of them, and a small React
// site with myst-theme's real launch button and form. The tests of this area run in order: the
// variants reuse the first test's tab, the page moves reuse the React site's.
import path from 'node:path';
import {expect, expectEqual} from '../lib/suite.mjs';
import {tab} from './common.mjs';

const ROCKET = 'button[aria-label="Launch in external computing interface"]';

/**
 * Our links in the page (shadow roots included), as data; null unless there are `count`.
 * Runs in the page: self-contained.
 * @param {number} count
 */
function linksInPage(count) {
  const found = [...document.querySelectorAll('a.byob-myst-launch')];
  for (const el of document.querySelectorAll('*')) if (el.shadowRoot) found.push(...el.shadowRoot.querySelectorAll('a.byob-myst-launch'));
  if (found.length !== count) return null;
  const rocket = document.querySelector('button[aria-label="Launch in external computing interface"]');
  return found.map((a) => {
    a.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); // tooltips are written on first hover
    const root = a.getRootNode();
    return {
      href: a.getAttribute('href'),
      original: a.dataset.byobOriginal ?? null,
      text: a.textContent,
      label: a.getAttribute('aria-label'),
      title: a.title,
      target: a.target,
      tabIndex: a.tabIndex,
      inShadowOfRocketRow: root !== document && !!rocket && root.host === rocket.parentElement,
    };
  });
}

/**
 * The MyST sites' pages and what their launch becomes on each hub.
 * @param {import('./common.mjs').Ctx} ctx
 */
function mystEnv(ctx) {
  const SITE = ctx.myst;
  const HUB6 = ctx.ports.HUB6_URL;
  const BINDER = ctx.ports.BINDER_URL;
  return {
    SITE,
    HUB6,
    BINDER,
    GIT: ctx.ports.GIT_URL,
    NOTEBOOK: `${SITE}notebooks/notebook-template/`,
    APP: `${SITE}app/notebooks/notebook-template/`,
    ORIGINAL: 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb',
    ON_HUB6: `${HUB6}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fprojectpythia%2Fcookbook-template&urlpath=lab%2Ftree%2Fcookbook-template%2Fnotebooks%2Fnotebook-template.ipynb`,
    ON_BINDER: `${BINDER}v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb`,
    // The root page, an Article whose source is README.md: its rocket's form opens that file.
    README_ORIGINAL: 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/README.md',
    README_ON_HUB6: `${HUB6}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fprojectpythia%2Fcookbook-template&urlpath=lab%2Ftree%2Fcookbook-template%2FREADME.md`,
    README_ON_BINDER: `${BINDER}v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/README.md`,
  };
}

/** Wait for exactly `count` of our links whose hrefs start with `prefix`; return them. */
const waitLinks = (/** @type {any} */ page, /** @type {number} */ count, /** @type {string} */ prefix, /** @type {string} */ what) =>
  page.waitFor(
    (count, prefix, src) => {
      const links = (0, eval)(`(${src})`)(count);
      return links && links.every((l) => l.href.startsWith(prefix)) ? links : null;
    },
    [count, prefix, linksInPage.toString()],
    {what},
  );

/**
 * Wait for a tab that opened `expected`: at it, or already redirected by JupyterHub to its
 * login page with `next` = exactly its path and query, or (given `server`, the BinderHub
 * stand-in's server prefix for this repository) already gone on from the BinderHub's launch
 * page to the server it started. The launch page alone was a race, lost under load in CI; the
 * callers check the exact launch request in the stand-in's log. Closes it.
 */
const waitOpened = async (/** @type {import('../lib/driver.mjs').Browser} */ browser, /** @type {import('../lib/suite.mjs').Steps} */ s, /** @type {string} */ expected, /** @type {string} */ server = '') => {
  const want = new URL(expected);
  const opened = await browser.waitForPage((u) => {
    if (u === expected || (server && u.startsWith(server))) return true;
    try {
      const v = new URL(u);
      return v.origin === want.origin && v.pathname.endsWith('/hub/login') && v.searchParams.get('next') === want.pathname + want.search;
    } catch {
      return false;
    }
  }, 15_000);
  const at = await opened.url();
  s.step(`opened ${at}`);
  await opened.close();
  return at;
};

/** The area's tests, in order (the third reuses the first one's tab, the fifth the fourth's). @type {import('./common.mjs').Tests} */
export const mystTests = [
  [
    'MyST: the real mystmd 1.7 notebook page served from /: "Launch on <hub>" beside its rocket opens exactly the JupyterHub URL',
    async (ctx, s) => {
      const {browser} = ctx;
      const {HUB6, NOTEBOOK, ORIGINAL, ON_HUB6} = mystEnv(ctx);
      s.step('open the page');
      const page = (ctx.tabs.myst = await browser.open(NOTEBOOK));
      const [link] = await waitLinks(page, 1, HUB6, 'the MyST launch link');
      expectEqual(link.href, ON_HUB6, 'href: the page\'s Binder link on JupyterHub 6.1.1 (nbgitpuller, clone directory cookbook-template)');
      expectEqual(link.original, ORIGINAL, 'the Binder link the page means (no lab/tree// double slash)');
      expectEqual([link.text, link.label, link.target, link.tabIndex, link.inShadowOfRocketRow], ['Launch on 127.0.0.1:18001', 'Launch on 127.0.0.1:18001: open this page\'s notebook there, in a new tab', '_blank', 0, true], 'label, accessible name, new tab, focusable, place');
      expect(link.title.includes(ORIGINAL) && /hub's environment/.test(link.title), `tooltip names the original and the warning: ${link.title}`);
      s.step('screenshot');
      await page.screenshotElement('#skip-to-frontmatter', path.join(ctx.screenshotDir, 'myst.png'));
      s.step('from the rocket, Tab reaches it; Enter opens it');
      await page.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('button[aria-label="Launch in external computing interface"]')).focus());
      await page.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className ?? document.activeElement?.className);
      expectEqual(focused, 'byob-myst-launch', 'the focused element after Tab');
      await page.press('Enter');
      await waitOpened(browser, s, ON_HUB6);
    },
  ],
  [
    'MyST: the popup lists the page\'s launch (the Binder link it means, what it becomes)',
    async (ctx, s) => {
      const {ui} = ctx;
      const {NOTEBOOK, ORIGINAL, ON_HUB6} = mystEnv(ctx);
      const popup = await ui.popupFor(NOTEBOOK);
      const items = await popup.waitFor(
        () =>
          document.body.dataset.links
            ? [...document.querySelectorAll('#links li')].map((li) => ({source: li.dataset.source, status: li.dataset.status, from: li.querySelector('.from')?.textContent, to: li.querySelector('.to')?.textContent, label: li.querySelector('.label')?.textContent, notes: [...li.querySelectorAll('.note')].map((n) => n.textContent)}))
            : null,
        [],
        {what: 'the popup list'},
      );
      expectEqual(items.length, 1, `one launch listed: ${JSON.stringify(items)}`);
      const [item] = items;
      expectEqual([item.source, item.status, item.from, item.to], ['myst', 'rewritten', ORIGINAL, ON_HUB6], 'the listed launch');
      expect(/Jupyter Book 2 launch button/.test(item.label) && item.notes.some((n) => /hub's environment/.test(n)), `label and warning: ${JSON.stringify(item)}`);
      await popup.close();
    },
  ],
  [
    'MyST variants: BASE_URL prefix, older markup without myst-fm-* classes, gitlab and git providers, the README page (its source file), no launch config',
    async (ctx, s) => {
      const {ui} = ctx;
      const {SITE, HUB6, GIT, NOTEBOOK, ON_HUB6, README_ON_HUB6} = mystEnv(ctx);
      // the first test's tab (or a new one, this test run alone)
      const page = await tab(ctx, 'myst', NOTEBOOK);
      const cases = [
        ['under its BASE_URL /cookbook-template/', `${SITE}cookbook-template/notebooks/notebook-template/`, ON_HUB6],
        ['older markup', `${SITE}old/notebooks/notebook-template/`, ON_HUB6],
        ['gitlab (nested group)', `${SITE}gitlab/notebooks/notebook-template/`, `${HUB6}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgitlab.com%2Fbyob-test%2Fgroup%2Ftiny-book&branch=main&urlpath=lab%2Ftree%2Ftiny-book%2Fnotebooks%2Fnotebook-template.ipynb`],
        ['git (clone URL)', `${SITE}git/notebooks/notebook-template/`, `${HUB6}hub/user-redirect/git-pull?repo=${encodeURIComponent(`${GIT}demo-book`)}&branch=main&urlpath=lab%2Ftree%2Fdemo-book%2Fnotebooks%2Fnotebook-template.ipynb`],
        ['the README page (an Article: its source file)', SITE, README_ON_HUB6],
        ['the README page under its BASE_URL', `${SITE}cookbook-template/`, README_ON_HUB6],
      ];
      for (const [what, url, expected] of cases) {
        s.step(what);
        await page.goto(url);
        const [link] = await waitLinks(page, 1, HUB6, `the link (${what})`);
        expectEqual(link.href, expected, `href (${what})`);
        expect(link.inShadowOfRocketRow, `beside the rocket (${what})`);
      }
      s.step('the README page\'s control names the file it opens');
      await page.goto(SITE);
      const [readme] = await waitLinks(page, 1, README_ON_HUB6, 'the README page\'s link');
      expectEqual(readme.label, 'Launch on 127.0.0.1:18001: open this page\'s source, README.md, there, in a new tab', 'accessible name');
      for (const [what, url] of [['no launch config', `${SITE}nolaunch/notebooks/notebook-template/`]]) {
        s.step(what);
        await page.goto(url);
        const list = await ui.contentState(url);
        expect(list.active !== false, `the extension is active here (${what}): ${JSON.stringify(list)}`);
        expectEqual(list.links.filter((l) => l.source === 'myst').length, 0, `MyST launches listed (${what})`);
        expectEqual(await page.evaluate((src) => (0, eval)(`(${src})`)(0), linksInPage.toString()), [], `nothing added (${what})`);
      }
      await page.close();
      delete ctx.tabs.myst;
    },
  ],
  [
    'MyST React site (@myst-theme/frontmatter 1.4.1): our link added before hydration breaks nothing; the opened form is pre-filled and its own detection and Launch work',
    async (ctx, s) => {
      const {browser} = ctx;
      const {HUB6, APP, ON_HUB6} = mystEnv(ctx);
      s.step('open the server-rendered page, hydration held back');
      const page = (ctx.tabs.mystApp = await browser.open(`${APP}?hydrate=manual`));
      await waitLinks(page, 1, HUB6, 'the link on the server-rendered page');
      s.step('hydrate');
      await page.evaluate(() => /** @type {any} */ (window).hydrateNow());
      await page.waitFor(() => document.documentElement.dataset.hydrated === 'yes', [], {what: 'hydration'});
      expectEqual(await page.evaluate(() => /** @type {any} */ (window).hydrationErrors), [], 'React\'s hydration errors');
      const [link] = await waitLinks(page, 1, HUB6, 'the link after hydration');
      expectEqual(link.href, ON_HUB6, 'href');
      s.step('control: a plain extra node beside the rocket before hydration does make React throw the server HTML away');
      const control = await browser.open(`${APP}?hydrate=manual`);
      await control.evaluate(() => {
        document.querySelector('button[aria-label="Launch in external computing interface"]').after(document.createElement('a'));
        /** @type {any} */ (window).hydrateNow();
      });
      const errors = await control.waitFor(() => /** @type {any} */ (window).hydrationErrors.length > 0 && /** @type {any} */ (window).hydrationErrors, [], {what: 'React\'s hydration error'});
      expect(errors.some((e) => /418|423|hydrat/i.test(e)), `React's errors: ${errors}`);
      await control.close();
      await page.bringToFront();
      s.step('open the rocket\'s form');
      await page.click(ROCKET);
      const form = await page.waitFor(
        () => {
          const input = /** @type {HTMLInputElement | null} */ (document.querySelector('input.myst-fm-launch-input'));
          const ready = document.querySelector('.myst-fm-launch-status-ready');
          const footer = /** @type {HTMLFieldSetElement | null} */ (document.querySelector('fieldset.myst-fm-launch-modal-footer'));
          return input && ready && footer && !footer.disabled ? {value: input.value} : null;
        },
        [],
        {what: 'the form filled and its own hub detection done'},
      );
      expectEqual(form.value, HUB6, 'the URL field');
      s.step('screenshot');
      await page.screenshotElement('[data-radix-popper-content-wrapper]', path.join(ctx.screenshotDir, 'myst-form.png'));
      s.step('the form\'s own Launch button');
      await page.click('form button[type=submit]');
      await waitOpened(browser, s, ON_HUB6); // myst-theme builds the same nbgitpuller link (without the branch, HEAD here)
    },
  ],
  [
    'MyST React site: moving between pages without a reload keeps exactly one correct link, the README page\'s included',
    async (ctx, s) => {
      const {HUB6, APP, ON_HUB6, README_ON_HUB6} = mystEnv(ctx);
      // the React site's tab of the test before (or a new one, this test run alone)
      const page = await tab(ctx, 'mystApp', APP);
      await page.waitFor(() => document.documentElement.dataset.hydrated === 'yes', [], {what: 'hydration'});
      const second = `${HUB6}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fprojectpythia%2Fcookbook-template&urlpath=lab%2Ftree%2Fcookbook-template%2Fnotebooks%2Fsecond.ipynb`;
      const at = (slug) => page.waitFor((slug) => document.querySelector('article')?.dataset.slug === slug, [slug], {what: `the page ${slug} rendered`});
      await page.evaluate(() => {
        /** @type {any} */ (window).byobSamePage = true; // gone if the page reloads
      });
      s.step('to the second notebook');
      await page.click('a[data-slug="notebooks.second"]');
      await at('notebooks.second');
      let [link] = await waitLinks(page, 1, second, 'the link for the second notebook');
      expectEqual(link.original, 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/second.ipynb', 'original');
      s.step('to the README page');
      await page.click('a[data-slug="index"]');
      await at('index');
      expect(await page.evaluate(() => !!document.querySelector('button[aria-label="Launch in external computing interface"]')), 'the page\'s own rocket is there');
      [link] = await waitLinks(page, 1, README_ON_HUB6, 'the link for the README page');
      expectEqual(link.original, 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/README.md', 'original');
      s.step('back (popstate) to the second notebook');
      await page.evaluate(() => history.back());
      await at('notebooks.second');
      await waitLinks(page, 1, second, 'the link for the second notebook again');
      s.step('to the first notebook');
      await page.click('a[data-slug="notebooks.notebook-template"]');
      await at('notebooks.notebook-template');
      [link] = await waitLinks(page, 1, ON_HUB6, 'the link for the first notebook');
      expectEqual(link.href, ON_HUB6, 'href');
      expect(await page.evaluate(() => /** @type {any} */ (window).byobSamePage === true), 'no reload happened');
      await page.close();
      delete ctx.tabs.mystApp;
    },
  ],
  [
    'MyST React site\'s README page (@myst-theme/frontmatter 1.4.1): the page\'s own form, pre-filled, launches exactly what our link beside its rocket opens',
    async (ctx, s) => {
      const {browser} = ctx;
      const {SITE, HUB6, README_ON_HUB6} = mystEnv(ctx);
      s.step('open the README page');
      const page = await browser.open(`${SITE}app/`);
      await page.waitFor(() => document.documentElement.dataset.hydrated === 'yes', [], {what: 'hydration'});
      const [link] = await waitLinks(page, 1, HUB6, 'our link');
      expectEqual([link.href, link.inShadowOfRocketRow], [README_ON_HUB6, true], 'href, beside the rocket');
      s.step('the rocket\'s form: filled, its own detection done');
      await page.click(ROCKET);
      const form = await page.waitFor(
        () => {
          const input = /** @type {HTMLInputElement | null} */ (document.querySelector('input.myst-fm-launch-input'));
          const footer = /** @type {HTMLFieldSetElement | null} */ (document.querySelector('fieldset.myst-fm-launch-modal-footer'));
          return input && document.querySelector('.myst-fm-launch-status-ready') && footer && !footer.disabled ? {value: input.value} : null;
        },
        [],
        {what: 'the form filled and its own hub detection done'},
      );
      expectEqual(form.value, HUB6, 'the URL field');
      s.step('the form\'s own Launch button opens the README on the hub');
      await page.click('form button[type=submit]');
      await waitOpened(browser, s, README_ON_HUB6);
      s.step('our link opens the same');
      await page.bringToFront();
      await page.press('Escape');
      await page.waitFor(() => !document.querySelector('input.myst-fm-launch-input'), [], {what: 'the form closed'});
      await page.click('a.byob-myst-launch');
      await waitOpened(browser, s, README_ON_HUB6);
      await page.close();
    },
  ],
  [
    'MyST React site, older form (@myst-theme/frontmatter 0.14, Binder and JupyterHub tabs): the JupyterHub tab is chosen and filled',
    async (ctx, s) => {
      const {browser} = ctx;
      const {SITE, HUB6} = mystEnv(ctx);
      const page = await browser.open(`${SITE}app-old/notebooks/notebook-template/`);
      await page.waitFor(() => document.documentElement.dataset.hydrated === 'yes', [], {what: 'hydration'});
      await waitLinks(page, 1, HUB6, 'the link');
      await page.click(ROCKET);
      const form = await page.waitFor(
        () => {
          const tab = document.querySelector('[role=tab][id$="-trigger-jupyterhub"]');
          const input = /** @type {HTMLInputElement | null} */ (document.querySelector('[role=tabpanel] input[type=url]'));
          return tab?.getAttribute('aria-selected') === 'true' && input?.value ? {value: input.value} : null;
        },
        [],
        {what: 'the JupyterHub tab chosen and filled'},
      );
      expectEqual(form.value, HUB6, 'the URL field');
      await page.close();
    },
  ],
  [
    'MyST with a BinderHub: the real page\'s link reaches the BinderHub byte for byte; gitlab namespace encoded; the form gets the BinderHub',
    async (ctx, s) => {
      const {browser, ui} = ctx;
      const {SITE, HUB6, BINDER, NOTEBOOK, ON_BINDER, README_ON_BINDER} = mystEnv(ctx);
      s.step('make the BinderHub active');
      await ui.useHub(BINDER);
      s.step('the real page from /');
      const page = await browser.open(NOTEBOOK);
      const [link] = await waitLinks(page, 1, BINDER, 'the link on the BinderHub');
      expectEqual([link.href, link.text], [ON_BINDER, 'Launch on 127.0.0.1:18004'], 'href and label');
      await fetch(`${BINDER}_standin/launches`, {method: 'DELETE'});
      await page.click('a.byob-myst-launch');
      await waitOpened(browser, s, ON_BINDER, `${BINDER}_standin/server/projectpythia-cookbook-template-`);
      const launches = await (await fetch(`${BINDER}_standin/launches`)).json();
      expectEqual(launches.map((l) => l.raw), ['/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb'], 'what the BinderHub received');
      s.step('the README page: its source file on the BinderHub');
      await page.goto(SITE);
      const [readme] = await waitLinks(page, 1, BINDER, 'the README page\'s link on the BinderHub');
      expectEqual(readme.href, README_ON_BINDER, 'href');
      await fetch(`${BINDER}_standin/launches`, {method: 'DELETE'});
      await page.click('a.byob-myst-launch');
      await waitOpened(browser, s, README_ON_BINDER, `${BINDER}_standin/server/projectpythia-cookbook-template-`);
      const readmeLaunches = await (await fetch(`${BINDER}_standin/launches`)).json();
      expectEqual(readmeLaunches.map((l) => l.raw), ['/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/README.md'], 'what the BinderHub received');
      s.step('gitlab');
      await page.goto(`${SITE}gitlab/notebooks/notebook-template/`);
      const [gl] = await waitLinks(page, 1, BINDER, 'the gitlab link');
      expectEqual(gl.href, `${BINDER}v2/gl/byob-test%2Fgroup%2Ftiny-book/main?urlpath=lab/tree/notebooks/notebook-template.ipynb`, 'gitlab on the BinderHub');
      s.step('the form');
      await page.goto(`${SITE}app/notebooks/notebook-template/`);
      await page.waitFor(() => document.documentElement.dataset.hydrated === 'yes', [], {what: 'hydration'});
      await waitLinks(page, 1, BINDER, 'the link');
      await page.click(ROCKET);
      const value = await page.waitFor(() => document.querySelector('.myst-fm-launch-status-ready') && /** @type {HTMLInputElement} */ (document.querySelector('input.myst-fm-launch-input')).value, [], {what: 'the form filled, a BinderHub detected'});
      expectEqual(value, BINDER, 'the URL field');
      await page.close();
      s.step('JupyterHub 6.1.1 active again');
      await ui.useHub(HUB6);
    },
  ],
];
