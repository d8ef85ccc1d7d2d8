// @ts-check
// The built extension (dist/chrome, dist/firefox) end to end in headless Chromium and headless
// Firefox ESR (make test-e2e; tests/e2e/README.md): a new user's path through every feature, area
// by area (extension/*.mjs), against a Jupyter Book 1 site built here, Jupyter Book 2 (MyST) sites,
// hostile pages, and the real servers of tests/servers (JupyterHub 6.1.1 and 5.2.1, the BinderHub
// stand-in, the fault server).
//
//   node --test --experimental-websocket tests/e2e/extension.test.mjs
//   BROWSER=chromium … --test-name-pattern=hostile     one browser, one area (its `before` sets up what it needs)
//
// Env: BYOB_E2E_VERBOSE=1 prints every step; BYOB_E2E_TIMINGS=1 the hostile pages' measurements.
// Screenshots of the options page, the popup and the MyST launch link and form go to
// build/e2e-screenshots/<browser>/, or, with BYOB_E2E_SCREENSHOTS=docs, Chromium's to docs/img/
// (the README's pictures: `make screenshots`).
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe} from 'node:test';
import {ExtensionUi} from './lib/extension-ui.mjs';
import {buildMystSites, serveMystSites} from './lib/myst-site.mjs';
import {onExit, ports, root, startServers} from './lib/servers.mjs';
import {buildBook, serveSite} from './lib/site.mjs';
import {eachBrowser} from './lib/suite.mjs';
import {accessTests} from './extension/access.mjs';
import {SHARED_TABS, ensureReady, urls} from './extension/common.mjs';
import {serveHostile} from './extension/hostile-pages.mjs';
import {hostileTests} from './extension/hostile.mjs';
import {hubsTests} from './extension/hubs.mjs';
import {mystTests} from './extension/myst.mjs';
import {optionsTests} from './extension/options.mjs';
import {pagesTests} from './extension/pages.mjs';
import {popupTests} from './extension/popup.mjs';
import {presetsTests} from './extension/presets.mjs';
import {privateTests} from './extension/private.mjs';
import {settingsTests} from './extension/settings.mjs';

/** The areas, in the order a new user meets them; each after the first starts from `ensureReady`. */
const AREAS = /** @type {const} */ ([
  ['install and options', optionsTests],
  ['book pages', pagesTests],
  ['MyST pages', mystTests],
  ['hostile pages and failing hubs', hostileTests],
  ['popup, turned-off sites, context menu', popupTests],
  ['several hubs: health, fallback, per-site choices', hubsTests],
  ['private mode', privateTests],
  ['settings', settingsTests],
  ['site access', accessTests],
  ['presets from an institution', presetsTests],
]);

eachBrowser(
  async () => {
    const p = ports();
    startServers(['hub6', 'hub52', 'binder', 'faults']);
    console.log('e2e: building the Jupyter Book 1 test book');
    const bookDir = buildBook(root);
    const mystDir = path.join(root, 'tests', 'fixtures', 'pages', 'jb2-mystmd-1.7-cookbook-template');
    const site = await serveSite({bookDir, siteDir: path.join(root, 'tests', 'e2e', 'site'), mystDir});
    onExit(site.close);
    console.log('e2e: writing the Jupyter Book 2 (MyST) test sites');
    const myst = await serveMystSites(await buildMystSites(root, mystDir, {gitUrl: p.GIT_URL}));
    onExit(myst.close);
    const hostile = await serveHostile();
    onExit(hostile.close);
    return {ports: p, urls: urls(site.url, p), myst: myst.url, hostile};
  },
  (suite) => {
    const ctx = /** @type {import('./extension/common.mjs').Ctx} */ (suite);
    before(() => {
      ctx.ui = new ExtensionUi(ctx.browser);
      ctx.tabs = {};
      ctx.screenshotDir = ctx.name === 'chromium' && process.env.BYOB_E2E_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'img') : path.join(root, 'build', 'e2e-screenshots', ctx.name);
      fs.mkdirSync(ctx.screenshotDir, {recursive: true});
    });
    for (const [title, tests] of AREAS) {
      describe(title, () => {
        if (tests !== optionsTests) before(() => ensureReady(ctx));
        after(async () => {
          for (const name of Object.keys(ctx.tabs ?? {}).filter((n) => !SHARED_TABS.includes(n))) {
            await ctx.tabs[name].close().catch(() => {}); // gone with a failed test: nothing to close
            delete ctx.tabs[name];
          }
        });
        for (const [name, fn, {only, skip} = {}] of tests) if (!only || only === ctx.name) ctx.check(name, (s) => fn(ctx, s), {skip});
      });
    }
  },
);
