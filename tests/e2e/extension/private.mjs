// Private mode: the page keeps its hrefs and never sees the hub; a click opens the hub (a
// Jupyter Book page and a MyST page).
import {expect, expectEqual} from '../lib/suite.mjs';
import {env, tab} from './common.mjs';

/** The area's test. @type {import('./common.mjs').Tests} */
export const privateTests = [
  [
    'private mode: the page keeps its hrefs and a click opens the hub',
    async (ctx, s) => {
      const {browser, ui, options, BADGES, HUB6} = await env(ctx);
      const badges = await tab(ctx, 'badges', BADGES);
      s.step('switch to JupyterHub 6.1.1 and private mode in the options page');
      await options.bringToFront();
      await options.evaluate((hub) => {
        const radio = /** @type {HTMLInputElement} */ (document.querySelector(`#hub-list li[data-url="${hub}"] input[type=radio]`));
        radio.click();
      }, HUB6);
      await options.waitFor((hub) => document.querySelector(`#hub-list li[data-url="${hub}"] input[type=radio]`).checked, [HUB6]);
      await options.click('#mode-private');
      await options.waitFor(() => /Saved/.test(document.getElementById('prefs-status').textContent));
      s.step('load the badges page: hrefs stay original');
      await badges.goto(BADGES);
      const listed = await ui.contentState(BADGES);
      expectEqual([listed.active, listed.mode], [true, 'private'], 'content script state');
      // Hovered first: private mode writes no tooltip even then (the page never sees the hub).
      const hrefs = await badges.evaluate(() => ['badge-binder', 'pull'].map((id) => /** @type {HTMLElement} */ (document.getElementById(id))).map((a) => (a.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})), [a.getAttribute('href'), a.hasAttribute('data-byob-original'), a.title])));
      expectEqual(
        hrefs,
        [
          ['https://mybinder.org/v2/gh/byob-test/tiny-book/main?urlpath=lab/tree/book/analysis.ipynb', false, ''],
          ['https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fbyob-test%2Fcourse&urlpath=lab%2Ftree%2Fcourse%2Fweek1.ipynb&branch=main', false, ''],
        ],
        'hrefs, markers and titles in private mode',
      );
      s.step('click the nbgitpuller link');
      await badges.click('#pull');
      await badges.waitFor((hub) => location.href.startsWith(hub) && location.href.includes('git-pull'), [HUB6], {what: 'the hub opened by the extension'});
      s.step('a MyST page in private mode: "Launch on your hub", the original href, a click opens the hub');
      const mystPage = await browser.open(`${ctx.myst}notebooks/notebook-template/`);
      const mystLink = await mystPage.waitFor(
        () => {
          const a = document.querySelector('button[aria-label="Launch in external computing interface"]')?.parentElement?.shadowRoot?.querySelector('.byob-myst-launch');
          return a ? {tag: a.localName, href: a.getAttribute('href'), text: a.textContent, rewritten: a.hasAttribute('data-byob-original')} : null;
        },
        [],
        {what: 'the MyST control in private mode'},
      );
      // A button with no URL: a page stopping the click first must not get the page's own link opened (issue 9).
      expectEqual(mystLink, {tag: 'button', href: null, text: 'Launch on your hub', rewritten: false}, 'the MyST control in private mode');
      await mystPage.click('.byob-myst-launch');
      const opened = await browser.waitForPage((u) => u.startsWith(HUB6) && /git-pull/.test(decodeURIComponent(u)), 15_000);
      await opened.close();
      await mystPage.close();
      s.step('back to rewrite mode');
      await options.bringToFront();
      await options.click('#mode-rewrite');
      await options.waitFor(() => /Saved/.test(document.getElementById('prefs-status').textContent));
    },
  ],
];
